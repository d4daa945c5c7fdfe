""".trc and .mot read back with the same values and times: through the strict readers of the
published formats (tests/export/formats.py) and, where it installs, OpenSim's own readers."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from footcam.constants import ANGLE_COLUMNS, LANDMARK_NAMES, N_LANDMARKS
from footcam.export import export, read_clip

from .conftest import NTSC, analysis_json
from .formats import read_mot, read_trc

pytestmark = pytest.mark.slow          # the sample clip is analysed once per session


def _landmarks(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """(time_s (T,), xy (T, 33, 2)) straight from landmarks.csv."""
    lm = pd.read_csv(folder / "landmarks.csv")
    n = lm["frame"].max() + 1
    xy = lm[["x_px", "y_px"]].to_numpy().reshape(n, N_LANDMARKS, 2)
    return lm["time_s"].to_numpy()[::N_LANDMARKS], xy


def _opensim():
    """OpenSim's Python package, or skip; without its log file (opensim.log in the cwd)."""
    osim = pytest.importorskip("opensim", reason="OpenSim's Python package is not installed")
    osim.Logger.removeFileSink()
    return osim


def _copy(folder: Path, tmp_path: Path, **changes) -> Path:
    """A copy of the folder with analysis.json changed (``scale``/``bouts`` overrides)."""
    dst = tmp_path / folder.name
    shutil.copytree(folder, dst)
    a = analysis_json(dst)
    a.update(changes)
    (dst / "analysis.json").write_text(json.dumps(a), encoding="utf-8")
    return dst


# --- .trc --------------------------------------------------------------------------------------

def test_analyze_export_wrote_the_opensim_files(sample_folder):
    assert (sample_folder / "landmarks.trc").is_file() and (sample_folder / "angles.mot").is_file()
    before = {f: (sample_folder / f).read_bytes() for f in ("landmarks.trc", "angles.mot")}
    export(sample_folder, "trc,mot")           # the same folder exported again: the same bytes
    assert {f: (sample_folder / f).read_bytes() for f in before} == before


def test_trc_in_metres_in_the_sagittal_plane(sample_folder):
    trc = read_trc(sample_folder / "landmarks.trc")
    a = analysis_json(sample_folder)
    ppm = a["scale"]["px_per_m"]
    w, h = a["video"]["rotation"]["analysed_wh"]
    assert ppm and a["bouts"][0]["direction"] == "left_to_right"
    assert trc.meta == {"DataRate": "30", "CameraRate": "30", "NumFrames": "120",
                        "NumMarkers": "33", "Units": "m", "OrigDataRate": "30",
                        "OrigDataStartFrame": "1", "OrigNumFrames": "120"}
    assert trc.markers == list(LANDMARK_NAMES)
    assert "sagittal plane" in trc.header and "X forward = walking direction" in trc.header
    assert "Y up" in trc.header and "metres" in trc.header
    t, xy = _landmarks(sample_folder)
    np.testing.assert_allclose(trc.time_s, t, atol=1e-6)
    # X forward = picture right (left-to-right walk), Y up from the picture's bottom, Z = 0
    want = np.stack([xy[..., 0] / ppm, (h - xy[..., 1]) / ppm, np.zeros(xy.shape[:2])], axis=-1)
    want[np.isnan(xy).any(axis=-1)] = np.nan
    assert np.array_equal(np.isnan(trc.xyz), np.isnan(want))
    assert np.isfinite(trc.xyz).sum() > 0.9 * trc.xyz.size
    np.testing.assert_allclose(trc.xyz, want, atol=1e-6, equal_nan=True)
    # the heel is about a leg length below the hip: metres, not pixels
    leg = np.nanmedian(trc.xyz[:, 24, 1] - trc.xyz[:, 30, 1])
    assert 0.7 < leg < 1.0


def test_trc_without_a_scale_is_in_pixels(sample_folder, tmp_path):
    a = analysis_json(sample_folder)
    folder = _copy(sample_folder, tmp_path, scale={**a["scale"], "px_per_m": None})
    res = export(folder, "trc")
    assert any("pixels" in n for n in res.notes)
    trc = read_trc(folder / "landmarks.trc")
    assert trc.meta["Units"] == "px" and "pixels (no scale" in trc.header
    _, xy = _landmarks(sample_folder)
    h = a["video"]["rotation"]["analysed_wh"][1]
    np.testing.assert_allclose(trc.xyz[..., 0], xy[..., 0], atol=1e-3)
    np.testing.assert_allclose(trc.xyz[..., 1], h - xy[..., 1], atol=1e-3)


