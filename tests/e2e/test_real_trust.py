"""The real-clip guard (../shared/data/real; no angle truth): nothing a body cannot do reaches
angles.csv, runners are named and never judged as walkers, a walk played in reverse faces the
right way, and ordinary walkers get no marked finding. benchmarks/real_clips.py prints the
numbers these rest on (README, "Real clips")."""
import numpy as np
import pytest

from footcam.findings import summarize
from footcam.findings.rules import angle_limits
from footcam.report.files import analysis_dict
from helpers import REAL, need

pytestmark = pytest.mark.slow

ALL = sorted(p.name for p in REAL.glob("*")) if REAL.is_dir() else []
NORMAL_WALKERS = ["biomech_gait_watcharapol28__gait_normal_01.mp4",
                  "allinonegait_jdyjjj__demo1_v1_indoor_side_portrait.mp4",
                  "walkinggait_AlejandraSoto__walk.mp4",
                  "sports2d__demo_walk_side_outdoor_2people.mp4"]
RUNNING = "runningform_mhuang24__IMG_5396.mp4"


def _clips():
    return [c for c in ALL if c.endswith((".mp4", ".mov"))] or ["(no shared real clips)"]


@pytest.mark.parametrize("name", _clips())
def test_no_impossible_angle_and_no_finding_from_an_untrusted_cycle(analyse, name):
    a = analyse(need(REAL / name))
    lim = angle_limits()
    act = np.full(len(a.angles), "", dtype=object)
    for b in a.bouts:
        act[b.start:b.stop] = b.activity
    for col in a.angles.columns:
        base = col[:-2] if col.endswith(("_l", "_r")) else col
        if base not in lim:
            continue
        v = a.angles[col].to_numpy(float)
        lo = np.array([lim[base].get(x, lim[base]["running"])[0] for x in act])
        hi = np.array([lim[base].get(x, lim[base]["running"])[1] for x in act])
        ok = np.isfinite(v)
        assert ((v[ok] >= lo[ok]) & (v[ok] <= hi[ok])).all(), (col, v[ok].min(), v[ok].max())
    # every cycle kept is plausible for its activity
    for _, c in a.cycles.iterrows():
        assert c["activity"] in ("walking", "running")
        lo, hi = (45, 85) if c["activity"] == "walking" else (15, 55)
        assert np.isnan(c["stance_pct"]) or lo <= c["stance_pct"] <= hi
    s = summarize(a.cycles, analysis_dict(a))
    for f in s["findings"]:
        assert f["n_cycles"] >= 2


def test_the_treadmill_runner_is_running_and_never_judged_as_a_walker(analyse):
    a = analyse(need(REAL / RUNNING))
    assert [b.activity for b in a.bouts if b.view == "side"] == ["running"]
    assert a.bouts[0].direction == "stationary" and a.bouts[0].direction_sign == 1
    s = summarize(a.cycles, analysis_dict(a))
    assert s["activity"]["kind"] == "running" and s["findings"] == []
    assert s["running"]["cadence_steps_per_min"] == pytest.approx(168.9, abs=3)   # counted by hand


@pytest.mark.parametrize("name", NORMAL_WALKERS)
def test_ordinary_walkers_get_no_marked_finding(analyse, name):
    a = analyse(need(REAL / name))
    s = summarize(a.cycles, analysis_dict(a))
    assert [f["id"] for f in s["findings"] if f["severity"] == "marked"] == []


def test_a_real_walk_played_in_reverse_keeps_its_angles_upright(analyse, tmp_path_factory):
    """The subject faces the way they walk; played backwards they move the other way. The body
    still faces the same way, so every sagittal angle stays what it was, frame for frame."""
    from footage import reversed_clip

    src = need(REAL / "biomech_gait_watcharapol28__gait_normal_01.mp4")
    rev = reversed_clip(src, tmp_path_factory.mktemp("rev") / "rev.mp4")
    fwd, back = analyse(src), analyse(rev)
    assert [b.backward for b in back.bouts if b.view == "side"] == [True]
    assert [b.direction_sign for b in back.bouts if b.view == "side"] == \
           [b.direction_sign for b in fwd.bouts if b.view == "side"]
    k_f = fwd.angles["knee_flexion_deg_r"].to_numpy()
    k_b = back.angles["knee_flexion_deg_r"].to_numpy()[::-1]
    ok = np.isfinite(k_f) & np.isfinite(k_b)
    assert ok.sum() > 50 and np.median(np.abs(k_f[ok] - k_b[ok])) < 5.0
    assert back.events.empty and back.cycles.empty
