"""Views, walking directions and bouts, on poses built from the rendered clips' truth landmarks
(in MediaPipe's conventions: pixels; world = camera axes x right / y down / z away, hip-centred)."""
import json

import numpy as np
import pytest

from footcam.constants import LANDMARK_NAMES
from footcam.kinematics.tables import angles_table
from footcam.kinematics.view import classify_bouts
from footcam.types import PoseSequence
from helpers import REPO, SYNTH

PRESETS = {
    "normal_side": ("side", "left_to_right", 1),
    "normal_side_rtl": ("side", "right_to_left", -1),
    "normal_side_portrait_60fps": ("side", "left_to_right", 1),
    "slow_walk_side": ("side", "left_to_right", 1),
    "normal_front": ("front", "toward_camera", 0),
    "toe_out_front": ("front", "toward_camera", 0),
    "normal_back": ("back", "away_from_camera", 0),
    "normal_oblique45": ("oblique", "left_to_right", 1),
}


def truth_pose(name: str, synth_dir, flat: bool = False) -> PoseSequence:
    """The rendered truth as a PoseSequence; ``flat``: files beside each other (sample_videos/)
    rather than in one folder per clip (../shared/data/synth)."""
    import pandas as pd

    base = synth_dir / name if not flat else synth_dir
    t = pd.read_csv(base / f"{name}.truth.csv")
    meta = json.loads((base / f"{name}.json").read_text())
    cam = meta["camera"]
    R = np.asarray(cam["R_world_to_cam"], float)
    tv = np.asarray(cam["t_world_to_cam"], float).reshape(3)
    xy = np.stack([t[[f"{n}_px_x", f"{n}_px_y"]].to_numpy() for n in LANDMARK_NAMES], axis=1)
    w = np.stack([t[[f"{n}_world_x", f"{n}_world_y", f"{n}_world_z"]].to_numpy()
                  for n in LANDMARK_NAMES], axis=1)
    cam_xyz = w @ R.T + tv
    cam_xyz -= (cam_xyz[:, 23:24] + cam_xyz[:, 24:25]) / 2
    n = len(t)
    ones = np.ones((n, 33))
    wh = (meta["video"]["width"], meta["video"]["height"])
    return PoseSequence(t["time_s"].to_numpy(), xy, cam_xyz, ones, ones, wh)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_view_and_direction_on_truth(synth_dir, name):
    view, direction, sign = PRESETS[name]
    bouts = classify_bouts(truth_pose(name, synth_dir))
    assert [(b.view, b.direction, b.direction_sign) for b in bouts] == [(view, direction, sign)]
    assert bouts[0].start == 0 and bouts[0].stop == 120 or name == "slow_walk_side"


def test_turn_splits_bouts(synth_dir):
    """The walk, then its mirror image starting where it ended (the walker turns and comes
    back): two bouts, and the same sagittal angles in both (direction independence)."""
    p = truth_pose("normal_side", synth_dir)
    hip_end = (p.image_xy[-1, 23, 0] + p.image_xy[-1, 24, 0]) / 2
    back_xy = p.image_xy.copy()
    back_xy[..., 0] = 2 * hip_end - back_xy[..., 0]
    back_w = p.world_xyz.copy()
    back_w[..., 0] *= -1
    dt = p.time_s[1] - p.time_s[0]
    t = np.concatenate([p.time_s, p.time_s[-1] + dt + p.time_s])
    both = PoseSequence(t, np.concatenate([p.image_xy, back_xy]), np.concatenate([p.world_xyz, back_w]),
                        np.ones((240, 33)), np.ones((240, 33)), (2 * p.resolution_wh[0], p.resolution_wh[1]))
    bouts = classify_bouts(both)
    assert [b.direction for b in bouts] == ["left_to_right", "right_to_left"]
    assert all(b.view == "side" for b in bouts)
    assert abs(bouts[0].stop - 120) <= 20
    df, _ = angles_table(both, bouts)
    lo, hi = bouts[0].stop - 120 + 1, 120   # frames inside the right bout in both halves
    for col in ("knee_flexion_deg_r", "ankle_dorsiflexion_deg_l", "hip_flexion_deg_r", "trunk_extension_deg"):
        a = df[col].to_numpy()
        np.testing.assert_allclose(a[120 + lo:240], a[lo:120], atol=1e-6)


