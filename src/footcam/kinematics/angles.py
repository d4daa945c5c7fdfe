"""The angle core: ``shared/ANGLES.md`` formulas on landmark arrays. Pure numpy.

Two families:

- sagittal (hip/knee/ankle per side, trunk extension) from image points of a side view
  (:func:`sagittal_angles`) or from world points projected on the sagittal plane
  (:func:`sagittal_angles_world`);
- transverse/frontal (pelvic rotation and obliquity, trunk lateral lean, foot progression and
  hip rotation per side) from world points (:func:`transverse_angles`), with the walking
  direction and the stance phases estimated from the world points themselves
  (:func:`estimate_forward`, :func:`stance_from_world`).

Every function maps NaN to NaN frame by frame and never warns about it. Any right-handed world
frame works; MediaPipe's world landmarks (x right, y down, z away from the camera) have
``up = (0, -1, 0)``.
"""
from __future__ import annotations

import numpy as np

from ..constants import (L_HIP, L_SHOULDER, N_LANDMARKS, R_HIP, R_SHOULDER, SAGITTAL_COLUMNS,
                         SIDE_INDEX, SIDES, TRANSVERSE_COLUMNS)

__all__ = ["sagittal_angles", "sagittal_angles_world", "transverse_angles", "estimate_forward",
           "stance_from_world", "ground_axes"]

#: toe-out is a rotation toward the subject's right for the right foot, left for the left
_OUTWARD = {"l": -1.0, "r": 1.0}


# --- shared helpers ---------------------------------------------------------------------------

def _points(name: str, a, dim: int) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if a.ndim != 3 or a.shape[1:] != (N_LANDMARKS, dim):
        raise ValueError(f"{name}: expected shape (T, {N_LANDMARKS}, {dim}), got {a.shape}")
    return a


def _wrap_deg(a: np.ndarray) -> np.ndarray:
    """Wrap to [-180, 180)."""
    return np.mod(a + 180.0, 360.0) - 180.0


