"""Gait events and spatio-temporal values on rendered clips against their exact truth.

Measured (README, "Gait events"): median |error| 0.1–0.9 frames on the side, oblique and front
clips; the offsets were calibrated on normal_side, slow_walk_side and normal_front only, so
normal_side_rtl and the restricted clips below are held out.
"""

import numpy as np
import pytest

from footcam.kinematics.cycles import spatiotemporal
from footcam.validate import event_errors
from helpers import synth_clip, synth_events, synth_meta

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", ["normal_side_rtl", "restricted_ankle_compensated_side",
                                  "asymmetric_right_restricted_side", "toe_out_front"])
def test_event_timing_held_out(analyse, name):
    a = analyse(synth_clip(name))
    truth = synth_events(name)
    frame = float(np.median(np.diff(a.raw.time_s)))
    ev = event_errors(a.events, truth, a.raw.time_s[0], a.raw.time_s[-1])
    errs, missed, extra = ev["errors_s"], ev["missed"], ev["extra"]
    assert len(errs) >= 10
    assert np.median(np.abs(errs)) <= 1.0 * frame, errs
    assert np.percentile(np.abs(errs), 95) <= 4.0 * frame, errs
    if name.startswith("normal_"):
        assert missed == 0 and extra == 0
    else:
        assert missed + extra <= 2
    assert a.events["confidence"].between(0, 1).all()


def test_spatiotemporal_against_truth(analyse):
    name = "normal_side_rtl"
    a = analyse(synth_clip(name))
    truth = synth_meta(name)["walking"]
    st = spatiotemporal(a.cycles)
    assert len(a.cycles) >= 4
    assert st["cadence_steps_per_min"] == pytest.approx(truth["cadence_steps_per_min"], abs=3)
    assert st["stride_time_s"] == pytest.approx(truth["stride_time_s"], abs=0.03)
    assert st["stance_pct"] == pytest.approx(truth["stance_pct_l"], abs=4)   # measured -3.0
    # measured 9.3 vs 14.4 %: on this held-out clip toe off is found ~25 ms early
    assert st["double_support_pct"] == pytest.approx(truth["double_support_pct"], abs=6)


@pytest.mark.parametrize("name", ["normal_side_rtl", "restricted_ankle_compensated_side"])
def test_lengths_with_height_against_truth(analyse, name):
    """--height-cm: stride length and speed from the leg length in the picture (Winter's
    proportions, not tuned on these clips). Measured -1.1..+0.2 % stride, +3..+5 % step."""
    meta = synth_meta(name)
    truth = meta["walking"]
    a = analyse(synth_clip(name), subject={"height_cm": 100 * meta["subject"]["height_m"]})
    st = spatiotemporal(a.cycles)
    assert st["stride_length_m"] == pytest.approx(truth["stride_length_m"], rel=0.03)
    assert st["walking_speed_m_per_s"] == pytest.approx(truth["walking_speed_m_per_s"], rel=0.03)
    assert st["step_length_m"] == pytest.approx(truth["step_length_m_r"], rel=0.08)
    assert a.scale["px_per_m"] > 0


def test_no_lengths_from_the_front(analyse):
    a = analyse(synth_clip("normal_front"), subject={"height_cm": 175})
    st = spatiotemporal(a.cycles)
    assert st["cadence_steps_per_min"] > 0 and st["stride_length_m"] is None   # unknown, not guessed
    assert any("side view" in w for w in a.warnings)
