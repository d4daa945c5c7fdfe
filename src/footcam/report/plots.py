"""Inline SVG charts for the HTML report: gait-cycle curves with normal bands, the event
timeline, and the small range bars of the key-values table.

Every function returns a complete ``<svg>`` element as a string, drawn from numbers alone (no
JavaScript, no fonts or images fetched), so a report is one self-contained file that prints. Any
text that reaches the SVG goes through ``html.escape``. Sizes are viewBox units; the page scales
the drawing to its column width.
"""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from html import escape
from typing import Iterable, Sequence

import numpy as np

#: left and right are told apart by colour *and* line style, so a grey print still works;
#: the colours (vermilion / blue) stay distinct for the common colour-vision deficiencies
SIDE_STYLE: dict[str, dict[str, str]] = {
    "l": {"colour": "#c8431b", "dash": "", "label": "left"},
    "r": {"colour": "#1f5fa8", "dash": "6 3", "label": "right"},
}
BAND_FILL = "#d9d9d9"
AXIS = "#555"
GRID = "#e6e6e6"
FONT = 11


def _f(x: float) -> str:
    """A coordinate, short."""
    return f"{x:.1f}".rstrip("0").rstrip(".") if abs(x) < 1e6 else "0"


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(target - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks, t = [], first
    while t <= hi + 1e-9 * step:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _span(arrays: Iterable[np.ndarray], pad_frac: float = 0.06, min_span: float = 10.0) -> tuple[float, float]:
    vals = np.concatenate([np.asarray(a, float).ravel() for a in arrays] or [np.array([np.nan])])
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return 0.0, 1.0
    lo, hi = float(vals.min()), float(vals.max())
    if hi - lo < min_span:
        mid = (hi + lo) / 2
        lo, hi = mid - min_span / 2, mid + min_span / 2
    pad = (hi - lo) * pad_frac
    ticks = nice_ticks(lo - pad, hi + pad)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return math.floor((lo - pad) / step) * step, math.ceil((hi + pad) / step) * step


@dataclass(frozen=True)
class _Frame:
    """Maps data to viewBox coordinates inside a plotting rectangle."""

    x0: float
    x1: float
    y0: float
    y1: float
    left: float
    top: float
    width: float
    height: float

    def x(self, v):
        return self.left + (np.asarray(v, float) - self.x0) / (self.x1 - self.x0) * self.width

    def y(self, v):
        return self.top + (1 - (np.asarray(v, float) - self.y0) / (self.y1 - self.y0)) * self.height


def polyline_path(xs: np.ndarray, ys: np.ndarray) -> str:
    """An SVG path through the points, broken wherever a value is missing (NaN)."""
    parts, pen_down = [], False
    for x, y in zip(np.asarray(xs, float), np.asarray(ys, float)):
        if math.isfinite(x) and math.isfinite(y):
            parts.append(f"{'L' if pen_down else 'M'}{_f(x)} {_f(y)}")
            pen_down = True
        else:
            pen_down = False
    return " ".join(parts)


def band_path(xs: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> str:
    """Closed polygons between ``lo`` and ``hi``, one per run of finite values."""
    xs, lo, hi = (np.asarray(a, float) for a in (xs, lo, hi))
    ok = np.isfinite(xs) & np.isfinite(lo) & np.isfinite(hi)
    out = []
    i, n = 0, len(xs)
    while i < n:
        if not ok[i]:
            i += 1
            continue
        j = i
        while j < n and ok[j]:
            j += 1
        up = [f"{_f(x)} {_f(y)}" for x, y in zip(xs[i:j], hi[i:j])]
        down = [f"{_f(x)} {_f(y)}" for x, y in zip(xs[i:j][::-1], lo[i:j][::-1])]
        out.append("M" + " L".join(up + down) + " Z")
        i = j
    return " ".join(out)


def _axes(fr: _Frame, xticks: Sequence[float], yticks: Sequence[float], x_label: str,
          y_label: str, x_fmt=lambda v: f"{v:g}") -> list[str]:
    s = []
    for t in yticks:
        y = float(fr.y(t))
        s.append(f'<line x1="{_f(fr.left)}" x2="{_f(fr.left + fr.width)}" y1="{_f(y)}" y2="{_f(y)}" '
                 f'stroke="{"#9a9a9a" if t == 0 else GRID}" stroke-width="{0.8 if t == 0 else 0.6}"/>')
        s.append(f'<text x="{_f(fr.left - 4)}" y="{_f(y + 3.5)}" text-anchor="end">{escape(f"{t:g}")}</text>')
    for t in xticks:
        x = float(fr.x(t))
        s.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(fr.top)}" y2="{_f(fr.top + fr.height)}" '
                 f'stroke="{GRID}" stroke-width="0.6"/>')
        s.append(f'<text x="{_f(x)}" y="{_f(fr.top + fr.height + 13)}" text-anchor="middle">'
                 f'{escape(x_fmt(t))}</text>')
    s.append(f'<rect x="{_f(fr.left)}" y="{_f(fr.top)}" width="{_f(fr.width)}" height="{_f(fr.height)}" '
             f'fill="none" stroke="{AXIS}" stroke-width="0.8"/>')
    if x_label:
        s.append(f'<text x="{_f(fr.left + fr.width / 2)}" y="{_f(fr.top + fr.height + 26)}" '
                 f'text-anchor="middle">{escape(x_label)}</text>')
    if y_label:
        cy = fr.top + fr.height / 2
        s.append(f'<text x="11" y="{_f(cy)}" text-anchor="middle" transform="rotate(-90 11 {_f(cy)})">'
                 f'{escape(y_label)}</text>')
    return s


