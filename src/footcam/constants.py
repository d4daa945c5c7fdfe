"""Landmark indices, skeleton edges and column names: the one place they are spelled.

Landmarks are MediaPipe BlazePose's 33 points; angle columns follow ``shared/ANGLES.md``.
"""
from __future__ import annotations

LANDMARK_NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)
N_LANDMARKS = 33
assert len(LANDMARK_NAMES) == N_LANDMARKS

NOSE = 0
L_EAR, R_EAR = 7, 8
L_SHOULDER, R_SHOULDER = 11, 12
L_ELBOW, R_ELBOW = 13, 14
L_WRIST, R_WRIST = 15, 16
L_HIP, R_HIP = 23, 24
L_KNEE, R_KNEE = 25, 26
L_ANKLE, R_ANKLE = 27, 28
L_HEEL, R_HEEL = 29, 30
L_FOOT_INDEX, R_FOOT_INDEX = 31, 32

#: per side: the landmark index of each joint used by the angle core
SIDE_INDEX: dict[str, dict[str, int]] = {
    "l": {"shoulder": L_SHOULDER, "hip": L_HIP, "knee": L_KNEE, "ankle": L_ANKLE,
          "heel": L_HEEL, "foot_index": L_FOOT_INDEX},
    "r": {"shoulder": R_SHOULDER, "hip": R_HIP, "knee": R_KNEE, "ankle": R_ANKLE,
          "heel": R_HEEL, "foot_index": R_FOOT_INDEX},
}

#: the leg chains below the hip, (left, right) pairs; a leg swap exchanges these
LEG_PAIRS: tuple[tuple[int, int], ...] = (
    (L_KNEE, R_KNEE), (L_ANKLE, R_ANKLE), (L_HEEL, R_HEEL), (L_FOOT_INDEX, R_FOOT_INDEX),
)

#: every (left, right) landmark pair, for mirroring a whole pose
LR_PAIRS: tuple[tuple[int, int], ...] = (
    (1, 4), (2, 5), (3, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16), (17, 18),
    (19, 20), (21, 22), (23, 24), (25, 26), (27, 28), (29, 30), (31, 32),
)

#: skeleton edges drawn in overlays: (a, b, side) with side "l", "r" or "c" (centre)
SKELETON_EDGES: tuple[tuple[int, int, str], ...] = (
    (L_SHOULDER, R_SHOULDER, "c"), (L_HIP, R_HIP, "c"),
    (L_SHOULDER, L_HIP, "l"), (R_SHOULDER, R_HIP, "r"),
    (L_SHOULDER, L_ELBOW, "l"), (L_ELBOW, L_WRIST, "l"),
    (R_SHOULDER, R_ELBOW, "r"), (R_ELBOW, R_WRIST, "r"),
    (L_HIP, L_KNEE, "l"), (L_KNEE, L_ANKLE, "l"), (L_ANKLE, L_HEEL, "l"),
    (L_HEEL, L_FOOT_INDEX, "l"), (L_ANKLE, L_FOOT_INDEX, "l"),
    (R_HIP, R_KNEE, "r"), (R_KNEE, R_ANKLE, "r"), (R_ANKLE, R_HEEL, "r"),
    (R_HEEL, R_FOOT_INDEX, "r"), (R_ANKLE, R_FOOT_INDEX, "r"),
)

SIDES: tuple[str, str] = ("l", "r")

# --- angle columns (shared/ANGLES.md) -------------------------------------------------------
SAGITTAL_SIDED: tuple[str, ...] = ("hip_flexion_deg", "knee_flexion_deg", "ankle_dorsiflexion_deg")
SAGITTAL_CENTRAL: tuple[str, ...] = ("trunk_extension_deg",)
FRONTAL_CENTRAL: tuple[str, ...] = ("pelvic_rotation_deg", "pelvic_obliquity_deg", "trunk_lateral_lean_deg")
TRANSVERSE_SIDED: tuple[str, ...] = ("foot_progression_deg", "hip_rotation_deg")


def sided(base: str) -> tuple[str, str]:
    """``("x_l", "x_r")`` for a sided base name."""
    return f"{base}_l", f"{base}_r"


SAGITTAL_COLUMNS: tuple[str, ...] = tuple(c for b in SAGITTAL_SIDED for c in sided(b)) + SAGITTAL_CENTRAL
TRANSVERSE_COLUMNS: tuple[str, ...] = FRONTAL_CENTRAL + tuple(c for b in TRANSVERSE_SIDED for c in sided(b))
ANGLE_COLUMNS: tuple[str, ...] = SAGITTAL_COLUMNS + TRANSVERSE_COLUMNS

# --- views ----------------------------------------------------------------------------------
VIEW_SIDE, VIEW_FRONT, VIEW_BACK, VIEW_OBLIQUE, VIEW_UNKNOWN = "side", "front", "back", "oblique", "unknown"
VIEWS: tuple[str, ...] = (VIEW_SIDE, VIEW_FRONT, VIEW_BACK, VIEW_OBLIQUE, VIEW_UNKNOWN)

#: which angle columns each view supports
VIEW_SUPPORTS: dict[str, tuple[str, ...]] = {
    VIEW_SIDE: SAGITTAL_COLUMNS,
    VIEW_FRONT: TRANSVERSE_COLUMNS,
    # from behind, MediaPipe's world model points the toes toward the camera (foot progression
    # off by ~160 deg on the rendered back view): the foot-axis angles are not reported
    VIEW_BACK: FRONTAL_CENTRAL,
    VIEW_OBLIQUE: TRANSVERSE_COLUMNS,
    VIEW_UNKNOWN: (),
}

VIDEO_EXTENSIONS: tuple[str, ...] = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")
