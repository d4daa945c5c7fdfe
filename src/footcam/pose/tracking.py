"""Follow one person: link per-frame detections into tracks, then pick the walker.

A track never takes over another person's detection: association is gated by distance in body
heights, so identity cannot switch mid-clip; a person who leaves and comes back far away starts a
new track. The walker is the track that covers the clip and travels (across the image, or toward
or away from the camera) with alternating feet; ``person=N`` picks track N instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..constants import L_ANKLE, L_HIP, L_SHOULDER, N_LANDMARKS, R_ANKLE, R_HIP, R_SHOULDER
from ..errors import NoPersonError
from ..types import PoseSequence
from .landmarker import Detection

#: a detection joins a track only if its centre is within this many body heights of the track's
GATE_BODY_HEIGHTS = 0.6
#: a track not seen for this long is closed
MAX_TRACK_GAP_S = 1.0


def _centre_and_height(d: Detection) -> tuple[np.ndarray, float]:
    xy = d.image_xy
    hips = (xy[L_HIP] + xy[R_HIP]) / 2
    shoulders = (xy[L_SHOULDER] + xy[R_SHOULDER]) / 2
    ankles = (xy[L_ANKLE] + xy[R_ANKLE]) / 2
    h = float(np.linalg.norm(shoulders - hips) + np.linalg.norm(hips - ankles))
    bb = d.bbox_xyxy
    h = max(h, 0.5 * float(bb[3] - bb[1]), 1.0)
    return hips, h


@dataclass
class Track:
    id: int
    frames: list[int] = field(default_factory=list)
    detections: list[Detection] = field(default_factory=list)
    centres: list[np.ndarray] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)
    last_time_s: float = 0.0

    def add(self, frame: int, t: float, d: Detection):
        c, h = _centre_and_height(d)
        self.frames.append(frame)
        self.detections.append(d)
        self.centres.append(c)
        self.heights.append(h)
        self.last_time_s = t

    def predict(self) -> np.ndarray:
        if len(self.centres) >= 2:
            return self.centres[-1] + (self.centres[-1] - self.centres[-2])
        return self.centres[-1]


class Tracker:
    """Online association of detections to tracks (Hungarian on gated centre distances)."""

    def __init__(self):
        self.tracks: list[Track] = []
        self._open: list[Track] = []
        self.max_simultaneous = 0

    def people_taking_turns(self, time_s: np.ndarray, min_s: float = 0.3,
                            cuts: tuple[int, ...] = ()) -> bool:
        """In a single-pose pass: did MediaPipe switch to another person? A track that starts
        within ``MAX_TRACK_GAP_S`` of another one ending, away from where it ended (else they
        would be one track), is another person taking over. The same walker leaving the picture
        and coming back later is not, nor a new shot after a scene cut (``cuts``: the frames
        that start a shot)."""
        spans = sorted((time_s[tr.frames[0]], time_s[tr.frames[-1]], tr.frames[0]) for tr in self.tracks
                       if len(tr.frames) > 1 and time_s[tr.frames[-1]] - time_s[tr.frames[0]] >= min_s)
        at_cut = lambda f: any(abs(f - c) <= 2 for c in cuts)  # noqa: E731
        return any(b0 - a1 <= MAX_TRACK_GAP_S and not at_cut(f0)
                   for (_, a1, _), (b0, _, f0) in zip(spans, spans[1:]))

    def update(self, frame: int, t: float, dets: list[Detection]):
        self.max_simultaneous = max(self.max_simultaneous, len(dets))
        self._open = [tr for tr in self._open if t - tr.last_time_s <= MAX_TRACK_GAP_S]
        if not dets:
            return
        cost = np.full((len(self._open), len(dets)), np.inf)
        info = [_centre_and_height(d) for d in dets]
        for i, tr in enumerate(self._open):
            p = tr.predict()
            h = np.median(tr.heights[-15:])
            for j, (c, hd) in enumerate(info):
                dist = np.linalg.norm(c - p) / h
                size = abs(np.log(hd / h))
                if dist <= GATE_BODY_HEIGHTS and size < 0.5:
                    cost[i, j] = dist + size
        matched = set()
        if cost.size:
            big = 1e6
            r, c = linear_sum_assignment(np.where(np.isfinite(cost), cost, big))
            for i, j in zip(r, c):
                if np.isfinite(cost[i, j]):
                    self._open[i].add(frame, t, dets[j])
                    matched.add(j)
        for j, d in enumerate(dets):
            if j not in matched:
                tr = Track(id=len(self.tracks))
                tr.add(frame, t, d)
                self.tracks.append(tr)
                self._open.append(tr)


def _track_stats(tr: Track, time_s: np.ndarray) -> dict:
    n_total = len(time_s)
    c = np.array(tr.centres)
    h = np.array(tr.heights)
    med_h = float(np.median(h))
    t = time_s[np.array(tr.frames)]
    # horizontal travel in body heights, measured over ~0.5 s hops so jitter does not add up
    travel = 0.0
    if len(t) > 1:
        grid = np.arange(t[0], t[-1] + 1e-9, 0.5)
        xs = np.interp(grid, t, c[:, 0])
        travel = float(np.sum(np.abs(np.diff(xs)))) / med_h
    # toward/away travel as the log size change (robust: 10th..90th percentile)
    scale = float(np.log(np.percentile(h, 90) / np.percentile(h, 10))) if len(h) > 4 else 0.0
    # alternating feet: spread of the ankle separation along x, in body heights
    ank = np.array([d.image_xy[L_ANKLE, 0] - d.image_xy[R_ANKLE, 0] for d in tr.detections])
    stride = float(np.std(ank)) / med_h if len(ank) > 2 else 0.0
    coverage = len(tr.frames) / max(n_total, 1)
    motion = travel + 3.0 * scale
    score = coverage * (0.1 + motion) * (0.3 + min(stride / 0.08, 1.0))
    return {"track": tr.id, "frames": len(tr.frames), "coverage": round(coverage, 3),
            "first_s": round(float(t[0]), 3), "last_s": round(float(t[-1]), 3),
            "median_height_px": round(med_h, 1), "travel_body_heights": round(travel, 2),
            "size_change_log": round(scale, 3), "stride_spread": round(stride, 3),
            "mean_presence": round(float(np.mean([d.score for d in tr.detections])), 3),
            "score": round(score, 4)}


@dataclass(frozen=True)
class Selection:
    pose: PoseSequence
    track: int
    reason: str
    tracks: list[dict]
    people_seen: int            # most people detected in one frame
    frames_with_person: int

    def to_dict(self) -> dict:
        return {"people_seen_max_per_frame": self.people_seen,
                "tracks": self.tracks, "followed_track": self.track, "reason": self.reason,
                "frames_with_followed_person": self.frames_with_person}


def _within(tr: Track, lo: int, hi: int) -> Track | None:
    """The part of a track inside frames [lo, hi) (None if empty)."""
    keep = [i for i, f in enumerate(tr.frames) if lo <= f < hi]
    if not keep:
        return None
    return Track(id=tr.id, frames=[tr.frames[i] for i in keep], detections=[tr.detections[i] for i in keep],
                 centres=[tr.centres[i] for i in keep], heights=[tr.heights[i] for i in keep])


def select_person(tracker: Tracker, time_s: np.ndarray, resolution_wh: tuple[int, int],
                  person: str = "auto", path: str | None = None,
                  shots: list[tuple[int, int]] | None = None) -> Selection:
    """Choose the track to follow and build its PoseSequence (NaN where it was not seen).

    ``shots``: frame ranges [start, stop) between scene cuts. With more than one, the walker
    is chosen in each shot on its own (a cut breaks every track) and the shots are joined."""
    n = len(time_s)
    tracks = [tr for tr in tracker.tracks if len(tr.frames) >= 1]
    if not tracks:
        raise NoPersonError(f"no person visible in {n} of {n} frames", path)
    if shots and len(shots) > 1 and person == "auto":
        parts, reasons = [], []
        for lo, hi in shots:
            sub = [x for x in (_within(tr, lo, hi) for tr in tracks) if x is not None]
            if not sub:
                continue
            st = [_track_stats(x, time_s) for x in sub]
            # coverage within the shot, not the clip
            for s_, x in zip(st, sub):
                s_["coverage"] = round(len(x.frames) / max(hi - lo, 1), 3)
            best = int(np.argmax([s_["score"] for s_ in st]))
            parts.append(sub[best])
            reasons.append(f"shot {len(parts)} ({time_s[lo]:.1f}-{time_s[hi - 1]:.1f} s): track {sub[best].id}")
        if parts:
            stitched = Track(id=parts[0].id)
            for x in parts:
                stitched.frames += x.frames
                stitched.detections += x.detections
                stitched.centres += x.centres
                stitched.heights += x.heights
            stats = sorted((_track_stats(tr, time_s) for tr in tracks), key=lambda s_: -s_["score"])
            reason = (f"the walker followed in each of {len(shots)} shots (scene cuts): "
                      + "; ".join(reasons))
            return _selection(stitched, reason, stats, tracker, time_s, resolution_wh)
    stats = [_track_stats(tr, time_s) for tr in tracks]
    if person != "auto":
        k = int(person)
        ids = [s["track"] for s in stats]
        if k not in ids:
            raise NoPersonError(f"--person {k}: no such track; tracks found: "
                                f"{', '.join(map(str, ids))}", path)
        chosen = next(tr for tr in tracks if tr.id == k)
        reason = f"track {k} chosen by --person"
    else:
        best = int(np.argmax([s["score"] for s in stats]))
        chosen = tracks[best]
        s = stats[best]
        if len(tracks) == 1:
            reason = "the only person tracked"
        else:
            reason = (f"track {chosen.id} walks the most: in view {s['coverage']:.0%} of the clip, "
                      f"travels {s['travel_body_heights']:.1f} body heights across and "
                      f"{s['size_change_log']:.2f} log-size toward/away, with alternating feet "
                      f"(spread {s['stride_spread']:.2f}); highest walker score of {len(tracks)} tracks")
    stats.sort(key=lambda s: -s["score"])
    return _selection(chosen, reason, stats, tracker, time_s, resolution_wh)


def _selection(chosen: Track, reason: str, stats: list[dict], tracker: Tracker, time_s: np.ndarray,
               resolution_wh: tuple[int, int]) -> Selection:
    n = len(time_s)
    xy = np.full((n, N_LANDMARKS, 2), np.nan)
    w = np.full((n, N_LANDMARKS, 3), np.nan)
    vis = np.zeros((n, N_LANDMARKS))
    pres = np.zeros((n, N_LANDMARKS))
    for f, d in zip(chosen.frames, chosen.detections):
        xy[f], w[f], vis[f], pres[f] = d.image_xy, d.world_xyz, d.visibility, d.presence
    pose = PoseSequence(time_s, xy, w, vis, pres, resolution_wh)
    return Selection(pose, chosen.id, reason, stats, tracker.max_simultaneous, len(chosen.frames))
