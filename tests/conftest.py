"""Shared fixtures: where ../shared is, skips with a clear reason when it is not there, and
one cached analysis per clip for the end-to-end tests."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from helpers import FEET, REAL, SYNTH, need


_need = need


@pytest.fixture(scope="session")
def synth_dir() -> Path:
    return _need(SYNTH)


@pytest.fixture(scope="session")
def real_dir() -> Path:
    return _need(REAL)


@pytest.fixture(scope="session")
def feet_dir() -> Path:
    return _need(FEET)


@functools.lru_cache(maxsize=None)
def _analyse(path: str, opts: tuple):
    from footcam.config import Config
    from footcam.pipeline import analyze_video

    cfg = Config().with_options(**{k: dict(v) for k, v in opts}) if opts else Config()
    return analyze_video(path, cfg)


@pytest.fixture(scope="session")
def analyse():
    """analyse(path, section={...}) -> Analysis, cached for the whole session."""
    def run(path, **opts):
        _need(Path(path))
        key = tuple(sorted((k, tuple(sorted(v.items()))) for k, v in opts.items()))
        return _analyse(str(path), key)
    return run
