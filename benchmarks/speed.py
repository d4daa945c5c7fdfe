"""Speed and memory of `footcam analyze` against a bare decode + PoseLandmarker loop.

Prints, for the same clip in one run (these machines are noisy: only ratios within one run mean
something):

- frames/s of the bare loop (PyAV decode, upright frames, MediaPipe PoseLandmarker in VIDEO mode,
  same model and num_poses) and of footcam's whole analysis (probe + sha256, orientation check,
  tracking, person selection, cleaning, views, angles, writing the CSV/JSON files);
- their ratio (footcam / bare; the aim is >= 0.9);
- peak memory (max RSS, each run in its own process) for the clip and for the same clip repeated
  ten times (re-encoded into one file), to show that memory stays flat in clip length.

    python benchmarks/speed.py [CLIP] [--repeat 10] [--num-poses 2]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = REPO.parent / "shared" / "data" / "real" / "biomech_gait_watcharapol28__gait_abnormal_06_no_arm_swing.mp4"

CHILD = r"""
import json, sys, time


def peak_rss_mb():
    # VmHWM belongs to this process image; ru_maxrss would carry the parent's peak over exec
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

mode, clip, out, num_poses = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
t0 = time.perf_counter()
if mode == "bare":
    from footcam.pose.landmarker import PoseLandmarker
    from footcam.pose.models import resolve_model
    from footcam.video.reader import iter_frames, probe
    info = probe(clip)
    n = 0
    with PoseLandmarker(resolve_model("full").path, video=True, num_poses=num_poses) as lm:
        for i, t, img in iter_frames(info):
            lm.detect(img, t)
            n += 1
else:
    from footcam.config import Config
    from footcam.pipeline import analyze_video
    from footcam.report.files import write_analysis
    cfg = Config().with_options(pose={"num_poses": num_poses})
    a = analyze_video(clip, cfg)
    write_analysis(a, out)
    n = a.raw.n_frames
dt = time.perf_counter() - t0
print(json.dumps({"frames": n, "seconds": dt,
                  "max_rss_mb": peak_rss_mb()}))
"""


def run(mode: str, clip: Path, out: Path, num_poses: int) -> dict:
    r = subprocess.run([sys.executable, "-c", CHILD, mode, str(clip), str(out), str(num_poses)],
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        sys.exit(f"{mode} run failed on {clip}:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def repeat_clip(src: Path, dst: Path, times: int) -> Path:
    """Re-encode ``src`` ``times`` times into one H.264 file (same size and rate), every other
    copy played backwards so the walker never jumps across the picture at a seam (a jump would
    look like another person and make footcam redo the pass in multi-person mode)."""
    import av

    with av.open(str(src)) as inp:
        s = inp.streams.video[0]
        rate = s.average_rate
        frames = [f.to_ndarray(format="rgb24") for f in inp.decode(s)]
    h, w = frames[0].shape[:2]
    # (this parent process holds the frames; the measured runs are separate processes)
    with av.open(str(dst), "w") as out:
        o = out.add_stream("libx264", rate=rate)
        o.width, o.height, o.pix_fmt = w, h, "yuv420p"
        o.options = {"preset": "veryfast", "crf": "20"}
        for k in range(times):
            for img in (frames if k % 2 == 0 else frames[::-1]):
                for pk in o.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                    out.mux(pk)
        for pk in o.encode():
            out.mux(pk)
    return dst


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--num-poses", type=int, default=1,
                    help="poses per frame for both runs (footcam's auto mode uses 1 on one-person clips)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as td:
        td = Path(td)
        bare = run("bare", args.clip, td / "b", args.num_poses)
        full = run("footcam", args.clip, td / "f", args.num_poses)
        fps_bare = bare["frames"] / bare["seconds"]
        fps_full = full["frames"] / full["seconds"]
        print(f"clip: {args.clip.name} ({full['frames']} frames), num_poses={args.num_poses}")
        print(f"bare decode + PoseLandmarker : {fps_bare:6.1f} frames/s")
        print(f"footcam analyze end to end   : {fps_full:6.1f} frames/s")
        print(f"ratio footcam / bare         : {fps_full / fps_bare:6.3f}   (aim >= 0.9)")
        if args.repeat > 1:
            long = repeat_clip(args.clip, td / f"long_x{args.repeat}.mp4", args.repeat)
            full_long = run("footcam", long, td / "fl", args.num_poses)
            print(f"peak memory, clip            : {full['max_rss_mb']:7.1f} MB  ({full['frames']} frames)")
            print(f"peak memory, clip x{args.repeat:<2d}        : {full_long['max_rss_mb']:7.1f} MB  "
                  f"({full_long['frames']} frames)")
            print(f"memory ratio long / short    : {full_long['max_rss_mb'] / full['max_rss_mb']:6.3f}   "
                  f"(flat = close to 1)")


if __name__ == "__main__":
    main()
