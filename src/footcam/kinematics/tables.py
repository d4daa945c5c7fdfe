"""The per-frame angle table: every ANGLES.md column, computed per bout for what its view supports.

Pure numpy/pandas.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import (ANGLE_COLUMNS, L_ANKLE, L_FOOT_INDEX, L_HEEL, L_HIP, L_KNEE,
                         L_SHOULDER, R_ANKLE, R_FOOT_INDEX, R_HEEL, R_HIP, R_KNEE, R_SHOULDER,
                         SAGITTAL_COLUMNS, TRANSVERSE_COLUMNS, VIEW_BACK, VIEW_FRONT,
                         VIEW_OBLIQUE, VIEW_SIDE, VIEW_SUPPORTS)
from ..types import Bout, PoseSequence
from .angles import estimate_forward, sagittal_angles, stance_from_world, transverse_angles

#: the landmarks the angles rest on; their visibility makes the per-frame quality
QUALITY_LANDMARKS = (L_SHOULDER, R_SHOULDER, L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE,
                     L_HEEL, R_HEEL, L_FOOT_INDEX, R_FOOT_INDEX)
UP_WORLD = np.array([0.0, -1.0, 0.0])     # MediaPipe world: y points down
#: In a side view the leg away from the camera is partly hidden behind the near one. Its angles
#: are less accurate: on the rendered side views (README, "Accuracy") hip 5.2 vs 3.5 deg RMSE and
#: knee 8.3 vs 5.0. ``far_leg_quality`` in angles.csv says so per frame (near-leg error / far-leg
#: error, about 0.6); the near leg is named in ``near_leg``.
FAR_LEG_QUALITY = 0.6
#: the walking direction in MediaPipe's world, known roughly from the image motion: it orients
#: the hip-line perpendicular (and so repairs a bout whose left/right labels are mirrored)
FORWARD_HINT = {"toward_camera": np.array([0.0, 0.0, -1.0]),
                "away_from_camera": np.array([0.0, 0.0, 1.0])}

WHY_NOT = {
    VIEW_SIDE: "a side view shows the sagittal plane only: film from the front or back to "
               "measure pelvic rotation/obliquity, trunk lean, foot progression and hip rotation",
    VIEW_FRONT: "a front view hides the sagittal plane: film from the side to measure ankle "
                "dorsiflexion, knee and hip flexion and trunk (lumbar proxy) extension",
    VIEW_BACK: "a back view hides the sagittal plane: film from the side to measure ankle "
               "dorsiflexion, knee and hip flexion and trunk (lumbar proxy) extension; and "
               "from behind MediaPipe's 3D model turns the feet toward the camera, so foot "
               "progression and hip rotation need a front view",
    VIEW_OBLIQUE: "an oblique view foreshortens the sagittal plane: film from the side to "
                  "measure ankle dorsiflexion, knee and hip flexion and trunk extension",
}


def frame_quality(pose: PoseSequence, filled: np.ndarray | None = None) -> np.ndarray:
    """(T,) 0..1: mean MediaPipe visibility of the leg and trunk landmarks; 0 without a pose;
    halved where the frame was filled by interpolation."""
    q = np.mean(pose.visibility[:, QUALITY_LANDMARKS], axis=1)
    q = np.where(pose.detected, q, 0.0)
    if filled is not None:
        q = np.where(filled & ~pose.detected, 0.5 * q, q)
    return np.clip(q, 0.0, 1.0)


def angles_table(pose: PoseSequence, bouts: list[Bout],
                 quality: np.ndarray | None = None) -> tuple[pd.DataFrame, dict]:
    """Return the angles DataFrame (``frame``, ``time_s``, ANGLE_COLUMNS, ``bout``, ``view``,
    ``quality``) and, per column, whether it is available and why not."""
    n = pose.n_frames
    cols = {c: np.full(n, np.nan) for c in ANGLE_COLUMNS}
    bout_idx = np.full(n, -1)
    view = np.array(["unknown"] * n, dtype=object)
    near = np.array([""] * n, dtype=object)
    for k, b in enumerate(bouts):
        sl = slice(b.start, b.stop)
        bout_idx[sl] = k
        view[sl] = b.view
        if b.view == VIEW_SIDE and b.direction_sign:
            # walking left-to-right the camera sees the right side (ANGLES.md's sagittal frame)
            near[sl] = "r" if b.direction_sign > 0 else "l"
        supported = VIEW_SUPPORTS.get(b.view, ())
        if not supported:
            continue
        if set(SAGITTAL_COLUMNS) & set(supported):
            sag = sagittal_angles(pose.image_xy[sl], b.direction_sign or 1)
            for c, v in sag.items():
                if c in supported:
                    cols[c][sl] = v
        if set(TRANSVERSE_COLUMNS) & set(supported):
            w = pose.world_xyz[sl]
            if np.isfinite(w).any():
                hint = FORWARD_HINT.get(b.direction)
                if hint is None and b.view == VIEW_FRONT:
                    hint = FORWARD_HINT["toward_camera"]
                elif hint is None and b.view == VIEW_BACK:
                    hint = FORWARD_HINT["away_from_camera"]
                fwd = estimate_forward(w, UP_WORLD, hint=hint)
                stance = stance_from_world(w, fwd, pose.time_s[sl])
                tr = transverse_angles(w, fwd, UP_WORLD, stance)
                for c, v in tr.items():
                    if c in supported:
                        cols[c][sl] = v
    df = pd.DataFrame({"frame": np.arange(n), "time_s": pose.time_s})
    for c in ANGLE_COLUMNS:
        df[c] = cols[c]
    df["bout"] = bout_idx
    df["view"] = view
    df["near_leg"] = near
    df["far_leg_quality"] = np.where(near != "", FAR_LEG_QUALITY, np.nan)
    df["quality"] = np.round(frame_quality(pose) if quality is None else quality, 3)
    availability = {}
    views = sorted({b.view for b in bouts})
    for c in ANGLE_COLUMNS:
        nval = int(np.isfinite(cols[c]).sum())
        entry = {"available": nval > 0, "frames_with_value": nval}
        if nval and c in SAGITTAL_COLUMNS and c[-2:] in ("_l", "_r"):
            side = c[-1]
            far = int(np.sum((near != "") & (near != side) & np.isfinite(cols[c])))
            if far:
                entry["far_leg_frames"] = far
                entry["note"] = ("in side views this leg was away from the camera in "
                                 f"{far} frames: partly hidden, less accurate (see far_leg_quality)")
        if nval == 0:
            reasons = [WHY_NOT[v] for v in views if v in WHY_NOT and c not in VIEW_SUPPORTS[v]]
            if not reasons and views == ["unknown"]:
                reasons = ["the view could not be classified"]
            if not reasons:
                reasons = ["the landmarks it needs were not visible"]
            entry["reason"] = "; ".join(dict.fromkeys(reasons))
        availability[c] = entry
    return df, availability
