"""Gait events: heel strike and toe off per side, from the foot's motion relative to the pelvis.

A coordinate-based method (Zeni et al. 2008): at heel strike the heel is furthest ahead of the
pelvis, at toe off the toe is furthest behind it. In side views the positions are the cleaned
image points along the walking direction (mirrored for right-to-left bouts); in front, back and
oblique views they are MediaPipe's hip-centred world points along the bout's walking direction.
Each extremum is refined to sub-frame time by a parabola through its neighbours and the time
comes from the frames' own timestamps. Pure numpy/scipy/pandas.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.signal import find_peaks

from ..constants import (L_ANKLE, L_FOOT_INDEX, L_HEEL, L_HIP, L_SHOULDER, R_ANKLE,
                         R_FOOT_INDEX, R_HEEL, R_HIP, R_SHOULDER, VIEW_SIDE)
from ..types import Bout, PoseSequence
from .angles import estimate_forward

UP_WORLD = np.array([0.0, -1.0, 0.0])
FOOT = {"l": (L_HEEL, L_FOOT_INDEX, L_ANKLE), "r": (R_HEEL, R_FOOT_INDEX, R_ANKLE)}
#: shortest plausible stride (heel strike to heel strike of the same foot), seconds
MIN_STRIDE_S = 0.7
#: an extremum must stand out by this share of the signal's range to count
MIN_PROMINENCE = 0.25
EVENT_COLUMNS = ["side", "event", "time_s", "frame", "confidence", "bout"]
#: Systematic offsets of the coordinate extrema from foot contact (seconds, added to the
#: extremum's time). Zeni's heel maximum comes a little before contact and the toe minimum a
#: little after lift-off; MediaPipe's world points lag in front views. Calibrated on two rendered
#: clips only (normal_side and slow_walk_side for side/oblique views, normal_front for front
#: views) and checked on the others (README, "Gait events"); a renderer's rigid foot is not a
#: person's, so these are a first calibration, not a law.
EVENT_OFFSET_S = {
    "side": {"hs": 0.037, "to": -0.073},
    "oblique": {"hs": 0.037, "to": -0.073},
    "front": {"hs": -0.184, "to": -0.128},
}
#: Toe off from the picture (side views): the toe tip stays put on the floor until the foot
#: lifts, then moves off. Where the toe rested (image speed below TOE_REST_BH_PER_S, body heights
#: per second, for at least TOE_REST_S) and then starts to move within TOE_SEARCH_S of the
#: coordinate estimate, the moment it passes TOE_REST_BH_PER_S is the toe off. On the rendered
#: clips both agree to about 10 ms; on real walkers the coordinate extremum comes ~50 ms early
#: (the calibration above holds for the renders' rigid foot, not for a foot whose toes bend).
#: A camera that moves, or a treadmill belt, keeps the stance foot from resting in the picture:
#: there the coordinate estimate stays.
TOE_REST_BH_PER_S = 0.5
TOE_REST_S = 0.1
TOE_SEARCH_S = 0.15
#: confidence multiplier per view. No events from a back view: from behind MediaPipe's 3D foot
#: points point the wrong way (rendered back view: 3.5 frames median error, 8 extra events)
VIEW_CONFIDENCE = {"side": 1.0, "oblique": 0.8, "front": 0.7}


def _forward_signal(pose: PoseSequence, b: Bout, idx: int) -> np.ndarray:
    """Position of landmark ``idx`` ahead of the pelvis along the walking direction, in body
    heights (image) or metres (world), over the bout's frames."""
    sl = slice(b.start, b.stop)
    if b.view == VIEW_SIDE:
        xy = pose.image_xy[sl]
        pelvis = (xy[:, L_HIP] + xy[:, R_HIP]) / 2
        shoulders = (xy[:, L_SHOULDER] + xy[:, R_SHOULDER]) / 2
        scale = np.nanmedian(np.linalg.norm(shoulders - pelvis, axis=1)) or 1.0
        return (xy[:, idx, 0] - pelvis[:, 0]) * (b.direction_sign or 1) / scale
    w = pose.world_xyz[sl]
    hint = np.array([0.0, 0.0, 1.0]) if b.direction == "away_from_camera" else np.array([0.0, 0.0, -1.0])
    fwd = estimate_forward(w, UP_WORLD, hint=hint)
    pelvis = (w[:, L_HIP] + w[:, R_HIP]) / 2
    return (w[:, idx] - pelvis) @ fwd


def _refine(t: np.ndarray, y: np.ndarray, k: int) -> float:
    """Sub-frame time of the extremum at sample k (parabola through k-1, k, k+1)."""
    if k <= 0 or k >= len(y) - 1 or not np.isfinite(y[k - 1:k + 2]).all():
        return float(t[k])
    y0, y1, y2 = y[k - 1], y[k], y[k + 1]
    den = y0 - 2 * y1 + y2
    if den == 0:
        return float(t[k])
    off = 0.5 * (y0 - y2) / den            # in samples, within -0.5..0.5 for a true extremum
    off = float(np.clip(off, -0.5, 0.5))
    return float(np.interp(k + off, np.arange(len(t)), t))


