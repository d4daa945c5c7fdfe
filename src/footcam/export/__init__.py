"""Export a clip's output folder to the field's formats.

``export(folder, formats)`` writes, beside the folder's CSVs (or into ``out_dir``):

- ``landmarks.trc``: OpenSim markers (``trc.py``);
- ``angles.mot``: OpenSim motion, every angle column (``mot.py``);
- ``landmarks.c3d``: C3D points and gait events (``c3d.py``; needs ``footcam[export]``).

The coordinate frame of the markers is described in ``_frame.py`` and in each file's header.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OutputError
from ._read import ClipData, ExportError, read_clip
from .c3d import C3D_NAME, require_ezc3d, write_c3d
from .mot import MOT_NAME, write_mot
from .trc import TRC_NAME, write_trc

FORMATS: tuple[str, ...] = ("trc", "mot", "c3d")
FILE_NAMES = {"trc": TRC_NAME, "mot": MOT_NAME, "c3d": C3D_NAME}

__all__ = ["FORMATS", "ClipData", "ExportError", "Exported", "export", "parse_formats",
           "read_clip", "write_c3d", "write_mot", "write_trc"]


@dataclass
class Exported:
    """What ``export`` wrote: {format: path}, and notes the user should read."""

    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def parse_formats(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``"trc,mot"`` → ``("trc", "mot")``, in FORMATS order, each once; ExportError otherwise."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    wanted = {p.strip().lower() for p in parts if p.strip()}
    bad = sorted(wanted - set(FORMATS))
    if bad or not wanted:
        raise ExportError(f"unknown export format(s): {', '.join(bad) or '(none given)'}; "
                          f"choose from {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in wanted)


def export(folder: str | Path, formats=FORMATS, out_dir: str | Path | None = None) -> Exported:
    """Write the asked formats of one clip's output folder; return what was written.

    ``folder``: a ``footcam analyze`` output folder. ``formats``: any of ``FORMATS`` (or a
    comma-separated string). ``out_dir``: where to write (default: ``folder`` itself). Each file
    is written atomically. Raises ExportError (bad folder, ezc3d missing for C3D) or OutputError.
    """
    formats = parse_formats(formats)
    if "c3d" in formats:
        require_ezc3d()                      # before anything is written
    clip = read_clip(folder)
    out = Path(out_dir) if out_dir is not None else clip.folder
    result = Exported()
    try:
        for f in formats:
            path = out / FILE_NAMES[f]
            if f == "trc":
                result.files[f] = write_trc(clip, path)
            elif f == "mot":
                result.files[f] = write_mot(clip, path)
            else:
                result.files[f], notes = write_c3d(clip, path)
                result.notes += notes
    except OSError as e:
        raise OutputError(f"cannot write the export: {e.strerror or e}", out) from None
    if "trc" in formats and not clip.px_per_m:
        result.notes.append("landmarks.trc is in pixels (Units px): no scale without a side view "
                            "and --height-cm")
    return result
