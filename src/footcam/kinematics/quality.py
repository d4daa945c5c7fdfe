"""How far a clip's gait cycles and angle curves can be trusted, from checks that need no truth.

- :func:`bout_activity`: walking or running per bout (running: a foot is on the ground for less
  than half the cycle, so both feet leave it together; walking always has double support).
- :func:`screen_cycles`: a cycle whose stance share no walker (or runner) has, or whose thigh
  does not swing like a gait cycle (the heel strikes are misplaced), is left out, with the reason;
  in the cycles kept, the key values of an angle whose curve disagrees with the side's other
  cycles are withheld (NaN), and so are the key values of an angle whose mean curve does not look
  like that angle in walking at all (against a published normative shape).
- :func:`curve_quality`: per angle and side, the correlation of the mean cycle with the normative
  shape, the agreement of the same leg walking left-to-right and right-to-left, and of left
  with right, in numbers and words.

Pure numpy/pandas.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import normative
from .cycles import STEP_SHARE_RANGE, cycle_matrix

#: walking vs running: median stance share of a bout's cycles below this is running (walking has
#: double support, so stance exceeds half the cycle; Novacheck 1998: stance ~60 % walking,
#: ~40 % jogging, less when sprinting)
RUNNING_MAX_STANCE_PCT = 50.0
#: running also needs a knee that folds in swing, where the knee is measured: a runner's knee
#: bends 90 deg or more in swing, a walker's about 60 (Novacheck 1998; Perry & Burnfield 2010)
RUNNING_MIN_SWING_KNEE_DEG = 75.0
#: a stride more than this share away from the median of its bout's plausible strides rests on a
#: missed or misplaced heel strike (walking strides vary by 2-4 %)
MAX_STRIDE_DEVIATION = 0.15
#: stride time a cycle can have (s), per activity: walking at 48-170 steps/min, running at
#: 100-260 steps/min
STRIDE_S_BY_ACTIVITY = {"walking": (0.7, 2.5), "running": (0.45, 1.2)}
#: where the knee is not measured (front and back views), running also needs a runner's cadence:
#: strides of at most this long (140 steps/min; walkers rarely step faster)
RUNNING_MAX_STRIDE_S = 0.86
#: stance share a cycle can have (%), per activity: a walker's foot is down 55-75 % of the cycle
#: (Perry & Burnfield 2010: 60 %; very slow walkers up to ~75 %), a runner's 20-50 %
STANCE_PCT_RANGE = {"walking": (45.0, 85.0), "running": (15.0, 55.0)}
#: a cycle's thigh (hip flexion) curve must correlate with the normative walking shape at least
#: this well: the thigh swings forward and back once per cycle in every gait, so a cycle that
#: does not is one whose heel strikes were found in the wrong place. Running thighs peak earlier
#: in the cycle than walking ones, hence the lower bar.
THIGH_MIN_R = {"walking": 0.5, "running": 0.3}
#: a cycle's curve of an angle agrees with the side's other cycles when it correlates with their
#: median curve at least this well
AGREE_MIN_R = 0.5
#: the mean curve of a side passes when it correlates with the normative shape at least this well
#: (shape only, never amplitude: a stiff or restricted joint keeps its timing)
SHAPE_MIN_R = {"ankle_dorsiflexion_deg": 0.5, "knee_flexion_deg": 0.6, "hip_flexion_deg": 0.6}
#: the angles the cycle screening and the shape checks look at, and their key values
SCREENED = {
    "ankle_dorsiflexion_deg": ("peak_ankle_dorsiflexion_stance_deg", "ankle_dorsiflexion_at_toe_off_deg",
                               "peak_ankle_plantarflexion_push_off_deg", "ankle_range_deg"),
    "knee_flexion_deg": ("peak_knee_flexion_swing_deg",),
    "hip_flexion_deg": ("peak_hip_extension_deg",),
}
WORDS = {
    "ankle_dorsiflexion_deg": ("the ankle curve does not look like a walking ankle: the feet may be "
                               "hidden, blurred or lost against the floor"),
    "knee_flexion_deg": "the knee curve does not look like a walking knee: the legs may be hidden",
    "hip_flexion_deg": "the thigh curve does not look like a walking thigh: the legs may be hidden",
}


def _alternates(cycles: pd.DataFrame) -> np.ndarray:
    """(n,) bool: the other foot struck once, between STEP_SHARE_RANGE of the stride (NaN step
    time, e.g. the other foot not seen, passes)."""
    if cycles.empty:
        return np.zeros(0, bool)
    share = (cycles["step_time_s"] / cycles["stride_time_s"]).to_numpy(float)
    lo, hi = STEP_SHARE_RANGE
    return ~np.isfinite(share) | ((share >= lo) & (share <= hi))


def bout_activity(cycles: pd.DataFrame) -> dict[int, str]:
    """``{bout: "walking" | "running"}`` from the bout's cycles whose feet alternate: running
    when their median stance share is below half the cycle and, where the knee is measured, it
    folds like a runner's in swing, else the cadence is a runner's (bouts without such a cycle
    are left out)."""
    out: dict[int, str] = {}
    if cycles.empty or "stance_pct" not in cycles:
        return out
    for b, g in cycles[_alternates(cycles)].groupby("bout"):
        st = g["stance_pct"].dropna()
        if not len(st):
            continue
        knee = g["peak_knee_flexion_swing_deg"].dropna() if "peak_knee_flexion_swing_deg" in g else []
        folds = (float(np.median(knee)) >= RUNNING_MIN_SWING_KNEE_DEG if len(knee) else
                 float(g["stride_time_s"].median()) <= RUNNING_MAX_STRIDE_S)
        out[int(b)] = "running" if float(st.median()) < RUNNING_MAX_STANCE_PCT and folds else "walking"
    return out


def _r(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 10 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return float("nan")
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def _matrix(angles: pd.DataFrame, cycles: pd.DataFrame, col: str) -> np.ndarray:
    if col not in angles or cycles.empty:
        return np.full((len(cycles), 101), np.nan)
    return cycle_matrix(angles["time_s"].to_numpy(float), angles[col].to_numpy(float),
                        cycles[["start_s", "end_s"]].to_numpy(float))


def screen_cycles(angles: pd.DataFrame, cycles: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The cycles to use, and what was left out and why.

    Returns the kept cycles (re-indexed; withheld key values NaN) and
    ``{"left_out": [{side, start_s, end_s, why}], "withheld": [{side, angle, cycles, why}]}``.
    """
    report: dict = {"left_out": [], "withheld": []}
    if cycles.empty:
        return cycles, report
    cy = cycles.reset_index(drop=True).copy()
    keep = np.ones(len(cy), bool)
    why = [""] * len(cy)
    act = cy["activity"].fillna("").astype(str).to_numpy() if "activity" in cy else np.full(len(cy), "")
    # 1. feet that do not alternate, or a stance share no walker or runner has
    alt = _alternates(cy)
    for i, (a, st) in enumerate(zip(act, cy["stance_pct"].to_numpy(float))):
        lo, hi = STANCE_PCT_RANGE.get(a or "walking")
        if not alt[i]:
            keep[i] = False
            why[i] = (f"the other foot struck {100 * cy.at[i, 'step_time_s'] / cy.at[i, 'stride_time_s']:.0f} % "
                      f"into the stride, not near the middle: a step counted as a stride, or one "
                      f"foot seen twice")
        elif not (STRIDE_S_BY_ACTIVITY[a or "walking"][0] <= cy.at[i, "stride_time_s"]
                  <= STRIDE_S_BY_ACTIVITY[a or "walking"][1]):
            keep[i] = False
            s0, s1 = STRIDE_S_BY_ACTIVITY[a or "walking"]
            why[i] = (f"a stride of {cy.at[i, 'stride_time_s']:.2f} s: no {a or 'walking'} stride "
                      f"lasts that long or short ({s0}-{s1} s), so its events are misplaced")
        elif np.isfinite(st) and not lo <= st <= hi:
            keep[i] = False
            why[i] = (f"stance {st:.0f} % of the cycle: no {a or 'walking'} cycle has that "
                      f"({lo:.0f}-{hi:.0f} %), so its events are misplaced")
    # 3. a thigh that does not swing like a gait cycle
    for side in ("l", "r"):
        rows = np.flatnonzero((cy["side"] == side).to_numpy())
        if not len(rows):
            continue
        m = _matrix(angles, cy.iloc[rows], f"hip_flexion_deg_{side}")
        ref, _ = normative.reference_curve("hip_flexion_deg", side)
        for k, i in enumerate(rows):
            r = _r(m[k], ref)
            lim = THIGH_MIN_R.get(act[i] or "walking", THIGH_MIN_R["walking"])
            if keep[i] and np.isfinite(r) and r < lim:
                keep[i] = False
                why[i] = (f"the thigh does not swing like a gait cycle (r = {r:.2f} with the "
                          f"typical shape): its heel strikes are misplaced")
    # 2. a stride far from the bout's typical (plausible) one
    stride = cy["stride_time_s"].to_numpy(float)
    for b in np.unique(cy["bout"]):
        rows = np.flatnonzero((cy["bout"] == b).to_numpy() & keep)
        if not len(rows):
            continue
        typical = float(np.median(stride[rows]))
        for i in rows:
            if abs(stride[i] - typical) > MAX_STRIDE_DEVIATION * typical:
                keep[i] = False
                why[i] = (f"a stride of {stride[i]:.2f} s, {100 * abs(stride[i] / typical - 1):.0f} % "
                          f"off the bout's typical {typical:.2f} s: a heel strike missed or misplaced")
    for i in np.flatnonzero(~keep):
        report["left_out"].append({"side": cy.at[i, "side"], "start_s": round(float(cy.at[i, "start_s"]), 3),
                                   "end_s": round(float(cy.at[i, "end_s"]), 3), "why": why[i]})
    cy = cy[keep].reset_index(drop=True)
    # 4. an angle's curve that disagrees with the side's other cycles: its key values withheld
    for side in ("l", "r"):
        rows = np.flatnonzero((cy["side"] == side).to_numpy())
        if len(rows) < 2:
            continue
        for base, keys in SCREENED.items():
            m = _matrix(angles, cy.iloc[rows], f"{base}_{side}")
            ok = np.isfinite(m).all(axis=1)
            if ok.sum() < 2:
                continue
            bad = []
            for k in np.flatnonzero(ok):
                others = np.delete(np.arange(len(rows)), k)
                others = others[ok[others]]
                r = _r(m[k], np.median(m[others], axis=0))
                if np.isfinite(r) and r < AGREE_MIN_R:
                    bad.append(k)
            if bad:
                cols = [c for c in keys if c in cy]
                cy.loc[rows[bad], cols] = np.nan
                report["withheld"].append({
                    "side": side, "angle": base,
                    "cycles": [round(float(cy.at[rows[k], "start_s"]), 3) for k in bad],
                    "why": f"its curve disagrees with the side's other cycles (r < {AGREE_MIN_R})"})
    return cy, report


