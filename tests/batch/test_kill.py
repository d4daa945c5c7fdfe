"""Stopping a batch half-way (kill, then kill -9) loses nothing finished, leaves nothing half-done
that a rerun would count as done, and the same command then completes the batch."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path, PurePosixPath

import pandas as pd
import pytest

from footcam.batch import output_rel
from helpers import SYNTH

from .conftest import build_folder, subprocess_batch

pytestmark = pytest.mark.slow

CLIPS = {"a/walk.mp4": SYNTH / "normal_side" / "normal_side.mp4",
         "b/walk.mp4": SYNTH / "normal_front" / "normal_front.mp4",
         "c/walk.mp4": SYNTH / "normal_back" / "normal_back.mp4"}
TIMEOUT_S = 300


def finished(out: Path) -> set[str]:
    """Clips whose final folder exists (a final name is only ever given to a complete folder)."""
    return {rel for rel in CLIPS if (out / output_rel(PurePosixPath(rel))).exists()}


def assert_complete(out: Path, rels) -> None:
    for rel in rels:
        d = out / output_rel(PurePosixPath(rel))
        assert json.loads((d / "analysis.json").read_text())["source"]["sha256"]
        assert (d / "angles.csv").stat().st_size > 0 and (d / "landmarks.csv").stat().st_size > 0


def children(pid: int) -> list[int]:
    kids = []
    for st in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = st.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(st.parent.name))
    return kids


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def run_until(out: Path, n_done: int, *args) -> tuple[subprocess.Popen, list[int]]:
    """Start the batch (one worker) and return once ``n_done`` clips are finished."""
    p = subprocess_batch(*args)
    t0 = time.monotonic()
    while len(finished(out)) < n_done:
        assert p.poll() is None, f"the batch ended early: {p.communicate()}"
        assert time.monotonic() - t0 < TIMEOUT_S, "the batch made no progress"
        time.sleep(0.05)
    return p, children(p.pid)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not Path("/proc/self/stat").exists(),
                    reason="needs POSIX signals and /proc")
def test_interrupted_and_killed_batch_resumes(tmp_path):
    root = build_folder(tmp_path / "videos", CLIPS, bad=False)
    out = tmp_path / "out"
    args = (root, "-o", out, "-w", 1, "-q")

    # 1. kill (SIGTERM) once the first clip is done: a clean stop, exit 130
    p, _ = run_until(out, 1, *args)
    p.send_signal(signal.SIGTERM)
    stdout, _ = p.communicate(timeout=60)
    assert p.returncode == 130
    assert "interrupted: finished clips are kept" in stdout
    done1 = finished(out)
    assert_complete(out, done1)
    rows = pd.read_csv(out / "summary.csv").set_index("clip")["status"]
    assert set(rows[sorted(done1)]) == {"ok"} and "not done" in set(rows)
    assert not list(out.rglob("*.partial-*")), "a clean stop removes half-written folders"

    # 2. resume, then kill -9 once one more clip is done: no clean-up is possible
    p, workers = run_until(out, len(done1) + 1, *args)
    stamp = {rel: (out / output_rel(PurePosixPath(rel)) / "analysis.json").stat().st_mtime_ns for rel in done1}
    os.kill(p.pid, signal.SIGKILL)
    p.communicate(timeout=60)
    assert workers, "the batch had a worker process"
    t0 = time.monotonic()
    while any(alive(w) for w in workers) and time.monotonic() - t0 < 10:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers), "workers die with a killed batch"
    done2 = finished(out)
    assert done1 < done2 and len(done2) < len(CLIPS)
    assert_complete(out, done2)
    # what was done before was skipped, not redone
    assert stamp == {rel: (out / output_rel(PurePosixPath(rel)) / "analysis.json").stat().st_mtime_ns
                     for rel in done1}

    # 3. plant what must never count as done: a folder with the final name but no analysis.json
    (missing,) = set(CLIPS) - done2
    fake = out / output_rel(PurePosixPath(missing))
    fake.mkdir(parents=True)
    (fake / "angles.csv").write_text("frame,time_s\n0,0.0\n")

    # 4. the same command completes the batch
    p = subprocess_batch(*args[:-1], "--json", "-q")
    stdout, stderr = p.communicate(timeout=TIMEOUT_S)
    assert p.returncode == 0, stderr
    s = json.loads(stdout)
    assert (s["analysed"], s["already_done"], s["failed"]) == (1, 2, 0)
    assert finished(out) == set(CLIPS)
    assert_complete(out, CLIPS)
    assert not [x for x in out.rglob(".*") if x.name not in (".footcam-batch.lock", ".footcam-batch.log")]
    assert set(pd.read_csv(out / "summary.csv")["status"]) == {"ok"}
    assert pd.read_csv(out / "failures.csv").empty
