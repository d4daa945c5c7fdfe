"""Pure plane geometry for the sheet: corner order, homographies, camera tilt, lines.

numpy only, so it is unit-tested on arrays.
"""
from __future__ import annotations

import numpy as np

#: paper sizes in millimetres, (short side, long side)
PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}


def order_quad(pts: np.ndarray) -> np.ndarray:
    """Order four image points (4, 2) clockwise (in image coordinates, y down) starting at the
    end of a *short* side, so that corner 0→1 is a short side, 1→2 a long side.

    The sheet is portrait in the rectified frame: 0 top-left, 1 top-right, 2 bottom-right,
    3 bottom-left.  Of the two ways to do that, the one whose top edge is nearer the top of the
    photo (after turning the sheet upright) is chosen, so the rectified sheet looks like the photo.
    """
    p = np.asarray(pts, float).reshape(4, 2)
    c = p.mean(0)
    ang = np.arctan2(p[:, 1] - c[1], p[:, 0] - c[0])
    p = p[np.argsort(ang)]                         # clockwise on screen (y down)
    side = np.linalg.norm(np.roll(p, -1, 0) - p, axis=1)
    if side[0] + side[2] > side[1] + side[3]:       # 0→1 is long: start one corner later
        p = np.roll(p, -1, 0)
    # two candidates: start at p[0] or p[2] (both keep 0→1 short); prefer the top edge on top
    top_a = (p[0, 1] + p[1, 1])
    top_b = (p[2, 1] + p[3, 1])
    if top_b < top_a:
        p = np.roll(p, -2, 0)
    return p


def sheet_rect_mm(paper: str) -> np.ndarray:
    """The sheet's corners in millimetres, in the order of :func:`order_quad`."""
    w, h = PAPER_MM[paper]
    return np.array([[0, 0], [w, 0], [w, h], [0, h]], float)


def homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """3×3 H with dst ~ H @ src for four (or more) point pairs (normalised DLT)."""
    src = np.asarray(src, float)
    dst = np.asarray(dst, float)

    def norm(p):
        m = p.mean(0)
        s = np.sqrt(2) / np.mean(np.linalg.norm(p - m, axis=1))
        return np.array([[s, 0, -s * m[0]], [0, s, -s * m[1]], [0, 0, 1]])

    ts, td = norm(src), norm(dst)
    sh = apply_h(ts, src)
    dh = apply_h(td, dst)
    rows = []
    for (x, y), (u, v) in zip(sh, dh):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    _, _, vt = np.linalg.svd(np.asarray(rows))
    h = vt[-1].reshape(3, 3)
    h = np.linalg.inv(td) @ h @ ts
    return h / h[2, 2]


def apply_h(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.asarray(pts, float).reshape(-1, 2)
    q = np.c_[p, np.ones(len(p))] @ np.asarray(h, float).T
    return q[:, :2] / q[:, 2:3]


def focal_from_homography(h_plane_to_img: np.ndarray, principal_xy) -> float | None:
    """Focal length in pixels from the orthogonality of the plane's axes, or None when the
    view is too close to straight-down for it to be determined (or the result is not real)."""
    h = np.asarray(h_plane_to_img, float)
    cx, cy = principal_xy
    a, b = h[:, 0], h[:, 1]
    num = (a[0] - cx * a[2]) * (b[0] - cx * b[2]) + (a[1] - cy * a[2]) * (b[1] - cy * b[2])
    den = a[2] * b[2]
    if abs(den) < 1e-15:
        return None
    f2 = -num / den
    return float(np.sqrt(f2)) if f2 > 0 else None


def camera_tilt_deg(h_plane_to_img: np.ndarray, focal_px: float, principal_xy) -> float:
    """Angle between the camera's optical axis and the sheet's normal (0 = straight down)."""
    cx, cy = principal_xy
    k_inv = np.linalg.inv(np.array([[focal_px, 0, cx], [0, focal_px, cy], [0, 0, 1.0]]))
    m = k_inv @ np.asarray(h_plane_to_img, float)
    r1 = m[:, 0] / np.linalg.norm(m[:, 0])
    r2 = m[:, 1] / np.linalg.norm(m[:, 1])
    n = np.cross(r1, r2)
    n /= np.linalg.norm(n)
    return float(np.degrees(np.arccos(min(1.0, abs(n[2])))))


def line_intersection(l1, l2) -> np.ndarray:
    """Intersection of two lines given as (point, direction) pairs."""
    (p, d), (q, e) = l1, l2
    a = np.array([[d[0], -e[0]], [d[1], -e[1]]], float)
    t = np.linalg.solve(a, np.asarray(q, float) - np.asarray(p, float))
    return np.asarray(p, float) + t[0] * np.asarray(d, float)


def polygon_area(pts: np.ndarray) -> float:
    p = np.asarray(pts, float)
    x, y = p[:, 0], p[:, 1]
    return float(0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
