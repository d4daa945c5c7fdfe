"""Cleaning: visibility mask, leg-swap fix, gap filling, zero-lag low-pass, and the whole stage
on raw MediaPipe landmarks of two synthwalk clips (committed fixture, see data/README.md)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from footcam.config import CleanConfig
from footcam.constants import LEG_PAIRS, N_LANDMARKS, SAGITTAL_COLUMNS
from footcam.errors import ConfigError
from footcam.kinematics import (clean_pose, fill_gaps, fix_leg_swaps, leg_swap_labels, lowpass,
                                mask_low_visibility, sagittal_angles, swap_legs)
from footcam.types import PoseSequence

DATA = Path(__file__).resolve().parent / "data"
LEFT_LEG = [l for l, _ in LEG_PAIRS]
RIGHT_LEG = [r for _, r in LEG_PAIRS]


def _fixture(name: str) -> dict[str, np.ndarray]:
    with np.load(DATA / f"{name}.raw.npz") as d:
        return {k: d[k] for k in d.files}


def _pose(d: dict) -> PoseSequence:
    return PoseSequence(d["time_s"], d["image_xy"], d["world_xyz"], d["visibility"],
                        d["presence"], tuple(int(v) for v in d["resolution_wh"]))


def _swapped_vs_truth(image_xy: np.ndarray, truth_xy: np.ndarray) -> np.ndarray:
    """(T,) frames whose leg labels are the wrong way round: the exchanged labelling lies
    closer to the truth (summed distance of knee, ankle, heel and toe of both legs)."""
    def dist(a, b):
        return np.linalg.norm(a - b, axis=-1).sum(axis=1)
    left, right = image_xy[:, LEFT_LEG], image_xy[:, RIGHT_LEG]
    as_is = dist(left, truth_xy[:, LEFT_LEG]) + dist(right, truth_xy[:, RIGHT_LEG])
    exchanged = dist(left, truth_xy[:, RIGHT_LEG]) + dist(right, truth_xy[:, LEFT_LEG])
    return exchanged < as_is


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    return float(np.sqrt(np.mean((a[ok] - b[ok]) ** 2)))


# --- visibility mask -------------------------------------------------------------------------

def test_mask_low_visibility_masks_and_counts():
    n = 4
    rng = np.random.default_rng(0)
    vis = np.full((n, N_LANDMARKS), 0.9)
    vis[1, 5] = vis[2, 27] = vis[3, 0] = 0.1
    xy = rng.uniform(0, 100, (n, N_LANDMARKS, 2))
    xy[3, 0] = np.nan                                   # already missing: not counted again
    pose = PoseSequence(np.arange(n) / 30, xy, rng.normal(size=(n, N_LANDMARKS, 3)), vis,
                        np.ones((n, N_LANDMARKS)), (100, 100))
    out, masked = mask_low_visibility(pose, 0.3)
    assert masked.sum() == 2 and masked[1, 5] and masked[2, 27]
    assert np.isnan(out.image_xy[1, 5]).all() and np.isnan(out.world_xyz[2, 27]).all()
    assert np.isfinite(out.image_xy[0]).all() and np.isfinite(out.world_xyz[1, 6]).all()
    assert mask_low_visibility(pose, 0.0)[1].sum() == 0


# --- gap filling -----------------------------------------------------------------------------

def test_fill_gaps_fills_short_interior_gaps_only():
    t = np.arange(90) / 30.0
    truth = np.stack([np.sin(2 * np.pi * t), np.cos(2 * np.pi * 0.5 * t)], axis=1)
    x = truth.copy()
    x[:3, 0] = np.nan                 # leading: stays
    x[10:17, 0] = np.nan              # 7 frames = 0.233 s: filled
    x[40:49, 0] = np.nan              # 9 frames = 0.3 s: too long, stays
    x[60, 1] = np.nan                 # single frame in the other column
    x[-2:, 1] = np.nan                # trailing: stays
    out, filled = fill_gaps(x, t, 0.25)
    assert filled.sum() == 8 and filled[10:17, 0].all() and filled[60, 1]
    # a quarter of the 1 Hz cycle is missing: shape-preserving cubic gets within 3 %
    np.testing.assert_allclose(out[filled], truth[filled], atol=0.03)
    assert np.isnan(out[:3, 0]).all() and np.isnan(out[40:49, 0]).all() and np.isnan(out[-2:, 1]).all()
    np.testing.assert_array_equal(out[~filled & np.isfinite(x)], x[~filled & np.isfinite(x)])


def test_fill_gaps_uses_real_timestamps():
    # the same 3 missing frames are a 0.1 s gap at 30 fps but a 0.3 s gap at 10 fps
    x = np.array([0.0, 1, np.nan, np.nan, np.nan, 5, 6])
    assert fill_gaps(x, np.arange(7) / 30.0, 0.25)[1].sum() == 3
    assert fill_gaps(x, np.arange(7) / 10.0, 0.25)[1].sum() == 0
    vfr = np.array([0, 0.03, 0.07, 0.1, 0.2, 0.35, 0.38])      # the gap spans 0.07 → 0.35 s
    assert fill_gaps(x, vfr, 0.25)[1].sum() == 0
    assert fill_gaps(x, vfr, 0.3)[1].sum() == 3


# --- low-pass --------------------------------------------------------------------------------

TIME_BASES = {
    "30fps": np.arange(240) / 30.0,
    "29.97fps": np.arange(240) * 1001 / 30000,
    "vfr_jitter": np.cumsum(np.random.default_rng(3).uniform(0.026, 0.041, 240)),
}


@pytest.mark.parametrize("base", list(TIME_BASES))
def test_lowpass_keeps_phase_and_removes_noise(base):
    t = TIME_BASES[base]
    slow = np.sin(2 * np.pi * 1.0 * t + 0.3)                   # a gait-like 1 Hz signal
    noisy = slow + 0.3 * np.sin(2 * np.pi * 10.0 * t)          # + 10 Hz jitter
    out, unfiltered = lowpass(noisy, t, cutoff_hz=6.0, order=4)
    assert not unfiltered.any()
    core = slice(20, -20)
    assert np.max(np.abs(out[core] - slow[core])) < 0.03
    # zero lag: the peaks stay where they were (well within one frame)
    lag = np.argmax(np.correlate(out[core] - out[core].mean(), slow[core] - slow[core].mean(), "full"))
    assert lag == len(slow[core]) - 1
    clean_only, _ = lowpass(slow, t)
    assert np.max(np.abs(clean_only[core] - slow[core])) < 2e-3


def test_lowpass_filters_segments_separately_and_skips_short_ones():
    t = np.arange(200) / 30.0
    x = np.where(t < 3, 0.0, 10.0) + np.sin(2 * np.pi * t)
    x[88:92] = np.nan                          # a gap splitting a step at t = 3 s
    x[150:190] = np.nan
    x[193] = np.nan                            # leaves short runs 190-192 and 194-199
    out, unfiltered = lowpass(np.stack([x, 2 * x], axis=1), t)
    assert np.isnan(out[88:92]).all() and np.isnan(out[150:190]).all()
    # no leakage across the gap: the flat part before it stays at 0 ± sine
    np.testing.assert_allclose(out[20:80, 0], np.sin(2 * np.pi * t[20:80]), atol=0.02)
    assert unfiltered[190:193].all() and unfiltered[194:].all() and not unfiltered[:150].any()
    np.testing.assert_array_equal(out[194:, 0], x[194:])
    np.testing.assert_allclose(out[:, 1], 2 * out[:, 0], rtol=1e-9)


def test_lowpass_rejects_cutoff_above_nyquist():
    with pytest.raises(ValueError, match="Nyquist"):
        lowpass(np.zeros(50), np.arange(50) / 10.0, cutoff_hz=6.0)


# --- leg swaps -------------------------------------------------------------------------------

def test_leg_swap_fix_undoes_injected_swaps_on_truth_landmarks():
    d = _fixture("normal_side")
    truth = d["truth_image_xy"].astype(float)
    t = d["time_s"]
    rng = np.random.default_rng(7)
    noisy = truth + rng.normal(0, 2.0, truth.shape)               # 2 px landmark noise
    # runs of 1-8 frames, some starting where the legs cross
    injected = np.zeros(len(t), bool)
    for a, b in ((10, 11), (30, 34), (62, 70), (95, 97)):
        injected[a:b] = True
    labelled = swap_legs(noisy, injected)
    found = leg_swap_labels(labelled, t)
    fixed = swap_legs(labelled, found)
    assert _swapped_vs_truth(labelled, truth).sum() >= 12
    assert _swapped_vs_truth(fixed, truth).sum() == 0
    # and nothing is changed on correctly labelled points
    assert not leg_swap_labels(noisy, t).any()


def test_leg_swap_fix_leaves_a_front_view_alone():
    # legs side by side in the image (front view): the labels are right and must stay
    t = np.arange(120) / 30.0
    xy = np.zeros((len(t), N_LANDMARKS, 2))
    for k, (l, r) in enumerate(LEG_PAIRS):
        y = 400 + 60 * k + 10 * np.sin(2 * np.pi * t / 1.1)
        xy[:, l] = np.stack([700 + 3 * np.sin(2 * np.pi * t / 1.1), y], axis=1)
        xy[:, r] = np.stack([580 - 3 * np.sin(2 * np.pi * t / 1.1), y[::-1]], axis=1)
    xy[:, [23, 24]] = [[690, 350], [590, 350]]
    xy += np.random.default_rng(1).normal(0, 3, xy.shape)
    assert not leg_swap_labels(xy, t).any()


def test_fix_leg_swaps_moves_world_and_scores_with_the_image():
    d = _fixture("normal_side")
    pose = _pose(d)
    fixed, swapped = fix_leg_swaps(pose)
    assert swapped.any()
    i = int(np.flatnonzero(swapped)[0])
    for l, r in LEG_PAIRS:
        np.testing.assert_array_equal(fixed.image_xy[i, l], pose.image_xy[i, r])
        np.testing.assert_array_equal(fixed.world_xyz[i, r], pose.world_xyz[i, l])
        assert fixed.visibility[i, l] == pose.visibility[i, r]
        assert fixed.presence[i, r] == pose.presence[i, l]
    keep = ~swapped
    np.testing.assert_array_equal(fixed.world_xyz[keep], pose.world_xyz[keep])


# --- the whole stage on raw MediaPipe landmarks ----------------------------------------------

#: measured with the committed fixtures (raw → cleaned, near leg = the side facing the camera):
#: normal_side: 14 swapped frames → 0; RMSE hip 12.6 → 3.7, knee 8.2 → 5.5, ankle 7.5 → 6.8,
#:   trunk 1.27 → 1.23
#: restricted_ankle_uncompensated_side: 18 → 0; hip 13.1 → 4.4, knee 6.3 → 5.7, ankle 7.3 → 5.9,
#:   trunk 1.75 → 1.72
RAW_CLIPS = {
    "normal_side": dict(min_swaps=12, near="r",
                        bounds={"hip_flexion_deg": 4.2, "knee_flexion_deg": 6.0,
                                "ankle_dorsiflexion_deg": 7.3, "trunk_extension_deg": 1.5}),
    "restricted_ankle_uncompensated_side": dict(
        min_swaps=12, near="r",
        bounds={"hip_flexion_deg": 4.9, "knee_flexion_deg": 6.2,
                "ankle_dorsiflexion_deg": 6.4, "trunk_extension_deg": 2.0}),
}


@pytest.mark.parametrize("name", list(RAW_CLIPS))
def test_clean_pose_on_raw_mediapipe_side_view(name):
    spec = RAW_CLIPS[name]
    d = _fixture(name)
    raw = _pose(d)
    truth_xy = d["truth_image_xy"].astype(float)
    res = clean_pose(raw, CleanConfig())
    assert _swapped_vs_truth(raw.image_xy, truth_xy).sum() >= spec["min_swaps"]
    assert _swapped_vs_truth(res.pose.image_xy, truth_xy).sum() == 0
    assert res.swapped.sum() >= spec["min_swaps"]
    sign = float(d["image_direction_sign"])
    before = sagittal_angles(raw.image_xy, sign)
    after = sagittal_angles(res.pose.image_xy, sign)
    for base, bound in spec["bounds"].items():
        col = base if base == "trunk_extension_deg" else f"{base}_{spec['near']}"
        truth = d[f"truth_{col}_2d"].astype(float)
        assert np.isfinite(after[col]).all(), col
        assert _rmse(after[col], truth) < bound, col
        assert _rmse(after[col], truth) < _rmse(before[col], truth), col
    report = res.to_dict()
    assert report["leg_swap_frames"] == int(res.swapped.sum())
    assert report["masked_landmarks"] == res.masked_count > 0
    assert report["filled_landmarks"] == res.filled_count


def test_clean_pose_options():
    d = _fixture("normal_side")
    raw = _pose(d)
    plain = clean_pose(raw, CleanConfig(fix_leg_swaps=False, filter="none", min_visibility=0.0))
    assert not plain.swapped.any() and plain.masked_count == 0
    np.testing.assert_array_equal(plain.pose.image_xy, raw.image_xy)
    # a 10 fps clip cannot be low-passed at 6 Hz: say so rather than filter wrongly
    slow = raw.replace(time_s=np.arange(raw.n_frames) / 10.0)
    with pytest.raises(ConfigError, match="cutoff_hz"):
        clean_pose(slow, CleanConfig())
    assert set(SAGITTAL_COLUMNS) <= set(sagittal_angles(plain.pose.image_xy, 1))
