"""Footage that is not an ordinary walk in front of a still camera, per bout, with a plain reason.

footcam's typical ranges and findings assume level walking at real speed in front of a camera
that stands still. A bout where that does not hold keeps its angles and values, but no finding is
built on it (the findings skip its cycles and say why):

- the camera moves (a pan that follows the walker, a hand-held phone): the background's own
  speed in the picture, measured during the pose pass (video.footage);
- the path rises or falls (stairs, a slope; or a tilted camera): the heel's height in the
  picture at successive heel strikes, against how far the walker travelled;
- slow motion or fast forward: the swing phase of walking lasts 0.35-0.55 s at any speed (the
  leg swings like a pendulum), so a swing far longer or shorter is the clip's clock, not the walk.

:func:`clip_warnings` adds what concerns the whole clip (scene cuts, a clip that is mostly not
walking). Pure numpy/pandas.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import L_HEEL, R_HEEL, VIEW_SIDE
from ..types import Bout, PoseSequence

#: the background moves by more than this many picture widths per second (median over the
#: bout): measured 0.0004 on a rendered still camera, 0.20 on the same clip cut out by a window
#: that follows the walker, 0.23 on a real hand-held phone following a walker
MOVING_WIDTHS_PER_S = 0.03
#: the walking path rises or falls by more than this (degrees, in the picture): a wheelchair ramp
#: is at most ~5 deg, a staircase ~30
MAX_SLOPE_DEG = 6.0
#: a walker's swing phase lasts about 0.35-0.55 s whatever the speed (Perry & Burnfield 2010:
#: 40 % of a 1.0-1.3 s stride; slower walkers lengthen stance, not swing), a runner's about
#: 0.4-0.5 s (Novacheck 1998); a clip played twice slower reads 0.8-0.9 s
SWING_S_RANGE = (0.25, 0.75)
#: the clip is mostly not walking when the bouts with gait cycles cover less than this share
MIN_GAIT_SHARE = 0.5


def bout_reasons(pose: PoseSequence, bouts: list[Bout], events: pd.DataFrame, cycles: pd.DataFrame,
                 camera_speed: np.ndarray | None) -> dict[int, list[str]]:
    """``{bout index: [reason, ...]}`` for the bouts that are not an ordinary walk in front of a
    still camera (bouts without a reason are left out)."""
    out: dict[int, list[str]] = {}
    for k, b in enumerate(bouts):
        reasons = []
        v = camera_speed_in(b, camera_speed)
        if np.isfinite(v) and v > MOVING_WIDTHS_PER_S:
            reasons.append(f"the camera moves (the background travels {v:.2f} picture widths "
                           f"per second): positions, lengths and the vertical are not reliable")
        moving = bool(reasons)
        if b.view == VIEW_SIDE and b.travel_sign and not moving:
            slope = _path_slope_deg(pose, b, events[events["bout"] == k] if len(events) else events)
            if np.isfinite(slope) and abs(slope) > MAX_SLOPE_DEG:
                way = "rises" if slope > 0 else "falls"
                reasons.append(f"the walking path {way} by {abs(slope):.0f} deg in the picture: stairs "
                               f"or a slope (or a tilted camera); footcam's ranges are for level walking")
        cy = cycles[(cycles["bout"] == k)] if len(cycles) and "bout" in cycles else pd.DataFrame()
        if len(cy):
            swing = (cy["stride_time_s"] * cy["swing_pct"] / 100).dropna()
            if len(swing) >= 2:
                s = float(swing.median())
                lo, hi = SWING_S_RANGE
                if s > hi:
                    reasons.append(f"the swing phase lasts {s:.2f} s (a walker's or runner's "
                                   f"lasts 0.35-0.55 s at any speed): slow motion, or a clip whose "
                                   f"clock is wrong")
                elif s < lo:
                    reasons.append(f"the swing phase lasts {s:.2f} s (a walker's or runner's "
                                   f"lasts 0.35-0.55 s at any speed): a sped-up clip")
        if reasons:
            out[k] = reasons
    return out


def camera_speed_in(b: Bout, camera_speed: np.ndarray | None) -> float:
    """Median speed of the background over the bout (picture widths per second), NaN when too
    few frames could be measured (the people cover the picture)."""
    if camera_speed is None:
        return float("nan")
    sp = np.asarray(camera_speed, float)[b.start:b.stop]
    if np.isfinite(sp).sum() < max(5, 0.3 * (b.stop - b.start)):
        return float("nan")
    return float(np.nanmedian(sp))


def camera_moves(b: Bout, camera_speed: np.ndarray | None) -> bool:
    v = camera_speed_in(b, camera_speed)
    return bool(np.isfinite(v) and v > MOVING_WIDTHS_PER_S)


def _path_slope_deg(pose: PoseSequence, b: Bout, events: pd.DataFrame) -> float:
    """Slope of the line through the heel positions at the bout's heel strikes (image degrees,
    + rising in the walking direction); NaN with fewer than three heel strikes."""
    if events.empty:
        return float("nan")
    hs = events[events["event"] == "hs"]
    pts = []
    for e in hs.itertuples(index=False):
        i = int(e.frame)
        if not b.start <= i < b.stop:
            continue
        p = pose.image_xy[i, L_HEEL if e.side == "l" else R_HEEL]
        if np.isfinite(p).all():
            pts.append(p)
    if len(pts) < 3:
        return float("nan")
    p = np.asarray(pts)
    dx = p[:, 0] * (b.travel_sign or 1)
    if np.ptp(dx) <= 0:
        return float("nan")
    slope = np.polyfit(dx, -p[:, 1], 1)[0]          # y down in the picture
    return float(np.degrees(np.arctan(slope)))


def clip_warnings(pose: PoseSequence, bouts: list[Bout], cycles: pd.DataFrame, cuts: list[int],
                  unusual: dict[int, list[str]]) -> list[str]:
    """Plain warnings for the whole clip: scene cuts, unusual bouts, and a clip that is mostly
    not walking."""
    t = pose.time_s
    out = []
    if cuts:
        at = ", ".join(f"{t[c]:.1f}" for c in cuts[:6]) + (" ..." if len(cuts) > 6 else "")
        out.append(f"{len(cuts)} scene cut{'s' if len(cuts) != 1 else ''} (at {at} s): each shot is "
                   f"analysed on its own and no gait cycle spans a cut")
    for k, reasons in unusual.items():
        b = bouts[k]
        for r in reasons:
            out.append(f"{t[b.start]:.1f}-{t[b.stop - 1]:.1f} s: {r}; no finding is built on this part")
    n = pose.n_frames
    with_gait = np.zeros(n, bool)
    if len(cycles):
        for b in set(int(x) for x in cycles["bout"]):
            if 0 <= b < len(bouts):
                with_gait[bouts[b].start:bouts[b].stop] = True
    share = with_gait.mean() if n else 0.0
    if n and share < MIN_GAIT_SHARE:
        out.append(f"footcam found walking or running with complete gait cycles in only "
                   f"{100 * share:.0f} % of the clip" + ("" if share else
                   " (no gait cycle at all: the person may stand, turn or be out of view)"))
    return out
