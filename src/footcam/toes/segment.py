"""Separating skin from paper on the rectified sheet.

Paper is bright and nearly colourless under the room's light; skin has colour (a warm hue) and is
darker.  The paper's own colour is taken from the sheet itself, its brightness is modelled as a
smooth surface (lamps and the phone's shadow make a gradient), and each pixel is scored by how far
its colour and brightness are from that paper.  Otsu's threshold on the score starts a GrabCut
refinement that follows the toes' outlines.
"""
from __future__ import annotations

import numpy as np


def _poly_design(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], 1)


def paper_model(lab: np.ndarray, paper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smooth lightness (H, W) of the paper and its chroma (a, b), fitted on ``paper`` pixels."""
    h, w = lab.shape[:2]
    ys, xs = np.nonzero(paper)
    if len(xs) > 20000:
        k = np.random.default_rng(0).choice(len(xs), 20000, replace=False)
        ys, xs = ys[k], xs[k]
    A = _poly_design(xs / w, ys / h)
    coef, *_ = np.linalg.lstsq(A, lab[ys, xs, 0], rcond=None)
    yy, xx = np.mgrid[0:h, 0:w]
    L = (_poly_design(xx.ravel() / w, yy.ravel() / h) @ coef).reshape(h, w)
    ab = np.median(lab[ys, xs, 1:], axis=0)
    return L, ab


def skin_score(bgr: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """How unlike the paper each pixel is (float32, ~0 on paper, large on skin)."""
    import cv2

    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB).astype(np.float32)
    h, w = lab.shape[:2]
    if valid is None:
        valid = np.ones((h, w), bool)
    # first guess of paper: bright, colourless pixels
    chroma0 = np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)
    white = lab[..., 0] - 2 * chroma0
    paper = valid & (white > np.percentile(white[valid], 35))
    score = None
    for _ in range(2):
        L, ab = paper_model(lab, paper)
        dchroma = np.hypot(lab[..., 1] - ab[0], lab[..., 2] - ab[1])
        # warm hue (a and b both above the paper's) counts most: that is skin, not a shadow
        warm = np.clip(lab[..., 1] - ab[0], 0, None) + 0.5 * np.clip(lab[..., 2] - ab[1], 0, None)
        dark = np.clip(L - lab[..., 0], 0, None)
        score = 1.5 * warm + 0.5 * dchroma + 0.35 * dark
        score[~valid] = 0
        thr = np.percentile(score[valid], 50) + 3 * np.median(np.abs(score[valid] - np.percentile(score[valid], 50))) + 4
        paper = valid & (score < thr)
    return cv2.GaussianBlur(score, (0, 0), 1.0)


def segment_foot(bgr: np.ndarray, valid: np.ndarray | None = None, refine: bool = True) -> np.ndarray:
    """Boolean mask (H, W) of skin on the rectified sheet (every skin region, cleaned)."""
    import cv2

    h, w = bgr.shape[:2]
    if valid is None:
        valid = np.ones((h, w), bool)
    s = skin_score(bgr, valid)
    s8 = np.clip(s * (255.0 / max(np.percentile(s[valid], 99.5), 1e-6)), 0, 255).astype(np.uint8)
    thr, _ = cv2.threshold(s8[valid], 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = (s8 > thr) & valid
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, k).astype(bool)
    if refine and mask.sum() > 100:
        gc = np.full((h, w), cv2.GC_PR_BGD, np.uint8)
        gc[mask] = cv2.GC_PR_FGD
        sure_fg = cv2.erode(mask.astype(np.uint8), k, iterations=4).astype(bool) & (s8 > min(255, thr * 1.5))
        sure_bg = ~cv2.dilate(mask.astype(np.uint8), k, iterations=6).astype(bool) | (s8 < thr * 0.3)
        gc[sure_fg] = cv2.GC_FGD
        gc[sure_bg & ~sure_fg] = cv2.GC_BGD
        gc[~valid] = cv2.GC_BGD
        bgd = np.zeros((1, 65), np.float64)
        fgd = np.zeros((1, 65), np.float64)
        cv2.grabCut(bgr, gc, None, bgd, fgd, 3, cv2.GC_INIT_WITH_MASK)
        mask = np.isin(gc, (cv2.GC_FGD, cv2.GC_PR_FGD))
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, k)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, k)
    return fill_holes(mask.astype(bool))


def fill_holes(mask: np.ndarray) -> np.ndarray:
    from scipy import ndimage

    return ndimage.binary_fill_holes(mask)


def components(mask: np.ndarray, min_area_px: int) -> list[np.ndarray]:
    """Connected regions larger than ``min_area_px``, largest first."""
    import cv2

    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    order = sorted(range(1, n), key=lambda k: -stats[k, cv2.CC_STAT_AREA])
    return [lab == k for k in order if stats[k, cv2.CC_STAT_AREA] >= min_area_px]
