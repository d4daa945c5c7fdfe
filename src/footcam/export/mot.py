"""OpenSim motion file (.mot): every angle column of angles.csv over the video's own times.

The layout is OpenSim's Storage/STO format: a name line, ``version=1``, ``nRows``, ``nColumns``
(time included), ``inDegrees=yes``, ``endheader``, then a tab-separated header row starting with
``time`` and one row per frame. ``time`` is each frame's own timestamp (angles.csv ``time_s``),
never frame index × a rounded rate. An angle the view cannot measure is ``nan`` (as OpenSim writes NaN).

Column names are footcam's (``shared/ANGLES.md``), not an OpenSim model's coordinate names:
footcam's ``hip_flexion_deg`` is thigh-on-vertical and ``knee_flexion_deg`` is + for flexion,
whereas e.g. gait2392's ``hip_flexion_r`` is thigh-on-pelvis and its ``knee_angle_r`` is −
for flexion; renaming them would make them look like what they are not.
"""
from __future__ import annotations

from pathlib import Path

from ..fsutil import atomic_write_text
from ._read import ClipData
from ._text import data_rows

MOT_NAME = "angles.mot"
DECIMALS = 4


def mot_text(clip: ClipData, file_name: str = MOT_NAME) -> str:
    cols = clip.angle_columns
    values = clip.angles[list(cols)].to_numpy(float)
    n = clip.n_frames
    head = [file_name, "version=1", f"nRows={n}", f"nColumns={len(cols) + 1}", "inDegrees=yes",
            f"footcam={clip.footcam_version}", "endheader", "\t".join(("time", *cols))]
    rows = data_rows([f"{t:.6f}" for t in clip.time_s], values, DECIMALS, missing="nan")
    return "\n".join(head + rows) + "\n"


def write_mot(clip: ClipData, path: str | Path) -> Path:
    """Write ``clip``'s angles as a .mot at ``path`` (atomically); return the path."""
    path = Path(path)
    atomic_write_text(path, mot_text(clip, path.name))
    return path
