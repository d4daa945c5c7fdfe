"""The rules for what a clinician sees first, on clips rendered for them (tests/data/rendered:
in the repository, so these run in a plain clone too)."""
from pathlib import Path

import pytest

from footcam.findings import summarize
from footcam.report.files import analysis_dict

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parents[1] / "data" / "rendered"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_videos" / "normal_side.mp4"


def _summary(analyse, clip):
    a = analyse(clip)
    return summarize(a.cycles, analysis_dict(a))


def _sev(s, rule):
    return {f["id"]: f for f in s["findings"]}.get(rule)


def test_stiff_knee_is_found_on_that_knee(analyse):
    s = _summary(analyse, DATA / "stiff_knee_marked_side.mp4")
    f = _sev(s, "stiff_knee_swing")
    assert f and f["severity"] in ("mild", "marked") and f["side"] == "r", f
    assert f["measured"]["r"] < 45.0


def test_forward_trunk_lean_is_found(analyse):
    s = _summary(analyse, DATA / "forward_lean_side.mp4")
    f = _sev(s, "forward_trunk_lean")
    assert f and f["severity"] in ("mild", "marked"), f
    assert -20.0 < f["measured"]["both"] < -10.0          # truth about -15


def test_a_limp_is_found_in_the_step_timing(analyse):
    s = _summary(analyse, DATA / "limp_side.mp4")
    f = _sev(s, "asymmetry_step_time")
    assert f and f["severity"] in ("mild", "marked"), f


def test_the_normal_sample_shows_none_of_them(analyse):
    s = _summary(analyse, SAMPLE)
    for rule in ("stiff_knee_swing", "forward_trunk_lean", "asymmetry_step_time", "asymmetry_stance_time"):
        f = _sev(s, rule)
        assert f is None or f["severity"] == "none", f
