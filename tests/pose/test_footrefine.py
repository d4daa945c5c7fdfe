"""Foot angle from the picture: a drawn rigid foot on a textured floor, seen from the side, with
MediaPipe-like noise on its heel and toe points. The tracked angle must recover the drawn one."""
import cv2
import numpy as np
import pandas as pd
import pytest

from footcam.constants import R_FOOT_INDEX, R_HEEL
from footcam.pose.footrefine import _circular_median, plan_tracks, refine_feet
from footcam.types import Bout, PoseSequence

W, H = 480, 270
FOOT_PX = 60
N = 100
FPS = 30.0


def _foot_angle(i: int) -> float:
    """Flat (0 deg) in stance, toe down up to 45 deg in swing (image y down: + = toe lower)."""
    stance = 8 <= i <= 42 or 58 <= i <= 92
    if stance:
        return 0.0
    ph = ((i - 42) % 50) / 16.0
    return float(45 * np.sin(np.pi * min(ph, 1.0)))


def _centre(i: int) -> np.ndarray:
    x = 100 + 4.0 * np.clip(i - 42, 0, 16) + 4.0 * np.clip(i - 92, 0, 16)
    lift = 0 if _foot_angle(i) == 0 else 15 * np.sin(np.pi * (((i - 42) % 50) / 16.0))
    return np.array([x + 60.0, 200.0 - lift])


def _scene(seed=0):
    rng = np.random.default_rng(seed)
    floor = cv2.GaussianBlur(rng.uniform(60, 190, (H, W)).astype(np.float32), (0, 0), 2.0)
    shoe = np.zeros((30, FOOT_PX + 10), np.float32)
    cv2.ellipse(shoe, (35, 15), (34, 12), 0, 0, 360, 230, -1)
    for x in range(8, 64, 9):                       # laces / stitching: texture that turns with it
        cv2.line(shoe, (x, 6), (x + 4, 13), 40, 2)
    mask = (shoe > 0).astype(np.float32)
    return floor, shoe, mask


def _frame(i, floor, shoe, mask) -> np.ndarray:
    c = _centre(i)
    a = _foot_angle(i)
    m = cv2.getRotationMatrix2D((35.0, 15.0), -a, 1.0)      # cv2 turns counter-clockwise for +
    m[:, 2] += c - np.array([35.0, 15.0])
    s = cv2.warpAffine(shoe, m, (W, H))
    k = cv2.warpAffine(mask, m, (W, H))
    return np.clip(floor * (1 - k) + s * k, 0, 255).astype(np.uint8)


def _pose(noise_px: float, seed=1):
    rng = np.random.default_rng(seed)
    t = np.arange(N) / FPS
    xy = np.full((N, 33, 2), np.nan)
    for i in range(N):
        th = np.radians(_foot_angle(i))
        u = np.array([np.cos(th), np.sin(th)])
        c = _centre(i)
        xy[i, R_HEEL] = c - u * FOOT_PX / 2 + rng.normal(0, noise_px, 2)
        xy[i, R_FOOT_INDEX] = c + u * FOOT_PX / 2 + rng.normal(0, noise_px, 2)
    vis = np.ones((N, 33))
    return PoseSequence(t, xy, np.zeros((N, 33, 3)), vis, vis, (W, H))


EVENTS = pd.DataFrame({"side": ["r"] * 4, "event": ["hs", "to", "hs", "to"],
                       "time_s": [8 / FPS, 42 / FPS, 58 / FPS, 92 / FPS], "bout": [0] * 4})
BOUT = [Bout(0, N, "side", "left_to_right", 1)]


def _angles(pose):
    v = pose.image_xy[:, R_FOOT_INDEX] - pose.image_xy[:, R_HEEL]
    return np.degrees(np.arctan2(v[:, 1], v[:, 0]))


def _frames(scene):
    def gen():
        for i in range(N):
            yield i, i / FPS, _frame(i, *scene)
    return gen


def test_recovers_the_drawn_foot_angle():
    truth = np.array([_foot_angle(i) for i in range(N)])
    noisy = _pose(noise_px=5.0)
    before = _angles(noisy) - truth
    refined, info = refine_feet(_frames(_scene()), noisy, BOUT, EVENTS, cutoff_hz=6.0, order=4)
    after = _angles(refined) - truth
    rms = lambda e: float(np.sqrt(np.nanmean(e ** 2)))  # noqa: E731
    assert rms(before) > 5.0                       # the noise is real
    assert rms(after) < 1.5, info                  # measured 0.6
    assert abs(np.nanmean(after)) < 1.0
    (foot,) = [f for f in info["feet"] if f["side"] == "r"]
    assert foot["used"] and foot["frames_tracked"] >= 90
    # heel-toe length and centre are kept; only the angle changes
    L0 = np.linalg.norm(noisy.image_xy[:, R_FOOT_INDEX] - noisy.image_xy[:, R_HEEL], axis=1)
    L1 = np.linalg.norm(refined.image_xy[:, R_FOOT_INDEX] - refined.image_xy[:, R_HEEL], axis=1)
    assert L1 == pytest.approx(L0, rel=1e-6)


def test_a_foot_that_does_not_stand_out_keeps_mediapipe_points():
    noisy = _pose(noise_px=5.0)
    flat_grey = lambda: ((i, i / FPS, np.full((H, W), 120, np.uint8)) for i in range(N))  # noqa: E731
    refined, info = refine_feet(flat_grey, noisy, BOUT, EVENTS)
    assert np.array_equal(refined.image_xy, noisy.image_xy, equal_nan=True)
    assert [f["used"] for f in info["feet"]] == [False]


def test_only_side_views_with_events_are_tracked():
    pose = _pose(noise_px=0.0)
    assert plan_tracks(pose, [Bout(0, N, "front", "toward_camera", 0)], EVENTS) == []
    assert plan_tracks(pose, BOUT, EVENTS.iloc[:0]) == []
    (tr,) = plan_tracks(pose, BOUT, EVENTS)
    assert tr.side == "r" and 8 <= tr.ref <= 42


def test_circular_median_across_180():
    assert _circular_median(np.array([179.0, -179.0, 178.0])) == pytest.approx(179.0)
    assert _circular_median(np.array([-10.0, 0.0, 10.0, 11.0])) == pytest.approx(5.0)