def test_missing_pose_is_unknown(synth_dir):
    p = truth_pose("normal_side", synth_dir)
    xy = p.image_xy.copy()
    xy[:] = np.nan
    w = p.world_xyz.copy()
    w[:] = np.nan
    bouts = classify_bouts(p.replace(image_xy=xy, world_xyz=w))
    assert [b.view for b in bouts] == ["unknown"]


SAMPLES = REPO / "sample_videos"


def _reversed(p: PoseSequence) -> PoseSequence:
    """The clip played backwards: the walker faces the way they walked but moves the other way."""
    return PoseSequence(p.time_s[-1] - p.time_s[::-1], p.image_xy[::-1], p.world_xyz[::-1],
                        p.visibility[::-1], p.presence[::-1], p.resolution_wh)


def test_facing_comes_from_the_body_not_the_travel():
    """Played in reverse (as walking backward looks): the body still faces image right, so the
    sagittal angles are the forward ones, frame for frame; the travel is recorded beside it."""
    p = truth_pose("normal_side", SAMPLES, flat=True)
    fwd = classify_bouts(p)
    rev = classify_bouts(_reversed(p))
    assert [(b.direction_sign, b.travel_sign, b.backward) for b in fwd] == [(1, 1, False)]
    assert [(b.direction_sign, b.travel_sign, b.backward) for b in rev] == [(1, -1, True)]
    assert rev[0].direction == "right_to_left"
    a_fwd, _ = angles_table(p, fwd)
    a_rev, _ = angles_table(_reversed(p), rev)
    for col in ("ankle_dorsiflexion_deg_r", "knee_flexion_deg_l", "hip_flexion_deg_r", "trunk_extension_deg"):
        np.testing.assert_allclose(a_rev[col].to_numpy()[::-1], a_fwd[col].to_numpy(), atol=1e-9)
    assert a_rev["near_leg"].eq("r").all()


def test_treadmill_faces_the_way_the_body_points():
    """No travel (the hips held in place, as on a treadmill or with a camera panning along):
    one stationary side bout facing image right, the same angles as overground."""
    p = truth_pose("normal_side", SAMPLES, flat=True)
    hip_x = (p.image_xy[:, 23, 0] + p.image_xy[:, 24, 0]) / 2
    xy = p.image_xy.copy()
    xy[..., 0] -= (hip_x - hip_x[0])[:, None]
    tm = p.replace(image_xy=xy)
    bouts = classify_bouts(tm)
    assert [(b.view, b.direction, b.direction_sign, b.travel_sign) for b in bouts] == [
        ("side", "stationary", 1, 0)]
    a0, _ = angles_table(p, classify_bouts(p))
    a1, _ = angles_table(tm, bouts)
    np.testing.assert_allclose(a1["knee_flexion_deg_r"], a0["knee_flexion_deg_r"], atol=1e-9)


def test_mirrored_picture_faces_left():
    """The same walk mirrored left-right: facing image left, the same angles (the other leg
    near the camera)."""
    p = truth_pose("normal_side", SAMPLES, flat=True)
    xy = p.image_xy.copy()
    xy[..., 0] = p.resolution_wh[0] - xy[..., 0]
    w = p.world_xyz.copy()
    w[..., 0] *= -1
    m = p.replace(image_xy=xy, world_xyz=w)
    bouts = classify_bouts(m)
    assert [(b.direction_sign, b.travel_sign) for b in bouts] == [(-1, -1)]
    a0, _ = angles_table(p, classify_bouts(p))
    a1, _ = angles_table(m, bouts)
    np.testing.assert_allclose(a1["ankle_dorsiflexion_deg_l"], a0["ankle_dorsiflexion_deg_l"], atol=1e-9)
    assert a1["near_leg"].eq("l").all()
