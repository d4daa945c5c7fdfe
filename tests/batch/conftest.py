"""Batch test folders, built in tmp from ../shared clips at test time (never committed), and one
shared batch run that several tests read."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import REAL, SYNTH

FOOTCAM = str(Path(sys.executable).with_name("footcam"))

#: the good clips of the main test folder: relative path → source clip
GOOD = {
    "p01/walk.mp4": SYNTH / "normal_side" / "normal_side.mp4",
    "p02/walk.mp4": REAL / "walkinggait_AlejandraSoto__walk.mp4",        # same name, other folder
    "sub dir/Gång ü 歩行.MOV": SYNTH / "normal_front" / "normal_front.mp4",  # spaces, unicode, .MOV
}
#: the bad files: relative path → what failures.csv must say
BAD = {
    "broken/corrupt.mp4": "not a video file",
    "notes.mp4": "not a video file",
    "empty.MP4": "empty file (0 bytes), expected a video",
}


def need(*paths: Path) -> None:
    for p in paths:
        if not p.exists():
            pytest.skip(f"needs {p} (the shared test data beside the repo; absent in a user's clone)")


def corrupt_copy(src: Path, dst: Path) -> Path:
    """The clip without its index (the moov box sits at the end of these files): the bytes of a
    real video that FFmpeg cannot open."""
    data = src.read_bytes()
    moov = data.find(b"moov")
    assert moov > len(data) // 2, "expected the moov box at the end of the file"
    dst.write_bytes(data[: moov - 4])
    return dst


def build_folder(root: Path, good: dict[str, Path] = GOOD, bad: bool = True) -> Path:
    need(*good.values())
    for rel, src in good.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, p)
    if bad:
        (root / "broken").mkdir(exist_ok=True)
        corrupt_copy(SYNTH / "normal_side" / "normal_side.mp4", root / "broken" / "corrupt.mp4")
        (root / "notes.mp4").write_text("this is a text file, not a video\n" * 20)
        (root / "empty.MP4").write_bytes(b"")
        # never picked up: not a video extension, hidden, a macOS resource fork
        (root / "readme.txt").write_text("clips of the study")
        (root / "._walk.mp4").write_bytes(b"\x00\x05\x16\x07")
    return root


def run_cli(*args) -> tuple[int, str]:
    r = CliRunner().invoke(_main(), [str(a) for a in args])
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.output


def _main():
    from footcam.cli import main

    return main


def run_json(*args) -> tuple[int, dict]:
    code, out = run_cli(*args, "--json", "-q")
    return code, json.loads(out)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """The main folder analysed once with 2 local workers: (folder, OUT, exit code, JSON summary)."""
    root = build_folder(tmp_path_factory.mktemp("batch") / "study")
    out = root.parent / "out"
    code, summary = run_json("batch", root, "-o", out, "-w", 2)
    return root, out, code, summary


def subprocess_batch(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen([FOOTCAM, "batch", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)
