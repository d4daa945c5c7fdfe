"""Unusual footage made from a clip, for tests and benchmarks (never committed: written to a tmp
folder): played in reverse (the walker faces one way and moves the other), scene cuts, slow
motion, a camera that follows the walker (the walker stays put, the background moves).

Every function decodes ``src`` with PyAV and writes an H.264 mp4 at ``dst``.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable

import numpy as np


def _frames(src: Path) -> tuple[list[np.ndarray], float]:
    import av

    with av.open(str(src)) as c:
        s = c.streams.video[0]
        rate = float(s.average_rate) if s.average_rate else 30.0
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(s)]
    return frames, rate


def write(dst: Path, frames: Iterable[np.ndarray], fps: float | Fraction) -> Path:
    import av

    frames = list(frames)
    h, w = frames[0].shape[:2]
    w, h = w - w % 2, h - h % 2
    rate = Fraction(fps).limit_denominator(1001)
    with av.open(str(dst), "w") as c:
        s = c.add_stream("libx264", rate=rate)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.options = {"crf": "18"}
        for img in frames:
            for pk in s.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(img[:h, :w]),
                                                          format="rgb24")):
                c.mux(pk)
        for pk in s.encode():
            c.mux(pk)
    return Path(dst)


def reversed_clip(src: Path, dst: Path) -> Path:
    """The clip played backwards: the walker faces the way they walked but moves the other way
    (as walking backward does)."""
    frames, rate = _frames(src)
    return write(dst, frames[::-1], rate)


def concatenated(srcs: list[Path], dst: Path) -> Path:
    """The clips one after another (scene cuts between them), scaled to the first one's size."""
    import cv2

    out, rate = [], None
    for src in srcs:
        frames, r = _frames(src)
        rate = rate or r
        h, w = (out[0].shape[:2] if out else frames[0].shape[:2])
        out += [f if f.shape[:2] == (h, w) else cv2.resize(f, (w, h)) for f in frames]
    return write(dst, out, rate)


def retimed(src: Path, dst: Path, slow_factor: float) -> Path:
    """Slow motion: the same frames at ``1/slow_factor`` of the frame rate (the walk looks
    ``slow_factor`` times slower)."""
    frames, rate = _frames(src)
    return write(dst, frames, rate / slow_factor)


def followed(src: Path, dst: Path, centre_x: Callable[[int], float], width_share: float = 0.5) -> Path:
    """A camera panning with the walker: a window of ``width_share`` of the picture, centred on
    ``centre_x(frame)`` pixels (e.g. the walker's hip from a truth file), so that the walker
    stays in the middle while the background moves."""
    frames, rate = _frames(src)
    h, w = frames[0].shape[:2]
    cw = int(w * width_share) // 2 * 2
    out = []
    for i, f in enumerate(frames):
        x0 = int(np.clip(round(centre_x(i) - cw / 2), 0, w - cw))
        out.append(f[:, x0:x0 + cw])
    return write(dst, out, rate)
