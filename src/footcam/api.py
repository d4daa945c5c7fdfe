"""footcam from Python: ``analyze`` a clip, ``open_results`` of a folder it wrote.

Imported by ``footcam/__init__.py``; everything heavy (MediaPipe, PyAV, OpenCV) is imported only
when a function runs, so ``import footcam`` stays light.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from .config import Config
    from .export import ClipData
    from .pipeline import Analysis


def analyze(path: str | Path, output: str | Path | None = None, *, height_cm: float | None = None,
            config: "Config | None" = None, stills: bool = True, export: str | Iterable[str] = (),
            progress: Callable[[int, int], None] | None = None,
            log: Callable[[str], None] | None = None) -> "Analysis":
    """Analyse one walking clip, as ``footcam analyze`` does, and return the result in memory.

    Parameters
    ----------
    path : the video file (anything FFmpeg reads; phone rotation is applied).
    output : a folder to write the clip's outputs into (angles.csv, events.csv, cycles.csv,
        curves.csv, landmarks.csv, analysis.json, summary.json, stills/, report.html), written
        atomically, exactly like ``footcam analyze CLIP -o OUTPUT``. ``None``: nothing is written.
    height_cm : the walker's height; adds stride/step length and walking speed in metres (side
        views) and metres in the exported markers. Overrides ``config.subject.height_cm``.
    config : a ``footcam.Config`` (defaults as the command line's); see ``footcam.config``.
    stills : with ``output``: draw stills/*.png at each gait event for the report.
    export : with ``output``: also write these formats into it (``"trc,mot,c3d"`` or a list;
        see ``footcam.export``; c3d needs ``footcam[export]``).
    progress : called as ``progress(frames_done, frames_total)`` while frames are decoded.
    log : called with each log line (nothing is printed otherwise).

    Returns
    -------
    Analysis, with (T = frames of the clip, in the video's order):

    - ``video``: VideoInfo: ``name``, ``fps`` (float: 29.97 stays 29.97), ``n_frames``,
      ``duration_s``, ``variable_frame_rate``, ``display_wh`` (px), ``sha256``.
    - ``angles``: DataFrame, T rows: ``frame``, ``time_s`` (the video's own timestamps, s), every
      angle column of ``footcam.constants.ANGLE_COLUMNS`` in degrees (``shared/ANGLES.md``;
      NaN where the view cannot measure it), ``bout``, ``view``, ``near_leg``, ``quality`` (0–1).
    - ``events``: DataFrame, one row per gait event: ``side`` (l/r), ``event`` (hs heel strike /
      to toe off), ``time_s`` (sub-frame, s), ``frame``, ``confidence``, ``bout``
      (+ ``position_m`` with a height).
    - ``cycles``: DataFrame, one row per gait cycle (heel strike to heel strike of one foot):
      times in s, ``stance_pct``, key angle values in degrees, lengths in m with a height.
    - ``pose``: the cleaned PoseSequence: ``time_s (T,)`` s, ``image_xy (T, 33, 2)`` px in the
      upright picture (origin top-left, y down), ``world_xyz (T, 33, 3)`` m (MediaPipe's world
      landmarks, origin between the hips), ``visibility (T, 33)``; ``raw`` holds the uncleaned one.
    - ``bouts``: list of Bout (``start``/``stop`` frames, ``view``, ``direction``).
    - ``availability``: {angle column: {"available": bool, "why": str}}.
    - ``scale``: {"height_cm", "px_per_m" (side views with a height, else None), "method"}.
    - ``warnings``: list of str, what the user should know about this clip.

    Raises
    ------
    footcam.errors.FootcamError (VideoError, NoPersonError, ModelError, OutputError,
    ConfigError): a problem with the input the user can act on; the message names the file.
    """
    from .config import Config
    from .pipeline import analyze_to_dir, analyze_video

    config = config or Config()
    if height_cm is not None:
        config = config.with_options(subject={"height_cm": float(height_cm)})
    log = log or (lambda m: None)
    if output is None:
        if export:
            from .errors import ConfigError

            raise ConfigError("export needs an output folder to write into (output=...)")
        return analyze_video(path, config, progress=progress, log=log)
    extras = ()
    if export:
        from .export import export as export_folder
        from .export import parse_formats, require_ezc3d

        formats = parse_formats(export)
        if "c3d" in formats:
            require_ezc3d()
        extras = (lambda folder: export_folder(folder, formats),)
    return analyze_to_dir(path, output, config, progress=progress, log=log, extras=extras,
                          stills=stills)


def open_results(folder: str | Path) -> "ClipData":
    """Read a clip's output folder (written by ``footcam analyze`` or ``footcam.analyze``).

    *Provisional*: this returns the exporters' reading of the folder (``footcam.export.ClipData``:
    ``time_s (T,)`` s, ``image_xy (T, 33, 2)`` px, ``world_xyz (T, 33, 3)`` m, ``angles`` and
    ``events`` DataFrames as in the CSVs, ``fps``, ``px_per_m``, ``height_cm``, ``bouts``). It
    will return footcam's one typed reader of output folders when that lands (issue #14), which
    adds the cycles, curves, summary and stills; the attributes above keep their names and units.

    Raises footcam.export.ExportError (a FootcamError) naming the folder and what is wrong.
    """
    from .export import read_clip

    return read_clip(folder)
