"""``footcam analyze CLIP``: one clip → angles.csv, landmarks.csv, analysis.json (+ summary)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import handle_errors
from ._options import EXPORT_OPTION, analysis_options, config_from_options


def _finding_lines(out_dir: Path) -> list[str]:
    """The findings of summary.json in a line each (severity mild or marked); see report.html.
    When nothing was flagged, says whether rules were checked at all."""
    from ..errors import ResultError
    from ..results import ClipResult

    try:
        summary = ClipResult.open(out_dir).summary
    except ResultError:
        return []
    if summary is None:
        return []
    side_word = {"l": "left", "r": "right", "both": "both sides"}
    all_f = summary.get("findings") or []
    found = [f"finding ({f['severity']}, {side_word.get(f.get('side'), f.get('side'))}): {f['title']}"
             for f in all_f if f.get("severity") in ("mild", "marked")]
    if found:
        return found
    if all_f:
        return [f"findings: {len(all_f)} rule{'s' if len(all_f) != 1 else ''} checked, nothing "
                f"outside footcam's limits (details in report.html)"]
    if (summary.get("activity") or {}).get("kind") == "running":
        return ["findings: none rated: the clip shows running, and footcam's rules are for walking "
                "(the running values are in report.html)"]
    nm = summary.get("not_measurable") or []
    why = nm[0].get("why") if nm and isinstance(nm[0], dict) else None
    return ["findings: no rule could be checked" + (f": {why}" if why else "")
            + " (details in report.html)"]


def _bout_words(b) -> str:
    words = f"{b.view} view, {b.direction.replace('_', ' ')}"
    if b.view in ("side", "oblique") and b.direction_sign:
        facing = "right" if b.direction_sign > 0 else "left"
        if b.backward:
            words += f", facing {facing}: moving backward (walking backward, or a clip played in reverse)"
        elif not b.travel_sign:
            words += f", facing {facing}"
    if b.activity:
        words += f", {b.activity}"
    return words


def _export_notes(res, log) -> None:
    for note in res.notes:
        log(f"note: {note}")


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
        lines.append(f"bout {t[b.start]:.1f}-{t[b.stop - 1]:.1f} s: {_bout_words(b)}")
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
    tr = a.trust or {}
    gated = sum(g["gated"] for g in (tr.get("gated") or {}).values())
    masked = (tr.get("skeleton_frames_masked") or {}).get("frames", 0)
    left = len(tr.get("cycles_left_out") or [])
    if gated or masked or left:
        parts = []
        if masked:
            parts.append(f"{masked} frame{'s' if masked != 1 else ''} with an impossible skeleton")
        if gated:
            parts.append(f"{gated} angle value{'s' if gated != 1 else ''} no body reaches")
        if left:
            parts.append(f"{left} implausible gait cycle{'s' if left != 1 else ''}")
        lines.append("not trusted, left out: " + "; ".join(parts) + " (why: analysis.json, report.html)")
    for w in a.warnings:
        lines.append(f"warning: {w}")
    lines += _finding_lines(out_dir)
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
@click.option("--person", default="auto", show_default=True,
              help="Which person to follow: 'auto' (the walker) or a track number from analysis.json.")
@analysis_options
@click.option("--overlay/--no-overlay", default=False, show_default=True,
              help="Also draw overlay.mp4 (the annotated video).")
@click.option("--stills/--no-stills", default=True, show_default=True,
              help="Draw stills/*.png (the picture with the skeleton) at each gait event for the "
                   "report.")
@EXPORT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the machine summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or log on stderr.")
@handle_errors
def command(clip, output, person, overlay, stills, export_formats, as_json, quiet, **options):
    """Analyse one walking clip: landmarks, per-frame joint angles, view and direction.

    Writes angles.csv, landmarks.csv, events.csv, cycles.csv, curves.csv, analysis.json,
    summary.json (findings), stills/ and report.html into the output folder.
    """
    from ..pipeline import analyze_to_dir

    cfg = config_from_options(person=person, **options)
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

    # drawn into the staged folder: part of its atomic rename (the overlay pass draws the
    # stills too, so they are not drawn twice)
    extras = ()
    if export_formats:
        from ..export import export, require_ezc3d

        if "c3d" in export_formats:
            require_ezc3d()              # before the analysis, not after it
        extras += (lambda folder: _export_notes(export(folder, export_formats), log),)
    if overlay:
        from ..overlay import render_overlay
        extras += (lambda folder: render_overlay(folder, stills=stills, log=log),)
    try:
        a = analyze_to_dir(clip, out_dir, cfg, progress=progress if show_bar else None, log=log,
                           extras=extras, stills=stills and not overlay)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    out = out_dir
    if as_json:
        click.echo(json.dumps(machine_summary(a, out), indent=2))
    else:
        click.echo("\n".join(_summary_lines(a, out)))
