"""The plausibility gates: a skeleton no body can take, and angles no body reaches."""
import numpy as np
import pandas as pd
import pytest

from footcam.findings.rules import ANGLE_LIMITS, REFERENCES, angle_limits
from footcam.kinematics.gates import (REASON_LEG_HIGH, REASON_UPSIDE_DOWN, gate_angles,
                                      implausible_frames, mask_frames)
from test_view import SAMPLES, truth_pose


def test_every_angle_column_has_a_limit_with_a_source():
    from footcam.constants import ANGLE_COLUMNS

    bases = {c[:-2] if c.endswith(("_l", "_r")) else c for c in ANGLE_COLUMNS}
    assert bases == {a.column for a in ANGLE_LIMITS}
    for a in ANGLE_LIMITS:
        assert a.walking[0] < 0 < a.walking[1] and a.running[0] <= a.walking[0] and a.running[1] >= a.walking[1]
        assert a.reference and all(r in REFERENCES for r in a.reference) and a.basis


def test_rendered_walk_passes_both_gates():
    p = truth_pose("normal_side", SAMPLES, flat=True)
    bad, why = implausible_frames(p)
    assert not bad.any(), set(why)
    df = pd.DataFrame({"ankle_dorsiflexion_deg_r": [10.0, -20.0], "knee_flexion_deg_r": [60.0, 5.0]})
    out, rep = gate_angles(df, np.array(["walking", "walking"]), angle_limits())
    assert rep == {} and out.equals(df)


def test_a_leg_on_the_arm_is_masked():
    """MediaPipe puts the right leg's knee and ankle up on the arm for three frames."""
    p = truth_pose("normal_side", SAMPLES, flat=True)
    xy = p.image_xy.copy()
    xy[50:53, 26] = xy[50:53, 14]          # right knee on the right elbow
    xy[50:53, 28] = xy[50:53, 16]          # right ankle on the right wrist
    bad, why = implausible_frames(p.replace(image_xy=xy))
    assert np.flatnonzero(bad).tolist() == [50, 51, 52]
    assert set(why[bad]) == {REASON_LEG_HIGH}
    m = mask_frames(p, bad)
    assert not m.detected[50:53].any() and m.detected[49] and m.detected[53]


def test_hips_above_the_shoulders_is_masked():
    p = truth_pose("normal_side", SAMPLES, flat=True)
    xy = p.image_xy.copy()
    xy[10, [11, 12]], xy[10, [23, 24]] = p.image_xy[10, [23, 24]], p.image_xy[10, [11, 12]]
    bad, why = implausible_frames(p.replace(image_xy=xy))
    assert bad[10] and why[10] == REASON_UPSIDE_DOWN
    assert bad.sum() == 1


def test_impossible_angles_become_nan_with_a_reason():
    df = pd.DataFrame({
        "hip_flexion_deg_r": [10.0, 10.0, -164.0, 10.0],
        "knee_flexion_deg_r": [20.0, 143.0, 20.0, 20.0],
        "ankle_dorsiflexion_deg_r": [-187.0, 5.0, 5.0, 5.0],
        "trunk_extension_deg": [99.0, 2.0, 2.0, 2.0],
    })
    out, rep = gate_angles(df, np.array(["walking"] * 4), angle_limits())
    assert np.isnan(out.loc[0, "ankle_dorsiflexion_deg_r"]) and np.isnan(out.loc[0, "trunk_extension_deg"])
    # an impossible knee takes the hip and ankle of that leg with it; an impossible hip the knee
    assert out.loc[1, ["hip_flexion_deg_r", "knee_flexion_deg_r", "ankle_dorsiflexion_deg_r"]].isna().all()
    assert out.loc[2, ["hip_flexion_deg_r", "knee_flexion_deg_r"]].isna().all()
    assert out.loc[2, "ankle_dorsiflexion_deg_r"] == 5.0
    assert out.loc[3].notna().all()
    assert rep["ankle_dorsiflexion_deg_r"]["gated"] == 2
    assert any("outside what a body reaches in walking" in k for k in rep["ankle_dorsiflexion_deg_r"]["reasons"])
    # a runner's knee bends further than a walker's
    run = pd.DataFrame({"knee_flexion_deg_r": [120.0]})
    assert gate_angles(run, np.array(["running"]), angle_limits())[1] == {}
    assert gate_angles(run, np.array(["walking"]), angle_limits())[1]["knee_flexion_deg_r"]["gated"] == 1


def test_hidden_legs_are_named_as_hidden():
    df = pd.DataFrame({"knee_flexion_deg_l": [143.0]})
    vis = np.ones((1, 33))
    vis[0, [23, 25, 27]] = 0.1
    _, rep = gate_angles(df, np.array(["walking"]), angle_limits(), vis)
    assert list(rep["knee_flexion_deg_l"]["reasons"]) == ["the leg is hidden (landmarks barely visible)"]
