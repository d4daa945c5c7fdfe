"""Accuracy of `footcam toes`: segmentation IoU on the hand-drawn foot outlines of
../shared/data/feet, and errors on synthetic photos with known geometry.

    python benchmarks/toes_accuracy.py [--feet DIR] [--n-synth 12]

The README's figures come from this script's output.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from footcam.toes.errors import ToesError
from footcam.toes.evaluate import evaluate_synthetic, foot_iou_on_sheet, synthetic_cases

REPO = Path(__file__).resolve().parents[1]


def _max_abs(xs):
    xs = [abs(x) for x in xs if x is not None]
    return (max(xs), float(np.mean(xs)), len(xs)) if xs else (float("nan"), float("nan"), 0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feet", type=Path, default=REPO.parent / "shared" / "data" / "feet")
    ap.add_argument("--n-synth", type=int, default=12)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=RuntimeWarning)

    print("== segmentation IoU on the hand-drawn Foot outlines (cut to the detected sheet) ==")
    ious = []
    for js in sorted(args.feet.glob("foot_scinerd68__*.json")):
        photo = js.with_suffix(".jpeg")
        t = time.perf_counter()
        try:
            r = foot_iou_on_sheet(photo, js)
        except ToesError as e:
            print(f"{photo.name:28s}  not measured: {e.detail}")
            continue
        if r["reason"] == "no Foot outline":
            continue
        if r["iou"] is None:
            print(f"{photo.name:28s}  not scored: {r['reason']}")
            continue
        ious.append(r["iou"])
        print(f"{photo.name:28s}  IoU {r['iou']:.3f}   ({time.perf_counter() - t:.1f} s)")
    if ious:
        print(f"scored {len(ious)} photos: min IoU {min(ious):.3f}, mean {np.mean(ious):.3f}")

    print("\n== synthetic photos (known geometry) ==")
    print(f"{'case':8s} {'side':5s} {'tilt':>5s} {'dL mm':>6s} {'dHeel':>6s} {'dSplay':>7s} "
          f"{'dHA':>6s} {'toes':>4s} {'max|dToe|':>9s}")
    rows = []
    for case in synthetic_cases(args.n_synth):
        try:
            e = evaluate_synthetic(case)
        except ToesError as ex:
            print(f"{case.name:8s} not measured: {ex.detail}")
            continue
        rows.append(e)
        f = lambda v, nd=1: "  n/a" if v is None else f"{v:+.{nd}f}"
        mt = max((abs(x) for x in e["toe_angle_err_deg"]), default=None)
        print(f"{e['name']:8s} {'ok' if e['side_ok'] else 'WRONG':5s} {e['tilt_deg']:5.1f} "
              f"{f(e['length_err_mm']):>6s} {f(e['heel_width_err_mm']):>6s} {f(e['splay_err_deg']):>7s} "
              f"{f(e['hallux_angle_err_deg']):>6s} {e['toes_measured']:4d} "
              f"{'n/a' if mt is None else f'{mt:.1f}':>9s}")
    if rows:
        for label, key in (("foot length (mm)", "length_err_mm"), ("heel width (mm)", "heel_width_err_mm"),
                           ("splay angle (deg)", "splay_err_deg"),
                           ("hallux angle (deg)", "hallux_angle_err_deg")):
            mx, mean, n = _max_abs([r[key] for r in rows])
            print(f"{label:22s} max |error| {mx:5.2f}, mean {mean:5.2f}  (n={n})")
        toe = [x for r in rows for x in r["toe_angle_err_deg"]]
        mx, mean, n = _max_abs(toe)
        print(f"{'toe angles (deg)':22s} max |error| {mx:5.2f}, mean {mean:5.2f}  (n={n} toes)")
        print(f"left/right correct: {sum(r['side_ok'] for r in rows)}/{len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