def _extrema(t: np.ndarray, y: np.ndarray) -> list[tuple[int, float]]:
    """Indices and prominence share of the maxima of y (NaN-safe)."""
    ok = np.isfinite(y)
    if ok.sum() < 5:
        return []
    yy = np.where(ok, y, np.interp(np.arange(len(y)), np.flatnonzero(ok), y[ok]))
    rng = float(np.nanpercentile(y, 95) - np.nanpercentile(y, 5)) or 1.0
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1 / 30
    peaks, props = find_peaks(yy, distance=max(1, int(0.5 * MIN_STRIDE_S / dt)),
                              prominence=MIN_PROMINENCE * rng)
    out = []
    for k, prom in zip(peaks, props["prominences"]):
        if ok[max(k - 1, 0):k + 2].all():          # not at the edge of a gap
            out.append((int(k), float(min(prom / rng, 1.0))))
    return out


def detect_events(pose: PoseSequence, bouts: list[Bout]) -> pd.DataFrame:
    """Heel strikes (``hs``) and toe offs (``to``) per side, with a confidence 0..1."""
    rows = []
    for bi, b in enumerate(bouts):
        if b.view not in VIEW_CONFIDENCE or b.stop - b.start < 5:
            continue
        if b.backward:
            # moving against the way the body faces (walking backward, or a clip played in
            # reverse): heel strike and toe off swap roles, and no typical range applies
            continue
        t = pose.time_s[b.start:b.stop]
        for side, (heel, toe, _) in FOOT.items():
            vis = pose.visibility[b.start:b.stop]
            for event, idx, sign in (("hs", heel, 1.0), ("to", toe, -1.0)):
                try:
                    y = sign * _forward_signal(pose, b, idx)
                except ValueError:       # no frame with both hips or shoulders
                    continue
                offset = EVENT_OFFSET_S.get(b.view, {}).get(event, 0.0)
                for k, prom in _extrema(t, y):
                    conf = prom * float(np.clip(vis[k, idx], 0.0, 1.0)) * VIEW_CONFIDENCE.get(b.view, 0.5)
                    te = _refine(t, y, k) + offset
                    if not t[0] <= te <= t[-1]:
                        continue
                    k = int(np.argmin(np.abs(t - te)))
                    rows.append({"side": side, "event": event, "time_s": te,
                                 "frame": b.start + k, "confidence": round(conf, 3), "bout": bi})
    df = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    df = _toe_off_from_the_picture(pose, bouts, df)
    return df.sort_values(["time_s", "side"]).reset_index(drop=True)


def _toe_off_from_the_picture(pose: PoseSequence, bouts: list[Bout], events: pd.DataFrame) -> pd.DataFrame:
    """Move each side-view toe off to the moment its toe starts to move in the picture, where
    it rested on the floor before (see TOE_REST_BH_PER_S)."""
    if events.empty:
        return events
    ev = events.copy()
    t = pose.time_s
    xy = pose.image_xy
    sh = (xy[:, L_SHOULDER] + xy[:, R_SHOULDER]) / 2
    hp = (xy[:, L_HIP] + xy[:, R_HIP]) / 2
    an = (xy[:, L_ANKLE] + xy[:, R_ANKLE]) / 2
    with np.errstate(invalid="ignore"):
        bh = np.nanmedian(np.linalg.norm(sh - hp, axis=1) + np.linalg.norm(hp - an, axis=1))
    if not np.isfinite(bh) or bh <= 0 or len(t) < 3:
        return ev
    speed = {}
    for side, (_, toe, _) in FOOT.items():
        with np.errstate(invalid="ignore"):
            speed[side] = np.linalg.norm(np.gradient(xy[:, toe], t, axis=0), axis=1) / bh
    dt = float(np.median(np.diff(t)))
    rest_n = max(2, int(round(TOE_REST_S / dt)))
    for i in ev.index[ev["event"] == "to"]:
        b = bouts[int(ev.at[i, "bout"])]
        if b.view != VIEW_SIDE:
            continue
        v = speed[ev.at[i, "side"]]
        te = float(ev.at[i, "time_s"])
        lo = max(int(np.searchsorted(t, te - TOE_SEARCH_S)), b.start + rest_n)
        hi = min(int(np.searchsorted(t, te + TOE_SEARCH_S)), b.stop - 1)
        best = None
        for k in range(lo, hi):
            if (v[k] < TOE_REST_BH_PER_S <= v[k + 1]
                    and np.all(v[k - rest_n + 1:k + 1] < TOE_REST_BH_PER_S)):
                tk = t[k] + (TOE_REST_BH_PER_S - v[k]) / (v[k + 1] - v[k]) * (t[k + 1] - t[k])
                if best is None or abs(tk - te) < abs(best - te):
                    best = float(tk)
        if best is not None:
            ev.at[i, "time_s"] = best
            ev.at[i, "frame"] = int(np.argmin(np.abs(t - best)))
    return ev
