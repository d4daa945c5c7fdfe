"""``footcam export OUTDIR --to trc,mot,c3d``: a clip's output folder in the field's formats."""
from __future__ import annotations

from pathlib import Path

import click

from . import handle_errors
from ._options import _formats


@click.command("export")
@click.argument("outdirs", metavar="OUTDIR...", nargs=-1, required=True,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--to", "formats", metavar="FORMATS", default="trc,mot,c3d", show_default=True,
              callback=_formats,
              help="Comma-separated: trc (OpenSim markers), mot (OpenSim angles), c3d (points "
                   "and gait events; needs footcam[export]).")
@click.option("-q", "--quiet", is_flag=True, help="No notes on stderr.")
@handle_errors
def command(outdirs, formats, quiet):
    """Write the results in OUTDIR (a `footcam analyze` output folder; several may be given)
    as OpenSim .trc (the cleaned landmarks) and .mot (every angle) and C3D (the landmarks and
    the gait events), beside its CSVs: landmarks.trc, angles.mot, landmarks.c3d.

    Markers are in the picture's plane (for a side view, the sagittal plane): forward (the
    walking direction), up, and depth 0 (one camera measures no depth); metres (C3D: mm) when
    the analysis had --height-cm and a side view, else pixels. Each file's header says which.
    """
    from ..export import export, require_ezc3d

    if "c3d" in formats:
        require_ezc3d()                  # before any folder is written
    for d in outdirs:
        res = export(d, formats)
        for path in res.files.values():
            click.echo(f"wrote {path}")
        if not quiet:
            for note in res.notes:
                click.echo(f"note: {d}: {note}", err=True)
