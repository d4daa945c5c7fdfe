"""``footcam report OUTDIR``: (re)write report.html from a finished clip folder."""
from __future__ import annotations

from pathlib import Path

import click

from . import handle_errors


@click.command("report")
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@handle_errors
def command(outdir: Path, quiet: bool):
    """Write OUTDIR/report.html from a `footcam analyze` output folder.

    One self-contained page (no network, prints on A4): clip facts and data quality, findings
    with their evidence, key values against typical ranges, gait-cycle curves, the event
    timeline and still frames. Sections whose data the folder lacks say so. When the folder
    has cycles.csv and analysis.json, summary.json (the findings) is recomputed first.
    """
    from ..findings import write_summary
    from ..fsutil import claim_output_dir
    from ..report.html import write_report
    from ..results import ClipResult

    claim_output_dir(outdir, ("clip",), inside=True)   # footcam's folder, writable

    if ClipResult.open(outdir).has("cycles.csv"):
        write_summary(outdir)
    path = write_report(outdir)
    if not quiet:
        click.echo(str(path))
