"""Walking bouts, camera view and walking direction, from the followed person's landmarks.

Pure numpy. A bout is a run of frames with one walking direction; a turn starts a new bout.

- The direction comes from the motion of the hip centre in the image (across: left-to-right /
  right-to-left) and from the change of the body's image size (toward / away from the camera).
- The view comes from the orientation of the hip and shoulder lines: across the image in a
  front/back view, pointing into the image (foreshortened) in a side view. Both MediaPipe's world
  points (hip line in the x–z plane) and the image widths vote.
- Front or back: walking toward the camera is a front view, away is a back view; for a subject
  who does not travel, the face decides (nose in front of the ears in depth).
"""
from __future__ import annotations

import numpy as np

from ..constants import (L_ANKLE, L_EAR, L_HIP, L_SHOULDER, NOSE, R_ANKLE, R_EAR, R_HIP,
                         R_SHOULDER, VIEW_BACK, VIEW_FRONT, VIEW_OBLIQUE, VIEW_SIDE, VIEW_UNKNOWN)
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


def view_angle_from_world(world_xyz: np.ndarray) -> np.ndarray:
    """(T,) degrees: 90 when the hip+shoulder lines run across the image (front/back), 0 when
    they point into it (side). From MediaPipe world points (x right, z depth)."""
    v = (world_xyz[:, R_HIP] - world_xyz[:, L_HIP]) + (world_xyz[:, R_SHOULDER] - world_xyz[:, L_SHOULDER])
    return np.degrees(np.arctan2(np.abs(v[:, 0]), np.abs(v[:, 2])))


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    out = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            out.append((start, i, int(labels[start])))
            start = i
    return out


def classify_bouts(pose: PoseSequence) -> list[Bout]:
    """Split the clip into walking bouts and classify each one's view and direction."""
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
    # direction label per frame: +1 / -1 across, 0 otherwise
    lab = across.astype(int)
    runs = _runs(lab)
    # merge short runs into the longer neighbour
    min_len = max(1, int(round(MIN_BOUT_S * (n - 1) / max(t[-1] - t[0], 1e-9))))
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
    vang_world = view_angle_from_world(pose.world_xyz)
    bouts = []
    for a, b, v in runs:
        bouts.append(_classify(pose, a, b, v, vx, dlog, vang_world, h))
    return bouts


def _classify(pose: PoseSequence, a: int, b: int, across: int, vx, dlog, vang_world, h) -> Bout:
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
    if view == VIEW_SIDE and across == 0:
        # side-on but not travelling (treadmill, standing): take the facing direction from the feet
        foot = pose.image_xy[a:b]
        toe_ahead = np.nanmedian(np.concatenate([
            foot[:, 31, 0] - foot[:, 29, 0], foot[:, 32, 0] - foot[:, 30, 0]]))
        across = 1 if not np.isfinite(toe_ahead) or toe_ahead >= 0 else -1
        reasons.append("side view without travel: facing direction from heel→toe")
    sign = int(across) if view in (VIEW_SIDE, VIEW_OBLIQUE) else 0
    # confidence: how far the angle sits from the nearest class boundary (1 = 20 deg or more)
    margin = min(abs(w_ang - SIDE_MAX_DEG), abs(w_ang - FRONT_MIN_DEG))
    conf = min(margin / 20.0, 1.0)
    return Bout(a, b, view, direction, sign, view_angle_deg=float(w_ang),
                confidence=float(conf), reasons=tuple(reasons))
