"""The README's first command, on the sample clip shipped in the repository (runs in any clone)."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from footcam.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"

pytestmark = pytest.mark.slow


def test_readme_first_command_on_the_sample(tmp_path):
    out = tmp_path / "normal_side"
    r = CliRunner().invoke(main, ["analyze", str(SAMPLES / "normal_side.mp4"), "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert "side view, left to right" in r.output
    angles = pd.read_csv(out / "angles.csv")
    truth = pd.read_csv(SAMPLES / "normal_side.truth.csv")
    # the near (right) knee follows the truth curve
    d = angles["knee_flexion_deg_r"] - truth["knee_flexion_deg_r"]
    assert np.sqrt(np.nanmean(d ** 2)) < 6.5
    meta = json.loads((out / "analysis.json").read_text())
    walking = json.loads((SAMPLES / "normal_side.json").read_text())["walking"]
    assert meta["spatiotemporal"]["cadence_steps_per_min"] == pytest.approx(
        walking["cadence_steps_per_min"], abs=3)
    assert (out / "report.html").stat().st_size > 10_000
