"""Cleaning a pose sequence before angles: mask → leg-swap fix → gap fill → low-pass.

Pure numpy/scipy. :func:`clean_pose` is the stage's entry point; the steps are public so they can
be tested and reused one by one.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import CleanConfig
from ..errors import ConfigError
from ..constants import L_ANKLE, L_HIP, L_KNEE, LEG_PAIRS, R_ANKLE, R_HIP, R_KNEE
from ..types import PoseSequence
from ._filters import fill_gaps, lowpass

__all__ = ["CleanResult", "clean_pose", "mask_low_visibility", "fix_leg_swaps", "leg_swap_labels",
           "swap_legs", "fill_gaps", "lowpass", "LEG_SWAP_PENALTY_PER_S"]

#: leg-swap fix: cost of relabelling one second of frames, in units of (leg length)² of
#: frame-to-frame movement. Measured on the side-view synth clips (MediaPipe swaps legs in up to
#: 15 % of their frames): every value from 0.09 to 0.6 per second (at 30 fps) leaves no clear
#: swap; below, the fix flips whole half-cycles where the legs cross; above, it stops fixing
#: swaps that last 8+ frames. 0.24 sits in the middle of that range on a log scale.
LEG_SWAP_PENALTY_PER_S = 0.24

_LEFT_LEG = [l for l, _ in LEG_PAIRS]
_RIGHT_LEG = [r for _, r in LEG_PAIRS]


@dataclass(frozen=True)
class CleanResult:
    """What :func:`clean_pose` did.

    - ``pose``: the cleaned sequence.
    - ``swapped (T,)``: frames whose left/right leg labels were exchanged.
    - ``masked (T, 33)``: landmarks set to NaN for low visibility.
    - ``filled (T, 33)``: landmarks interpolated across a short gap.
    - ``unfiltered (T, 33)``: landmarks left unfiltered (in a run too short for the filter).
    """

    pose: PoseSequence
    swapped: np.ndarray
    masked: np.ndarray
    filled: np.ndarray
    unfiltered: np.ndarray

    @property
    def masked_count(self) -> int:
        return int(self.masked.sum())

    @property
    def filled_count(self) -> int:
        return int(self.filled.sum())

    @property
    def unfiltered_count(self) -> int:
        return int(self.unfiltered.sum())

    def to_dict(self) -> dict:
        """The cleaning report for analysis.json (counts are landmark-frames unless named)."""
        return {
            "frames": int(len(self.swapped)),
            "leg_swap_frames": int(self.swapped.sum()),
            "masked_landmarks": self.masked_count,
            "filled_landmarks": self.filled_count,
            "frames_with_filled_landmarks": int(self.filled.any(axis=1).sum()),
            "unfiltered_landmarks": self.unfiltered_count,
        }


def mask_low_visibility(pose: PoseSequence, min_visibility: float) -> tuple[PoseSequence, np.ndarray]:
    """Set image and world points whose visibility is below ``min_visibility`` to NaN.

    Returns the masked sequence and ``(T, 33)`` bool of the landmarks masked here (points that
    were already NaN are not counted).
    """
    if not 0.0 <= min_visibility <= 1.0:
        raise ValueError(f"min_visibility must be within 0..1, got {min_visibility}")
    had = np.isfinite(pose.image_xy).all(axis=-1)
    masked = had & (pose.visibility < min_visibility)
    xy = np.where(masked[..., None], np.nan, pose.image_xy)
    xyz = np.where(masked[..., None], np.nan, pose.world_xyz)
    return pose.replace(image_xy=xy, world_xyz=xyz), masked


def swap_legs(a: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """A copy of ``a (T, 33, ...)`` with the left/right leg landmarks exchanged in ``frames``."""
    out = np.array(a, copy=True)
    frames = np.asarray(frames, dtype=bool)
    out[np.ix_(frames, _LEFT_LEG)] = a[np.ix_(frames, _RIGHT_LEG)]
    out[np.ix_(frames, _RIGHT_LEG)] = a[np.ix_(frames, _LEFT_LEG)]
    return out


def _leg_length_px(xy: np.ndarray) -> float:
    """Median thigh + shank length in the image over both legs: the scale of the swap cost."""
    with np.errstate(invalid="ignore"):
        lengths = np.concatenate([
            np.linalg.norm(xy[:, knee] - xy[:, hip], axis=-1)
            + np.linalg.norm(xy[:, ank] - xy[:, knee], axis=-1)
            for hip, knee, ank in ((L_HIP, L_KNEE, L_ANKLE), (R_HIP, R_KNEE, R_ANKLE))])
    lengths = lengths[np.isfinite(lengths) & (lengths > 0)]
    return float(np.median(lengths)) if lengths.size else float("nan")


def leg_swap_labels(image_xy, time_s, penalty_per_s: float = LEG_SWAP_PENALTY_PER_S) -> np.ndarray:
    """(T,) bool: frames whose leg labels should be exchanged to keep leg identity continuous.

    A two-state Viterbi over the clip (state: keep or exchange the labels of knee, ankle, heel
    and toe). Moving from one frame to the next costs the squared image displacement of the
    eight leg points, in leg lengths, divided by the time step in frame intervals (so a
    pose lost for a few frames allows more movement); each exchanged frame costs
    ``penalty_per_s`` × its duration, so MediaPipe's own labels win wherever continuity does not
    speak against them. The labelling of the whole clip minimising the total is found exactly.
    Frames without leg points are skipped (never swapped); missing points add nothing.
    """
    xy = np.asarray(image_xy, dtype=float)
    t = np.asarray(time_s, dtype=float)
    n_frames = len(t)
    swapped = np.zeros(n_frames, dtype=bool)
    scale = _leg_length_px(xy)
    if n_frames < 2 or not np.isfinite(scale):
        return swapped
    legs = np.stack([xy[:, _LEFT_LEG], xy[:, _RIGHT_LEG]], axis=1) / scale   # (T, 2, 4, 2)
    labelled = np.stack([legs, legs[:, ::-1]]).reshape(2, n_frames, -1, 2)  # [label choice]
    keep = np.flatnonzero(np.isfinite(labelled[0]).any(axis=(1, 2)))
    if len(keep) < 2:
        return swapped
    pts = labelled[:, keep]
    tk = t[keep]
    frame_dt = float(np.median(np.diff(t)))
    step = np.diff(tk) / frame_dt                                  # time steps in frame intervals
    # a frame's duration: the time since the previous kept frame, at most one frame interval
    dur = np.minimum(np.diff(tk, prepend=tk[0] - frame_dt), frame_dt)
    # move[i, a, b]: cost of labelling a at kept frame i-1 followed by labelling b at frame i
    move = np.zeros((len(tk), 2, 2))
    for a in (0, 1):
        for b in (0, 1):
            d2 = np.sum((pts[b, 1:] - pts[a, :-1]) ** 2, axis=-1)
            move[1:, a, b] = np.nansum(d2, axis=-1) / step
    prior = np.stack([np.zeros(len(tk)), penalty_per_s * dur], axis=1)   # (n, 2)
    total = prior[0].copy()
    back = np.zeros((len(tk), 2), dtype=np.int8)
    for i in range(1, len(tk)):
        options = total[:, None] + move[i]                          # (previous, current)
        back[i] = np.argmin(options, axis=0)
        total = options.min(axis=0) + prior[i]
    state = np.zeros(len(tk), dtype=np.int8)
    state[-1] = np.argmin(total)
    for i in range(len(tk) - 1, 0, -1):
        state[i - 1] = back[i, state[i]]
    swapped[keep] = state.astype(bool)
    return swapped


def fix_leg_swaps(pose: PoseSequence,
                  penalty_per_s: float = LEG_SWAP_PENALTY_PER_S) -> tuple[PoseSequence, np.ndarray]:
    """Keep left/right leg identity consistent through the clip (see :func:`leg_swap_labels`).

    Image and world points, visibility and presence of the knee, ankle, heel and toe are
    exchanged together. Returns the corrected sequence and the ``(T,)`` bool mask of exchanged
    frames.
    """
    swapped = leg_swap_labels(pose.image_xy, pose.time_s, penalty_per_s)
    if not swapped.any():
        return pose, swapped
    fixed = pose.replace(image_xy=swap_legs(pose.image_xy, swapped),
                         world_xyz=swap_legs(pose.world_xyz, swapped),
                         visibility=swap_legs(pose.visibility, swapped),
                         presence=swap_legs(pose.presence, swapped))
    return fixed, swapped


def clean_pose(pose: PoseSequence, cfg: CleanConfig | None = None) -> CleanResult:
    """Mask low-visibility landmarks, fix leg swaps, fill short gaps, low-pass filter.

    Image and world points go through the same steps; visibility and presence follow the
    leg-swap fix only. ``cfg.filter == "none"`` skips the low-pass.
    """
    cfg = cfg or CleanConfig()
    n = pose.n_frames
    pose, masked = mask_low_visibility(pose, cfg.min_visibility)
    if cfg.fix_leg_swaps:
        pose, swapped = fix_leg_swaps(pose)
    else:
        swapped = np.zeros(n, dtype=bool)
    xy, filled_xy = fill_gaps(pose.image_xy, pose.time_s, cfg.max_gap_s)
    xyz, _ = fill_gaps(pose.world_xyz, pose.time_s, cfg.max_gap_s)
    filled = filled_xy.all(axis=-1)
    unfiltered = np.zeros((n, pose.image_xy.shape[1]), dtype=bool)
    if cfg.filter == "butterworth" and n > 1:
        rate_hz = cfg.resample_hz or 1.0 / float(np.median(np.diff(pose.time_s)))
        if cfg.cutoff_hz >= rate_hz / 2:
            raise ConfigError(f"cutoff_hz {cfg.cutoff_hz:g} must be below half the frame rate "
                              f"({rate_hz:.4g} fps here): lower it or turn the filter off")
        xy, unf_xy = lowpass(xy, pose.time_s, cfg.cutoff_hz, cfg.filter_order, cfg.resample_hz)
        xyz, _ = lowpass(xyz, pose.time_s, cfg.cutoff_hz, cfg.filter_order, cfg.resample_hz)
        unfiltered = unf_xy.any(axis=-1)
    return CleanResult(pose=pose.replace(image_xy=xy, world_xyz=xyz), swapped=swapped,
                       masked=masked, filled=filled, unfiltered=unfiltered)
