"""Damaged videos (tests/fuzzcorpus.py) through `footcam analyze` and `footcam toes`, each a
process of its own with a time limit: no traceback, no hang, no crash, exit 0 only with the
damage said where FFmpeg flags damaged frames, and never a half-written folder.

About a minute on two cores (13 cases, two commands each, two at a time)."""
from __future__ import annotations

import concurrent.futures as cf
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import fuzzcorpus

FOOTCAM = str(Path(sys.executable).with_name("footcam"))
#: a case taking longer than this is a hang (a normal one takes a few seconds)
LIMIT_S = 120
#: what a complete clip folder holds at least
CLIP_FILES = {"analysis.json", "angles.csv", "landmarks.csv", "events.csv", "cycles.csv",
              "curves.csv", "summary.json", "report.html"}
#: cases whose outcome is known: (exit code of analyze, text that must be in its output)
EXPECTED = {
    "clean": (0, None),
    "index_at_front": (0, None),
    "flips_in_frames": (0, "damaged video: FFmpeg flagged"),
    "mostly_damaged": (1, "damaged: "),
    "cut_half": (1, "not a video file"),
    "index_removed": (1, "not a video file"),
}


def run(command: str, clip: Path, out: Path) -> tuple[int | None, str, str]:
    try:
        p = subprocess.run([FOOTCAM, command, str(clip), "-o", str(out), "-q"],
                           capture_output=True, text=True, timeout=LIMIT_S,
                           env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    except subprocess.TimeoutExpired:
        return None, "", ""
    return p.returncode, p.stdout, p.stderr


def problems(name: str, command: str, clip: Path, work: Path, oracle) -> list[str]:
    parent = work / f"{name}-{command}"
    parent.mkdir()
    out = parent / "out"
    code, stdout, stderr = run(command, clip, out)
    said = stdout + stderr
    where = f"{command} {name}"
    if code is None:
        return [f"{where}: no answer within {LIMIT_S} s (a hang)"]
    found = []
    if "Traceback" in said or "Fatal Python error" in said:
        found.append(f"{where}: traceback: {said[-500:]}")
    if code not in (0, 1):
        found.append(f"{where}: exit code {code} (a crash?): {stderr[-300:]}")
    left = sorted(p.name for p in parent.iterdir() if p.name != "out")
    if left:
        found.append(f"{where}: left half-written files beside the output: {left}")
    if code == 1:
        if not stderr.startswith(f"Error: {clip}: "):
            found.append(f"{where}: exit 1 without 'Error: {clip}: ...': {stderr[:200]!r}")
        if out.exists():
            found.append(f"{where}: failed but wrote {sorted(p.name for p in out.iterdir())}")
    if code == 0:
        if stderr:
            found.append(f"{where}: -q, yet stderr says {stderr[:200]!r}")
        if command == "toes":
            try:
                json.loads((out / "toes.json").read_text())
            except (OSError, ValueError) as e:
                found.append(f"{where}: exit 0 without a readable toes.json ({e})")
            return found
        missing = CLIP_FILES - {p.name for p in out.iterdir()} if out.is_dir() else CLIP_FILES
        if missing:
            return found + [f"{where}: exit 0, but the folder lacks {sorted(missing)}"]
        warnings = json.loads((out / "analysis.json").read_text())["warnings"]
        n, corrupt, lost = oracle
        if (corrupt or lost) and not any("damaged" in w for w in warnings):
            found.append(f"{where}: FFmpeg flags {corrupt} corrupt frames and {lost} undecodable "
                         f"packets, yet exit 0 without a damage warning: {warnings}")
        if not (corrupt or lost) and any("damaged" in w for w in warnings):
            found.append(f"{where}: a damage warning on frames FFmpeg decodes cleanly: {warnings}")
    if command == "analyze" and name in EXPECTED:
        want_code, want_text = EXPECTED[name]
        if code != want_code or (want_text and want_text not in said):
            found.append(f"{where}: expected exit {want_code} saying {want_text!r}, got exit "
                         f"{code}: {said[-300:]!r}")
    return found


@pytest.mark.slow
def test_damaged_videos_are_refused_or_warned_about(tmp_path):
    cases = fuzzcorpus.corpus(tmp_path / "corpus")
    assert set(EXPECTED) <= set(cases)
    oracle = {name: fuzzcorpus.damage(p) for name, p in cases.items()}
    assert oracle["clean"] == (fuzzcorpus.BASE_FRAMES, 0, 0)
    assert oracle["flips_in_frames"][1] > 0 and oracle["mostly_damaged"][1] > fuzzcorpus.BASE_FRAMES // 2
    work = tmp_path / "runs"
    work.mkdir()
    jobs = [(name, command) for name in cases for command in ("analyze", "toes")]
    with cf.ThreadPoolExecutor(2) as pool:
        found = pool.map(lambda j: problems(j[0], j[1], cases[j[0]], work, oracle[j[0]]), jobs)
        found = [p for ps in found for p in ps]
    assert found == []
