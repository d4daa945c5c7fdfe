"""``footcam toes PHOTO_OR_VIDEO``: toe splay and forefoot shape from a foot on a paper sheet."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from . import handle_errors


@click.command("toes")
@click.argument("media", type=click.Path(path_type=Path))
@click.option("--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default="a4",
              show_default=True, help="Size of the sheet under the foot.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: footcam-out/<file name>].")
@click.option("--overlay/--no-overlay", default=True, show_default=True,
              help="Write the annotated picture toes.png.")
@click.option("--json", "as_json", is_flag=True, help="Print toes.json instead of a summary.")
@click.option("-q", "--quiet", is_flag=True, help="No log on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="Debug log on stderr.")
@handle_errors
def command(media, paper, output, overlay, as_json, quiet, verbose):
    """Measure toe splay, foot length and widths from a top-down photo or video of one bare
    foot standing on a sheet of A4 or Letter paper.

    Writes toes.json (values, units, confidence, warnings) and toes.png (annotated top view).
    A measurement, not a diagnosis.
    """
    from ..toes import run

    logging.basicConfig(level=logging.WARNING if quiet else (logging.DEBUG if verbose else logging.INFO),
                        format="%(message)s")
    out_dir = output or Path("footcam-out") / media.stem
    if not quiet:
        click.echo(f"measuring {media.name} ...", err=True)
    d, paths = run(media, paper.lower(), out_dir, overlay)
    if as_json:
        click.echo(json.dumps(d, indent=2, ensure_ascii=False))
    else:
        from ..toes.outputs import summary_lines

        click.echo("\n".join(summary_lines(d)))
        click.echo(f"wrote {out_dir}")
