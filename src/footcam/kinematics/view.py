"""Walking bouts, camera view and walking direction, from the followed person's landmarks.

Pure numpy. A bout is a run of frames with one walking direction; a turn starts a new bout.

- The direction comes from the motion of the hip centre in the image (across: left-to-right /
  right-to-left) and from the change of the body's image size (toward / away from the camera).
- The view comes from the orientation of the hip and shoulder lines: across the image in a
  front/back view, pointing into the image (foreshortened) in a side view. Both MediaPipe's world
  points (hip line in the x–z plane) and the image widths vote.
- Front or back: walking toward the camera is a front view, away is a back view; for a subject
  who does not travel, the face decides (nose in front of the ears in depth).
- Facing comes from the body, never from the travel: which way the toes point from the heels,
  which way the knees bend, which way the nose points from the ears (:func:`facing_evidence`).
  Walking backward, a clip played in reverse, a treadmill, stepping in place or a camera that
  pans with the walker all give the facing of the body; the travel is recorded beside it.
"""
from __future__ import annotations

import numpy as np

from ..constants import (L_ANKLE, L_EAR, L_FOOT_INDEX, L_HEEL, L_HIP, L_KNEE, L_SHOULDER, NOSE,
                         R_ANKLE, R_EAR, R_FOOT_INDEX, R_HEEL, R_HIP, R_KNEE, R_SHOULDER,
                         VIEW_BACK, VIEW_FRONT, VIEW_OBLIQUE, VIEW_SIDE, VIEW_UNKNOWN)
from ..types import Bout, PoseSequence

#: |view angle| below this is a side view, above ``FRONT_MIN_DEG`` a front/back view (degrees of
#: the walking direction toward the camera: 0 side-on, 90 straight toward/away)
SIDE_MAX_DEG = 25.0
FRONT_MIN_DEG = 65.0
#: hip-centre speed across the image, body heights per second, that counts as walking across
ACROSS_MIN_BH_PER_S = 0.12
#: change of log body size per second that counts as walking toward/away from the camera
DEPTH_MIN_LOG_PER_S = 0.05
#: shortest bout; shorter direction runs are merged into their neighbours
MIN_BOUT_S = 0.8
#: facing cues (image x offsets in body heights) and the offset at which each counts fully:
#: toe ahead of the heel (a foot is ~0.35 body heights long), nose ahead of the ears (~0.1),
#: knee ahead of the hip-ankle line (bent knees point forward; ~0.05 in mid-swing)
FACING_SCALE = {"foot": 0.1, "face": 0.04, "knee": 0.03}
#: a bout (or a stretch of frames) faces a way when its mean cue agrees this clearly
FACING_MIN = 0.3
#: facing only splits bouts where the hip/shoulder lines point into the picture (side-ish views)
FACING_VIEW_MAX_DEG = 45.0


def _smooth(x: np.ndarray, t: np.ndarray, window_s: float) -> np.ndarray:
    """Centred moving average over a time window, ignoring NaN (NaN where nothing is near)."""
    out = np.full_like(x, np.nan, dtype=float)
    ok = np.isfinite(x)
    if not ok.any():
        return out
    cs = np.concatenate([[0.0], np.cumsum(np.where(ok, x, 0.0))])
    cn = np.concatenate([[0], np.cumsum(ok)])
    lo = np.searchsorted(t, t - window_s / 2, side="left")
    hi = np.searchsorted(t, t + window_s / 2, side="right")
    n = cn[hi] - cn[lo]
    good = n > 0
    out[good] = (cs[hi] - cs[lo])[good] / n[good]
    return out


