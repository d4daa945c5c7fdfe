"""Finding the paper sheet: its four corners through perspective, and the rectified top view.

The sheet is the large, bright, colourless region whose outline is a quadrilateral.  Several
brightness thresholds are tried (white marble floors are nearly as bright as paper) and the
component whose convex hull is best explained by four straight sides wins.  The sides are then
refitted to the outline points that are not hidden by the foot, and the corners are the
intersections of adjacent sides, so a corner covered by a toe or just outside the frame is still
placed where the two edges meet.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import geometry as geo
from .errors import SheetError

WORK_LONG_SIDE_PX = 1000
#: a view more oblique than this makes the raised foot and toes lean in the picture
MAX_TILT_DEG = 30.0
#: a sheet side must be visible along this share of its length
MIN_SIDE_VISIBLE = 0.25
#: quads further than this from a sheet of the paper's shape are not considered
MAX_RECT_RESIDUAL = 0.3


@dataclass(frozen=True)
class Sheet:
    corners_xy: np.ndarray            # (4, 2) image pixels, order of geometry.order_quad
    paper: str                        # "a4" | "letter"
    size_mm: tuple[float, float]      # (width, height), portrait
    h_mm_to_img: np.ndarray           # (3, 3)
    tilt_deg: float
    focal_px: float
    focal_source: str                 # "homography" | "assumed"
    corners_outside: int              # corners placed outside the photo by extending the sides
    side_visible: tuple[float, ...]   # share of each side seen in the photo
    warnings: list[str] = field(default_factory=list)

    @property
    def h_img_to_mm(self) -> np.ndarray:
        return np.linalg.inv(self.h_mm_to_img)


def _whiteness(bgr_small):
    import cv2

    lab = cv2.cvtColor(bgr_small, cv2.COLOR_BGR2LAB).astype(np.float32)
    chroma = np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)
    # paper is the whitest and usually the bluest surface in view: the blue channel separates
    # it from wood, skin and even from white marble better than lightness does
    blue = bgr_small[..., 0].astype(np.float32)
    return cv2.GaussianBlur(blue - chroma, (5, 5), 0)


def _quad_from_hull(hull: np.ndarray) -> np.ndarray | None:
    import cv2

    peri = cv2.arcLength(hull, True)
    for eps in np.linspace(0.01, 0.12, 23):
        ap = cv2.approxPolyDP(hull, eps * peri, True)
        if len(ap) == 4:
            return ap.reshape(4, 2).astype(float)
        if len(ap) < 4:
            return None
    return None


def _bilinear(img: np.ndarray, xy: np.ndarray) -> np.ndarray:
    h, w = img.shape
    x = np.clip(xy[..., 0], 0, w - 1.001)
    y = np.clip(xy[..., 1], 0, h - 1.001)
    x0 = x.astype(int)
    y0 = y.astype(int)
    fx = x - x0
    fy = y - y0
    return (img[y0, x0] * (1 - fx) * (1 - fy) + img[y0, x0 + 1] * fx * (1 - fy)
            + img[y0 + 1, x0] * (1 - fx) * fy + img[y0 + 1, x0 + 1] * fx * fy)


N_SAMPLES = 48
EDGE_OFFSET_PX = 4.0
EDGE_CONTRAST = 5.0


def _side_support(w: np.ndarray, quads: np.ndarray) -> np.ndarray:
    """Share of each side (Q, 4) where the inside is brighter than the outside: a sheet edge.

    ``quads`` is (Q, 4, 2); a sample outside the photo counts as unsupported."""
    h, wd = w.shape
    q = np.asarray(quads, float)
    a = q
    b = np.roll(q, -1, axis=1)
    t = np.linspace(0.04, 0.96, N_SAMPLES)
    p = a[:, :, None, :] + (b - a)[:, :, None, :] * t[None, None, :, None]    # (Q,4,N,2)
    d = b - a
    n = np.stack([d[..., 1], -d[..., 0]], -1)
    n /= np.linalg.norm(n, axis=-1, keepdims=True) + 1e-12
    c = q.mean(1)
    # make n point outward
    mid = (a + b) / 2
    sgn = np.sign(np.sum((mid - c[:, None, :]) * n, -1, keepdims=True))
    n = n * sgn
    pin = p - n[:, :, None, :] * EDGE_OFFSET_PX
    pout = p + n[:, :, None, :] * EDGE_OFFSET_PX
    ok = ((p[..., 0] >= 0) & (p[..., 1] >= 0) & (p[..., 0] <= wd - 1) & (p[..., 1] <= h - 1)
          & (pout[..., 0] >= 0) & (pout[..., 1] >= 0) & (pout[..., 0] <= wd - 1)
          & (pout[..., 1] <= h - 1))
    diff = _bilinear(w, pin) - _bilinear(w, pout)
    return np.mean(ok & (diff > EDGE_CONTRAST), axis=-1)


def _score(w: np.ndarray, quads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sup = _side_support(w, quads)
    score = sup.mean(1) * np.clip(sup.min(1) / 0.25, 0, 1) ** 0.5
    return score, sup


def _hough_lines(w: np.ndarray, max_lines: int = 36) -> np.ndarray:
    import cv2

    # blur away floor texture (wood grain, marble veins) before looking for long straight edges
    g = cv2.GaussianBlur(np.clip(w, 0, 255).astype(np.uint8), (0, 0), 2.0)
    edges = cv2.Canny(g, 10, 30)
    lines = cv2.HoughLines(edges, 1, np.pi / 360, threshold=max(40, min(w.shape) // 12))
    if lines is None:
        return np.zeros((0, 2))
    lines = lines.reshape(-1, 2)
    keep: list[np.ndarray] = []
    for rho, th in lines:                     # strongest first; suppress near-duplicates
        dup = False
        for r2, t2 in keep:
            dt = abs(th - t2)
            if dt < np.radians(4) and abs(rho - r2) < 12:
                dup = True
                break
            if abs(dt - np.pi) < np.radians(4) and abs(rho + r2) < 12:
                dup = True
                break
        if not dup:
            keep.append(np.array([rho, th]))
        if len(keep) >= max_lines:
            break
    return np.array(keep)


def _rho_theta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = b - a
    th = np.arctan2(-d[0], d[1]) % np.pi          # normal angle in [0, π)
    return np.array([a[0] * np.cos(th) + a[1] * np.sin(th), th])


def _line_quads(lines: np.ndarray, shape_hw) -> np.ndarray:
    """All quadrilaterals made of two near-parallel pairs of lines (vectorised)."""
    h, wd = shape_hw
    n = len(lines)
    if n < 4:
        return np.zeros((0, 4, 2))
    rho, th = lines[:, 0], lines[:, 1]
    nrm = np.stack([np.cos(th), np.sin(th)], 1)
    det = nrm[:, None, 0] * nrm[None, :, 1] - nrm[:, None, 1] * nrm[None, :, 0]
    safe = np.where(np.abs(det) < 1e-6, np.nan, det)
    X = np.stack([(rho[:, None] * nrm[None, :, 1] - rho[None, :] * nrm[:, None, 1]) / safe,
                  (nrm[:, None, 0] * rho[None, :] - nrm[None, :, 0] * rho[:, None]) / safe], -1)
    dth = np.abs(th[:, None] - th[None, :]) % np.pi
    dth = np.minimum(dth, np.pi - dth)
    ii, jj = np.nonzero(np.triu(dth < np.radians(30), 1))
    if len(ii) < 2:
        return np.zeros((0, 4, 2))
    # direction of each pair (doubled angle to average on the circle of lines)
    ang = 0.5 * np.arctan2(np.sin(2 * th[ii]) + np.sin(2 * th[jj]), np.cos(2 * th[ii]) + np.cos(2 * th[jj]))
    p, q = np.nonzero(np.triu(np.ones((len(ii), len(ii)), bool), 1))
    dd = np.abs(ang[p] - ang[q]) % np.pi
    dd = np.minimum(dd, np.pi - dd)
    i, j, k, l = ii[p], jj[p], ii[q], jj[q]
    ok = (dd > np.radians(45)) & (i != k) & (i != l) & (j != k) & (j != l)
    i, j, k, l = i[ok], j[ok], k[ok], l[ok]
    c = np.stack([X[i, k], X[k, j], X[j, l], X[l, i]], 1)                 # (Q,4,2)
    good = np.isfinite(c).all((1, 2))
    c = c[good]
    inb = ((c[..., 0] > -0.25 * wd) & (c[..., 0] < 1.25 * wd) & (c[..., 1] > -0.25 * h)
           & (c[..., 1] < 1.25 * h)).all(1)
    c = c[inb]
    x, y = c[..., 0], c[..., 1]
    area = 0.5 * np.abs(np.sum(x * np.roll(y, -1, 1) - y * np.roll(x, -1, 1), 1))
    return c[area > 0.04 * h * wd]


def rect_residual(quads: np.ndarray, paper: str, shape_hw) -> tuple[np.ndarray, np.ndarray]:
    """How far each ordered quad (Q,4,2) is from a sheet of the paper's shape seen by a plausible
    camera: |cos| of the angle between the sheet's axes plus |log| of their length ratio, after
    choosing the focal length that makes the axes orthogonal (clipped to phone-like values).
    Returns (residual (Q,), focal_px (Q,))."""
    import cv2

    h, wd = shape_hw
    cx, cy = (wd - 1) / 2, (h - 1) / 2
    diag = np.hypot(h, wd)
    rect = geo.sheet_rect_mm(paper).astype(np.float32)
    hs = np.array([cv2.getPerspectiveTransform(rect, q.astype(np.float32)) for q in quads])
    a, b = hs[:, :, 0], hs[:, :, 1]
    ax, ay = a[:, 0] - cx * a[:, 2], a[:, 1] - cy * a[:, 2]
    bx, by = b[:, 0] - cx * b[:, 2], b[:, 1] - cy * b[:, 2]
    den = a[:, 2] * b[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        f2 = -(ax * bx + ay * by) / den
    f = np.where(np.isfinite(f2) & (f2 > 0), np.sqrt(np.abs(f2)), 0.75 * diag)
    f = np.clip(f, 0.45 * diag, 2.5 * diag)
    r1 = np.stack([ax / f, ay / f, a[:, 2]], 1)
    r2 = np.stack([bx / f, by / f, b[:, 2]], 1)
    n1 = np.linalg.norm(r1, axis=1)
    n2 = np.linalg.norm(r2, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        res = np.abs(np.sum(r1 * r2, 1)) / (n1 * n2) + np.abs(np.log(n1 / n2))
    return np.where(np.isfinite(res), res, np.inf), f


def _orient(quads: np.ndarray, paper: str, shape_hw) -> tuple[np.ndarray, np.ndarray]:
    """Of the two ways to put the sheet's short side first, keep the more rectangle-like."""
    q0 = np.asarray(quads, float)
    q1 = np.roll(q0, -1, axis=1)
    r0, _ = rect_residual(q0, paper, shape_hw)
    r1, _ = rect_residual(q1, paper, shape_hw)
    pick = r1 < r0
    return np.where(pick[:, None, None], q1, q0), np.minimum(r0, r1)


