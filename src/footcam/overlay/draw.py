"""Drawing layers for the annotated video: pure OpenCV/numpy on one RGB picture.

Each layer takes the picture (drawn on in place) and that frame's data; sizes come from a
:class:`Style` made once per video from its resolution, so a 480p clip and a 4K clip get the
same proportions and text that stays legible. Left and right are told apart by colour (the
report's orange-red and blue, safe for red-green colour blindness); landmarks MediaPipe saw
poorly are drawn dashed and thin, so a guess never looks like a measurement.

Nothing here reads files: :mod:`footcam.overlay.frames` feeds the layers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ..constants import SIDE_INDEX, SIDES, SKELETON_EDGES, L_HIP, R_HIP, L_SHOULDER, R_SHOULDER

Colour = tuple[int, int, int]

#: RGB; the hues of the report's plots (left #c8431b, right #1f5fa8), lifted so they stand out
#: on video, each drawn over a dark outline so they read on light and dark backgrounds alike
SIDE_COLOUR: dict[str, Colour] = {"l": (244, 109, 58), "r": (66, 146, 240), "c": (236, 236, 236)}
OUTLINE: Colour = (18, 18, 18)
WHITE: Colour = (245, 245, 245)
GREY: Colour = (150, 150, 150)
NO_POSE: Colour = (230, 40, 40)
PANEL_BG: Colour = (26, 28, 32)
SEVERITY_COLOUR: dict[str, Colour] = {"marked": (240, 80, 70), "severe": (240, 80, 70),
                                      "moderate": (245, 160, 50), "mild": (235, 205, 80)}
SIDE_LABEL = {"l": "L", "r": "R"}
EVENT_NAME = {"hs": "heel strike", "to": "toe off"}
EVENT_SHORT = {"hs": "HS", "to": "TO"}

#: below this visibility a landmark is drawn as uncertain (dashed, thin)
LOW_VISIBILITY = 0.5
#: the font; Hershey "duplex" is the most readable of OpenCV's built-in faces
FONT = cv2.FONT_HERSHEY_DUPLEX
_FONT_CAP_PX = 21.0   # cap height of FONT at scale 1 (measured: digits are 21 px tall)


@dataclass(frozen=True)
class Style:
    """Sizes in pixels for one output resolution. ``u`` is 1 on a 720p picture (short side
    720 px), 3 on 4K, 0.67 on 480p; text never gets smaller than ``MIN_TEXT_PX``."""

    u: float
    line: int          # skeleton line thickness
    outline: int       # extra thickness of the dark outline under coloured lines
    joint_r: int       # joint dot radius
    text_px: int       # cap height of normal text
    small_px: int      # cap height of small text (chart ticks)
    pad: int           # general padding

    MIN_TEXT_PX = 11
    MIN_SMALL_PX = 9

    @classmethod
    def for_size(cls, wh: tuple[int, int]) -> "Style":
        u = min(wh) / 720.0
        return cls(u=u, line=max(2, round(3 * u)), outline=max(2, round(2 * u)),
                   joint_r=max(2, round(4 * u)), text_px=max(cls.MIN_TEXT_PX, round(15 * u)),
                   small_px=max(cls.MIN_SMALL_PX, round(11 * u)), pad=max(4, round(8 * u)))

    def font_scale(self, px: int | None = None) -> float:
        return (px or self.text_px) / _FONT_CAP_PX

    def thickness(self, px: int | None = None) -> int:
        return max(1, round((px or self.text_px) / 11))


# --- primitives ------------------------------------------------------------------------------

def _pt(p) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))


def _finite(*ps) -> bool:
    return all(p is not None and np.isfinite(p).all() for p in ps)


def text_size(text: str, px: int, style: Style) -> tuple[int, int]:
    """(width, cap height) of ``text`` drawn by :func:`put_text`."""
    scale, th = style.font_scale(px), style.thickness(px)
    (w, h), _ = cv2.getTextSize(text.replace("°", ""), FONT, scale, th)
    w += text.count("°") * _degree_w(px)
    return w, h


def _degree_w(px: int) -> int:
    return max(4, round(px * 0.55))


def put_text(img: np.ndarray, text: str, org: tuple[int, int], px: int, colour: Colour,
             style: Style, outline: bool = False) -> int:
    """Draw ``text`` with its baseline-left corner at ``org``; a ``°`` is drawn as a ring
    (OpenCV's fonts have no degree sign). Returns the x after the text."""
    scale, th = style.font_scale(px), style.thickness(px)
    x, y = int(org[0]), int(org[1])
    for i, part in enumerate(text.split("°")):
        if i:
            r = max(2, round(px * 0.17))
            c = (x + r + max(1, th // 2), y - px + r)
            if outline:
                cv2.circle(img, c, r, OUTLINE, th + 2, cv2.LINE_AA)
            cv2.circle(img, c, r, colour, th, cv2.LINE_AA)
            x += _degree_w(px)
        if part:
            if outline:
                cv2.putText(img, part, (x, y), FONT, scale, OUTLINE, th + 2 * max(1, th), cv2.LINE_AA)
            cv2.putText(img, part, (x, y), FONT, scale, colour, th, cv2.LINE_AA)
            (w, _), _ = cv2.getTextSize(part, FONT, scale, th)
            x += w
    return x


def blend_rect(img: np.ndarray, x0: int, y0: int, x1: int, y1: int, colour: Colour,
               alpha: float) -> None:
    """Darken/tint a rectangle in place (clipped to the picture)."""
    h, w = img.shape[:2]
    x0, x1 = max(0, int(x0)), min(w, int(x1))
    y0, y1 = max(0, int(y0)), min(h, int(y1))
    if x1 <= x0 or y1 <= y0:
        return
    roi = img[y0:y1, x0:x1]
    roi[:] = (roi * (1.0 - alpha) + np.asarray(colour, np.float32) * alpha).astype(np.uint8)


def dashed_line(img, p, q, colour, thickness, dash_px):
    p, q = np.asarray(p, float), np.asarray(q, float)
    d = float(np.hypot(*(q - p)))
    if d < 1:
        return
    n = max(1, int(d // dash_px))
    for k in range(0, n, 2):
        a = p + (q - p) * (k / n)
        b = p + (q - p) * (min(k + 1, n) / n)
        cv2.line(img, _pt(a), _pt(b), colour, thickness, cv2.LINE_AA)


def label(img: np.ndarray, text: str, anchor: tuple[float, float], colour: Colour, style: Style,
          align: str = "left", px: int | None = None) -> tuple[int, int, int, int]:
    """Text on a dark translucent box; ``anchor`` is the box's left/right/centre middle.
    Returns the box (x0, y0, x1, y1)."""
    px = px or style.text_px
    w, h = text_size(text, px, style)
    p = max(2, round(px * 0.35))
    x0 = {"left": anchor[0], "right": anchor[0] - w - 2 * p, "center": anchor[0] - w / 2 - p}[align]
    y0 = anchor[1] - h / 2 - p
    x0, y0 = int(round(x0)), int(round(y0))
    box = (x0, y0, x0 + w + 2 * p, y0 + h + 2 * p)
    blend_rect(img, *box, (10, 10, 12), 0.62)
    put_text(img, text, (x0 + p, y0 + p + h), px, colour, style)
    return box


def fmt_deg(v: float) -> str:
    return f"{v:.0f}°" if abs(v) >= 0.5 else "0°"


# --- skeleton ------------------------------------------------------------------------------

def draw_skeleton(img: np.ndarray, xy: np.ndarray, visibility: np.ndarray, style: Style) -> None:
    """The BlazePose body (no face or hand points): left orange-red, right blue, centre
    lines white; a segment with an end seen with visibility below ``LOW_VISIBILITY`` is dashed
    and thin, its joints hollow."""
    ok = np.isfinite(xy).all(axis=1)
    low = ~(visibility >= LOW_VISIBILITY)  # NaN visibility counts as low
    solid, dashed = [], []
    for a, b, side in SKELETON_EDGES:
        if ok[a] and ok[b]:
            (dashed if (low[a] or low[b]) else solid).append((a, b, side))
    # dashed (uncertain) segments first, so measured ones sit on top
    for a, b, side in dashed:
        dashed_line(img, xy[a], xy[b], OUTLINE, max(1, style.line // 2) + 2, 5 * style.line)
        dashed_line(img, xy[a], xy[b], SIDE_COLOUR[side], max(1, style.line // 2), 5 * style.line)
    for a, b, side in solid:
        cv2.line(img, _pt(xy[a]), _pt(xy[b]), OUTLINE, style.line + style.outline, cv2.LINE_AA)
    for a, b, side in solid:
        cv2.line(img, _pt(xy[a]), _pt(xy[b]), SIDE_COLOUR[side], style.line, cv2.LINE_AA)
    used = {i for a, b, _ in SKELETON_EDGES for i in (a, b)}
    for i in sorted(used):
        if not ok[i]:
            continue
        side = "l" if i % 2 == 1 else "r"   # BlazePose: odd = left, even = right (body points)
        c = _pt(xy[i])
        if low[i]:
            cv2.circle(img, c, style.joint_r, SIDE_COLOUR[side], max(1, style.line // 2), cv2.LINE_AA)
        else:
            cv2.circle(img, c, style.joint_r + 1, OUTLINE, -1, cv2.LINE_AA)
            cv2.circle(img, c, style.joint_r, SIDE_COLOUR[side], -1, cv2.LINE_AA)


# --- joint angles ----------------------------------------------------------------------------

def _unit(v):
    n = float(np.hypot(v[0], v[1]))
    return None if not n or not math.isfinite(n) else np.asarray(v, float) / n


def draw_arc(img, centre, ref_dir, seg_dir, radius: float, colour: Colour, style: Style) -> None:
    """A small arc at ``centre`` from the reference direction (the angle's zero) to the
    segment, with a thin reference tick: the picture of the number beside it."""
    r, s = _unit(ref_dir), _unit(seg_dir)
    if r is None or s is None or not _finite(centre):
        return
    a0 = math.degrees(math.atan2(r[1], r[0]))
    a1 = math.degrees(math.atan2(s[1], s[0]))
    d = (a1 - a0 + 180.0) % 360.0 - 180.0
    start, end = (a0, a0 + d) if d >= 0 else (a0 + d, a0)
    c = _pt(centre)
    rad = max(3, int(round(radius)))
    tick_end = np.asarray(centre, float) + r * radius * 1.35
    th = max(1, style.line // 2)
    cv2.line(img, c, _pt(tick_end), OUTLINE, th + 2, cv2.LINE_AA)
    cv2.line(img, c, _pt(tick_end), WHITE, th, cv2.LINE_AA)
    if abs(d) >= 1.0:
        cv2.ellipse(img, c, (rad, rad), 0, start, end, OUTLINE, th + 3, cv2.LINE_AA)
        cv2.ellipse(img, c, (rad, rad), 0, start, end, colour, th + 1, cv2.LINE_AA)


@dataclass(frozen=True)
class AngleMark:
    """One measured value to show at a joint: where, the arc's zero and segment directions
    (None: no arc, e.g. a ground-plane angle), the text and the side it belongs to."""

    side: str                 # "l", "r" or "c"
    joint: str                # "hip", "knee", "ankle", "trunk", "pelvis"
    at: np.ndarray            # (2,) px
    text: str
    ref_dir: np.ndarray | None = None
    seg_dir: np.ndarray | None = None


def angle_marks(xy: np.ndarray, values: dict[str, float], view: str) -> list[AngleMark]:
    """The marks for one frame from the cleaned landmarks and that frame's row of angles.csv.
    Side views: the sagittal angles with arcs; other views: the frontal/transverse values
    footcam measured (trunk lean with an arc, foot progression and pelvic obliquity as text)."""
    marks: list[AngleMark] = []

    def v(col):
        x = values.get(col)
        return x if x is not None and np.isfinite(x) else None

    for s in SIDES:
        ix = SIDE_INDEX[s]
        hip, knee, ankle = xy[ix["hip"]], xy[ix["knee"]], xy[ix["ankle"]]
        heel, toe = xy[ix["heel"]], xy[ix["foot_index"]]
        x = v(f"hip_flexion_deg_{s}")
        if x is not None and _finite(hip, knee):
            marks.append(AngleMark(s, "hip", hip, fmt_deg(x), np.array([0.0, 1.0]), knee - hip))
        x = v(f"knee_flexion_deg_{s}")
        if x is not None and _finite(hip, knee, ankle):
            marks.append(AngleMark(s, "knee", knee, fmt_deg(x), knee - hip, ankle - knee))
        x = v(f"ankle_dorsiflexion_deg_{s}")
        if x is not None and _finite(knee, ankle, heel, toe):
            shank, foot = ankle - knee, toe - heel
            perp = np.array([-shank[1], shank[0]])
            if float(perp @ foot) < 0:
                perp = -perp
            marks.append(AngleMark(s, "ankle", ankle, fmt_deg(x), perp, foot))
        x = v(f"foot_progression_deg_{s}")
        if x is not None and _finite(ankle):
            marks.append(AngleMark(s, "ankle", ankle, ("out " if x >= 0 else "in ") + fmt_deg(abs(x))))
    mid_sh = (xy[L_SHOULDER] + xy[R_SHOULDER]) / 2
    mid_hip = (xy[L_HIP] + xy[R_HIP]) / 2
    if _finite(mid_sh, mid_hip):
        trunk = mid_sh - mid_hip
        x = v("trunk_extension_deg")
        if x is not None:
            marks.append(AngleMark("c", "trunk", mid_sh, fmt_deg(x), np.array([0.0, -1.0]), trunk))
        elif (x := v("trunk_lateral_lean_deg")) is not None:
            marks.append(AngleMark("c", "trunk", mid_sh, "lean " + fmt_deg(x), np.array([0.0, -1.0]), trunk))
        x = v("pelvic_obliquity_deg")
        if x is not None and view != "side":
            marks.append(AngleMark("c", "pelvis", mid_hip, "obliq " + fmt_deg(x)))
    return marks


def _body_scale(xy: np.ndarray) -> float:
    """A length that follows the person's size in the picture: the median thigh/shank length."""
    segs = []
    for s in SIDES:
        ix = SIDE_INDEX[s]
        for a, b in (("hip", "knee"), ("knee", "ankle")):
            d = xy[ix[a]] - xy[ix[b]]
            if np.isfinite(d).all():
                segs.append(float(np.hypot(*d)))
    return float(np.median(segs)) if segs else float("nan")


def feet_boxes(xy: np.ndarray, margin: float) -> list[tuple[float, float, float, float]]:
    """Per foot, the box round ankle, heel and toe, widened by ``margin`` px."""
    out = []
    for s in SIDES:
        ix = SIDE_INDEX[s]
        p = xy[[ix["ankle"], ix["heel"], ix["foot_index"]]]
        p = p[np.isfinite(p).all(axis=1)]
        if len(p):
            (x0, y0), (x1, y1) = p.min(axis=0), p.max(axis=0)
            out.append((x0 - margin, y0 - margin, x1 + margin, y1 + margin))
    return out


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def draw_angles(img: np.ndarray, xy: np.ndarray, marks: list[AngleMark], forward: float,
                style: Style) -> list[tuple[int, int, int, int]]:
    """Arcs and values at the joints. Labels go to the outside of the pair: in a side view
    the leading joint's value in front of it, the trailing one's behind (``forward`` is +1
    walking to the right, -1 to the left, 0 when not walking across); ankle values are lifted
    above the ankle, and any label that would cover a foot is moved up clear of it.
    Returns the label boxes."""
    scale = _body_scale(xy)
    if not np.isfinite(scale):
        scale = 120 * style.u
    radius = float(np.clip(0.28 * scale, 6 * style.u, 34 * style.u))
    gap = radius + 4 * style.u
    feet = feet_boxes(xy, 2 * style.u)
    boxes: list[tuple[int, int, int, int]] = []
    by_joint: dict[str, list[AngleMark]] = {}
    for m in marks:
        by_joint.setdefault(m.joint, []).append(m)
    for joint, ms in by_joint.items():
        for m in ms:
            if m.ref_dir is not None:
                draw_arc(img, m.at, m.ref_dir, m.seg_dir, radius, SIDE_COLOUR[m.side], style)
        for m in ms:
            direction = _label_direction(m, ms, xy, forward)
            x, y = float(m.at[0]), float(m.at[1])
            if joint == "ankle":
                y -= gap + style.text_px * 0.6
            elif joint == "trunk":
                y -= gap * 0.5
            x += direction * gap
            align = "left" if direction >= 0 else "right"
            w, h = text_size(m.text, style.text_px, style)
            p = max(2, round(style.text_px * 0.35))
            bx0 = x if align == "left" else x - w - 2 * p
            for fb in feet:
                box = (bx0, y - h / 2 - p, bx0 + w + 2 * p, y + h / 2 + p)
                if _overlaps(box, fb):
                    y = fb[1] - h / 2 - p - 1
            boxes.append(label(img, m.text, (x, y), SIDE_COLOUR[m.side], style, align=align))
    return boxes


def _label_direction(m: AngleMark, same_joint: list[AngleMark], xy: np.ndarray, forward: float) -> float:
    if m.side == "c":
        # the trunk value behind the body (arms swing in front and behind; the back is quieter)
        return -forward if forward else 1.0
    other = [o for o in same_joint if o.side != m.side]
    fwd = forward
    if not fwd:   # front/back: outward, away from the other side's joint
        hip_x = {s: xy[SIDE_INDEX[s]["hip"]][0] for s in SIDES}
        d = hip_x[m.side] - hip_x["r" if m.side == "l" else "l"]
        return 1.0 if (np.isfinite(d) and d >= 0) else -1.0
    if not other:
        return fwd
    # which leg leads: the knee for the hip value (both hips sit at the same place), the
    # joint itself otherwise
    def tip(a: AngleMark):
        return a.at + a.seg_dir if a.joint == "hip" and a.seg_dir is not None else a.at

    lead = float(tip(m)[0] - tip(other[0])[0]) * fwd
    if not np.isfinite(lead):
        return fwd
    return fwd if lead >= 0 else -fwd


# --- events and missing pose ---------------------------------------------------------------

def draw_event_marker(img: np.ndarray, xy: np.ndarray, side: str, event: str, age_s: float,
                      show_s: float, style: Style) -> None:
    """A ring at the heel (heel strike) or toe (toe off) that shrinks away over ``show_s``,
    with a tag under the foot (the floor side, so the foot stays visible)."""
    ix = SIDE_INDEX[side]
    p = xy[ix["heel" if event == "hs" else "foot_index"]]
    if not _finite(p):
        p = xy[ix["ankle"]]
        if not _finite(p):
            return
    k = 1.0 - min(max(age_s / show_s, 0.0), 1.0)
    r = int(round((10 + 10 * k) * style.u)) + 3
    th = max(1, round((1 + 2 * k) * style.line / 2))
    col = SIDE_COLOUR[side]
    cv2.circle(img, _pt(p), r, OUTLINE, th + 2, cv2.LINE_AA)
    cv2.circle(img, _pt(p), r, col, th, cv2.LINE_AA)
    label(img, f"{SIDE_LABEL[side]} {EVENT_SHORT[event]}", (p[0], p[1] + r + style.text_px),
          col, style, align="center")


def draw_no_pose_frame(img: np.ndarray, style: Style) -> None:
    """A red border round the picture: footcam found no pose in this frame."""
    h, w = img.shape[:2]
    t = max(3, round(6 * style.u))
    img[:t] = NO_POSE
    img[-t:] = NO_POSE
    img[:, :t] = NO_POSE
    img[:, -t:] = NO_POSE
