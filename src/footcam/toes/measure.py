"""Foot and toe geometry from a binary foot mask on the rectified sheet (pure numpy).

Coordinates are millimetres on the sheet.  Conventions (also in docs/toes.md):

* foot axis: the line through the midpoint of the ball chord (widest forefoot cross-section) and
  the midpoint of the heel chord (15 % of the foot length in front of the heel); when the heel is
  hidden by the leg, a midfoot chord 60 mm behind the ball stands in for it.
* toe angles: each separable toe's midline against the foot axis, **positive = pointing
  laterally** (away from the big-toe side).  Splay = fifth-toe angle − hallux angle, so toes that
  fan out give a positive splay.
* hallux angle (hallux-valgus *proxy*, footprint method): the angle between the medial tangent of
  the foot behind the first-metatarsal head and the medial tangent of the hallux, taken from the
  outline's convex hull.  It is not the radiographic hallux-valgus angle.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: a notch between toe tips must be this deep for the toes on either side to count as separated
MIN_VALLEY_DEPTH_MM = 2.0
#: a toe's midline needs this much free toe outline on both sides to give a direction
MIN_TOE_SEPARATION_MM = 7.0
#: notches further than this behind the longest toe's tip are not between toes
MAX_TOE_LENGTH_MM = 80.0
BALL_WINDOW_FRAC = (0.15, 0.45)       # ball search, share of foot length behind the tip
BALL_WINDOW_MM = (30.0, 120.0)        # ball search when the heel is hidden
HEEL_CHORD_FRAC = 0.15
MIDFOOT_BEHIND_BALL_MM = 60.0
TOE_NAMES = ("hallux", "second", "third", "fourth", "fifth")


@dataclass
class Toe:
    name: str                   # "hallux".."fifth", or "toes 2-5" for an unseparated block
    tip_xy: np.ndarray          # (2,) mm
    base_xy: np.ndarray         # (2,) mm, midpoint of the toe's base
    direction: np.ndarray | None  # unit vector base→tip, None when not separable
    angle_deg: float | None     # against the foot axis, + lateral
    separation_mm: float        # depth of the shallower notch beside it


@dataclass
class FootGeometry:
    side: str                   # "left" | "right" | "unknown"
    side_margin_mm: float
    axis_origin: np.ndarray     # (2,) mm, a point on the foot axis (ball chord midpoint)
    axis_dir: np.ndarray        # (2,) unit, heel→toes
    medial_dir: np.ndarray      # (2,) unit, perpendicular to the axis, toward the big toe
    tip_xy: np.ndarray          # the most distal point (longest toe)
    heel_xy: np.ndarray | None  # the most posterior point, None when hidden
    heel_visible: bool
    foot_length_mm: float | None
    ball_chord: np.ndarray      # (2, 2) mm endpoints, medial first
    ball_width_mm: float
    heel_chord: np.ndarray | None
    heel_width_mm: float | None
    toes: list[Toe]
    valleys_xy: np.ndarray      # (K, 2)
    toe_spread_width_mm: float
    toe_spread_chord: np.ndarray  # (2, 2)
    splay_angle_deg: float | None
    hallux_angle_deg: float | None
    hallux_angle_lines: tuple | None   # ((p_rear, p_mtp), (p_mtp, p_hallux))
    contour_mm: np.ndarray      # (N, 2) outline
    warnings: list[str] = field(default_factory=list)

    @property
    def toes_separated(self) -> int:
        return sum(t.direction is not None for t in self.toes)


def mask_points_mm(mask: np.ndarray, px_per_mm: float) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    return np.c_[(xs + 0.5) / px_per_mm, (ys + 0.5) / px_per_mm]


def principal_axis(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = pts.mean(0)
    _, _, vt = np.linalg.svd(pts - m, full_matrices=False)
    return m, vt[0]


def chord(pts: np.ndarray, origin: np.ndarray, axis: np.ndarray, level: float,
          half_mm: float = 0.75) -> tuple[np.ndarray, float] | None:
    """The cross-section of the point cloud perpendicular to ``axis`` at axial ``level``:
    its two end points (lateral-coordinate order) and width."""
    perp = np.array([-axis[1], axis[0]])
    rel = pts - origin
    a = rel @ axis
    sel = np.abs(a - level) <= half_mm
    if sel.sum() < 3:
        return None
    p = rel[sel] @ perp
    lo, hi = p.min(), p.max()
    ends = origin + level * axis + np.outer([lo, hi], perp)
    return ends, float(hi - lo)


def _angle_between(u: np.ndarray, v: np.ndarray) -> float:
    """Signed angle from u to v in degrees (counter-clockwise positive in x-right, y-up math;
    callers sign-correct it)."""
    return float(np.degrees(np.arctan2(u[0] * v[1] - u[1] * v[0], u @ v)))


def measure_foot(contour_mm: np.ndarray, pts: np.ndarray, heel_end_free: bool,
                 toe_end_hint: np.ndarray | None = None) -> FootGeometry:
    """Measure a foot from its outline (N, 2) and filled pixel centres (M, 2), both in mm.

    ``heel_end_free``: the outline closes around the heel on the sheet (not cut by the sheet
    edge or hidden under the leg). ``toe_end_hint``: a unit vector roughly heel→toes (from the
    side where the mask leaves the sheet), or None to decide from the width profile.
    """
    warnings: list[str] = []
    c0, ax = principal_axis(pts)
    if toe_end_hint is not None:
        if ax @ toe_end_hint < 0:
            ax = -ax
    else:
        ax = _toe_direction_from_profile(pts, c0, ax)
    a = (pts - c0) @ ax
    tip_a = a.max()
    rear_a = a.min()
    # refine the axis on the foot itself (not the leg) — the part within 160 mm of the tip
    near = a > tip_a - 160.0
    if near.sum() > 50 and not heel_end_free:
        c0, ax2 = principal_axis(pts[near])
        ax = ax2 if ax2 @ ax > 0 else -ax2
        a = (pts - c0) @ ax
        tip_a, rear_a = a.max(), a.min()
    length_raw = tip_a - rear_a
    # ball chord: widest cross-section in the forefoot window
    if heel_end_free:
        lo, hi = tip_a - BALL_WINDOW_FRAC[1] * length_raw, tip_a - BALL_WINDOW_FRAC[0] * length_raw
    else:
        lo, hi = tip_a - BALL_WINDOW_MM[1], tip_a - BALL_WINDOW_MM[0]
    ax0 = ax
    ball_level, ball_ends, ax = _ball_and_axis(pts, c0, ax0, lo, hi, heel_end_free, rear_a,
                                               length_raw)
    # the ball lies behind the webs between the toes: with the toes spread, the widest
    # cross-section can be across the toes, so search again behind the deepest notch
    mid = ball_ends.mean(0)
    perp0 = np.array([-ax[1], ax[0]])
    v, *_ = _toes(contour_mm, mid, ax, perp0, float(((pts - mid) @ ax).max()), 0.0, [])
    if len(v):
        web = float(((v - c0) @ ax0).min()) - 3.0
        if ball_level > web and web - lo > 10:
            ball_level, ball_ends, ax = _ball_and_axis(pts, c0, ax0, lo, web, heel_end_free,
                                                       rear_a, length_raw)
    ball_mid = ball_ends.mean(0)
    origin = ball_mid
    perp = np.array([-ax[1], ax[0]])
    rel = pts - origin
    a = rel @ ax
    tip_i = int(np.argmax(a))
    tip = pts[tip_i]
    tip_a = a[tip_i]
    rear_a = a.min()
    ball_ch = chord(pts, origin, ax, 0.0)
    ball_ends, ball_w = ball_ch if ball_ch else (ball_ends, float(np.linalg.norm(np.subtract(*ball_ends))))

    # contour in axis frame
    cr = contour_mm - origin
    ca, cl = cr @ ax, cr @ perp

    # left / right: the big-toe side's outline reaches further forward than the little-toe side
    side_margin = 0.0
    fwd = []
    for sgn in (+1, -1):
        selc = (np.abs(cl - sgn * 0.3 * ball_w) < 4.0) & (ca > 0)
        fwd.append(ca[selc].max() if selc.any() else 0.0)
    side_margin = float(fwd[0] - fwd[1])     # > 0: +perp side is medial
    medial_sign = 1.0 if side_margin >= 0 else -1.0
    medial = perp * medial_sign
    cross = ax[0] * medial[1] - ax[1] * medial[0]
    if abs(side_margin) < 4.0:
        side = "unknown"
        warnings.append("left or right foot could not be told: the toe line is nearly level")
    else:
        side = _side_from_cross(cross)

    # toes
    valleys, toes, spread_chord, spread_w = _toes(contour_mm, origin, ax, medial, tip_a,
                                                  ball_w, warnings)
    # angles against the foot axis, + lateral
    for t in toes:
        if t.direction is not None:
            ang = np.degrees(np.arctan2(t.direction @ (-medial), t.direction @ ax))
            t.angle_deg = float(ang)
    hal = next((t for t in toes if t.name == "hallux"), None)
    fif = next((t for t in toes if t.name == "fifth"), None)
    splay = None
    if hal and fif and hal.angle_deg is not None and fif.angle_deg is not None:
        splay = fif.angle_deg - hal.angle_deg
    # heel
    heel = None
    heel_ch = None
    heel_w = None
    length = None
    if heel_end_free:
        heel = pts[int(np.argmin(a))]
        length = float(tip_a - rear_a)
        hc = chord(pts, origin, ax, rear_a + HEEL_CHORD_FRAC * length, half_mm=0.75)
        if hc:
            heel_ch, heel_w = hc
    if length is None:
        warnings.append("heel hidden (under the leg, or beyond the sheet edge): foot length and "
                        "heel width are not measured; for them, photograph the foot with the "
                        "heel on the sheet and the leg out of the way (e.g. from the side of the "
                        "heel, camera level)")
    # medial border order for the ball chord
    if (ball_ends[0] - origin) @ medial < (ball_ends[1] - origin) @ medial:
        ball_ends = ball_ends[::-1]
    hal_ang, hal_lines = _hallux_angle(contour_mm, origin, ax, medial, tip_a, rear_a,
                                       heel_end_free)
    return FootGeometry(side, abs(side_margin), origin, ax, medial, tip, heel, heel_end_free,
                        length, np.asarray(ball_ends), ball_w, heel_ch, heel_w,
                        toes, valleys, spread_w, spread_chord, splay, hal_ang, hal_lines,
                        contour_mm, warnings)


def _ball_and_axis(pts, c0, ax, lo, hi, heel_free, rear_a, length_raw):
    """Widest cross-section between axial levels lo..hi, and the foot axis through its midpoint
    and the midpoint of the heel (or midfoot) chord."""
    # going back from the toes, the first clear maximum of the width: behind the ball the foot
    # narrows (midfoot) before the ankle or the leg's image widens it again
    levels = np.arange(hi, lo, -1.0)
    chs = [chord(pts, c0, ax, lev) for lev in levels]
    widths = np.array([c[1] if c else 0.0 for c in chs])
    if not widths.any():
        raise ValueError("foot outline too small to measure")
    sm = np.convolve(widths, np.ones(5) / 5, mode="same")
    k = int(np.argmax(widths))
    for i in range(2, len(sm) - 2):
        if sm[i] >= sm[:i].max() and sm[i] - sm[i:].min() > 3.0 and sm[i] >= sm[i + 1]:
            seg = slice(max(0, i - 3), i + 4)
            k = max(0, i - 3) + int(np.argmax(widths[seg]))
            break
    ball_level, (ball_ends, _) = levels[k], chs[k]
    ball_mid = ball_ends.mean(0)
    if heel_free:
        rear_level = rear_a + HEEL_CHORD_FRAC * length_raw
    else:
        rear_level = max(ball_level - MIDFOOT_BEHIND_BALL_MM, rear_a + 5)
    rc = chord(pts, c0, ax, rear_level, half_mm=1.5)
    if rc is not None:
        d = ball_mid - rc[0].mean(0)
        ax_new = d / np.linalg.norm(d)
        if np.degrees(np.arccos(np.clip(ax_new @ ax, -1, 1))) < 15:
            ax = ax_new
    return ball_level, ball_ends, ax


def _side_from_cross(cross: float) -> str:
    # sheet coordinates are x right, y down (a picture).  Looking down at a right foot with its
    # toes pointing up the picture (axis (0,-1)), the big toe is on the left (medial (-1,0)):
    # cross = ax_x*med_y - ax_y*med_x = 0*0 - (-1)*(-1) = -1.
    return "right" if cross < 0 else "left"


def _toe_direction_from_profile(pts, c0, ax):
    """Orient the axis toward the toes: the widest cross-section (the ball) is nearer the toes."""
    a = (pts - c0) @ ax
    lo, hi = a.min(), a.max()
    levels = np.linspace(lo + 0.05 * (hi - lo), hi - 0.05 * (hi - lo), 40)
    widths = [chord(pts, c0, ax, lv)[1] if chord(pts, c0, ax, lv) else 0 for lv in levels]
    return ax if levels[int(np.argmax(widths))] > (lo + hi) / 2 else -ax


def _toes(contour, origin, ax, medial, tip_a, ball_w, warnings):
    """Find the notches between toe tips and each separable toe's midline."""
    from scipy.signal import find_peaks

    n = len(contour)
    rel = contour - origin
    ca = rel @ ax
    cm = rel @ medial                     # + medial
    zone = ca > -0.6 * tip_a              # toes and forefoot: notches may reach behind the ball
    if zone.sum() < 10:
        return np.zeros((0, 2)), [], np.zeros((2, 2)), 0.0
    # the toe end of the outline as one run of indices (the contour is closed)
    nz = np.nonzero(~zone)[0]
    start = (nz[0] + 1) if len(nz) else 0
    order = (np.arange(n) + start) % n
    order = order[zone[order]]
    breaks = np.nonzero(np.diff(order) % n != 1)[0]
    run = max(np.split(order, breaks + 1), key=len)
    seg = contour[run]
    sa, sm = ca[run], cm[run]
    if sm[0] < sm[-1]:                    # medial → lateral
        seg, sa, sm = seg[::-1], sa[::-1], sm[::-1]
    # notch depth: how far the outline lies behind its upper convex envelope
    depth = _upper_envelope(sm[::-1], sa[::-1])[::-1] - sa
    m = len(seg)
    pk, _ = find_peaks(depth, height=MIN_VALLEY_DEPTH_MM, distance=max(3, m // 30),
                       prominence=MIN_VALLEY_DEPTH_MM)

    # a notch between toes lies near the toe tips and inside the toe row (not a bump on the
    # foot's medial or lateral border)
    def between_toes(p):
        ahead = sa > sa[p] + 3.0
        if not ahead.any():
            return False
        return (sa[p] > tip_a - MAX_TOE_LENGTH_MM and sm[ahead].max() > sm[p] + 4.0
                and sm[ahead].min() < sm[p] - 4.0)

    pk = [p for p in pk if between_toes(p)]
    pk = sorted(sorted(pk, key=lambda p: -depth[p])[:4])
    valleys = seg[pk] if pk else np.zeros((0, 2))
    bounds = [0] + list(pk) + [m - 1]
    segs = [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1)]
    nseg = len(segs)
    names = _toe_names(nseg)
    toes = []

    def border_point(lo_i, hi_i, level):
        # the outline point between lo_i..hi_i whose distal coordinate is closest to level
        rng = np.arange(lo_i, hi_i + 1)
        return rng[np.argmin(np.abs(sa[rng] - level))]

    for k, (s0, s1) in enumerate(segs):
        part = np.arange(s0, s1 + 1)
        ti = part[np.argmax(sa[part])]
        left_d = depth[s0] if k > 0 else None
        right_d = depth[s1] if k < nseg - 1 else None
        # the outer toes' free side ends on the foot's border at the level of their notch
        if left_d is None:
            b0 = border_point(s0, ti, sa[s1] if right_d is not None else tip_a - 25.0)
        else:
            b0 = s0
        if right_d is None:
            b1 = border_point(ti, s1, sa[s0] if left_d is not None else tip_a - 25.0)
        else:
            b1 = s1
        seps = [d for d in (left_d, right_d) if d is not None]
        sep = min(seps) if seps else 0.0
        direction = None
        if names[k] in TOE_NAMES and sep >= MIN_TOE_SEPARATION_MM:
            direction, ti = _toe_midline(seg, b0, ti, b1, ax)
        tip = seg[ti]
        base = (seg[b0] + seg[b1]) / 2
        toes.append(Toe(names[k], tip, base, direction, None, float(sep)))
    # spread width: extent of the outline across the foot in front of the toe-web line
    web = float(np.mean(sa[pk])) if pk else tip_a - 25.0
    front = sa >= web
    spread_chord = np.zeros((2, 2))
    spread_w = 0.0
    if front.sum() > 2:
        idx = np.nonzero(front)[0]
        i_med, i_lat = idx[np.argmax(sm[front])], idx[np.argmin(sm[front])]
        spread_w = float(sm[i_med] - sm[i_lat])
        spread_chord = np.array([origin + web * ax + sm[i_med] * medial,
                                 origin + web * ax + sm[i_lat] * medial])
    if nseg < 5:
        warnings.append(f"{nseg} toe group(s) separable of 5: toes that touch each other are "
                        "measured together; spread the toes to measure each one")
    return np.asarray(valleys).reshape(-1, 2), toes, spread_chord, spread_w


