"""``footcam overlay OUTDIR``: (re)render overlay.mp4 and the key-frame stills from a finished
analysis folder, without running pose estimation again."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import handle_errors


#: overlay.mp4 and the stills per frame and pixel: measured on sample_videos/normal_side.mp4
#: (120 frames of 1280x720: overlay.mp4 0.66 MB, stills 1.8 MB), plus a quarter
BYTES_PER_FRAME_PIXEL = 0.028


def _expected_bytes(outdir: Path) -> int:
    """About how much overlay.mp4 and stills/ take, from analysis.json (0 when unreadable:
    the overlay then says what is wrong with the folder)."""
    try:
        a = json.loads((outdir / "analysis.json").read_text(encoding="utf-8"))
        w, h = a["video"]["display_wh"]
        return int(a["frames"]["total"] * w * h * BYTES_PER_FRAME_PIXEL)
    except (OSError, ValueError, KeyError, TypeError):
        return 0


@click.command("overlay")
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--source", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The analysed clip, if it has moved since the analysis (checked by sha256).")
@click.option("--stills/--no-stills", default=True, show_default=True,
              help="Also write stills/*.png at each heel strike and toe off (for the report).")
@click.option("-q", "--quiet", is_flag=True, help="No progress or log on stderr.")
@handle_errors
def command(outdir: Path, source: Path | None, stills: bool, quiet: bool):
    """Draw OUTDIR/overlay.mp4 from a `footcam analyze` output folder.

    The source video with the measured skeleton (left orange-red, right blue; dashed where
    MediaPipe saw poorly), joint angles with arcs, a live chart of ankle dorsiflexion and trunk
    extension, heel-strike/toe-off markers, the findings, and a red border on frames without a
    pose. H.264 MP4 with the source's own frame timing; plays in browsers and on phones.
    Prints the video's path.
    """
    from ..fsutil import claim_output_dir
    from ..overlay import render_overlay

    # before the work: footcam's folder, writable, with room for overlay.mp4 and the stills
    claim_output_dir(outdir, ("clip",), inside=True, need_bytes=_expected_bytes(outdir))
    log = (lambda m: None) if quiet else (lambda m: click.echo(m, err=True))
    bar = None

    def progress(i, n):
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=n, label="overlay", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    show_bar = not quiet and sys.stderr.isatty()
    try:
        path = render_overlay(outdir, source=source, stills=stills, log=log,
                              progress=progress if show_bar else None)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(str(path))
