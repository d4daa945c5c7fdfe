"""What `footcam toes` is given: image bombs refused from their header, videos without a foot
on paper refused, a foot-on-paper video measured (exit codes and exact text)."""
from __future__ import annotations

import json
import struct
import zlib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from footcam.cli import main
from footcam.toes.imageio import MAX_PHOTO_PIXELS, declared_size
from footcam.toes.synth import SynthCamera, SynthFoot, render
from helpers import REPO


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def png_declaring(w: int, h: int) -> bytes:
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("ext", [".png", ".jpg", ".webp", ".bmp", ".tiff"])
def test_declared_size_is_read_from_the_header(ext):
    import cv2

    ok, buf = cv2.imencode(ext, np.zeros((37, 53, 3), np.uint8))
    assert ok and declared_size(buf.tobytes()) == (53, 37)


def test_an_image_bomb_is_refused_before_decoding(tmp_path):
    p = tmp_path / "bomb.png"
    p.write_bytes(png_declaring(100_000, 100_000))
    r = run("toes", p, "-o", tmp_path / "out", "-q")
    assert r.exit_code == 1
    assert r.output == (f"Error: {p}: the image declares 100000 x 100000 px (10,000 megapixels): "
                        f"more than the {MAX_PHOTO_PIXELS / 1e6:.0f} megapixels footcam decodes, so "
                        f"it is not decoded (a damaged or hostile file?)\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_walking_video_has_no_foot_on_paper(tmp_path):
    r = run("toes", REPO / "sample_videos" / "normal_side.mp4", "-o", tmp_path / "out", "-q")
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {REPO / 'sample_videos' / 'normal_side.mp4'}: no foot on a "
                               f"paper sheet in ")
    assert "sampled frames (expected a top-down video of one foot standing on the sheet): " in r.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_video_of_a_foot_on_paper_is_measured(tmp_path):
    """Two seconds of a synthetic foot on A4, the camera moving a little: measured (exit 0)."""
    import av
    import cv2

    p = tmp_path / "foot.mp4"
    pictures = [render(SynthFoot(), SynthCamera(tilt_deg=6 + 2 * k), seed=k)[0] for k in range(2)] * 2
    h, w = (d // 2 * 2 for d in pictures[0].shape[:2])
    with av.open(str(p), "w") as c:
        s = c.add_stream("libx264", rate=2)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        for k, img in enumerate(pictures):
            img = cv2.resize(img, (w, h))
            f = av.VideoFrame.from_ndarray(np.ascontiguousarray(img[..., ::-1]), format="rgb24")
            f.pts, f.time_base = k, Fraction(1, 2)
            for pk in s.encode(f):
                c.mux(pk)
        for pk in s.encode():
            c.mux(pk)
    r = run("toes", p, "-o", tmp_path / "out", "-q")
    assert r.exit_code == 0, r.output
    d = json.loads((tmp_path / "out" / "toes.json").read_text())
    assert d["source"]["kind"] == "video"
    assert d["source"]["frames_measured"] >= d["source"]["frames_sampled"] / 2
