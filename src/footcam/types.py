"""Core data types: small frozen dataclasses of numpy arrays, shapes checked once when built.

Pure numpy: importable by the kinematics core.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .constants import N_LANDMARKS


def _check(name: str, a: np.ndarray, shape: tuple) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if a.ndim != len(shape) or any(s is not None and s != d for s, d in zip(shape, a.shape)):
        raise ValueError(f"{name}: expected shape {shape}, got {a.shape}")
    return a


@dataclass(frozen=True)
class PoseSequence:
    """One person's landmarks over a clip.

    - ``time_s (T,)``: each frame's own timestamp, seconds from the first frame.
    - ``image_xy (T, 33, 2)``: pixels in the upright (displayed) frame, origin top-left, y down.
    - ``world_xyz (T, 33, 3)``: MediaPipe world landmarks, metres, origin between the hips,
      x right / y down / z away from the camera as MediaPipe defines them.
    - ``visibility (T, 33)``, ``presence (T, 33)``: MediaPipe's scores, 0..1.
    - ``resolution_wh``: the upright frame size in pixels.

    A frame without a pose holds NaN everywhere (visibility/presence 0).
    """

    time_s: np.ndarray
    image_xy: np.ndarray
    world_xyz: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    resolution_wh: tuple[int, int]

    def __post_init__(self):
        t = _check("time_s", self.time_s, (None,))
        n = t.shape[0]
        object.__setattr__(self, "time_s", t)
        object.__setattr__(self, "image_xy", _check("image_xy", self.image_xy, (n, N_LANDMARKS, 2)))
        object.__setattr__(self, "world_xyz", _check("world_xyz", self.world_xyz, (n, N_LANDMARKS, 3)))
        object.__setattr__(self, "visibility", _check("visibility", self.visibility, (n, N_LANDMARKS)))
        object.__setattr__(self, "presence", _check("presence", self.presence, (n, N_LANDMARKS)))
        if n > 1 and np.any(np.diff(t) <= 0):
            raise ValueError("time_s must be strictly increasing")

    @property
    def n_frames(self) -> int:
        return int(self.time_s.shape[0])

    @property
    def detected(self) -> np.ndarray:
        """(T,) bool: a pose was found in the frame."""
        return np.isfinite(self.image_xy[:, :, 0]).any(axis=1)

    def replace(self, **changes) -> "PoseSequence":
        kw = dict(time_s=self.time_s, image_xy=self.image_xy, world_xyz=self.world_xyz,
                  visibility=self.visibility, presence=self.presence,
                  resolution_wh=self.resolution_wh)
        kw.update(changes)
        return PoseSequence(**kw)

    @classmethod
    def empty(cls, time_s: np.ndarray, resolution_wh: tuple[int, int]) -> "PoseSequence":
        n = len(time_s)
        return cls(np.asarray(time_s, float), np.full((n, N_LANDMARKS, 2), np.nan),
                   np.full((n, N_LANDMARKS, 3), np.nan), np.zeros((n, N_LANDMARKS)),
                   np.zeros((n, N_LANDMARKS)), resolution_wh)


@dataclass(frozen=True)
class Bout:
    """A walking bout: a run of frames with one view and one walking direction.

    ``direction_sign`` is the way the body *faces* across the image: +1 toward +x (the right
    of the picture), -1 toward -x, 0 in front/back views. It is what the sagittal angles are
    mirrored by, what makes a leg the near one, and what "ahead" means for the gait events.
    ``travel_sign`` is the way the hips *move* across the image (0: not across, as on a
    treadmill, in place, or toward/away from the camera). They differ when the subject walks
    backward or the clip plays in reverse (``backward``). ``activity`` is set once the gait
    events are known: walking, running, or "" (no gait cycle).
    """

    start: int          # first frame index (inclusive)
    stop: int           # last frame index (exclusive)
    view: str           # side / front / back / oblique / unknown
    direction: str      # travel: left_to_right / right_to_left / toward_camera / away_from_camera / stationary / unknown
    direction_sign: int
    view_angle_deg: float = float("nan")   # estimated angle of the walking direction toward the camera
    confidence: float = float("nan")
    reasons: tuple[str, ...] = field(default_factory=tuple)
    travel_sign: int = 0
    activity: str = ""
    #: why this bout is not an ordinary walk in front of a still camera (no finding rests on it)
    unusual: tuple[str, ...] = ()

    @property
    def facing_sign(self) -> int:
        return self.direction_sign

    @property
    def backward(self) -> bool:
        """Moves across the picture against the way the body faces (walking backward, or a
        clip played in reverse)."""
        return bool(self.travel_sign and self.direction_sign and self.travel_sign != self.direction_sign)

    def to_dict(self, time_s: np.ndarray | None = None) -> dict:
        d = {"start_frame": self.start, "stop_frame": self.stop, "view": self.view,
             "direction": self.direction, "direction_sign": self.direction_sign,
             "view_angle_deg": None if not np.isfinite(self.view_angle_deg) else round(float(self.view_angle_deg), 1),
             "confidence": None if not np.isfinite(self.confidence) else round(float(self.confidence), 3),
             "reasons": list(self.reasons),
             "facing": {1: "image_right", -1: "image_left"}.get(self.direction_sign),
             "travel_sign": self.travel_sign, "backward": self.backward,
             "activity": self.activity or None, "unusual": list(self.unusual)}
        if time_s is not None and len(time_s):
            d["start_s"] = round(float(time_s[self.start]), 4)
            d["stop_s"] = round(float(time_s[self.stop - 1]), 4)
        return d
