"""The dashboard under the video: time and view, a live strip chart with a moving cursor,
gait-event marks and the findings banner.

It sits *below* the picture (the output is taller than the source), so nothing is ever drawn
over the walker's feet. The chart's background (axes, curves, event marks) is rendered once
per time window and reused; each frame only copies it and adds the cursor and the live values.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .draw import (EVENT_NAME, GREY, NO_POSE, OUTLINE, PANEL_BG, SEVERITY_COLOUR, SIDE_COLOUR,
                   SIDE_LABEL, WHITE, Colour, Style, fmt_deg, put_text, text_size)

#: clips up to this long show whole in the chart; longer ones scroll through a window this wide
WINDOW_S = 10.0
AXIS: Colour = (95, 98, 106)
GRID: Colour = (52, 55, 62)


@dataclass
class Series:
    side: str                 # "l", "r" or "c"
    values: np.ndarray        # (T,) degrees, NaN where not measured


@dataclass
class ChartRow:
    title: str
    series: list[Series]
    note: str = ""            # shown instead of curves when nothing was measured


@dataclass
class FrameInfo:
    """What the dashboard shows for one frame."""

    index: int
    time_s: float
    has_pose: bool
    view_text: str = ""       # e.g. "side view, walking"
    forward: int = 0          # +1 walking to the right, -1 to the left: drawn as an arrow
    events: list[tuple[str, str, float]] = field(default_factory=list)   # (side, event, age_s)


def _dim(c: Colour, k: float) -> Colour:
    return tuple(int(round(PANEL_BG[i] + (c[i] - PANEL_BG[i]) * k)) for i in range(3))


def _nice_ticks(lo: float, hi: float) -> list[float]:
    for step in (2, 5, 10, 20, 30, 45, 60, 90):
        if np.ceil(hi / step) - np.floor(lo / step) <= 3:
            break
    first = np.ceil(lo / step) * step
    return [float(v) for v in np.arange(first, hi + 1e-9, step)]


class Dashboard:
    """Renders the panel for each frame. ``time_s`` (T,) are the frames' times; ``rows`` the
    chart rows; ``events`` (side, event, time_s) tuples; ``findings`` (text, severity) pairs
    or None when findings were not computed."""

    def __init__(self, width: int, style: Style, time_s: np.ndarray, duration_s: float,
                 rows: list[ChartRow], events: list[tuple[str, str, float]],
                 findings: list[tuple[str, str]] | None, n_frames: int):
        self.w = int(width)
        self.s = style
        self.t = np.asarray(time_s, float)
        self.duration = float(max(duration_s, self.t[-1] if len(self.t) else 0.0, 1e-3))
        self.rows = rows
        self.events = events
        self.findings = findings
        self.n_frames = n_frames
        s = style
        self.line_h = round(s.text_px * 2.1)
        self.row_h = round(s.text_px * 5.2)
        self.gap = round(1.5 * s.pad)
        self.gutter = max(text_size("Ankle dorsiflexion", s.text_px, s)[0],
                          text_size("L -20°  R -20°", s.text_px, s)[0],
                          text_size("heel strike toe off", s.small_px, s)[0] + 4 * s.small_px) + 2 * s.pad
        self.tick_w = text_size("-30", s.small_px, s)[0] + s.pad
        self.x0 = min(self.gutter + self.tick_w, self.w // 2)
        self.x1 = self.w - 2 * s.pad
        self.h = self.line_h + len(rows) * (self.row_h + self.gap) + self.line_h + s.pad
        self.h += self.h & 1
        self._ranges = [self._row_range(r) for r in rows]
        self._cache_key = None
        self._cache = None

    # -- geometry --------------------------------------------------------------------------
    def _window(self, t: float) -> tuple[float, float]:
        if self.duration <= WINDOW_S:
            return 0.0, self.duration
        a = min(max(t - WINDOW_S / 2, 0.0), self.duration - WINDOW_S)
        return a, a + WINDOW_S

    def _row_top(self, k: int) -> int:
        return self.line_h + k * (self.row_h + self.gap) + self.gap // 2

    @staticmethod
    def _row_range(row: ChartRow) -> tuple[float, float, list[float]]:
        """(low, high, ticks): the data's range widened to whole tick steps, plus a margin so
        that the outer tick labels fit inside the row."""
        vals = np.concatenate([s.values for s in row.series]) if row.series else np.array([])
        vals = vals[np.isfinite(vals)]
        if not len(vals):
            return -10.0, 10.0, [0.0]
        lo, hi = float(np.percentile(vals, 0.5)), float(np.percentile(vals, 99.5))
        mid = (lo + hi) / 2
        lo, hi = min(lo, mid - 5), max(hi, mid + 5)
        ticks = _nice_ticks(lo, hi)
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 10.0
        lo_t, hi_t = np.floor(lo / step) * step, np.ceil(hi / step) * step
        ticks = [float(v) for v in np.arange(lo_t, hi_t + step / 2, step)]
        m = 0.12 * (hi_t - lo_t)
        return float(lo_t - m), float(hi_t + m), ticks

    def _x(self, t, win):
        return self.x0 + (np.asarray(t, float) - win[0]) / (win[1] - win[0]) * (self.x1 - self.x0)

    def _y(self, v, k):
        lo, hi, _ = self._ranges[k]
        top = self._row_top(k)
        return top + (hi - np.asarray(v, float)) / (hi - lo) * self.row_h

    # -- static background -----------------------------------------------------------------
    def _background(self, win) -> np.ndarray:
        if self._cache_key == win:
            return self._cache
        s = self.s
        img = np.empty((self.h, self.w, 3), np.uint8)
        img[:] = PANEL_BG
        cv2.line(img, (0, 0), (self.w, 0), AXIS, max(1, round(s.u)))
        for k, row in enumerate(self.rows):
            top = self._row_top(k)
            put_text(img, row.title, (s.pad, top + s.text_px + s.pad // 2), s.text_px, WHITE, s)
            cv2.rectangle(img, (self.x0, top), (self.x1, top + self.row_h), AXIS, 1)
            ticks = self._ranges[k][2]
            spacing = self.row_h / max(len(ticks) + 0.3, 1)
            every = 2 if spacing < 1.7 * s.small_px else 1   # crowded: label every other tick
            for j, v in enumerate(ticks):
                y = int(round(self._y(v, k)))
                cv2.line(img, (self.x0 + 1, y), (self.x1 - 1, y), AXIS if v == 0 else GRID, 1)
                if (round(v / (ticks[1] - ticks[0])) if len(ticks) > 1 else 0) % every:
                    continue
                txt = f"{int(round(v))}"
                tw = text_size(txt, s.small_px, s)[0]
                put_text(img, txt, (self.x0 - tw - s.pad // 2, y + s.small_px // 2),
                         s.small_px, GREY, s)
            if k == 0:
                self._key(img, top + round(3.3 * s.text_px) + s.pad)
            if row.note or not any(np.isfinite(se.values).any() for se in row.series):
                put_text(img, row.note or "not measured in this clip",
                         (self.x0 + s.pad, top + self.row_h // 2 + s.small_px // 2), s.small_px, GREY, s)
                continue
            sel = (self.t >= win[0] - 0.5) & (self.t <= win[1] + 0.5)
            xs = self._x(self.t[sel], win)
            for se in row.series:
                ys = self._y(se.values[sel], k)
                self._polyline(img, xs, ys, SIDE_COLOUR[se.side], max(1, round(1.6 * s.u)), top)
        # event marks along the top of the first row: heel strike filled, toe off hollow
        if self.rows:
            top = self._row_top(0)
            r = max(3, round(s.small_px * 0.5))
            for side, ev, t in self.events:
                if not (win[0] <= t <= win[1]):
                    continue
                x = float(self._x(t, win))
                col = SIDE_COLOUR[side]
                bottom = self._row_top(len(self.rows) - 1) + self.row_h
                cv2.line(img, (int(round(x)), top), (int(round(x)), bottom), _dim(col, 0.35), 1)
                tri = np.array([[x - r, top - r * 1.6], [x + r, top - r * 1.6], [x, top]], np.float64)
                tri_i = np.round(tri).astype(np.int32)
                if ev == "hs":
                    cv2.fillConvexPoly(img, tri_i, col, cv2.LINE_AA)
                else:
                    cv2.polylines(img, [tri_i], True, col, max(1, round(s.u)), cv2.LINE_AA)
        self._findings(img)
        self._cache_key, self._cache = win, img
        return img

    def _polyline(self, img, xs, ys, colour, th, top):
        ok = np.isfinite(ys)
        # draw each finite run separately: a gap in the data stays a gap in the line
        idx = np.flatnonzero(ok)
        if not len(idx):
            return
        breaks = np.flatnonzero(np.diff(idx) > 1)
        for run in np.split(idx, breaks + 1):
            pts = np.stack([xs[run], ys[run]], axis=1)
            pts[:, 1] = np.clip(pts[:, 1], top, top + self.row_h)
            if len(run) == 1:
                cv2.circle(img, tuple(np.round(pts[0]).astype(int)), th, colour, -1)
            else:
                cv2.polylines(img, [np.round(pts * 4).astype(np.int32)], False, colour, th,
                              cv2.LINE_AA, shift=2)

    def _findings(self, img):
        s = self.s
        y = self.h - s.pad - (self.line_h - s.text_px) // 2
        x = put_text(img, "Findings: ", (s.pad, y), s.text_px, GREY, s)
        if self.findings is None:
            put_text(img, "not computed for this clip", (x, y), s.text_px, GREY, s)
            return
        if not self.findings:
            put_text(img, "nothing outside footcam's limits", (x, y), s.text_px, WHITE, s)
            return
        limit = self.w - s.pad
        for k, (text, sev) in enumerate(self.findings):
            more = len(self.findings) - k - 1
            piece = text + ("  ·  " if more else "")
            tail = f"+{more} more (see report)" if more else ""
            need = text_size(piece.replace("·", "|"), s.text_px, s)[0]
            tail_w = text_size(tail, s.text_px, s)[0] if more else 0
            if x + need + (tail_w if more else 0) > limit and k > 0:
                put_text(img, f"+{len(self.findings) - k} more (see report)", (x, y), s.text_px, GREY, s)
                return
            col = SEVERITY_COLOUR.get(sev, WHITE)
            x = put_text(img, text, (x, y), s.text_px, col, s)
            if more:
                x = put_text(img, "  |  ", (x, y), s.text_px, GREY, s)

    # -- per frame ---------------------------------------------------------------------------
    def render(self, f: FrameInfo) -> np.ndarray:
        s = self.s
        win = self._window(f.time_s)
        img = self._background(win).copy()
        self._header(img, f)
        # cursor and live values
        xc = int(round(float(self._x(f.time_s, win))))
        i = min(max(f.index, 0), len(self.t) - 1) if len(self.t) else 0
        for k, row in enumerate(self.rows):
            top = self._row_top(k)
            cv2.line(img, (xc, top), (xc, top + self.row_h), WHITE, max(1, round(1.5 * s.u)))
            parts = []
            for se in row.series:
                v = se.values[i] if len(se.values) > i else np.nan
                if np.isfinite(v):
                    yv = int(round(float(np.clip(self._y(v, k), top, top + self.row_h))))
                    cv2.circle(img, (xc, yv), max(3, round(4 * s.u)), OUTLINE, -1, cv2.LINE_AA)
                    cv2.circle(img, (xc, yv), max(2, round(3 * s.u)), SIDE_COLOUR[se.side], -1, cv2.LINE_AA)
                parts.append((se.side, v))
            yv = top + 2 * s.text_px + s.pad
            xv = s.pad
            for side, v in parts:
                txt = (f"{SIDE_LABEL.get(side, '')} " if side in SIDE_LABEL else "") + \
                      (fmt_deg(v) if np.isfinite(v) else "--")
                xv = put_text(img, txt, (xv, yv), s.text_px, SIDE_COLOUR[side], s) + 2 * s.pad
        return img

    def _header(self, img, f: FrameInfo) -> None:
        """Time, frame number, view and walking direction, the no-pose flag and the events of
        the moment; on a narrow picture the least needed items are left out."""
        s = self.s
        y = (self.line_h + s.text_px) // 2
        arrow = round(1.8 * s.small_px)
        # (priority: lower is kept longer, kind, text, px, colour)
        items = [(0, "text", f"{f.time_s:.2f} s", s.text_px, WHITE),
                 (4, "text", f"frame {f.index + 1}/{self.n_frames}", s.small_px, GREY)]
        if f.has_pose and f.view_text:
            items.append((3, "view", f.view_text, s.small_px, GREY))
        if not f.has_pose:
            items.append((0, "flag", "NO POSE", s.text_px, WHITE))
        newest = sorted(f.events, key=lambda e: e[2])[:2]
        for k, (side, ev, age) in enumerate(newest):
            items.append((1 + k, "text", f"{SIDE_LABEL[side]} {EVENT_NAME[ev]}", s.text_px, SIDE_COLOUR[side]))
        space = 2 * s.pad

        def width(it):
            w = text_size(it[2], it[3], s)[0]
            return w + (arrow + s.pad if it[1] == "view" and f.forward else 0) + \
                (s.pad if it[1] == "flag" else 0)

        while len(items) > 1 and s.pad + sum(width(it) + space for it in items) > self.w:
            items.remove(max(items, key=lambda it: it[0]))
        x = s.pad
        for _, kind, text, px, col in items:
            if kind == "flag":
                tw, th = text_size(text, px, s)
                cv2.rectangle(img, (x, y - th - s.pad // 2), (x + tw + s.pad, y + s.pad // 2), NO_POSE, -1)
                put_text(img, text, (x + s.pad // 2, y), px, col, s)
                x += tw + s.pad + space
                continue
            x = put_text(img, text, (x, y), px, col, s)
            if kind == "view" and f.forward:
                ya = y - px // 2
                a = (x + s.pad, x + s.pad + arrow)
                if f.forward < 0:
                    a = a[::-1]
                cv2.arrowedLine(img, (a[0], ya), (a[1], ya), col, max(1, round(s.u * 1.5)),
                                cv2.LINE_AA, tipLength=0.4)
                x += arrow + s.pad
            x += space

    def _key(self, img, y):
        """What the chart's event marks mean (under the first row's title)."""
        s = self.s
        r = max(3, round(s.small_px * 0.5))
        x = s.pad
        for ev, t in (("hs", "heel strike"), ("to", "toe off")):
            tri = np.array([[x, y - s.small_px], [x + 2 * r, y - s.small_px], [x + r, y]], np.int32)
            if ev == "hs":
                cv2.fillConvexPoly(img, tri, GREY, cv2.LINE_AA)
            else:
                cv2.polylines(img, [tri], True, GREY, 1, cv2.LINE_AA)
            x = put_text(img, t, (x + 3 * r, y), s.small_px, GREY, s) + s.pad
