from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import badfiles
from footcam.errors import VideoError
from footcam.video.reader import iter_frames, probe, sample_frames, upright


def test_ntsc_rate_stays_fractional(tmp_path):
    p = badfiles.write_video(tmp_path / "ntsc.mp4", 30, fps=Fraction(30000, 1001))
    info = probe(p)
    assert info.n_frames == 30
    assert info.fps == pytest.approx(29.97, abs=0.005)
    assert not info.variable_frame_rate
    times = [t for _, t, _ in iter_frames(info)]
    assert times[1] == pytest.approx(1001 / 30000, abs=1e-4)
    assert times[-1] == pytest.approx(29 * 1001 / 30000, abs=1e-3)
    assert tuple(times) == pytest.approx(info.time_s)


def test_variable_frame_rate_real_clip(real_dir):
    info = probe(real_dir / "biomech_gait_watcharapol28__gait_normal_01.mp4")
    assert info.variable_frame_rate
    assert 30.0 < info.fps < 30.3          # a float, never rounded to 30
    t = np.asarray(info.time_s)
    assert np.all(np.diff(t) > 0)


def test_display_matrix_applied_hevc_mov(real_dir):
    info = probe(real_dir / "opencap_ztb35__neutral_Cam0_rot90.mov")
    assert info.codec == "hevc"
    assert info.stored_wh == (1280, 720)
    assert info.display_wh == (720, 1280)
    _, _, img = next(iter_frames(info))
    assert img.shape == (1280, 720, 3)


def test_synthetic_rotation_metadata(tmp_path):
    # a 64x48 picture whose top-left corner is bright, stored with a -90 deg display matrix
    p = badfiles.write_video(tmp_path / "rot.mp4", 5, size=(64, 48), rotation=-90)
    info = probe(p)
    assert info.display_wh == (48, 64)
    _, _, img = next(iter_frames(info))
    assert img.shape == (64, 48, 3)


def test_upright_rotates_counter_clockwise():
    a = np.arange(6).reshape(2, 3)
    assert upright(a, 90).tolist() == np.rot90(a).tolist()
    assert upright(a, 0) is a
    assert upright(a, 270).tolist() == np.rot90(a, -1).tolist()


def test_sample_frames_spread(synth_dir):
    info = probe(synth_dir / "normal_side" / "normal_side.mp4")
    got = sample_frames(info, 4)
    assert len(got) == 4
    assert got[0][0] == pytest.approx(0.0)
    assert got[-1][0] == pytest.approx(info.time_s[-1], abs=1e-3)
    assert got[0][1].shape == (720, 1280, 3)


@pytest.mark.parametrize("maker, message", [
    (badfiles.empty, "empty file (0 bytes)"),
    (badfiles.text, "not a video file"),
    (badfiles.audio_only, "no video stream (the file holds audio only)"),
    (badfiles.zero_frames, "no video stream: the file holds no streams at all"),
])
def test_bad_inputs_name_file_and_problem(tmp_path, maker, message):
    p = maker(tmp_path)
    with pytest.raises(VideoError) as e:
        probe(p)
    assert str(e.value).startswith(f"{p}: ")
    assert message in str(e.value)


def test_truncated_with_index_at_front(real_dir, tmp_path):
    p = badfiles.truncated(real_dir / "walkinggait_AlejandraSoto__walk.mp4", tmp_path)
    with pytest.raises(VideoError, match=r"truncated or damaged: the container lists \d+ frames"):
        probe(p)


def test_truncated_with_index_at_end(synth_dir, tmp_path):
    p = badfiles.truncated(synth_dir / "normal_side" / "normal_side.mp4", tmp_path)
    with pytest.raises(VideoError, match="not a video file"):
        probe(p)


def test_missing_and_folder(tmp_path):
    with pytest.raises(VideoError, match="file not found"):
        probe(tmp_path / "nope.mp4")
    with pytest.raises(VideoError, match="is a folder"):
        probe(tmp_path)
