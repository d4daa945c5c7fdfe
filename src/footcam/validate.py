"""Accuracy against ground truth: run the whole pipeline on rendered clips with truth files.

A folder of clips in synthwalk's format (``<name>.mp4`` with ``<name>.truth.csv``,
``<name>.json`` and optionally ``<name>.events.csv`` beside it, in any sub-folder) is analysed clip
by clip. For every angle and side: RMSE, bias (estimate − truth), Pearson r and the share of
truth frames that got a value, for footcam and, computed in the same run on the same clips, for
the raw-MediaPipe baseline (the same angle formulas on MediaPipe's uncleaned landmarks), so every
improvement is a ratio against it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .constants import LANDMARK_NAMES, LEG_PAIRS, SAGITTAL_COLUMNS, TRANSVERSE_COLUMNS, VIEW_SIDE
from .errors import FootcamError

#: which angles are scored in which view (the others are NaN by design)
SCORED = {"side": SAGITTAL_COLUMNS, "front": TRANSVERSE_COLUMNS, "back": TRANSVERSE_COLUMNS,
          "oblique": TRANSVERSE_COLUMNS}


@dataclass(frozen=True)
class TruthClip:
    name: str
    video: Path
    truth: pd.DataFrame
    meta: dict
    events: pd.DataFrame | None

    @property
    def view(self) -> str:
        return self.meta["walking"]["view"]

    @property
    def near_side(self) -> str | None:
        """The leg facing the camera in a side view (ltr → right, rtl → left)."""
        if self.view != "side":
            return None
        return "r" if self.meta["walking"]["direction"] == "ltr" else "l"


def find_truth_clips(folder: str | Path) -> list[TruthClip]:
    folder = Path(folder)
    if not folder.is_dir():
        raise FootcamError("not a folder of ground-truth clips", folder)
    clips = []
    for truth in sorted(folder.rglob("*.truth.csv")):
        name = truth.name[: -len(".truth.csv")]
        video = truth.with_name(name + ".mp4")
        meta = truth.with_name(name + ".json")
        if not video.exists() or not meta.exists():
            continue
        ev = truth.with_name(name + ".events.csv")
        clips.append(TruthClip(name, video, pd.read_csv(truth), json.loads(meta.read_text()),
                               pd.read_csv(ev) if ev.exists() else None))
    if not clips:
        raise FootcamError("no clips with truth files (<name>.mp4 + <name>.truth.csv + "
                           "<name>.json) found", folder)
    return clips


def error_stats(est: np.ndarray, truth: np.ndarray) -> dict:
    """RMSE, bias, Pearson r and coverage of ``est`` over the frames where ``truth`` is defined."""
    est = np.asarray(est, float)
    truth = np.asarray(truth, float)
    has_truth = np.isfinite(truth)
    ok = has_truth & np.isfinite(est)
    n = int(ok.sum())
    out = {"n": n, "coverage": float(n / has_truth.sum()) if has_truth.any() else float("nan"),
           "rmse": float("nan"), "bias": float("nan"), "r": float("nan")}
    if n >= 3:
        d = est[ok] - truth[ok]
        out["rmse"] = float(np.sqrt(np.mean(d ** 2)))
        out["bias"] = float(np.mean(d))
        if np.std(est[ok]) > 0 and np.std(truth[ok]) > 0:
            out["r"] = float(np.corrcoef(est[ok], truth[ok])[0, 1])
    return out


def truth_image_xy(truth: pd.DataFrame) -> np.ndarray:
    return np.stack([truth[[f"{n}_px_x", f"{n}_px_y"]].to_numpy() for n in LANDMARK_NAMES], axis=1)


def swapped_frames(image_xy: np.ndarray, truth_xy: np.ndarray) -> np.ndarray:
    """(T,) bool: the leg labels are swapped (the swapped labelling is closer to the truth)."""
    legs = [i for pair in LEG_PAIRS for i in pair]
    swapped_xy = image_xy.copy()
    for a, b in LEG_PAIRS:
        swapped_xy[:, [a, b]] = image_xy[:, [b, a]]
    d_as = np.nansum(np.linalg.norm(image_xy[:, legs] - truth_xy[:, legs], axis=2), axis=1)
    d_sw = np.nansum(np.linalg.norm(swapped_xy[:, legs] - truth_xy[:, legs], axis=2), axis=1)
    has = np.isfinite(image_xy[:, legs, 0]).all(axis=1)
    return has & (d_sw < d_as)


def baseline_angles(analysis) -> pd.DataFrame:
    """The raw-MediaPipe baseline: the same angle table on the uncleaned landmarks."""
    from .kinematics.tables import angles_table

    df, _ = angles_table(analysis.raw, analysis.bouts)
    return df


def score_clip(clip: TruthClip, analysis) -> list[dict]:
    """Rows of the accuracy table for one clip (footcam and baseline side by side)."""
    truth = clip.truth
    est = analysis.angles
    base = baseline_angles(analysis)
    if len(est) != len(truth):
        raise FootcamError(f"{len(est)} frames analysed but the truth has {len(truth)}", clip.video)
    rows = []
    for col in SCORED.get(clip.view, ()):
        if col not in truth:
            continue
        side = col[-1] if col[-2:] in ("_l", "_r") else ""
        role = ""
        if clip.view == VIEW_SIDE and side:
            role = "near" if side == clip.near_side else "far"
        f = error_stats(est[col].to_numpy(), truth[col].to_numpy())
        b = error_stats(base[col].to_numpy(), truth[col].to_numpy())
        rows.append({"clip": clip.name, "view": clip.view, "angle": col, "leg": role,
                     "rmse_deg": f["rmse"], "bias_deg": f["bias"], "r": f["r"],
                     "coverage": f["coverage"], "baseline_rmse_deg": b["rmse"],
                     "baseline_bias_deg": b["bias"], "baseline_r": b["r"],
                     "rmse_ratio": f["rmse"] / b["rmse"] if b["rmse"] else float("nan")})
    return rows


#: truth events this close to the clip's ends belong to partial strides and are not scored
EDGE_S = 0.15
#: an estimate further than this from every truth event of its kind is an extra event
MATCH_S = 0.2


def event_errors(est: pd.DataFrame, truth: pd.DataFrame, t_first: float, t_last: float) -> dict:
    """Timing errors (estimate − truth, seconds) of matched events, and missed / extra counts."""
    errs, missed, extra = [], 0, 0
    for (side, ev), g in truth.groupby(["side", "event"]):
        cand = est[(est["side"] == side) & (est["event"] == ev)]["time_s"].to_numpy(float)
        used = set()
        for tt in g["time_s"]:
            if not t_first + EDGE_S <= tt <= t_last - EDGE_S:
                continue
            j = int(np.argmin(np.abs(cand - tt))) if len(cand) else -1
            if j >= 0 and abs(cand[j] - tt) < MATCH_S:
                errs.append(cand[j] - tt)
                used.add(j)
            else:
                missed += 1
        inner = {k for k, c in enumerate(cand) if t_first + EDGE_S <= c <= t_last - EDGE_S}
        extra += len(inner - used)
    return {"errors_s": np.asarray(errs), "missed": missed, "extra": extra}


def clip_facts(clip: TruthClip, analysis) -> dict:
    from .kinematics.cycles import spatiotemporal

    txy = truth_image_xy(clip.truth)
    raw_sw = swapped_frames(analysis.raw.image_xy, txy)
    cl_sw = swapped_frames(analysis.pose.image_xy, txy)
    facts = {"clip": clip.name, "view": clip.view, "frames": analysis.raw.n_frames,
             "detection_rate": float(analysis.raw.detected.mean()),
             "view_found": ",".join(sorted({b.view for b in analysis.bouts})),
             "swapped_raw": int(raw_sw.sum()), "swapped_after": int(cl_sw.sum())}
    if clip.events is not None:
        t = analysis.raw.time_s
        ev = event_errors(analysis.events, clip.events, float(t[0]), float(t[-1]))
        e = np.abs(ev["errors_s"]) * 1000
        frame_ms = 1000 * float(np.median(np.diff(t)))
        st = spatiotemporal(analysis.cycles)
        facts.update({"events_matched": len(e),
                      "event_median_ms": float(np.median(e)) if len(e) else float("nan"),
                      "event_p95_ms": float(np.percentile(e, 95)) if len(e) else float("nan"),
                      "event_median_frames": float(np.median(e)) / frame_ms if len(e) else float("nan"),
                      "events_missed": ev["missed"], "events_extra": ev["extra"],
                      "cadence_error_steps_per_min": (st.get("cadence_steps_per_min", float("nan"))
                                                      - clip.meta["walking"]["cadence_steps_per_min"])})
        for k, name in (("stride_length_m", "stride_length_error_pct"),
                        ("walking_speed_m_per_s", "walking_speed_error_pct")):
            est, true = st.get(k), clip.meta["walking"].get(k)
            facts[name] = (100 * (est - true) / true) if est is not None and true else float("nan")
    return facts


def validate(folder: str | Path, config=None, *, only: list[str] | None = None,
             log: Callable[[str], None] = lambda m: None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Analyse every truth clip under ``folder``; return (angle errors, per-clip facts).

    Each clip is analysed with the rendered subject's height (as a user would give
    ``--height-cm``), so that stride length and walking speed are scored too."""
    from .config import Config
    from .pipeline import analyze_video

    rows, facts = [], []
    for clip in find_truth_clips(folder):
        if only and clip.name not in only:
            continue
        log(f"validating {clip.name} ...")
        height_m = (clip.meta.get("subject") or {}).get("height_m")
        cfg = (config or Config()).with_options(subject={"height_cm": 100 * height_m if height_m else None})
        a = analyze_video(clip.video, cfg)
        rows += score_clip(clip, a)
        facts.append(clip_facts(clip, a))
    return pd.DataFrame(rows), pd.DataFrame(facts)


