"""Foot geometry on ideal masks (no camera): invariances and the meaning of the signs."""
from __future__ import annotations

import numpy as np
import pytest

from footcam.toes.measure import measure_foot
from footcam.toes.synth import SynthFoot, _to_sheet, foot_polygons

PX = 3.0


def _mask(foot: SynthFoot, shape_mm=(210, 297)):
    import cv2

    m = np.zeros((int(shape_mm[1] * PX), int(shape_mm[0] * PX)), np.uint8)
    polys, truth = foot_polygons(foot)
    for p in polys:
        cv2.fillPoly(m, [(_to_sheet(foot, p) * PX * 16).round().astype(np.int32)], 1, cv2.LINE_AA, shift=4)
    return m.astype(bool), truth


def _measure(mask):
    import cv2

    cnts, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    c = (max(cnts, key=cv2.contourArea).reshape(-1, 2) + 0.5) / PX
    ys, xs = np.nonzero(mask)
    return measure_foot(c, np.c_[xs + 0.5, ys + 0.5] / PX, heel_end_free=True)


@pytest.mark.parametrize("side", ["right", "left"])
def test_ideal_foot_angles_and_length(side):
    f = SynthFoot(side=side, toe_angles_deg=(-8, -2, 5, 12, 20))
    m, truth = _mask(f)
    g = _measure(m)
    assert g.side == side
    assert abs(g.foot_length_mm - truth["foot_length_mm"]) < 1.5
    assert abs(g.splay_angle_deg - 28) < 2.0
    got = [t.angle_deg for t in g.toes]
    assert len(got) == 5 and all(a is not None for a in got)
    assert np.max(np.abs(np.array(got) - f.toe_angles_deg)) < 2.5
    assert abs(g.hallux_angle_deg - truth["hallux_angle_deg"]) < 2.0


@pytest.mark.parametrize("rot", [-25.0, 10.0, 90.0, 180.0])
def test_rotating_the_foot_on_the_sheet_changes_nothing(rot):
    import math

    def at(r):
        # heel placed so that the whole foot stays on a 400 x 400 mm canvas
        phi = math.radians(r)
        heel = (200 - 120 * math.sin(phi), 200 + 120 * math.cos(phi))
        return _measure(_mask(SynthFoot(heel_xy_mm=heel, rotation_deg=r), (400, 400))[0])

    base, g = at(0.0), at(rot)
    assert g.side == base.side == "right"
    assert abs(g.splay_angle_deg - base.splay_angle_deg) < 1.5
    assert abs(g.foot_length_mm - base.foot_length_mm) < 1.5
    assert abs(g.ball_width_mm - base.ball_width_mm) < 1.5


def test_converging_toes_give_a_negative_splay():
    # toes squeezed toward each other (the narrow-toe-box pattern): fifth − hallux < 0
    f = SynthFoot(toe_angles_deg=(6, 3, 2, 1, 0))
    g = _measure(_mask(f)[0])
    assert g.splay_angle_deg is not None and abs(g.splay_angle_deg - (-6)) < 2.0
    assert g.toes[0].angle_deg > 3                       # hallux deviates laterally
