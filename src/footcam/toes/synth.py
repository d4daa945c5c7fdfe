"""Synthetic top-down photos of a bare foot on a paper sheet, with known geometry.

A foot is drawn as a heel disc, a forefoot polygon and five capsule toes at chosen angles; it is
placed on an A4/Letter sheet on a textured floor, and a pinhole camera at a chosen tilt and
in-plane rotation takes the picture.  The truth (foot length, widths, toe angles, splay, hallux
angle) comes from the construction, not from footcam's measuring code.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import geometry as geo

TOE_WIDTHS_MM = (24.0, 15.0, 14.0, 13.0, 13.0)
TOE_LENGTHS_MM = (46.0, 42.0, 38.0, 34.0, 30.0)     # visible length from the forefoot front


@dataclass(frozen=True)
class SynthFoot:
    side: str = "right"
    length_mm: float = 255.0                          # heel to the ball line's far end (approx)
    ball_width_mm: float = 98.0
    heel_width_mm: float = 62.0
    toe_angles_deg: tuple[float, ...] = (-6.0, -2.0, 4.0, 10.0, 18.0)   # + lateral, hallux..5th
    heel_xy_mm: tuple[float, float] = (105.0, 265.0)  # heel back point on the sheet
    rotation_deg: float = 0.0                         # foot axis vs sheet "up", clockwise


@dataclass(frozen=True)
class SynthCamera:
    tilt_deg: float = 0.0
    tilt_azimuth_deg: float = 0.0
    roll_deg: float = 0.0                             # camera turned about its own axis
    distance_mm: float = 600.0
    image_wh: tuple[int, int] = (1800, 2400)
    focal_px: float = 2000.0


@dataclass
class SynthTruth:
    foot_length_mm: float
    ball_width_mm: float
    heel_width_mm: float
    toe_angles_deg: tuple[float, ...]                 # vs the foot axis, + lateral
    splay_angle_deg: float
    hallux_angle_deg: float
    side: str
    corners_xy: np.ndarray
    tilt_deg: float
    extra: dict = field(default_factory=dict)


def _capsule(base: np.ndarray, direction: np.ndarray, length: float, width: float,
             n: int = 24) -> np.ndarray:
    """Polygon of a toe: a rectangle from ``base`` along ``direction`` with a round tip."""
    d = direction / np.linalg.norm(direction)
    nrm = np.array([-d[1], d[0]])
    r = width / 2
    end = base + d * (length - r)
    arc = [end + r * (np.cos(t) * nrm + np.sin(t) * d) for t in np.linspace(0, np.pi, n)]
    back = base - d * 12.0                            # reach into the forefoot: no seam
    return np.array([back + r * nrm] + arc + [back - r * nrm])


def foot_polygons(foot: SynthFoot) -> tuple[list[np.ndarray], dict]:
    """Polygons in the foot frame (u lateral for a right foot, v forward, mm; heel back at 0)
    and the construction's truth."""
    L, B, Hw = foot.length_mm, foot.ball_width_mm, foot.heel_width_mm
    th = np.radians(foot.toe_angles_deg)
    y1, y5 = 0.70 * L, 0.62 * L                       # 1st and 5th metatarsal heads
    mtp1 = np.array([-B / 2, y1])
    mtp5 = np.array([B / 2, y5])
    heel_c = np.array([0.0, Hw / 2])
    # heel: the back half of a disc, then straight borders to the metatarsal heads
    arc = [heel_c + Hw / 2 * np.array([np.cos(t), np.sin(t)]) for t in np.linspace(np.pi, 2 * np.pi, 40)]
    # forefoot front (under the toe bases)
    front_y = lambda u: y1 + (y5 - y1) * (u + B / 2) / B + 8.0
    body = np.array(arc + [mtp5, np.array([B / 2 - 6, front_y(B / 2 - 6)]),
                           np.array([-B / 2 + 6, front_y(-B / 2 + 6)]), mtp1])
    polys = [body]
    dirs = [np.array([np.sin(t), np.cos(t)]) for t in th]
    tips = []
    # hallux: its medial edge starts at the first metatarsal head
    w = TOE_WIDTHS_MM
    gap = 2.5
    d0 = dirs[0]
    n0 = np.array([d0[1], -d0[0]])                    # lateral normal of the hallux
    base = mtp1 + n0 * (w[0] / 2) + d0 * 6.0
    bases = [base]
    u = -B / 2 + w[0] + gap
    for k in range(1, 5):
        uc = u + w[k] / 2
        bases.append(np.array([uc, front_y(uc) - 4.0]))
        u += w[k] + gap
    for k in range(5):
        polys.append(_capsule(bases[k], dirs[k], TOE_LENGTHS_MM[k], w[k]))
        tips.append(bases[k] + dirs[k] * TOE_LENGTHS_MM[k])
    tips = np.array(tips)
    length_true = float(tips[:, 1].max())             # heel back is at v = 0
    # rear medial tangent: from the heel disc to the first metatarsal head
    dc = mtp1 - heel_c
    dist = np.linalg.norm(dc)
    alpha = np.arcsin((Hw / 2) / dist)
    base_ang = np.arctan2(dc[0], dc[1])               # + lateral
    rear_ang = np.degrees(base_ang + alpha)           # tangent on the medial side
    hallux_angle = float(foot.toe_angles_deg[0] - rear_ang)
    truth = dict(foot_length_mm=length_true, toe_tips=tips, rear_tangent_deg=rear_ang,
                 hallux_angle_deg=hallux_angle)
    return polys, truth


