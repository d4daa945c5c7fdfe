"""The annotated picture: the photo with the sheet found, and the rectified top view with the
outline, foot axis, chords, toe midlines, angles and a scale bar (toes pointing up)."""
from __future__ import annotations

import numpy as np

from .measure import FootGeometry

DRAW_PX_PER_MM = 3.0
COL_OUTLINE = (0, 200, 255)      # BGR amber
COL_AXIS = (255, 255, 255)
COL_CHORD = (255, 160, 0)
COL_TOE = (60, 220, 60)
COL_HALLUX = (255, 0, 255)
COL_TEXT = (20, 20, 20)


def _rot_k(axis_dir: np.ndarray) -> int:
    """Quarter turns (counter-clockwise, np.rot90) that make the toes point up."""
    ang = np.degrees(np.arctan2(-axis_dir[1], axis_dir[0]))   # 90 = up in a picture
    return int(np.round(((90 - ang) % 360) / 90)) % 4


def _rot_pts(p: np.ndarray, k: int, wh_mm: tuple[float, float]) -> np.ndarray:
    """Rotate sheet mm points like np.rot90(img, k) (counter-clockwise quarter turns)."""
    p = np.asarray(p, float).reshape(-1, 2).copy()
    w, h = wh_mm
    for _ in range(k):
        p = np.c_[p[:, 1], w - p[:, 0]]
        w, h = h, w
    return p


