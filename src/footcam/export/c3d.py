"""C3D (via ezc3d, the ``footcam[export]`` extra): the landmarks as points and the gait events.

- Points: the 33 BlazePose landmarks (MediaPipe's names) in the lab axes C3D tools expect:
  X forward, Y toward the walker's left (0: one camera measures no depth), Z up; millimetres
  when the picture's scale is known, else pixels (``POINT:UNITS`` says which). A missing
  landmark has residual −1 (C3D's "invalid"), which readers turn into NaN. No analog channels.
- ``POINT:RATE`` is the clip's frame rate as a float (C3D stores it as a 32-bit float: 29.97
  stays 29.97, to about 1e-6).
- Events as Vicon Nexus and pyCGM2 write them: labels ``Foot Strike`` / ``Foot Off``, contexts
  ``Left`` / ``Right``, ``EVENT:TIMES`` as (minutes, seconds). C3D frame *n* (the first is 1) is
  at *n* / rate seconds, as pyCGM2 computes an event's time (time = frame / rate), so a video
  frame *k* (0-based, angles.csv ``frame``) is C3D frame *k* + 1 and an event's sub-frame time
  *t* is stored at *t* + 1/rate: a reader that takes frame = round(time × rate) − first frame
  finds the event at index *k* of the point data.
- Metadata: ``PROCESSING:Height`` (mm, as Vicon stores subject measurements) when the height
  was given, and a ``FOOTCAM`` group (version, source clip, axes, scale).
- C3D needs one uniform rate. A clip with a variable frame rate is resampled (linear
  interpolation of each landmark) onto a uniform grid at its mean rate, so that the C3D time of
  every sample and event is still the video's own time; ``write_c3d`` says so in its notes and
  the ``FOOTCAM:TIMING`` parameter records it.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from ..fsutil import atomic_write_with
from ._frame import PictureFrame
from ._read import ClipData, ExportError

C3D_NAME = "landmarks.c3d"
INSTALL_HINT = "pip install 'footcam[export]'"
AXES = "C3D axes: X {forward}, Y toward the walker's left, Z up"
#: a clip's frames lie on the uniform grid k / fps when none is further off than this share of
#: a frame period (its timestamps in landmarks.csv are rounded to 10 µs)
UNIFORM_TOLERANCE = 0.05
EVENT_LABELS = {"hs": "Foot Strike", "to": "Foot Off"}
EVENT_CONTEXTS = {"l": "Left", "r": "Right"}
#: Vicon Nexus' icons: 1 = foot strike, 2 = foot off
EVENT_ICONS = {"hs": 1, "to": 2}
#: a C3D parameter's dimensions are bytes: a text longer than 255 characters is stored as lines
TEXT_WIDTH = 80


def require_ezc3d():
    """The ezc3d module, or ExportError naming the extra that brings it."""
    try:
        import ezc3d
    except ImportError:
        raise ExportError(f"writing C3D needs the optional export extra, which is not "
                          f"installed: {INSTALL_HINT}") from None
    return ezc3d


def uniform_grid(time_s: np.ndarray, fps: float) -> bool:
    """Whether the frames' times are k / fps (from the first frame) within the tolerance."""
    k = np.arange(len(time_s))
    return bool(np.all(np.abs((time_s - time_s[0]) - k / fps) <= UNIFORM_TOLERANCE / fps))


def resample(time_s: np.ndarray, values: np.ndarray, grid_s: np.ndarray) -> np.ndarray:
    """``values (T, ...)`` at the times ``grid_s`` by linear interpolation between the two
    frames around each time; NaN where either of them is NaN or outside the clip."""
    j = np.clip(np.searchsorted(time_s, grid_s, side="right") - 1, 0, len(time_s) - 2)
    t0, t1 = time_s[j], time_s[j + 1]
    w = ((grid_s - t0) / (t1 - t0)).reshape((-1,) + (1,) * (values.ndim - 1))
    out = values[j] * (1 - w) + values[j + 1] * w
    outside = (grid_s < time_s[0] - 1e-9) | (grid_s > time_s[-1] + 1e-9)
    out[outside] = np.nan
    return out


