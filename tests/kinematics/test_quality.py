"""Walking or running, the cycle screening and the curve quality, on arrays."""
import numpy as np
import pandas as pd
import pytest

from footcam.kinematics.cycles import gait_cycles
from footcam.kinematics.normative import reference_curve
from footcam.kinematics.quality import (bout_activity, curve_quality, screen_cycles,
                                        withhold_failed_shapes)


def _events(stride=1.1, stance=0.6, n=5, step_share=0.5, t0=0.1):
    rows = []
    for side, start in (("r", t0), ("l", t0 + step_share * stride)):
        for k in range(n):
            rows.append({"side": side, "event": "hs", "time_s": start + k * stride, "bout": 0})
            rows.append({"side": side, "event": "to", "time_s": start + (k + stance) * stride, "bout": 0})
    return pd.DataFrame(rows)


def _angles(t, ev, stride=1.1, shape=None):
    """Every sagittal angle follows the normative walking curve of its side, cycle by cycle."""
    df = pd.DataFrame({"time_s": t, "near_leg": "r"})
    for side in "lr":
        hs = np.sort(ev[(ev.side == side) & (ev.event == "hs")].time_s.to_numpy())
        pct = ((t - hs[0]) % stride) / stride * 100
        for base in ("ankle_dorsiflexion_deg", "knee_flexion_deg", "hip_flexion_deg"):
            ref, _ = reference_curve(base, side)
            y = np.interp(pct, np.linspace(0, 100, 101), ref)
            if shape and base in shape:
                y = shape[base](pct)
            df[f"{base}_{side}"] = y
    df["trunk_extension_deg"] = -4 + np.sin(4 * np.pi * t / stride)
    return df


def test_typical_walk_is_walking_and_kept_whole():
    t = np.arange(0, 6.0, 1 / 30)
    ev = _events()
    ang = _angles(t, ev)
    cy = gait_cycles(ang, ev)
    assert bout_activity(cy) == {0: "walking"}
    kept, rep = screen_cycles(ang, gait_cycles(ang, ev, {0: "walking"}))
    assert len(kept) == len(cy) and rep == {"left_out": [], "withheld": []}
    q = curve_quality(ang, kept, {0: 1})
    for base in ("ankle_dorsiflexion_deg", "knee_flexion_deg", "hip_flexion_deg"):
        assert q[base]["r"]["shape_r"] == pytest.approx(1.0, abs=0.01) and q[base]["r"]["passes"]
        assert q[base]["left_right"]["r"] > 0.99
    assert withhold_failed_shapes(kept, q)[1] == []


def test_running_has_short_stance_and_a_folding_knee():
    t = np.arange(0, 6.0, 1 / 60)
    ev = _events(stride=0.7, stance=0.38)
    ang = _angles(t, ev, stride=0.7, shape={"knee_flexion_deg": lambda p: 20 + 50 * (1 - np.cos(2 * np.pi * p / 100))})
    cy = gait_cycles(ang, ev)
    assert bout_activity(cy) == {0: "running"}
    kept, rep = screen_cycles(ang, gait_cycles(ang, ev, {0: "running"}))
    assert len(kept) == len(cy) and not rep["left_out"]
    # the same timing with a walker's knee is not called running (a short stance alone is not
    # enough: toe offs found early shorten it)
    ang2 = _angles(t, ev, stride=0.7)
    assert bout_activity(gait_cycles(ang2, ev)) == {0: "walking"}


def test_implausible_cycles_are_left_out_with_the_reason():
    t = np.arange(0, 6.0, 1 / 30)
    ev = _events()
    ang = _angles(t, ev)
    # one heel strike in the wrong place: a stride of 0.3 s; one toe off 3 % into its cycle
    bad = ev.copy()
    k = bad.index[(bad.side == "r") & (bad.event == "to")][1]
    bad.loc[k, "time_s"] = bad.loc[(bad.side == "r") & (bad.event == "hs")].time_s.iloc[1] + 0.03
    kept, rep = screen_cycles(ang, gait_cycles(ang, bad, {0: "walking"}))
    assert len(rep["left_out"]) == 1 and "stance 3 %" in rep["left_out"][0]["why"]
    assert len(kept) == len(gait_cycles(ang, ev)) - 1


def test_disagreeing_curves_are_withheld_and_poor_shapes_fail():
    t = np.arange(0, 6.0, 1 / 30)
    ev = _events()
    ang = _angles(t, ev)
    cy = gait_cycles(ang, ev, {0: "walking"})
    # the right ankle in one cycle: noise with no gait shape
    a, b = cy[cy.side == "r"].iloc[1][["start_s", "end_s"]]
    m = (t >= a) & (t <= b)
    ang.loc[m, "ankle_dorsiflexion_deg_r"] = np.random.default_rng(0).normal(0, 10, m.sum())
    kept, rep = screen_cycles(ang, cy)
    assert [w["angle"] for w in rep["withheld"]] == ["ankle_dorsiflexion_deg"]
    row = kept[(kept.side == "r") & (kept.start_s == a)].iloc[0]
    assert np.isnan(row["peak_ankle_dorsiflexion_stance_deg"]) and np.isfinite(row["peak_knee_flexion_swing_deg"])
    # a left ankle that is flat noise throughout: its shape fails, its key values are withheld
    ang["ankle_dorsiflexion_deg_l"] = np.random.default_rng(1).normal(0, 1, len(t))
    q = curve_quality(ang, cy)
    assert not q["ankle_dorsiflexion_deg"]["l"]["passes"]
    assert "does not look like a walking ankle" in q["ankle_dorsiflexion_deg"]["l"]["words"]
    out, withheld = withhold_failed_shapes(cy, q)
    assert out.loc[out.side == "l", "ankle_range_deg"].isna().all()
    assert out.loc[out.side == "r", "ankle_range_deg"].notna().all()
    assert [(w["side"], w["angle"]) for w in withheld] == [("l", "ankle_dorsiflexion_deg")]


def test_a_restricted_ankle_keeps_its_shape():
    """Capped dorsiflexion and push-off change the amplitude, not the timing: the shape check
    must not withhold the very values a finding rests on."""
    t = np.arange(0, 6.0, 1 / 30)
    ev = _events()
    ref, _ = reference_curve("ankle_dorsiflexion_deg")
    capped = np.clip(ref, -8, 2)
    ang = _angles(t, ev, shape={"ankle_dorsiflexion_deg": lambda p: np.interp(p, np.linspace(0, 100, 101), capped)})
    q = curve_quality(ang, gait_cycles(ang, ev, {0: "walking"}))
    assert q["ankle_dorsiflexion_deg"]["r"]["passes"]
