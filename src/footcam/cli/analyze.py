"""``footcam analyze CLIP``: one clip → angles.csv, landmarks.csv, analysis.json (+ summary)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import handle_errors


def _summary_lines(a, out_dir: Path) -> list[str]:
    v = a.video
    fr = f"{v.fps:.2f} fps" + (" (variable)" if v.variable_frame_rate else "")
    lines = [f"{v.name}: {v.n_frames} frames, {v.duration_s:.1f} s, {fr}, "
             f"{a.rotation['analysed_wh'][0]}x{a.rotation['analysed_wh'][1]} upright"]
    det = int(a.raw.detected.sum())
    lines.append(f"person: found in {det}/{a.raw.n_frames} frames ({det / max(a.raw.n_frames, 1):.0%}); "
                 f"{a.selection['reason']}")
    for b in a.bouts:
        t = a.raw.time_s
        lines.append(f"bout {t[b.start]:.1f}-{t[b.stop - 1]:.1f} s: {b.view} view, "
                     f"{b.direction.replace('_', ' ')}")
    if a.clean.swapped.any():
        lines.append(f"leg labels corrected in {int(a.clean.swapped.sum())} frames")
    avail = [c for c, e in a.availability.items() if e["available"]]
    lines.append("angles: " + (", ".join(avail) if avail else "none for this view"))
    for c in ("ankle_dorsiflexion_deg_l", "ankle_dorsiflexion_deg_r", "knee_flexion_deg_l",
              "knee_flexion_deg_r", "hip_flexion_deg_l", "hip_flexion_deg_r", "trunk_extension_deg",
              "pelvic_rotation_deg", "foot_progression_deg_l", "foot_progression_deg_r"):
        s = a.angles[c].dropna()
        if len(s):
            lines.append(f"  {c:26s} range {s.min():6.1f} .. {s.max():6.1f} deg")
    for w in a.warnings:
        lines.append(f"warning: {w}")
    lines.append(f"wrote {out_dir}")
    return lines


def machine_summary(a, out_dir: Path) -> dict:
    from ..report.files import _jsonable

    return _jsonable({
        "clip": a.video.name, "output_dir": str(out_dir), "frames": a.raw.n_frames,
        "frames_with_pose": int(a.raw.detected.sum()), "fps": a.video.fps,
        "duration_s": a.video.duration_s,
        "bouts": [b.to_dict(a.raw.time_s) for b in a.bouts],
        "angles_available": [c for c, e in a.availability.items() if e["available"]],
        "leg_swaps_fixed": int(a.clean.swapped.sum()),
        "warnings": a.warnings,
    })


@click.command("analyze")
@click.argument("clip", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder for this clip [default: footcam-out/<clip name>].")
@click.option("--rotate", type=click.Choice(["auto", "0", "90", "180", "270"]), default="auto",
              show_default=True,
              help="Turn the picture clockwise by this much; 'auto' honours the display matrix and "
                   "detects pictures rotated without metadata.")
@click.option("--person", default="auto", show_default=True,
              help="Which person to follow: 'auto' (the walker) or a track number from analysis.json.")
@click.option("--model", default="full", show_default=True,
              help="Pose model: a name from `footcam models list` or a .task file.")
@click.option("--num-poses", type=click.IntRange(0, 10), default=0, show_default=True,
              help="People MediaPipe may find per frame; 0 = as many as a survey of sample frames sees.")
@click.option("--max-gap-s", type=click.FloatRange(0), default=0.25, show_default=True,
              help="Fill landmark gaps up to this long; longer gaps stay empty.")
@click.option("--cutoff-hz", type=click.FloatRange(0, min_open=True), default=6.0, show_default=True,
              help="Low-pass cut-off of the zero-lag Butterworth filter.")
@click.option("--filter-order", type=click.IntRange(1, 8), default=4, show_default=True)
@click.option("--no-filter", is_flag=True, help="Skip the low-pass filter.")
@click.option("--min-visibility", type=click.FloatRange(0, 1), default=0.3, show_default=True,
              help="Mask landmarks MediaPipe sees less well than this.")
@click.option("--fix-leg-swaps/--no-fix-leg-swaps", default=True, show_default=True,
              help="Keep left/right leg identity consistent through the clip.")
@click.option("--json", "as_json", is_flag=True, help="Print the machine summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or log on stderr.")
@handle_errors
def command(clip, output, rotate, person, model, num_poses, max_gap_s, cutoff_hz, filter_order,
            no_filter, min_visibility, fix_leg_swaps, as_json, quiet):
    """Analyse one walking clip: landmarks, per-frame joint angles, view and direction.

    Writes angles.csv, landmarks.csv and analysis.json into the output folder.
    """
    from ..config import Config
    from ..errors import ConfigError
    from ..pipeline import analyze_to_dir

    try:
        cfg = Config().with_options(
            video={"rotate": rotate},
            pose={"person": person, "model": model, "num_poses": num_poses},
            clean={"max_gap_s": max_gap_s, "cutoff_hz": cutoff_hz, "filter_order": filter_order,
                   "filter": "none" if no_filter else "butterworth",
                   "min_visibility": min_visibility, "fix_leg_swaps": fix_leg_swaps})
    except ConfigError as e:
        raise click.UsageError(str(e)) from None
    out_dir = output or Path("footcam-out") / clip.stem
    log = (lambda m: None) if quiet else (lambda m: click.echo(m, err=True))
    show_bar = not quiet and sys.stderr.isatty()
    bar = None

    def progress(i, n):
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=n, label=f"{clip.name}", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        a = analyze_to_dir(clip, out_dir, cfg, progress=progress if show_bar else None, log=log)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    out = out_dir
    if as_json:
        click.echo(json.dumps(machine_summary(a, out), indent=2))
    else:
        click.echo("\n".join(_summary_lines(a, out)))