def _from_down_deg(fwd: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Angle of a segment with components (forward, up) from the downward vertical, + forward."""
    return np.degrees(np.arctan2(fwd, -up))


def _unit(v: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1)


def ground_axes(forward, up) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Orthonormal (forward, up, right) from a walking direction and the vertical.

    ``forward`` is (3,) or (T, 3); its vertical part is removed. ``right = forward × up`` (the
    subject's right in a right-handed world). Shapes follow ``forward``.
    """
    u = np.asarray(up, dtype=float)
    if u.shape != (3,) or not np.all(np.isfinite(u)) or np.linalg.norm(u) == 0:
        raise ValueError(f"up: expected a finite non-zero (3,) vector, got {u!r}")
    u = u / np.linalg.norm(u)
    f = np.asarray(forward, dtype=float)
    if f.shape[-1:] != (3,) or f.ndim > 2:
        raise ValueError(f"forward: expected shape (3,) or (T, 3), got {f.shape}")
    f = _unit(f - _dot(f, u)[..., None] * u)
    return f, np.broadcast_to(u, f.shape), np.cross(f, u)


# --- sagittal ---------------------------------------------------------------------------------

def _sagittal_from_plane(p: np.ndarray) -> dict[str, np.ndarray]:
    """``p (T, 33, 2)``: points as (forward, up) coordinates in the sagittal plane."""
    out: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore"):
        for side in SIDES:
            ix = SIDE_INDEX[side]
            thigh = p[:, ix["knee"]] - p[:, ix["hip"]]
            shank = p[:, ix["ankle"]] - p[:, ix["knee"]]
            foot = p[:, ix["foot_index"]] - p[:, ix["heel"]]
            a_thigh = _from_down_deg(thigh[:, 0], thigh[:, 1])
            a_shank = _from_down_deg(shank[:, 0], shank[:, 1])
            a_foot = _from_down_deg(foot[:, 0], foot[:, 1])
            out[f"hip_flexion_deg_{side}"] = a_thigh
            out[f"knee_flexion_deg_{side}"] = _wrap_deg(a_thigh - a_shank)
            out[f"ankle_dorsiflexion_deg_{side}"] = _wrap_deg(a_foot - a_shank) - 90.0
        trunk = (p[:, L_SHOULDER] + p[:, R_SHOULDER]) / 2 - (p[:, L_HIP] + p[:, R_HIP]) / 2
        # from the upward vertical, + when the shoulders are behind the hips
        out["trunk_extension_deg"] = np.degrees(np.arctan2(-trunk[:, 0], trunk[:, 1]))
    return {c: out[c] for c in SAGITTAL_COLUMNS}


def sagittal_angles(image_xy, direction_sign) -> dict[str, np.ndarray]:
    """Sagittal angles (``SAGITTAL_COLUMNS``) from image points of a side view.

    ``image_xy (T, 33, 2)``: pixels, y down (any origin and scale: only directions matter).
    ``direction_sign``: scalar or (T,), +1 where the subject walks toward +x in the image,
    −1 where right-to-left (the horizontal axis is mirrored, so both directions give the same
    values); a frame with sign 0 or NaN (direction unknown) gets NaN.
    Returns ``{column: (T,) degrees}``.
    """
    xy = _points("image_xy", image_xy, 2)
    sign = np.broadcast_to(np.asarray(direction_sign, dtype=float), xy.shape[:1])
    bad = np.isfinite(sign) & ~np.isin(sign, (-1.0, 0.0, 1.0))
    if bad.any():
        raise ValueError(f"direction_sign must be +1, -1 (or 0/NaN for unknown), "
                         f"got {np.unique(sign[bad])[:5]}")
    sign = np.where(sign == 0, np.nan, sign)
    plane = np.stack([xy[..., 0] * sign[:, None], -xy[..., 1]], axis=-1)
    return _sagittal_from_plane(plane)


def sagittal_angles_world(world_xyz, forward, up) -> dict[str, np.ndarray]:
    """Sagittal angles (``SAGITTAL_COLUMNS``) from world points projected on the plane spanned
    by the walking direction ``forward`` ((3,) or (T, 3)) and the vertical ``up`` (3,)."""
    w = _points("world_xyz", world_xyz, 3)
    f, u, _ = ground_axes(forward, up)
    f = np.broadcast_to(f, (w.shape[0], 3))[:, None, :]
    u = np.broadcast_to(u, (w.shape[0], 3))[:, None, :]
    plane = np.stack([_dot(w, f), _dot(w, u)], axis=-1)
    return _sagittal_from_plane(plane)


# --- transverse / frontal ---------------------------------------------------------------------

def transverse_angles(world_xyz, forward, up, stance=None) -> dict[str, np.ndarray]:
    """Transverse and frontal angles (``TRANSVERSE_COLUMNS``) from world points.

    ``world_xyz (T, 33, 3)`` in any right-handed metric frame; ``forward`` (3,) or (T, 3) the
    walking direction; ``up`` (3,) the vertical. ``stance``: ``{"l": (T,) bool, "r": (T,) bool}``;
    foot progression and hip rotation are NaN outside stance (``None``: every frame counts).
    """
    w = _points("world_xyz", world_xyz, 3)
    n = w.shape[0]
    f, u, r = (np.broadcast_to(a, (n, 3)) for a in ground_axes(forward, up))
    out: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore"):
        hip_line = w[:, R_HIP] - w[:, L_HIP]
        out["pelvic_rotation_deg"] = np.degrees(np.arctan2(_dot(hip_line, f), _dot(hip_line, r)))
        out["pelvic_obliquity_deg"] = np.degrees(np.arctan2(_dot(hip_line, u), _dot(hip_line, r)))
        trunk = (w[:, L_SHOULDER] + w[:, R_SHOULDER]) / 2 - (w[:, L_HIP] + w[:, R_HIP]) / 2
        out["trunk_lateral_lean_deg"] = np.degrees(np.arctan2(_dot(trunk, r), _dot(trunk, u)))
        # the pelvis' own right and forward in the ground plane
        pelvis_right = _unit(hip_line - _dot(hip_line, u)[:, None] * u)
        pelvis_fwd = np.cross(u, pelvis_right)
        for side in SIDES:
            ix = SIDE_INDEX[side]
            foot = w[:, ix["foot_index"]] - w[:, ix["heel"]]
            out_sign = _OUTWARD[side]
            fp = np.degrees(np.arctan2(out_sign * _dot(foot, r), _dot(foot, f)))
            hr = np.degrees(np.arctan2(out_sign * _dot(foot, pelvis_right), _dot(foot, pelvis_fwd)))
            if stance is not None:
                on = np.asarray(stance[side], dtype=bool)
                if on.shape != (n,):
                    raise ValueError(f"stance[{side!r}]: expected shape ({n},), got {on.shape}")
                fp = np.where(on, fp, np.nan)
                hr = np.where(on, hr, np.nan)
            out[f"foot_progression_deg_{side}"] = fp
            out[f"hip_rotation_deg_{side}"] = hr
    return {c: out[c] for c in TRANSVERSE_COLUMNS}


def estimate_forward(world_xyz, up, hint=None) -> np.ndarray:
    """The walking direction of a bout, (3,) unit vector in the ground plane.

    The mean ground-plane perpendicular to the hip and shoulder lines (pelvic rotation and arm
    swing average out over strides), oriented by the left/right labels of hips and shoulders
    (forward = up × (left → right)). ``hint``: optional (3,) vector the walking direction is
    known to point along, at least roughly (e.g. away from the camera, ``(0, 0, 1)`` in
    MediaPipe's world, for a back view): the sign follows it, which also repairs a whole clip of
    mirrored labels. The feet do not decide the sign: on back views MediaPipe points the toes
    toward the camera. Raises ValueError when no frame has both hips or both shoulders.
    """
    w = _points("world_xyz", world_xyz, 3)
    u = np.asarray(up, dtype=float)
    if u.shape != (3,) or not np.all(np.isfinite(u)) or np.linalg.norm(u) == 0:
        raise ValueError(f"up: expected a finite non-zero (3,) vector, got {up!r}")
    u = u / np.linalg.norm(u)
    perp = []
    for left, right in ((L_HIP, R_HIP), (L_SHOULDER, R_SHOULDER)):
        line = w[:, right] - w[:, left]
        line = _unit(line - _dot(line, u)[:, None] * u)
        perp.append(np.cross(u, line))
    perp = np.concatenate(perp)
    perp = perp[np.all(np.isfinite(perp), axis=1)]
    if len(perp) == 0:
        raise ValueError("estimate_forward: no frame with both hips or both shoulders")
    axis = _unit(perp.mean(axis=0))
    if hint is not None:
        h = np.asarray(hint, dtype=float)
        if h.shape != (3,):
            raise ValueError(f"hint: expected a (3,) vector, got shape {h.shape}")
        if axis @ h < 0:
            axis = -axis
    return axis


def stance_from_world(world_xyz, forward, time_s) -> dict[str, np.ndarray]:
    """Estimated stance phases per side, ``{"l": (T,) bool, "r": (T,) bool}``.

    In hip-centred world coordinates the foot on the ground moves backward at the walking speed
    while the swinging foot moves forward. Each foot's forward position relative to the hip
    centre (mean of ankle, heel and toe) is smoothed over ``STANCE_SMOOTH_S`` and differentiated
    against the real timestamps; the walking speed is the median backward speed of the slower
    foot. A foot is in stance while it moves backward faster than ``STANCE_SPEED_FRACTION`` of
    that speed; runs shorter than ``STANCE_MIN_S`` are dropped. All False when the clip shows no
    walking (no backward-moving foot).
    """
    w = _points("world_xyz", world_xyz, 3)
    t = np.asarray(time_s, dtype=float)
    if t.shape != w.shape[:1]:
        raise ValueError(f"time_s: expected shape ({w.shape[0]},), got {t.shape}")
    f = np.asarray(forward, dtype=float)
    if f.shape != (3,) and f.shape != (w.shape[0], 3):
        raise ValueError(f"forward: expected shape (3,) or ({w.shape[0]}, 3), got {f.shape}")
    f = _unit(f)
    hips = (w[:, L_HIP] + w[:, R_HIP]) / 2
    along = {}
    for side in SIDES:
        ix = SIDE_INDEX[side]
        foot = (w[:, ix["ankle"]] + w[:, ix["heel"]] + w[:, ix["foot_index"]]) / 3
        x = _moving_mean(_dot(foot - hips, f), t, STANCE_SMOOTH_S)
        along[side] = _gradient(x, t)
    with np.errstate(invalid="ignore"):
        slower = np.fmin(along["l"], along["r"])
    speed = -np.nanmedian(slower) if np.isfinite(slower).any() else np.nan
    out = {}
    for side in SIDES:
        if not speed > 0:
            out[side] = np.zeros(len(t), dtype=bool)
            continue
        with np.errstate(invalid="ignore"):
            on = along[side] < -STANCE_SPEED_FRACTION * speed
        out[side] = _drop_short_runs(on, t, STANCE_MIN_S)
    return out


#: stance_from_world: smoothing window, speed threshold and shortest stance run
STANCE_SMOOTH_S = 0.1
STANCE_SPEED_FRACTION = 0.4
STANCE_MIN_S = 0.1


def _moving_mean(x: np.ndarray, t: np.ndarray, window_s: float) -> np.ndarray:
    """Centred moving average over a time window, ignoring NaN (NaN where x is NaN)."""
    ok = np.isfinite(x)
    cs = np.concatenate([[0.0], np.cumsum(np.where(ok, x, 0.0))])
    cn = np.concatenate([[0], np.cumsum(ok)])
    lo = np.searchsorted(t, t - window_s / 2, side="left")
    hi = np.searchsorted(t, t + window_s / 2, side="right")
    with np.errstate(invalid="ignore", divide="ignore"):
        m = (cs[hi] - cs[lo]) / (cn[hi] - cn[lo])
    return np.where(ok, m, np.nan)


def _gradient(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Central differences against real timestamps; NaN where a neighbour is missing."""
    g = np.full(len(x), np.nan)
    if len(x) >= 3:
        g[1:-1] = (x[2:] - x[:-2]) / (t[2:] - t[:-2])
    if len(x) >= 2:
        g[0] = (x[1] - x[0]) / (t[1] - t[0])
        g[-1] = (x[-1] - x[-2]) / (t[-1] - t[-2])
    return g


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the True runs of a 1-D bool array."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def _drop_short_runs(mask: np.ndarray, t: np.ndarray, min_s: float) -> np.ndarray:
    out = mask.copy()
    dt = np.median(np.diff(t)) if len(t) > 1 else 0.0
    for a, b in _runs(mask):
        if t[b - 1] - t[a] + dt < min_s:
            out[a:b] = False
    return out
