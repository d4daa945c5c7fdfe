"""Real clips without truth: how far footcam's numbers hold up on people (no angle truth exists).

    python benchmarks/real_clips.py                  # every clip of ../shared/data/real
    python benchmarks/real_clips.py CLIP_OR_DIR ...  # other clips (a folder: every video in it)
    python benchmarks/real_clips.py --folders OUT    # score existing output folders (no analysis)

Per clip it prints: the views and activity (walking/running), the share of angle values the
plausibility gates removed (and, for folders written before the gates existed, the share of
values outside them), the cycles used and left out, the shape correlation of the near-leg mean
ankle, knee and hip curves with the published normative walking curves, the agreement of the same
leg walking there and back and of left with right (ankle), the near-leg peak dorsiflexion in
stance and push-off, and the findings fired (mild/marked). The README's real-clip table comes
from this script. Output folders go to --out (default footcam-out/real-clips).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FOOTCAM_SHARED", REPO.parent / "shared"))
sys.path.insert(0, str(REPO / "src"))

from footcam.constants import VIDEO_EXTENSIONS  # noqa: E402
from footcam.findings.rules import angle_limits  # noqa: E402
from footcam.kinematics.quality import curve_quality  # noqa: E402

SHORT = {"ankle_dorsiflexion_deg": "ankle", "knee_flexion_deg": "knee", "hip_flexion_deg": "hip"}


def clips_from(args: list[str]) -> list[Path]:
    if not args:
        args = [str(SHARED / "data" / "real")]
    out = []
    for a in args:
        p = Path(a)
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.suffix.lower() in VIDEO_EXTENSIONS)
        else:
            out.append(p)
    return out


def analyse(clip: Path, out: Path, rerun: bool) -> Path:
    from footcam.pipeline import analyze_to_dir

    folder = out / clip.stem
    if rerun or not (folder / "summary.json").is_file():
        analyze_to_dir(clip, folder, stills=False)
    return folder


def _outside(angles: pd.DataFrame, activity: np.ndarray) -> tuple[int, int]:
    """Values outside the plausibility gates, and all values (sagittal and transverse)."""
    lim = angle_limits()
    bad = tot = 0
    for c in angles.columns:
        base = c[:-2] if c.endswith(("_l", "_r")) else c
        if base not in lim:
            continue
        v = angles[c].to_numpy(float)
        lo = np.array([lim[base].get(a, lim[base]["running"])[0] for a in activity])
        hi = np.array([lim[base].get(a, lim[base]["running"])[1] for a in activity])
        ok = np.isfinite(v)
        tot += int(ok.sum())
        bad += int((ok & ((v < lo) | (v > hi))).sum())
    return bad, tot


def score(folder: Path) -> dict:
    a = json.loads((folder / "analysis.json").read_text())
    s = json.loads((folder / "summary.json").read_text())
    angles = pd.read_csv(folder / "angles.csv")
    try:
        cycles = pd.read_csv(folder / "cycles.csv")
    except pd.errors.EmptyDataError:
        cycles = pd.DataFrame()
    bouts = a.get("bouts") or []
    act = np.full(len(angles), "", dtype=object)
    for b in bouts:
        act[b["start_frame"]:b["stop_frame"]] = b.get("activity") or ""
    trust = a.get("trust")
    bad, tot = _outside(angles, act)
    if trust is not None:
        gated = sum(g["gated"] for g in trust.get("gated", {}).values())
        gated_pct = 100 * gated / max(tot + gated, 1)
        left_out = len(trust.get("cycles_left_out", []))
        q = trust.get("curves", {})
    else:
        gated_pct, left_out = None, None
        q = curve_quality(angles, cycles, {k: b.get("direction_sign", 0) for k, b in enumerate(bouts)})
    row = {"clip": folder.name,
           "views": "/".join(dict.fromkeys(b["view"] for b in bouts)),
           "activity": "/".join(dict.fromkeys((b.get("activity") or "-") for b in bouts)),
           "gated_pct": gated_pct, "outside_pct": 100 * bad / max(tot, 1),
           "cycles": len(cycles), "left_out": left_out}
    for base, short in SHORT.items():
        e = q.get(base, {})
        rs = [e[sd]["shape_r"] for sd in ("l", "r") if sd in e and e[sd].get("leg_view") == "near"
              and e[sd].get("shape_r") is not None]
        row[f"{short}_r"] = float(np.mean(rs)) if rs else None
    e = q.get("ankle_dorsiflexion_deg", {})
    tb = [e[sd]["there_and_back"]["rms_deg"] for sd in ("l", "r") if "there_and_back" in e.get(sd, {})]
    row["ankle_there_back_rms"] = float(np.mean(tb)) if tb else None
    row["ankle_lr_r"] = (e.get("left_right") or {}).get("r")
    near = cycles[cycles.get("leg_view", pd.Series(dtype=str)) == "near"] if len(cycles) else cycles
    if "activity" in near:
        near = near[near["activity"] == "walking"]
    for k, col in (("peak_df", "peak_ankle_dorsiflexion_stance_deg"),
                   ("push_off", "peak_ankle_plantarflexion_push_off_deg")):
        v = near[col].dropna() if col in near else pd.Series(dtype=float)
        row[k] = float(v.mean()) if len(v) else None
    row["findings"] = "; ".join(f"{f['id']} {f['severity']} {f['side']}" for f in s.get("findings", [])
                                if f.get("severity") in ("mild", "marked")) or "-"
    return row


def _fmt(v, nd=2):
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "–"
    return f"{v:.{nd}f}" if isinstance(v, float) else str(v)


def table(rows: list[dict]) -> str:
    cols = [("clip", "clip", None), ("views", "view", None), ("activity", "activity", None),
            ("gated_pct", "gated %", 1), ("outside_pct", "outside gates %", 1),
            ("cycles", "cycles", None), ("left_out", "left out", None),
            ("ankle_r", "ankle r", 2), ("knee_r", "knee r", 2), ("hip_r", "hip r", 2),
            ("ankle_there_back_rms", "ankle there/back RMS", 1), ("ankle_lr_r", "ankle L/R r", 2),
            ("peak_df", "peak DF", 1), ("push_off", "push-off", 1), ("findings", "findings", None)]
    out = ["| " + " | ".join(h for _, h, _ in cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(_fmt(r.get(k), nd) if nd is not None else _fmt(r.get(k))
                                     for k, _, nd in cols) + " |")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clips", nargs="*")
    ap.add_argument("--out", type=Path, default=REPO / "footcam-out" / "real-clips")
    ap.add_argument("--folders", type=Path, help="score the output folders in this folder instead")
    ap.add_argument("--rerun", action="store_true", help="analyse again even if a folder exists")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args(argv)
    if args.folders:
        folders = sorted(p for p in args.folders.iterdir() if (p / "summary.json").is_file())
    else:
        folders = []
        for clip in clips_from(args.clips):
            t0 = time.perf_counter()
            try:
                folders.append(analyse(clip, args.out, args.rerun))
            except Exception as e:          # a benchmark reports every clip, whatever happens
                print(f"{clip.name}: {type(e).__name__}: {e}", file=sys.stderr)
                continue
            print(f"{clip.name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    rows = [score(f) for f in folders]
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