def c3d_points(clip: ClipData) -> tuple[np.ndarray, np.ndarray, str, list[str]]:
    """(points ``(S, 33, 3)`` in C3D axes, sample times ``(S,)`` from the first frame, units
    ``"mm"`` or ``"px"``, notes). S = T unless the clip's frame rate varies (then resampled)."""
    frame = PictureFrame.of(clip)
    fwd, up = frame.forward_up(clip.image_xy)
    k = 1000.0 if frame.metres else 1.0
    xyz = np.stack([fwd * k, np.zeros_like(fwd), up * k], axis=-1)
    xyz[~np.isfinite(xyz).all(axis=-1)] = np.nan
    t = clip.time_s - clip.time_s[0]
    notes = []
    if clip.n_frames > 1 and not uniform_grid(t, clip.fps):
        grid = np.arange(int(np.floor(t[-1] * clip.fps + 1e-6)) + 1) / clip.fps
        xyz = resample(t, xyz, grid)
        notes.append(f"the clip's frame rate varies: its {clip.n_frames} frames were resampled "
                     f"(linear interpolation) to {len(grid)} samples at {clip.fps:.6g} Hz so that "
                     f"C3D's uniform time axis keeps the video's own times")
        t = grid
    return xyz, t, "mm" if frame.metres else "px", notes


def text_lines(text: str) -> list[str]:
    """A text as lines of at most TEXT_WIDTH characters (C3D strings stop at 255); a reader
    joins them with spaces."""
    return textwrap.wrap(text, TEXT_WIDTH) or [""]


def event_c3d_time_s(event_time_s: float, first_time_s: float, rate: float) -> float:
    """An event's time in the C3D: its time from the first frame plus one frame period
    (C3D frame 1 is at 1 / rate)."""
    return (event_time_s - first_time_s) + 1.0 / rate


def write_c3d(clip: ClipData, path: str | Path) -> tuple[Path, list[str]]:
    """Write ``clip`` as a C3D at ``path`` (atomically); return (path, notes for the user)."""
    ezc3d = require_ezc3d()
    path = Path(path)
    xyz, t, units, notes = c3d_points(clip)
    frame = PictureFrame.of(clip)
    rate = float(clip.fps)
    names = list(clip.landmark_names)

    c = ezc3d.c3d()
    c["parameters"]["POINT"]["RATE"]["value"] = np.array([rate])
    c["parameters"]["POINT"]["LABELS"]["value"] = names
    c["parameters"]["POINT"]["DESCRIPTIONS"]["value"] = [f"MediaPipe BlazePose {n}" for n in names]
    c["parameters"]["POINT"]["UNITS"]["value"] = [units]
    c.add_parameter("POINT", "X_SCREEN", "+X")
    c.add_parameter("POINT", "Y_SCREEN", "+Z")
    pts = np.ones((4, len(names), len(t)))
    pts[:3] = np.transpose(np.nan_to_num(xyz), (2, 1, 0))
    valid = np.isfinite(xyz).all(axis=-1).T                       # (33, S)
    pts[:3, ~valid] = 0.0
    c["data"]["points"] = pts
    c["data"]["meta_points"]["residuals"] = np.where(valid, 0.0, -1.0)[np.newaxis]
    c["data"]["analogs"] = np.zeros((1, 0, len(t)))

    ev = clip.events.sort_values("time_s", kind="stable")
    for side, kind, time_s in zip(ev["side"], ev["event"], ev["time_s"].astype(float)):
        if kind not in EVENT_LABELS or side not in EVENT_CONTEXTS:
            continue
        tc = event_c3d_time_s(time_s, clip.time_s[0], rate)
        minutes = float(np.floor(tc / 60.0))
        c.add_event(time=[minutes, tc - 60.0 * minutes], context=EVENT_CONTEXTS[side],
                    label=EVENT_LABELS[kind], description=f"footcam {kind}", subject="",
                    icon_id=EVENT_ICONS[kind], generic_flag=0)
    if clip.height_cm:
        c.add_parameter("PROCESSING", "Height", np.array([clip.height_cm * 10.0]),
                        "subject height, mm (from --height-cm)")
    c.add_parameter("FOOTCAM", "VERSION", clip.footcam_version or "unknown")
    c.add_parameter("FOOTCAM", "SOURCE", text_lines(clip.clip_name))
    c.add_parameter("FOOTCAM", "AXES", text_lines(frame.describe(AXES, "millimetres")))
    c.add_parameter("FOOTCAM", "TIMING", text_lines(
        notes[0] if notes else "one sample per video frame; C3D frame n (the first is 1) is at "
                               "n / POINT:RATE seconds"))
    if frame.metres:
        c.add_parameter("FOOTCAM", "PX_PER_M", np.array([float(frame.px_per_m)]))

    atomic_write_with(path, lambda tmp: c.write(str(tmp)), suffix=".tmp.c3d")
    return path, notes