def _bout_sign(angles: pd.DataFrame, cycles: pd.DataFrame, bouts_facing: dict[int, int]) -> np.ndarray:
    return np.array([bouts_facing.get(int(b), 0) for b in cycles["bout"]]) if len(cycles) else np.zeros(0)


def curve_quality(angles: pd.DataFrame, cycles: pd.DataFrame,
                  bouts_facing: dict[int, int] | None = None) -> dict:
    """Per screened angle: per side the shape correlation of the side's mean curve with the
    normative curve (near-leg cycles where the side was seen near the camera, else all), whether
    it passes (SHAPE_MIN_R), the agreement of the same leg walking one way and the other, and of
    left with right; each with a sentence. Walking cycles only (no running reference)."""
    out: dict = {}
    if cycles.empty:
        return out
    cy = cycles
    if "activity" in cy:
        cy = cy[cy["activity"].fillna("").isin(["walking", ""])]
    facing = _bout_sign(angles, cy, bouts_facing or {})
    view = cy["leg_view"].fillna("").astype(str).to_numpy() if "leg_view" in cy else np.full(len(cy), "")
    for base in SCREENED:
        entry: dict = {}
        means = {}
        for side in ("l", "r"):
            sel = (cy["side"] == side).to_numpy()
            near = sel & (view == "near")
            use = near if near.sum() >= 1 else sel
            m = _matrix(angles, cy[use], f"{base}_{side}")
            m = m[np.isfinite(m).all(axis=1)]
            if not len(m):
                continue
            mean = m.mean(axis=0)
            means[side] = mean
            ref, _ = normative.reference_curve(base, side)
            r = _r(mean, ref)
            passes = bool(np.isfinite(r) and r >= SHAPE_MIN_R[base])
            e = {"n_cycles": int(len(m)), "leg_view": "near" if near.sum() >= 1 else
                 ("far" if (view[sel] == "far").all() and sel.any() else ""),
                 "shape_r": _round(r), "passes": passes,
                 "words": (f"the {base.split('_')[0]} curve looks like a walking one "
                           f"(r = {r:.2f} with the typical shape)") if passes else
                          (WORDS[base] + (f" (r = {r:.2f} with the typical shape)" if np.isfinite(r) else ""))}
            # the same leg walking left-to-right and right-to-left
            if len(facing):
                ways = []
                for sgn in (1, -1):
                    mm = _matrix(angles, cy[sel & (facing == sgn)], f"{base}_{side}")
                    mm = mm[np.isfinite(mm).all(axis=1)]
                    ways.append(mm.mean(axis=0) if len(mm) else None)
                if ways[0] is not None and ways[1] is not None:
                    rr, rms = _r(ways[0], ways[1]), float(np.sqrt(np.mean((ways[0] - ways[1]) ** 2)))
                    e["there_and_back"] = {"r": _round(rr), "rms_deg": _round(rms),
                                           "words": _agree_words("walking one way and the other", rr, rms)}
            entry[side] = e
        if "l" in means and "r" in means:
            rr = _r(means["l"], means["r"])
            rms = float(np.sqrt(np.mean((means["l"] - means["r"]) ** 2)))
            entry["left_right"] = {"r": _round(rr), "rms_deg": _round(rms),
                                   "words": _agree_words("left and right", rr, rms)}
        if entry:
            out[base] = entry
    return out


