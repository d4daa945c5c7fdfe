"""Shared fixtures: where ../shared is, and skips with a clear reason when it is not there."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FOOTCAM_SHARED", REPO.parent / "shared"))
SYNTH = SHARED / "data" / "synth"
REAL = SHARED / "data" / "real"
FEET = SHARED / "data" / "feet"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"needs {path} (the shared test data beside the repo; absent in a user's clone)")
    return path


@pytest.fixture(scope="session")
def synth_dir() -> Path:
    return _need(SYNTH)


@pytest.fixture(scope="session")
def real_dir() -> Path:
    return _need(REAL)


@pytest.fixture(scope="session")
def feet_dir() -> Path:
    return _need(FEET)
