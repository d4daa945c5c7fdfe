"""The drawing layers on arrays (no video, no MediaPipe): sizes scale with the resolution, the
angle labels never cover a foot, uncertain segments look different, the dashboard fits."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from footcam.constants import L_ANKLE, L_KNEE, R_ANKLE, R_KNEE
from footcam.overlay.draw import (SIDE_COLOUR, Style, angle_marks, draw_angles, draw_skeleton,
                                  feet_boxes)
from footcam.overlay.panel import ChartRow, Dashboard, FrameInfo, Series
from overlay_helpers import colour_mask

DATA = Path(__file__).resolve().parents[1] / "kinematics" / "data" / "normal_side.raw.npz"
ANGLES = ("hip_flexion_deg", "knee_flexion_deg", "ankle_dorsiflexion_deg")


@pytest.fixture(scope="module")
def walk():
    """The rendered walker's exact 2D landmarks and image-plane angles (1280x720, 120 frames)."""
    d = np.load(DATA)
    values = [{f"{a}_{s}": float(d[f"truth_{a}_{s}_2d"][i]) for a in ANGLES for s in "lr"}
              | {"trunk_extension_deg": float(d["truth_trunk_extension_deg_2d"][i])}
              for i in range(len(d["time_s"]))]
    return d["truth_image_xy"].astype(float), values, int(d["image_direction_sign"])


def test_sizes_scale_with_resolution():
    s480, s720, s4k = (Style.for_size(wh) for wh in ((854, 480), (1280, 720), (3840, 2160)))
    assert s4k.text_px == 3 * s720.text_px
    assert s4k.line == 3 * s720.line
    assert s480.text_px >= Style.MIN_TEXT_PX
    assert s480.text_px < s720.text_px < s4k.text_px
    # portrait and landscape of the same size get the same style
    assert Style.for_size((720, 1280)) == s720


@pytest.mark.parametrize("scale, wh", [(1.0, (1280, 720)), (2 / 3, (854, 480)), (3.0, (3840, 2160))])
def test_angle_labels_never_cover_a_foot(walk, scale, wh):
    xy_all, values, direction = walk
    style = Style.for_size(wh)
    n_labels = 0
    for xy, vals in zip(xy_all, values):
        xy = xy * scale
        img = np.zeros((wh[1], wh[0], 3), np.uint8)
        boxes = draw_angles(img, xy, angle_marks(xy, vals, "side"), direction, style)
        n_labels += len(boxes)
        for box in boxes:
            for fx0, fy0, fx1, fy1 in feet_boxes(xy, 0):
                overlap = box[0] < fx1 and fx0 < box[2] and box[1] < fy1 and fy0 < box[3]
                assert not overlap, (box, (fx0, fy0, fx1, fy1))
    assert n_labels == 7 * len(values)       # every value of every frame got its label


def test_leading_leg_labels_go_forward(walk):
    xy_all, values, direction = walk
    style = Style.for_size((1280, 720))
    i = 30
    xy = xy_all[i]
    marks = angle_marks(xy, values[i], "side")
    knees = {m.side: m for m in marks if m.joint == "knee"}
    lead = max("lr", key=lambda s: xy[{"l": L_KNEE, "r": R_KNEE}[s]][0] * direction)
    img = np.zeros((720, 1280, 3), np.uint8)
    boxes = draw_angles(img, xy, [knees["l"], knees["r"]], direction, style)
    by_side = dict(zip("lr", boxes))
    knee_x = xy[{"l": L_KNEE, "r": R_KNEE}[lead]][0]
    # the leading knee's value sits in front of it (walking direction), the trailing one behind
    assert (by_side[lead][0] - knee_x) * direction > 0 or (by_side[lead][2] - knee_x) * direction > 0
    trail = "r" if lead == "l" else "l"
    trail_x = xy[{"l": L_KNEE, "r": R_KNEE}[trail]][0]
    assert (trail_x - by_side[trail][2]) * direction >= 0 or (trail_x - by_side[trail][0]) * direction >= 0


def test_low_visibility_is_drawn_dashed_and_thin(walk):
    xy = walk[0][40]
    style = Style.for_size((1280, 720))
    solid = np.zeros((720, 1280, 3), np.uint8)
    draw_skeleton(solid, xy, np.ones(33), style)
    vis = np.ones(33)
    vis[[L_KNEE, L_ANKLE]] = 0.1
    dashed = np.zeros((720, 1280, 3), np.uint8)
    draw_skeleton(dashed, xy, vis, style)
    n_solid = colour_mask(solid, SIDE_COLOUR["l"], 30).sum()
    n_dashed = colour_mask(dashed, SIDE_COLOUR["l"], 30).sum()
    assert n_dashed < 0.8 * n_solid
    # the right leg is untouched (but for the pixels where the two legs cross)
    n_r = colour_mask(solid, SIDE_COLOUR["r"], 30).sum()
    assert abs(colour_mask(dashed, SIDE_COLOUR["r"], 30).sum() - n_r) <= 0.02 * n_r
    # a missing landmark draws nothing for its segments, and nothing crashes
    xy2 = xy.copy()
    xy2[R_ANKLE] = np.nan
    img = np.zeros((720, 1280, 3), np.uint8)
    draw_skeleton(img, xy2, np.ones(33), style)
    assert colour_mask(img, SIDE_COLOUR["r"], 30).sum() < colour_mask(solid, SIDE_COLOUR["r"], 30).sum()


@pytest.mark.parametrize("width", [480, 720, 1280, 3840])
def test_dashboard_fits_and_shows_the_cursor(width):
    style = Style.for_size((width, width * 9 // 16 if width > 720 else 1280))
    t = np.arange(300) / 30
    rows = [ChartRow("Ankle dorsiflexion", [Series("l", 10 * np.sin(t)), Series("r", 10 * np.cos(t))]),
            ChartRow("Trunk extension", [Series("c", np.full(300, -4.0))])]
    events = [("l", "hs", 1.0), ("r", "to", 1.6)]
    d = Dashboard(width, style, t, 10.0, rows, events, [("Reduced push-off (left, mild)", "mild")], 300)
    a = d.render(FrameInfo(index=30, time_s=1.0, has_pose=True, view_text="side view, walking",
                           forward=1, events=[("l", "hs", 0.0)]))
    b = d.render(FrameInfo(index=240, time_s=8.0, has_pose=False))
    assert a.shape == (d.h, width, 3) and d.h % 2 == 0
    assert d.x0 < d.x1 - width // 4              # the chart keeps a real width, even portrait
    # the cursor moved: the two frames differ inside the chart
    assert (np.abs(a.astype(int) - b.astype(int))[:, d.x0:d.x1].sum(axis=2) > 100).sum() > 10
    # NO POSE flag: the header of b has the red badge, a's has none
    from footcam.overlay.draw import NO_POSE
    assert colour_mask(b[: d.line_h], NO_POSE, 40).sum() > 20
    assert colour_mask(a[: d.line_h], NO_POSE, 40).sum() == 0


def test_long_clips_scroll_a_ten_second_window():
    style = Style.for_size((1280, 720))
    t = np.arange(1800) / 30                    # one minute
    rows = [ChartRow("Ankle dorsiflexion", [Series("l", np.sin(t)), Series("r", np.cos(t))])]
    d = Dashboard(1280, style, t, 60.0, rows, [], None, 1800)
    assert d._window(0.0) == (0.0, 10.0)
    assert d._window(30.0) == (25.0, 35.0)
    assert d._window(59.9) == (50.0, 60.0)