def _arc_from(poly: np.ndarray) -> np.ndarray:
    return np.r_[0, np.cumsum(np.linalg.norm(np.diff(poly, axis=0), axis=1))]


def _first_crossing(side: np.ndarray, h: np.ndarray, level: float) -> np.ndarray | None:
    """The point where depth ``h`` (increasing from the tip) first reaches ``level``."""
    idx = np.nonzero(h >= level)[0]
    if not len(idx) or idx[0] == 0:
        return None
    i = idx[0]
    f = (level - h[i - 1]) / max(h[i] - h[i - 1], 1e-9)
    return side[i - 1] + f * (side[i] - side[i - 1])


def _toe_midline(seg: np.ndarray, b0: int, ti: int, b1: int, ax: np.ndarray):
    """A toe's direction: midpoints of its cross-sections (perpendicular to the current
    direction estimate) between its tip and the shallower notch beside it, fitted by a line;
    the apex and the cross-sections are recomputed with the new direction three times."""
    d = ax.copy()
    for _ in range(4):
        ti = b0 + int(np.argmax(seg[b0:b1 + 1] @ d))
        side_a = seg[b0:ti + 1][::-1]                 # tip → one base
        side_b = seg[ti:b1 + 1]                       # tip → other base
        if len(side_a) < 3 or len(side_b) < 3:
            return None, ti
        ha = (seg[ti] - side_a) @ d
        hb = (seg[ti] - side_b) @ d
        depth = min(ha.max(), hb.max())
        if depth < MIN_TOE_SEPARATION_MM:
            return None, ti
        mids = []
        for lv in np.linspace(0.15, 0.9, 14) * depth:
            pa, pb = _first_crossing(side_a, ha, lv), _first_crossing(side_b, hb, lv)
            if pa is not None and pb is not None:
                mids.append((pa + pb) / 2)
        if len(mids) < 4:
            return None, ti
        _, nd = principal_axis(np.array(mids))
        if nd @ d < 0:
            nd = -nd
        if np.degrees(np.arccos(np.clip(nd @ d, -1, 1))) < 0.05:
            d = nd
            break
        d = nd
    return d, ti


