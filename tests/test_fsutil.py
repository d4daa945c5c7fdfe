"""Inputs checked before they are opened; output folders replaced or written into only when
they are footcam's own, checked before any work (fsutil, report.files.staged_dir)."""
from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from footcam import fsutil
from footcam.errors import OutputError, VideoError
from footcam.fsutil import BATCH_MARKER, check_input_file, claim_output_dir, footcam_kinds
from footcam.report.files import staged_dir

ANALYSIS = {"schema_version": "1.0", "footcam_version": "0.1.0", "source": {"name": "walk.mp4"},
            "frames": {"total": 120}}
TOES = {"schema_version": "1.0", "source": {"file": "foot.jpg", "kind": "photo"}, "units": "mm"}


def clip_folder(p: Path) -> Path:
    p.mkdir(parents=True)
    (p / "analysis.json").write_text(json.dumps(ANALYSIS))
    return p


def user_folder(p: Path) -> Path:
    (p / "photos").mkdir(parents=True)
    (p / "thesis.docx").write_text("years of work")
    return p


def tree(p: Path) -> dict[str, bytes | None]:
    return {str(q.relative_to(p)): (q.read_bytes() if q.is_file() else None) for q in p.rglob("*")}


# --- inputs ------------------------------------------------------------------------------------

def test_input_problems_are_named(tmp_path):
    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.mp4"
    loop.symlink_to(loop)
    (tmp_path / "empty.mp4").write_bytes(b"")
    cases = {
        tmp_path / "missing.mp4": "file not found",
        tmp_path / "a.txt" / "x.mp4": "file not found",
        fifo: "not a regular file: it is a FIFO (named pipe); expected a video",
        loop: "symbolic link loop: the link leads back to itself",
        tmp_path: "is a folder, expected a video",
        tmp_path / "empty.mp4": "empty file (0 bytes), expected a video",
    }
    if Path("/dev/null").exists():
        cases[Path("/dev/null")] = "not a regular file: it is a character device; expected a video"
    (tmp_path / "a.txt").write_text("x")
    for path, problem in cases.items():
        with pytest.raises(VideoError) as e:
            check_input_file(path, VideoError, "a video")
        assert str(e.value) == f"{path}: {problem}"


def test_permission_denied_on_a_folder_above_is_named(tmp_path, monkeypatch):
    """Path.exists() raises PermissionError for a file in a folder one may not enter; footcam
    says so instead of a traceback (faked: the tests may run as root, who may enter anything)."""
    locked = tmp_path / "locked" / "walk.mp4"
    real_stat = os.stat

    def stat(p, *a, **k):
        if "locked" in str(p):
            raise PermissionError(errno.EACCES, "Permission denied", str(p))
        return real_stat(p, *a, **k)

    monkeypatch.setattr(fsutil.os, "stat", stat)
    with pytest.raises(VideoError, match=r"walk.mp4: cannot be read: permission denied \(on the "
                                         r"file or a folder above it\)$"):
        check_input_file(locked, VideoError, "a video")
    with pytest.raises(OutputError, match=r"out: cannot write in the output folder: permission "
                                          r"denied \(on the folder or a folder above it\)$"):
        claim_output_dir(tmp_path / "locked" / "out", ("clip",))


# --- whose folder is it ------------------------------------------------------------------------

def test_footcam_folders_are_recognised_by_their_contents(tmp_path):
    assert footcam_kinds(clip_folder(tmp_path / "clip")) == {"clip"}
    (tmp_path / "toes").mkdir()
    (tmp_path / "toes" / "toes.json").write_text(json.dumps(TOES))
    assert footcam_kinds(tmp_path / "toes") == {"toes"}
    (tmp_path / "batch").mkdir()
    (tmp_path / "batch" / BATCH_MARKER).write_text("123\n")
    assert footcam_kinds(tmp_path / "batch") == {"batch"}
    # the right names with someone else's contents are not footcam's
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "analysis.json").write_text(json.dumps({"schema_version": "1.0", "my": "data"}))
    (fake / "toes.json").write_text("not json")
    assert footcam_kinds(fake) == set()


def test_a_users_folder_is_refused_and_left_alone(tmp_path):
    docs = user_folder(tmp_path / "MyDocuments")
    before = tree(docs)
    for kinds in (("clip", "toes"), ("batch",), ("clip",)):
        with pytest.raises(OutputError) as e:
            claim_output_dir(docs, kinds)
        assert str(e.value) == (f"{docs}: already exists and is not a footcam output folder (it "
                                f"holds photos, thesis.docx); footcam writes only into a new or "
                                f"empty folder or one of its own: choose another output folder")
    with pytest.raises(OutputError):
        with staged_dir(docs) as tmp:
            (tmp / "analysis.json").write_text("{}")
    assert tree(docs) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["MyDocuments"]     # nothing staged


def test_new_empty_and_footcam_folders_are_accepted(tmp_path):
    claim_output_dir(tmp_path / "new" / "deeper", ("clip",))
    assert not (tmp_path / "new").exists()                 # checking creates nothing
    (tmp_path / "empty").mkdir()
    claim_output_dir(tmp_path / "empty", ("clip",))
    claim_output_dir(clip_folder(tmp_path / "clip"), ("clip", "toes"))
    assert list(tmp_path.glob("**/.footcam-probe-*")) == []