def _svg(width: float, height: float, body: list[str], title: str, css_class: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" '
            f'viewBox="0 0 {_f(width)} {_f(height)}" role="img" font-size="{FONT}" '
            f'font-family="inherit"><title>{escape(title)}</title>' + "".join(body) + "</svg>")


def curve_svg(pct: np.ndarray, sides: dict[str, tuple[np.ndarray, np.ndarray | None]], *,
              band: tuple[np.ndarray, np.ndarray] | None = None,
              toe_off_pct: dict[str, float] | None = None, title: str = "",
              y_label: str = "deg") -> str:
    """One angle over the gait cycle (0-100 %): per side the mean with a ±1 SD shade, the
    normal band in grey underneath, and a dotted line at each side's mean toe off."""
    W, H = 360.0, 215.0
    pct = np.asarray(pct, float)
    arrays = [band[0], band[1]] if band is not None else []
    for mean, sd in sides.values():
        arrays.append(mean)
        if sd is not None:
            arrays += [np.asarray(mean) - sd, np.asarray(mean) + sd]
    y0, y1 = _span(arrays)
    fr = _Frame(0, 100, y0, y1, left=40, top=8, width=W - 50, height=H - 45)
    body = _axes(fr, [0, 20, 40, 60, 80, 100], nice_ticks(y0, y1), "% of gait cycle", y_label)
    clip_id = f"clip{zlib.crc32(f'{title}|{y0}|{y1}'.encode()):08x}"
    body.insert(0, f'<defs><clipPath id="{clip_id}"><rect x="{_f(fr.left)}" y="{_f(fr.top)}" '
                   f'width="{_f(fr.width)}" height="{_f(fr.height)}"/></clipPath></defs>')
    g = [f'<g clip-path="url(#{clip_id})">']
    xs = fr.x(pct)
    if band is not None:
        g.append(f'<path d="{band_path(xs, fr.y(band[0]), fr.y(band[1]))}" fill="{BAND_FILL}" '
                 f'stroke="none" class="normal-band"/>')
    for side, (mean, sd) in sides.items():
        st = SIDE_STYLE[side]
        if sd is not None:
            m, s = np.asarray(mean, float), np.asarray(sd, float)
            g.append(f'<path d="{band_path(xs, fr.y(m - s), fr.y(m + s))}" fill="{st["colour"]}" '
                     f'fill-opacity="0.13" stroke="none"/>')
    for side, t in (toe_off_pct or {}).items():
        if t is not None and math.isfinite(t) and 0 < t < 100:
            x = float(fr.x(t))
            g.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(fr.top)}" y2="{_f(fr.top + fr.height)}" '
                     f'stroke="{SIDE_STYLE[side]["colour"]}" stroke-width="1" stroke-dasharray="1.5 2.5"/>')
    for side, (mean, _sd) in sides.items():
        st = SIDE_STYLE[side]
        dash = f' stroke-dasharray="{st["dash"]}"' if st["dash"] else ""
        g.append(f'<path d="{polyline_path(xs, fr.y(mean))}" fill="none" stroke="{st["colour"]}" '
                 f'stroke-width="1.8"{dash} class="mean-{side}"/>')
    g.append("</g>")
    return _svg(W, H, body + g, title, "curve")