def _threshold_quads(w: np.ndarray) -> list[np.ndarray]:
    import cv2

    h, wid = w.shape
    out = []
    qs = np.percentile(w, [40, 55, 70, 80, 88, 94])
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    for thr in qs:
        m = (w > thr).astype(np.uint8)
        m = cv2.morphologyEx(m, cv2.MORPH_OPEN, kernel)
        n, lab, stats, _ = cv2.connectedComponentsWithStats(m, 8)
        for k in range(1, n):
            if stats[k, cv2.CC_STAT_AREA] < 0.04 * h * wid:
                continue
            cnts, _ = cv2.findContours((lab == k).astype(np.uint8), cv2.RETR_EXTERNAL,
                                       cv2.CHAIN_APPROX_SIMPLE)
            quad = _quad_from_hull(cv2.convexHull(max(cnts, key=cv2.contourArea)))
            if quad is not None:
                out.append(quad)
    return out


def _clockwise(quads: np.ndarray) -> np.ndarray:
    """Sort each quad's corners clockwise on screen and drop non-convex ones."""
    c = quads.mean(1, keepdims=True)
    ang = np.arctan2(quads[..., 1] - c[..., 1], quads[..., 0] - c[..., 0])
    q = np.take_along_axis(quads, np.argsort(ang, 1)[..., None], 1)
    d = np.roll(q, -1, 1) - q
    dn = np.roll(d, -1, 1)
    cr = d[..., 0] * dn[..., 1] - d[..., 1] * dn[..., 0]
    return q[(cr > 0).all(1)]


