"""What the footage itself does, measured on the fly during the pose pass: scene cuts and a moving
camera. Nothing of the picture is kept: per frame, a small grey thumbnail is compared with the
previous one and only three numbers stay (picture change, background shift x/y).

- A scene cut is a frame whose thumbnail differs from the previous one far more than frames
  usually differ in this clip (:func:`scene_cuts`).
- The camera's own motion is the shift of the background between frames (phase correlation on
  the thumbnails with every detected person blanked out): a static camera gives ~0, a pan or a
  hand-held phone the background's speed (:func:`camera_motion`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: thumbnail width in pixels (height follows the picture's aspect)
THUMB_W = 96
#: a scene cut: the mean absolute grey change (0-255) is above CUT_MIN_CHANGE and CUT_FACTOR
#: times the clip's median frame-to-frame change
CUT_MIN_CHANGE = 20.0
CUT_FACTOR = 6.0


@dataclass
class FootageMonitor:
    """Feed it every frame (RGB, upright) with the boxes of the people detected in it."""

    change: list = field(default_factory=list)     # mean |grey change| per frame (NaN first)
    shift: list = field(default_factory=list)      # background shift (dx, dy) per frame, px of the picture
    _prev: np.ndarray | None = None
    _prev_mask: np.ndarray | None = None
    _scale: float = 1.0

    def update(self, rgb: np.ndarray, boxes_xyxy=()) -> None:
        import cv2

        h, w = rgb.shape[:2]
        tw = THUMB_W
        th = max(8, int(round(h * tw / w)))
        g = cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (tw, th), interpolation=cv2.INTER_AREA)
        g = g.astype(np.float32)
        mask = np.ones_like(g, dtype=bool)
        s = tw / w
        for b in boxes_xyxy:
            x0, y0, x1, y1 = (np.asarray(b, float) * s)
            pad_x, pad_y = 0.15 * (x1 - x0) + 1, 0.1 * (y1 - y0) + 1
            xa, xb = int(max(0, np.floor(x0 - pad_x))), int(min(tw, np.ceil(x1 + pad_x)))
            ya, yb = int(max(0, np.floor(y0 - pad_y))), int(min(th, np.ceil(y1 + pad_y)))
            if xb > xa and yb > ya:
                mask[ya:yb, xa:xb] = False
        if self._prev is None or self._prev.shape != g.shape:
            self.change.append(np.nan)
            self.shift.append((np.nan, np.nan))
        else:
            self.change.append(float(np.mean(np.abs(g - self._prev))))
            both = mask & self._prev_mask
            if both.mean() < 0.3:          # the people cover most of the picture
                self.shift.append((np.nan, np.nan))
            else:
                a = np.where(both, self._prev, self._prev[both].mean())
                b = np.where(both, g, g[both].mean())
                win = cv2.createHanningWindow((tw, th), cv2.CV_32F)
                (dx, dy), _ = cv2.phaseCorrelate(a, b, win)
                self.shift.append((dx / s, dy / s))
        self._prev, self._prev_mask = g, mask

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(T,) picture change and (T, 2) background shift in picture pixels per frame."""
        return (np.asarray(self.change, float),
                np.asarray(self.shift, float).reshape(-1, 2))


def scene_cuts(change: np.ndarray) -> list[int]:
    """Frames that start a new shot."""
    c = np.asarray(change, float)
    ok = np.isfinite(c)
    if ok.sum() < 3:
        return []
    med = float(np.median(c[ok]))
    lim = max(CUT_MIN_CHANGE, CUT_FACTOR * med)
    return [int(i) for i in np.flatnonzero(ok & (c > lim))]


def camera_motion(shift: np.ndarray, time_s: np.ndarray, width_px: float) -> np.ndarray:
    """(T,) the background's speed in picture widths per second (NaN where unknown)."""
    d = np.asarray(shift, float)
    t = np.asarray(time_s, float)
    speed = np.full(len(t), np.nan)
    if len(t) < 2:
        return speed
    dt = np.diff(t, prepend=t[0] - np.median(np.diff(t)))
    with np.errstate(invalid="ignore"):
        speed = np.linalg.norm(d, axis=1) / width_px / dt
    return speed