def timeline_svg(duration_s: float, events: Sequence[dict], bouts: Sequence[dict],
                 quality: tuple[np.ndarray, np.ndarray] | None = None, *, title: str = "") -> str:
    """The clip on one time axis: walking bouts with their view, each foot's stance (heel
    strike → toe off) with the events marked, and the per-frame pose quality."""
    W = 720.0
    left, right = 78.0, 10.0
    rows = [("view", 18.0), ("left", 24.0), ("right", 24.0)]
    if quality is not None:
        rows.append(("quality", 34.0))
    top = 6.0
    y = top
    pos = {}
    for name, h in rows:
        pos[name] = (y, h)
        y += h + 6
    H = y + 24
    dur = max(float(duration_s), 1e-3)
    fr = _Frame(0, dur, 0, 1, left=left, top=top, width=W - left - right, height=y - 6 - top)
    s = []
    for t in nice_ticks(0, dur, 8):
        x = float(fr.x(t))
        s.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(top)}" y2="{_f(y - 6)}" stroke="{GRID}" '
                 f'stroke-width="0.6"/>')
        s.append(f'<text x="{_f(x)}" y="{_f(y + 7)}" text-anchor="middle">{escape(f"{t:g}")}</text>')
    s.append(f'<text x="{_f(left + fr.width / 2)}" y="{_f(y + 20)}" text-anchor="middle">time in the clip (s)</text>')
    labels = {"view": "view", "left": "left foot", "right": "right foot", "quality": "pose quality"}
    for name, (ry, rh) in pos.items():
        s.append(f'<text x="{_f(left - 6)}" y="{_f(ry + rh / 2 + 4)}" text-anchor="end">{labels[name]}</text>')
        s.append(f'<rect x="{_f(left)}" y="{_f(ry)}" width="{_f(fr.width)}" height="{_f(rh)}" '
                 f'fill="none" stroke="{GRID}" stroke-width="0.8"/>')
    vy, vh = pos["view"]
    shades = {"side": "#e4eef8", "front": "#eaf4e2", "back": "#f6ecdc", "oblique": "#efe6f4"}
    for b in bouts:
        x0, x1 = float(fr.x(b["start_s"])), float(fr.x(b["stop_s"]))
        s.append(f'<rect x="{_f(x0)}" y="{_f(vy)}" width="{_f(max(x1 - x0, 0.5))}" height="{_f(vh)}" '
                 f'fill="{shades.get(b.get("view"), "#eeeeee")}" stroke="#fff" stroke-width="1"/>')
        if x1 - x0 > 40:
            s.append(f'<text x="{_f((x0 + x1) / 2)}" y="{_f(vy + vh / 2 + 4)}" text-anchor="middle">'
                     f'{escape(str(b.get("label", b.get("view", ""))))}</text>')
    for side, row in (("l", "left"), ("r", "right")):
        ry, rh = pos[row]
        st = SIDE_STYLE[side]
        evs = sorted((e for e in events if e["side"] == side), key=lambda e: e["time_s"])
        for a, b in zip(evs, evs[1:]):          # stance: a heel strike up to the next toe off
            if a["event"] == "hs" and b["event"] == "to" and a.get("bout") == b.get("bout"):
                x0, x1 = float(fr.x(a["time_s"])), float(fr.x(b["time_s"]))
                s.append(f'<rect x="{_f(x0)}" y="{_f(ry + 5)}" width="{_f(x1 - x0)}" height="{_f(rh - 10)}" '
                         f'fill="{st["colour"]}" fill-opacity="0.28" class="stance-{side}"/>')
        for e in evs:
            x = float(fr.x(e["time_s"]))
            faint = e.get("confidence") is not None and e["confidence"] < 0.5
            op = ' stroke-opacity="0.45"' if faint else ""
            if e["event"] == "hs":
                s.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(ry + 1)}" y2="{_f(ry + rh - 1)}" '
                         f'stroke="{st["colour"]}" stroke-width="2"{op} class="hs-{side}"/>')
            else:
                s.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(ry + 1)}" y2="{_f(ry + rh - 1)}" '
                         f'stroke="{st["colour"]}" stroke-width="1.2" stroke-dasharray="2 2"{op} '
                         f'class="to-{side}"/>')
    if quality is not None:
        qy, qh = pos["quality"]
        qfr = _Frame(0, dur, 0, 1, left=left, top=qy + 2, width=fr.width, height=qh - 4)
        t, q = (np.asarray(a, float) for a in quality)
        s.append(f'<path d="{polyline_path(qfr.x(t), qfr.y(q))}" fill="none" stroke="#333" '
                 f'stroke-width="1" class="quality"/>')
        s.append(f'<text x="{_f(left + 3)}" y="{_f(qy + 10)}" font-size="8" fill="#777">1</text>')
        s.append(f'<text x="{_f(left + 3)}" y="{_f(qy + qh - 3)}" font-size="8" fill="#777">0</text>')
    return _svg(W, H, s, title, "timeline")