def _convex(q: np.ndarray) -> bool:
    d = np.roll(q, -1, 0) - q
    cr = d[:, 0] * np.roll(d, -1, 0)[:, 1] - d[:, 1] * np.roll(d, -1, 0)[:, 0]
    return bool(np.all(cr > 0) or np.all(cr < 0))


def _refine(w: np.ndarray, quad: np.ndarray, search_px: float = 6.0) -> np.ndarray:
    """Move each side onto the strongest bright-inside/dark-outside step near it and refit it
    as a straight line; corners are where adjacent sides meet."""
    h, wd = w.shape
    q = np.asarray(quad, float)
    c = q.mean(0)
    lines = []
    offs = np.arange(-search_px, search_px + 0.5, 0.5)
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        L = np.linalg.norm(d)
        u = d / L
        n = np.array([u[1], -u[0]])
        if np.dot((a + b) / 2 - c, n) < 0:
            n = -n
        t = np.linspace(0.05, 0.95, max(20, int(L / 3)))
        p = a + t[:, None] * d                                            # (N,2)
        pts = p[:, None, :] + offs[None, :, None] * n                      # (N,K,2)
        diff = _bilinear(w, pts - n * 2.0) - _bilinear(w, pts + n * 2.0)   # (N,K)
        k = np.argmax(diff, axis=1)
        best = diff[np.arange(len(p)), k]
        inside = ((pts[..., 0] > 2) & (pts[..., 1] > 2) & (pts[..., 0] < wd - 3)
                  & (pts[..., 1] < h - 3)).all(1)
        sel = (best > EDGE_CONTRAST * 1.5) & inside
        if sel.sum() < 8:
            lines.append((a, u))
            continue
        e = pts[np.arange(len(p)), k][sel]
        # robust straight-line fit: iteratively drop the worst points (toes along an edge)
        for _ in range(3):
            m = e.mean(0)
            _, _, vt = np.linalg.svd(e - m)
            dirn = vt[0]
            r = np.abs((e - m) @ np.array([dirn[1], -dirn[0]]))
            keep = r < max(1.0, 2.5 * np.median(r))
            if keep.sum() < 8:
                break
            e = e[keep]
        lines.append((e.mean(0), dirn))
    return np.array([geo.line_intersection(lines[i - 1], lines[i]) for i in range(4)])


