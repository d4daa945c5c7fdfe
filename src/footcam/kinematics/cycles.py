"""Gait cycles (heel strike to the next heel strike of the same foot, within one bout), their
spatio-temporal values and key angle values. Pure numpy/pandas; names from ANGLES.md.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: a stride shorter or longer than this is not a gait cycle (a missed or extra event); a runner's
#: stride can be as short as ~0.5 s (cadence 240), a very slow walker's ~2.4 s (50 steps/min)
STRIDE_S_RANGE = (0.45, 2.5)
#: a key value needs this share of the frames of its phase (stance, swing, push-off window,
#: cycle) to hold a value: a peak taken over a gap, or over frames the plausibility gate
#: removed, would be a smaller peak, not the measured one
KEY_MIN_COVERAGE = 0.9
#: the other foot's heel strike falls between this share of the stride after this foot's (left and
#: right alternate: a limp shifts it from the middle to about 0.4 / 0.6; two "feet" striking
#: together are one foot seen twice, or a step counted as a stride)
STEP_SHARE_RANGE = (0.25, 0.75)


def _between(t: np.ndarray, a: float, b: float) -> np.ndarray:
    return (t >= a) & (t <= b)


def _col(angles: pd.DataFrame, base: str, side: str) -> np.ndarray:
    name = f"{base}_{side}" if f"{base}_{side}" in angles else base
    return angles[name].to_numpy(float) if name in angles else np.full(len(angles), np.nan)


def _nanmax(x):
    return float(np.nanmax(x)) if np.isfinite(x).any() else np.nan


def _nanmin(x):
    return float(np.nanmin(x)) if np.isfinite(x).any() else np.nan


def _covered(x: np.ndarray, phase: np.ndarray, stat) -> float:
    """``stat`` of ``x`` over the frames of ``phase``, NaN unless KEY_MIN_COVERAGE of them hold
    a value."""
    v = x[phase]
    if not len(v) or np.isfinite(v).mean() < KEY_MIN_COVERAGE:
        return np.nan
    return float(stat(v[np.isfinite(v)]))


#: plausible walking stride and step lengths (metres); outside them a heel position is wrong
STRIDE_M_RANGE = (0.3, 2.5)
STEP_M_RANGE = (0.1, 1.5)
LENGTH_COLUMNS = ("stride_length_m", "step_length_m", "walking_speed_m_per_s")
#: push-off: the peak plantarflexion within this share of the stride before or after toe off
#: (robust to a frame's error in the toe-off time, where the ankle turns ~3 deg per frame)
PUSH_OFF_WINDOW = 0.1
#: trunk range: harmonics of the stride kept (the trunk pitches once per step, i.e. twice per
#: stride); higher ones are mostly measurement noise, which would widen a max-min range
TRUNK_HARMONICS = 2
#: samples of a gait cycle normalised to 0-100 % (ANGLES.md)
CURVE_SAMPLES = 101
#: a cycle enters a curve only if this share of its frames has a value for that angle
CURVE_MIN_COVERAGE = 0.8


def _positions(events: pd.DataFrame) -> np.ndarray:
    """Heel position on the floor per event (metres along the walking direction) or NaN."""
    if "position_m" in events:
        return events["position_m"].to_numpy(float)
    return np.full(len(events), np.nan)


def _periodic_range(t: np.ndarray, x: np.ndarray, a: float, b: float) -> float:
    """Range of the cycle's curve (``a``..``b``) rebuilt from its first TRUNK_HARMONICS
    harmonics of the stride; NaN when the cycle has gaps."""
    w = _between(t, a, b)
    ok = w & np.isfinite(x)
    if ok.sum() < max(8, 0.8 * w.sum()):
        return np.nan
    grid = np.linspace(a, b, 100, endpoint=False)
    f = np.fft.rfft(np.interp(grid, t[ok], x[ok]))
    f[TRUNK_HARMONICS + 1:] = 0
    y = np.fft.irfft(f, n=len(grid))
    return float(y.max() - y.min())


def _leg_view(near: np.ndarray | None, cyc: np.ndarray, side: str) -> str:
    """"near" when this leg faced the camera for most of the cycle (side views), "far" when
    it was mostly the far leg, "" when the view has no near leg (front/back)."""
    if near is None or not cyc.any():
        return ""
    n = near[cyc]
    k_near, k_far = int((n == side).sum()), int(((n != side) & (n != "")).sum())
    if k_near + k_far < cyc.sum() / 2:
        return ""
    return "near" if k_near >= k_far else "far"


def _length(d: float, bounds: tuple[float, float]) -> float:
    return float(d) if np.isfinite(d) and bounds[0] <= d <= bounds[1] else np.nan


def gait_cycles(angles: pd.DataFrame, events: pd.DataFrame,
                activity: dict[int, str] | None = None) -> pd.DataFrame:
    """One row per cycle and side: timing (stride, stance/swing %, step time, double support),
    lengths when ``events`` has heel positions (``position_m``, see kinematics.scale), whether
    the leg was the near or the far one (side views), and key values (peak dorsiflexion in
    stance, ankle at toe off, peak plantarflexion at push-off and the ankle's range between the
    two, peak knee flexion in swing,
    peak hip extension, pelvic rotation range, trunk extension mean and range, foot progression
    in stance). A value that the view cannot support is NaN, and so is a key value whose phase
    is not covered by values (KEY_MIN_COVERAGE). ``activity``: the bout's activity ("walking" /
    "running") per bout index, written to the ``activity`` column."""
    events = events.reset_index(drop=True)
    t = angles["time_s"].to_numpy(float)
    near = angles["near_leg"].fillna("").astype(str).to_numpy() if "near_leg" in angles else None
    rows = []
    for side in ("l", "r"):
        other = "r" if side == "l" else "l"
        ev = events[events["side"] == side]
        hs = ev[ev["event"] == "hs"].sort_values("time_s")
        to = ev[ev["event"] == "to"]["time_s"].to_numpy(float)
        hs_o = events[(events["side"] == other) & (events["event"] == "hs")]["time_s"].to_numpy(float)
        to_o = events[(events["side"] == other) & (events["event"] == "to")]["time_s"].to_numpy(float)
        hs_t, hs_b = hs["time_s"].to_numpy(float), hs["bout"].to_numpy()
        pos = _positions(events)
        hs_p = pos[hs.index.to_numpy()]
        hs_o_p = pos[events.index[(events["side"] == other) & (events["event"] == "hs")].to_numpy()]
        for i in range(len(hs_t) - 1):
            a, b = hs_t[i], hs_t[i + 1]
            if hs_b[i] != hs_b[i + 1] or not STRIDE_S_RANGE[0] <= b - a <= STRIDE_S_RANGE[1]:
                continue
            stride = b - a
            own_to = to[(to > a) & (to < b)]
            t_off = own_to[0] if len(own_to) else np.nan
            opp_hs = hs_o[(hs_o > a) & (hs_o < b)]
            opp_to = to_o[(to_o > a) & (to_o < b)]
            step = (b - opp_hs[0]) if len(opp_hs) else np.nan     # opposite heel strike → this one
            stride_m = _length(hs_p[i + 1] - hs_p[i], STRIDE_M_RANGE)
            opp_p = hs_o_p[(hs_o > a) & (hs_o < b)]
            step_m = _length(hs_p[i + 1] - opp_p[0], STEP_M_RANGE) if len(opp_p) else np.nan
            ds = np.nan
            if len(opp_hs) and len(opp_to) and np.isfinite(t_off):
                first_ds = opp_to[0] - a if opp_to[0] < opp_hs[0] else np.nan
                second_ds = t_off - opp_hs[0] if t_off > opp_hs[0] else np.nan
                ds = 100 * (first_ds + second_ds) / stride
            cyc = _between(t, a, b)
            stance = _between(t, a, t_off) if np.isfinite(t_off) else np.zeros_like(cyc)
            swing = _between(t, t_off, b) if np.isfinite(t_off) else np.zeros_like(cyc)
            ank = _col(angles, "ankle_dorsiflexion_deg", side)
            knee = _col(angles, "knee_flexion_deg", side)
            hip = _col(angles, "hip_flexion_deg", side)
            trunk = _col(angles, "trunk_extension_deg", side)
            pelvis = _col(angles, "pelvic_rotation_deg", side)
            fp = _col(angles, "foot_progression_deg", side)
            ok = np.isfinite(ank)
            ank_to = float(np.interp(t_off, t[ok], ank[ok])) if np.isfinite(t_off) and ok.sum() > 2 else np.nan
            push = (_between(t, t_off - PUSH_OFF_WINDOW * stride, t_off + PUSH_OFF_WINDOW * stride)
                    if np.isfinite(t_off) else np.zeros_like(cyc))
            peak_df, peak_pf = _covered(ank, stance, np.max), _covered(ank, push, np.min)
            rows.append({
                "side": side, "cycle": i, "bout": int(hs_b[i]),
                "activity": (activity or {}).get(int(hs_b[i]), ""), "start_s": a, "end_s": b,
                "stride_time_s": stride, "step_time_s": step,
                "stride_length_m": stride_m, "step_length_m": step_m,
                "walking_speed_m_per_s": stride_m / stride,
                "stance_pct": 100 * (t_off - a) / stride if np.isfinite(t_off) else np.nan,
                "swing_pct": 100 * (b - t_off) / stride if np.isfinite(t_off) else np.nan,
                "double_support_pct": ds,
                "leg_view": _leg_view(near, cyc, side),
                "peak_ankle_dorsiflexion_stance_deg": peak_df,
                "ankle_dorsiflexion_at_toe_off_deg": ank_to,
                "peak_ankle_plantarflexion_push_off_deg": peak_pf,
                "ankle_range_deg": peak_df - peak_pf,
                "peak_knee_flexion_swing_deg": _covered(knee, swing, np.max),
                "peak_hip_extension_deg": -_covered(hip, stance, np.min),
                "pelvic_rotation_range_deg": _covered(pelvis, cyc, np.ptp),
                "trunk_extension_mean_deg": _covered(trunk, cyc, np.mean),
                "trunk_extension_range_deg": _periodic_range(t, trunk, a, b),
                "foot_progression_stance_deg": float(np.nanmedian(fp[stance])) if np.isfinite(fp[stance]).any() else np.nan,
            })
    df = pd.DataFrame(rows)
    if "position_m" not in events:
        df = df.drop(columns=list(LENGTH_COLUMNS), errors="ignore")
    return df


def spatiotemporal(cycles: pd.DataFrame) -> dict:
    """Clip-level timing from the cycles: cadence (steps/min = 120 / stride time), stride and
    step time, stance, swing and double support, stride and step length and walking speed
    (metres, only when a scale was given), and a left/right symmetry index (%) of step and
    stance time (0 = symmetric)."""
    out: dict = {}
    if cycles.empty:
        return out
    stride = cycles["stride_time_s"].mean()
    out["cadence_steps_per_min"] = 120.0 / stride
    for k in ("stride_time_s", "step_time_s", "stance_pct", "swing_pct", "double_support_pct",
              *LENGTH_COLUMNS):
        if k not in cycles:
            continue
        out[k] = float(cycles[k].mean()) if cycles[k].notna().any() else None
        for s in ("l", "r"):
            v = cycles.loc[cycles["side"] == s, k]
            out[f"{k}_{s}"] = float(v.mean()) if v.notna().any() else None
    for k in ("step_time_s", "stance_pct", "step_length_m"):
        if k not in out:
            continue
        l, r = out.get(f"{k}_l"), out.get(f"{k}_r")
        out[f"{k}_symmetry_index_pct"] = (100 * abs(l - r) / (0.5 * (l + r))
                                          if l is not None and r is not None and l + r else None)
    return out


def cycle_matrix(time_s: np.ndarray, y: np.ndarray, spans) -> np.ndarray:
    """``(n_cycles, CURVE_SAMPLES)``: ``y`` over each cycle ``(start_s, end_s)`` of ``spans``,
    normalised to 0-100 %; a row of NaN for a cycle with less than CURVE_MIN_COVERAGE of its
    frames valid."""
    spans = np.asarray(spans, dtype=float).reshape(-1, 2)
    out = np.full((len(spans), CURVE_SAMPLES), np.nan)
    for i, (a, b) in enumerate(spans):
        inside = _between(time_s, a, b)
        ok = inside & np.isfinite(y)
        if ok.sum() >= max(3, CURVE_MIN_COVERAGE * inside.sum()):
            out[i] = np.interp(np.linspace(a, b, CURVE_SAMPLES), time_s[ok], y[ok])
    return out


def cycle_curves(angles: pd.DataFrame, cycles: pd.DataFrame) -> pd.DataFrame:
    """Each angle over the gait cycle, normalised to 0-100 % (101 samples), mean ± SD per side
    over the cycles of ``cycles`` (the same cycles as the key values). Long form: ``angle``
    (the column's base name), ``side``, ``pct``, ``mean``, ``sd`` (NaN from one cycle), ``n``.
    Central angles (trunk, pelvis) are averaged over each side's cycles."""
    from ..constants import ANGLE_COLUMNS

    cols = ["angle", "side", "pct", "mean", "sd", "n"]
    if cycles.empty or angles.empty:
        return pd.DataFrame(columns=cols)
    t = angles["time_s"].to_numpy(float)
    pct = np.linspace(0.0, 100.0, CURVE_SAMPLES)
    bases = list(dict.fromkeys(c[:-2] if c.endswith(("_l", "_r")) else c for c in ANGLE_COLUMNS))
    parts = []
    for side in ("l", "r"):
        spans = cycles.loc[cycles["side"] == side, ["start_s", "end_s"]].to_numpy(float)
        for base in bases:
            col = f"{base}_{side}" if f"{base}_{side}" in angles else base
            if col not in angles:
                continue
            m = cycle_matrix(t, angles[col].to_numpy(float), spans)
            m = m[np.isfinite(m).all(axis=1)]
            if not len(m):
                continue
            sd = m.std(axis=0, ddof=1) if len(m) > 1 else np.full(CURVE_SAMPLES, np.nan)
            parts.append(pd.DataFrame({"angle": base, "side": side, "pct": pct, "mean": m.mean(axis=0),
                                       "sd": sd, "n": len(m)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
