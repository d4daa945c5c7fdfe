"""The command line through Click's CliRunner: exit codes and the exact error text."""
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import badfiles
from footcam import __version__
from footcam.cli import main
from helpers import REAL, REPO, synth_clip


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_version_and_help():
    r = run("--version")
    assert r.exit_code == 0 and __version__ in r.output
    r = run("-h")
    assert r.exit_code == 0 and "analyze" in r.output


def test_usage_error_exits_2(tmp_path):
    r = run("analyze", tmp_path / "x.mp4", "--rotate", "45")
    assert r.exit_code == 2
    assert "Invalid value for '--rotate'" in r.output


@pytest.mark.parametrize("maker, problem", [
    (badfiles.empty, "empty file (0 bytes), expected a video"),
    (badfiles.text, "not a video file"),
    (badfiles.audio_only, "no video stream (the file holds audio only)"),
    (badfiles.zero_frames, "no video stream: the file holds no streams at all"),
])
def test_bad_input_errors(tmp_path, maker, problem):
    p = maker(tmp_path)
    out = tmp_path / "out"
    r = run("analyze", p, "-o", out)
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {p}: {problem}")
    assert "Traceback" not in r.output
    assert not out.exists()


@pytest.mark.parametrize("n_frames, said", [(1, "0.03 s (1 frame)"), (9, "0.30 s (9 frames)"),
                                            (29, "0.97 s (29 frames)")])
def test_too_short_for_a_stride(tmp_path, n_frames, said):
    """One rule for every length: a clip shorter than a stride (1 s) is refused before any work."""
    p = badfiles.write_video(tmp_path / "short.mp4", n_frames)
    r = run("analyze", p, "-o", tmp_path / "out")
    assert r.exit_code == 1
    assert r.output == (f"Error: {p}: too short: {said}; a clip must hold a stride: at least "
                        f"1 s of walking\n")
    assert not (tmp_path / "out").exists()


def test_truncated(tmp_path):
    src = REAL / "walkinggait_AlejandraSoto__walk.mp4"
    if not src.exists():
        pytest.skip(f"needs {src}")
    p = badfiles.truncated(src, tmp_path)
    r = run("analyze", p, "-o", tmp_path / "out")
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {p}: truncated or damaged")


def test_no_person(tmp_path):
    p = badfiles.write_video(tmp_path / "grey.mp4", 40, size=(320, 240))
    r = run("analyze", p, "-o", tmp_path / "out")
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {p}: no person visible in 40 of 40 frames")
    assert not (tmp_path / "out").exists()


def test_missing_file():
    r = run("analyze", "/nonexistent/clip.mp4")
    assert r.exit_code == 1
    assert r.output.startswith("Error: /nonexistent/clip.mp4: file not found")


@pytest.mark.slow
def test_output_not_writable(tmp_path):
    clip = synth_clip("normal_side")
    if not clip.exists():
        pytest.skip(f"needs {clip}")
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    out = blocker / "sub"
    r = run("analyze", clip, "-o", out, "-q")
    assert r.exit_code == 1
    assert r.output == (f"Error: {out}: cannot create the output folder: a part of its path is "
                        f"a file, not a folder\n")


@pytest.mark.slow
def test_analyze_writes_outputs_and_json_summary(tmp_path):
    clip = synth_clip("normal_side")
    if not clip.exists():
        pytest.skip(f"needs {clip}")
    out = tmp_path / "res"
    r = run("analyze", clip, "-o", out, "--json", "-q")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output)
    assert summary["frames"] == 120 and summary["frames_with_pose"] == 120
    assert summary["bouts"][0]["view"] == "side"
    assert sorted(p.name for p in out.iterdir()) == ["analysis.json", "angles.csv", "curves.csv", "cycles.csv",
                                                    "events.csv", "landmarks.csv", "report.html",
                                                    "stills", "summary.json"]
    # a still at every gait event, and the report shows them
    n_events = len(pd.read_csv(out / "events.csv"))
    stills = sorted(p.name for p in (out / "stills").glob("*.png"))
    assert n_events >= 8 and len(stills) == n_events, stills
    html = (out / "report.html").read_text()
    assert "normal_side.mp4" in html and html.count("data:image/png;base64") >= min(n_events, 12)
    meta = json.loads((out / "analysis.json").read_text())
    assert meta["source"]["name"] == "normal_side.mp4"
    assert len(meta["source"]["sha256"]) == 64
    assert meta["video"]["fps"] == pytest.approx(30.0)
    assert meta["model"]["sha256"]
    assert meta["config"]["clean"]["cutoff_hz"] == 6.0
    assert meta["angles_available"]["ankle_dorsiflexion_deg_r"]["available"] is True
    # no leftovers of the atomic write
    assert [p.name for p in tmp_path.iterdir()] == ["res"]
    # human summary by default
    r = run("analyze", clip, "-o", out, "-q")
    assert r.exit_code == 0
    assert "side view, left to right" in r.output


def test_analyze_prints_the_findings(tmp_path):
    """The text summary ends with summary.json's findings, one line each (none on a normal walk)."""
    clip = synth_clip("normal_side")
    if not clip.exists():
        pytest.skip(f"needs {clip}")
    r = run("analyze", clip, "-o", tmp_path / "res", "-q", "--no-stills")
    assert r.exit_code == 0, r.output
    lines = r.output.strip().splitlines()
    summary = json.loads((tmp_path / "res" / "summary.json").read_text())
    n = len(summary["findings"])
    assert n >= 5 and all(f["severity"] == "none" for f in summary["findings"])
    assert lines[-2:] == [f"findings: {n} rules checked, nothing outside footcam's limits "
                          f"(details in report.html)", f"wrote {tmp_path / 'res'}"]


def test_analyze_says_when_no_rule_could_be_checked(tmp_path):
    """The sample walk played in reverse: upright angles, no gait events (walking backward),
    and the words say that nothing was checked rather than that nothing was outside."""
    from footage import reversed_clip

    clip = reversed_clip(REPO / "sample_videos" / "normal_side.mp4", tmp_path / "rev.mp4")
    r = run("analyze", clip, "-o", tmp_path / "res", "-q", "--no-stills")
    assert r.exit_code == 0, r.output
    assert "moving backward" in r.output
    assert "findings: no rule could be checked: the walker moves against the way the body faces" in r.output
    assert "nothing outside" not in r.output
    angles = pd.read_csv(tmp_path / "res" / "angles.csv")
    assert angles["ankle_dorsiflexion_deg_r"].between(-40, 35).all()
    assert angles["knee_flexion_deg_r"].between(-15, 100).all()
    assert not (tmp_path / "res" / "stills").exists()
