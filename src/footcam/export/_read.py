"""Reading a clip's output folder for the exporters: the one place export/ opens its files.

This is deliberately small: it reads what the exporters need and nothing else. It will give way
to the typed reader of issue #14 (``footcam.results``) when that lands; only ``read_clip`` then
changes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..constants import ANGLE_COLUMNS, LANDMARK_NAMES, N_LANDMARKS
from ..errors import FootcamError

#: landmarks.csv writes time_s with 5 decimals, angles.csv with 4: they must agree to this
TIME_AGREEMENT_S = 1e-4
LANDMARK_COLUMNS = ("frame", "time_s", "landmark_id", "x_px", "y_px",
                    "world_x_m", "world_y_m", "world_z_m")


class ExportError(FootcamError):
    """The folder cannot be exported: not a footcam output folder, incomplete or inconsistent,
    or the format's optional library is missing."""


@dataclass(frozen=True)
class ClipData:
    """What the exporters read from one clip's output folder (``footcam analyze`` writes it).

    - ``time_s (T,)``: each frame's own timestamp from the video, seconds from the first frame.
    - ``image_xy (T, 33, 2)``: the cleaned landmarks in pixels, upright picture, origin top-left,
      y down (landmarks.csv ``x_px``/``y_px``); NaN where no landmark was kept.
    - ``world_xyz (T, 33, 3)``: MediaPipe's world landmarks, metres, origin between the hips.
    - ``angles``: angles.csv as written (T rows; ``ANGLE_COLUMNS`` in degrees).
    - ``events``: events.csv (``side`` l/r, ``event`` hs/to, ``time_s`` sub-frame, ``frame``).
    - ``fps``: the clip's mean frame rate (a float: 29.97 stays 29.97).
    - ``px_per_m``: the picture's scale in side views when the walker's height was given, else None.
    - ``bouts``: analysis.json's walking bouts (view, direction, direction_sign, frames).
    """

    folder: Path
    clip_name: str
    footcam_version: str
    time_s: np.ndarray
    image_xy: np.ndarray
    world_xyz: np.ndarray
    angles: pd.DataFrame
    events: pd.DataFrame
    fps: float
    variable_frame_rate: bool
    resolution_wh: tuple[int, int]
    px_per_m: float | None
    height_cm: float | None
    bouts: tuple[dict, ...]

    @property
    def n_frames(self) -> int:
        return int(self.time_s.shape[0])

    @property
    def angle_columns(self) -> tuple[str, ...]:
        """The angle columns of angles.csv, in the contract's order."""
        return tuple(c for c in ANGLE_COLUMNS if c in self.angles.columns)

    @property
    def landmark_names(self) -> tuple[str, ...]:
        return LANDMARK_NAMES


def _fail(folder: Path, problem: str):
    raise ExportError(problem, folder)


def _csv(folder: Path, name: str, **kw) -> pd.DataFrame:
    path = folder / name
    if not path.is_file():
        _fail(folder, f"incomplete footcam output folder: {name} is missing (rerun footcam analyze)")
    try:
        return pd.read_csv(path, **kw)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (OSError, ValueError, UnicodeDecodeError) as e:
        _fail(folder, f"{name} cannot be read ({type(e).__name__}: {e})")


def read_clip(folder: str | Path) -> ClipData:
    """Read and check one clip's output folder; raise ExportError naming what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        _fail(folder, "not a folder (expected a footcam output folder)")
    aj = folder / "analysis.json"
    if not aj.is_file():
        _fail(folder, "not a footcam output folder (no analysis.json)")
    try:
        a = json.loads(aj.read_text(encoding="utf-8"))
        video = a["video"]
        fps = float(video["fps"])
        wh = tuple(int(v) for v in video["rotation"]["analysed_wh"])
        n_total = int(a["frames"]["total"])
        scale = a.get("scale") or {}
        ppm = scale.get("px_per_m")
        height = scale.get("height_cm")
        bouts = tuple(a.get("bouts") or ())
        name = str((a.get("source") or {}).get("name") or video.get("name") or folder.name)
        version = str(a.get("footcam_version", ""))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        _fail(folder, f"analysis.json cannot be read ({type(e).__name__})")
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        _fail(folder, f"analysis.json lacks what the export needs ({e!r}); rerun footcam analyze")
    if not np.isfinite(fps) or fps <= 0:
        _fail(folder, f"analysis.json: the frame rate {fps} is not a positive number")

    angles = _csv(folder, "angles.csv")
    missing = [c for c in ("frame", "time_s") if c not in angles.columns]
    if missing:
        _fail(folder, f"angles.csv has no {', '.join(missing)} column")
    lm = _csv(folder, "landmarks.csv", usecols=lambda c: c in LANDMARK_COLUMNS)
    missing = [c for c in LANDMARK_COLUMNS if c not in lm.columns]
    if missing:
        _fail(folder, f"landmarks.csv has no {', '.join(missing)} column")
    events = _csv(folder, "events.csv")
    if len(events) and any(c not in events.columns for c in ("side", "event", "time_s", "frame")):
        _fail(folder, "events.csv lacks the columns side, event, time_s, frame")
    if events.empty:
        events = pd.DataFrame({"side": [], "event": [], "time_s": [], "frame": []})

    if len(angles) != n_total:
        _fail(folder, f"angles.csv has {len(angles)} rows, analysis.json says {n_total} frames")
    frame = lm["frame"].to_numpy()
    lid = lm["landmark_id"].to_numpy()
    if len(lm) != n_total * N_LANDMARKS or (len(lm) and (
            frame.min() < 0 or frame.max() >= n_total or lid.min() < 0 or lid.max() >= N_LANDMARKS)):
        _fail(folder, f"landmarks.csv does not hold {N_LANDMARKS} landmarks for each of the "
                      f"{n_total} frames")
    xy = np.full((n_total, N_LANDMARKS, 2), np.nan)
    world = np.full((n_total, N_LANDMARKS, 3), np.nan)
    xy[frame, lid] = lm[["x_px", "y_px"]].to_numpy(float)
    world[frame, lid] = lm[["world_x_m", "world_y_m", "world_z_m"]].to_numpy(float)
    time_s = np.full(n_total, np.nan)
    time_s[frame] = lm["time_s"].to_numpy(float)
    if np.isnan(time_s).any() or (n_total > 1 and np.any(np.diff(time_s) <= 0)):
        _fail(folder, "landmarks.csv: the frame times are missing or not increasing")
    t_angles = angles["time_s"].to_numpy(float)
    if np.nanmax(np.abs(t_angles - time_s), initial=0.0) > TIME_AGREEMENT_S:
        _fail(folder, "angles.csv and landmarks.csv disagree on the frame times")
    return ClipData(folder=folder, clip_name=name, footcam_version=version, time_s=time_s,
                    image_xy=xy, world_xyz=world, angles=angles, events=events, fps=fps,
                    variable_frame_rate=bool(video.get("variable_frame_rate", False)),
                    resolution_wh=(wh[0], wh[1]),
                    px_per_m=None if ppm is None else float(ppm),
                    height_cm=None if height is None else float(height), bouts=bouts)
