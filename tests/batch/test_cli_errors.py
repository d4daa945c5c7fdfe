"""`footcam batch` errors that stop the whole batch: exit codes and the exact text."""
import re
import sys

import pytest

from footcam.batch._resume import BatchLock

from .conftest import run_cli


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "videos"
    d.mkdir()
    (d / "notes.mp4").write_text("not a video")
    return d


def test_help_documents_the_exit_codes():
    code, out = run_cli("batch", "-h")
    assert code == 0
    for line in ("0  every clip was analysed", "1  the batch could not run", "2  usage error",
                 "3  some clips failed: see OUT/failures.csv", "130 interrupted"):
        assert line in out


@pytest.mark.parametrize("args, text", [
    (["--scheduler", "tcp://h:8786", "--dask-local", "2"], "use either --scheduler"),
    (["--workers", "2", "--dask-local", "2"], "--workers sets local processes"),
    (["--no-shared-storage"], "--no-shared-storage applies to a remote cluster"),
    (["--workers", "0"], "Invalid value for '-w' / '--workers'"),
])
def test_usage_errors_exit_2(folder, args, text):
    code, out = run_cli("batch", folder, *args)
    assert code == 2 and text in out


def test_no_videos_is_an_error(tmp_path):
    (tmp_path / "readme.txt").write_text("x")
    code, out = run_cli("batch", tmp_path, "-o", tmp_path / "out")
    assert code == 1
    assert out.startswith(f"Error: {tmp_path}: no video files found (looked for .mp4, .mov, .m4v, "
                          f".avi, .mkv, .webm in any letter case, in subfolders too)")


def test_output_under_a_regular_file(folder, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("I am a file")
    out_dir = blocker / "out"
    code, out = run_cli("batch", folder, "-o", out_dir)
    assert code == 1
    assert out == (f"Error: {out_dir}: cannot create the output folder: a part of its path is a "
                   f"file, not a folder\n")


def test_output_under_proc(folder):
    code, out = run_cli("batch", folder, "-o", "/proc/footcam-batch-test/out")
    assert code == 1
    assert out.startswith("Error: /proc/footcam-batch-test/out: cannot create the output folder: ")
    assert "Traceback" not in out


def test_a_second_batch_on_the_same_output_is_refused(folder, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with BatchLock(out_dir):
        code, out = run_cli("batch", folder, "-o", out_dir)
    assert code == 1
    assert "another footcam batch (pid " in out and "is writing to this folder" in out


def test_dask_not_installed(folder, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)        # import distributed → ImportError
    code, out = run_cli("batch", folder, "-o", tmp_path / "out", "--dask-local", "2")
    assert code == 1
    assert out == ("Error: running on Dask needs the optional Dask extra, which is not installed: "
                   "pip install 'footcam[dask]'\n")


def test_options_match_footcam_analyze():
    """The same analysis as `footcam analyze`: every analysis option, with the same default."""
    from footcam.cli.analyze import command as analyze
    from footcam.cli.batch import command as batch

    # per-clip options; batch does not draw overlays (yet)
    per_clip = {"clip", "output", "person", "overlay", "as_json", "quiet"}
    a = {p.name: p.default for p in analyze.params if p.name not in per_clip}
    b = {p.name: p.default for p in batch.params}
    assert {k: b.get(k, "missing") for k in a} == a


def test_default_output_folder_and_exit_3_when_every_clip_fails(folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out = run_cli("batch", folder, "-w", "1")
    assert code == 3
    lines = out.splitlines()
    assert re.fullmatch(rf"1 clip under {re.escape(str(folder))}: 0 analysed, 0 already done, "
                        rf"1 failed in \d+ s", lines[0]), lines[0]
    assert lines[1] == ("failed: notes.mp4: not a video file: FFmpeg found no recognisable container "
                        "(a text or damaged file with a video extension?)")
    assert (tmp_path / "footcam-out" / "videos" / "failures.csv").read_text().startswith(
        "clip,error_type,error\nnotes.mp4,VideoError,not a video file")
