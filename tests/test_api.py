"""The documented Python API: footcam.analyze / footcam.open_results, and the example script
(examples/python_api.py) that the README's "Using footcam from Python" section is taken from."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import footcam
from footcam.errors import ConfigError, FootcamError

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "python_api.py"
SAMPLES = REPO / "sample_videos"


def _readme_python_block() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using footcam from Python", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block, "the README's Python section has a python code block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_example_is_the_tested_script():
    script = {line.strip() for line in EXAMPLE.read_text(encoding="utf-8").splitlines()}
    missing = [line for line in _readme_python_block() if line not in script]
    assert not missing, f"README lines not in {EXAMPLE.name}: {missing}"


@pytest.mark.slow
def test_example_script_runs_on_the_sample(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    r = subprocess.run([sys.executable, str(EXAMPLE), "-o", str(out), "--height-cm", "175"],
                       capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.splitlines()
    assert lines[0] == "normal_side.mp4: 120 frames at 30.000 fps"
    truth = json.loads((SAMPLES / "normal_side.json").read_text())["walking"]
    stride = float(re.search(r"stride time: ([\d.]+) s", r.stdout).group(1))
    assert stride == pytest.approx(truth["stride_time_s"], abs=0.03)
    speed = float(re.search(r"walking speed: ([\d.]+) m/s", r.stdout).group(1))
    assert speed == pytest.approx(truth["walking_speed_m_per_s"], rel=0.06)
    knee = re.search(r"knee_flexion_deg_r: ([-\d.]+) to ([-\d.]+) deg over 120 frames", r.stdout)
    assert knee and 50 < float(knee.group(2)) < 70          # the truth peaks at about 60 deg
    assert "read back: 120 frames, landmarks (120, 33, 2) px" in r.stdout
    for f in ("angles.csv", "analysis.json", "report.html", "landmarks.trc", "angles.mot"):
        assert (out / f).is_file(), f
    assert not (out / "stills").exists()


def test_example_script_reports_a_bad_clip_without_traceback(tmp_path):
    bad = tmp_path / "not_a_video.mp4"
    bad.write_text("hello")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    r = subprocess.run([sys.executable, str(EXAMPLE), str(bad), "-o", str(tmp_path / "o")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1
    assert r.stderr.startswith(f"Error: {bad}: not a video file")
    assert "Traceback" not in r.stderr


def test_analyze_export_needs_an_output():
    with pytest.raises(ConfigError, match="export needs an output folder"):
        footcam.analyze(SAMPLES / "normal_side.mp4", export="trc")


def test_open_results_of_a_non_folder_is_a_footcam_error(tmp_path):
    with pytest.raises(FootcamError, match="not a footcam output folder"):
        footcam.open_results(tmp_path)


def test_public_names_are_documented():
    for fn in (footcam.analyze, footcam.open_results):
        doc = fn.__doc__ or ""
        assert "(T, 33, 2)" in doc and " px" in doc, fn.__name__      # shapes and units
    assert "provisional" in footcam.open_results.__doc__.lower()
    assert set(footcam.__all__) >= {"analyze", "open_results", "Config", "__version__"}
