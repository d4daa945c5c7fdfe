"""``ClipResult``: one clip's output folder (``footcam analyze``), read back typed and read-only.

The folder's layout (what ``footcam analyze`` writes)::

    analysis.json   the manifest: video facts, configuration, bouts, warnings (written last)
    angles.csv      one row per frame: every angle, bout, view, pose quality
    landmarks.csv   one row per frame and landmark (cleaned and raw)
    events.csv      heel strikes and toe offs
    cycles.csv      one row per gait cycle and side (empty when there is none)
    curves.csv      mean ± SD of each angle over the gait cycle (long form)
    summary.json    findings (footcam.findings; optional)
    stills/         PNGs at gait events, named <side>_<event>_<time>s.png (optional)
    toes.json, toes.png   toe splay from `footcam toes PHOTO -o FOLDER` (optional)
    report.html, overlay.mp4   made from the above (optional)

Usage::

    clip = ClipResult.open("footcam-out/walk")    # checks analysis.json and its schema, once
    clip.video.fps, clip.bouts[0].view, clip.config.clean.cutoff_hz
    clip.angles, clip.events, clip.cycles, clip.curves   # DataFrames, read on first use
    clip.summary                                  # dict, or None before the findings ran
    clip.stills                                   # Still per PNG in stills/, in clip order

The always-written tables raise ResultError ("events.csv is missing (rerun footcam analyze)")
when absent; ``clip.has(name)`` says whether a file is there for readers that do without it.
"""
from __future__ import annotations

import copy
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd

from ..constants import N_LANDMARKS, SIDES
from ..errors import ConfigError
from ._folder import OutputFolder

ANALYSIS_JSON = "analysis.json"
ANGLES_CSV = "angles.csv"
LANDMARKS_CSV = "landmarks.csv"
EVENTS_CSV = "events.csv"
CYCLES_CSV = "cycles.csv"
CURVES_CSV = "curves.csv"
SUMMARY_JSON = "summary.json"
STILLS_DIR = "stills"
TOES_JSON = "toes.json"
TOES_PNG = "toes.png"

#: summary.json and toes.json schema major versions this footcam reads
SUMMARY_SCHEMA_READS = 1
TOES_SCHEMA_READS = 1

EVENT_KINDS = ("hs", "to")
EVENTS_COLUMNS = ("side", "event", "time_s", "frame")
CYCLES_COLUMNS = ("side", "start_s", "end_s")
CURVES_COLUMNS = ("angle", "side", "pct", "mean", "sd", "n")
LANDMARK_COLUMNS = ["frame", "time_s", "landmark_id", "x_px", "y_px", "visibility"]

#: footcam's own still names (``r_hs_1.23s.png``: right heel strike at 1.23 s)
STILL_NAME = re.compile(r"^(l|r)_(hs|to)_\d+\.\d\ds\.png$")
_STILL_TIME = re.compile(r"(\d+(?:\.\d+)?)s\.png$")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def still_name(event: str, side: str, time_s: float) -> str:
    """The file name of the still of one gait event."""
    return f"{side}_{event}_{time_s:.2f}s.png"


# --- typed facts -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rotation:
    """How the analysis turned the picture upright (counter-clockwise degrees)."""

    content_ccw_deg: int          # turned by footcam (a picture rotated without metadata)
    total_ccw_deg: int            # display-matrix rotation + content rotation
    analysed_wh: tuple[int, int]  # the upright picture size the landmarks refer to


@dataclass(frozen=True)
class VideoFacts:
    """The analysed video, as analysis.json records it."""

    name: str
    path: str
    sha256: str | None
    size_bytes: int | None
    fps: float
    n_frames: int
    duration_s: float
    variable_frame_rate: bool
    display_wh: tuple[int, int] | None
    rotation: Rotation


@dataclass(frozen=True)
class BoutFacts:
    """One walking bout (see footcam.types.Bout), frames ``start_frame`` .. ``stop_frame - 1``."""

    start_frame: int
    stop_frame: int
    start_s: float | None
    stop_s: float | None
    view: str
    direction: str
    direction_sign: int
    confidence: float | None


@dataclass(frozen=True)
class Still:
    """One PNG in stills/. ``side``/``event``/``time_s`` come from footcam's own names
    (None for another name)."""

    path: Path
    side: str | None
    event: str | None
    time_s: float | None

    @property
    def name(self) -> str:
        return self.path.name

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()

    @staticmethod
    def png_size(data: bytes) -> tuple[int, int] | None:
        """(width, height) from a PNG's header, or None when ``data`` is not a PNG."""
        if len(data) < 24 or data[:8] != _PNG_SIGNATURE or data[12:16] != b"IHDR":
            return None
        return struct.unpack(">II", data[16:24])


