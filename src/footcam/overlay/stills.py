"""Key-frame stills for the report: one PNG per heel strike and toe off, the annotated picture
cropped round the walker, named ``stills/<side>_<event>_<time>s.png`` (e.g.
``stills/r_hs_1.23s.png``: right heel strike at 1.23 s — the report's caption reads the name)."""
from __future__ import annotations

import os
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from ..results import STILL_NAME, STILLS_DIR, still_name
from .draw import EVENT_NAME, PANEL_BG, SIDE_COLOUR, SIDE_LABEL, Style, put_text
from .frames import FramePainter, frames, load_inputs

#: stills are scaled to this height (the report shows several side by side)
STILL_HEIGHT = 480
_BODY = np.r_[0, 11:33]
__all__ = ["STILLS_DIR", "STILL_NAME", "STILL_HEIGHT", "still_name", "crop_box", "still_image",
           "StillCollector", "write_stills"]


def crop_box(xy: np.ndarray, wh: tuple[int, int]) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the walker with room round them (the whole picture without a pose)."""
    w, h = wh
    p = xy[_BODY]
    p = p[np.isfinite(p).all(axis=1)]
    if len(p) < 2:
        return 0, 0, w, h
    (xa, ya), (xb, yb) = p.min(axis=0), p.max(axis=0)
    bh = max(yb - ya, 1.0)
    ch = min(h, bh * 1.35)
    cw = min(w, max(xb - xa + 0.5 * bh, 0.8 * bh))
    cx, cy = (xa + xb) / 2, ya - 0.12 * bh + ch / 2
    x0 = int(round(min(max(cx - cw / 2, 0), w - cw)))
    y0 = int(round(min(max(cy - ch / 2, 0), h - ch)))
    return x0, y0, x0 + int(round(cw)), y0 + int(round(ch))


def still_image(pic: np.ndarray, xy: np.ndarray, side: str, event: str, time_s: float) -> np.ndarray:
    """The cropped, scaled still with a caption strip above it (RGB)."""
    h, w = pic.shape[:2]
    x0, y0, x1, y1 = crop_box(xy, (w, h))
    crop = pic[y0:y1, x0:x1]
    k = STILL_HEIGHT / max(crop.shape[0], 1)
    size = (max(2, int(round(crop.shape[1] * k))), STILL_HEIGHT)
    crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC)
    style = Style.for_size((max(size[0], 360), STILL_HEIGHT))
    strip_h = round(style.text_px * 2.2)
    strip = np.empty((strip_h, size[0], 3), np.uint8)
    strip[:] = PANEL_BG
    y = (strip_h + style.text_px) // 2
    x = put_text(strip, f"{SIDE_LABEL[side]} {EVENT_NAME[event]}", (style.pad, y), style.text_px,
                 SIDE_COLOUR[side], style)
    put_text(strip, f"  {time_s:.2f} s", (x, y), style.text_px, (200, 200, 200), style)
    return np.concatenate([strip, crop], axis=0)


def _write_png(path: Path, rgb: np.ndarray) -> None:
    ok, buf = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError("PNG encoding failed")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(buf.tobytes())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class StillCollector:
    """Fed every drawn picture of a pass; saves the ones at events, then removes footcam's
    stills of an earlier run that no longer match an event."""

    def __init__(self, inp, painter):
        self.dir = inp.out_dir / STILLS_DIR
        self.by_frame: dict[int, list[tuple[str, str, float]]] = {}
        for side, ev, frame, t in painter.events:
            self.by_frame.setdefault(frame, []).append((side, ev, t))
        self.last_frame = max(self.by_frame, default=-1)
        self.written: list[Path] = []
        self.has_events_file = inp.events is not None

    def wants(self, i: int) -> bool:
        return i in self.by_frame

    def offer(self, i: int, pic: np.ndarray, xy: np.ndarray) -> None:
        for side, ev, t in self.by_frame.get(i, ()):
            self.dir.mkdir(exist_ok=True)
            p = self.dir / still_name(ev, side, t)
            _write_png(p, still_image(pic, xy, side, ev, t))
            self.written.append(p)

    def finish(self) -> list[Path]:
        if self.dir.is_dir():
            keep = {p.name for p in self.written}
            for p in self.dir.iterdir():
                if STILL_NAME.match(p.name) and p.name not in keep:
                    p.unlink()
        return sorted(self.written)

    def note(self) -> str:
        if not self.has_events_file:
            return "no stills: the folder has no events.csv (gait events were not detected)"
        if not self.written:
            return "no stills: events.csv lists no heel strike or toe off"
        return f"wrote {len(self.written)} stills in {STILLS_DIR}/"


def write_stills(out_dir: str | Path, *, source: str | Path | None = None,
                 log: Callable[[str], None] | None = None) -> list[Path]:
    """Write a PNG at each heel strike and toe off of ``out_dir/events.csv`` into
    ``out_dir/stills/``. Without events.csv nothing is written (and ``log`` is told why).
    Decodes the source only up to the last event; no pose estimation runs."""
    inp = load_inputs(out_dir, source)
    painter = FramePainter(inp)
    col = StillCollector(inp, painter)
    if inp.events is not None and col.by_frame:
        with closing(frames(inp)) as it:
            for i, t, img, xy, vis in it:
                if col.wants(i):
                    pic, xy_out, _ = painter.picture(img, i, xy, vis, painter.active_events(i, t))
                    col.offer(i, pic, xy_out)
                if i >= col.last_frame:
                    break
    paths = col.finish() if inp.events is not None else []
    if log:
        log(col.note())
    return paths
