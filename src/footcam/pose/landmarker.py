"""MediaPipe PoseLandmarker (Tasks API) behind a small adapter: the only module that runs it.

Landmarks leave this module as plain numpy arrays in pixels of the upright frame.
"""
from __future__ import annotations

import os
import sys
import tempfile
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


class NativeStderr:
    """Where MediaPipe's C++ side writes while footcam calls it.

    MediaPipe, TFLite and absl write straight to file descriptor 2 — start-up chatter when a
    landmarker is made, ``NORM_RECT`` and alignment warnings during inference, ``DestroyAccelerator``
    when it is closed — whatever Python's ``sys.stderr`` is. Every native call of a
    :class:`PoseLandmarker` runs inside ``with native:``, which points fd 2 at a private file
    for the length of the call and back afterwards, so footcam's own stderr (progress, log,
    errors) is never captured and no native line reaches it. ``text()`` returns what was caught
    (it goes into a ModelError when a model cannot be loaded). Set FOOTCAM_NATIVE_LOGS=1 to let
    the lines through.
    """

    def __init__(self):
        self._sink = None
        self._saved: list[int] = []
        self._passthrough = os.environ.get("FOOTCAM_NATIVE_LOGS") == "1"

    def __enter__(self):
        if self._passthrough:
            return self
        try:
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass
        try:
            if self._sink is None:
                self._sink = tempfile.TemporaryFile(mode="w+b")
            saved = os.dup(2)
        except OSError:           # no usable fd 2 (embedded interpreters): nothing to hide
            self._saved.append(-1)
            return self
        os.dup2(self._sink.fileno(), 2)
        self._saved.append(saved)
        return self

    def __exit__(self, *exc):
        if self._passthrough:
            return
        saved = self._saved.pop()
        if saved >= 0:
            os.dup2(saved, 2)
            os.close(saved)

    def text(self) -> str:
        if self._sink is None:
            return ""
        self._sink.seek(0)
        out = self._sink.read().decode("utf-8", "replace")
        self._sink.seek(0, os.SEEK_END)
        return out

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None


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
        self._native = NativeStderr()
        with self._native:
            try:
                self._lm = vision.PoseLandmarker.create_from_options(opts)
            except (RuntimeError, ValueError, OSError) as e:
                text = self._native.text()
                self._native.close()
                raise ModelError(f"MediaPipe cannot load this pose model: {e} {text}".strip(),
                                 model_path) from None
        self._video = video
        self._last_ms = -1

    def detect(self, rgb: np.ndarray, time_s: float = 0.0) -> list[Detection]:
        import mediapipe as mp

        h, w = rgb.shape[:2]
        img = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        with self._native:          # inference logs on fd 2 (set-up, NORM_RECT, alignment)
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
        """Close the landmarker (its native side logs ``DestroyAccelerator`` lines here)."""
        lm, self._lm = self._lm, None
        if lm is not None:
            with self._native:
                lm.close()
                del lm
        self._native.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
