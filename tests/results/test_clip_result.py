"""footcam.results.ClipResult: a clip folder read back typed, lazily, with one set of errors."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from footcam.errors import FootcamError, ResultError
from footcam.results import ClipResult, OutputFolder, still_name

CLIP = Path(__file__).parents[1] / "report" / "data" / "clip"


@pytest.fixture
def folder(tmp_path) -> Path:
    d = tmp_path / "walk"
    shutil.copytree(CLIP, d)
    return d


def _edit(path: Path, change) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_facts_and_tables_of_a_clip_folder(folder):
    clip = ClipResult.open(folder)
    a = json.loads((folder / "analysis.json").read_text())
    assert clip.name == a["source"]["name"] and clip.schema_version == "1.0"
    v = clip.video
    assert (v.fps, v.n_frames, v.duration_s) == (a["video"]["fps"], a["frames"]["total"], a["video"]["duration_s"])
    assert v.rotation.analysed_wh == tuple(a["video"]["rotation"]["analysed_wh"])
    assert clip.config.clean.cutoff_hz == a["config"]["clean"]["cutoff_hz"]
    assert [b.view for b in clip.bouts] == [b["view"] for b in a["bouts"]]
    assert clip.warnings == tuple(a["warnings"])
    pd.testing.assert_frame_equal(clip.angles, pd.read_csv(folder / "angles.csv"))
    ev = pd.read_csv(folder / "events.csv")
    assert len(clip.events) == len(ev) and clip.events["time_s"].is_monotonic_increasing
    assert len(clip.cycles) == len(pd.read_csv(folder / "cycles.csv"))
    assert set(clip.curves.columns) >= {"angle", "side", "pct", "mean", "sd", "n"}
    assert clip.summary["schema_version"] == "1.0"
    assert [s.name for s in clip.stills] == ["l_hs_1.67s.png", "r_to_1.74s.png"]
    assert (clip.stills[0].side, clip.stills[0].event, clip.stills[0].time_s) == ("l", "hs", 1.67)
    assert clip.toes is None and clip.file("toes.png") is None
    assert still_name("hs", "l", 1.666) == "l_hs_1.67s.png"


def test_read_only_the_caller_cannot_change_what_others_read(folder):
    clip = ClipResult.open(folder)
    angles = clip.angles
    angles["time_s"] = 0.0
    clip.analysis["source"]["name"] = "changed"
    clip.summary["findings"].clear()
    assert clip.angles["time_s"].iloc[1] > 0
    assert clip.name != "changed" and clip.summary["findings"]


def test_parts_are_read_lazily_and_only_once(folder):
    (folder / "curves.csv").write_bytes(b"\xff\xfe not a table")
    clip = ClipResult.open(folder)            # a broken part does not stop the folder opening
    assert len(clip.events) > 0
    with pytest.raises(ResultError, match=r"curves.csv cannot be read \(UnicodeDecodeError"):
        clip.curves
    (folder / "events.csv").unlink()          # read already: kept
    assert len(clip.events) > 0


@pytest.mark.parametrize("make, message", [
    (lambda d: shutil.rmtree(d), "not a footcam output folder (no such folder)"),
    (lambda d: (shutil.rmtree(d), d.write_text("x")), "not a footcam output folder (a file, not a folder)"),
    (lambda d: (d / "analysis.json").unlink(), "not a footcam output folder (no analysis.json)"),
    (lambda d: (d / "analysis.json").write_text('{"schema_version": "1.0",'),
     "analysis.json cannot be read (JSONDecodeError: "),
    (lambda d: (d / "analysis.json").write_text("[1, 2]"), "analysis.json does not hold a JSON object"),
    (lambda d: _edit(d / "analysis.json", lambda a: a.pop("schema_version")),
     "analysis.json has no schema_version: not written by footcam"),
    (lambda d: _edit(d / "analysis.json", lambda a: a.update(schema_version="2.0", footcam_version="0.3.0")),
     "written by footcam 0.3.0 with schema 2.0, this footcam reads 1"),
])
def test_a_folder_that_is_not_one_is_said_plainly(folder, make, message):
    make(folder)
    with pytest.raises(ResultError) as e:
        ClipResult.open(folder)
    assert str(e.value).startswith(f"{folder}: {message}")
    assert isinstance(e.value, FootcamError) and e.value.path == str(folder)


@pytest.mark.parametrize("make, read, message", [
    (lambda d: (d / "events.csv").unlink(), "events", "events.csv is missing (rerun footcam analyze)"),
    (lambda d: (d / "landmarks.csv").exists() and (d / "landmarks.csv").unlink(), "landmarks",
     "landmarks.csv is missing (rerun footcam analyze)"),
    (lambda d: (d / "angles.csv").write_text("frame,knee\n0,1\n"), "angles",
     "angles.csv lacks the column time_s (rerun footcam analyze)"),
    (lambda d: (d / "events.csv").write_text("side,event,time_s,frame\nl,hs,0.5,15\nx,hs,0.9,27\n"), "events",
     "events.csv line 3 is not a gait event (side 'x', event 'hs', time_s 0.9, frame 27; "
     "expected l/r, hs/to and numbers)"),
    (lambda d: (d / "cycles.csv").write_text("side,cycle\nl,0\n"), "cycles",
     "cycles.csv lacks the columns start_s, end_s (rerun footcam analyze)"),
    (lambda d: _edit(d / "summary.json", lambda s: s.update(schema_version="2.1", footcam_version="0.4")),
     "summary", "summary.json written by footcam 0.4 with schema 2.1, this footcam reads 1"),
    (lambda d: _edit(d / "analysis.json", lambda a: a["video"].pop("rotation")), "video",
     "analysis.json lacks video.rotation (rerun footcam analyze)"),
    (lambda d: _edit(d / "analysis.json", lambda a: a["config"]["clean"].update(wobble=3)), "config",
     "analysis.json has a configuration this footcam does not read (unknown clean option(s): wobble)"),
])
def test_a_missing_or_broken_part_is_said_plainly(folder, make, read, message):
    make(folder)
    clip = ClipResult.open(folder)
    with pytest.raises(ResultError) as e:
        x = getattr(clip, read) if read != "landmarks" else next(clip.iter_landmarks())
        del x
    assert str(e.value) == f"{folder}: {message}"


def test_empty_tables_are_empty_not_errors(folder):
    (folder / "cycles.csv").write_text("\n")                       # footcam's "no cycle"
    (folder / "events.csv").write_text("side,event,time_s,frame,confidence,bout\n")
    clip = ClipResult.open(folder)
    assert clip.cycles.empty and clip.events.empty


def test_optional_parts(folder):
    (folder / "summary.json").unlink()
    shutil.rmtree(folder / "stills")
    clip = ClipResult.open(folder)
    assert clip.summary is None and clip.stills == () and not clip.has("summary.json")
    with pytest.raises(ResultError, match="summary.json is missing"):
        clip.require("angles.csv", "summary.json")


def test_landmarks_stream_in_frame_order(tmp_path):
    d = tmp_path / "clip"
    shutil.copytree(CLIP, d)
    n = 5
    rows = [{"frame": f, "time_s": f / 30, "landmark_id": k, "x_px": 10.0 * f + k, "y_px": 2.0 * k,
             "visibility": 0.9} for f in range(n) for k in range(33)]
    pd.DataFrame(rows).to_csv(d / "landmarks.csv", index=False)
    out = list(ClipResult.open(d).iter_landmarks(chunk_frames=2))
    assert [f for f, *_ in out] == list(range(n))
    assert out[3][2].shape == (33, 2) and out[3][2][4, 0] == 34.0 and np.all(out[3][3] == 0.9)
    pd.DataFrame(rows).iloc[::-1].to_csv(d / "landmarks.csv", index=False)
    with pytest.raises(ResultError, match="landmarks.csv: rows are not in frame/landmark order"):
        list(ClipResult.open(d).iter_landmarks())


def test_a_sibling_reader_needs_only_its_manifest(tmp_path):
    """The shape a visit or comparison reader takes: its own manifest and schema."""
    class Visit(OutputFolder):
        MANIFEST = "visit.json"
        REMEDY = "rerun footcam session"

    d = tmp_path / "visit"
    d.mkdir()
    with pytest.raises(ResultError, match=r"not a footcam output folder \(no visit.json\)"):
        Visit.open(d)
    (d / "visit.json").write_text('{"schema_version": "1.0"}')
    assert Visit.open(d).missing("a.csv").detail == "a.csv is missing (rerun footcam session)"


def test_the_reader_is_pure():
    code = ("import sys, footcam.results; "
            "print(','.join(m for m in ('mediapipe', 'cv2', 'av', 'click') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
