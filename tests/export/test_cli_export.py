"""`footcam export`, `analyze --export`, `batch --export` through Click's CliRunner: exit codes,
the exact error texts, nothing half-written."""
from __future__ import annotations

import json
import shutil
import sys

import pytest
from click.testing import CliRunner

from footcam.cli import main

from .conftest import SAMPLE
from .formats import read_mot, read_trc


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r


def test_export_listed_in_help():
    assert "export" in run("--help").output


def test_unknown_format_is_a_usage_error(tmp_path):
    r = run("export", tmp_path, "--to", "trc,fbx")
    assert r.exit_code == 2
    assert "Error: Invalid value for '--to': unknown export format(s): fbx; choose from trc, " \
           "mot, c3d" in r.output
    r = run("analyze", tmp_path / "x.mp4", "--export", "bvh")
    assert r.exit_code == 2 and "Invalid value for '--export'" in r.output


def test_not_an_output_folder(tmp_path):
    r = run("export", tmp_path / "missing", "--to", "trc")
    assert r.exit_code == 1
    assert r.output == f"Error: {tmp_path / 'missing'}: not a folder (expected a footcam output folder)\n"
    r = run("export", tmp_path, "--to", "trc")
    assert r.exit_code == 1
    assert r.output == f"Error: {tmp_path}: not a footcam output folder (no analysis.json)\n"
    assert "Traceback" not in r.output


def test_incomplete_folder(tmp_path):
    (tmp_path / "analysis.json").write_text(json.dumps(
        {"video": {"fps": 30.0, "rotation": {"analysed_wh": [640, 480]}}, "frames": {"total": 3}}))
    r = run("export", tmp_path, "--to", "mot")
    assert r.exit_code == 1
    assert r.output == (f"Error: {tmp_path}: incomplete footcam output folder: angles.csv is "
                        f"missing (rerun footcam analyze)\n")
    (tmp_path / "analysis.json").write_text("{not json")
    r = run("export", tmp_path, "--to", "mot")
    assert r.output == f"Error: {tmp_path}: analysis.json cannot be read (JSONDecodeError)\n"


def test_c3d_without_ezc3d_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ezc3d", None)          # import ezc3d → ImportError
    r = run("export", tmp_path, "--to", "trc,c3d")
    assert r.exit_code == 1
    assert r.output == ("Error: writing C3D needs the optional export extra, which is not "
                        "installed: pip install 'footcam[export]'\n")
    assert list(tmp_path.iterdir()) == []                     # nothing written
    r = run("analyze", SAMPLE, "-o", tmp_path / "out", "--export", "c3d")
    assert r.exit_code == 1 and "pip install 'footcam[export]'" in r.output
    assert not (tmp_path / "out").exists()                    # refused before the analysis


@pytest.mark.slow
def test_export_command_on_a_folder(sample_folder, tmp_path):
    folder = tmp_path / "clip"
    shutil.copytree(sample_folder, folder)
    for f in ("landmarks.trc", "angles.mot"):
        (folder / f).unlink()
    r = run("export", folder, "--to", "mot,trc")
    assert r.exit_code == 0, r.output
    assert r.stdout == f"wrote {folder / 'landmarks.trc'}\nwrote {folder / 'angles.mot'}\n"
    assert read_trc(folder / "landmarks.trc").meta["Units"] == "m"
    assert read_mot(folder / "angles.mot").meta["inDegrees"] == "yes"
    assert not list(folder.glob(".*.tmp*"))                   # no temporary file left


@pytest.mark.slow
def test_batch_export_now_and_on_resume(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    shutil.copy(SAMPLE, clips / "walk.mp4")
    out = tmp_path / "out"
    r = run("batch", clips, "-o", out, "-q", "--no-stills", "--workers", "1", "--export", "trc")
    assert r.exit_code == 0, r.output
    folder = out / "walk_mp4"
    assert read_trc(folder / "landmarks.trc").meta["Units"] == "px"   # no height: pixels
    assert not (folder / "angles.mot").exists()
    # a second run skips the finished clip and still exports it in the newly asked format
    r = run("batch", clips, "-o", out, "-q", "--no-stills", "--workers", "1", "--export", "mot",
            "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["already_done"] == 1 and summary["export_failures"] == []
    assert read_mot(folder / "angles.mot").meta["nRows"] == "120"