def range_svg(values: dict[str, float], lo: float | None, hi: float | None, *,
              sd: dict[str, float] | None = None, title: str = "") -> str:
    """A small horizontal scale: the normal range as a grey bar, each side's mean as a marker
    (left ●, right ■) with its ±1 SD whisker."""
    W, H = 150.0, 26.0
    pts = [v for v in values.values() if v is not None and math.isfinite(v)]
    ref = [v for v in (lo, hi) if v is not None and math.isfinite(v)]
    span = pts + ref + [v + s for k, v in values.items() for s in ((sd or {}).get(k) or 0, -((sd or {}).get(k) or 0))
                        if v is not None and math.isfinite(v) and math.isfinite(s)]
    if not span:
        return _svg(W, H, [], title, "rangebar")
    a, b = min(span), max(span)
    if b - a < 4:
        a, b = (a + b) / 2 - 2, (a + b) / 2 + 2
    pad = (b - a) * 0.12
    fr = _Frame(a - pad, b + pad, 0, 1, left=4, top=3, width=W - 8, height=H - 6)
    s = [f'<line x1="{_f(fr.left)}" x2="{_f(fr.left + fr.width)}" y1="{_f(H / 2)}" y2="{_f(H / 2)}" '
         f'stroke="#bbb" stroke-width="0.8"/>']
    if len(ref) == 2:
        x0, x1 = float(fr.x(lo)), float(fr.x(hi))
        s.append(f'<rect x="{_f(x0)}" y="{_f(H / 2 - 6)}" width="{_f(max(x1 - x0, 1))}" height="12" '
                 f'fill="{BAND_FILL}" class="normal-band"/>')
    for k, v in values.items():
        if v is None or not math.isfinite(v):
            continue
        st = SIDE_STYLE.get(k, {"colour": "#333"})
        cy = H / 2 + (-3.5 if k == "l" else 3.5 if k == "r" else 0)
        sdv = (sd or {}).get(k)
        if sdv is not None and math.isfinite(sdv) and sdv > 0:
            s.append(f'<line x1="{_f(float(fr.x(v - sdv)))}" x2="{_f(float(fr.x(v + sdv)))}" y1="{_f(cy)}" '
                     f'y2="{_f(cy)}" stroke="{st["colour"]}" stroke-width="1.2"/>')
        x = float(fr.x(v))
        if k == "r":
            s.append(f'<rect x="{_f(x - 3)}" y="{_f(cy - 3)}" width="6" height="6" fill="{st["colour"]}"/>')
        else:
            s.append(f'<circle cx="{_f(x)}" cy="{_f(cy)}" r="3.3" fill="{st["colour"]}"/>')
    return _svg(W, H, s, title, "rangebar")
