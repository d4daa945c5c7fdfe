"""The angle core: exact constructions, invariances (hypothesis), and the synthwalk truth."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from footcam.constants import (L_ANKLE, L_FOOT_INDEX, L_HEEL, L_HIP, L_KNEE, L_SHOULDER,
                               LANDMARK_NAMES, LR_PAIRS, N_LANDMARKS, R_ANKLE, R_FOOT_INDEX,
                               R_HEEL, R_HIP, R_KNEE, R_SHOULDER, SAGITTAL_COLUMNS,
                               TRANSVERSE_COLUMNS)
from footcam.kinematics import (estimate_forward, sagittal_angles, sagittal_angles_world,
                                stance_from_world, transverse_angles)

KINEMATICS_SRC = Path(__file__).resolve().parents[2] / "src" / "footcam" / "kinematics"
UP_MP = np.array([0.0, -1.0, 0.0])        # MediaPipe world: y down


# --- the pure-core rule ----------------------------------------------------------------------

def test_kinematics_imports_only_pure_modules():
    allowed_top = {"numpy", "scipy", "pandas", "__future__", "dataclasses", "typing", "math",
                   "collections", "functools", "itertools", "warnings", "enum", "pathlib"}
    allowed_footcam = {"constants", "types", "config", "errors"}
    files = sorted(KINEMATICS_SRC.glob("*.py"))
    assert files, KINEMATICS_SRC
    bad = []
    for f in files:
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:                      # relative: ..x is footcam.x, .x is kinematics.x
                    mod = (node.module or "").split(".")[0]
                    if node.level >= 2 and mod not in allowed_footcam:
                        bad.append(f"{f.name}: from {'.' * node.level}{node.module}")
                    continue
                names = [node.module or ""]
            else:
                continue
            for n in names:
                top = n.split(".")[0]
                if top == "footcam":
                    if n.split(".")[1] not in allowed_footcam | {"kinematics"}:
                        bad.append(f"{f.name}: import {n}")
                elif top not in allowed_top:
                    bad.append(f"{f.name}: import {n}")
    assert not bad, "kinematics/ must stay pure numpy/scipy/pandas:\n" + "\n".join(bad)


# --- constructions ---------------------------------------------------------------------------

def _side_pose(hip=(0.0, 0.0), thigh_deg=0.0, shank_deg=0.0, foot_deg=90.0, trunk_deg=0.0,
               thigh=0.45, shank=0.43, foot=0.25) -> np.ndarray:
    """One pose as (forward, up) plane points. Segment angles are measured from the downward
    vertical, + forward (foot: heel→toe, 90° = horizontal pointing forward); trunk from the
    upward vertical, + backward."""
    p = np.zeros((N_LANDMARKS, 2))
    hip = np.asarray(hip, float)

    def seg(start, deg, length):
        a = np.radians(deg)
        return start + length * np.array([np.sin(a), -np.cos(a)])

    for h, k, an, he, to in ((L_HIP, L_KNEE, L_ANKLE, L_HEEL, L_FOOT_INDEX),
                             (R_HIP, R_KNEE, R_ANKLE, R_HEEL, R_FOOT_INDEX)):
        p[h] = hip
        p[k] = seg(hip, thigh_deg, thigh)
        p[an] = seg(p[k], shank_deg, shank)
        p[he] = p[an] + np.array([-0.05, -0.08])
        p[to] = seg(p[he], foot_deg, foot)
    t = np.radians(trunk_deg)
    p[L_SHOULDER] = p[R_SHOULDER] = hip + 0.5 * np.array([-np.sin(t), np.cos(t)])
    return p


def _to_image(plane: np.ndarray, sign: int = 1, scale: float = 400.0,
              origin=(640.0, 300.0)) -> np.ndarray:
    """(forward, up) plane points → pixels (y down) for a subject walking toward ``sign``·x."""
    x = origin[0] + sign * scale * plane[..., 0]
    y = origin[1] - scale * plane[..., 1]
    return np.stack([x, y], axis=-1)


def test_neutral_standing_is_zero():
    img = _to_image(_side_pose())[None]
    out = sagittal_angles(img, 1)
    assert list(out) == list(SAGITTAL_COLUMNS)
    for c, v in out.items():
        assert v.shape == (1,)
        assert v[0] == pytest.approx(0.0, abs=1e-9), c


@pytest.mark.parametrize("sign", [1, -1])
def test_right_angles_and_signs(sign):
    # thigh forward 90°, shank vertical: hip +90, knee +90; foot pointing down the shank's
    # continuation: ankle plantarflexed 90°; trunk leaning back to horizontal: +90
    p = _side_pose(thigh_deg=90.0, shank_deg=0.0, foot_deg=0.0, trunk_deg=90.0)
    out = sagittal_angles(_to_image(p, sign)[None], sign)
    for side in "lr":
        assert out[f"hip_flexion_deg_{side}"][0] == pytest.approx(90.0, abs=1e-9)
        assert out[f"knee_flexion_deg_{side}"][0] == pytest.approx(90.0, abs=1e-9)
        assert out[f"ankle_dorsiflexion_deg_{side}"][0] == pytest.approx(-90.0, abs=1e-9)
    assert out["trunk_extension_deg"][0] == pytest.approx(90.0, abs=1e-9)
    # thigh and shank 20° behind (hip extension, straight knee); foot 80° from the downward
    # vertical = 100° from the shank: 10° dorsiflexion; trunk leaning forward
    p = _side_pose(thigh_deg=-20.0, shank_deg=-20.0, foot_deg=80.0, trunk_deg=-10.0)
    out = sagittal_angles(_to_image(p, sign)[None], sign)
    assert out["hip_flexion_deg_r"][0] == pytest.approx(-20.0, abs=1e-9)
    assert out["knee_flexion_deg_r"][0] == pytest.approx(0.0, abs=1e-9)
    assert out["ankle_dorsiflexion_deg_r"][0] == pytest.approx(10.0, abs=1e-9)
    assert out["trunk_extension_deg"][0] == pytest.approx(-10.0, abs=1e-9)


def test_nan_in_nan_out_without_warnings(recwarn):
    img = np.stack([_to_image(_side_pose(thigh_deg=20.0))] * 3)
    img[1, L_KNEE] = np.nan
    out = sagittal_angles(img, np.array([1, 1, 0]))
    assert np.isnan(out["hip_flexion_deg_l"][1]) and np.isnan(out["knee_flexion_deg_l"][1])
    assert out["hip_flexion_deg_r"][1] == pytest.approx(20.0)
    assert all(np.isnan(v[2]) for v in out.values())          # direction unknown
    w = np.full((2, N_LANDMARKS, 3), np.nan)
    tr = transverse_angles(w, [0, 0, -1], UP_MP, None)
    assert all(np.isnan(v).all() for v in tr.values())
    assert len(recwarn) == 0, [str(x.message) for x in recwarn]


def test_bad_direction_sign_is_rejected():
    with pytest.raises(ValueError, match="direction_sign"):
        sagittal_angles(np.zeros((2, N_LANDMARKS, 2)), 2)
    with pytest.raises(ValueError, match="image_xy"):
        sagittal_angles(np.zeros((2, 17, 2)), 1)


# --- invariances (hypothesis) ----------------------------------------------------------------

angles_deg = st.floats(-60, 60)
poses = st.builds(_side_pose, thigh_deg=angles_deg, shank_deg=angles_deg,
                  foot_deg=st.floats(40, 130), trunk_deg=st.floats(-20, 20))


def _mirror_image(img: np.ndarray, width: float = 1280.0) -> np.ndarray:
    out = img.copy()
    out[..., 0] = width - out[..., 0]
    return out


@settings(max_examples=60, deadline=None)
@given(p=poses, shift=arrays(float, 2, elements=st.floats(-2000, 2000)),
       scale=st.floats(0.05, 50), sign=st.sampled_from([1, -1]))
def test_sagittal_invariant_to_translation_scaling_and_mirroring(p, shift, scale, sign):
    img = _to_image(p, sign)[None]
    ref = sagittal_angles(img, sign)
    moved = sagittal_angles(img * scale + shift, sign)
    mirrored = sagittal_angles(_mirror_image(img), -sign)
    for c in SAGITTAL_COLUMNS:
        np.testing.assert_allclose(moved[c], ref[c], atol=1e-7, err_msg=c)
        np.testing.assert_allclose(mirrored[c], ref[c], atol=1e-9, err_msg=c)


@settings(max_examples=30, deadline=None)
@given(p=poses, per_frame=st.booleans())
def test_left_to_right_equals_right_to_left(p, per_frame):
    plane = np.stack([p, _side_pose(thigh_deg=10.0)])
    ltr = sagittal_angles(_to_image(plane, 1), np.ones(2) if per_frame else 1)
    rtl = sagittal_angles(_to_image(plane, -1), -np.ones(2) if per_frame else -1)
    for c in SAGITTAL_COLUMNS:
        np.testing.assert_allclose(rtl[c], ltr[c], atol=1e-9, err_msg=c)


def _walker_world(rng: np.random.Generator, n: int = 5) -> np.ndarray:
    """A plausible MediaPipe-like world pose (x right, y down), walking toward -z."""
    w = np.zeros((n, N_LANDMARKS, 3))
    for i in range(n):
        yaw = np.radians(rng.uniform(-8, 8))
        half = 0.1 * np.array([np.cos(yaw), 0, np.sin(yaw)])   # subject's right is -x
        w[i, R_HIP], w[i, L_HIP] = -half, half
        w[i, R_HIP, 1] -= 0.02 * rng.uniform(-1, 1)
        w[i, R_SHOULDER] = -1.8 * half + [rng.uniform(-.05, .05), -0.5, 0.0]
        w[i, L_SHOULDER] = 1.8 * half + [0.0, -0.5, 0.0]
        for hip, knee, ank, heel, toe in ((L_HIP, L_KNEE, L_ANKLE, L_HEEL, L_FOOT_INDEX),
                                          (R_HIP, R_KNEE, R_ANKLE, R_HEEL, R_FOOT_INDEX)):
            w[i, knee] = w[i, hip] + [0, 0.45, rng.uniform(-0.2, 0.2)]
            w[i, ank] = w[i, knee] + [0, 0.43, rng.uniform(-0.2, 0.2)]
            w[i, heel] = w[i, ank] + [0, 0.06, 0.05]
            out = 1 if hip == L_HIP else -1                       # toe-out: away from the midline
            w[i, toe] = w[i, heel] + [out * rng.uniform(0, 0.08), 0.0, -0.22]
    return w


def _rot_about(axis: np.ndarray, deg: float) -> np.ndarray:
    a = axis / np.linalg.norm(axis)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    t = np.radians(deg)
    return np.eye(3) + np.sin(t) * k + (1 - np.cos(t)) * k @ k


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), yaw=st.floats(-180, 180),
       shift=arrays(float, 3, elements=st.floats(-5, 5)))
def test_transverse_invariant_to_rotation_about_vertical(seed, yaw, shift):
    w = _walker_world(np.random.default_rng(seed))
    fwd = np.array([0.0, 0.0, -1.0])
    stance = {"l": np.array([1, 1, 0, 0, 1], bool), "r": np.array([0, 1, 1, 1, 0], bool)}
    ref = transverse_angles(w, fwd, UP_MP, stance)
    rot = _rot_about(UP_MP, yaw)
    moved = transverse_angles(w @ rot.T + shift, rot @ fwd, UP_MP, stance)
    for c in TRANSVERSE_COLUMNS:
        np.testing.assert_allclose(moved[c], ref[c], atol=1e-7, err_msg=c)
    assert np.isnan(ref["foot_progression_deg_l"][2]) and np.isfinite(ref["foot_progression_deg_l"][0])
    # the forward estimate turns with the subject
    np.testing.assert_allclose(estimate_forward(w @ rot.T, UP_MP), rot @ estimate_forward(w, UP_MP),
                               atol=1e-9)


def test_transverse_signs_on_a_constructed_pose():
    # MediaPipe axes, subject facing the camera (forward = -z, so the subject's right is -x)
    w = np.zeros((1, N_LANDMARKS, 3))
    w[0, R_HIP] = [-0.1, -0.1 * np.tan(np.radians(5)), -0.1 * np.tan(np.radians(10))]
    w[0, L_HIP] = -w[0, R_HIP]                  # right hip higher by 5°, forward by 10°
    w[0, [L_SHOULDER, R_SHOULDER]] = [[0.2, -0.5, 0], [-0.2, -0.5, 0]]
    w[0, [L_SHOULDER, R_SHOULDER], 0] -= 0.5 * np.tan(np.radians(7))    # trunk 7° to the right
    w[0, R_HEEL], w[0, L_HEEL] = [-0.1, 0.9, 0.0], [0.1, 0.9, 0.0]
    toe_out = np.radians(12)
    w[0, R_FOOT_INDEX] = w[0, R_HEEL] + 0.2 * np.array([-np.sin(toe_out), 0, -np.cos(toe_out)])
    w[0, L_FOOT_INDEX] = w[0, L_HEEL] + 0.2 * np.array([np.sin(toe_out), 0, -np.cos(toe_out)])
    out = transverse_angles(w, [0, 0, -1], UP_MP)
    assert out["pelvic_rotation_deg"][0] == pytest.approx(10.0)
    assert out["pelvic_obliquity_deg"][0] == pytest.approx(5.0 / np.cos(np.radians(10)), rel=0.02)
    assert out["trunk_lateral_lean_deg"][0] == pytest.approx(7.0)
    for s in "lr":
        assert out[f"foot_progression_deg_{s}"][0] == pytest.approx(12.0)
    # the pelvis faces 10° to the subject's left of the walking direction: the right foot is
    # 10° more externally rotated against it, the left 10° less
    assert out["hip_rotation_deg_r"][0] == pytest.approx(22.0, abs=0.1)
    assert out["hip_rotation_deg_l"][0] == pytest.approx(2.0, abs=0.1)


def test_estimate_forward_follows_the_labels_or_the_hint():
    w = _walker_world(np.random.default_rng(1), n=20)
    toward_camera = np.array([0, 0, -1.0])
    fwd = estimate_forward(w, UP_MP)
    assert fwd @ toward_camera > np.cos(np.radians(5))
    mirrored = w.copy()
    for a, b in LR_PAIRS:
        mirrored[:, [a, b]] = w[:, [b, a]]
    assert estimate_forward(mirrored, UP_MP) @ fwd < -np.cos(np.radians(5))
    assert estimate_forward(mirrored, UP_MP, hint=toward_camera) @ fwd > np.cos(np.radians(5))
    assert estimate_forward(w, UP_MP, hint=-toward_camera) @ fwd < -np.cos(np.radians(5))


# --- the synthwalk truth ---------------------------------------------------------------------

def _truth(synth_dir: Path, preset: str):
    base = synth_dir / preset / preset
    if not base.with_suffix(".truth.csv").exists():
        pytest.skip(f"{preset}: truth files not in {synth_dir}")
    df = pd.read_csv(base.with_suffix(".truth.csv"))
    meta = json.loads(base.with_suffix(".json").read_text())
    px = np.stack([df[[f"{n}_px_x", f"{n}_px_y"]].to_numpy() for n in LANDMARK_NAMES], axis=1)
    world = np.stack([df[[f"{n}_world_x", f"{n}_world_y", f"{n}_world_z"]].to_numpy()
                      for n in LANDMARK_NAMES], axis=1)
    return df, meta, px, world


#: synth world (y up, z toward the camera) → MediaPipe-like axes (y down, z away): a rotation
SYNTH_TO_MP = np.diag([1.0, -1.0, -1.0])
TRUTH_PRESETS = ["normal_side", "normal_side_rtl", "normal_front", "normal_back",
                 "normal_oblique45", "toe_out_front", "restricted_ankle_compensated_side",
                 "normal_side_portrait_60fps"]


@pytest.mark.parametrize("preset", TRUTH_PRESETS)
def test_reproduces_synth_truth(synth_dir, preset):
    df, meta, px, world = _truth(synth_dir, preset)
    walking = meta["walking"]
    hx, hz = walking["heading_world_xz"]
    fwd = np.array([hx, 0.0, hz])
    stance = {s: df[f"stance_{s}"].to_numpy().astype(bool) for s in "lr"}
    # image sagittal vs the *_2d truth (where it exists: views within 45° of side-on)
    sag = sagittal_angles(px, walking["image_direction_sign"])
    for c in SAGITTAL_COLUMNS:
        truth = df[f"{c}_2d"].to_numpy()
        if np.isfinite(truth).any():
            np.testing.assert_allclose(sag[c], truth, atol=0.01, err_msg=c)
    # world sagittal and transverse vs the canonical truth, in MediaPipe-like axes
    mp = world @ SYNTH_TO_MP.T
    sag3 = sagittal_angles_world(mp, SYNTH_TO_MP @ fwd, UP_MP)
    for c in SAGITTAL_COLUMNS:
        np.testing.assert_allclose(sag3[c], df[c].to_numpy(), atol=0.01, err_msg=c)
    tr = transverse_angles(mp, SYNTH_TO_MP @ fwd, UP_MP, stance)
    for c in TRANSVERSE_COLUMNS:
        truth = df[c].to_numpy()
        np.testing.assert_array_equal(np.isnan(tr[c]), np.isnan(truth), err_msg=c)
        np.testing.assert_allclose(tr[c], truth, atol=0.01, err_msg=c)


@pytest.mark.parametrize("preset", TRUTH_PRESETS)
def test_forward_and_stance_estimates_on_truth(synth_dir, preset):
    df, meta, px, world = _truth(synth_dir, preset)
    hx, hz = meta["walking"]["heading_world_xz"]
    fwd_true = SYNTH_TO_MP @ np.array([hx, 0.0, hz])
    mp = world @ SYNTH_TO_MP.T
    mp = mp - (mp[:, [L_HIP]] + mp[:, [R_HIP]]) / 2           # hip-centred, as MediaPipe's
    fwd = estimate_forward(mp, UP_MP)
    assert np.degrees(np.arccos(np.clip(fwd @ fwd_true, -1, 1))) < 0.5
    stance = stance_from_world(mp, fwd, df["time_s"].to_numpy())
    for s in "lr":
        truth = df[f"stance_{s}"].to_numpy().astype(bool)
        # measured: 92-100 % agreement; the misses sit at the ends of stance (a landing foot
        # already moves backward in terminal swing)
        assert (stance[s] == truth).mean() >= 0.88, s
        assert (stance[s] & ~truth).sum() <= 0.12 * truth.sum(), s