def _to_sheet(foot: SynthFoot, pts: np.ndarray) -> np.ndarray:
    """Foot frame (u, v) → sheet mm (x right, y down)."""
    phi = np.radians(foot.rotation_deg)
    ev = np.array([np.sin(phi), -np.cos(phi)])
    eu = np.array([np.cos(phi), np.sin(phi)])
    if foot.side == "left":
        eu = -eu
    return np.asarray(foot.heel_xy_mm) + pts[..., :1] * eu + pts[..., 1:2] * ev


def camera_homography(camera: SynthCamera, target_xy_mm) -> np.ndarray:
    """H mapping sheet mm (x right, y down, z into the floor) to image pixels."""
    t, az, roll = (np.radians(v) for v in (camera.tilt_deg, camera.tilt_azimuth_deg, camera.roll_deg))
    def rz(a):
        return np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, np.cos(t), -np.sin(t)], [0, np.sin(t), np.cos(t)]])
    R = rz(roll) @ rx @ rz(az)                          # world → camera
    axis_world = R.T @ np.array([0, 0, 1.0])
    C = np.array([target_xy_mm[0], target_xy_mm[1], 0.0]) - camera.distance_mm * axis_world
    W, H = camera.image_wh
    K = np.array([[camera.focal_px, 0, (W - 1) / 2], [0, camera.focal_px, (H - 1) / 2], [0, 0, 1]])
    Hm = K @ np.c_[R[:, 0], R[:, 1], -R @ C]
    return Hm / Hm[2, 2]


def render(foot: SynthFoot = SynthFoot(), camera: SynthCamera = SynthCamera(), paper: str = "a4",
           seed: int = 0, px_per_mm: float = 3.0, margin_mm: float = 140.0,
           extra_feet: list[SynthFoot] = ()) -> tuple[np.ndarray, SynthTruth]:
    """A BGR photo and its truth."""
    import cv2

    rng = np.random.default_rng(seed)
    w_mm, h_mm = geo.PAPER_MM[paper]
    s = px_per_mm
    cw, ch = int((w_mm + 2 * margin_mm) * s), int((h_mm + 2 * margin_mm) * s)
    # floor: wood-like stripes
    yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    stripes = 20 * np.sin(xx / (9 * s) + 3 * np.sin(yy / (60 * s))) + rng.normal(0, 6, (ch, cw))
    canvas = np.empty((ch, cw, 3), np.float32)
    canvas[..., 0] = 60 + stripes
    canvas[..., 1] = 95 + stripes
    canvas[..., 2] = 140 + stripes
    to_px = lambda p: ((np.asarray(p) + margin_mm) * s * 16).round().astype(np.int32)
    sheet = geo.sheet_rect_mm(paper)
    paper_col = np.array([238, 240, 241], np.float32)
    grad = (1 - 0.08 * (yy / ch))[..., None]
    pm = np.zeros((ch, cw), np.uint8)
    cv2.fillPoly(pm, [to_px(sheet)], 255, cv2.LINE_AA, shift=4)
    pmf = (pm.astype(np.float32) / 255)[..., None]
    canvas = canvas * (1 - pmf) + paper_col * grad * pmf
    feet = [foot] + list(extra_feet)
    for f in feet:
        polys, _ = foot_polygons(f)
        fm = np.zeros((ch, cw), np.uint8)
        for p in polys:
            cv2.fillPoly(fm, [to_px(_to_sheet(f, p))], 255, cv2.LINE_AA, shift=4)
        fmf = (fm.astype(np.float32) / 255)[..., None]
        skin = np.array([120, 150, 200], np.float32) + rng.normal(0, 4, (ch, cw, 1)).astype(np.float32)
        canvas = canvas * (1 - fmf) + skin * fmf
    canvas = np.clip(canvas, 0, 255).astype(np.uint8)
    target = (w_mm / 2, h_mm / 2)
    Hm = camera_homography(camera, target)
    A = np.array([[1 / s, 0, -margin_mm], [0, 1 / s, -margin_mm], [0, 0, 1]])
    W, H = camera.image_wh
    img = cv2.warpPerspective(canvas, Hm @ A, (W, H), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
    img = cv2.GaussianBlur(img, (0, 0), 0.7)
    img = np.clip(img.astype(np.float32) + rng.normal(0, 2.0, img.shape), 0, 255).astype(np.uint8)
    _, t = foot_polygons(foot)
    th = foot.toe_angles_deg
    truth = SynthTruth(
        foot_length_mm=t["foot_length_mm"], ball_width_mm=float("nan"),
        heel_width_mm=foot.heel_width_mm, toe_angles_deg=tuple(th),
        splay_angle_deg=float(th[4] - th[0]), hallux_angle_deg=t["hallux_angle_deg"],
        side=foot.side, corners_xy=geo.apply_h(Hm, sheet), tilt_deg=camera.tilt_deg)
    return img, truth