def _gradient(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    ok = np.isfinite(x)
    g = np.full_like(x, np.nan, dtype=float)
    if ok.sum() >= 3:
        g[ok] = np.gradient(x[ok], t[ok])
    return g


def body_height_px(image_xy: np.ndarray) -> np.ndarray:
    """(T,) shoulder→hip→ankle length in pixels: a size that ignores arms and head."""
    sh = (image_xy[:, L_SHOULDER] + image_xy[:, R_SHOULDER]) / 2
    hp = (image_xy[:, L_HIP] + image_xy[:, R_HIP]) / 2
    an = (image_xy[:, L_ANKLE] + image_xy[:, R_ANKLE]) / 2
    return np.linalg.norm(sh - hp, axis=1) + np.linalg.norm(hp - an, axis=1)


def facing_evidence(image_xy: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """(T,) in -1..+1: how clearly the body faces +x (+1) or -x (-1) in the picture, NaN where no
    cue is seen. The mean of three anatomical cues, each ``tanh(offset / scale)`` weighted by
    the visibility of its landmarks: toe ahead of the heel (each foot), nose ahead of the ears,
    knee ahead of the hip-ankle line (each leg; a knee only bends forward). None of them depends
    on which way the subject moves."""
    xy = np.asarray(image_xy, float)
    vis = np.asarray(visibility, float)
    h = body_height_px(xy)
    cues, weights = [], []

    def add(offset, scale, w):
        with np.errstate(invalid="ignore", divide="ignore"):
            c = np.tanh(offset / (scale * h))
        ok = np.isfinite(c) & np.isfinite(w)
        cues.append(np.where(ok, c, 0.0))
        weights.append(np.where(ok, np.clip(w, 0, 1), 0.0))

    for heel, toe in ((L_HEEL, L_FOOT_INDEX), (R_HEEL, R_FOOT_INDEX)):
        add(xy[:, toe, 0] - xy[:, heel, 0], FACING_SCALE["foot"], np.fmin(vis[:, heel], vis[:, toe]))
    ears_x = (xy[:, L_EAR, 0] + xy[:, R_EAR, 0]) / 2
    add(xy[:, NOSE, 0] - ears_x, FACING_SCALE["face"],
        np.fmin(vis[:, NOSE], np.fmax(vis[:, L_EAR], vis[:, R_EAR])))
    for hip, knee, ank in ((L_HIP, L_KNEE, L_ANKLE), (R_HIP, R_KNEE, R_ANKLE)):
        H, K, A = xy[:, hip], xy[:, knee], xy[:, ank]
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = (K[:, 1] - H[:, 1]) / (A[:, 1] - H[:, 1])
            line_x = H[:, 0] + (A[:, 0] - H[:, 0]) * frac
        add(K[:, 0] - line_x, FACING_SCALE["knee"],
            np.fmin(np.fmin(vis[:, hip], vis[:, knee]), vis[:, ank]))
    c, w = np.stack(cues), np.stack(weights)
    tot = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, (c * w).sum(axis=0) / tot, np.nan)


def view_angle_from_world(world_xyz: np.ndarray) -> np.ndarray:
    """(T,) degrees: 90 when the hip+shoulder lines run across the image (front/back), 0 when
    they point into it (side). From MediaPipe world points (x right, z depth)."""
    v = (world_xyz[:, R_HIP] - world_xyz[:, L_HIP]) + (world_xyz[:, R_SHOULDER] - world_xyz[:, L_SHOULDER])
    return np.degrees(np.arctan2(np.abs(v[:, 0]), np.abs(v[:, 2])))


def _fill_unknown(lab: np.ndarray) -> np.ndarray:
    """Frames labelled 0 (unknown) take the label of the nearest known frame before them (else
    after them): only a change between two known labels is a change."""
    out = lab.copy()
    known = np.flatnonzero(out != 0)
    if not len(known):
        return out
    idx = np.searchsorted(known, np.arange(len(out)), side="right") - 1
    idx = np.where(idx < 0, 0, idx)
    return out[known[idx]]


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    out = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            out.append((start, i, int(labels[start])))
            start = i
    return out


def classify_bouts(pose: PoseSequence, breaks: tuple[int, ...] | list[int] = ()) -> list[Bout]:
    """Split the clip into walking bouts and classify each one's view and direction.
    ``breaks``: frames that start a new shot (scene cuts); no bout spans one."""
    t = pose.time_s
    n = pose.n_frames
    if n == 0:
        return []
    xy = pose.image_xy
    h = body_height_px(xy)
    med_h = np.nanmedian(h) if np.isfinite(h).any() else np.nan
    hip_x = (xy[:, L_HIP, 0] + xy[:, R_HIP, 0]) / 2
    # motion over ~1 s windows (a gait cycle), so sway and arm swing average out
    vx = _gradient(_smooth(hip_x, t, 1.0), t) / med_h                   # body heights / s
    dlog = _gradient(_smooth(np.log(h), t, 1.0), t)                     # 1 / s
    across = np.where(np.isfinite(vx), np.sign(vx) * (np.abs(vx) > ACROSS_MIN_BH_PER_S), 0)
    vang_world = view_angle_from_world(pose.world_xyz)
    facing = _smooth(facing_evidence(xy, pose.visibility), t, 1.0)
    side_ish = _smooth(vang_world, t, 1.0) < FACING_VIEW_MAX_DEG
    face_lab = np.where(side_ish & (np.abs(np.nan_to_num(facing)) >= FACING_MIN), np.sign(facing), 0)
    face_lab = _fill_unknown(face_lab.astype(int))
    # a label per frame from travel (+1 / -1 across, 0 otherwise) and facing (+1 / -1, 0 unknown
    # or not side-on): a turn, or turning round in place, starts a new bout
    lab = (3 * (across.astype(int) + 1) + (face_lab.astype(int) + 1))
    min_len = max(1, int(round(MIN_BOUT_S * (n - 1) / max(t[-1] - t[0], 1e-9))))
    edges = [0] + sorted(int(c) for c in breaks if 0 < int(c) < n) + [n]
    evidence = facing_evidence(xy, pose.visibility)
    bouts = []
    for lo, hi in zip(edges, edges[1:]):
        for a, b, v in _merged_runs(lab[lo:hi].copy(), min_len):
            bouts.append(_classify(pose, lo + a, lo + b, v // 3 - 1, vx, dlog, vang_world, evidence))
    return bouts


def _merged_runs(lab: np.ndarray, min_len: int) -> list[tuple[int, int, int]]:
    """Runs of equal labels, each shorter than ``min_len`` merged into its longer neighbour."""
    runs = _runs(lab)
    changed = True
    while changed and len(runs) > 1:
        changed = False
        for k, (a, b, v) in enumerate(runs):
            if b - a < min_len:
                if k == 0:
                    nb = runs[1][2]
                elif k == len(runs) - 1:
                    nb = runs[-2][2]
                else:
                    left, right = runs[k - 1], runs[k + 1]
                    nb = left[2] if (left[1] - left[0]) >= (right[1] - right[0]) else right[2]
                lab[a:b] = nb
                runs = _runs(lab)
                changed = True
                break
    return runs


def _classify(pose: PoseSequence, a: int, b: int, across: int, vx, dlog, vang_world,
              facing) -> Bout:
    reasons = []
    seg = slice(a, b)
    w_ang = np.nanmedian(vang_world[seg]) if np.isfinite(vang_world[seg]).any() else np.nan
    speed_across = np.nanmedian(np.abs(vx[seg])) if np.isfinite(vx[seg]).any() else np.nan
    depth_rate = np.nanmedian(dlog[seg]) if np.isfinite(dlog[seg]).any() else np.nan
    if not np.isfinite(w_ang):
        return Bout(a, b, VIEW_UNKNOWN, "unknown", 0, reasons=("no pose in this bout",))
    reasons.append(f"hip/shoulder lines at {w_ang:.0f} deg to the image plane depth axis "
                   f"(MediaPipe world points)")
    if np.isfinite(speed_across):
        reasons.append(f"moves {speed_across:.2f} body heights/s across the image")
    if np.isfinite(depth_rate):
        reasons.append(f"image size changes {depth_rate:+.3f} log/s")
    toward = np.isfinite(depth_rate) and depth_rate > DEPTH_MIN_LOG_PER_S
    away = np.isfinite(depth_rate) and depth_rate < -DEPTH_MIN_LOG_PER_S
    if w_ang < SIDE_MAX_DEG:
        view = VIEW_SIDE
    elif w_ang > FRONT_MIN_DEG:
        view = None      # front or back, decided below
    else:
        view = VIEW_OBLIQUE
    if view is None:
        if toward:
            view = VIEW_FRONT
            reasons.append("walks toward the camera: front view")
        elif away:
            view = VIEW_BACK
            reasons.append("walks away from the camera: back view")
        else:
            w = pose.world_xyz[a:b]
            nose_ahead = np.nanmedian(w[:, NOSE, 2] - (w[:, L_EAR, 2] + w[:, R_EAR, 2]) / 2)
            view = VIEW_FRONT if not np.isfinite(nose_ahead) or nose_ahead < 0 else VIEW_BACK
            reasons.append("no travel toward/away; the face "
                           + ("faces" if view == VIEW_FRONT else "faces away from") + " the camera")
    if across > 0:
        direction = "left_to_right"
    elif across < 0:
        direction = "right_to_left"
    elif toward:
        direction = "toward_camera"
    elif away:
        direction = "away_from_camera"
    else:
        direction = "stationary"
    # which way the body faces, from the body itself (toes, knees, face), never from the travel
    f = facing[seg]
    f_mean = float(np.nanmean(f)) if np.isfinite(f).any() else np.nan
    if np.isfinite(f_mean) and abs(f_mean) >= FACING_MIN / 2:
        face = 1 if f_mean > 0 else -1
        reasons.append(f"faces image {'right' if face > 0 else 'left'} (toes, knees and face: "
                       f"{f_mean:+.2f})")
    else:
        face = int(across) if across else 1
        reasons.append("facing unclear from the body: taken from the travel"
                       if across else "facing unclear from the body and no travel: assumed image right")
    if across and face != across and view in (VIEW_SIDE, VIEW_OBLIQUE):
        reasons.append("moves against the way the body faces: walking backward, or the clip "
                       "plays in reverse")
    sign = face if view in (VIEW_SIDE, VIEW_OBLIQUE) else 0
    # confidence: how far the angle sits from the nearest class boundary (1 = 20 deg or more)
    margin = min(abs(w_ang - SIDE_MAX_DEG), abs(w_ang - FRONT_MIN_DEG))
    conf = min(margin / 20.0, 1.0)
    return Bout(a, b, view, direction, sign, view_angle_deg=float(w_ang),
                confidence=float(conf), reasons=tuple(reasons),
                travel_sign=int(across) if view in (VIEW_SIDE, VIEW_OBLIQUE) else 0)
