"""Resuming: which clips are already done, leftovers of an interrupted run, one batch per OUT.

A clip is done when its output folder exists (a folder with the final name is complete: it was
renamed into place after every file was written) and its ``analysis.json`` records

- the sha256 of the same input bytes,
- the same configuration (``Config.to_dict()``, as analysis.json stores it),
- the same footcam version,
- the same pose model file (its sha256), when the model could be resolved here.

A folder without a readable analysis.json is never trusted. The input's hash is computed last,
only for folders that pass the cheaper checks.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .._version import __version__
from ..config import Config
from ..errors import OutputError, ResultError
from ..fsutil import BATCH_MARKER, is_leftover
from ..results import ClipResult

#: the lock file is also the mark of a batch output root (fsutil.claim_output_dir)
LOCK_NAME = BATCH_MARKER
#: where local workers' native (MediaPipe/TFLite) log output goes
NATIVE_LOG = ".footcam-batch.log"


@dataclass(frozen=True)
class Expected:
    """What a finished folder must record to be skipped."""

    config: dict
    footcam_version: str = __version__
    model_sha256: str | None = None

    @classmethod
    def of(cls, config: Config, model_sha256: str | None = None) -> "Expected":
        from ..report.files import dumps

        # through the same JSON encoding as analysis.json, so that tuples, floats and NaN compare
        # the way they were written
        return cls(config=json.loads(dumps(config.to_dict())), model_sha256=model_sha256)


def check_done(out_dir: Path, source: Path, expected: Expected,
               sha256: Callable[[Path], str] | None = None) -> tuple[bool, str]:
    """(done, why): whether ``out_dir`` holds a finished analysis of ``source`` as configured."""
    if not out_dir.is_dir():
        return False, "not analysed yet"
    try:
        a = ClipResult.open(out_dir).analysis
    except ResultError as e:      # no analysis.json, unreadable, another schema
        return False, e.detail
    if a.get("footcam_version") != expected.footcam_version:
        return False, f"made by footcam {a.get('footcam_version')}, this is {expected.footcam_version}"
    if a.get("config") != expected.config:
        return False, "made with another configuration"
    if expected.model_sha256 and (a.get("model") or {}).get("sha256") != expected.model_sha256:
        return False, "made with another pose model file"
    recorded = (a.get("source") or {}).get("sha256")
    if not recorded:
        return False, "its analysis.json records no input sha256"
    if sha256 is None:
        from ..video.reader import sha256_file as sha256
    try:
        actual = sha256(source)
    except OSError as e:
        return False, f"the clip cannot be read to check it ({e.strerror or e})"
    if actual != recorded:
        return False, "the clip's content changed since it was analysed"
    return True, "done with the same input, configuration and footcam version"


def remove_leftovers(out_root: Path) -> int:
    """Delete temporary folders/files left by a run that was killed; returns how many.

    Only call this while holding the batch lock (no other batch is writing under OUT).
    """
    n = 0
    for dirpath, dirnames, filenames in os.walk(out_root):
        for d in list(dirnames):
            if is_leftover(d):
                shutil.rmtree(Path(dirpath) / d, ignore_errors=True)
                dirnames.remove(d)
                n += 1
        for f in filenames:
            if is_leftover(f):
                try:
                    (Path(dirpath) / f).unlink()
                    n += 1
                except OSError:
                    pass
    return n


class BatchLock:
    """An exclusive lock on OUT for the batch's lifetime, so that two batches never write the
    same folders at once. Released by the kernel when the process dies (kill -9 included)."""

    def __init__(self, out_root: Path):
        self.path = Path(out_root) / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> "BatchLock":
        try:
            import fcntl
        except ImportError:          # not POSIX: no lock, documented in docs/batch.md
            return self
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise OutputError(f"cannot write in the output folder: {e.strerror or e}", self.path.parent) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            try:
                other = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            finally:
                os.close(fd)
            raise OutputError(f"another footcam batch (pid {other}) is writing to this folder; "
                              f"wait for it to finish or choose another output folder",
                              self.path.parent) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
