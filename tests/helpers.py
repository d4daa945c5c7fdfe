"""Helpers shared by the tests: paths to the shared data and error measures.

Everything that reads ``../shared`` (or ``FOOTCAM_SHARED``) goes through :func:`need`, which
skips the test with a clear reason in a user's clone, where the shared data is not there.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FOOTCAM_SHARED", REPO.parent / "shared"))
SYNTH = SHARED / "data" / "synth"
REAL = SHARED / "data" / "real"
FEET = SHARED / "data" / "feet"
NORMATIVE = SHARED / "data" / "normative"


def need(path: Path) -> Path:
    """``path``, or skip the test: it needs the shared test data, absent in a user's clone."""
    path = Path(path)
    if not path.exists():
        pytest.skip(f"needs {path} (the shared test data beside the repo; absent in a user's clone)")
    return path


def synth_clip(name: str) -> Path:
    return SYNTH / name / f"{name}.mp4"


def synth_truth(name: str) -> pd.DataFrame:
    return pd.read_csv(need(SYNTH / name / f"{name}.truth.csv"))


def synth_events(name: str) -> pd.DataFrame:
    return pd.read_csv(need(SYNTH / name / f"{name}.events.csv"))


def synth_meta(name: str) -> dict:
    return json.loads(need(SYNTH / name / f"{name}.json").read_text())


def real_clip(name: str) -> Path:
    return REAL / name


def rmse_bias(est: np.ndarray, truth: np.ndarray) -> tuple[float, float, int]:
    ok = np.isfinite(est) & np.isfinite(truth)
    d = est[ok] - truth[ok]
    return float(np.sqrt(np.mean(d ** 2))), float(np.mean(d)), int(ok.sum())
