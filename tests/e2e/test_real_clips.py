"""The whole pipeline on real clips (../shared/data/real): orientation, person choice, robustness.

No angle truth exists for these; the checks are what can be seen by eye and measured on the signal.
"""
import numpy as np
import pytest

from footcam.constants import L_ANKLE, L_HIP, L_SHOULDER, R_ANKLE, R_HIP, R_SHOULDER
from helpers import real_clip

pytestmark = pytest.mark.slow


def _upright_share(pose) -> float:
    y = pose.image_xy[..., 1]
    sh = (y[:, L_SHOULDER] + y[:, R_SHOULDER]) / 2
    hp = (y[:, L_HIP] + y[:, R_HIP]) / 2
    an = (y[:, L_ANKLE] + y[:, R_ANKLE]) / 2
    ok = np.isfinite(sh) & np.isfinite(an)
    return float(np.mean((sh[ok] < hp[ok]) & (hp[ok] < an[ok])))


def test_rotation_metadata_clip_is_upright(analyse):
    a = analyse(real_clip("opencap_ztb35__neutral_Cam0_rot90.mov"))
    assert a.video.codec == "hevc"
    assert a.rotation["analysed_wh"] == [720, 1280]
    assert a.raw.resolution_wh == (720, 1280)
    assert a.raw.detected.mean() > 0.9
    assert _upright_share(a.raw) > 0.95
    assert a.rotation["content_ccw_deg"] == 0          # the display matrix was enough


def test_content_rotated_without_metadata_is_detected(analyse):
    a = analyse(real_clip("allinonegait_jdyjjj__demo5_frontal_2people_content_rotated90.mp4"))
    assert a.rotation["content_ccw_deg"] == 270         # heads point left: turn clockwise
    assert any("rotated without metadata" in w for w in a.warnings)
    assert a.rotation["analysed_wh"] == [720, 1280]
    assert _upright_share(a.raw) > 0.9
    assert a.raw.detected.mean() > 0.5


def test_forced_rotation_overrides_detection(analyse):
    a = analyse(real_clip("allinonegait_jdyjjj__demo5_frontal_2people_content_rotated90.mp4"),
                video={"rotate": "90"})
    assert a.rotation["content_ccw_deg"] == 270
    assert not any("rotated without metadata" in w for w in a.warnings)


def test_two_people_follows_the_walking_woman(analyse):
    """sports2d: a woman walks across on the grass; a man stands and jumps on a utility box."""
    a = analyse(real_clip("sports2d__demo_walk_side_outdoor_2people.mp4"))
    h = a.raw.resolution_wh[1]
    ank_y = np.nanmedian((a.raw.image_xy[:, L_ANKLE, 1] + a.raw.image_xy[:, R_ANKLE, 1]) / 2)
    assert ank_y > 0.7 * h                 # her feet are on the grass, not on the box
    assert a.selection["people_seen_max_per_frame"] >= 2
    assert a.selection["num_poses_used"] >= 2
    followed = a.selection["followed_track"]
    best = max(a.selection["tracks"], key=lambda t: t["score"])
    assert best["track"] == followed
    # she walks: the followed track travels across the picture
    assert best["travel_body_heights"] > 1.5
    # identity never jumps: the hip centre moves less than half a body height between frames
    hip = (a.raw.image_xy[:, L_HIP] + a.raw.image_xy[:, R_HIP]) / 2
    ok = np.isfinite(hip[:, 0])
    idx = np.flatnonzero(ok)
    jumps = np.linalg.norm(np.diff(hip[idx], axis=0), axis=1) / np.diff(idx)[:, None].ravel()
    assert np.nanmax(jumps) < 0.5 * best["median_height_px"]
    assert any(b.view == "side" for b in a.bouts)


def test_tiny_low_resolution_clip_warns(analyse):
    a = analyse(real_clip("ivp_Seeeeeyo__walk1.mp4"))
    assert a.raw.resolution_wh == (240, 160)
    assert any("small in the picture" in w for w in a.warnings)


def test_portrait_phone_clip(analyse):
    a = analyse(real_clip("allinonegait_jdyjjj__demo1_v1_indoor_side_portrait.mp4"))
    assert a.raw.resolution_wh == (720, 1280)
    assert a.raw.detected.mean() > 0.6      # he walks in at ~0.5 s and out at the end
    assert any(b.view == "side" for b in a.bouts)
    # knee flexion of a walking adult stays within physiological limits
    for s in "lr":
        k = a.angles[f"knee_flexion_deg_{s}"].dropna()
        assert len(k) > 30
        assert -15 < k.min() and k.max() < 90