def _fmt(x, nd=1) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{x:.{nd}f}"


def markdown_tables(errors: pd.DataFrame, facts: pd.DataFrame) -> str:
    """The accuracy tables as Markdown (what the README carries)."""
    out = ["| clip | view | frames | detection | view found | swapped legs raw → footcam | "
           "events: median (p95) error | missed / extra | cadence error | stride length / speed error |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for _, f in facts.iterrows():
        ev = (f"{_fmt(f.get('event_median_ms'), 0)} ms = {_fmt(f.get('event_median_frames'), 2)} frames "
              f"({_fmt(f.get('event_p95_ms'), 0)} ms)")
        out.append(f"| {f['clip']} | {f.view} | {f.frames} | {f.detection_rate:.1%} | {f.view_found} "
                   f"| {f.swapped_raw} → {f.swapped_after} | {ev} | {f.get('events_missed', '–')} / "
                   f"{f.get('events_extra', '–')} | {_fmt(f.get('cadence_error_steps_per_min'), 1)} steps/min "
                   f"| {_fmt(f.get('stride_length_error_pct'), 1)} % / {_fmt(f.get('walking_speed_error_pct'), 1)} % |")
    out += ["", "| clip | angle | leg | RMSE | bias | r | coverage | baseline RMSE | baseline r | ratio |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for _, e in errors.iterrows():
        out.append(f"| {e['clip']} | {e.angle} | {e.leg} | {_fmt(e.rmse_deg)} | {_fmt(e.bias_deg)} | "
                   f"{_fmt(e.r, 2)} | {_fmt(100 * e.coverage, 0)} % | {_fmt(e.baseline_rmse_deg)} | "
                   f"{_fmt(e.baseline_r, 2)} | {_fmt(e.rmse_ratio, 2)} |")
    return "\n".join(out)


def summary(errors: pd.DataFrame) -> pd.DataFrame:
    """Per angle (and near/far leg in side views): the mean over clips of RMSE, |bias|, r,
    coverage, and the baseline's RMSE and r; with the clips it rests on."""
    e = errors.copy()
    e["group"] = np.where(e["view"] == "side", "side", "front/back/oblique")
    e["abs_bias_deg"] = e["bias_deg"].abs()
    # side views: the near leg (facing the camera) and the far leg, whichever side they are
    sided = e["leg"] != ""
    e.loc[sided, "angle"] = e.loc[sided, "angle"].str[:-2]
    g = e.groupby(["group", "angle", "leg"], sort=False)
    out = g.agg(clips=("clip", "count"), rmse_deg=("rmse_deg", "mean"), max_rmse_deg=("rmse_deg", "max"),
                abs_bias_deg=("abs_bias_deg", "mean"), r=("r", "mean"), coverage=("coverage", "mean"),
                baseline_rmse_deg=("baseline_rmse_deg", "mean"), baseline_r=("baseline_r", "mean"))
    out["rmse_ratio"] = out["rmse_deg"] / out["baseline_rmse_deg"]
    return out.reset_index()


def markdown_summary(errors: pd.DataFrame) -> str:
    s = summary(errors)
    out = ["| views | angle | leg | clips | RMSE mean (max) | \\|bias\\| | r | coverage | raw-MediaPipe RMSE | r | ratio |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for _, x in s.iterrows():
        out.append(f"| {x['group']} | {x['angle']} | {x['leg']} | {x['clips']} | {_fmt(x['rmse_deg'])} "
                   f"({_fmt(x['max_rmse_deg'])}) | {_fmt(x['abs_bias_deg'])} | {_fmt(x['r'], 2)} | "
                   f"{_fmt(100 * x['coverage'], 0)} % | {_fmt(x['baseline_rmse_deg'])} | "
                   f"{_fmt(x['baseline_r'], 2)} | {_fmt(x['rmse_ratio'], 2)} |")
    return "\n".join(out)
