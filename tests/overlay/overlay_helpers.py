"""Helpers for the overlay tests."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def decode(path: Path) -> tuple[list[float], list[np.ndarray]]:
    """Every frame of a video, upright, with its time."""
    from footcam.video.reader import iter_frames, probe

    ts, imgs = [], []
    for _, t, img in iter_frames(probe(path)):
        ts.append(t)
        imgs.append(img)
    return ts, imgs


def colour_mask(img: np.ndarray, colour, tol: float = 70.0) -> np.ndarray:
    """Pixels within ``tol`` (RGB distance) of ``colour``."""
    d = img.astype(np.float32) - np.asarray(colour, np.float32)
    return np.sqrt((d * d).sum(axis=2)) < tol


def hit_rate(mask: np.ndarray, points: np.ndarray, radius: int) -> float:
    """Share of ``points`` (N, 2) with a mask pixel within ``radius`` px."""
    import cv2

    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    near = cv2.dilate(mask.astype(np.uint8), k) > 0
    h, w = mask.shape
    hits = []
    for x, y in points:
        xi, yi = int(round(x)), int(round(y))
        if 0 <= xi < w and 0 <= yi < h:
            hits.append(bool(near[yi, xi]))
    return float(np.mean(hits)) if hits else float("nan")


def bone_points(truth_row, side: str, fractions=(0.25, 0.5, 0.75)) -> np.ndarray:
    """Points along the truth thigh and shank of one side, in pixels."""
    name = {"l": "left", "r": "right"}[side]
    out = []
    for a, b in (("hip", "knee"), ("knee", "ankle")):
        pa = np.array([truth_row[f"{name}_{a}_px_x"], truth_row[f"{name}_{a}_px_y"]], float)
        pb = np.array([truth_row[f"{name}_{b}_px_x"], truth_row[f"{name}_{b}_px_y"]], float)
        out += [pa + (pb - pa) * f for f in fractions]
    return np.array(out)
