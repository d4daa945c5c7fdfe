"""The analysis options shared by ``footcam analyze`` and ``footcam batch``: one definition."""
from __future__ import annotations

import click

ANALYSIS_OPTIONS = (
    click.option("--rotate", type=click.Choice(["auto", "0", "90", "180", "270"]), default="auto",
                 show_default=True,
                 help="Turn the picture clockwise by this much; 'auto' honours the display matrix "
                      "and detects pictures rotated without metadata."),
    click.option("--model", default="full", show_default=True,
                 help="Pose model: a name from `footcam models list` or a .task file."),
    click.option("--num-poses", type=click.IntRange(0, 10), default=0, show_default=True,
                 help="People MediaPipe may track per frame; 0 = one, and two when MediaPipe "
                      "switches between people."),
    click.option("--max-gap-s", type=click.FloatRange(0), default=0.25, show_default=True,
                 help="Fill landmark gaps up to this long; longer gaps stay empty."),
    click.option("--cutoff-hz", type=click.FloatRange(0, min_open=True), default=6.0,
                 show_default=True, help="Low-pass cut-off of the zero-lag Butterworth filter."),
    click.option("--filter-order", type=click.IntRange(1, 8), default=4, show_default=True),
    click.option("--no-filter", is_flag=True, help="Skip the low-pass filter."),
    click.option("--min-visibility", type=click.FloatRange(0, 1), default=0.3, show_default=True,
                 help="Mask landmarks MediaPipe sees less well than this."),
    click.option("--fix-leg-swaps/--no-fix-leg-swaps", default=True, show_default=True,
                 help="Keep left/right leg identity consistent through the clip."),
    click.option("--refine-feet/--no-refine-feet", default=True, show_default=True,
                 help="Side views: measure each foot's angle from the picture (template tracking) "
                      "rather than from MediaPipe's heel and toe points alone."),
    click.option("--height-cm", type=click.FloatRange(50, 250), default=None,
                 help="The walker's height: adds stride and step length (m) and walking speed "
                      "(side views; scale from the leg length in the picture)."),
)
ANALYSIS_OPTION_NAMES = ("rotate", "model", "num_poses", "max_gap_s", "cutoff_hz", "filter_order",
                         "no_filter", "min_visibility", "fix_leg_swaps", "refine_feet", "height_cm")


def analysis_options(fn):
    for opt in reversed(ANALYSIS_OPTIONS):
        fn = opt(fn)
    return fn


def config_from_options(person: str = "auto", **o):
    """The Config for these option values; a bad combination is a usage error (exit 2)."""
    from ..config import Config
    from ..errors import ConfigError

    try:
        return Config().with_options(
            video={"rotate": o["rotate"]},
            pose={"person": person, "model": o["model"], "num_poses": o["num_poses"],
                  "refine_feet": o.get("refine_feet")},
            clean={"max_gap_s": o["max_gap_s"], "cutoff_hz": o["cutoff_hz"],
                   "filter_order": o["filter_order"],
                   "filter": "none" if o["no_filter"] else "butterworth",
                   "min_visibility": o["min_visibility"], "fix_leg_swaps": o["fix_leg_swaps"]},
            subject={"height_cm": o.get("height_cm")})
    except ConfigError as e:
        raise click.UsageError(str(e)) from None


def _formats(ctx, param, value):
    """``--to``/``--export`` text → a tuple of formats; a bad name is a usage error (exit 2)."""
    if value is None:
        return ()
    from ..export import ExportError, parse_formats

    try:
        return parse_formats(value)
    except ExportError as e:
        raise click.BadParameter(str(e)) from None


#: ``analyze`` and ``batch``: export each clip's folder once it is written
EXPORT_OPTION = click.option(
    "--export", "export_formats", metavar="FORMATS", default=None, callback=_formats,
    help="Also write each clip's folder in these formats, comma-separated: trc (OpenSim "
         "markers), mot (OpenSim angles), c3d (points and gait events; needs footcam[export]). "
         "See `footcam export`.")
