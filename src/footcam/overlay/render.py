"""Render ``overlay.mp4`` (and, in the same pass, the key-frame stills) from a finished clip
folder: the source decoded again with the analysis' rotation, every frame drawn by
:class:`footcam.overlay.frames.FramePainter` and encoded with its own timestamp. No pose
estimation runs. Frames and landmark rows are streamed, so memory does not grow with the
clip's length.
"""
from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Callable

import numpy as np

from .frames import FramePainter, frames, load_inputs
from .stills import StillCollector

OVERLAY_NAME = "overlay.mp4"

Progress = Callable[[int, int], None]


def render_overlay(out_dir: str | Path, *, progress: Progress | None = None,
                   source: str | Path | None = None, stills: bool = False,
                   crf: int | None = None, preset: str | None = None,
                   log: Callable[[str], None] | None = None) -> Path:
    """Write ``out_dir/overlay.mp4`` from a finished analysis folder (no pose estimation).

    With ``stills=True`` the key-frame PNGs (:func:`footcam.overlay.stills.write_stills`) are
    written in the same pass (``log`` hears how many, or why none). Returns the video's path.
    Raises FootcamError subclasses (ResultError for the folder); an earlier overlay.mp4 stays until the new one is complete.
    """
    from ..video.writer import DEFAULT_CRF, DEFAULT_PRESET, H264Writer

    inp = load_inputs(out_dir, source)
    painter = FramePainter(inp)
    out = inp.out_dir / OVERLAY_NAME
    collector = StillCollector(inp, painter) if stills else None
    fps = float(inp.info.fps) if inp.info.fps and np.isfinite(inp.info.fps) else 30.0
    dts = np.diff(np.asarray(inp.info.time_s))
    last = float(np.median(dts)) if len(dts) else 1.0 / fps
    writer = H264Writer(out, painter.size_wh, fps_hint=fps, crf=crf or DEFAULT_CRF,
                        preset=preset or DEFAULT_PRESET)
    try:
        n = 0
        with closing(frames(inp)) as it:
            for i, t, img, xy, vis in it:
                full, pic, xy_out = painter.frame(img, i, t, xy, vis)
                writer.write(full, t)
                if collector is not None and collector.wants(i):
                    collector.offer(i, pic, xy_out)
                n += 1
                if progress:
                    progress(n, inp.n_frames)
        writer.close(last_frame_s=last)
    except BaseException:
        writer.abort()
        raise
    if collector is not None:
        if inp.events is not None:
            collector.finish()
        if log:
            log(collector.note())
    return out
