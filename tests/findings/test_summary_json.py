"""summary.json: valid against the shipped JSON Schema, never NaN, written atomically from a clip
folder; wired into `footcam analyze` (before the overlay and the report) and `footcam report`."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from footcam.errors import ResultError
from footcam.findings import SCHEMA_PATH, summarize, write_summary

from .build import analysis, cycles

jsonschema = pytest.importorskip("jsonschema")

REPORT_FIXTURE = Path(__file__).parents[1] / "report" / "data" / "clip"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("1.0")
    return jsonschema.Draft202012Validator(schema)


def _errors(validator, doc) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


CASES = {
    "side, restricted with trunk compensation": lambda: summarize(
        cycles(l={"peak_ankle_dorsiflexion_stance_deg": 3.0, "ankle_range_deg": 14.0,
                  "trunk_extension_range_deg": 10.0}),
        analysis("side")),
    "front, toe-out": lambda: summarize(
        cycles(view="front", l={"foot_progression_stance_deg": 25.0}), analysis("front")),
    "side and front": lambda: summarize(
        pd.concat([cycles(view="side", bout=0), cycles(view="front", bout=1)]), analysis("side", "front")),
    "back, no cycles": lambda: summarize(pd.DataFrame(), analysis("back")),
    "one cycle a side": lambda: summarize(cycles(n_l=1, n_r=1), analysis("side")),
    "side, one leg only far": lambda: summarize(
        cycles(r={"ankle_range_deg": 10.0}, far="r"), analysis("side")),
    "side, both legs far": lambda: summarize(cycles(far=("l", "r")), analysis("side")),
    "all NaN": lambda: summarize(cycles().assign(**{c: np.nan for c in (
        "peak_ankle_dorsiflexion_stance_deg", "ankle_dorsiflexion_at_toe_off_deg",
        "peak_ankle_plantarflexion_push_off_deg", "ankle_range_deg", "step_time_s",
        "double_support_pct", "trunk_extension_range_deg")}), analysis("side")),
    "no bouts": lambda: summarize(pd.DataFrame(), {"source": {"name": "x.mp4"}}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_generated_summaries_are_valid_and_free_of_nan(validator, case):
    s = CASES[case]()
    assert _errors(validator, s) == []
    text = json.dumps(s, allow_nan=False)            # raises on NaN / infinity
    assert "NaN" not in text and "Infinity" not in text

    def walk(x):
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        else:
            assert not isinstance(x, (np.generic, np.ndarray)), type(x)
            assert not (isinstance(x, float) and not math.isfinite(x))
    walk(s)


def test_unmeasured_values_are_null():
    s = summarize(cycles(l={"step_time_s": float("nan")}), analysis("side"))
    assert s["spatiotemporal"]["step_time_s"]["l"] == {"mean": None, "sd": None, "n": 0}
    assert s["spatiotemporal"]["step_time_s"]["r"]["n"] == 3
    assert s["spatiotemporal"]["step_time_symmetry_index_pct"] is None
    assert "asymmetry_step_time" not in {f["id"] for f in s["findings"]}
    s = summarize(cycles(n_l=1, n_r=3), analysis("side"))
    assert s["key_values"]["peak_ankle_dorsiflexion_stance_deg"]["l"]["sd"] is None   # one cycle
    text = json.dumps(s, allow_nan=False)
    assert '"sd": null' in text


def test_the_report_fixture_is_valid(validator):
    doc = json.loads((REPORT_FIXTURE / "summary.json").read_text(encoding="utf-8"))
    assert _errors(validator, doc) == []


@pytest.mark.parametrize("breakage", [
    lambda s: s["findings"][0].__setitem__("severity", "severe"),
    lambda s: s["findings"][0].__setitem__("side", "left"),
    lambda s: s["findings"][0].__setitem__("confidence", 1.5),
    lambda s: s["findings"][0].__setitem__("n_cycles", 1),
    lambda s: s.pop("disclaimer"),
    lambda s: s.__setitem__("schema_version", "2.0"),
    lambda s: s["not_measurable"].append({"what": "x"}),
])
def test_the_schema_rejects_broken_summaries(validator, breakage):
    s = CASES["side, restricted with trunk compensation"]()
    assert _errors(validator, s) == []
    breakage(s)
    assert _errors(validator, s)


def test_the_schema_ships_inside_the_package():
    import footcam.findings as fm
    assert SCHEMA_PATH.parent == Path(fm.__file__).parent and SCHEMA_PATH.is_file()
    root = Path(__file__).parents[2]
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert '"**/*.json"' in pyproject          # package data glob that carries the schema


# --- the folder ----------------------------------------------------------------------------------

def _folder(tmp_path: Path, cy: pd.DataFrame, an: dict) -> Path:
    d = tmp_path / "clip"
    d.mkdir()
    cy.to_csv(d / "cycles.csv", index=False, float_format="%.4f")
    (d / "analysis.json").write_text(json.dumps(an), encoding="utf-8")
    return d


def test_write_summary_reads_the_folder_and_writes_atomically(tmp_path, validator):
    d = _folder(tmp_path, cycles(l={"peak_ankle_dorsiflexion_stance_deg": -1.0, "ankle_range_deg": 17.0},
                                 r={"peak_ankle_plantarflexion_push_off_deg": -4.0}, far="r"),
                analysis("side"))
    pd.DataFrame({"frame": [0, 1, 2], "time_s": [0.0, 0.033, 0.067], "quality": [0.9, 0.8, 0.7]}).to_csv(
        d / "angles.csv", index=False)
    p = write_summary(d)
    assert p == d / "summary.json"
    s = json.loads(p.read_text(encoding="utf-8"))
    assert _errors(validator, s) == []
    f = next(f for f in s["findings"] if f["id"] == "restricted_dorsiflexion")
    assert (f["severity"], f["side"]) == ("marked", "l")
    f = next(f for f in s["findings"] if f["id"] == "restricted_ankle_motion")
    assert (f["severity"], f["side"], f["measured"]) == ("mild", "l", {"l": 17.0})
    # leg_view survives the CSV: the far right leg's weak push-off is not rated
    f = next(f for f in s["findings"] if f["id"] == "reduced_push_off")
    assert (f["severity"], set(f["measured"])) == ("none", {"l"})
    assert any(x.get("rule") == "reduced_push_off" and x["what"].endswith("(right)")
               for x in s["not_measurable"])
    assert s["quality"]["median_pose_quality"] == 0.8
    assert sorted(x.name for x in d.iterdir()) == ["analysis.json", "angles.csv", "cycles.csv", "summary.json"]


def test_write_summary_with_an_empty_cycles_table(tmp_path):
    d = _folder(tmp_path, pd.DataFrame(), analysis("back"))
    assert (d / "cycles.csv").read_text().strip() == ""
    s = json.loads(write_summary(d).read_text())
    assert s["findings"] == [] and s["not_measurable"]


def test_write_summary_says_what_is_missing(tmp_path):
    d = _folder(tmp_path, cycles(), analysis("side"))
    (d / "cycles.csv").unlink()
    with pytest.raises(ResultError, match=r"cycles.csv is missing \(rerun footcam analyze\)"):
        write_summary(d)
    (d / "cycles.csv").write_text("side,cycle\nl,0\n")
    (d / "analysis.json").write_text("{ not json")
    with pytest.raises(ResultError, match="analysis.json cannot be read"):
        write_summary(d)


def test_findings_package_is_pure():
    code = ("import sys, footcam.findings, footcam.findings.summary, footcam.findings.files; "
            "bad = [m for m in ('mediapipe', 'cv2', 'av', 'click') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- wiring --------------------------------------------------------------------------------------

def test_footcam_report_recomputes_summary_json(tmp_path, validator):
    from footcam.cli import main

    d = tmp_path / "clip"
    shutil.copytree(REPORT_FIXTURE, d)
    (d / "summary.json").unlink()
    r = CliRunner().invoke(main, ["report", str(d)])
    assert r.exit_code == 0, r.output
    s = json.loads((d / "summary.json").read_text(encoding="utf-8"))
    assert _errors(validator, s) == [] and s["footcam_version"]
    html = (d / "report.html").read_text(encoding="utf-8")
    assert s["disclaimer"].split(";")[0] in html
    for f in s["findings"]:
        if f["severity"] != "none":
            assert f'data-id="{f["id"]}"' in html


def test_footcam_report_without_cycles_keeps_an_existing_summary(tmp_path):
    from footcam.cli import main

    d = tmp_path / "clip"
    shutil.copytree(REPORT_FIXTURE, d)
    before = (d / "summary.json").read_bytes()
    (d / "cycles.csv").unlink()
    r = CliRunner().invoke(main, ["report", str(d)])
    assert r.exit_code == 0, r.output
    assert (d / "summary.json").read_bytes() == before


def test_analyze_to_dir_writes_the_summary_before_other_extras_and_the_report(monkeypatch, tmp_path):
    import footcam.pipeline as pl
    import footcam.report.files as rf
    from footcam.findings import write_summary as ws
    from footcam.report.html import write_report

    seen = {}
    monkeypatch.setattr(pl, "analyze_video", lambda *a, **k: "analysis")
    monkeypatch.setattr(rf, "write_analysis", lambda analysis, out, extras=(): seen.update(extras=extras))

    def overlay(folder):
        pass

    pl.analyze_to_dir("clip.mp4", tmp_path / "out", extras=(overlay,), stills=False)
    assert seen["extras"] == (ws, overlay, write_report)
    # with the stills (the default) they are drawn after the other extras, before the report
    pl.analyze_to_dir("clip.mp4", tmp_path / "out", extras=(overlay,))
    first, second, stills, last = seen["extras"]
    assert (first, second, last) == (ws, overlay, write_report) and callable(stills)
