"""C3D read back with ezc3d: the points, the rate (29.97 stays 29.97), the gait events at the
right frames, the subject's height; a variable-frame-rate clip resampled on its own times."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from footcam.constants import LANDMARK_NAMES, N_LANDMARKS
from footcam.export import export

from .conftest import HEIGHT_CM, NTSC, analysis_json

ezc3d = pytest.importorskip("ezc3d", reason="C3D export needs footcam[export] (ezc3d)")
pytestmark = pytest.mark.slow          # the sample clip is analysed once per session


def _read(path: Path):
    return ezc3d.c3d(str(path))


def _events(c) -> pd.DataFrame:
    """The C3D's events as a reader following Vicon / pyCGM2 sees them: frame = round(time ×
    rate), index into the point data = frame − the first frame (1)."""
    p = c["parameters"]
    rate = p["POINT"]["RATE"]["value"][0]
    times = p["EVENT"]["TIMES"]["value"]
    t = times[0] * 60 + times[1]
    first = c["header"]["points"]["first_frame"] + 1          # ezc3d counts from 0
    assert int(p["EVENT"]["USED"]["value"][0]) == len(t)
    return pd.DataFrame({"label": p["EVENT"]["LABELS"]["value"],
                         "context": p["EVENT"]["CONTEXTS"]["value"],
                         "time": t, "index": np.round(t * rate).astype(int) - first})


def _expected_events(folder: Path) -> pd.DataFrame:
    ev = pd.read_csv(folder / "events.csv").sort_values("time_s", kind="stable")
    return pd.DataFrame({"label": ev["event"].map({"hs": "Foot Strike", "to": "Foot Off"}),
                         "context": ev["side"].map({"l": "Left", "r": "Right"}),
                         "time_s": ev["time_s"], "frame": ev["frame"]}).reset_index(drop=True)


def _check_events(c, folder: Path, rate: float) -> None:
    got, want = _events(c), _expected_events(folder)
    assert len(want) >= 8                                   # the clip has real gait events
    assert list(got["label"]) == list(want["label"])
    assert list(got["context"]) == list(want["context"])
    assert list(got["index"]) == list(want["frame"])        # at the right frames
    np.testing.assert_allclose(got["time"] - 1 / rate, want["time_s"], atol=2e-6)


def test_sample_c3d_points_events_and_height(sample_folder, tmp_path):
    res = export(sample_folder, "c3d", out_dir=tmp_path)
    c = _read(res.files["c3d"])
    p = c["parameters"]
    a = analysis_json(sample_folder)
    ppm, (w, h) = a["scale"]["px_per_m"], a["video"]["rotation"]["analysed_wh"]
    assert p["POINT"]["RATE"]["value"][0] == 30.0 and c["header"]["points"]["frame_rate"] == 30.0
    assert p["POINT"]["UNITS"]["value"] == ["mm"]
    assert p["POINT"]["LABELS"]["value"] == list(LANDMARK_NAMES)
    assert p["ANALOG"]["USED"]["value"][0] == 0 and c["data"]["analogs"].size == 0
    assert p["PROCESSING"]["Height"]["value"][0] == HEIGHT_CM * 10
    assert "sagittal plane" in " ".join(p["FOOTCAM"]["AXES"]["value"])
    pts = c["data"]["points"]
    assert pts.shape == (4, N_LANDMARKS, 120)
    lm = pd.read_csv(sample_folder / "landmarks.csv")
    xy = lm[["x_px", "y_px"]].to_numpy().reshape(120, N_LANDMARKS, 2)
    # X forward (picture right), Y depth 0, Z up, millimetres
    want = np.stack([xy[..., 0] / ppm, np.zeros(xy.shape[:2]), (h - xy[..., 1]) / ppm], -1) * 1000
    want[np.isnan(xy).any(axis=-1)] = np.nan
    got = np.transpose(pts[:3], (2, 1, 0))
    assert np.array_equal(np.isnan(got).any(axis=-1), np.isnan(want).any(axis=-1))
    np.testing.assert_allclose(got, want, atol=1e-3, equal_nan=True)   # float32: < 1 µm here
    _check_events(c, sample_folder, 30.0)


def test_ntsc_clip_reads_back_at_2997(ntsc_folder, sample_folder, tmp_path):
    res = export(ntsc_folder, "c3d", out_dir=tmp_path)
    assert res.notes == []                       # constant frame rate: nothing resampled
    c = _read(res.files["c3d"])
    rate = c["parameters"]["POINT"]["RATE"]["value"][0]
    # C3D stores the rate as a 32-bit float: 29.97002997 → 29.9700298
    assert rate == pytest.approx(float(NTSC), abs=1e-5)
    assert rate != pytest.approx(30.0, abs=0.01)
    assert c["header"]["points"]["frame_rate"] == pytest.approx(float(NTSC), abs=1e-5)
    assert c["data"]["points"].shape[2] == 120
    _check_events(c, ntsc_folder, rate)
    # the same pictures as the 30 fps sample on the NTSC clock: every event 1.001 × later
    at_30 = _expected_events(sample_folder)
    np.testing.assert_allclose(_events(c)["time"] - 1 / rate, at_30["time_s"] * 1.001, atol=5e-4)


def _retimed(folder: Path, tmp_path: Path) -> tuple[Path, np.ndarray]:
    """A copy of the folder whose frames came at uneven intervals (20–40 ms, as a phone's
    variable frame rate): the same pictures, other timestamps."""
    dst = tmp_path / "vfr"
    shutil.copytree(folder, dst)
    n = 120
    dt = np.where(np.arange(n - 1) % 3 == 0, 0.040, 0.030)
    t = np.concatenate([[0.0], np.cumsum(dt)])
    lm = pd.read_csv(dst / "landmarks.csv")
    lm["time_s"] = np.repeat(t, N_LANDMARKS)
    lm.to_csv(dst / "landmarks.csv", index=False, float_format="%.5f")
    ang = pd.read_csv(dst / "angles.csv")
    ang["time_s"] = t
    ang.to_csv(dst / "angles.csv", index=False, float_format="%.4f")
    ev = pd.read_csv(dst / "events.csv")
    ev["time_s"] = np.interp(ev["frame"], np.arange(n), t)
    ev.to_csv(dst / "events.csv", index=False, float_format="%.4f")
    a = json.loads((dst / "analysis.json").read_text())
    a["video"].update(fps=(n - 1) / t[-1], variable_frame_rate=True)
    (dst / "analysis.json").write_text(json.dumps(a))
    return dst, t


def test_variable_frame_rate_is_resampled_on_the_videos_times(sample_folder, tmp_path):
    folder, t = _retimed(sample_folder, tmp_path)
    fps = (len(t) - 1) / t[-1]
    res = export(folder, "c3d")
    assert len(res.notes) == 1 and "resampled" in res.notes[0]
    c = _read(res.files["c3d"])
    rate = c["parameters"]["POINT"]["RATE"]["value"][0]
    assert rate == pytest.approx(fps, abs=1e-4)
    assert "resampled" in " ".join(c["parameters"]["FOOTCAM"]["TIMING"]["value"])
    pts = np.transpose(c["data"]["points"][:3], (2, 1, 0))            # (S, 33, 3)
    grid = np.arange(pts.shape[0]) / fps
    assert grid[-1] <= t[-1] < grid[-1] + 1 / fps
    # every sample is the landmarks at the sample's own time (linear between frames)
    lm = pd.read_csv(folder / "landmarks.csv")
    a = analysis_json(folder)
    ppm, h = a["scale"]["px_per_m"], a["video"]["rotation"]["analysed_wh"][1]
    heel = lm[lm["landmark_id"] == 30]
    for j in (0, 17, 50, len(grid) - 1):
        want_x = np.interp(grid[j], t, heel["x_px"]) / ppm * 1000
        want_z = (h - np.interp(grid[j], t, heel["y_px"])) / ppm * 1000
        assert pts[j, 30, 0] == pytest.approx(want_x, abs=0.01)
        assert pts[j, 30, 2] == pytest.approx(want_z, abs=0.01)
    # events keep their video time (+ one sample period: C3D frame 1 is at 1 / rate)
    ev = pd.read_csv(folder / "events.csv").sort_values("time_s", kind="stable")
    np.testing.assert_allclose(_events(c)["time"] - 1 / rate, ev["time_s"], atol=2e-6)
