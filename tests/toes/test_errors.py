"""The error cases of issue 7, part 4, on synthetic photos (exact messages)."""
from __future__ import annotations

import numpy as np
import pytest

from footcam.toes import FootPlacementError, SheetError, measure_frame
from footcam.toes.synth import SynthCamera, SynthFoot, render


def test_no_sheet():
    rng = np.random.default_rng(0)
    floor = (rng.normal(0, 8, (1200, 900, 1)) + [60, 95, 140]).clip(0, 255).astype(np.uint8)
    with pytest.raises(SheetError, match="^p.jpg: no paper sheet found: expected a white A4 sheet"):
        measure_frame(floor, path="p.jpg")


def test_sheet_partly_out_of_frame():
    img, _ = render(SynthFoot(), SynthCamera(), seed=1)
    with pytest.raises(SheetError, match="sheet partly out of frame: the paper runs out of the photo at the bottom edge"):
        measure_frame(img[:1500], path="p.jpg")          # bottom third of the sheet cut away


def test_too_oblique_says_the_tilt():
    img, _ = render(SynthFoot(), SynthCamera(tilt_deg=45, distance_mm=700), seed=2)
    with pytest.raises(SheetError, match=r"photo too oblique: the camera is tilted 4\d° from straight down"):
        measure_frame(img, path="p.jpg")


def test_foot_not_on_the_sheet():
    img, _ = render(SynthFoot(heel_xy_mm=(-75, 270)), SynthCamera(distance_mm=700), seed=4)
    with pytest.raises(FootPlacementError, match="foot not on the sheet"):
        measure_frame(img, path="p.jpg")


def test_toes_over_the_sheet_edge_are_cut_off():
    img, _ = render(SynthFoot(heel_xy_mm=(105, 200)), SynthCamera(distance_mm=700), seed=5)
    with pytest.raises(FootPlacementError, match="foot cut off"):
        measure_frame(img, path="p.jpg")


def test_two_feet():
    small = dict(length_mm=210, ball_width_mm=72, heel_width_mm=48)
    a = SynthFoot(heel_xy_mm=(160, 270), **small)
    b = SynthFoot(side="left", heel_xy_mm=(50, 270), **small)
    img, _ = render(a, SynthCamera(distance_mm=700), seed=6, extra_feet=[b])
    with pytest.raises(FootPlacementError, match="more than one foot on the sheet"):
        measure_frame(img, path="p.jpg")
