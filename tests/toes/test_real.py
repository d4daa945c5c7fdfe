"""The real photos of ../shared/data/feet: sheet, side, outline accuracy, honest refusals."""
from __future__ import annotations

import pytest

from footcam.toes import SheetError, measure_photo
from footcam.toes.evaluate import foot_iou_on_sheet

# side judged by eye from each photo (big toe position with the toes pointing away);
# test_reb (EXIF-rotated) is checked in test_exif_orientation_is_honoured
SIDES = {
    "foot_kevinwky0801__correct_29.jpg": "right",
    "foot_kevinwky0801__test_38.jpg": "left",
    "foot_scinerd68__23794.jpeg": "left",
    "foot_scinerd68__24042.jpeg": "right",
    "foot_scinerd68__24062.jpeg": "right",
}
# benchmark (benchmarks/toes_accuracy.py): IoU 0.944-0.974 on these; guarded at 0.93
IOU_PHOTOS = ["24032", "24036", "24041", "24042", "24059", "24062", "24067"]


@pytest.mark.parametrize("name", sorted(SIDES))
def test_real_photo_sheet_side_and_widths(feet_dir, name):
    res, meta = measure_photo(feet_dir / name)
    g = res.foot
    assert res.sheet.tilt_deg < 30
    assert g.side == SIDES[name]
    assert 65 <= g.ball_width_mm <= 120           # adult forefoot widths
    # every one of these photos shows the leg over the heel: no length is invented
    assert not g.heel_visible and g.foot_length_mm is None
    assert any("heel hidden" in w for w in res.warnings)


def test_exif_orientation_is_honoured(feet_dir):
    res, meta = measure_photo(feet_dir / "foot_kevinwky0801__test_reb.jpeg")
    assert meta["exif_orientation"] == 6
    assert meta["stored_wh"] == [4032, 3024] and meta["upright_wh"] == [3024, 4032]
    assert res.foot.side == "right"


@pytest.mark.parametrize("num", IOU_PHOTOS)
def test_segmentation_iou_against_drawn_outlines(feet_dir, num):
    r = foot_iou_on_sheet(feet_dir / f"foot_scinerd68__{num}.jpeg",
                          feet_dir / f"foot_scinerd68__{num}.json")
    assert r["iou"] >= 0.93


@pytest.mark.parametrize("num", ["23822", "23845"])
def test_oblique_negatives_are_refused_with_the_tilt(feet_dir, num):
    with pytest.raises(SheetError, match=r"photo too oblique: the camera is tilted \d+°"):
        measure_photo(feet_dir / f"foot_scinerd68__{num}.jpeg")