def _text(img, s, org, scale=0.6, color=COL_TEXT, thick=1, bg=(255, 255, 255)):
    import cv2

    (tw, th), base = cv2.getTextSize(s, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
    x, y = int(org[0]), int(org[1])
    x = min(max(2, x), img.shape[1] - tw - 2)
    y = min(max(th + 2, y), img.shape[0] - base - 2)
    cv2.rectangle(img, (x - 2, y - th - 3), (x + tw + 2, y + base + 1), bg, -1)
    cv2.putText(img, s, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, color, thick, cv2.LINE_AA)


def annotate(photo_bgr: np.ndarray, result, summary_lines: list[str]) -> np.ndarray:
    """A side-by-side picture (BGR): photo with the sheet outline | annotated top view."""
    import cv2

    g: FootGeometry = result.foot
    s = DRAW_PX_PER_MM / result.px_per_mm
    top = cv2.resize(result.rectified_bgr, None, fx=s, fy=s, interpolation=cv2.INTER_LINEAR)
    top = (0.55 * top + 0.45 * 255).astype(np.uint8)          # fade the photo: lines stand out
    w_mm, h_mm = result.sheet.size_mm
    k = _rot_k(g.axis_dir)
    top = np.ascontiguousarray(np.rot90(top, k))
    wh = (w_mm, h_mm)
    P = lambda pts: (_rot_pts(pts, k, wh) * DRAW_PX_PER_MM).round().astype(np.int32)
    lw = 2
    cv2.polylines(top, [P(g.contour_mm)], True, COL_OUTLINE, lw, cv2.LINE_AA)
    # foot axis from the heel (or the lowest point drawn) to beyond the tip
    ax = g.axis_dir
    rel = (g.contour_mm - g.axis_origin) @ ax
    a0, a1 = rel.min(), rel.max() + 12
    p0, p1 = g.axis_origin + a0 * ax, g.axis_origin + a1 * ax
    _dashed(top, P(p0)[0], P(p1)[0], COL_AXIS, 2)
    _dashed(top, P(p0)[0], P(p1)[0], (80, 80, 80), 1)
    # ball and heel chords
    for ch, name, val in ((g.ball_chord, "ball", g.ball_width_mm), (g.heel_chord, "heel", g.heel_width_mm)):
        if ch is None:
            continue
        q = P(ch)
        cv2.line(top, tuple(q[0]), tuple(q[1]), COL_CHORD, 2, cv2.LINE_AA)
        for e in q:
            cv2.circle(top, tuple(e), 4, COL_CHORD, -1, cv2.LINE_AA)
        _text(top, f"{name} {val:.0f} mm", q.max(0) + [8, 5], 0.55, (140, 70, 0))
    if g.toe_spread_width_mm > 0:
        q = P(g.toe_spread_chord)
        _dashed(top, q[0], q[1], (0, 120, 255), 2)
    # toes
    for t in g.toes:
        tip = P(t.tip_xy)[0]
        cv2.circle(top, tuple(tip), 4, COL_TOE, -1, cv2.LINE_AA)
        if t.direction is not None:
            base = t.tip_xy - t.direction * 30.0
            q = P(np.array([base, t.tip_xy + t.direction * 14]))
            cv2.arrowedLine(top, tuple(q[0]), tuple(q[1]), COL_TOE, 2, cv2.LINE_AA, tipLength=0.12)
            lab = _deg(t.angle_deg)
            _text(top, lab, q[1] + np.array([-14, -8]), 0.55, (0, 100, 0))
    for v in g.valleys_xy:
        cv2.circle(top, tuple(P(v)[0]), 3, (0, 0, 255), -1, cv2.LINE_AA)
    if g.hallux_angle_lines is not None:
        (r0, m), (m2, f) = g.hallux_angle_lines
        q = P(np.array([r0, m, f]))
        cv2.line(top, tuple(q[0]), tuple(q[1]), COL_HALLUX, 2, cv2.LINE_AA)
        cv2.line(top, tuple(q[1]), tuple(q[2]), COL_HALLUX, 2, cv2.LINE_AA)
        _text(top, f"HA {_deg(g.hallux_angle_deg)} deg", q[1] + np.array([-10, 24]), 0.55, (120, 0, 120))
    if g.heel_xy is not None:
        cv2.drawMarker(top, tuple(P(g.heel_xy)[0]), (0, 0, 255), cv2.MARKER_TILTED_CROSS, 14, 2)
    _scale_bar(top)
    # legend / summary in a band above
    summary_lines = list(summary_lines) + [
        "green: toe midlines, angle to the foot axis (dashed), + = lateral",
        "magenta: hallux angle HA (valgus proxy); blue: widths; orange: toe-tip spread"]
    band_h = 24 * (len(summary_lines) + 1)
    band = np.full((band_h, top.shape[1], 3), 255, np.uint8)
    for i, line in enumerate(summary_lines):
        _text(band, line, (8, 22 + 24 * i), 0.55)
    right = np.vstack([band, top])
    # left panel: the photo with the sheet outline, scaled to the same height
    ph = photo_bgr.copy()
    lwp = max(2, ph.shape[1] // 300)
    cv2.polylines(ph, [result.sheet.corners_xy.round().astype(np.int32)], True, (0, 0, 255), lwp, cv2.LINE_AA)
    sc = right.shape[0] / ph.shape[0]
    ph = cv2.resize(ph, None, fx=sc, fy=sc, interpolation=cv2.INTER_AREA)
    _text(ph, f"sheet found, camera tilt {result.sheet.tilt_deg:.0f} deg", (8, 24), 0.55)
    return np.hstack([ph, np.full((right.shape[0], 6, 3), 255, np.uint8), right])


def _deg(v: float) -> str:
    r = int(round(v))
    return "0" if r == 0 else f"{r:+d}"


def _dashed(img, p, q, col, thick, dash=10):
    import cv2

    p, q = np.asarray(p, float), np.asarray(q, float)
    L = np.linalg.norm(q - p)
    n = max(1, int(L // dash))
    for i in range(0, n, 2):
        a = p + (q - p) * i / n
        b = p + (q - p) * min(i + 1, n) / n
        cv2.line(img, tuple(a.round().astype(int)), tuple(b.round().astype(int)), col, thick, cv2.LINE_AA)


def _scale_bar(img):
    import cv2

    L = int(50 * DRAW_PX_PER_MM)
    x0, y0 = 14, img.shape[0] - 18
    cv2.rectangle(img, (x0 - 6, y0 - 28), (x0 + L + 60, y0 + 10), (255, 255, 255), -1)
    for i in range(5):
        col = (0, 0, 0) if i % 2 == 0 else (255, 255, 255)
        cv2.rectangle(img, (x0 + i * L // 5, y0 - 6), (x0 + (i + 1) * L // 5, y0), col, -1)
    cv2.rectangle(img, (x0, y0 - 6), (x0 + L, y0), (0, 0, 0), 1)
    _text(img, "50 mm", (x0 + L + 6, y0), 0.5)
    _text(img, "0", (x0 - 2, y0 - 10), 0.4)
