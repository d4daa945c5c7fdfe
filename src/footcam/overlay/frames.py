"""What the video pass and the stills pass both draw from: a finished clip folder (read
through :class:`footcam.results.ClipResult`) joined with its re-decoded source video, and the
painter of one annotated frame.

``load_inputs(folder)`` checks the folder and the source video; ``frames(inp)`` yields each
decoded frame with its landmark row; :class:`FramePainter` draws the layers of
:mod:`footcam.overlay.draw` and the dashboard of :mod:`footcam.overlay.panel` on it.
:mod:`footcam.overlay.render` (overlay.mp4) and :mod:`footcam.overlay.stills` (stills/*.png)
both build on this module; neither imports the other's pass.
"""
from __future__ import annotations

import math
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np
import pandas as pd

from ..constants import N_LANDMARKS
from ..errors import VideoError
from ..results import ClipResult
from .draw import (Style, angle_marks, draw_angles, draw_event_marker, draw_no_pose_frame,
                   draw_skeleton)
from .panel import ChartRow, Dashboard, FrameInfo, Series

#: pictures whose short side is below this are enlarged by a whole factor, so that text and
#: lines stay legible (a 240x160 clip becomes 720x480)
MIN_SHORT_SIDE = 480
#: an event's marker stays on screen this long after the event
EVENT_SHOW_S = 0.4
#: decoded frames buffered ahead of drawing (decoding runs in its own thread)
PREFETCH = 4
#: timestamps of the re-decoded frames must match landmarks.csv within this
TIME_TOLERANCE_S = 2e-3


# --- reading the folder ----------------------------------------------------------------------

@dataclass
class OverlayInputs:
    """What the passes need from a finished clip folder and its source video."""

    clip: ClipResult
    info: object                    # footcam.video.reader.VideoInfo of the source
    content_rot: int                # the extra rotation the analysis applied (ccw degrees)
    analysed_wh: tuple[int, int]    # upright picture size the landmarks refer to
    scale: int                      # whole-number enlargement of small pictures
    angles: pd.DataFrame
    events: pd.DataFrame | None     # None: no events.csv in the folder
    findings: list[tuple[str, str]] | None
    directions: dict[int, int]      # bout → +1 walking right, -1 walking left, 0 otherwise
    n_frames: int

    @property
    def out_dir(self) -> Path:
        return self.clip.path

    @property
    def out_wh(self) -> tuple[int, int]:
        return self.analysed_wh[0] * self.scale, self.analysed_wh[1] * self.scale


def load_inputs(out_dir: str | Path, source: str | Path | None = None) -> OverlayInputs:
    """Read and check a finished clip folder. ``source`` overrides the video path stored in
    analysis.json (a clip that was moved); it must be the same file (sha256)."""
    from ..video.reader import probe

    clip = ClipResult.open(out_dir)
    clip.require("landmarks.csv", "angles.csv")
    video = clip.video
    path = Path(source) if source is not None else Path(video.path)
    if source is None and not path.is_file():
        raise clip.error(f"source video moved: {path} (named in analysis.json) is not there; "
                         f"pass the clip's new place with --source")
    info = probe(path)
    if video.sha256 and info.sha256 != video.sha256:
        what = "is not the analysed video" if source is not None else "has changed since the analysis"
        raise VideoError(f"{what} (sha256 {info.sha256[:12]}… differs from "
                         f"{str(video.sha256)[:12]}… in {clip.path / 'analysis.json'})", path)
    rot = video.rotation
    if (info.display_rotation_deg + rot.content_ccw_deg) % 360 != rot.total_ccw_deg:
        raise VideoError(f"display rotation {info.display_rotation_deg} deg + {rot.content_ccw_deg} deg "
                         f"does not give the {rot.total_ccw_deg} deg the analysis applied", path)

    angles = clip.angles
    if len(angles) != video.n_frames:
        raise clip.error(f"angles.csv has {len(angles)} rows, analysis.json says "
                         f"{video.n_frames} frames")
    events = clip.events if clip.has("events.csv") else None
    directions = {k: (b.direction_sign if b.view == "side" else 0) for k, b in enumerate(clip.bouts)}
    scale = max(1, math.ceil(MIN_SHORT_SIDE / max(min(rot.analysed_wh), 1)))
    return OverlayInputs(clip=clip, info=info, content_rot=rot.content_ccw_deg,
                         analysed_wh=rot.analysed_wh, scale=scale, angles=angles, events=events,
                         findings=banner_findings(clip.summary), directions=directions,
                         n_frames=video.n_frames)


