"""One analysed + rendered folder per clip, shared by every overlay test of the session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import synth_clip


def _folder(analyse, tmp_path_factory, name: str) -> Path:
    from footcam.overlay import render_overlay
    from footcam.report.files import write_analysis

    a = analyse(synth_clip(name))
    out = tmp_path_factory.mktemp("overlay") / name
    write_analysis(a, out)
    render_overlay(out, stills=True)
    return out


@pytest.fixture(scope="session")
def side_folder(synth_dir, analyse, tmp_path_factory) -> Path:
    """normal_side (1280x720, 30 fps, 120 frames) with overlay.mp4 and stills/."""
    return _folder(analyse, tmp_path_factory, "normal_side")


@pytest.fixture(scope="session")
def portrait_folder(synth_dir, analyse, tmp_path_factory) -> Path:
    """normal_side_portrait_60fps (720x1280, 60 fps, 120 frames) with overlay.mp4."""
    return _folder(analyse, tmp_path_factory, "normal_side_portrait_60fps")


@pytest.fixture
def folder_copy(side_folder, tmp_path) -> Path:
    """A private copy of the normal_side folder (without the rendered outputs) to alter."""
    dst = tmp_path / "copy"
    shutil.copytree(side_folder, dst, ignore=shutil.ignore_patterns("overlay.mp4", "stills"))
    return dst

