"""summary.json for a finished clip folder: read it (footcam.results), summarise, write atomically."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import ResultError
from ..fsutil import atomic_write_text
from ..results import ClipResult
from .summary import summarize

SUMMARY_NAME = "summary.json"


def _quality(clip: ClipResult) -> pd.DataFrame | None:
    """angles.csv's pose quality, or None: without it the summary only loses the median."""
    if not clip.has("angles.csv"):
        return None
    try:
        angles = clip.angles
    except ResultError:
        return None
    return angles[["quality"]] if "quality" in angles.columns else None


def read_summary_inputs(folder: str | Path) -> tuple[pd.DataFrame, dict, pd.DataFrame | None]:
    """(cycles, analysis.json, angles' quality column or None) of a clip folder; raises
    ResultError when the folder is not one or lacks cycles.csv."""
    clip = ClipResult.open(folder)
    return clip.cycles, clip.analysis, _quality(clip)


def write_summary(folder: str | Path) -> Path:
    """Write ``folder/summary.json`` from the folder's cycles.csv and analysis.json (and the
    pose quality in angles.csv) atomically; return its path."""
    folder = Path(folder)
    cycles, analysis, angles = read_summary_inputs(folder)
    summary = summarize(cycles, analysis, angles=angles)
    path = folder / SUMMARY_NAME
    atomic_write_text(path, json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return path
