"""Finding the clips of a folder and naming each one's output folder.

Output folders mirror the clip's relative path under OUT, with the extension's dot turned into an
underscore: ``p01/walk.MOV`` → ``OUT/p01/walk_MOV/``. Every folder name therefore ends in
``_<video extension>``, so two clips never share a folder (``walk.mp4`` and ``walk.mov`` in one
folder, or ``walk.mp4`` in two subfolders), and the name does not depend on which other files
exist, so a rerun finds the same folder.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from ..constants import VIDEO_EXTENSIONS
from ..errors import FootcamError

#: a folder holding this file is a footcam output folder: never searched for clips (its
#: overlay.mp4 is an output, not an input; this also keeps OUT out of the search when it lies
#: inside DIR)
OUTPUT_MARKER = "analysis.json"


@dataclass(frozen=True)
class Clip:
    """One video found under the batch folder."""

    source: Path            # the file, as found under DIR
    rel: PurePosixPath      # its path relative to DIR ("p01/walk 1.mp4")
    out_rel: PurePosixPath  # its output folder relative to OUT ("p01/walk 1_mp4")

    @property
    def key(self) -> str:
        return str(self.rel)


def output_rel(rel: PurePosixPath) -> PurePosixPath:
    """``p01/walk.MOV`` → ``p01/walk_MOV``."""
    return rel.with_name(f"{rel.stem}_{rel.suffix[1:]}")


def is_video_name(name: str) -> bool:
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in VIDEO_EXTENSIONS


def discover(root: str | Path, exclude: str | Path | None = None, *,
             log: Callable[[str], None] = lambda m: None) -> list[Clip]:
    """Every video file under ``root``, recursively, sorted by relative path.

    Skipped: names starting with "." (hidden files, macOS ``._clip.mov`` resource forks,
    footcam's own temporary folders), folders that are footcam output folders, the folder
    ``exclude`` (the batch's OUT, when inside ``root``) and symlinked folders (never followed,
    so no loops).
    """
    root = Path(root)
    if not root.is_dir():
        raise FootcamError("not a folder: expected a folder of videos", root)
    skip = Path(exclude).resolve() if exclude is not None else None
    if skip == root.resolve():      # OUT is DIR itself: the output-folder rule keeps outputs out
        skip = None
    found: list[Clip] = []

    def walk_error(e: OSError) -> None:
        if Path(e.filename or "") == root:
            raise FootcamError(f"cannot read the folder: {e.strerror or e}", root) from None
        log(f"warning: {e.filename}: cannot read this folder ({e.strerror or e}); its clips are left out")

    for dirpath, dirnames, filenames in os.walk(root, onerror=walk_error):
        here = Path(dirpath)
        if OUTPUT_MARKER in filenames or (skip is not None and here.resolve() == skip):
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not is_video_name(name):
                continue
            p = here / name
            if not p.is_file():          # a broken symlink, a fifo
                continue
            rel = PurePosixPath(p.relative_to(root).as_posix())
            found.append(Clip(source=p, rel=rel, out_rel=output_rel(rel)))
    found.sort(key=lambda c: c.rel.parts)
    return found
