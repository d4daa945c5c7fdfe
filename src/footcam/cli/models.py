"""``footcam models``: list, locate, provision and verify pose models.

Results (paths, tables, JSON) go to stdout; what is downloaded and built is logged on stderr.
"""
from __future__ import annotations

import json

import click

from . import handle_errors


def _logger(quiet: bool):
    def log(msg: str) -> None:
        if not quiet:
            click.echo(msg, err=True)
    return log


quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress messages on stderr.")


@click.group("models")
def command():
    """Pose models. The default, `full`, is built once from the Python package index and then
    works offline; Google's official bundles are fetched only on request."""


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def list_cmd(as_json):
    """The models footcam knows, and which are present."""
    from ..pose.models import list_models, models_dir

    rows = list_models()
    if as_json:
        click.echo(json.dumps({"models_dir": str(models_dir()), "models": rows}, indent=2))
        return
    click.echo(f"models folder: {models_dir()}")
    for r in rows:
        mark = "*" if r["default"] else " "
        state = f"present  sha256 {r['sha256'][:16]}…" if r["present"] else "missing"
        click.echo(f"{mark} {r['name']:15s} {state}\n    {r['description']}")


@command.command("path")
@click.argument("name", default="full")
@quiet_option
@handle_errors
def path_cmd(name, quiet):
    """Print the path of model NAME (default `full`, built first if missing)."""
    from ..pose.models import resolve_model

    click.echo(resolve_model(name, log=_logger(quiet)).path)


@command.command("fetch")
@click.option("--official", type=click.Choice(["lite", "full", "heavy"]),
              help="Download Google's official bundle (needs a network to Google's storage).")
@click.option("--from-wheel", "wheel", type=click.Path(exists=True, dir_okay=False),
              help="Build the default model from this mediapipe 0.10.14 wheel instead of "
                   "downloading it (for machines without the package index).")
@click.option("--force", is_flag=True, help="Rebuild / download again even if present.")
@quiet_option
@handle_errors
def fetch_cmd(official, wheel, force, quiet):
    """Provision a model and print its path: by default build `full` from the package index."""
    from ..pose.models import MODELS, build_default, fetch_official, models_dir, resolve_model

    if official and wheel:
        raise click.UsageError("--official and --from-wheel exclude each other")
    log = _logger(quiet)
    name = f"official-{official}" if official else "full"
    target = models_dir() / MODELS[name]["file"]
    if target.exists() and not force:
        log(f"footcam: {name} is already present (use --force to replace it)")
    elif official:
        fetch_official(official, log=log)
    else:
        build_default(target, log=log, wheel=wheel)
    click.echo(resolve_model(name, build=False).path)


@command.command("verify")
@click.argument("name", default="full")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def verify_cmd(name, as_json):
    """Check model NAME (or a .task file): sha256 against its record, and that MediaPipe
    loads and runs it."""
    from ..pose.models import verify

    r = verify(name)
    if as_json:
        click.echo(json.dumps(r, indent=2))
        return
    record = {True: "matches its record", None: "no record to compare"}[r["sha256_matches_record"]]
    click.echo(f"{r['name']}: ok: sha256 {r['sha256']} {record}; loads and runs")