def _raise_if_cut_by_frame(w: np.ndarray, path) -> None:
    """When no whole sheet is found but a large paper-like region runs into the photo's border,
    say that the sheet is partly out of frame (rather than missing)."""
    import cv2

    g = np.clip(w, 0, 255).astype(np.uint8)
    thr, m = cv2.threshold(g, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if thr < 110:                               # nothing paper-bright in view
        return
    n, lab, stats, _ = cv2.connectedComponentsWithStats(m, 8)
    if n < 2:
        return
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    comp = lab == k
    h, wd = comp.shape
    if comp.sum() < 0.05 * h * wd or comp.sum() > 0.85 * h * wd:
        return
    edges = {"top": comp[0].mean(), "bottom": comp[-1].mean(), "left": comp[:, 0].mean(),
             "right": comp[:, -1].mean()}
    cut = [e for e, v in edges.items() if v > 0.1]
    if 1 <= len(cut) <= 2:
        raise SheetError("sheet partly out of frame: the paper runs out of the photo at the "
                         f"{' and '.join(cut)} edge; step back so that the whole sheet and its "
                         "four corners are in the picture", path)


def detect_sheet(bgr: np.ndarray, paper: str = "a4", path: str | Path | None = None) -> Sheet:
    """Find the sheet in an upright photo (BGR). Raises SheetError with what is wrong."""
    import cv2

    if paper not in geo.PAPER_MM:
        raise ValueError(f"paper must be one of {sorted(geo.PAPER_MM)}, got {paper!r}")
    H, W = bgr.shape[:2]
    s = WORK_LONG_SIDE_PX / max(H, W)
    small = cv2.resize(bgr, (round(W * s), round(H * s)), interpolation=cv2.INTER_AREA) if s < 1 else bgr
    s = small.shape[1] / W
    w = _whiteness(small)
    hs, ws = w.shape
    tq = _threshold_quads(w)
    lines = _hough_lines(w)
    extra = [_rho_theta(q[i], q[(i + 1) % 4]) for q in tq[:8] for i in range(4)]
    if extra:
        lines = np.vstack([lines.reshape(-1, 2), np.array(extra)])
    quads = list(tq) + list(_line_quads(lines, (hs, ws)))
    quads = _clockwise(np.array(quads, float).reshape(-1, 4, 2))
    name = "a white A4 sheet" if paper == "a4" else "a white US Letter sheet"
    if len(quads):
        quads, resid = _orient(quads, paper, (hs, ws))
        keep = resid < MAX_RECT_RESIDUAL
        quads, resid = quads[keep], resid[keep]
    if not len(quads):
        _raise_if_cut_by_frame(w, path)
        raise SheetError(f"no paper sheet found: expected {name} with its four corners visible "
                         "(no bright, colourless region with four straight sides)", path)
    score, sup = _score(w, quads)
    score = score * np.exp(-resid / 0.1)
    best = int(np.argmax(score))
    if score[best] < 0.25:
        _raise_if_cut_by_frame(w, path)
        raise SheetError(f"no paper sheet found: expected {name} with its four corners visible "
                         f"(the best candidate's edges are {sup[best].mean():.0%} visible)", path)
    quad = _clockwise(_refine(w, quads[best])[None])
    quad, _ = _orient(quad, paper, (hs, ws))
    quad = quad[0]
    sup_ref = _side_support(w, quad[None])[0]
    visible = [float(v) for v in np.maximum(sup_ref, 0)]
    corners = quad / s
    if min(visible) < MIN_SIDE_VISIBLE:
        raise SheetError(
            "sheet partly out of frame or hidden: one edge of the sheet is not visible "
            f"(edges seen {', '.join(f'{v:.0%}' for v in visible)}); "
            "step back so that all four edges of the paper are in the picture", path)
    outside = int(np.sum((corners[:, 0] < 0) | (corners[:, 1] < 0) |
                         (corners[:, 0] > W - 1) | (corners[:, 1] > H - 1)))
    if outside > 1:
        raise SheetError(f"sheet partly out of frame: {outside} of its 4 corners are outside the "
                         "photo; step back so that the whole sheet is in the picture", path)
    w_mm, h_mm = geo.PAPER_MM[paper]
    hmat = geo.homography(geo.sheet_rect_mm(paper), corners)
    pp = ((W - 1) / 2, (H - 1) / 2)
    diag = float(np.hypot(W, H))
    f_est = geo.focal_from_homography(hmat, pp)
    if f_est is not None and 0.45 * diag < f_est < 2.5 * diag:
        f, src = f_est, "homography"
    else:
        f, src = 0.75 * diag, "assumed"      # a phone's main camera (~26-28 mm equivalent)
    tilt = geo.camera_tilt_deg(hmat, f, pp)
    if tilt > MAX_TILT_DEG:
        raise SheetError(f"photo too oblique: the camera is tilted {tilt:.0f}° from straight "
                         f"down (at most {MAX_TILT_DEG:.0f}° is measurable); hold the phone level "
                         "above the foot", path)
    warns = []
    if outside == 1:
        warns.append("one sheet corner lies just outside the photo; it was placed where the two "
                     "edges meet")
    if tilt > 15:
        warns.append(f"camera tilted {tilt:.0f}° from straight down: toe and forefoot widths are "
                     "less reliable")
    return Sheet(corners, paper, (w_mm, h_mm), hmat, tilt, f, src, outside,
                 tuple(visible), warns)


def rectify(bgr: np.ndarray, sheet: Sheet, px_per_mm: float, margin_mm: float = 0.0) -> np.ndarray:
    """The sheet seen from straight above: (round(h_mm*px_per_mm), round(w_mm*px_per_mm), 3).

    ``margin_mm`` adds floor around the sheet (for showing where the leg leaves the sheet)."""
    import cv2

    w_mm, h_mm = sheet.size_mm
    s = np.array([[px_per_mm, 0, margin_mm * px_per_mm], [0, px_per_mm, margin_mm * px_per_mm],
                  [0, 0, 1]])
    m = s @ sheet.h_img_to_mm
    size = (round((w_mm + 2 * margin_mm) * px_per_mm), round((h_mm + 2 * margin_mm) * px_per_mm))
    return cv2.warpPerspective(bgr, m, size, flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT)
