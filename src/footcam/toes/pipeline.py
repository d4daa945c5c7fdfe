"""Photo or video in → sheet → rectified top view → foot mask → measurements.

This module wires the stages and turns what they find into user-facing errors; the geometry is
in ``measure`` (pure numpy), the pictures in ``sheet`` and ``segment``.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import FootPlacementError, ToesError
from .measure import FootGeometry, measure_foot
from .sheet import Sheet, detect_sheet, rectify

log = logging.getLogger(__name__)

PX_PER_MM = 3.0
MIN_FOOT_AREA_MM2 = 6000.0
EDGE_CONTACT_MM = 2.5


@dataclass
class FrameResult:
    sheet: Sheet
    rectified_bgr: np.ndarray
    mask: np.ndarray
    px_per_mm: float
    foot: FootGeometry
    confidence: float
    warnings: list[str] = field(default_factory=list)


def _edge_band(valid: np.ndarray, px: float) -> np.ndarray:
    import cv2

    k = max(3, int(round(2 * EDGE_CONTACT_MM * px)) | 1)
    inner = cv2.erode(valid.astype(np.uint8), np.ones((k, k), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return valid & ~inner.astype(bool)


def _contour_mm(mask: np.ndarray, px: float) -> np.ndarray:
    import cv2

    cnts, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    c = max(cnts, key=cv2.contourArea).reshape(-1, 2).astype(float)
    return (c + 0.5) / px


#: a heel seen from above is convex; toes, even pressed together, leave small notches
SOLID_HEEL = 0.985


def _end_solidity(pts: np.ndarray, direction: np.ndarray, depth_mm: float = 30.0) -> float:
    """Area / convex-hull area of the last ``depth_mm`` of the mask in ``direction``."""
    import cv2

    a = pts @ direction
    cap = pts[a > a.max() - depth_mm]
    if len(cap) < 20:
        return 0.0
    hull = cv2.convexHull(cap.astype(np.float32))
    step = np.median(np.diff(np.unique(pts[:, 0])))          # pixel size in mm
    return float(len(cap) * step * step / max(cv2.contourArea(hull), 1e-9))


def measure_frame(bgr: np.ndarray, paper: str = "a4", path: str | Path | None = None,
                  px_per_mm: float = PX_PER_MM) -> FrameResult:
    """Measure one upright picture (BGR). Raises a ToesError subclass saying what is wrong."""
    import cv2

    from .segment import components, segment_foot

    sheet = detect_sheet(bgr, paper, path)
    rect = rectify(bgr, sheet, px_per_mm)
    ones = np.full(bgr.shape[:2], 255, np.uint8)
    valid = rectify(ones[..., None].repeat(3, 2), sheet, px_per_mm)[..., 0] > 250
    valid = cv2.erode(valid.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    mask = segment_foot(rect, valid)
    area_px = MIN_FOOT_AREA_MM2 * px_per_mm ** 2
    comps = components(mask, int(area_px))
    if not comps:
        raise FootPlacementError("foot not on the sheet: no bare foot found on the paper "
                                 "(expected one foot standing on the sheet)", path)
    foot_mask = comps[0]
    big = [c for c in comps[1:] if c.sum() > 0.35 * foot_mask.sum()]
    if big:
        raise FootPlacementError(f"more than one foot on the sheet ({1 + len(big)} skin regions "
                                 "of foot size); photograph one foot at a time", path)
    band = _edge_band(valid, px_per_mm)
    touch = foot_mask & band
    pts = np.c_[np.nonzero(foot_mask)[1] + 0.5, np.nonzero(foot_mask)[0] + 0.5] / px_per_mm
    contour = _contour_mm(foot_mask, px_per_mm)
    warnings = list(sheet.warnings)
    hint = None
    heel_free = True
    if touch.sum() > 0:
        ty, tx = np.nonzero(touch)
        tc = np.c_[tx + 0.5, ty + 0.5].mean(0) / px_per_mm
        d = pts.mean(0) - tc
        hint = d / np.linalg.norm(d)
        heel_free = False
        # contact on two opposite sides: the foot runs off the sheet at both ends
        rel = np.c_[tx + 0.5, ty + 0.5] / px_per_mm - pts.mean(0)
        proj = rel @ hint
        if (proj > 0).sum() > 0.1 * len(proj) and (proj > 40).any():
            raise FootPlacementError("foot cut off: the foot runs over the edge of the sheet at "
                                     "both ends; place the whole foot on the paper", path)
    try:
        foot = measure_foot(contour, pts, heel_free, hint)
    except ValueError as e:
        raise FootPlacementError(f"foot not measurable: {e}", path) from None
    # the free end has no notches between toes and the outline widens away from it: the toes
    # are the end that runs over the sheet edge, not the leg
    if not heel_free and len(foot.valleys_xy) == 0:
        from .measure import _toe_direction_from_profile, principal_axis

        c0, ax = principal_axis(pts)
        if _toe_direction_from_profile(pts, c0, ax) @ hint < 0 and _end_solidity(pts, hint) > SOLID_HEEL:
            raise FootPlacementError("foot cut off: the toes run over the edge of the sheet; "
                                     "place the whole foot on the paper", path)
    # toes at the sheet edge (or out of the photo) → cut off
    tip_px = (foot.tip_xy * px_per_mm).astype(int)
    y0, x0 = np.clip(tip_px[1], 0, band.shape[0] - 1), np.clip(tip_px[0], 0, band.shape[1] - 1)
    win = band[max(0, y0 - 6):y0 + 7, max(0, x0 - 6):x0 + 7]
    if win.any():
        raise FootPlacementError("foot cut off: the toes reach the edge of the sheet (or of the "
                                 "photo); place the whole foot on the paper", path)
    warnings += foot.warnings
    conf = 1.0
    conf -= 0.25 if not foot.heel_visible else 0.0
    conf -= 0.15 * (5 - min(5, foot.toes_separated)) / 5
    conf -= min(0.3, max(0.0, sheet.tilt_deg - 10) / 60)
    conf -= 0.1 if foot.side == "unknown" else 0.0
    if not (50 <= foot.ball_width_mm <= 140):
        warnings.append(f"forefoot width {foot.ball_width_mm:.0f} mm is outside the usual "
                        "50-140 mm: check the outline in the annotated picture")
        conf -= 0.2
    return FrameResult(sheet, rect, foot_mask, px_per_mm, foot, float(np.clip(conf, 0.05, 1)),
                       warnings)


def measure_photo(path: str | Path, paper: str = "a4") -> tuple[FrameResult, dict]:
    from .imageio import read_photo

    photo = read_photo(path)
    res = measure_frame(photo.bgr, paper, path)
    meta = {"exif_orientation": photo.exif_orientation, "stored_wh": list(photo.stored_wh),
            "upright_wh": [photo.bgr.shape[1], photo.bgr.shape[0]]}
    return res, meta


#: a video is measured only when the sheet and a foot are found in at least this share of
#: its sampled frames (a foot filmed on paper shows them throughout; a clip of something else
#: may fool the sheet finder in a frame or two)
MIN_VIDEO_MEASURED_SHARE = 0.5


@dataclass
class VideoResult:
    frames: list[tuple[int, float, FrameResult | None, str | None]]   # (index, time_s, result, error)
    best_relaxed: tuple[int, float, FrameResult] | None
    best_active: tuple[int, float, FrameResult] | None
    damaged_s: list[float] = field(default_factory=list)   # sampled frames FFmpeg flags corrupt


def measure_video(path: str | Path, paper: str = "a4", max_fps: float = 4.0,
                  max_frames: int = 120) -> VideoResult:
    """Measure sampled frames; relaxed = the frame with the least splay, active = the most."""
    from .imageio import iter_video_frames

    out = []
    damaged: list[float] = []
    for k, (i, t, bgr) in enumerate(iter_video_frames(path, max_fps, damaged_s=damaged)):
        if k >= max_frames:
            break
        if damaged and damaged[-1] == t:      # FFmpeg's guess of a picture: not measured
            out.append((i, t, None, "damaged frame (flagged as corrupt by FFmpeg)"))
            continue
        try:
            out.append((i, t, measure_frame(bgr, paper, path), None))
        except ToesError as e:
            out.append((i, t, None, e.detail))
    ok = [(i, t, r) for i, t, r, _ in out if r is not None and r.foot.splay_angle_deg is not None]
    n_measured = sum(r is not None for _, _, r, _ in out)
    if n_measured < MIN_VIDEO_MEASURED_SHARE * len(out) or not n_measured:
        why = Counter(e.split(":")[0] for *_, e in out if e).most_common(3)
        raise ToesError(f"no foot on a paper sheet in {len(out) - n_measured} of {len(out)} sampled "
                        f"frames (expected a top-down video of one foot standing on the sheet): "
                        + ", ".join(f"{w} ({n})" for w, n in why), path)
    relaxed = min(ok, key=lambda x: x[2].foot.splay_angle_deg) if ok else None
    active = max(ok, key=lambda x: x[2].foot.splay_angle_deg) if ok else None
    return VideoResult(out, relaxed, active, damaged)
