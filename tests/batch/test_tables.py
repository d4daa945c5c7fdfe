"""summary.csv and index.html from clip folders, whatever optional files they hold."""
import json
import shutil
from pathlib import Path, PurePosixPath

import pandas as pd
import pytest

from footcam.batch import Clip, ClipResult
from footcam.batch._tables import (BASE_COLUMNS, summary_rows, write_failures, write_index_html,
                                   write_summary_csv)

REPORT_CLIP = Path(__file__).parents[1] / "report" / "data" / "clip"


def clip(rel: str) -> Clip:
    r = PurePosixPath(rel)
    return Clip(source=Path("/videos") / r, rel=r, out_rel=r.with_name(f"{r.stem}_{r.suffix[1:]}"))


@pytest.fixture
def out(tmp_path):
    """OUT with a full clip folder (the report tests' hand-made one, summary.json included) and
    a bare one (analysis.json and angles.csv only)."""
    if not REPORT_CLIP.exists():
        pytest.skip(f"needs {REPORT_CLIP}")
    shutil.copytree(REPORT_CLIP, tmp_path / "full_mp4")
    bare = tmp_path / "sub dir" / "bäre #1_mov"
    bare.mkdir(parents=True)
    shutil.copy(REPORT_CLIP / "analysis.json", bare)
    shutil.copy(REPORT_CLIP / "angles.csv", bare)
    return tmp_path


def test_summary_rows_read_what_each_folder_has(out):
    clips = [clip("full.mp4"), clip("sub dir/bäre #1.mov"), clip("bad.mp4"), clip("later.mp4")]
    results = {"bad.mp4": ClipResult("bad.mp4", "failed", error="not a video file", error_type="VideoError")}
    rows = summary_rows(out, clips, results, done={"full.mp4", "sub dir/bäre #1.mov"}, interrupted=True)
    full, bare, bad, later = rows
    s = json.loads((REPORT_CLIP / "summary.json").read_text())
    a = json.loads((REPORT_CLIP / "analysis.json").read_text())
    # key values per side from summary.json, spatio-temporal values, quality, findings
    kv = s["key_values"]["peak_ankle_dorsiflexion_stance_deg"]
    assert full["peak_ankle_dorsiflexion_stance_deg_l"] == kv["l"]["mean"]
    assert full["peak_ankle_dorsiflexion_stance_deg_r"] == kv["r"]["mean"]
    assert full["cadence_steps_per_min"] == s["spatiotemporal"]["cadence_steps_per_min"]
    assert full["stride_time_s_l"] == s["spatiotemporal"]["stride_time_s"]["l"]["mean"]
    assert full["quality_median_pose_quality"] == s["quality"]["median_pose_quality"]
    notable = [f for f in s["findings"] if f["severity"] != "none"]
    assert full["n_findings"] == len(notable) == 2
    assert full["findings"] == "restricted_dorsiflexion (marked, both); reduced_push_off (mild, both)"
    # clip facts from analysis.json, quality from angles.csv
    assert full["fps"] == a["video"]["fps"] and full["frames"] == a["frames"]["total"]
    angles = pd.read_csv(REPORT_CLIP / "angles.csv")
    assert full["median_pose_quality"] == pytest.approx(angles["quality"].median())
    # without summary.json: facts only, findings not computed (None, not 0)
    assert bare["status"] == "ok" and bare["fps"] == full["fps"]
    assert bare["n_findings"] is None and "findings" not in bare
    assert "cadence_steps_per_min" not in bare
    assert bad == {"clip": "bad.mp4", "status": "failed", "output": "", "error": "not a video file"}
    assert later["status"] == "not done"


def test_spatiotemporal_values_and_events_from_analysis_json(out):
    p = out / "sub dir" / "bäre #1_mov" / "analysis.json"
    a = json.loads(p.read_text())
    a["events"] = {"heel_strikes": 6, "toe_offs": 5, "method": "x"}
    a["spatiotemporal"] = {"cadence_steps_per_min": 108.6, "stance_pct_l": 57.9, "stance_pct_r": 57.6}
    p.write_text(json.dumps(a))
    (row,) = summary_rows(out, [clip("sub dir/bäre #1.mov")], {}, done={"sub dir/bäre #1.mov"})
    assert (row["heel_strikes"], row["toe_offs"]) == (6, 5)
    assert (row["cadence_steps_per_min"], row["stance_pct_l"], row["stance_pct_r"]) == (108.6, 57.9, 57.6)


def test_summary_csv_has_one_row_per_clip_and_fixed_first_columns(out):
    clips = [clip("full.mp4"), clip("sub dir/bäre #1.mov")]
    rows = summary_rows(out, clips, {}, done={c.key for c in clips})
    df = pd.read_csv(write_summary_csv(out, rows))
    assert list(df.columns[: len(BASE_COLUMNS)]) == list(BASE_COLUMNS)
    assert list(df["clip"]) == ["full.mp4", "sub dir/bäre #1.mov"]
    assert df.loc[0, "peak_knee_flexion_swing_deg_l"] == pytest.approx(
        json.loads((REPORT_CLIP / "summary.json").read_text())["key_values"]["peak_knee_flexion_swing_deg"]["l"]["mean"])
    assert pd.isna(df.loc[1, "peak_knee_flexion_swing_deg_l"])


def test_index_links_reports_or_folders_and_escapes_everything(out):
    (out / "full_mp4" / "report.html").write_text("<html></html>")
    clips = [clip("full.mp4"), clip("sub dir/bäre #1.mov"), clip("<b>x</b>.mp4")]
    results = {"<b>x</b>.mp4": ClipResult("<b>x</b>.mp4", "failed", error="bad <script>", error_type="VideoError")}
    rows = summary_rows(out, clips, results, done={"full.mp4", "sub dir/bäre #1.mov"})
    page = write_index_html(out, rows, title="study & <co>").read_text()
    assert 'href="full_mp4/report.html"' in page
    assert 'href="sub%20dir/b%C3%A4re%20%231_mov/"' in page          # no report.html: the folder
    assert "<script>" not in page and "bad &lt;script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;.mp4" in page and "study &amp; &lt;co&gt;" in page
    assert "3 clips: 2 analysed, 1 failed" in page


def test_failures_csv(tmp_path):
    results = [ClipResult("b.mp4", "failed", error='not a video, "quoted", comma', error_type="VideoError"),
               ClipResult("a.mp4", "done"), ClipResult("a/c.mp4", "failed", error="x", error_type="NoPersonError")]
    df = pd.read_csv(write_failures(tmp_path, results))
    assert df.to_dict("records") == [
        {"clip": "a/c.mp4", "error_type": "NoPersonError", "error": "x"},
        {"clip": "b.mp4", "error_type": "VideoError", "error": 'not a video, "quoted", comma'}]
    assert list(pd.read_csv(write_failures(tmp_path, [])).columns) == ["clip", "error_type", "error"]
