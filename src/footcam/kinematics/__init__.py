"""kinematics stage: pure numpy/scipy/pandas — cleaning, filtering, angles, events, cycles.

Never imports mediapipe, cv2, av or click (tests/kinematics/test_angles.py checks).
"""
from .angles import (estimate_forward, ground_axes, sagittal_angles, sagittal_angles_world,
                     stance_from_world, transverse_angles)
from .clean import (CleanResult, clean_pose, fill_gaps, fix_leg_swaps, leg_swap_labels, lowpass,
                    mask_low_visibility, swap_legs)

__all__ = [
    "sagittal_angles", "sagittal_angles_world", "transverse_angles", "estimate_forward",
    "stance_from_world", "ground_axes",
    "CleanResult", "clean_pose", "mask_low_visibility", "fix_leg_swaps", "leg_swap_labels",
    "swap_legs", "fill_gaps", "lowpass",
]
