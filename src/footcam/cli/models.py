"""``footcam models``: list, locate, provision and verify pose models."""
from __future__ import annotations

import json

import click

from . import handle_errors


def _log(msg: str) -> None:
    click.echo(msg, err=True)


@click.group("models")
def command():
    """Pose models: the default works offline once built (from the package index)."""


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def list_cmd(as_json):
    """What models footcam knows, and which are present."""
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
@handle_errors
def path_cmd(name):
    """Print the path of a model (building the default one if missing)."""
    from ..pose.models import resolve_model

    click.echo(resolve_model(name, log=_log).path)


@command.command("fetch")
@click.option("--official", type=click.Choice(["lite", "full", "heavy"]),
              help="Download Google's official bundle instead (needs a network to Google's storage).")
@click.option("--force", is_flag=True, help="Rebuild/re-download even if present.")
@handle_errors
def fetch_cmd(official, force):
    """Provision a model: build the default from the package index, or fetch an official one."""
    from ..pose.models import MODELS, build_default, fetch_official, models_dir, resolve_model

    if official:
        p = fetch_official(official, log=_log)
        click.echo(p)
        return
    target = models_dir() / MODELS["full"]["file"]
    if force or not target.exists():
        build_default(target, log=_log)
    click.echo(resolve_model("full", build=False).path)


@command.command("verify")
@click.argument("name", default="full")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def verify_cmd(name, as_json):
    """Check a model's sha256 against its record and that MediaPipe loads and runs it."""
    from ..pose.models import verify

    r = verify(name)
    if as_json:
        click.echo(json.dumps(r, indent=2))
    else:
        click.echo(f"{r['name']}: ok (sha256 {r['sha256']}, loads and runs)")
