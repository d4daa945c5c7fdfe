"""The file system, safely: atomic writes (readers see the old file or the new one, never a
partial one), inputs checked before they are opened, and output folders that footcam replaces
or writes into only when they are its own."""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Collection

from .errors import FootcamError, OutputError


def atomic_write_with(path: str | Path, write, suffix: str = ".tmp") -> None:
    """``write(tmp_path)`` writes a temporary file in the same folder, then ``os.replace``
    puts it at ``path``: a file with the final name is always complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then ``os.replace``."""
    atomic_write_with(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# --- inputs: say what is wrong with a path before opening it -------------------------------------

_NOT_REGULAR = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _stat_problem(e: OSError) -> str:
    """What an OSError from stat/listdir/open means for the user, in words."""
    if e.errno in (errno.ENOENT, errno.ENOTDIR):
        return "file not found"
    if e.errno == errno.ELOOP:
        return "symbolic link loop: the link leads back to itself"
    if e.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied (on the file or a folder above it)"
    if e.errno == errno.ENAMETOOLONG:
        return "the path is too long"
    return f"cannot be read: {e.strerror or e}"


def _out_problem(e: OSError) -> str:
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (on the folder or a folder above it)"
    if e.errno == errno.ELOOP:
        return "symbolic link loop: the link leads back to itself"
    return e.strerror or str(e)


def check_input_file(path: str | Path, error: type[FootcamError], expected: str) -> os.stat_result:
    """The stat of ``path`` when it is a readable, non-empty regular file; otherwise raise
    ``error`` naming the problem (not found, symlink loop, permission denied, a folder, a FIFO
    or device, empty). ``expected`` completes "expected ..." ("a video", "a photo or a video")."""
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError as e:
        raise error(_stat_problem(e), path) from None
    if stat.S_ISDIR(st.st_mode):
        raise error(f"is a folder, expected {expected}", path)
    for test, kind in _NOT_REGULAR:
        if test(st.st_mode):
            raise error(f"not a regular file: it is {kind}; expected {expected}", path)
    if not os.access(path, os.R_OK):
        raise error("cannot be read (permission denied)", path)
    if st.st_size == 0:
        raise error(f"empty file (0 bytes), expected {expected}", path)
    return st


# --- outputs: footcam replaces or writes into only its own folders -------------------------------

#: a batch's output root holds this file from the first moment of its first run (the lock that
#: keeps two batches apart; batch/_resume.py)
BATCH_MARKER = ".footcam-batch.lock"
#: leftovers of staged_dir / atomic writes killed half-way:
#: ".<name>.partial-XXXX", ".<name>.old-<pid>", ".<name>.XXXX.tmp"
_LEFTOVER = re.compile(r"^\..+\.(partial-[^/]+|old-\d+|[^.]+\.tmp)$")
#: footcam's own JSON files are far smaller; a bigger file is not read to recognise it
_MARKER_MAX_BYTES = 64 << 20

OutputKind = str   # "clip" (analysis.json), "toes" (toes.json), "batch" (the batch marker)
KIND_WORDS = {"clip": "clip analysis (`footcam analyze`)", "toes": "toe measurement (`footcam toes`)",
              "batch": "batch (`footcam batch`)"}


def is_leftover(name: str) -> bool:
    """Whether ``name`` is a temporary file or folder of a footcam write that was killed."""
    return bool(_LEFTOVER.match(name))


def _read_json_object(p: Path) -> dict | None:
    try:
        if not p.is_file() or p.stat().st_size > _MARKER_MAX_BYTES:
            return None
        d = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return d if isinstance(d, dict) else None


def is_analysis_json(p: Path) -> bool:
    """analysis.json as footcam writes it (report/files.py analysis_dict)."""
    d = _read_json_object(p)
    return (d is not None and isinstance(d.get("schema_version"), str)
            and isinstance(d.get("footcam_version"), str) and isinstance(d.get("source"), dict)
            and isinstance(d.get("frames"), dict))


def is_toes_json(p: Path) -> bool:
    """toes.json as footcam writes it (toes/outputs.py)."""
    d = _read_json_object(p)
    return (d is not None and isinstance(d.get("schema_version"), str)
            and isinstance(d.get("source"), dict) and d["source"].get("kind") in ("photo", "video")
            and isinstance(d.get("units"), str))


def footcam_kinds(folder: str | Path) -> set[OutputKind]:
    """Which footcam outputs ``folder`` holds, recognised by their contents, not their names
    alone: a footcam analysis.json ("clip"), a footcam toes.json ("toes"), the batch marker
    ("batch"). Empty for a folder footcam did not write."""
    folder = Path(folder)
    kinds = set()
    if is_analysis_json(folder / "analysis.json"):
        kinds.add("clip")
    if is_toes_json(folder / "toes.json"):
        kinds.add("toes")
    if (folder / BATCH_MARKER).is_file():
        kinds.add("batch")
    return kinds


def _in_batch_output(folder: Path) -> bool:
    """Whether ``folder`` lies inside a batch's output root (whose folders are footcam's)."""
    return any((p / BATCH_MARKER).is_file() for p in Path(os.path.abspath(folder)).parents)


def _only_footcam_folders(folder: Path, depth: int = 0) -> bool:
    """Whether ``folder`` holds nothing but footcam output folders, in plain subfolders (clip
    folders copied together: a batch output to be)."""
    try:
        entries = [e for e in os.scandir(folder) if not is_leftover(e.name)]
    except OSError:
        return False
    for e in entries:
        if not e.is_dir(follow_symlinks=False):
            return False
        if not footcam_kinds(e.path) and (depth >= 8 or not _only_footcam_folders(Path(e.path), depth + 1)):
            return False
    return bool(entries)


def ownership_problem(folder: Path, kinds: Collection[OutputKind]) -> str | None:
    """None when footcam may write ``folder`` as an output of one of ``kinds``: it is absent or
    empty, holds footcam's outputs of such a kind, or lies inside a batch's output root; else
    what is wrong, in words. Raises OSError when the folder cannot be read."""
    try:
        entries = sorted(os.listdir(folder))
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return "is a file, not a folder: footcam writes a folder of outputs here"
    if not entries:
        return None
    here = footcam_kinds(folder)
    if "batch" in kinds and not here and _only_footcam_folders(folder):
        here = {"batch"}
    if here & set(kinds) or (not here and "clip" in kinds and _in_batch_output(folder)):
        return None
    if here:
        words = " and ".join(KIND_WORDS[k] for k in sorted(here))
        want = " or ".join(KIND_WORDS[k] for k in kinds)
        return f"holds footcam's {words} outputs, not a {want}: choose another output folder"
    shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")
    return (f"already exists and is not a footcam output folder (it holds {shown}); footcam "
            f"writes only into a new or empty folder or one of its own: choose another output "
            f"folder")


def _nearest_existing(path: Path) -> Path:
    p = path
    while True:
        try:
            os.stat(p)
            return p
        except FileNotFoundError:
            if p.parent == p:
                return p
            p = p.parent


def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 10e6 else f"{n / 1e6:.1f} MB"


def claim_output_dir(folder: str | Path, kinds: Collection[OutputKind], *, inside: bool = False,
                     need_bytes: int = 0) -> None:
    """Check, before any work, that footcam may write ``folder``; raise OutputError if not.

    The folder must be absent, empty, or footcam's (:func:`ownership_problem`): anything else
    is the user's and is never replaced or written into. Then the place must be writable (a
    folder is really created and removed there: in the folder's parent, where
    :func:`footcam.report.files.staged_dir` stages a replacement, or with ``inside`` in the
    folder itself, for commands that add files to it) and hold ``need_bytes`` of free space.
    """
    folder = Path(folder)
    try:
        os.stat(folder)
        exists = True
    except FileNotFoundError:
        exists = False
    except OSError as e:
        if e.errno == errno.ENOTDIR:
            raise OutputError("cannot create the output folder: a part of its path is a file, "
                              "not a folder", folder) from None
        raise OutputError(f"cannot write in the output folder: {_out_problem(e)}", folder) from None
    check_replaceable(folder, kinds)
    place = folder if (inside and exists) else _nearest_existing(folder.parent)
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".footcam-probe-", dir=place))
    except OSError as e:
        if exists and place == folder:
            raise OutputError(f"cannot write in the output folder: {_out_problem(e)}", folder) from None
        verb = "replace" if exists else "create"
        raise OutputError(f"cannot {verb} the output folder: {_out_problem(e)} (in {place})",
                          folder) from None
    if need_bytes > 0:
        free = shutil.disk_usage(place).free
        if free < need_bytes:
            raise OutputError(f"not enough free space: {_mb(free)} free on its disk, the outputs "
                              f"need about {_mb(need_bytes)}", folder)


def check_replaceable(folder: Path, kinds: Collection[OutputKind]) -> None:
    """At the moment of replacing ``folder``: it must still be footcam's (the user may have
    put something there while footcam worked)."""
    try:
        problem = ownership_problem(folder, kinds)
    except OSError as e:
        raise OutputError(f"cannot read the output folder: {_out_problem(e)}", folder) from None
    if problem:
        raise OutputError(problem, folder)
