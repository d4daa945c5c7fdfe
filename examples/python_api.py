"""Using footcam from Python: analyse a walking clip, read the numbers, export for OpenSim.

    python examples/python_api.py [CLIP] [-o OUT] [--height-cm CM]

Without CLIP it analyses the sample clip shipped with footcam (sample_videos/normal_side.mp4).
The README's "Using footcam from Python" shows the heart of this script; tests/test_api.py runs
it on the sample clip.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import footcam
from footcam.errors import FootcamError

SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "normal_side.mp4"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clip", nargs="?", type=Path, default=SAMPLE)
    ap.add_argument("-o", "--output", type=Path, default=Path("footcam-out") / "python_api")
    ap.add_argument("--height-cm", type=float, default=175.0)
    args = ap.parse_args(argv)
    try:
        report(args.clip, args.output, args.height_cm)
    except FootcamError as e:     # a bad clip: say what is wrong, no traceback
        print(f"Error: {e}", file=sys.stderr)
        return 1
    return 0


def report(clip: Path, out: Path, height_cm: float) -> None:
    # analyse the clip, write its folder (as `footcam analyze CLIP -o OUT`) and OpenSim files
    a = footcam.analyze(clip, out, height_cm=height_cm, stills=False, export="trc,mot")
    print(f"{a.video.name}: {a.video.n_frames} frames at {a.video.fps:.3f} fps")

    # one row per frame; angles in degrees, NaN where the view cannot measure them
    for column in ("knee_flexion_deg_r", "ankle_dorsiflexion_deg_r", "hip_flexion_deg_r"):
        angle = a.angles[column].dropna()
        print(f"{column}: {angle.min():.1f} to {angle.max():.1f} deg over {len(angle)} frames")

    # gait events (side l/r, hs heel strike / to toe off, sub-frame times in s) and cycles
    strikes = a.events[a.events["event"] == "hs"]
    print(f"heel strikes at (s): {', '.join(f'{t:.2f}' for t in strikes['time_s'])}")
    print(f"stride time: {a.cycles['stride_time_s'].median():.3f} s (median of "
          f"{len(a.cycles)} cycles)")
    if a.scale["px_per_m"]:
        print(f"walking speed: {a.cycles['walking_speed_m_per_s'].median():.2f} m/s")

    # read the folder back later, without analysing again
    r = footcam.open_results(out)
    print(f"read back: {r.n_frames} frames, landmarks {r.image_xy.shape} px, "
          f"events {len(r.events)}")
    for f in ("landmarks.trc", "angles.mot"):
        print(f"wrote {out / f}")


if __name__ == "__main__":
    sys.exit(main())
