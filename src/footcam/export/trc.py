"""OpenSim marker file (.trc): the cleaned landmarks, one marker per BlazePose landmark.

The layout is the published TRC format as OpenSim's TRCFileAdapter reads it (``PathFileType 4``;
the eight keys DataRate … OrigNumFrames; a marker-name line and an X1 Y1 Z1 … line; a blank line;
one tab-separated row per frame with ``Frame#`` from 1 and ``Time``). A marker that is missing in
a frame has its three fields empty (OpenSim reads NaN).

Axes are OpenSim's: X forward, Y up, Z to the walker's right (see ``_frame.py``: Z is 0, one
camera measures no depth). Marker names are MediaPipe's own landmark names (``left_heel``,
``right_foot_index``, …): valid OpenSim identifiers, for a marker set of a BlazePose-based model
(Pose2Sim's BlazePose marker set also starts from MediaPipe's names, e.g. ``nose``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..fsutil import atomic_write_text
from ._frame import PictureFrame
from ._read import ClipData
from ._text import data_rows

TRC_NAME = "landmarks.trc"
KEYS = ("DataRate", "CameraRate", "NumFrames", "NumMarkers", "Units", "OrigDataRate",
        "OrigDataStartFrame", "OrigNumFrames")
AXES = "OpenSim axes: X {forward}, Y up, Z toward the walker's right"
DECIMALS = {"m": 6, "px": 3}


def rate_text(fps: float) -> str:
    """The frame rate as written: every digit that matters (29.97002997, not 29.97 or 30)."""
    return f"{fps:.10g}"


def trc_markers(clip: ClipData) -> tuple[np.ndarray, str]:
    """(markers ``(T, 33, 3)`` in OpenSim axes, units ``"m"`` or ``"px"``); NaN where missing."""
    frame = PictureFrame.of(clip)
    fwd, up = frame.forward_up(clip.image_xy)
    xyz = np.stack([fwd, up, np.where(np.isfinite(fwd + up), 0.0, np.nan)], axis=-1)
    xyz[~np.isfinite(xyz).all(axis=-1)] = np.nan
    return xyz, "m" if frame.metres else "px"


def trc_text(clip: ClipData, file_name: str = TRC_NAME) -> str:
    xyz, units = trc_markers(clip)
    frame = PictureFrame.of(clip)
    names = clip.landmark_names
    n, m = clip.n_frames, len(names)
    rate = rate_text(clip.fps)
    head = [
        "\t".join(("PathFileType", "4", "(X/Y/Z)", file_name,
                   f"footcam {clip.footcam_version} from {clip.clip_name}: "
                   + frame.describe(AXES))),
        "\t".join(KEYS),
        "\t".join((rate, rate, str(n), str(m), units, rate, "1", str(n))),
        "\t".join(("Frame#", "Time", *(f"{nm}\t\t" for nm in names))).rstrip("\t"),
        "\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, m + 1)),
        "",
    ]
    lead = [f"{i + 1}\t{clip.time_s[i]:.6f}" for i in range(n)]
    rows = data_rows(lead, xyz.reshape(n, m * 3), DECIMALS[units], missing="")
    return "\n".join(head + rows) + "\n"


def write_trc(clip: ClipData, path: str | Path) -> Path:
    """Write ``clip``'s landmarks as a .trc at ``path`` (atomically); return the path."""
    path = Path(path)
    atomic_write_text(path, trc_text(clip, path.name))
    return path
