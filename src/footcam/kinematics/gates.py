"""Anatomical plausibility: what a human body can do, applied to MediaPipe's skeleton and to every
angle. A value that cannot be trusted becomes NaN with a counted reason, never a guess.

Two gates, both pure numpy/pandas:

- :func:`implausible_frames`, on the raw landmarks before cleaning: a skeleton that is impossible
  as a whole (hips above the shoulders, a knee or ankle far above the hip, a thigh, shank or trunk
  whose length jumps against the clip's own) is MediaPipe having put a leg on an arm, or lost the
  legs behind furniture. Such frames are treated as frames without a pose, so that the gap filling
  and the low-pass filter do not smear them into their neighbours.
- :func:`gate_angles`, on the angle table: every angle against the range a body reaches in the
  bout's activity (walking or running). The ranges, with their sources, are a table passed in by
  the caller (``findings.rules.ANGLE_LIMITS``: one table beside the findings rules).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import (L_ANKLE, L_HIP, L_KNEE, L_SHOULDER, R_ANKLE, R_HIP, R_KNEE, R_SHOULDER,
                         SIDE_INDEX)
from ..types import PoseSequence

#: skeleton gate: the trunk must rise from the hips by at least this share of its usual length
#: (a walker leaning forward by 70 deg still passes)
MIN_TRUNK_RISE = 0.25
#: a knee may not rise above its hip by more than this share of the thigh (a sprinter's thigh
#: just passes the horizontal), nor an ankle above its hip by this share of the leg
MAX_KNEE_ABOVE_HIP = 0.5
MAX_ANKLE_ABOVE_HIP = 0.2
#: a segment's length in the picture against its running median over SEGMENT_WINDOW_S:
#: foreshortening in front views stays within 0.6..1.0; a landmark on the wrong body part does not
SEGMENT_RATIO = (0.5, 1.8)
SEGMENT_WINDOW_S = 2.0
#: gate_angles: below this mean visibility of the landmarks an angle rests on, the reason is
#: "hidden" rather than "outside the range"
HIDDEN_VISIBILITY = 0.5

REASON_UPSIDE_DOWN = "skeleton impossible (hips above the shoulders)"
REASON_LEG_HIGH = "leg landmarks on the arm or trunk (a knee or ankle far above the hip)"
REASON_SEGMENT = "a limb's length jumps (landmarks on the wrong body part)"

#: which angles of a leg rest on a landmark an out-of-range angle puts in doubt
_DEPENDS = {"ankle_dorsiflexion_deg": ("ankle_dorsiflexion_deg",),
            "knee_flexion_deg": ("hip_flexion_deg", "knee_flexion_deg", "ankle_dorsiflexion_deg"),
            "hip_flexion_deg": ("hip_flexion_deg", "knee_flexion_deg")}
_LANDMARKS = {"ankle_dorsiflexion_deg": ("knee", "ankle", "heel", "foot_index"),
              "knee_flexion_deg": ("hip", "knee", "ankle"),
              "hip_flexion_deg": ("hip", "knee"),
              "foot_progression_deg": ("heel", "foot_index"),
              "hip_rotation_deg": ("hip", "heel", "foot_index")}


def _running_median(x: np.ndarray, t: np.ndarray, window_s: float) -> np.ndarray:
    """Centred running median over about ``window_s`` (in frames at the clip's median rate),
    ignoring NaN."""
    if len(x) < 2:
        return x.astype(float)
    frames = max(3, int(round(window_s / float(np.median(np.diff(t))))) | 1)
    return pd.Series(x).rolling(frames, center=True, min_periods=1).median().to_numpy(float)


def implausible_frames(pose: PoseSequence) -> tuple[np.ndarray, np.ndarray]:
    """``(T,) bool`` frames whose skeleton no body can take, and ``(T,)`` the reason ("" where
    plausible). Frames without a pose are not counted."""
    xy = pose.image_xy
    t = pose.time_s
    n = pose.n_frames
    reason = np.full(n, "", dtype=object)
    if n == 0:
        return np.zeros(0, bool), reason
    sh = (xy[:, L_SHOULDER] + xy[:, R_SHOULDER]) / 2
    hp = (xy[:, L_HIP] + xy[:, R_HIP]) / 2
    trunk = np.linalg.norm(sh - hp, axis=1)
    segs = {"trunk": trunk}
    for s, (hip, knee, ank) in (("l", (L_HIP, L_KNEE, L_ANKLE)), ("r", (R_HIP, R_KNEE, R_ANKLE))):
        segs[f"thigh_{s}"] = np.linalg.norm(xy[:, knee] - xy[:, hip], axis=1)
        segs[f"shank_{s}"] = np.linalg.norm(xy[:, ank] - xy[:, knee], axis=1)
    med = {k: (float(np.nanmedian(v)) if np.isfinite(v).any() else np.nan) for k, v in segs.items()}
    with np.errstate(invalid="ignore"):
        # a segment whose length jumps against its own running median
        bad_seg = np.zeros(n, bool)
        for k, v in segs.items():
            ref = _running_median(v, t, SEGMENT_WINDOW_S)
            ratio = v / ref
            bad_seg |= np.isfinite(ratio) & ((ratio < SEGMENT_RATIO[0]) | (ratio > SEGMENT_RATIO[1]))
        leg_high = np.zeros(n, bool)
        for s, (hip, knee, ank) in (("l", (L_HIP, L_KNEE, L_ANKLE)), ("r", (R_HIP, R_KNEE, R_ANKLE))):
            thigh, leg = med[f"thigh_{s}"], med[f"thigh_{s}"] + med[f"shank_{s}"]
            leg_high |= (xy[:, hip, 1] - xy[:, knee, 1]) > MAX_KNEE_ABOVE_HIP * thigh
            leg_high |= (xy[:, hip, 1] - xy[:, ank, 1]) > MAX_ANKLE_ABOVE_HIP * leg
        upside = (hp[:, 1] - sh[:, 1]) < MIN_TRUNK_RISE * med["trunk"]
    has = pose.detected & np.isfinite(trunk)
    reason[has & bad_seg] = REASON_SEGMENT
    reason[has & leg_high] = REASON_LEG_HIGH
    reason[has & upside] = REASON_UPSIDE_DOWN
    return reason != "", reason


def mask_frames(pose: PoseSequence, frames: np.ndarray) -> PoseSequence:
    """The pose with ``frames`` emptied (NaN points, zero visibility): treated as not detected."""
    if not np.any(frames):
        return pose
    f = np.asarray(frames, bool)
    xy, w = pose.image_xy.copy(), pose.world_xyz.copy()
    vis, pres = pose.visibility.copy(), pose.presence.copy()
    xy[f], w[f], vis[f], pres[f] = np.nan, np.nan, 0.0, 0.0
    return pose.replace(image_xy=xy, world_xyz=w, visibility=vis, presence=pres)


def _base(col: str) -> tuple[str, str]:
    return (col[:-2], col[-1]) if col.endswith(("_l", "_r")) else (col, "")


def gate_angles(angles: pd.DataFrame, activity: np.ndarray, limits: dict,
                visibility: np.ndarray | None = None) -> tuple[pd.DataFrame, dict]:
    """Set every angle outside what a body reaches to NaN, with a counted reason.

    ``activity (T,)``: "walking", "running" or "" per frame (the bout's); "" takes the widest
    range. ``limits``: ``{base column: {"walking": (lo, hi), "running": (lo, hi)}}``.
    ``visibility (T, 33)``: MediaPipe's, to tell "hidden" from "outside the range".
    An out-of-range knee also removes that leg's hip and ankle (they rest on the same knee
    point); an out-of-range hip the knee.
    Returns the gated copy and ``{column: {"gated": n, "reasons": {reason: n}}}`` (columns with
    nothing gated are left out).
    """
    out = angles.copy()
    act = np.asarray(activity, dtype=object)
    n = len(out)
    drop: dict[str, np.ndarray] = {}
    why: dict[str, np.ndarray] = {}
    for col in out.columns:
        base, side = _base(col)
        if base not in limits:
            continue
        lim = limits[base]
        wide = (min(lo for lo, _ in lim.values()), max(hi for _, hi in lim.values()))
        lo = np.array([lim.get(a, wide)[0] for a in act], float)
        hi = np.array([lim.get(a, wide)[1] for a in act], float)
        v = out[col].to_numpy(float)
        with np.errstate(invalid="ignore"):
            bad = np.isfinite(v) & ((v < lo) | (v > hi))
        if not bad.any():
            continue
        words = {a: f"outside what a body reaches {'in ' + a if a else 'when moving'} "
                    f"({lim.get(a, wide)[0]:g}..{lim.get(a, wide)[1]:g} deg)" for a in set(act)}
        text = np.array([words[a] for a in act], object)
        if visibility is not None and side and base in _LANDMARKS:
            idx = [SIDE_INDEX[side][k] for k in _LANDMARKS[base]]
            hidden = np.nanmean(np.asarray(visibility)[:, idx], axis=1) < HIDDEN_VISIBILITY
            text = np.where(hidden, "the leg is hidden (landmarks barely visible)", text)
        for dep in _DEPENDS.get(base, (base,)):
            c = f"{dep}_{side}" if side else dep
            if c not in out.columns:
                continue
            d = drop.setdefault(c, np.zeros(n, bool))
            w = why.setdefault(c, np.full(n, "", dtype=object))
            new = bad & ~d & np.isfinite(out[c].to_numpy(float))
            w[new] = (text[new] if c == col else
                      np.array([f"rests on a knee point that gave an impossible {base.split('_')[0]} angle"] * int(new.sum()), object))
            d |= new
    report = {}
    for c, d in drop.items():
        if not d.any():
            continue
        out.loc[d, c] = np.nan
        r = pd.Series(why[c][d]).value_counts()
        report[c] = {"gated": int(d.sum()), "reasons": {str(k): int(v) for k, v in r.items()}}
    return out, report
