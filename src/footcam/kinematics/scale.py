"""Metres from pixels when the person's height is given: a scale for stride and step length.

Side views only. The scale comes from the leg in the picture: hip→knee plus knee→ankle, the
longer of the two legs per frame (the far leg is a little further away), median over the clip,
against Winter's segment proportions (thigh 0.245 + shank 0.246 of stature; Winter DA,
Biomechanics and Motor Control of Human Movement, 4th ed., Wiley 2009, table 4.1). Segment
lengths do not change when joints bend, so the scale holds over the whole stride. Pure numpy.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import L_ANKLE, L_HEEL, L_HIP, L_KNEE, R_ANKLE, R_HEEL, R_HIP, R_KNEE, VIEW_SIDE
from ..types import Bout, PoseSequence

#: thigh + shank length as a share of stature (Winter 2009)
LEG_SHARE_OF_HEIGHT = 0.491
#: the heel rests on the floor from heel strike for about this long; its position is the median
#: over that window (one frame's landmark would carry the frame's noise)
CONTACT_WINDOW_S = 0.15
LEGS = ((L_HIP, L_KNEE, L_ANKLE), (R_HIP, R_KNEE, R_ANKLE))
HEEL = {"l": L_HEEL, "r": R_HEEL}


def leg_length_px(image_xy: np.ndarray) -> float:
    """Median over frames of the longer leg's hip→knee→ankle length in pixels (NaN if none)."""
    lengths = [np.linalg.norm(image_xy[:, h] - image_xy[:, k], axis=1)
               + np.linalg.norm(image_xy[:, k] - image_xy[:, a], axis=1) for h, k, a in LEGS]
    longer = np.fmax(*lengths)
    return float(np.nanmedian(longer)) if np.isfinite(longer).any() else float("nan")


def px_per_m(pose: PoseSequence, bouts: list[Bout], height_m: float) -> float:
    """Pixels per metre at the walker's distance, from the side-view frames (NaN if none)."""
    side = np.zeros(pose.n_frames, bool)
    for b in bouts:
        if b.view == VIEW_SIDE:
            side[b.start:b.stop] = True
    if not side.any():
        return float("nan")
    return leg_length_px(pose.image_xy[side]) / (LEG_SHARE_OF_HEIGHT * height_m)


def contact_positions(pose: PoseSequence, bouts: list[Bout], events: pd.DataFrame,
                      scale_px_per_m: float, skip_bouts=()) -> np.ndarray:
    """(len(events),) position of the heel on the floor at each heel strike, metres along the
    walking direction (side-view bouts only; NaN for toe offs, other views and the bouts in
    ``skip_bouts``, e.g. those filmed by a moving camera)."""
    out = np.full(len(events), np.nan)
    if not np.isfinite(scale_px_per_m) or scale_px_per_m <= 0:
        return out
    t = pose.time_s
    for i, ev in enumerate(events.itertuples(index=False)):
        b = bouts[int(ev.bout)]
        if ev.event != "hs" or b.view != VIEW_SIDE or int(ev.bout) in skip_bouts:
            continue
        win = (t >= ev.time_s) & (t <= ev.time_s + CONTACT_WINDOW_S)
        win[:b.start] = False
        win[b.stop:] = False
        x = pose.image_xy[win, HEEL[ev.side], 0]
        if np.isfinite(x).any():
            out[i] = float(np.nanmedian(x)) * (b.direction_sign or 1) / scale_px_per_m
    return out
