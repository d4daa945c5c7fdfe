"""``footcam batch DIR``: every video under a folder, in parallel, resumable."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import handle_errors
from ._options import EXPORT_OPTION, analysis_options, config_from_options

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_SOME_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _machine_summary(res) -> dict:
    return {
        "folder": str(res.root), "output": str(res.out), "clips": len(res.clips),
        "analysed": len(res.analysed), "already_done": len(res.skipped), "failed": len(res.failed),
        "not_done": res.not_done, "interrupted": res.interrupted,
        "elapsed_s": round(res.elapsed_s, 2), "executor": res.executor,
        "failures": [{"clip": r.key, "error_type": r.error_type, "error": r.error}
                     for r in sorted(res.failed, key=lambda r: r.key)],
        "files": {k: str(p) for k, p in res.files.items()},
    }


def _summary_lines(res) -> list[str]:
    parts = [f"{len(res.analysed)} analysed", f"{len(res.skipped)} already done",
             f"{len(res.failed)} failed"]
    if res.not_done:
        parts.append(f"{res.not_done} not done")
    n = len(res.clips)
    lines = [f"{n} clip{'s' if n != 1 else ''} under {res.root}: " + ", ".join(parts)
             + f" in {res.elapsed_s:.0f} s"]
    for r in sorted(res.failed, key=lambda r: r.key):
        lines.append(f"failed: {r.key}: {r.error}")
    if res.interrupted:
        lines.append("interrupted: finished clips are kept; run the same command again to resume")
    lines.append("wrote " + ", ".join(str(p) for p in res.files.values()))
    return lines


@click.command("batch", epilog="""\b
Exit codes:
  0  every clip was analysed (now or by an earlier run)
  1  the batch could not run (no videos, output folder not writable, no model, no cluster)
  2  usage error (a bad option)
  3  some clips failed: see OUT/failures.csv (the others are complete), or with
     --export, some folders could not be exported (listed on stdout)
  130 interrupted (Ctrl-C or kill): finished clips are kept; rerun to resume""")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: footcam-out/<FOLDER name>]. Each clip's folder mirrors "
                   "its path under FOLDER: p01/walk.mov → OUT/p01/walk_mov/.")
@click.option("-w", "--workers", type=click.IntRange(1), default=None,
              help="Local worker processes [default: one per CPU core this process may use].")
@click.option("--force", is_flag=True,
              help="Redo every clip, even those already done with the same input, configuration "
                   "and footcam version.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on an existing Dask cluster, e.g. tcp://host:8786 (needs footcam[dask]).")
@click.option("--dask-local", type=click.IntRange(1), metavar="N",
              help="Start a local Dask cluster of N worker processes and run on it (needs footcam[dask]).")
@click.option("--shared-storage/--no-shared-storage", default=True, show_default=True,
              help="With --scheduler: the workers read FOLDER and write OUT at the same paths "
                   "(shared storage), or clips are sent to them and results returned to this machine.")
@analysis_options
@click.option("--heights", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="CSV with the columns clip and height_cm: each clip's (or each folder's, e.g. "
                   "one per participant) height, for stride length and speed; over --height-cm.")
@click.option("--stills/--no-stills", default=True, show_default=True,
              help="Draw stills/*.png at each gait event for the reports, as `footcam analyze` does.")
@EXPORT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the batch summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or log on stderr.")
@click.option("-v", "--verbose", is_flag=True,
              help="Log every clip, why a clip is redone, and tracebacks of internal errors.")
@handle_errors
def command(folder, output, workers, force, scheduler, dask_local, shared_storage, heights, stills,
            export_formats, as_json, quiet, verbose, **options):
    """Analyse every video under FOLDER (recursively), several at a time.

    Each clip gets the same analysis and output folder as `footcam analyze`. Videos are
    .mp4 .mov .m4v .avi .mkv .webm in any letter case. A clip that fails is listed in
    OUT/failures.csv and the batch goes on. Folders are written complete or not at all, so
    after Ctrl-C, kill or a crash, running the same command again resumes: clips whose folder
    records the same input (sha256), configuration and footcam version are skipped.
    At the end OUT/summary.csv has one row per clip and OUT/index.html links every report.
    """
    from ..batch import LogProgress, NoProgress, Progress, run_batch
    if scheduler and dask_local:
        raise click.UsageError("use either --scheduler (an existing cluster) or --dask-local (a new one)")
    if workers and (scheduler or dask_local):
        raise click.UsageError("--workers sets local processes; on Dask the cluster's workers run the clips")
    if not shared_storage and not scheduler:
        raise click.UsageError("--no-shared-storage applies to a remote cluster (--scheduler)")
    cfg = config_from_options(**options)
    if "c3d" in export_formats:
        from ..export import require_ezc3d

        require_ezc3d()                 # before the batch, not after it
    out = output or Path("footcam-out") / (folder.resolve().name or "batch")
    if quiet:
        progress, log = NoProgress(), (lambda m: None)
    elif sys.stderr.isatty():
        progress = Progress(sys.stderr)
        log = progress.message if verbose else (lambda m: None)
    elif verbose:
        progress = LogProgress(sys.stderr)
        log = progress.message
    else:
        progress, log = NoProgress(), (lambda m: None)
    try:
        res = run_batch(folder, out, cfg, workers=workers, scheduler=scheduler, dask_local=dask_local,
                        shared_storage=shared_storage, force=force, heights=heights,
                        stills=stills, progress=progress, log=log)
    except KeyboardInterrupt:     # before or after the clips ran (during them run_batch handles it)
        click.echo("interrupted: finished clips are kept; run the same command again to resume", err=True)
        sys.exit(EXIT_INTERRUPTED)
    export_failed = {}
    if export_formats and not res.interrupted:
        notes = (lambda m: click.echo(m, err=True)) if verbose and not quiet else (lambda m: None)
        export_failed = _export_all(res, export_formats, notes)
    if as_json:
        summary = _machine_summary(res)
        if export_formats:
            summary["export_failures"] = [{"clip": k, "error": e} for k, e in export_failed.items()]
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(_summary_lines(res)
                             + [f"export failed: {k}: {e}" for k, e in export_failed.items()]))
    if res.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_SOME_FAILED if res.failed or export_failed else EXIT_OK)


def _export_all(res, formats, log) -> dict[str, str]:
    """Export every finished clip folder (analysed now or by an earlier run) in ``formats``;
    {clip: error} of those that could not be exported (the others are written)."""
    from ..errors import FootcamError
    from ..export import export

    done = set(res.skipped) | {r.key for r in res.analysed}
    failed = {}
    for c in sorted(res.clips, key=lambda c: c.key):
        if c.key not in done:
            continue
        try:
            for note in export(res.out / c.out_rel, formats).notes:
                log(f"{c.key}: note: {note}")
        except FootcamError as e:
            failed[c.key] = e.detail
    return failed
