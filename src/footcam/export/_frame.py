"""From picture pixels to the exported coordinate frame (shared by .trc and .c3d).

One camera measures the picture's plane only. For a side view that plane is the walker's
sagittal plane, so the exported frame is the lab frame of a gait lab seen from the side:

- *forward* along the picture's horizontal, pointing the way the walker walks in the side-view
  bouts (picture right for a left-to-right walk, picture left for right-to-left; the direction
  of the side-view frames' majority, so a walk back and forth keeps one fixed lab frame);
- *up* = the picture's up;
- *depth* (toward the walker's right) = 0: a single camera does not measure it.
- origin: the picture's bottom corner behind the walker (bottom-left for a left-to-right walk).

In metres when the picture's scale is known (``analysis.json`` ``scale.px_per_m``, from
``--height-cm`` in side views), else in pixels. Without a side view the plane is only the
picture's plane (frontal for a front or back view), forward is picture right, and there is no
scale (footcam computes one for side views only): pixels.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import VIEW_SIDE
from ._read import ClipData


@dataclass(frozen=True)
class PictureFrame:
    sign: int                 # +1: forward = picture right; -1: forward = picture left
    px_per_m: float | None    # None: coordinates stay in pixels
    width_px: int
    height_px: int
    side_view: bool           # the clip has a side-view bout (the picture plane is sagittal)

    @classmethod
    def of(cls, clip: ClipData) -> "PictureFrame":
        frames = {+1: 0, -1: 0}
        for b in clip.bouts:
            s = int(b.get("direction_sign") or 0)
            if b.get("view") == VIEW_SIDE and s in frames:
                frames[s] += int(b["stop_frame"]) - int(b["start_frame"])
        side = frames[+1] + frames[-1] > 0
        sign = -1 if frames[-1] > frames[+1] else +1
        ppm = clip.px_per_m if clip.px_per_m and np.isfinite(clip.px_per_m) else None
        return cls(sign=sign, px_per_m=ppm, width_px=clip.resolution_wh[0],
                   height_px=clip.resolution_wh[1], side_view=side)

    @property
    def metres(self) -> bool:
        return self.px_per_m is not None

    def forward_up(self, image_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(forward, up) of pixel points ``(..., 2)``: metres if the scale is known, else px."""
        x, y = image_xy[..., 0], image_xy[..., 1]
        forward = x if self.sign > 0 else self.width_px - x
        up = self.height_px - y
        k = 1.0 / self.px_per_m if self.metres else 1.0
        return forward * k, up * k

    def describe(self, axes: str, metric: str = "metres") -> str:
        """One line for a file's header: the plane, the axes (``axes`` names them in the
        format's own letters), the origin and the unit (``metric``: the file's metric unit)."""
        walk = "picture left-to-right" if self.sign > 0 else "picture right-to-left"
        if self.side_view:
            plane = "side view: the picture plane is the sagittal plane"
            fwd = f"forward = walking direction ({walk})"
        else:
            plane = "no side view: the picture plane (not the sagittal plane)"
            fwd = "forward = picture right"
        corner = "bottom-left" if self.sign > 0 else "bottom-right"
        unit = (f"{metric} (scale {self.px_per_m:.2f} px/m from the walker's height)" if self.metres
                else "pixels (no scale: give --height-cm for metres, side views only)")
        return (f"{plane}; {axes.format(forward=fwd)}; depth = 0 (one camera: no depth); "
                f"origin the picture's {corner} corner; {unit}")
