"""Accuracy against ground truth: segmentation IoU on hand-drawn outlines, and the synthetic
photos' known geometry.  Used by benchmarks/toes_accuracy.py and by the tests."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .synth import SynthCamera, SynthFoot, render


def annotation_mask(json_path: Path, wh: tuple[int, int], label: str = "Foot") -> np.ndarray | None:
    """The union of the ``label`` polygons of a labelling-tool JSON (normalised vertices)."""
    import cv2

    d = json.loads(Path(json_path).read_text())
    w, h = wh
    m = np.zeros((h, w), np.uint8)
    n = 0
    for r in d.get("region_list", []):
        if r["label"]["display_name"] != label:
            continue
        pts = np.array([[v["x"] * w, v["y"] * h] for v in r["border"]["vertices"]])
        cv2.fillPoly(m, [pts.round().astype(np.int32)], 1)
        for hole in r.get("holes") or []:
            hp = np.array([[v["x"] * w, v["y"] * h] for v in hole["vertices"]])
            cv2.fillPoly(m, [hp.round().astype(np.int32)], 0)
        n += 1
    return m.astype(bool) if n else None


def foot_iou_on_sheet(photo_path: Path, json_path: Path, paper: str = "a4") -> dict:
    """IoU of footcam's foot mask and the drawn outline, both cut to the detected sheet (the
    region footcam measures; the drawn outlines also cover the leg and the other foot off it)."""
    import cv2

    from .imageio import read_photo
    from .pipeline import PX_PER_MM
    from .segment import segment_foot
    from .sheet import detect_sheet, rectify

    photo = read_photo(photo_path)
    H, W = photo.bgr.shape[:2]
    gt = annotation_mask(json_path, (W, H))
    if gt is None:
        return {"iou": None, "reason": "no Foot outline"}
    sheet = detect_sheet(photo.bgr, paper, photo_path)
    rect = rectify(photo.bgr, sheet, PX_PER_MM)
    valid = rectify(np.full((H, W, 3), 255, np.uint8), sheet, PX_PER_MM)[..., 0] > 250
    mask = segment_foot(rect, valid)
    to_img = np.diag([PX_PER_MM, PX_PER_MM, 1.0]) @ sheet.h_img_to_mm
    mine = cv2.warpPerspective(mask.astype(np.uint8), to_img, (W, H),
                               flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP) > 0
    on_sheet = np.zeros((H, W), np.uint8)
    cv2.fillPoly(on_sheet, [sheet.corners_xy.round().astype(np.int32)], 1)
    on_sheet = on_sheet.astype(bool)
    a, b = mine & on_sheet, gt & on_sheet
    if b.sum() < 0.002 * H * W:
        return {"iou": None, "reason": f"the drawn outline covers only {b.sum()} px of the sheet"}
    return {"iou": float((a & b).sum() / (a | b).sum()), "reason": None}


@dataclass(frozen=True)
class SynthCase:
    name: str
    foot: SynthFoot
    camera: SynthCamera
    seed: int


def synthetic_cases(n: int = 12, seed: int = 7) -> list[SynthCase]:
    """A fixed, varied set: both sides, camera tilt 0-25°, rotations, toe fans 12-40°."""
    rng = np.random.default_rng(seed)
    cases = []
    for k in range(n):
        hallux = rng.uniform(-10, 6)
        steps = rng.uniform(3.5, 9.0, 4)                  # toes fan out: each more lateral
        angles = tuple(float(a) for a in np.r_[hallux, hallux + np.cumsum(steps)])
        foot = SynthFoot(side="right" if k % 2 == 0 else "left",
                         length_mm=float(rng.uniform(225, 275)),
                         ball_width_mm=float(rng.uniform(88, 106)),
                         heel_width_mm=float(rng.uniform(56, 68)),
                         toe_angles_deg=angles,
                         heel_xy_mm=(float(105 + rng.uniform(-8, 8)), float(268 + rng.uniform(-4, 4))),
                         rotation_deg=float(rng.uniform(-8, 8)))
        cam = SynthCamera(tilt_deg=float(rng.uniform(0, 25)),
                          tilt_azimuth_deg=float(rng.uniform(0, 360)),
                          roll_deg=float(rng.uniform(-30, 30)),
                          distance_mm=float(rng.uniform(520, 650)))
        cases.append(SynthCase(f"synth{k:02d}", foot, cam, int(rng.integers(1 << 30))))
    return cases


def evaluate_synthetic(case: SynthCase) -> dict:
    """Measured minus true values for one synthetic photo."""
    from .pipeline import measure_frame

    img, truth = render(case.foot, case.camera, seed=case.seed)
    res = measure_frame(img)
    g = res.foot
    toe_err = []
    for t in g.toes:
        if t.angle_deg is not None and t.name in ("hallux", "second", "third", "fourth", "fifth"):
            i = ("hallux", "second", "third", "fourth", "fifth").index(t.name)
            toe_err.append(t.angle_deg - truth.toe_angles_deg[i])
    return {
        "name": case.name, "side_ok": g.side == truth.side, "tilt_deg": truth.tilt_deg,
        "tilt_err_deg": res.sheet.tilt_deg - truth.tilt_deg,
        "length_err_mm": (None if g.foot_length_mm is None else g.foot_length_mm - truth.foot_length_mm),
        "heel_width_err_mm": (None if g.heel_width_mm is None else g.heel_width_mm - truth.heel_width_mm),
        "splay_err_deg": (None if g.splay_angle_deg is None else g.splay_angle_deg - truth.splay_angle_deg),
        "hallux_angle_err_deg": (None if g.hallux_angle_deg is None else
                                 g.hallux_angle_deg - truth.hallux_angle_deg),
        "toe_angle_err_deg": toe_err, "toes_measured": len(toe_err),
        "truth": truth, "result": res,
    }