def test_a_footcam_folder_of_another_kind_is_refused(tmp_path):
    clip = clip_folder(tmp_path / "walk")
    with pytest.raises(OutputError, match=r"walk: holds footcam's clip analysis \(`footcam "
                                          r"analyze`\) outputs, not a batch \(`footcam batch`\)"):
        claim_output_dir(clip, ("batch",))


def test_a_batch_root_may_be_copied_clip_folders(tmp_path):
    """Clip folders copied together into a new folder: a batch may write there."""
    root = tmp_path / "merged"
    clip_folder(root / "p01" / "walk_mp4")
    clip_folder(root / "walk_mov")
    claim_output_dir(root, ("batch",), inside=True)
    (root / "p01" / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="is not a footcam output folder"):
        claim_output_dir(root, ("batch",), inside=True)


def test_folders_inside_a_batch_output_are_footcams(tmp_path):
    """A batch replaces its own clip folders, even one left without analysis.json."""
    root = tmp_path / "out"
    root.mkdir()
    (root / BATCH_MARKER).write_text("1\n")
    half = root / "p01" / "walk_mp4"
    half.mkdir(parents=True)
    (half / "angles.csv").write_text("frame\n")
    claim_output_dir(half, ("clip", "toes"))


def test_a_file_or_a_path_through_a_file_is_refused(tmp_path):
    f = tmp_path / "a-file"
    f.write_text("x")
    with pytest.raises(OutputError, match=r"a-file: is a file, not a folder"):
        claim_output_dir(f, ("clip",))
    with pytest.raises(OutputError, match=r"a-file/out: cannot create the output folder: a part "
                                          r"of its path is a file, not a folder$"):
        claim_output_dir(f / "out", ("clip",))


def test_unwritable_place_and_full_disk_are_found_before_the_work(tmp_path, monkeypatch):
    def read_only(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system")

    with monkeypatch.context() as m:
        m.setattr(fsutil.tempfile, "mkdtemp", read_only)
        with pytest.raises(OutputError, match=rf"out: cannot create the output folder: Read-only "
                                              rf"file system \(in {tmp_path}\)$"):
            claim_output_dir(tmp_path / "out", ("clip",))

    class Usage:
        free = 3_000_000

    monkeypatch.setattr(fsutil.shutil, "disk_usage", lambda p: Usage)
    with pytest.raises(OutputError, match=r"out: not enough free space: 3.0 MB free on its disk, "
                                          r"the outputs need about 40 MB$"):
        claim_output_dir(tmp_path / "out", ("clip",), need_bytes=40_000_000)
    claim_output_dir(tmp_path / "out", ("clip",), need_bytes=2_000_000)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a user whom file permissions bind (root may write anywhere)")
def test_a_read_only_folder_is_found_before_the_work(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="cannot create the output folder: Permission denied"):
            claim_output_dir(ro / "out", ("clip",))
    finally:
        ro.chmod(0o755)


# --- the atomic swap ---------------------------------------------------------------------------

def test_replacing_a_clip_folder_keeps_what_footcam_did_not_write(tmp_path):
    out = clip_folder(tmp_path / "walk")
    (out / "notes.txt").write_text("patient said the left knee hurts")
    (out / "toes.json").write_text(json.dumps(TOES))             # from `footcam toes -o walk`
    (out / "overlay.mp4").write_bytes(b"an overlay of the earlier analysis")
    (out / "stills").mkdir()
    (out / "stills" / "l_hs_0.50s.png").write_bytes(b"png")
    with staged_dir(out) as tmp:
        (tmp / "analysis.json").write_text(json.dumps({**ANALYSIS, "footcam_version": "new"}))
        (tmp / "angles.csv").write_text("frame\n")
    assert sorted(p.name for p in out.iterdir()) == ["analysis.json", "angles.csv", "notes.txt",
                                                     "toes.json"]
    assert (out / "notes.txt").read_text() == "patient said the left knee hurts"
    assert json.loads((out / "analysis.json").read_text())["footcam_version"] == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["walk"]        # no .partial / .old


def test_a_folder_that_became_the_users_during_the_work_is_not_replaced(tmp_path):
    out = tmp_path / "walk"
    with pytest.raises(OutputError, match="is not a footcam output folder"):
        with staged_dir(out) as tmp:
            (tmp / "analysis.json").write_text(json.dumps(ANALYSIS))
            user_folder(out)                      # the user makes the folder meanwhile
    assert sorted(p.name for p in out.iterdir()) == ["photos", "thesis.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["walk"]


def test_a_failed_swap_puts_the_earlier_folder_back(tmp_path, monkeypatch):
    out = clip_folder(tmp_path / "walk")
    (out / "notes.txt").write_text("mine")
    before = tree(out)
    real_replace = os.replace

    def replace(src, dst):
        if ".partial-" in str(src):
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr("footcam.report.files.os.replace", replace)
    with pytest.raises(OutputError, match="walk: cannot write the output folder: Input/output error"):
        with staged_dir(out) as tmp:
            (tmp / "analysis.json").write_text(json.dumps(ANALYSIS))
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["walk"]
