"""footcam's exceptions. Messages name the file and say what was expected and what was found.

The CLI is the one place that turns these into ``Error: ...`` on stderr and an exit code.
"""
from __future__ import annotations

from pathlib import Path


class FootcamError(Exception):
    """Base class: a problem the user can act on (bad input, missing model, ...)."""

    def __init__(self, message: str, path: str | Path | None = None):
        self.path = None if path is None else str(path)
        self.detail = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class VideoError(FootcamError):
    """The file is not a readable video with frames."""


class NoPersonError(FootcamError):
    """No person could be followed in the clip."""


class ModelError(FootcamError):
    """The pose model is missing, corrupt or cannot be provisioned."""


class OutputError(FootcamError):
    """Outputs cannot be written where asked."""


class ConfigError(FootcamError):
    """An option or configuration value is invalid."""


class ResultError(FootcamError):
    """A folder footcam is asked to read back (a clip's output folder, see footcam.results) is
    not one, was written by an incompatible footcam, lacks a file, or has one it cannot read."""
