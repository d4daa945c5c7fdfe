"""Synthetic photos for the toes tests, rendered once per session."""
from __future__ import annotations

import warnings

import pytest

from footcam.toes.synth import SynthCamera, SynthFoot, render


@pytest.fixture(scope="session")
def synth_photo(tmp_path_factory):
    """A clean synthetic right foot on A4, written as a JPEG; returns (path, truth)."""
    import cv2

    img, truth = render(SynthFoot(), SynthCamera(tilt_deg=8, tilt_azimuth_deg=40, roll_deg=12), seed=3)
    p = tmp_path_factory.mktemp("toes") / "synthetic_foot.jpg"
    cv2.imwrite(str(p), img, [cv2.IMWRITE_JPEG_QUALITY, 92])
    return p, truth


@pytest.fixture(autouse=True)
def _quiet_numpy():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
