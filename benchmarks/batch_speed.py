"""Throughput of `footcam batch` on one folder: 1 and 2 local workers, a local Dask cluster, and
the sum of single-clip `footcam analyze` runs of the same clips.

Prints clips per minute for each way and its ratio to the sum of the single-clip runs (a ratio of
2.0 means the batch did the folder in half the time that running the clips one by one took).
Every run is a fresh `footcam` process, as a user would start it, with --force so nothing is
skipped. These machines are shared and noisy: only ratios within one run mean something, and the
load average before and after is printed to judge them.

    python benchmarks/batch_speed.py [FOLDER] [--dask N] [--workers 1,2] [--repeat 2]

Each way is timed --repeat times, the ways interleaved, and the fastest time is kept (other load
on the machine only ever slows a run down).

Without FOLDER, a folder is built in a temporary directory from ../shared/data (the five rendered
clips and two short real ones).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FOOTCAM_SHARED", REPO.parent / "shared")) / "data"
DEFAULT_CLIPS = [SHARED / "synth" / n / f"{n}.mp4" for n in
                 ("normal_side", "normal_front", "normal_back", "normal_oblique45",
                  "asymmetric_right_restricted_side")] + [
    SHARED / "real" / "walkinggait_AlejandraSoto__walk.mp4",
    SHARED / "real" / "biomech_gait_watcharapol28__gait_normal_01.mp4",
]
FOOTCAM = str(Path(sys.executable).with_name("footcam"))


def build_folder(d: Path) -> Path:
    missing = [p for p in DEFAULT_CLIPS if not p.exists()]
    if missing:
        sys.exit(f"needs the shared test data: {missing[0]} is missing (or give a FOLDER)")
    for p in DEFAULT_CLIPS:
        shutil.copyfile(p, d / p.name)
    return d


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if r.returncode not in (0, 3):
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}")
    return dt


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", type=Path)
    ap.add_argument("--workers", default="1,2", help="local worker counts to time [1,2]")
    ap.add_argument("--dask", type=int, default=2, help="workers of the local Dask cluster (0: skip) [2]")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each way; the fastest is kept [2]")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="footcam-batch-bench-") as tmp:
        tmp = Path(tmp)
        if args.folder:
            folder = args.folder
        else:
            folder = tmp / "clips"
            folder.mkdir()
            build_folder(folder)
        from footcam.batch import discover

        clips = discover(folder)
        n = len(clips)
        print(f"folder: {folder} ({n} clips); {os.cpu_count()} CPUs; load average {load()}")
        # warm the model cache and the page cache so the first timed run is not penalised
        subprocess.run([FOOTCAM, "models", "path"], stdout=subprocess.DEVNULL, check=True)

        ways: list[tuple[str, list[list[str]]]] = [("sum of single-clip runs", [
            [FOOTCAM, "analyze", str(c.source), "-o", str(tmp / "single" / c.out_rel), "-q"] for c in clips])]
        for w in (int(x) for x in args.workers.split(",")):
            ways.append((f"batch, {w} worker{'s' if w > 1 else ''}", [
                [FOOTCAM, "batch", str(folder), "-o", str(tmp / f"w{w}"), "-w", str(w), "--force", "-q"]]))
        if args.dask:
            try:
                import distributed  # noqa: F401
            except ImportError:
                print("(Dask not installed: pip install 'footcam[dask]' to time it)")
            else:
                ways.append((f"batch, Dask local cluster ({args.dask} workers)", [
                    [FOOTCAM, "batch", str(folder), "-o", str(tmp / "dask"), "--dask-local", str(args.dask),
                     "--force", "-q"]]))
        best = {name: float("inf") for name, _ in ways}
        for _ in range(args.repeat):
            for name, cmds in ways:
                best[name] = min(best[name], sum(timed(c) for c in cmds))
        single = best[ways[0][0]]
        rows = list(best.items())
        print(f"{'':42s} {'wall s':>8s} {'clips/min':>10s} {'vs single runs':>15s}")
        for name, dt in rows:
            print(f"{name:42s} {dt:8.1f} {60 * n / dt:10.2f} {single / dt:14.2f}x")
        import json

        inside = sum(json.loads(p.read_text())["timing_s"]["total"]
                     for p in (tmp / "single").rglob("analysis.json"))
        print(f"(of the single-clip runs, {inside:.1f} s were the analysis itself (analysis.json timing_s, "
              f"last repeat); the rest is each process starting: imports, model load)")
        print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