def banner_findings(summary: dict | None) -> list[tuple[str, str]] | None:
    """(text, severity) for each notable finding of a summary.json, worst first; None
    without summary.json."""
    if summary is None:
        return None
    out = []
    order = {"marked": 0, "severe": 0, "moderate": 1, "mild": 2}
    items = [f for f in (summary.get("findings") or []) if isinstance(f, dict)]
    if not items:       # nothing was checked: say so, never "nothing beyond the limits"
        running = (summary.get("activity") or {}).get("kind") == "running"
        return [("none rated: footcam rates walking, not running" if running else
                 "no rule could be checked (see report)", "none")]
    for f in sorted(items, key=lambda f: order.get(str(f.get("severity", "")).lower(), 3)):
        sev = str(f.get("severity", "none")).lower()
        if sev == "none":
            continue
        side = {"l": "left", "r": "right"}.get(str(f.get("side", "")), str(f.get("side", "") or ""))
        extra = ", ".join(x for x in (side, sev) if x)
        title = str(f.get("title") or f.get("id") or "finding")
        out.append((f"{title} ({extra})" if extra else title, sev))
    return out


def _prefetch(it: Iterator, depth: int = PREFETCH) -> Iterator:
    """Run ``it`` in a background thread (PyAV decodes without holding the GIL), handing items
    over through a small queue; errors are re-raised in the caller."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def work():
        try:
            for item in it:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put((done, None))
        except BaseException as e:  # noqa: BLE001 - handed to the consumer and re-raised there
            q.put((done, e))
        finally:
            close = getattr(it, "close", None)
            if close is not None and stop.is_set():
                close()

    th = threading.Thread(target=work, name="footcam-decode", daemon=True)
    th.start()
    try:
        while True:
            item = q.get()
            if isinstance(item, tuple) and len(item) == 2 and item[0] is done:
                if item[1] is not None:
                    raise item[1]
                return
            yield item
    finally:
        stop.set()
        while th.is_alive():
            try:
                q.get(timeout=0.05)
            except queue.Empty:
                pass
        th.join()


# --- drawing one frame -----------------------------------------------------------------------

class FramePainter:
    """Draws every layer on one frame: skeleton, angle arcs and values, event markers, the
    no-pose border (on the picture) and the dashboard (below it)."""

    def __init__(self, inp: OverlayInputs):
        self.inp = inp
        self.style = Style.for_size(inp.out_wh)
        a = inp.angles
        self.time_s = a["time_s"].to_numpy(float)
        self.view = a["view"].astype(str).to_numpy() if "view" in a else np.full(len(a), "unknown")
        self.bout = (a["bout"].to_numpy() if "bout" in a else np.full(len(a), -1))
        self.values = {c: a[c].to_numpy(float) for c in a.columns
                       if c.endswith(("_deg", "_deg_l", "_deg_r"))}
        ev = inp.events
        self.events = [] if ev is None else [
            (str(r.side), str(r.event), int(r.frame), float(r.time_s)) for r in ev.itertuples()]
        duration = float(inp.clip.video.duration_s or 0.0)
        self.panel = Dashboard(inp.out_wh[0], self.style, self.time_s, duration, _chart_rows(inp),
                               [(s, e, t) for s, e, _, t in self.events], inp.findings, inp.n_frames)

    @property
    def size_wh(self) -> tuple[int, int]:
        w, h = self.inp.out_wh
        return w, h + self.panel.h

    def active_events(self, i: int, t: float) -> list[tuple[str, str, float]]:
        out = []
        for side, ev, frame, _ in self.events:
            if 0 <= frame <= i and frame < len(self.time_s):
                # angles.csv rounds times to 0.1 ms: the event's own frame has age 0
                age = max(0.0, t - self.time_s[frame]) if frame < i else 0.0
                if age < EVENT_SHOW_S:
                    out.append((side, ev, age))
        return out

    def picture(self, img: np.ndarray, i: int, xy: np.ndarray, vis: np.ndarray,
                events: list[tuple[str, str, float]]) -> tuple[np.ndarray, np.ndarray, bool]:
        """The video layers drawn on the (enlarged) picture. Returns (picture, xy in output
        pixels, has_pose)."""
        k = self.inp.scale
        if k != 1:
            img = cv2.resize(img, self.inp.out_wh, interpolation=cv2.INTER_LINEAR)
            xy = (xy + 0.5) * k - 0.5
        else:
            img = img.copy() if not img.flags.writeable else img
        has_pose = bool(np.isfinite(xy).all(axis=1).any())
        if not has_pose:
            draw_no_pose_frame(img, self.style)
            return img, xy, False
        draw_skeleton(img, xy, vis, self.style)
        if i < len(self.time_s):
            row = {c: v[i] for c, v in self.values.items()}
            view = self.view[i]
            forward = self.inp.directions.get(int(self.bout[i]), 0) if np.isfinite(self.bout[i]) else 0
            draw_angles(img, xy, angle_marks(xy, row, view), forward, self.style)
        for side, ev, age in events:
            draw_event_marker(img, xy, side, ev, age, EVENT_SHOW_S, self.style)
        return img, xy, True

    def view_text(self, i: int) -> tuple[str, int]:
        """("side view, walking", +1) for the header: the view and the walking direction."""
        if i >= len(self.view) or self.view[i] in ("nan", "unknown", ""):
            return "", 0
        fwd = self.inp.directions.get(int(self.bout[i]), 0) if np.isfinite(self.bout[i]) else 0
        return f"{self.view[i]} view" + (", walking" if fwd else ""), fwd

    def frame(self, img: np.ndarray, i: int, t: float, xy: np.ndarray, vis: np.ndarray):
        """The full output frame (picture above, dashboard below), the picture alone and the
        landmarks in its pixels."""
        events = self.active_events(i, t)
        pic, xy_out, has_pose = self.picture(img, i, xy, vis, events)
        view, fwd = self.view_text(i)
        panel = self.panel.render(FrameInfo(index=i, time_s=t, has_pose=has_pose,
                                            view_text=view, forward=fwd, events=events))
        return np.concatenate([pic, panel], axis=0), pic, xy_out


def _chart_rows(inp: OverlayInputs) -> list[ChartRow]:
    a = inp.angles
    views = sorted({str(v) for v in a["view"].dropna()} - {"unknown"}) if "view" in a else []
    seen = " and ".join(views) if views else "no usable"

    def have(*cols):
        return all(c in a for c in cols) and any(np.isfinite(a[c].to_numpy(float)).any() for c in cols)

    def series(*cols):
        return [Series(c[-1] if c[-2:] in ("_l", "_r") else "c", a[c].to_numpy(float)) for c in cols]

    rows = []
    if have("ankle_dorsiflexion_deg_l", "ankle_dorsiflexion_deg_r"):
        rows.append(ChartRow("Ankle dorsiflexion", series("ankle_dorsiflexion_deg_l", "ankle_dorsiflexion_deg_r")))
    elif have("foot_progression_deg_l", "foot_progression_deg_r"):
        rows.append(ChartRow("Foot progression", series("foot_progression_deg_l", "foot_progression_deg_r")))
    else:
        rows.append(ChartRow("Ankle dorsiflexion", [], note=f"needs a side view (this clip: {seen} view)"))
    if have("trunk_extension_deg"):
        rows.append(ChartRow("Trunk extension", series("trunk_extension_deg")))
    elif have("trunk_lateral_lean_deg"):
        rows.append(ChartRow("Trunk lateral lean", series("trunk_lateral_lean_deg")))
    else:
        rows.append(ChartRow("Trunk extension", [], note=f"needs a side view (this clip: {seen} view)"))
    return rows


# --- the frames of the clip -----------------------------------------------------------------

def frames(inp: OverlayInputs) -> Iterator[tuple[int, float, np.ndarray, np.ndarray, np.ndarray]]:
    """Decoded frames joined with their landmark rows: ``(i, t, rgb, xy, vis)``."""
    from ..video.reader import iter_frames

    nan_xy = np.full((N_LANDMARKS, 2), np.nan)
    nan_v = np.full(N_LANDMARKS, np.nan)
    lms = inp.clip.iter_landmarks()
    decoded = _prefetch(iter_frames(inp.info, inp.content_rot))
    want_hw = (inp.analysed_wh[1], inp.analysed_wh[0])
    try:
        for i, t, img in decoded:
            if img.shape[:2] != want_hw:
                raise VideoError(f"frames decode at {img.shape[1]}x{img.shape[0]}, the analysis "
                                 f"saw {want_hw[1]}x{want_hw[0]}", inp.info.path)
            row = next(lms, None)
            if row is None:
                xy, vis = nan_xy, nan_v
            else:
                fr, tl, xy, vis = row
                if fr != i or abs(tl - t) > TIME_TOLERANCE_S:
                    raise VideoError(f"frame {i} at {t:.4f} s does not line up with landmarks.csv "
                                     f"(frame {fr} at {tl:.4f} s): the file was re-encoded?",
                                     inp.info.path)
            yield i, t, img, xy, vis
    finally:
        decoded.close()
        lms.close()
