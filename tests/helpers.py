"""Helpers shared by the tests: paths to the shared data and error measures."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FOOTCAM_SHARED", REPO.parent / "shared"))
SYNTH = SHARED / "data" / "synth"
REAL = SHARED / "data" / "real"
FEET = SHARED / "data" / "feet"


def synth_clip(name: str) -> Path:
    return SYNTH / name / f"{name}.mp4"


def synth_truth(name: str) -> pd.DataFrame:
    return pd.read_csv(SYNTH / name / f"{name}.truth.csv")


def real_clip(name: str) -> Path:
    return REAL / name


def rmse_bias(est: np.ndarray, truth: np.ndarray) -> tuple[float, float, int]:
    ok = np.isfinite(est) & np.isfinite(truth)
    d = est[ok] - truth[ok]
    return float(np.sqrt(np.mean(d ** 2))), float(np.mean(d)), int(ok.sum())