def _agree_words(what: str, r: float, rms: float) -> str:
    if not np.isfinite(r):
        return f"{what}: not enough of the curves to compare"
    if r >= 0.8 and rms <= 6.0:
        return f"{what} agree (r = {r:.2f}, {rms:.1f} deg apart on average)"
    return f"{what} differ (r = {r:.2f}, {rms:.1f} deg apart on average): a real difference or a measurement problem"


def withhold_failed_shapes(cycles: pd.DataFrame, quality: dict) -> tuple[pd.DataFrame, list[dict]]:
    """Withhold (NaN) the key values of every angle and side whose shape did not pass."""
    cy = cycles.copy()
    withheld = []
    for base, entry in quality.items():
        for side in ("l", "r"):
            e = entry.get(side)
            if not e or e["passes"]:
                continue
            rows = (cy["side"] == side).to_numpy()
            if "activity" in cy:
                rows = rows & cy["activity"].fillna("").isin(["walking", ""]).to_numpy()
            cols = [c for c in SCREENED[base] if c in cy]
            if rows.any() and cols:
                cy.loc[rows, cols] = np.nan
                withheld.append({"side": side, "angle": base, "cycles": "all", "why": e["words"]})
    return cy, withheld


def _round(x, nd=3):
    return None if x is None or not np.isfinite(x) else round(float(x), nd)