def _order(p: Path):
    """Stills in the order of the clip (the time in the name), then by name."""
    m = _STILL_TIME.search(p.name)
    return (float(m.group(1)) if m else float("inf"), p.name)


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x) if np.isfinite(x) else None


# --- the reader ---------------------------------------------------------------------------------

class ClipResult(OutputFolder):
    """One clip's output folder; see the module docstring. Open with ``ClipResult.open(path)``."""

    MANIFEST = ANALYSIS_JSON
    SCHEMA_READS = 1

    # --- analysis.json ------------------------------------------------------------------------

    @property
    def analysis(self) -> dict:
        """analysis.json as written (a copy: the reader stays read-only)."""
        return copy.deepcopy(self._manifest)

    @property
    def schema_version(self) -> str:
        return str(self._manifest["schema_version"])

    @property
    def footcam_version(self) -> str | None:
        v = self._manifest.get("footcam_version")
        return None if v is None else str(v)

    @property
    def name(self) -> str:
        """The clip's file name (``walk.mp4``)."""
        src = self._manifest.get("source") or {}
        vid = self._manifest.get("video") or {}
        return str(src.get("name") or vid.get("name") or "unnamed clip")

    @property
    def video(self) -> VideoFacts:
        def load():
            f = self._field
            rot = f("video", "rotation")
            try:
                wh = tuple(int(v) for v in f("video", "rotation", "analysed_wh"))
                rotation = Rotation(int(f("video", "rotation", "content_ccw_deg")),
                                    int(f("video", "rotation", "total_ccw_deg")), wh)
                src = f("source")
                dwh = (self._manifest["video"].get("display_wh"))
                return VideoFacts(
                    name=self.name, path=str(src.get("path") or ""), sha256=src.get("sha256"),
                    size_bytes=src.get("size_bytes"), fps=float(f("video", "fps")),
                    n_frames=int(f("frames", "total")),
                    duration_s=float(f("video", "duration_s")),
                    variable_frame_rate=bool(self._manifest["video"].get("variable_frame_rate")),
                    display_wh=tuple(int(v) for v in dwh) if dwh else None, rotation=rotation)
            except (TypeError, ValueError) as e:
                raise self.error(f"analysis.json has an unreadable video record ({e}; "
                                 f"rotation {rot!r})") from None
        return self._cached("video", load)

    @property
    def config(self):
        """The configuration the clip was analysed with (footcam.config.Config)."""
        from ..config import Config

        def load():
            try:
                return Config.from_dict(self._field("config"))
            except (ConfigError, TypeError, ValueError) as e:
                raise self.error(f"analysis.json has a configuration this footcam does not "
                                 f"read ({getattr(e, 'detail', e)})") from None
        return self._cached("config", load)

    @property
    def bouts(self) -> tuple[BoutFacts, ...]:
        def load():
            out = []
            for b in self._manifest.get("bouts") or []:
                if not isinstance(b, dict):
                    raise self.error("analysis.json: a bout is not an object")
                sign = b.get("direction_sign")
                out.append(BoutFacts(
                    start_frame=int(b.get("start_frame") or 0), stop_frame=int(b.get("stop_frame") or 0),
                    start_s=_num(b.get("start_s")), stop_s=_num(b.get("stop_s")),
                    view=str(b.get("view") or "unknown"), direction=str(b.get("direction") or ""),
                    direction_sign=int(np.sign(sign)) if _num(sign) is not None else 0,
                    confidence=_num(b.get("confidence"))))
            return tuple(out)
        return self._cached("bouts", load)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(str(w) for w in self._manifest.get("warnings") or [])

    # --- the tables ---------------------------------------------------------------------------

    @property
    def angles(self) -> pd.DataFrame:
        """angles.csv: one row per frame (``time_s``, every angle, ``bout``, ``view``, ...)."""
        return self._csv(ANGLES_CSV, ("time_s",))

    @property
    def events(self) -> pd.DataFrame:
        """events.csv in time order: ``side`` (l/r), ``event`` (hs/to), ``time_s``, ``frame``,
        ``confidence``, ``bout``. No row when no event was detected."""
        def load():
            df = self._csv(EVENTS_CSV, EVENTS_COLUMNS)
            if df.empty:
                return df
            t = pd.to_numeric(df["time_s"], errors="coerce")
            bad = (~df["side"].isin(SIDES) | ~df["event"].isin(EVENT_KINDS) | t.isna()
                   | pd.to_numeric(df["frame"], errors="coerce").isna())
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                r = df.iloc[i]
                raise self.error(f"events.csv line {i + 2} is not a gait event (side "
                                 f"{str(r['side'])!r}, event {str(r['event'])!r}, time_s "
                                 f"{r['time_s']}, frame {r['frame']}; expected l/r, hs/to and "
                                 f"numbers)")
            return df.assign(time_s=t.astype(float)).sort_values("time_s", kind="stable") \
                     .reset_index(drop=True)
        return self._cached("events", load).copy()

    @property
    def cycles(self) -> pd.DataFrame:
        """cycles.csv: one row per gait cycle and side (timing and key values); an empty
        table when the clip has no complete cycle."""
        def load():
            df = self._csv(CYCLES_CSV)
            if not df.empty:
                lack = [c for c in CYCLES_COLUMNS if c not in df.columns]
                if lack:
                    raise self.error(f"cycles.csv lacks the column{'s' if len(lack) > 1 else ''} "
                                     f"{', '.join(lack)} ({self.REMEDY})")
            return df
        return self._cached("cycles", load).copy()

    @property
    def curves(self) -> pd.DataFrame:
        """curves.csv: each angle over the gait cycle, long form (``angle`` base name, ``side``,
        ``pct`` 0..100, ``mean``, ``sd``, ``n``); see kinematics.cycles.cycle_curves."""
        return self._csv(CURVES_CSV, CURVES_COLUMNS)

    def iter_landmarks(self, chunk_frames: int = 256) -> Iterator[tuple[int, float, np.ndarray, np.ndarray]]:
        """Yield ``(frame, time_s, xy (33, 2), visibility (33,))`` from landmarks.csv (cleaned
        pixel positions), reading it in blocks of frames: memory does not grow with the clip."""
        self.require(LANDMARKS_CSV)
        path = self.path / LANDMARKS_CSV
        try:
            reader = pd.read_csv(path, usecols=LANDMARK_COLUMNS, chunksize=N_LANDMARKS * chunk_frames,
                                 dtype={"frame": np.int64, "landmark_id": np.int64})
        except (ValueError, OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
            raise self.error(f"landmarks.csv cannot be read ({type(e).__name__}: {e})") from None
        expect_ids = np.arange(N_LANDMARKS)
        with reader:
            for block in reader:
                n = len(block) // N_LANDMARKS
                if len(block) % N_LANDMARKS:
                    raise self.error(f"landmarks.csv: expected {N_LANDMARKS} rows per frame")
                ids = block["landmark_id"].to_numpy().reshape(n, N_LANDMARKS)
                if not (ids == expect_ids).all():
                    raise self.error("landmarks.csv: rows are not in frame/landmark order")
                fr = block["frame"].to_numpy().reshape(n, N_LANDMARKS)[:, 0]
                ts = block["time_s"].to_numpy().reshape(n, N_LANDMARKS)[:, 0]
                xy = block[["x_px", "y_px"]].to_numpy(np.float64).reshape(n, N_LANDMARKS, 2)
                vis = block["visibility"].to_numpy(np.float64).reshape(n, N_LANDMARKS)
                for k in range(n):
                    yield int(fr[k]), float(ts[k]), xy[k], vis[k]

    # --- optional parts ------------------------------------------------------------------------

    @property
    def summary(self) -> dict | None:
        """summary.json (the findings), or None when the folder has none yet."""
        if not self.has(SUMMARY_JSON):
            return None
        return copy.deepcopy(self._json(SUMMARY_JSON, schema_reads=SUMMARY_SCHEMA_READS))

    @property
    def stills(self) -> tuple[Still, ...]:
        """Every PNG file in stills/, in the order of the clip (empty without stills/)."""
        def load():
            d = self.path / STILLS_DIR
            if not self.has(STILLS_DIR) or not d.is_dir():
                return ()
            out = []
            for p in sorted(d.glob("*.png"), key=_order):
                m = STILL_NAME.match(p.name)
                t = _STILL_TIME.search(p.name)
                out.append(Still(p, m.group(1) if m else None, m.group(2) if m else None,
                                 float(t.group(1)) if m and t else None))
            return tuple(out)
        return self._cached("stills", load)

    @property
    def toes(self) -> dict | None:
        """toes.json (from `footcam toes PHOTO -o FOLDER`), or None."""
        if not self.has(TOES_JSON):
            return None
        return copy.deepcopy(self._json(TOES_JSON, schema_reads=TOES_SCHEMA_READS))

    def file(self, name: str) -> Path | None:
        """The path of a file of the folder (``toes.png``, ``report.html``), or None."""
        return self.path / name if self.has(name) else None