def test_a_right_to_left_walk_keeps_x_forward(sample_folder, tmp_path):
    a = analysis_json(sample_folder)
    bouts = [{**b, "direction": "right_to_left", "direction_sign": -1} for b in a["bouts"]]
    folder = _copy(sample_folder, tmp_path, bouts=bouts)
    export(folder, "trc")
    trc = read_trc(folder / "landmarks.trc")
    assert "picture right-to-left" in trc.header and "bottom-right corner" in trc.header
    _, xy = _landmarks(sample_folder)
    w = a["video"]["rotation"]["analysed_wh"][0]
    np.testing.assert_allclose(trc.xyz[..., 0], (w - xy[..., 0]) / a["scale"]["px_per_m"],
                               atol=1e-6)


def test_without_a_side_view_the_plane_is_only_the_pictures(sample_folder, tmp_path):
    a = analysis_json(sample_folder)
    bouts = [{**b, "view": "front", "direction": "toward_camera", "direction_sign": 0}
             for b in a["bouts"]]
    folder = _copy(sample_folder, tmp_path, bouts=bouts, scale={**a["scale"], "px_per_m": None})
    export(folder, "trc")
    trc = read_trc(folder / "landmarks.trc")
    assert "no side view: the picture plane (not the sagittal plane)" in trc.header
    assert "X forward = picture right" in trc.header and trc.meta["Units"] == "px"


def test_trc_reads_in_opensim(sample_folder):
    osim = _opensim()
    trc = read_trc(sample_folder / "landmarks.trc")
    table = osim.TimeSeriesTableVec3(str(sample_folder / "landmarks.trc"))
    assert list(table.getColumnLabels()) == list(LANDMARK_NAMES)
    assert table.getTableMetaDataAsString("Units") == "m"
    np.testing.assert_allclose(np.array(table.getIndependentColumn()), trc.time_s, atol=1e-9)
    for j, name in enumerate(LANDMARK_NAMES):
        col = table.getDependentColumn(name)
        got = np.array([[col[i][k] for k in range(3)] for i in range(table.getNumRows())])
        np.testing.assert_allclose(got, trc.xyz[:, j], atol=1e-9, equal_nan=True)
    md = osim.MarkerData(str(sample_folder / "landmarks.trc"))
    assert md.getNumFrames() == 120 and md.getDataRate() == 30.0
    assert md.getUnits().getAbbreviation() == "m"


# --- .mot --------------------------------------------------------------------------------------

def test_mot_holds_every_angle_at_the_video_times(sample_folder):
    mot = read_mot(sample_folder / "angles.mot")
    angles = pd.read_csv(sample_folder / "angles.csv")
    assert mot.meta["inDegrees"] == "yes" and mot.meta["version"] == "1"
    assert mot.columns == list(ANGLE_COLUMNS)
    t, _ = _landmarks(sample_folder)
    np.testing.assert_allclose(mot.time_s, t, atol=1e-6)
    np.testing.assert_allclose(mot.time_s, angles["time_s"], atol=1e-4)
    want = angles[list(ANGLE_COLUMNS)].to_numpy()
    assert np.array_equal(np.isnan(mot.values), np.isnan(want))
    np.testing.assert_allclose(mot.values, want, atol=5e-5, equal_nan=True)
    assert np.isfinite(mot.values[:, :7]).all()          # a side view: the sagittal angles


def test_mot_reads_in_opensim(sample_folder):
    osim = _opensim()
    mot = read_mot(sample_folder / "angles.mot")
    table = osim.TimeSeriesTable(str(sample_folder / "angles.mot"))
    assert list(table.getColumnLabels()) == list(ANGLE_COLUMNS)
    assert table.getTableMetaDataAsString("inDegrees") == "yes"
    np.testing.assert_allclose(np.array(table.getIndependentColumn()), mot.time_s, atol=1e-9)
    for j, c in enumerate(ANGLE_COLUMNS):
        np.testing.assert_allclose(table.getDependentColumn(c).to_numpy(), mot.values[:, j],
                                   atol=1e-9, equal_nan=True)


def test_ntsc_times_are_the_videos_own(ntsc_folder):
    """29.97 fps: frame k at k × 1001/30000 s, never k / 30 or a rounded rate."""
    export(ntsc_folder, "trc,mot")
    trc = read_trc(ntsc_folder / "landmarks.trc")
    mot = read_mot(ntsc_folder / "angles.mot")
    k = np.arange(120)
    np.testing.assert_allclose(mot.time_s, k / float(NTSC), atol=1e-5)
    np.testing.assert_allclose(trc.time_s, k / float(NTSC), atol=1e-5)
    assert float(trc.meta["DataRate"]) == pytest.approx(float(NTSC), abs=1e-6)
    assert read_clip(ntsc_folder).fps == pytest.approx(float(NTSC), abs=1e-9)
