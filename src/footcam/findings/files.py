"""summary.json for a finished clip folder: read its tables, summarise, write atomically."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import FootcamError
from ..fsutil import atomic_write_text
from .summary import summarize

SUMMARY_NAME = "summary.json"


class SummaryInputError(FootcamError):
    """The clip folder lacks (or has an unreadable) cycles.csv or analysis.json."""


def _read_cycles(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:   # no gait cycle: the file holds no header
        return pd.DataFrame()
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as e:
        raise SummaryInputError(f"cycles.csv could not be read ({e})", path.parent) from None


def _read_quality(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    try:
        return pd.read_csv(path, usecols=["quality"])
    except (ValueError, OSError, pd.errors.EmptyDataError, pd.errors.ParserError):
        return None   # optional: the summary only loses the median pose quality


def read_summary_inputs(folder: Path) -> tuple[pd.DataFrame, dict, pd.DataFrame | None]:
    folder = Path(folder)
    ap, cp = folder / "analysis.json", folder / "cycles.csv"
    for p in (ap, cp):
        if not p.is_file():
            raise SummaryInputError(f"{p.name} is missing: summary.json needs the cycles.csv and "
                                    f"analysis.json of a `footcam analyze` folder", folder)
    try:
        analysis = json.loads(ap.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise SummaryInputError(f"analysis.json could not be read ({type(e).__name__})", folder) from None
    if not isinstance(analysis, dict):
        raise SummaryInputError("analysis.json does not hold an object", folder)
    return _read_cycles(cp), analysis, _read_quality(folder / "angles.csv")


def write_summary(folder: str | Path) -> Path:
    """Write ``folder/summary.json`` from the folder's cycles.csv and analysis.json (and the
    pose quality in angles.csv) atomically; return its path."""
    folder = Path(folder)
    cycles, analysis, angles = read_summary_inputs(folder)
    summary = summarize(cycles, analysis, angles=angles)
    path = folder / SUMMARY_NAME
    atomic_write_text(path, json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return path
