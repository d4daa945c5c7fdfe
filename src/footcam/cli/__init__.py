"""The ``footcam`` command line: Click commands only.

Each subcommand lives in its own module of this package; they parse options, call the library,
and turn footcam's errors into ``Error: ...`` on stderr with exit code 1 (2 for usage errors).
"""
from __future__ import annotations

import functools
import sys

import click

from .._version import __version__
from ..errors import FootcamError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def handle_errors(fn):
    """Turn a FootcamError into ``Error: <file>: <problem>`` on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except FootcamError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="footcam")
def main():
    """footcam: gait kinematics from an ordinary phone video.

    A measurement tool, never a diagnosis.
    """


def _register():
    # imported here so that `footcam --help` lists every command and each module stays small
    from importlib import import_module

    for mod in ("analyze", "models", "validate", "toes", "report", "batch", "overlay", "export"):
        try:
            m = import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as e:  # a command module not written yet
            if e.name != f"{__name__}.{mod}":
                raise
            continue
        main.add_command(m.command)


_register()
