import numpy as np
import pandas as pd
import pytest

from footcam.kinematics.cycles import gait_cycles, spatiotemporal


def _events(stride=1.0, stance=0.6, n=4, offset_l=0.5):
    rows = []
    for side, t0 in (("r", 0.1), ("l", 0.1 + offset_l)):
        for k in range(n):
            rows.append({"side": side, "event": "hs", "time_s": t0 + k * stride, "bout": 0})
            rows.append({"side": side, "event": "to", "time_s": t0 + k * stride + stance * stride, "bout": 0})
    return pd.DataFrame(rows)


def _angles(t):
    df = pd.DataFrame({"time_s": t})
    for s in "lr":
        df[f"ankle_dorsiflexion_deg_{s}"] = 10 * np.sin(2 * np.pi * t)
        df[f"knee_flexion_deg_{s}"] = 30 + 30 * np.sin(2 * np.pi * t)
        df[f"hip_flexion_deg_{s}"] = 20 * np.cos(2 * np.pi * t)
    df["trunk_extension_deg"] = -4 + np.sin(4 * np.pi * t)
    df["pelvic_rotation_deg"] = np.nan
    return df


def test_textbook_timing():
    t = np.arange(0, 4.5, 1 / 30)
    cyc = gait_cycles(_angles(t), _events())
    assert len(cyc) == 6                       # 3 cycles per side from 4 heel strikes
    assert cyc["stride_time_s"].to_numpy() == pytest.approx(1.0)
    assert cyc["stance_pct"].to_numpy() == pytest.approx(60.0)
    assert cyc["step_time_s"].to_numpy() == pytest.approx(0.5)
    ds = cyc["double_support_pct"].to_numpy()
    assert ds[np.isfinite(ds)] == pytest.approx(20.0)       # 2 x (60 - 50) %
    # the right foot's first cycle starts before any left toe off was seen: unknown, not guessed
    assert np.isnan(ds).sum() == 1
    assert cyc["trunk_extension_range_deg"].to_numpy() == pytest.approx(2.0, abs=0.05)
    assert cyc["pelvic_rotation_range_deg"].isna().all()                # not measured: NaN
    st = spatiotemporal(cyc)
    assert st["cadence_steps_per_min"] == pytest.approx(120.0)
    assert st["step_time_s_symmetry_index_pct"] == pytest.approx(0.0)


def test_asymmetric_steps_and_bout_breaks():
    ev = _events(offset_l=0.4)                  # left heel strike 40 % into the right cycle
    cyc = gait_cycles(_angles(np.arange(0, 4.5, 1 / 30)), ev)
    st = spatiotemporal(cyc)
    assert st["step_time_s_l"] == pytest.approx(0.4)
    assert st["step_time_s_r"] == pytest.approx(0.6)
    assert st["step_time_s_symmetry_index_pct"] == pytest.approx(40.0)
    ev.loc[(ev.side == "r") & (ev.time_s > 2), "bout"] = 1   # a turn between strides 2 and 3
    cyc = gait_cycles(_angles(np.arange(0, 4.5, 1 / 30)), ev)
    assert (cyc.side == "r").sum() == 2


def test_lengths_from_heel_positions():
    ev = _events(offset_l=0.5)
    # heels land 1.4 m apart per stride, the left foot 0.65 m after the right (steps 0.65 / 0.75)
    pos = np.where(ev["event"] == "hs", ev["time_s"] * 1.4 + np.where(ev["side"] == "l", -0.05, 0.0), np.nan)
    ev["position_m"] = pos
    cyc = gait_cycles(_angles(np.arange(0, 4.5, 1 / 30)), ev)
    assert cyc["stride_length_m"].to_numpy() == pytest.approx(1.4)
    assert cyc["walking_speed_m_per_s"].to_numpy() == pytest.approx(1.4)
    st = spatiotemporal(cyc)
    assert st["step_length_m_l"] == pytest.approx(0.65)
    assert st["step_length_m_r"] == pytest.approx(0.75)
    assert st["step_length_m_symmetry_index_pct"] == pytest.approx(100 * 0.1 / 0.7)
    # an impossible heel position (a 4 m stride) is dropped, not averaged in
    ev.loc[(ev.side == "r") & (ev.event == "hs") & (ev.time_s > 3), "position_m"] += 3
    cyc = gait_cycles(_angles(np.arange(0, 4.5, 1 / 30)), ev)
    r = cyc[cyc.side == "r"]
    assert r["stride_length_m"].isna().sum() == 1 and r["stride_length_m"].notna().sum() == 2


def test_no_scale_no_length_columns():
    cyc = gait_cycles(_angles(np.arange(0, 4.5, 1 / 30)), _events())
    assert not {"stride_length_m", "step_length_m", "walking_speed_m_per_s"} & set(cyc.columns)
    assert "stride_length_m" not in spatiotemporal(cyc)


def test_curves_normalised_over_the_cycles():
    from footcam.kinematics.cycles import cycle_curves

    t = np.arange(0, 4.5, 1 / 30)
    angles = _angles(t)
    cyc = gait_cycles(angles, _events())
    cur = cycle_curves(angles, cyc)
    ank = cur[(cur.angle == "ankle_dorsiflexion_deg") & (cur.side == "r")]
    assert len(ank) == 101 and ank["pct"].iloc[[0, -1]].tolist() == [0.0, 100.0]
    assert (ank["n"] == 3).all()
    # right heel strikes at 0.1 + k s: the cycle curve is the sine from 0.1 s on, the same each time
    expect = 10 * np.sin(2 * np.pi * (0.1 + ank["pct"].to_numpy() / 100))
    np.testing.assert_allclose(ank["mean"], expect, atol=0.1)
    assert ank["sd"].max() < 0.1
    # a central angle is given per side's cycles; an angle with no value at all is left out
    assert {"l", "r"} == set(cur.loc[cur.angle == "trunk_extension_deg", "side"])
    assert "pelvic_rotation_deg" not in set(cur.angle)
