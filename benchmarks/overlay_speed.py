"""What the annotated video costs: `footcam analyze --overlay` against `footcam analyze` on the
same 1080p clip in the same run, and the overlay renderer's peak memory for the clip and for
the clip ten times as long.

    python benchmarks/overlay_speed.py [CLIP] [--repeats N]

Without CLIP, a 1920x1080 clip is made from the shipped sample (sample_videos/normal_side.mp4,
enlarged) in a temporary folder. Each command runs in its own process, alternating, and the
median wall time of the repeats is compared (other work on a shared machine moves single runs).
Memory: the renderer alone (`footcam overlay`) on the analysed folder, and on a folder ten
times as long made by looping the clip and its tables (no pose estimation needed), each in its
own process; peak resident memory from the kernel (ru_maxrss).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOOTCAM = [str(Path(sys.executable).parent / "footcam")]


def make_1080p(dst: Path) -> Path:
    import cv2

    from footcam.video.reader import iter_frames, probe
    from footcam.video.writer import H264Writer

    info = probe(REPO / "sample_videos" / "normal_side.mp4")
    with H264Writer(dst, (1920, 1080), fps_hint=info.fps, crf=18) as w:
        for _, t, img in iter_frames(info):
            w.write(cv2.resize(img, (1920, 1080), interpolation=cv2.INTER_CUBIC), t)
    return dst


def timed(cmd: list[str]) -> float:
    """Wall seconds of one command."""
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{r.stderr}")
    return dt


def peak_rss_mb(cmd: list[str]) -> float:
    """Peak RSS of one command, measured in a fresh wrapper process (RUSAGE_CHILDREN keeps the
    maximum over all children so far, so each measurement gets its own parent)."""
    code = ("import resource,subprocess,sys;"
            "r=subprocess.run(sys.argv[1:],capture_output=True);"
            "sys.exit(r.returncode) if r.returncode else "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    r = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed")
    return int(r.stdout.strip()) / 1024


def loop_folder(src_dir: Path, clip: Path, times: int, dst_dir: Path) -> Path:
    """A folder as if the clip were ``times`` as long: the video looped (timestamps continued),
    the tables repeated with frame numbers and times shifted."""
    import pandas as pd

    from footcam.video.reader import iter_frames, probe
    from footcam.video.writer import H264Writer

    info = probe(clip)
    period = info.duration_s
    long_clip = dst_dir.parent / f"{clip.stem}_x{times}.mp4"
    with H264Writer(long_clip, info.display_wh, fps_hint=info.fps, crf=23, preset="ultrafast") as w:
        for k in range(times):
            for _, t, img in iter_frames(info):
                w.write(img, t + k * period)
    dst_dir.mkdir()
    n = info.n_frames
    for name in ("angles.csv", "landmarks.csv", "events.csv"):
        df = pd.read_csv(src_dir / name)
        parts = []
        for k in range(times):
            p = df.copy()
            p["frame"] = p["frame"] + k * n
            p["time_s"] = p["time_s"] + k * period
            parts.append(p)
        pd.concat(parts).to_csv(dst_dir / name, index=False, float_format="%.5f")
    a = json.loads((src_dir / "analysis.json").read_text())
    li = probe(long_clip)
    a["source"].update(path=str(long_clip), sha256=li.sha256)
    a["frames"]["total"] = li.n_frames
    a["video"]["duration_s"] = li.duration_s
    (dst_dir / "analysis.json").write_text(json.dumps(a))
    return dst_dir


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clip", nargs="?", type=Path)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--loop", type=int, default=10, help="length factor for the memory check")
    ap.add_argument("--model", default="full")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="footcam-overlay-bench-") as tmp:
        tmp = Path(tmp)
        clip = args.clip or make_1080p(tmp / "normal_side_1080p.mp4")
        from footcam.video.reader import probe

        info = probe(clip)
        print(f"clip: {clip.name}, {info.display_wh[0]}x{info.display_wh[1]}, {info.n_frames} frames, "
              f"{info.fps:.2f} fps")
        base = [*FOOTCAM, "analyze", str(clip), "-q", "--model", args.model]
        plain, over = [], []
        for k in range(args.repeats):
            plain.append(timed([*base, "-o", str(tmp / f"a{k}")]))
            over.append(timed([*base, "-o", str(tmp / f"b{k}"), "--overlay"]))
        p, o = statistics.median(plain), statistics.median(over)
        print(f"analyze            : {p:6.2f} s  (runs: {', '.join(f'{x:.2f}' for x in plain)})")
        print(f"analyze --overlay  : {o:6.2f} s  (runs: {', '.join(f'{x:.2f}' for x in over)})")
        print(f"ratio              : {o / p:.2f}  (the overlay adds {100 * (o / p - 1):.0f} %; "
              f"aim: at most 50 %)")

        folder = tmp / "a0"
        r1 = peak_rss_mb([*FOOTCAM, "overlay", str(folder), "-q", "--no-stills"])
        long_dir = loop_folder(folder, clip, args.loop, tmp / "long")
        t0 = time.perf_counter()
        r10 = peak_rss_mb([*FOOTCAM, "overlay", str(long_dir), "-q", "--no-stills"])
        dt = time.perf_counter() - t0
        n10 = info.n_frames * args.loop
        print(f"overlay peak memory: {r1:.0f} MB for {info.n_frames} frames -> {r10:.0f} MB for "
              f"{n10} frames (x{r10 / r1:.2f} for x{args.loop} the length; "
              f"{n10 / dt:.0f} frames/s rendering)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
