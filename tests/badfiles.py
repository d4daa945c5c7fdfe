"""Broken and odd inputs, made in the test's tmp folder (never committed)."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np


def empty(d: Path) -> Path:
    p = d / "empty.mp4"
    p.write_bytes(b"")
    return p


def text(d: Path) -> Path:
    p = d / "notes.mp4"
    p.write_text("this is a text file, not a video\n" * 20)
    return p


def truncated(src: Path, d: Path, keep: float = 0.4) -> Path:
    data = Path(src).read_bytes()
    p = d / f"truncated_{Path(src).name}"
    p.write_bytes(data[: int(len(data) * keep)])
    return p


def write_video(p: Path, n_frames: int, size=(64, 48), fps=30, rotation: int | None = None) -> Path:
    import av

    with av.open(str(p), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        if rotation is not None:
            if not hasattr(s, "set_display_rotation"):
                import pytest

                pytest.skip("writing rotation metadata needs PyAV >= 18 (set_display_rotation); "
                            "reading it is tested on a real phone clip")
            s.set_display_rotation(rotation)
        s.width, s.height = size
        s.pix_fmt = "yuv420p"
        for i in range(n_frames):
            img = np.full((size[1], size[0], 3), (i * 20) % 255, np.uint8)
            for pk in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(pk)
        for pk in s.encode():
            c.mux(pk)
    return p


def zero_frames(d: Path) -> Path:
    """An mp4 with a video stream header and not a single frame."""
    import av

    p = d / "zero_frames.mp4"
    c = av.open(str(p), "w")
    s = c.add_stream("libx264", rate=30)
    s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
    c.start_encoding()
    c.close()
    return p


def audio_only(d: Path) -> Path:
    import av

    p = d / "voice.mp4"
    with av.open(str(p), "w") as c:
        s = c.add_stream("aac", rate=44100)
        s.layout = "mono"
        t = np.arange(44100) / 44100
        samples = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None, :]
        for i in range(0, samples.shape[1], 1024):
            fr = av.AudioFrame.from_ndarray(samples[:, i:i + 1024], format="fltp", layout="mono")
            fr.sample_rate = 44100
            fr.pts = i
            fr.time_base = Fraction(1, 44100)
            for pk in s.encode(fr):
                c.mux(pk)
        for pk in s.encode():
            c.mux(pk)
    return p
