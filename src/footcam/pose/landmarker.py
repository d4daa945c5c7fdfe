"""MediaPipe PoseLandmarker (Tasks API) behind a small adapter: the only module that runs it.

Landmarks leave this module as plain numpy arrays in pixels of the upright frame.
"""
from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..constants import N_LANDMARKS
from ..errors import ModelError


@dataclass(frozen=True, eq=False)
class Detection:
    """One person in one frame, from MediaPipe.

    ``image_xy (33, 2)`` pixels, ``world_xyz (33, 3)`` metres, ``visibility``/``presence`` (33,).
    """

    image_xy: np.ndarray
    world_xyz: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray

    @property
    def bbox_xyxy(self) -> np.ndarray:
        xy = self.image_xy
        return np.array([xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max()])

    @property
    def score(self) -> float:
        return float(np.mean(self.presence))


def from_mediapipe(result, width: int, height: int) -> list[Detection]:
    """Adapter: a PoseLandmarkerResult → a list of Detection in pixels."""
    out = []
    worlds = result.pose_world_landmarks or []
    for k, lms in enumerate(result.pose_landmarks or []):
        a = np.array([(p.x, p.y, p.visibility if p.visibility is not None else 0.0,
                       p.presence if p.presence is not None else 0.0) for p in lms], dtype=float)
        if a.shape[0] != N_LANDMARKS:
            continue
        w = (np.array([(p.x, p.y, p.z) for p in worlds[k]], dtype=float)
             if k < len(worlds) else np.full((N_LANDMARKS, 3), np.nan))
        xy = a[:, :2] * np.array([width, height], dtype=float)
        out.append(Detection(xy, w, a[:, 2], a[:, 3]))
    return out


@contextmanager
def native_stderr_captured():
    """Capture what MediaPipe's C++ side writes straight to file descriptor 2 (TFLite/absl start-up
    chatter) so that footcam's stderr stays readable; yields a callable returning the text.
    Set FOOTCAM_NATIVE_LOGS=1 to let it through."""
    if os.environ.get("FOOTCAM_NATIVE_LOGS") == "1":
        yield lambda: ""
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except OSError:           # no usable fd 2 (embedded interpreters)
        yield lambda: ""
        return
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield lambda: (tmp.seek(0), tmp.read().decode("utf-8", "replace"))[1]
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class PoseLandmarker:
    """A PoseLandmarker in VIDEO mode (tracking between frames) or IMAGE mode.

    Use as a context manager; ``detect(rgb, time_s)`` takes the frame's own timestamp.
    """

    def __init__(self, model_path: str | Path, *, video: bool = True, num_poses: int = 1,
                 min_pose_detection_confidence: float = 0.5,
                 min_pose_presence_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5):
        from mediapipe.tasks.python import vision
        from mediapipe.tasks.python.core.base_options import BaseOptions

        mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE
        opts = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path)), running_mode=mode,
            num_poses=num_poses, min_pose_detection_confidence=min_pose_detection_confidence,
            min_pose_presence_confidence=min_pose_presence_confidence,
            min_tracking_confidence=min_tracking_confidence)
        with native_stderr_captured() as native:
            try:
                self._lm = vision.PoseLandmarker.create_from_options(opts)
            except (RuntimeError, ValueError, OSError) as e:
                raise ModelError(f"MediaPipe cannot load this pose model: {e} {native()}".strip(),
                                 model_path) from None
        self._video = video
        self._last_ms = -1
        self._first = True

    def detect(self, rgb: np.ndarray, time_s: float = 0.0) -> list[Detection]:
        import mediapipe as mp

        h, w = rgb.shape[:2]
        img = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        if self._first:              # the first inference logs its set-up on fd 2 too
            self._first = False
            with native_stderr_captured():
                return self._detect(img, time_s, w, h)
        return self._detect(img, time_s, w, h)

    def _detect(self, img, time_s: float, w: int, h: int) -> list[Detection]:
        if self._video:
            ms = max(int(round(time_s * 1000.0)), self._last_ms + 1)
            self._last_ms = ms
            res = self._lm.detect_for_video(img, ms)
        else:
            res = self._lm.detect(img)
        return from_mediapipe(res, w, h)

    def close(self):
        with native_stderr_captured():       # closing logs its tear-down on fd 2 ("INFO: ...")
            self._lm.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
