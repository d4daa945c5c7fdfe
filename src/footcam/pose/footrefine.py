"""The foot's angle from the picture itself: template tracking of each foot in side views.

MediaPipe's heel and toe points wander 5-8 px on a foot ~50 px long, so the foot segment's
angle is off by 6-12 deg RMSE and the ankle angle (shank against foot) is mostly noise. But a
foot is rigid: from the side it looks the same in every frame up to a turn and a shift. So, per
side-view bout and per foot, the picture of the foot in a flat-foot frame (in stance, heel and
toe still) becomes a template, and in every frame of the bout the template is matched
(normalised cross-correlation) over turns around MediaPipe's foot angle and small shifts; the
best turn is the foot's rotation since the template frame. The template frame's own angle is
calibrated as the median, over the bout's well-tracked frames, of MediaPipe's angle minus the
tracked rotation. A foot whose template does not find the flat-foot frames again at one angle
is not tracked; a frame whose best match is poor, or jumps away from its neighbours', keeps
MediaPipe's angle. The heel and toe points are then turned about the foot's centre to
the refined angle (length unchanged) and the angle series is low-pass filtered like every
landmark. Measured on the rendered side clips: README, "Accuracy".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from ..constants import L_FOOT_INDEX, L_HEEL, R_FOOT_INDEX, R_HEEL, VIEW_SIDE
from ..kinematics._filters import lowpass
from ..types import Bout, PoseSequence

FEET = {"l": (L_HEEL, L_FOOT_INDEX), "r": (R_HEEL, R_FOOT_INDEX)}


#: template box in foot lengths: along the foot (heel→toe, from its centre) and across it
#: (from the heel→toe line, toward the sole > 0): the lower shoe, the sole and the floor with the
#: foot's shadow just under it, where the foot's outline is sharpest. (Measured: a box over the
#: upper shoe and ankle does worse; tracking the shank the same way did not help.)
ALONG = (-0.6, 0.6)
ACROSS = (-0.15, 0.45)
#: samples per foot length in the matched patches (a 50 px foot is enlarged, a 200 px one reduced)
SAMPLES_PER_FOOT = 40
#: extra room around the template where the foot may have moved, in foot lengths
SEARCH_MARGIN = 0.25
#: turns tried around MediaPipe's angle: steps of STEP_DEG up to MAX_TURN_DEG either way; without
#: last frame's turn to start from, every COARSE_STEPS-th step first
STEP_DEG = 1.5
MAX_TURN_DEG = 45.0
COARSE_STEPS = 4
#: a frame whose best normalised correlation is below this keeps MediaPipe's angle
MIN_SCORE = 0.7
#: ... and so does a frame whose tracked angle jumps away from its neighbours' (the median of
#: this many frames) by more than MAX_JUMP_DEG: a foot turns smoothly, a wrong match does not
JUMP_WINDOW = 5
MAX_JUMP_DEG = 8.0
#: a foot is tracked only if its template finds the bout's flat-foot frames well (median
#: correlation) and at one angle (median absolute deviation of the tracked angle, deg: the foot
#: lies flat on the same floor each time): a foot that hardly stands out from the floor fails
#: here and keeps MediaPipe's points
MIN_FLAT_SCORE = 0.8
MAX_FLAT_MAD_DEG = 5.0
#: share of a bout's stance frames (the stillest) that count as flat-foot frames
FLAT_SHARE = 0.4
MIN_FLAT_FRAMES = 3
#: a foot shorter than this in the picture is left to MediaPipe
MIN_FOOT_PX = 12
#: the template frame is chosen among the flat-foot frames of the bout's first seconds
REF_WITHIN_S = 2.5
#: each frame's foot is cut out to this radius (foot lengths) around MediaPipe's foot centre
CROP_RADIUS = 1.3


@dataclass
class FootTrack:
    """One foot in one side-view bout: the frames to track and the template frame."""

    side: str
    bout: int
    start: int
    stop: int
    sole_sign: int          # +1 when the sole is below the heel→toe axis turned +90 deg in the image
    ref: int                # template frame
    flat: np.ndarray        # flat-foot frames (indices into the clip)
    length_px: float        # heel→toe length in the picture (median over the stance frames)


def _angle_deg(v: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(v[..., 1], v[..., 0]))


def _wrap(a):
    return (np.asarray(a) + 180.0) % 360.0 - 180.0


def plan_tracks(pose: PoseSequence, bouts: list[Bout], events: pd.DataFrame) -> list[FootTrack]:
    """Which feet can be tracked, and from which template frame (pure numpy)."""
    xy, t = pose.image_xy, pose.time_s
    dt = np.gradient(t)
    tracks = []
    for bi, b in enumerate(bouts):
        if b.view != VIEW_SIDE or b.stop - b.start < 10:
            continue
        for side, (heel, toe) in FEET.items():
            ev = events[(events["bout"] == bi) & (events["side"] == side)]
            hs = np.sort(ev.loc[ev["event"] == "hs", "time_s"].to_numpy(float))
            to = np.sort(ev.loc[ev["event"] == "to", "time_s"].to_numpy(float))
            stance = np.zeros(pose.n_frames, bool)
            for h in hs:
                nxt = to[to > h]
                if len(nxt) and nxt[0] - h < 1.5:
                    stance |= (t >= h) & (t <= nxt[0])
            stance[:b.start] = False
            stance[b.stop:] = False
            H, P = xy[:, heel], xy[:, toe]
            ok = stance & np.isfinite(H).all(1) & np.isfinite(P).all(1)
            if ok.sum() < MIN_FLAT_FRAMES:
                continue
            length = float(np.median(np.linalg.norm(P - H, axis=1)[ok]))
            if length < MIN_FOOT_PX:
                continue
            speed = np.full(pose.n_frames, np.inf)
            speed[ok] = (np.linalg.norm(np.gradient(H, axis=0), axis=1)
                         + np.linalg.norm(np.gradient(P, axis=0), axis=1))[ok] / dt[ok] / length
            idx = np.flatnonzero(ok & np.isfinite(speed))
            if len(idx) < MIN_FLAT_FRAMES:
                continue
            flat = idx[speed[idx] <= np.quantile(speed[idx], FLAT_SHARE)]
            if len(flat) < MIN_FLAT_FRAMES:
                continue
            # the template frame: the most visible, stillest flat-foot frame early in the bout
            # (frames before it wait in a small buffer until the template exists)
            early = flat[t[flat] <= t[flat[0]] + REF_WITHIN_S]
            vis = pose.visibility[early][:, [heel, toe]].min(axis=1)
            ref = int(early[np.argmax(vis - 0.01 * speed[early])])
            tracks.append(FootTrack(side=side, bout=bi, start=b.start, stop=b.stop,
                                    sole_sign=int(b.direction_sign or 1), ref=ref, flat=flat,
                                    length_px=length))
    return tracks


class _Sampler:
    """Foot-aligned patches from a grey cut-out around one foot (blurred to the sampling rate)."""

    def __init__(self, crop: np.ndarray, origin_xy: np.ndarray, length_px: float):
        import cv2

        self.cv2 = cv2
        self.step = length_px / SAMPLES_PER_FOOT          # image pixels per patch sample
        sigma = max(0.6, 0.5 * self.step)
        self.gray = cv2.GaussianBlur(crop.astype(np.float32), (0, 0), sigma)
        self.origin = np.asarray(origin_xy, float)
        self.length = length_px

    def patch(self, centre, angle_deg: float, sole_sign: int, margin: float = 0.0) -> np.ndarray:
        th = np.radians(angle_deg)
        u = np.array([np.cos(th), np.sin(th)])
        n = sole_sign * np.array([-np.sin(th), np.cos(th)])
        a0, a1 = ALONG[0] - margin, ALONG[1] + margin
        b0, b1 = ACROSS[0] - margin, ACROSS[1] + margin
        w = int(round((a1 - a0) * SAMPLES_PER_FOOT))
        h = int(round((b1 - b0) * SAMPLES_PER_FOOT))
        m = np.empty((2, 3), np.float32)
        m[:, 0] = u * self.step
        m[:, 1] = n * self.step
        m[:, 2] = np.asarray(centre) - self.origin + u * a0 * self.length + n * b0 * self.length
        return self.cv2.warpAffine(self.gray, m, (w, h), flags=self.cv2.WARP_INVERSE_MAP | self.cv2.INTER_LINEAR,
                                   borderMode=self.cv2.BORDER_REPLICATE)

    def best_turn(self, template: np.ndarray, centre, angle0: float, sole_sign: int,
                  prior: float | None = None) -> tuple[float, float]:
        """(angle, score): the patch angle around ``angle0`` that best matches ``template``.
        Turns are tried in steps of STEP_DEG. With ``prior`` (last frame's turn from
        ``angle0``) the search climbs from there; otherwise, or if that finds no good match,
        every COARSE_STEPS-th turn within MAX_TURN_DEG is tried first."""
        cv2 = self.cv2
        scores: dict[int, float] = {}
        lim = int(MAX_TURN_DEG / STEP_DEG)

        def score(k: int) -> float:
            if k not in scores:
                win = self.patch(centre, angle0 + k * STEP_DEG, sole_sign, SEARCH_MARGIN)
                scores[k] = float(cv2.minMaxLoc(cv2.matchTemplate(win, template, cv2.TM_CCOEFF_NORMED))[1])
            return scores[k]

        def climb(k: int) -> int:
            while True:
                near = [j for j in (k - 2, k - 1, k, k + 1, k + 2) if -lim <= j <= lim]
                best = max(near, key=score)
                if best == k or abs(best) == lim:
                    return best
                k = best

        best = None
        if prior is not None and np.isfinite(prior):
            best = climb(int(np.clip(round(prior / STEP_DEG), -lim, lim)))
            if scores[best] < MIN_SCORE:
                best = None
        if best is None:
            coarse = range(-lim - (-lim % COARSE_STEPS), lim + 1, COARSE_STEPS)
            best = climb(max(coarse, key=score))
        s0, s1, s2 = scores.get(best - 1), scores[best], scores.get(best + 1)
        off = 0.0
        if s0 is not None and s2 is not None and (s0 - 2 * s1 + s2) < 0:
            off = float(np.clip(0.5 * (s0 - s2) / (s0 - 2 * s1 + s2), -0.5, 0.5))
        at_edge = abs(best) >= lim
        return angle0 + (best + off) * STEP_DEG, (s1 if not at_edge else -1.0)


Frames = Callable[[], Iterator[tuple[int, float, np.ndarray]]]


def _cut(gray: np.ndarray, centre: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """A copy of the picture within ``radius`` of ``centre`` (clipped to the picture) and its
    top-left corner."""
    h, w = gray.shape[:2]
    r = int(np.ceil(radius)) + 4
    x0, y0 = int(np.floor(centre[0])) - r, int(np.floor(centre[1])) - r
    xa, ya = max(x0, 0), max(y0, 0)
    xb, yb = min(x0 + 2 * r + 1, w), min(y0 + 2 * r + 1, h)
    if xb <= xa or yb <= ya:
        return np.zeros((1, 1), gray.dtype), np.array([xa, ya], float)
    return gray[ya:yb, xa:xb].copy(), np.array([xa, ya], float)


def refine_feet(frames: Frames, pose: PoseSequence, bouts: list[Bout], events: pd.DataFrame, *,
                cutoff_hz: float = 6.0, order: int = 4) -> tuple[PoseSequence, dict]:
    """Return the pose with the heel and toe points of side-view feet turned to the tracked
    angle, and a summary for analysis.json. ``frames()`` yields ``(index, time_s, grey)`` of
    the clip from the start, upright, as the pose was computed on (one pass)."""
    tracks = plan_tracks(pose, bouts, events)
    info: dict = {"method": "template tracking of each foot in side views (normalised cross-"
                            "correlation over turns and shifts), calibrated on flat-foot frames",
                  "feet": []}
    if not tracks:
        info["why_not"] = "no side-view bout with gait events"
        return pose, info
    xy = pose.image_xy
    n = pose.n_frames
    pts = [FEET[tr.side] for tr in tracks]
    mp_angle = [_angle_deg(xy[:, b] - xy[:, a]) for a, b in pts]
    centres = [(xy[:, a] + xy[:, b]) / 2 for a, b in pts]
    length = [tr.length_px for tr in tracks]
    template: list[np.ndarray | None] = [None] * len(tracks)
    waiting: list[list] = [[] for _ in tracks]          # cut-outs seen before the template frame
    tracked = [np.full(n, np.nan) for _ in tracks]
    score = [np.full(n, np.nan) for _ in tracks]
    prior: list[float | None] = [None] * len(tracks)

    def match(k: int, i: int, crop: np.ndarray, origin: np.ndarray) -> None:
        tr = tracks[k]
        smp = _Sampler(crop, origin, length[k])
        a, sc = smp.best_turn(template[k], centres[k][i], mp_angle[k][i], tr.sole_sign, prior[k])
        tracked[k][i], score[k][i] = a, sc
        prior[k] = a - mp_angle[k][i] if sc >= MIN_SCORE else None

    first = min(tr.start for tr in tracks)
    last = max(tr.stop for tr in tracks)
    for i, _, gray in frames():
        if i < first:
            continue
        if i >= last:
            break
        for k, tr in enumerate(tracks):
            c = centres[k][i]
            if not tr.start <= i < tr.stop or not np.isfinite(c).all() or not np.isfinite(mp_angle[k][i]):
                continue
            crop, origin = _cut(gray, c, CROP_RADIUS * length[k])
            if template[k] is None and i != tr.ref:
                waiting[k].append((i, crop, origin))
                continue
            if template[k] is None:
                template[k] = _Sampler(crop, origin, length[k]).patch(c, mp_angle[k][i], tr.sole_sign)
                for j, cj, oj in waiting[k]:
                    match(k, j, cj, oj)
                waiting[k] = []
                prior[k] = None
            match(k, i, crop, origin)

    out = xy.copy()
    for k, tr in enumerate(tracks):
        heel, toe = pts[k]
        sl = slice(tr.start, tr.stop)
        mp = mp_angle[k]
        # tracked angles are turns relative to the template frame's MediaPipe angle
        rot = _wrap(tracked[k] - mp[tr.ref])
        flat_ok = tr.flat[np.isfinite(rot[tr.flat]) & (score[k][tr.flat] >= MIN_SCORE)]
        if len(flat_ok) < MIN_FLAT_FRAMES:
            info["feet"].append({"side": tr.side, "bout": tr.bout, "used": False,
                                 "why": "the template did not match its own flat-foot frames"})
            continue
        flat_score = float(np.median(score[k][tr.flat]))
        flat_rot = rot[flat_ok]
        mad = float(np.median(np.abs(_wrap(flat_rot - _circular_median(flat_rot)))))
        if flat_score < MIN_FLAT_SCORE or mad > MAX_FLAT_MAD_DEG:
            info["feet"].append({"side": tr.side, "bout": tr.bout, "used": False,
                                 "why": f"the foot does not stand out well enough (flat-foot match "
                                        f"{flat_score:.2f}, calibration spread {mad:.1f} deg)"})
            continue
        good = np.isfinite(rot) & (score[k] >= MIN_SCORE)
        good &= np.abs(_wrap(rot - _running_median(np.where(good, rot, np.nan), JUMP_WINDOW))) <= MAX_JUMP_DEG
        # the template frame's true angle: MediaPipe's angle minus the tracked rotation, median
        # over every well-tracked frame of the bout (MediaPipe's errors average out over the
        # gait cycle; on the flat-foot frames alone they need not)
        base = _circular_median(mp[good] - rot[good])
        good[:tr.start] = False
        good[tr.stop:] = False
        refined = np.where(good, mp + _wrap(base + rot - mp), mp)      # near MediaPipe's branch
        seg = refined[sl]
        fin = np.isfinite(seg)
        if fin.sum() > 2 * order + 2:
            un = np.full(len(seg), np.nan)
            un[fin] = np.degrees(np.unwrap(np.radians(seg[fin])))
            filt, _ = lowpass(un[:, None], pose.time_s[sl], cutoff_hz, order)
            seg = filt[:, 0]
        H, P = xy[sl, heel], xy[sl, toe]
        centre = (H + P) / 2
        half = np.linalg.norm(P - H, axis=1)[:, None] / 2
        u = np.stack([np.cos(np.radians(seg)), np.sin(np.radians(seg))], axis=1)
        okf = np.isfinite(seg)[:, None] & np.isfinite(centre)
        out[sl, heel] = np.where(okf, centre - u * half, H)
        out[sl, toe] = np.where(okf, centre + u * half, P)
        inb = good[sl]
        info["feet"].append({
            "side": tr.side, "bout": tr.bout, "used": True, "template_frame": tr.ref,
            "flat_frames": int(len(flat_ok)), "frames_tracked": int(inb.sum()),
            "frames_in_bout": int(tr.stop - tr.start),
            "median_match": float(np.nanmedian(score[k][sl][inb])) if inb.any() else None,
            "flat_match": flat_score, "calibration_spread_deg": mad,
            "mean_abs_change_deg": float(np.nanmean(np.abs(_wrap(seg - mp[sl])))),
        })
    return PoseSequence(pose.time_s, out, pose.world_xyz, pose.visibility, pose.presence,
                        pose.resolution_wh), info


def _circular_median(a_deg: np.ndarray) -> float:
    """Median of angles that may straddle +-180 deg (around their circular mean)."""
    r = np.radians(np.asarray(a_deg, float))
    centre = np.degrees(np.arctan2(np.sin(r).mean(), np.cos(r).mean()))
    return float(_wrap(centre + np.median(_wrap(np.degrees(r) - centre))))


def _running_median(x: np.ndarray, window: int) -> np.ndarray:
    """NaN-ignoring centred running median (NaN where the window holds no value)."""
    h = window // 2
    pad = np.pad(x, h, constant_values=np.nan)
    stack = np.lib.stride_tricks.sliding_window_view(pad, window)
    out = np.full(len(x), np.nan)
    ok = np.isfinite(stack).any(axis=1)
    out[ok] = np.nanmedian(stack[ok], axis=1)
    return out
