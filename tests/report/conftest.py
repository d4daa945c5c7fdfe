"""Fixtures for the report tests: a copy of the hand-made clip folder in tests/report/data/clip
(see data/README.md), and ways to strip it down or give it a hostile name."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "clip"

#: quotes, angle brackets, an ampersand, markup that would run or fetch if it were not escaped,
#: and non-Latin letters
HOSTILE = ("Ünïcødé “clip” 'quoted' \"double\" <script>alert(1)</script> & "
           "<img src=x onerror=alert(2)> 歩行 </title><b>bold</b>.mp4")


@pytest.fixture
def clip(tmp_path) -> Path:
    """A complete clip folder (analysis, angles, events, cycles, curves, summary, stills)."""
    d = tmp_path / "clip"
    shutil.copytree(DATA, d)
    return d


def set_name(folder: Path, name: str) -> None:
    p = folder / "analysis.json"
    a = json.loads(p.read_text(encoding="utf-8"))
    a["source"]["name"] = a["video"]["name"] = name
    p.write_text(json.dumps(a, ensure_ascii=False), encoding="utf-8")
