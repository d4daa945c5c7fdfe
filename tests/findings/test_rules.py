"""Each rule fires at its threshold and not below it, per side, on >= 2 cycles, and only for what
the view can measure."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from footcam.findings import MIN_CYCLES, RULES, RULES_BY_ID, summarize

from .build import NORMAL, analysis, cycles, finding, not_measurable

DF = "peak_ankle_dorsiflexion_stance_deg"
TO = "ankle_dorsiflexion_at_toe_off_deg"
PF = "peak_ankle_plantarflexion_push_off_deg"
RANGE = "ankle_range_deg"
PELVIS = "pelvic_rotation_range_deg"
TRUNK = "trunk_extension_range_deg"
FP = "foot_progression_stance_deg"


def side_summary(**kw) -> dict:
    return summarize(cycles(**kw), analysis("side"))


def front_summary(**kw) -> dict:
    return summarize(cycles(view="front", **kw), analysis("front"))


# --- the rule table ------------------------------------------------------------------------------

def test_every_rule_has_a_source_and_its_reference_is_cited():
    from footcam.findings import REFERENCES
    for r in RULES:
        assert r.reference and all(ref in REFERENCES for ref in r.reference), r.id
        assert r.basis and r.title and r.what and r.film
        if r.kind != "chain":
            assert r.mild is not None and r.marked is not None
            # marked is further from typical than mild
            further = r.marked < r.mild if r.direction == "below" and r.kind == "level" else r.marked > r.mild
            assert further, r.id
        if "footcam" in r.reference:
            assert "footcam's own" in r.basis
        if r.measure:                               # the test cycles carry every rule's column
            assert r.measure in NORMAL, r.id


def test_the_ankle_rule_table():
    def row(i):
        r = RULES_BY_ID[i]
        return r.measure, r.direction, r.mild, r.marked
    assert row("restricted_ankle_motion") == (RANGE, "below", 20.0, 15.0)
    assert row("restricted_dorsiflexion") == (DF, "below", 5.0, 0.0)
    assert row("reduced_push_off") == (PF, "above", -10.0, -5.0)
    assert row("asymmetry_dorsiflexion") == (DF, "below", 5.0, 10.0)
    assert row("asymmetry_push_off") == (PF, "above", 5.0, 10.0)
    assert {r.id for r in RULES if r.near_leg_only} == {
        "restricted_ankle_motion", "restricted_dorsiflexion", "reduced_push_off",
        "asymmetry_dorsiflexion", "asymmetry_push_off", "stiff_knee_swing"}
    assert RULES_BY_ID["ankle_compensation_chain"].parts[0] == (
        "restricted_ankle_motion", "restricted_dorsiflexion", "reduced_push_off")
    assert MIN_CYCLES == 2


def test_textbook_cycles_flag_nothing():
    s = side_summary()
    assert s["findings"] and all(f["severity"] == "none" for f in s["findings"])
    s = front_summary()
    assert s["findings"] and all(f["severity"] == "none" for f in s["findings"])


# --- restricted dorsiflexion ---------------------------------------------------------------------

@pytest.mark.parametrize("value, severity", [(12.0, "none"), (5.0, "none"), (4.9, "mild"),
                                             (0.1, "mild"), (0.0, "mild"), (-0.1, "marked"),
                                             (-4.0, "marked")])
def test_restricted_dorsiflexion_grades_below_5_and_0_degrees(value, severity):
    s = side_summary(l={DF: value}, r={DF: value})
    f = finding(s, "restricted_dorsiflexion")
    assert f["severity"] == severity
    assert f["per_side"]["l"]["severity"] == f["per_side"]["r"]["severity"] == severity
    assert f["measured"] == {"l": pytest.approx(value), "r": pytest.approx(value)}
    assert f["threshold"] == {"mild": 5.0, "marked": 0.0} and f["direction"] == "below"
    assert f["side"] == "both" and f["n_cycles"] == 6 and f["view"] == "side"
    assert f["reference"] == ["perry2010", "footcam"]


def test_restricted_dorsiflexion_on_one_side_names_that_side():
    s = side_summary(l={DF: 12.0}, r={DF: -1.0})
    f = finding(s, "restricted_dorsiflexion")
    assert (f["side"], f["severity"]) == ("r", "marked")
    assert f["per_side"]["l"]["severity"] == "none" and f["per_side"]["r"]["severity"] == "marked"
    assert f["n_cycles"] == 3                      # the cycles of the flagged side
    assert any("right" in e and "−1.0°" in e for e in f["evidence"])
    s = side_summary(l={DF: 3.0}, r={DF: 12.0})
    assert (finding(s, "restricted_dorsiflexion")["side"], finding(s, "restricted_dorsiflexion")["severity"]) == ("l", "mild")


def test_the_side_mean_decides_and_the_evidence_counts_the_cycles():
    s = side_summary(l={DF: [4.0, 4.0, 8.0]}, r={DF: [12.0, 12.0, 12.0]})
    f = finding(s, "restricted_dorsiflexion")
    assert f["measured"]["l"] == pytest.approx(5.33, abs=0.01) and f["severity"] == "none"
    assert "2 of 3 left cycles below 5.0°" in f["evidence"]


# --- restricted ankle motion (late stance to push-off) -------------------------------------------

@pytest.mark.parametrize("value, severity", [(30.0, "none"), (20.0, "none"), (19.9, "mild"),
                                             (15.0, "mild"), (14.9, "marked"), (8.0, "marked")])
def test_restricted_ankle_motion_grades_below_20_and_15_degrees(value, severity):
    f = finding(side_summary(l={RANGE: value}, r={RANGE: value}), "restricted_ankle_motion")
    assert f["severity"] == severity
    assert f["per_side"]["l"]["severity"] == f["per_side"]["r"]["severity"] == severity
    assert f["measured"] == {"l": pytest.approx(value), "r": pytest.approx(value)}
    assert f["threshold"] == {"mild": 20.0, "marked": 15.0} and f["direction"] == "below"
    assert f["unit"] == "deg" and f["side"] == "both" and f["n_cycles"] == 6 and f["view"] == "side"
    assert f["reference"] == ["perry2010", "footcam"]


def test_restricted_ankle_motion_on_one_side_names_that_side():
    s = side_summary(l={RANGE: 30.0}, r={RANGE: [12.0, 13.0, 14.0]})
    f = finding(s, "restricted_ankle_motion")
    assert (f["side"], f["severity"], f["n_cycles"]) == ("r", "marked", 3)
    assert f["per_side"]["l"]["severity"] == "none" and f["per_side"]["r"]["severity"] == "marked"
    assert f["measured"] == {"l": pytest.approx(30.0), "r": pytest.approx(13.0)}
    assert "3 of 3 right cycles below 20.0°" in f["evidence"]
    assert "0 of 3 left cycles below 20.0°" in f["evidence"]
    s = side_summary(l={RANGE: [18.0, 19.0, 22.0]}, r={RANGE: 30.0})
    f = finding(s, "restricted_ankle_motion")
    assert (f["side"], f["severity"]) == ("l", "mild")
    assert f["measured"]["l"] == pytest.approx(19.67, abs=0.01)


def test_ankle_range_is_rated_on_its_own_not_from_the_dorsiflexion_peak():
    # a typical-looking dorsiflexion peak with little range to push-off: only the range rule fires
    s = side_summary(l={DF: 10.0, RANGE: 14.0}, r={DF: 10.0, RANGE: 14.0})
    assert finding(s, "restricted_ankle_motion")["severity"] == "marked"
    assert finding(s, "restricted_dorsiflexion")["severity"] == "none"
    # and a low peak with a typical range: only the dorsiflexion rule fires
    s = side_summary(l={DF: -1.0, RANGE: 30.0}, r={DF: -1.0, RANGE: 30.0})
    assert finding(s, "restricted_ankle_motion")["severity"] == "none"
    assert finding(s, "restricted_dorsiflexion")["severity"] == "marked"


# --- push-off ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, severity", [(-18.0, "none"), (-10.0, "none"), (-9.9, "mild"),
                                             (-5.0, "mild"), (-4.9, "marked"), (3.0, "marked")])
def test_reduced_push_off_grades_above_minus_10_and_minus_5(value, severity):
    f = finding(side_summary(l={PF: value}, r={PF: value}), "reduced_push_off")
    assert f["severity"] == severity and f["direction"] == "above"
    assert f["per_side"]["l"]["severity"] == f["per_side"]["r"]["severity"] == severity
    assert f["measured"] == {"l": pytest.approx(value), "r": pytest.approx(value)}
    assert f["threshold"] == {"mild": -10.0, "marked": -5.0}
    assert f["side"] == "both" and f["n_cycles"] == 6
    assert f["reference"] == ["perry2010", "footcam"]


def test_reduced_push_off_on_one_side_and_not_from_the_ankle_at_toe_off():
    f = finding(side_summary(l={PF: -18.0}, r={PF: [-8.0, -7.0, -9.0]}), "reduced_push_off")
    assert (f["side"], f["severity"], f["n_cycles"]) == ("r", "mild", 3)
    assert f["measured"] == {"l": pytest.approx(-18.0), "r": pytest.approx(-8.0)}
    assert "3 of 3 right cycles above −10.0°" in f["evidence"]
    # the ankle angle at the toe-off instant no longer decides push-off
    f = finding(side_summary(l={TO: 2.0}, r={TO: 2.0}), "reduced_push_off")
    assert f["severity"] == "none" and f["measured"] == {"l": pytest.approx(-18.0), "r": pytest.approx(-18.0)}


# --- pelvic rotation, trunk, toe-out -------------------------------------------------------------

@pytest.mark.parametrize("value, severity", [(10.0, "none"), (15.0, "none"), (15.5, "mild"),
                                             (20.0, "mild"), (20.5, "marked")])
def test_excess_pelvic_rotation_from_the_front(value, severity):
    f = finding(front_summary(l={PELVIS: value}, r={PELVIS: value}), "excess_pelvic_rotation")
    assert f["severity"] == severity
    assert f["side"] == "both" and f["measured"] == {"both": pytest.approx(value)}
    assert f["n_cycles"] == 6 and f["view"] == "front"


def test_pelvic_rotation_is_rated_from_the_front_only():
    """footcam finds no steps from behind (so no per-stride pelvic rotation there): the advice
    names the front view only, never one that cannot rate it."""
    s = summarize(cycles(view="back", l={PELVIS: 18.0}, r={PELVIS: 18.0}), analysis("back"))
    assert finding(s, "excess_pelvic_rotation") is None
    assert not_measurable(s, "excess_pelvic_rotation")[0]["view"] == "front"
    assert finding(s, "out_toeing") is None        # no toe-out from behind
    assert not_measurable(s, "out_toeing")[0]["view"] == "front"


@pytest.mark.parametrize("value, severity", [(5.0, "none"), (6.0, "none"), (6.1, "mild"),
                                             (9.0, "mild"), (9.1, "marked"), (12.5, "marked")])
def test_excess_trunk_extension_range_from_the_side(value, severity):
    f = finding(side_summary(l={TRUNK: value}, r={TRUNK: value}), "excess_trunk_extension_range")
    assert f["severity"] == severity and f["reference"] == ["footcam"]
    assert f["threshold"] == {"mild": 6.0, "marked": 9.0}
    assert f["side"] == "both" and f["measured"] == {"both": pytest.approx(value)} and f["n_cycles"] == 6


@pytest.mark.parametrize("l_fp, r_fp, severity, side", [(8.0, 8.0, "none", "both"),
                                                        (20.0, 19.0, "none", "both"),
                                                        (21.0, 8.0, "mild", "l"),
                                                        (25.0, 31.0, "marked", "both"),
                                                        (8.0, 30.5, "marked", "r")])
def test_out_toeing_from_the_front(l_fp, r_fp, severity, side):
    f = finding(front_summary(l={FP: l_fp}, r={FP: r_fp}), "out_toeing")
    assert (f["severity"], f["side"]) == (severity, side)
    assert f["measured"] == {"l": pytest.approx(l_fp), "r": pytest.approx(r_fp)}


# --- asymmetry -----------------------------------------------------------------------------------

@pytest.mark.parametrize("l_df, r_df, severity, side", [(12.0, 8.0, "none", "both"),
                                                        (12.0, 7.0, "none", "both"),
                                                        (12.0, 6.9, "mild", "r"),
                                                        (6.0, 12.0, "mild", "l"),
                                                        (14.0, 4.0, "mild", "r"),
                                                        (14.0, 3.9, "marked", "r"),
                                                        (-2.0, 12.0, "marked", "l")])
def test_dorsiflexion_asymmetry_above_5_and_10_degrees(l_df, r_df, severity, side):
    f = finding(side_summary(l={DF: l_df}, r={DF: r_df}), "asymmetry_dorsiflexion")
    assert (f["severity"], f["side"]) == (severity, side)
    assert f["difference"] == pytest.approx(abs(l_df - r_df))
    assert f["measured"] == {"l": pytest.approx(l_df), "r": pytest.approx(r_df)}
    assert f["threshold"] == {"mild": 5.0, "marked": 10.0} and f["direction"] == "above"
    assert f["reference"] == ["mcginley2009"]


@pytest.mark.parametrize("l_pf, r_pf, severity, side", [(-18.0, -13.0, "none", "both"),
                                                        (-18.0, -12.9, "mild", "r"),
                                                        (-16.0, -9.0, "mild", "r"),
                                                        (-8.0, -18.0, "mild", "l"),
                                                        (-18.0, -7.9, "marked", "r"),
                                                        (-3.0, -15.0, "marked", "l")])
def test_push_off_asymmetry_names_the_side_that_pushes_off_less(l_pf, r_pf, severity, side):
    f = finding(side_summary(l={PF: l_pf}, r={PF: r_pf}), "asymmetry_push_off")
    assert (f["severity"], f["side"]) == (severity, side)
    assert f["difference"] == pytest.approx(abs(l_pf - r_pf))
    assert f["measured"] == {"l": pytest.approx(l_pf), "r": pytest.approx(r_pf)}


def test_push_off_asymmetry_uses_the_push_off_peak_not_the_ankle_at_toe_off():
    f = finding(side_summary(l={TO: -15.0}, r={TO: 0.0}), "asymmetry_push_off")
    assert f["severity"] == "none" and f["difference"] == pytest.approx(0.0)


@pytest.mark.parametrize("l_step, r_step, severity", [(0.55, 0.55, "none"), (0.55, 0.50, "none"),
                                                      (0.60, 0.517, "none"),    # SI 14.9 %
                                                      (0.60, 0.516, "mild"),    # SI 15.1 %
                                                      (0.60, 0.467, "mild"),    # SI 24.9 %
                                                      (0.60, 0.466, "marked"),  # SI 25.1 %
                                                      (0.66, 0.50, "marked")])
def test_step_time_asymmetry_by_symmetry_index(l_step, r_step, severity):
    s = side_summary(l={"step_time_s": l_step}, r={"step_time_s": r_step})
    f = finding(s, "asymmetry_step_time")
    si = 100 * abs(l_step - r_step) / (0.5 * (l_step + r_step))
    assert f["measured"] == pytest.approx(si, abs=0.01) and f["unit"] == "%"
    assert f["severity"] == severity and f["side"] == "both"
    assert f["threshold"] == {"mild": 15.0, "marked": 25.0}
    assert s["spatiotemporal"]["step_time_symmetry_index_pct"] == pytest.approx(si, abs=0.01)


def test_one_odd_step_does_not_make_a_step_time_asymmetry():
    # a missed heel strike doubles one step: the per-side median ignores it
    f = finding(side_summary(l={"step_time_s": [0.55, 0.55, 1.10]}), "asymmetry_step_time")
    assert f["measured"] == pytest.approx(0.0) and f["severity"] == "none"


def test_stance_time_asymmetry_is_measured_from_the_front_as_well():
    f = finding(front_summary(l={"stance_pct": 68.0}, r={"stance_pct": 56.0}), "asymmetry_stance_time")
    assert f["severity"] == "mild" and f["view"] == "front"
    assert f["measured"] == pytest.approx(100 * 12 / 62, abs=0.01)
    assert f["threshold"] == {"mild": 15.0, "marked": 25.0}
    f = finding(front_summary(l={"stance_pct": 66.0}, r={"stance_pct": 58.0}), "asymmetry_stance_time")
    assert f["severity"] == "none"                  # SI 12.9 %


# --- at least two cycles -------------------------------------------------------------------------

def test_a_side_with_one_cycle_is_not_rated_and_says_so():
    s = side_summary(n_l=1, n_r=3, l={DF: 2.0}, r={DF: 12.0})
    f = finding(s, "restricted_dorsiflexion")
    assert f["measured"] == {"r": pytest.approx(12.0)} and f["severity"] == "none"
    nm = not_measurable(s, "restricted_dorsiflexion")
    assert len(nm) == 1 and "left" in nm[0]["what"] and "only 1 gait cycle" in nm[0]["why"]
    # asymmetry needs both sides
    assert finding(s, "asymmetry_dorsiflexion") is None
    assert not_measurable(s, "asymmetry_dorsiflexion")


def test_two_cycles_are_enough_and_one_is_not():
    s = side_summary(n_l=2, n_r=2, l={DF: -3.0}, r={DF: -3.0})
    assert finding(s, "restricted_dorsiflexion")["severity"] == "marked"
    s = side_summary(n_l=1, n_r=1, l={DF: -3.0}, r={DF: -3.0})
    assert finding(s, "restricted_dorsiflexion") is None
    assert all(f["severity"] == "none" or f["n_cycles"] >= 2 for f in s["findings"])
    nm = not_measurable(s, "restricted_dorsiflexion")
    # too few cycles (not the far leg): says how many, whether per leg or in all
    assert nm and all("only" in x["why"] and "gait cycle" in x["why"] and "at least 2" in x["why"]
                      and x["hint"] != BOTH_WAYS for x in nm)
    s = front_summary(n_l=1, n_r=1, l={FP: 35.0}, r={FP: 35.0})
    assert finding(s, "out_toeing") is None
    nm = not_measurable(s, "out_toeing")
    assert len(nm) == 1 and "only 2 gait cycles" in nm[0]["why"]   # 1 + 1, fewer than 2 per side


def test_nan_cycles_do_not_count():
    s = side_summary(l={DF: [3.0, float("nan"), float("nan")]}, r={DF: [3.0, 3.0, float("nan")]})
    f = finding(s, "restricted_dorsiflexion")
    assert f["side"] == "r" and set(f["measured"]) == {"r"} and f["n_cycles"] == 2


# --- near leg only (ankle rules in side views) -----------------------------------------------------

ANKLE_LEVEL = ("restricted_ankle_motion", "restricted_dorsiflexion", "reduced_push_off")
ANKLE_ASYM = ("asymmetry_dorsiflexion", "asymmetry_push_off")
RESTRICTED = {DF: -3.0, PF: 0.0, RANGE: 10.0}        # marked on every ankle rule
BOTH_WAYS = "film the walk both ways (there and back) so each leg is seen from its side"


def test_a_leg_seen_only_as_the_far_leg_is_not_rated():
    # the right leg's values would be marked on every ankle rule, but it was only the far leg
    s = side_summary(l={}, r=RESTRICTED, far="r")
    for rule in ANKLE_LEVEL:
        f = finding(s, rule)
        assert f is not None and (f["severity"], f["side"]) == ("none", "l"), rule
        assert set(f["measured"]) == {"l"} and set(f["per_side"]) == {"l"} and f["n_cycles"] == 3
        nm = not_measurable(s, rule)
        assert len(nm) == 1, rule
        assert nm[0]["what"].endswith("(right)")
        assert nm[0]["hint"] == BOTH_WAYS
        assert "far leg in all 3 of its cycles" in nm[0]["why"]
        assert "right leg toward the camera" in nm[0]["view"]
    # the asymmetry rules need both legs near
    for rule in ANKLE_ASYM:
        assert finding(s, rule) is None, rule
        nm = not_measurable(s, rule)
        assert len(nm) == 1 and "right" in nm[0]["what"] and nm[0]["hint"] == BOTH_WAYS, rule
    # rules that do not depend on the near leg still use every cycle
    assert finding(s, "excess_trunk_extension_range")["n_cycles"] == 6
    assert finding(s, "asymmetry_step_time")["n_cycles"] == 6


def test_the_same_values_on_the_near_leg_are_rated():
    s = side_summary(l={}, r=RESTRICTED)
    for rule in ANKLE_LEVEL:
        f = finding(s, rule)
        assert (f["severity"], f["side"]) == ("marked", "r"), rule
        assert not not_measurable(s, rule)
    assert finding(s, "asymmetry_dorsiflexion")["severity"] == "marked"
    assert finding(s, "asymmetry_push_off")["severity"] == "marked"


def test_a_far_left_leg_names_the_left_leg():
    s = side_summary(l=RESTRICTED, far="l")
    f = finding(s, "restricted_ankle_motion")
    assert (f["severity"], f["side"], set(f["measured"])) == ("none", "r", {"r"})
    nm = not_measurable(s, "restricted_ankle_motion")
    assert len(nm) == 1 and nm[0]["what"].endswith("(left)") and nm[0]["hint"] == BOTH_WAYS
    assert "left leg toward the camera" in nm[0]["view"]
    nm = not_measurable(s, "asymmetry_push_off")
    assert len(nm) == 1 and "left" in nm[0]["what"] and nm[0]["hint"] == BOTH_WAYS


def test_both_legs_far_leaves_no_ankle_finding_and_no_chain():
    s = side_summary(l={**RESTRICTED, TRUNK: 13.0}, r={**RESTRICTED, TRUNK: 13.0}, far=("l", "r"))
    for rule in ANKLE_LEVEL + ANKLE_ASYM:
        assert finding(s, rule) is None, rule
        nm = not_measurable(s, rule)
        assert sorted(x["what"].rsplit("(", 1)[1] for x in nm) == ["left)", "right)"], rule
        assert all(x["hint"] == BOTH_WAYS for x in nm)
    assert finding(s, "excess_trunk_extension_range")["severity"] == "marked"
    assert finding(s, "ankle_compensation_chain") is None
    nm = not_measurable(s, "ankle_compensation_chain")
    assert len(nm) == 1 and "ankle" in nm[0]["why"]


def test_only_the_near_cycles_of_a_leg_count():
    lv = ["near", "far", "near"]
    s = side_summary(l={DF: [-2.0, 12.0, -2.0], RANGE: [10.0, 30.0, 12.0], "leg_view": lv})
    f = finding(s, "restricted_dorsiflexion")
    assert (f["severity"], f["side"]) == ("marked", "l")
    assert f["per_side"]["l"] == {"mean": -2.0, "sd": 0.0, "n": 2, "severity": "marked"}
    assert "2 of 2 left cycles below 5.0°" in f["evidence"]
    f = finding(s, "restricted_ankle_motion")
    assert f["measured"]["l"] == pytest.approx(11.0) and f["per_side"]["l"]["n"] == 2
    assert f["severity"] == "marked"
    assert not not_measurable(s, "restricted_dorsiflexion")
    # one near cycle is too few: the leg is not rated, and the hint is to film both ways
    s = side_summary(l={**RESTRICTED, "leg_view": ["near", "far", "far"]})
    f = finding(s, "restricted_dorsiflexion")
    assert set(f["measured"]) == {"r"} and f["severity"] == "none"
    nm = not_measurable(s, "restricted_dorsiflexion")
    assert len(nm) == 1 and nm[0]["what"].endswith("(left)") and nm[0]["hint"] == BOTH_WAYS


def test_a_side_view_cycle_without_a_known_near_leg_does_not_count_for_the_ankle():
    s = side_summary(l={**RESTRICTED, "leg_view": ""})
    f = finding(s, "restricted_dorsiflexion")
    assert set(f["measured"]) == {"r"} and f["severity"] == "none"
    nm = not_measurable(s, "restricted_dorsiflexion")
    assert len(nm) == 1 and "left" in nm[0]["what"] and "only 0 gait cycles" in nm[0]["why"]


def test_cycles_without_a_leg_view_column_all_count():
    # cycles.csv written before footcam recorded the near leg
    cy = cycles(l=RESTRICTED, far=("l", "r")).drop(columns="leg_view")
    s = summarize(cy, analysis("side"))
    f = finding(s, "restricted_ankle_motion")
    assert (f["severity"], f["side"]) == ("marked", "l")
    assert finding(s, "asymmetry_dorsiflexion")["severity"] == "marked"


# --- what the view cannot measure ----------------------------------------------------------------

def test_side_view_cannot_measure_pelvic_rotation_or_toe_out():
    s = side_summary(l={DF: 4.0}, r={DF: 4.0})
    ids = {f["id"] for f in s["findings"]}
    assert "excess_pelvic_rotation" not in ids and "out_toeing" not in ids
    pel, toe = not_measurable(s, "excess_pelvic_rotation"), not_measurable(s, "out_toeing")
    assert pel[0]["view"] == "front" and "film from the front to measure pelvic rotation" in pel[0]["hint"]
    assert toe[0]["view"] == "front" and "film from the front to measure toe-out" in toe[0]["hint"]
    assert "side view" in pel[0]["why"]
    assert "pelvic_rotation_range_deg" not in s["key_values"]


def test_front_view_cannot_measure_the_ankle_or_trunk():
    s = front_summary(l={FP: 25.0}, r={FP: 25.0})
    ids = {f["id"] for f in s["findings"]}
    assert {"restricted_ankle_motion", "restricted_dorsiflexion", "reduced_push_off",
            "excess_trunk_extension_range", "asymmetry_dorsiflexion",
            "asymmetry_push_off"}.isdisjoint(ids)
    ank = not_measurable(s, "restricted_dorsiflexion")[0]
    assert ank["view"] == "side" and ank["hint"] == "film from the side to measure ankle dorsiflexion in stance"
    assert "front view" in ank["why"]
    assert finding(s, "out_toeing")["severity"] == "mild"
    assert set(s["key_values"]) == {PELVIS, FP}


def test_oblique_cycles_are_not_rated():
    s = summarize(cycles(view="oblique", l={PELVIS: 25.0}, r={PELVIS: 25.0}), analysis("oblique"))
    assert finding(s, "excess_pelvic_rotation") is None and finding(s, "out_toeing") is None
    assert "oblique" in not_measurable(s, "excess_pelvic_rotation")[0]["why"]
    # step timing is fine from an oblique view
    assert finding(s, "asymmetry_step_time") is not None


def test_a_clip_with_side_and_front_bouts_uses_each_bout_for_what_it_measures():
    cy = pd.concat([cycles(view="side", bout=0, l={DF: -1.0}, r={DF: -1.0}),
                    cycles(view="front", bout=1, l={PELVIS: 12.0, FP: 22.0}, r={PELVIS: 12.0, FP: 22.0})])
    s = summarize(cy, analysis("side", "front"))
    f = finding(s, "restricted_dorsiflexion")
    assert f["severity"] == "marked" and f["view"] == "side" and f["n_cycles"] == 6
    assert finding(s, "out_toeing")["severity"] == "mild"
    assert finding(s, "excess_pelvic_rotation")["severity"] == "none"
    # half the clip is in a view that measures the ankle
    assert f["confidence_parts"]["view_share"] == pytest.approx(0.5)
    assert s["quality"]["view_shares"] == {"side": 0.5, "front": 0.5}
    assert not [x for x in s["not_measurable"] if x.get("rule") in
                ("restricted_ankle_motion", "restricted_dorsiflexion", "excess_pelvic_rotation",
                 "out_toeing")]


def test_a_back_view_without_cycles_says_why():
    s = summarize(pd.DataFrame(), analysis("back"))
    assert s["findings"] == [] and s["key_values"] == {} and s["spatiotemporal"] == {}
    assert "no steps" in s["not_measurable"][0]["why"]
    assert s["quality"]["cycles_used"] == 0


# --- the chain -----------------------------------------------------------------------------------

def test_chain_fires_with_restricted_ankle_and_trunk_compensation():
    s = side_summary(l={RANGE: 12.0, TRUNK: 7.0}, r={RANGE: 12.0, TRUNK: 7.0})
    f = finding(s, "ankle_compensation_chain")
    assert f["severity"] == "mild"                  # the lower of marked (ankle) and mild (trunk)
    assert f["side"] == "both"
    assert {c["id"]: c["severity"] for c in f["components"]} == {
        "restricted_ankle_motion": "marked", "restricted_dorsiflexion": "none",
        "reduced_push_off": "none", "excess_trunk_extension_range": "mild"}
    assert f["confidence"] <= min(finding(s, i)["confidence"] for i in
                                  ("restricted_ankle_motion", "excess_trunk_extension_range"))


def test_chain_with_restricted_dorsiflexion_and_trunk_compensation():
    s = side_summary(l={DF: -1.0, TRUNK: 13.0}, r={DF: -1.0, TRUNK: 13.0})
    f = finding(s, "ankle_compensation_chain")
    assert (f["severity"], f["side"]) == ("marked", "both")
    assert {c["id"]: c["severity"] for c in f["components"]}["restricted_dorsiflexion"] == "marked"


def test_chain_with_reduced_push_off_on_one_side():
    s = side_summary(l={PF: -2.0, TRUNK: 13.0}, r={TRUNK: 13.0})
    f = finding(s, "ankle_compensation_chain")
    assert (f["severity"], f["side"]) == ("marked", "l")


@pytest.mark.parametrize("ankle_range, trunk", [(30.0, 9.0),    # compensation without a restricted ankle
                                                (12.0, 5.0),    # restricted ankle without compensation
                                                (30.0, 5.0)])
def test_chain_does_not_fire_without_both_parts(ankle_range, trunk):
    f = finding(side_summary(l={RANGE: ankle_range, TRUNK: trunk}, r={RANGE: ankle_range, TRUNK: trunk}),
                "ankle_compensation_chain")
    assert f["severity"] == "none"


def test_chain_across_a_side_and_a_front_bout():
    cy = pd.concat([cycles(view="side", bout=0, l={RANGE: 18.0}, r={RANGE: 18.0}),
                    cycles(view="front", bout=1, l={PELVIS: 21.0}, r={PELVIS: 21.0})])
    f = finding(summarize(cy, analysis("side", "front")), "ankle_compensation_chain")
    assert f["severity"] == "mild" and f["view"] == "front, side"


def test_chain_is_not_measurable_without_the_ankle():
    s = front_summary(l={PELVIS: 25.0}, r={PELVIS: 25.0})
    assert finding(s, "excess_pelvic_rotation")["severity"] == "marked"
    assert finding(s, "ankle_compensation_chain") is None
    nm = not_measurable(s, "ankle_compensation_chain")
    assert nm and "ankle" in nm[0]["why"] and "side" in nm[0]["hint"]


# --- confidence ----------------------------------------------------------------------------------

def test_confidence_grows_with_cycles_and_falls_with_scatter():
    few = finding(side_summary(n_l=2, n_r=2, l={DF: 4.0}, r={DF: 4.0}), "restricted_dorsiflexion")
    many = finding(side_summary(n_l=6, n_r=6, l={DF: 4.0}, r={DF: 4.0}), "restricted_dorsiflexion")
    noisy = finding(side_summary(n_l=6, n_r=6, l={DF: 4.0}, r={DF: 4.0}, spread=4.0), "restricted_dorsiflexion")
    assert 0 < few["confidence"] < many["confidence"] <= 1
    assert many["confidence"] == pytest.approx(1.0)
    assert noisy["confidence"] < many["confidence"]
    assert few["confidence"] == pytest.approx(2 / 5)
    # SD 4.38° (±4 alternating over 6 cycles) -> 1 / (1 + 4.38 / 5)
    assert noisy["confidence_parts"]["consistency"] == pytest.approx(1 / (1 + 4.382 / 5), abs=0.01)


# --- the other sections --------------------------------------------------------------------------

def test_key_values_spatiotemporal_and_quality():
    s = side_summary(n_l=3, n_r=2, l={DF: [9.0, 11.0, 10.0]})
    kv = s["key_values"][DF]
    assert kv["l"] == {"mean": 10.0, "sd": 1.0, "n": 3} and kv["r"]["n"] == 2
    assert kv["normal"]["low"] == 5.0 and kv["normal"]["high"] == 15.0 and kv["normal"]["source"] == "perry2010"
    assert s["key_values"][PF]["l"]["mean"] == -18.0 and s["key_values"][RANGE]["r"]["mean"] == 30.0
    assert (s["key_values"][PF]["normal"]["low"], s["key_values"][PF]["normal"]["high"]) == (-25.0, -15.0)
    assert (s["key_values"][RANGE]["normal"]["low"], s["key_values"][RANGE]["normal"]["high"]) == (25.0, 35.0)
    assert set(s["key_values"][TRUNK]) >= {"both", "normal"}
    st = s["spatiotemporal"]
    assert st["cadence_steps_per_min"]["l"]["mean"] == pytest.approx(120 / 1.1, abs=0.01)
    assert st["stride_time_s"]["r"] == {"mean": 1.1, "sd": 0.0, "n": 2}
    q = s["quality"]
    assert q["frames_with_pose_pct"] == pytest.approx(95.0)
    assert q["cycles_used"] == 5 and q["cycles_used_per_side"] == {"l": 3, "r": 2}
    assert q["view_shares"] == {"side": 1.0}
    assert s["source"] == {"name": "walk.mp4", "sha256": "ab" * 32}
    assert s["schema_version"] == "1.0" and s["footcam_version"]
    assert "does not diagnose" in s["disclaimer"]
    assert {"perry2010", "mcginley2009"} <= set(s["references"])
    assert all(r["citation"] for r in s["references"].values())


def test_plain_words_never_a_diagnosis():
    s = side_summary(l={DF: -2.0, PF: 5.0, RANGE: 8.0, TRUNK: 15.0}, r={DF: 12.0}, far="r")
    assert not_measurable(s, "restricted_ankle_motion")     # the far-leg wording is checked too
    text = " ".join([f["title"] + " " + " ".join(f["evidence"]) for f in s["findings"]]
                    + [x["what"] + x["why"] for x in s["not_measurable"]] + [s["disclaimer"]]).lower()
    for word in ("abnormal", "patholog", "diagnosed", "disorder", "dysfunction", "disease"):
        assert word not in text


# --- what clinicians see first, and what the analysis did not trust ----------------------------

KNEE = "peak_knee_flexion_swing_deg"
TRUNK_MEAN = "trunk_extension_mean_deg"


@pytest.mark.parametrize("value, severity", [(60.0, "none"), (45.0, "none"), (44.9, "mild"),
                                             (35.0, "mild"), (34.9, "marked"), (12.0, "marked")])
def test_stiff_knee_in_swing(value, severity):
    f = finding(side_summary(r={KNEE: value}), "stiff_knee_swing")
    assert f["severity"] == severity
    if severity != "none":
        assert f["side"] == "r" and "60" in " ".join(f["evidence"])


def test_stiff_knee_uses_the_near_leg_only():
    s = side_summary(l={KNEE: 20.0}, far="l")
    assert finding(s, "stiff_knee_swing")["severity"] == "none"     # the near right knee only
    assert any(x["rule"] == "stiff_knee_swing" and "far leg" in x["why"] for x in s["not_measurable"])


@pytest.mark.parametrize("value, severity", [(-3.0, "none"), (-10.0, "none"), (-10.1, "mild"),
                                             (-20.0, "mild"), (-20.1, "marked")])
def test_forward_trunk_lean(value, severity):
    f = finding(side_summary(l={TRUNK_MEAN: value}, r={TRUNK_MEAN: value}), "forward_trunk_lean")
    assert f["severity"] == severity and f["side"] == "both"


def test_running_is_never_rated_by_walking_rules():
    cy = cycles(l={DF: -5.0, PF: 0.0, RANGE: 5.0, "stance_pct": 38.0},
                r={DF: -5.0, PF: 0.0, RANGE: 5.0, "stance_pct": 38.0})
    cy["activity"] = "running"
    s = summarize(cy, analysis("side"))
    assert s["findings"] == []
    assert s["activity"]["kind"] == "running"
    assert "running" in s["not_measurable"][0]["why"]
    assert s["running"]["key_values"]["stance_pct"]["r"]["mean"] == pytest.approx(38.0)
    # a clip with a walking and a running bout: the walking cycles alone are rated
    walk = cycles(bout=0, l={RANGE: 12.0}, r={RANGE: 12.0})
    walk["activity"] = "walking"
    run = cy.assign(bout=1)
    s = summarize(pd.concat([walk, run], ignore_index=True), analysis("side", "side"))
    f = finding(s, "restricted_ankle_motion")
    assert f["severity"] == "marked" and f["n_cycles"] == 6
    assert s["activity"]["kind"] == "walking and running"


def test_withheld_values_are_not_measurable_with_the_reason():
    a = analysis("side")
    why = "the ankle curve does not look like a walking ankle: the feet may be hidden (r = 0.10)"
    a["trust"] = {"values_withheld": [{"side": "r", "angle": "ankle_dorsiflexion_deg", "cycles": "all",
                                       "why": why}]}
    cy = cycles(l={RANGE: 12.0})
    cy.loc[cy.side == "r", [DF, TO, PF, RANGE]] = np.nan
    s = summarize(cy, a)
    f = finding(s, "restricted_ankle_motion")
    assert f["side"] == "l" and f["severity"] == "marked"        # the left ankle is still rated
    nm = [x for x in not_measurable(s, "restricted_ankle_motion") if "right" in x["what"]]
    assert nm and nm[0]["why"] == why and "floor" in nm[0]["hint"]