def _toe_names(nseg: int) -> list[str]:
    if nseg >= 5:
        return list(TOE_NAMES[:5])
    if nseg == 1:
        return ["toes 1-5"]
    # the hallux is always the medial-most; the rest are grouped from the lateral side
    names = ["hallux"] + [f"toe group {k}" for k in range(2, nseg + 1)]
    if nseg == 4:
        names = ["hallux", "second", "third", "toes 4-5"]
    elif nseg == 2:
        names = ["hallux", "toes 2-5"]
    return names


def _upper_envelope(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Upper convex envelope of points (x increasing not required) evaluated at each x."""
    o = np.argsort(x, kind="stable")
    xs, ys = x[o], y[o]
    hull: list[int] = []
    for i in range(len(xs)):
        while len(hull) >= 2:
            x1, y1 = xs[hull[-2]], ys[hull[-2]]
            x2, y2 = xs[hull[-1]], ys[hull[-1]]
            if (x2 - x1) * (ys[i] - y1) - (y2 - y1) * (xs[i] - x1) >= 0:
                hull.pop()
            else:
                break
        hull.append(i)
    env = np.interp(xs, xs[hull], ys[hull])
    out = np.empty_like(env)
    out[o] = env
    return out


def _hallux_angle(contour, origin, ax, medial, tip_a, rear_a, heel_free):
    """Footprint-style hallux angle from the medial convex hull (degrees, + = valgus)."""
    rel = contour - origin
    ca = rel @ ax
    cm = rel @ medial
    # medial prominence of the first metatarsal head: most medial point near the ball
    near_ball = (ca > -25) & (ca < 25)
    if not near_ball.any():
        return None, None
    i_mtp = np.nonzero(near_ball)[0][np.argmax(cm[near_ball])]
    p_mtp = np.array([ca[i_mtp], cm[i_mtp]])
    # rear tangent: from the most medial rear point, the line touching the outline at the MTP side
    if heel_free:
        rear = (ca < rear_a + 0.25 * (0 - rear_a)) & (ca > rear_a + 2)
    else:
        # heel hidden: the medial border of the midfoot only (further back is the leg's image)
        rear = (ca < -45.0) & (ca > max(-100.0, rear_a + 2))
    front = (ca > p_mtp[0] + 5)
    if not rear.any() or not front.any():
        return None, None
    r = np.c_[ca[rear], cm[rear]]
    f = np.c_[ca[front], cm[front]]
    nb = np.c_[ca[near_ball], cm[near_ball]]
    for _ in range(3):
        # tangents from the prominence: the rear and front outline points making the most
        # medial lines through it (edges of the convex hull)
        pr = r[np.argmax(np.arctan2(r[:, 1] - p_mtp[1], p_mtp[0] - r[:, 0]))]
        fr = f[f[:, 0] > p_mtp[0] + 5]
        if not len(fr):
            return None, None
        pf = fr[np.argmax(np.arctan2(fr[:, 1] - p_mtp[1], fr[:, 0] - p_mtp[0]))]
        # the prominence: the ball-region point furthest medial of the line rear → front
        d = pf - pr
        nrm = np.array([-d[1], d[0]]) / np.linalg.norm(d)
        if nrm[1] < 0:
            nrm = -nrm
        new = nb[np.argmax((nb - pr) @ nrm)]
        if np.allclose(new, p_mtp):
            break
        p_mtp = new
    a_rear = np.degrees(np.arctan2(p_mtp[1] - pr[1], p_mtp[0] - pr[0]))
    a_front = np.degrees(np.arctan2(pf[1] - p_mtp[1], pf[0] - p_mtp[0]))
    angle = float(a_rear - a_front)          # hallux bending laterally → positive
    to_xy = lambda p: origin + p[0] * ax + p[1] * medial
    return angle, ((to_xy(pr), to_xy(p_mtp)), (to_xy(p_mtp), to_xy(pf)))
