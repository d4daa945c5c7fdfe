"""``footcam overlay OUTDIR`` and ``footcam analyze --overlay`` through Click's CliRunner: exit
codes, the exact error text, and what lands in the folder."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from footcam.cli import main
from footcam.video.reader import probe
from helpers import synth_clip


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_listed_in_help():
    r = run("-h")
    assert r.exit_code == 0 and "overlay" in r.output
    r = run("analyze", "-h")
    assert "--overlay / --no-overlay" in r.output


def test_not_an_analysis_folder(tmp_path):
    r = run("overlay", tmp_path)
    assert r.exit_code == 1
    assert r.stderr == f"Error: {tmp_path}: not a footcam output folder (no analysis.json)\n"
    assert not (tmp_path / "overlay.mp4").exists()


def test_missing_folder_is_a_usage_error(tmp_path):
    r = run("overlay", tmp_path / "nope")
    assert r.exit_code == 2


@pytest.mark.slow
def test_source_moved(folder_copy, tmp_path):
    a = json.loads((folder_copy / "analysis.json").read_text())
    a["source"]["path"] = str(tmp_path / "clip.mp4")
    (folder_copy / "analysis.json").write_text(json.dumps(a))
    r = run("overlay", folder_copy)
    assert r.exit_code == 1
    assert r.stderr == (f"Error: {folder_copy}: source video moved: {tmp_path / 'clip.mp4'} "
                        f"(named in analysis.json) is not there; pass the clip's new place "
                        f"with --source\n")
    r = run("overlay", folder_copy, "--source", synth_clip("normal_side_rtl"), "--no-stills")
    assert r.exit_code == 1
    assert re.match(r"Error: .*normal_side_rtl\.mp4: is not the analysed video \(sha256 ",
                    r.stderr), r.stderr


@pytest.mark.slow
def test_overlay_command_writes_video_and_stills(folder_copy):
    r = run("overlay", folder_copy)
    assert r.exit_code == 0, r.output
    assert r.stdout == f"{folder_copy / 'overlay.mp4'}\n"
    assert re.fullmatch(r"wrote \d+ stills in stills/\n", r.stderr)
    assert probe(folder_copy / "overlay.mp4").n_frames == 120
    assert len(list((folder_copy / "stills").glob("*.png"))) > 0
    assert not [p for p in folder_copy.iterdir() if p.name.startswith(".")]   # no temp files


@pytest.mark.slow
def test_analyze_with_overlay(synth_dir, tmp_path):
    out = tmp_path / "ns"
    r = run("analyze", synth_clip("normal_side"), "-o", out, "--overlay", "-q")
    assert r.exit_code == 0, r.output
    info = probe(out / "overlay.mp4")
    assert info.n_frames == 120 and info.codec == "h264"
    stills = sorted((out / "stills").glob("*.png"))
    assert stills
    # drawn inside the staged folder, before the report: the report shows the stills
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "heel strike at" in html
    assert [p.name for p in tmp_path.iterdir()] == ["ns"]      # no partial folders left
