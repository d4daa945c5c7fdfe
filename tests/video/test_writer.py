"""The H.264 writer: timestamps kept (VFR and 29.97 fps), duration, codec/pixel format, fast
start, colours, even sizes, atomic replacement. Runs without the shared data."""
from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np
import pytest

from footcam.errors import OutputError
from footcam.video.reader import iter_frames, probe
from footcam.video.writer import H264Writer, even_size


def _pattern(i: int, wh=(160, 96)) -> np.ndarray:
    w, h = wh
    img = np.zeros((h, w, 3), np.uint8)
    img[:, : w // 2] = (200, 40, 30)
    img[:, w // 2:] = (30, 90, 210)
    x = (i * 3) % (w - 10)
    img[10:30, x:x + 10] = 255            # a moving block, so frames differ
    return img


def _write(path: Path, times, wh=(160, 96), **kw) -> Path:
    with H264Writer(path, wh, fps_hint=kw.pop("fps_hint", 30.0), **kw) as w:
        for i, t in enumerate(times):
            w.write(_pattern(i, wh), t)
    return path


def top_level_atoms(path: Path) -> list[str]:
    data = path.read_bytes()
    out, o = [], 0
    while o + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[o:o + 8])
        if size == 1:
            size = struct.unpack(">Q", data[o + 8:o + 16])[0]
        out.append(kind.decode("latin-1"))
        if size < 8:
            break
        o += size
    return out


def test_variable_frame_rate_timestamps_are_kept(tmp_path):
    rng = np.random.default_rng(1)
    dt = rng.choice([1 / 30, 1 / 24, 1 / 15, 0.05], size=50)
    times = np.concatenate([[0.0], np.cumsum(dt[:-1])])
    p = _write(tmp_path / "vfr.mp4", times)
    info = probe(p)
    assert info.n_frames == len(times)
    assert info.variable_frame_rate
    np.testing.assert_allclose(info.time_s, times, atol=2e-5)
    # last frame shown for the median interval: the duration matches the source's definition
    assert info.duration_s == pytest.approx(times[-1] + np.median(dt[:-1]), abs=1e-4)


def test_ntsc_rate_stays_2997(tmp_path):
    fps = 30000 / 1001
    times = np.arange(90) / fps
    p = _write(tmp_path / "ntsc.mp4", times, fps_hint=fps)
    info = probe(p)
    assert info.fps == pytest.approx(fps, abs=1e-3)
    assert not info.variable_frame_rate
    with av.open(str(p)) as c:
        s = c.streams.video[0]
        assert float(s.average_rate) == pytest.approx(fps, abs=0.01)


def test_last_frame_duration_sets_the_file_duration(tmp_path):
    times = np.arange(30) / 30
    with H264Writer(tmp_path / "d.mp4", (64, 48), fps_hint=30) as w:
        for i, t in enumerate(times):
            w.write(_pattern(i, (64, 48)), t)
        w.close(last_frame_s=0.1)
    with av.open(str(tmp_path / "d.mp4")) as c:
        assert c.duration / 1e6 == pytest.approx(29 / 30 + 0.1, abs=1e-3)


def test_h264_yuv420p_faststart(tmp_path):
    p = _write(tmp_path / "fs.mp4", np.arange(20) / 25)
    with av.open(str(p)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        assert s.codec_context.pix_fmt == "yuv420p"
        assert s.codec_context.profile in ("High", "Main", "Constrained Baseline")
    atoms = top_level_atoms(p)
    assert "moov" in atoms and "mdat" in atoms
    assert atoms.index("moov") < atoms.index("mdat"), atoms


def test_colours_survive_the_round_trip(tmp_path):
    p = _write(tmp_path / "c.mp4", np.arange(10) / 30)
    info = probe(p)
    _, _, img = next(iter_frames(info))
    # flat regions away from edges and the moving block
    assert np.abs(img[60:90, 10:60].astype(int) - (200, 40, 30)).max() <= 6
    assert np.abs(img[60:90, 100:150].astype(int) - (30, 90, 210)).max() <= 6


def test_odd_size_is_padded_to_even(tmp_path):
    assert even_size((241, 161)) == (242, 162)
    p = _write(tmp_path / "odd.mp4", np.arange(5) / 30, wh=(161, 97))
    info = probe(p)
    assert info.stored_wh == (162, 98)
    assert info.n_frames == 5


def test_timestamps_must_increase(tmp_path):
    w = H264Writer(tmp_path / "x.mp4", (64, 48), fps_hint=30)
    w.write(_pattern(0, (64, 48)), 0.0)
    with pytest.raises(ValueError, match="timestamps must increase"):
        w.write(_pattern(1, (64, 48)), 0.0)
    w.abort()
    assert not (tmp_path / "x.mp4").exists()


def test_wrong_frame_shape_is_refused(tmp_path):
    w = H264Writer(tmp_path / "x.mp4", (64, 48), fps_hint=30)
    with pytest.raises(ValueError, match="expected"):
        w.write(np.zeros((48, 63, 3), np.uint8), 0.0)
    w.abort()


def test_atomic_failure_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.mp4"
    target.write_bytes(b"old video")
    with pytest.raises(RuntimeError, match="boom"):
        with H264Writer(target, (64, 48), fps_hint=30) as w:
            w.write(_pattern(0, (64, 48)), 0.0)
            raise RuntimeError("boom")
    assert target.read_bytes() == b"old video"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out.mp4"]


def test_success_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.mp4"
    target.write_bytes(b"old video")
    _write(target, np.arange(3) / 30, wh=(64, 48))
    assert target.read_bytes()[4:8] == b"ftyp"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out.mp4"]


def test_no_frames_is_an_error(tmp_path):
    with pytest.raises(OutputError, match="no frames were written"):
        with H264Writer(tmp_path / "e.mp4", (64, 48), fps_hint=30):
            pass
    assert not list(tmp_path.iterdir())


def test_unwritable_folder_is_an_output_error(tmp_path):
    with pytest.raises(OutputError, match="cannot write here"):
        H264Writer(tmp_path / "missing" / "o.mp4", (64, 48), fps_hint=30)


def test_foreground_mode_gives_the_same_frames(tmp_path):
    times = np.arange(12) / 30
    a = _write(tmp_path / "a.mp4", times, background=False)
    b = _write(tmp_path / "b.mp4", times, background=True)
    fa = [img for _, _, img in iter_frames(probe(a))]
    fb = [img for _, _, img in iter_frames(probe(b))]
    assert len(fa) == len(fb) == 12
    assert all(np.array_equal(x, y) for x, y in zip(fa, fb))
