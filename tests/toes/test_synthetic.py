"""End to end on synthetic photos with known geometry (guards the README's figures)."""
from __future__ import annotations

import numpy as np
import pytest

from footcam.toes.evaluate import evaluate_synthetic, synthetic_cases

# README: length within ±0.8 mm, splay ±0.6°, toes ±1.4°, hallux angle ±2.1° (12 cases);
# the tests allow the tolerances (±3 mm, ±3°) on a subset to stay fast.
CASES = synthetic_cases(12)


@pytest.mark.parametrize("case", [CASES[3], CASES[10]], ids=lambda c: c.name)
def test_synthetic_photo_within_tolerance(case):
    e = evaluate_synthetic(case)
    assert e["side_ok"]
    assert abs(e["tilt_err_deg"]) < 2.0
    assert abs(e["length_err_mm"]) <= 3.0
    assert abs(e["heel_width_err_mm"]) <= 3.0
    assert e["toes_measured"] == 5
    assert abs(e["splay_err_deg"]) <= 3.0
    assert np.max(np.abs(e["toe_angle_err_deg"])) <= 3.0
    assert abs(e["hallux_angle_err_deg"]) <= 3.0
