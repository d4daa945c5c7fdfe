"""The toe-splay stage's exceptions: each says what was expected and what the photo shows."""
from __future__ import annotations

from ..errors import FootcamError


class ToesError(FootcamError):
    """A foot photo or video cannot be measured (the message says why)."""


class SheetError(ToesError):
    """No usable paper sheet: none found, partly out of frame, or seen too obliquely."""


class FootPlacementError(ToesError):
    """The foot is missing from the sheet, cut off, or there is more than one foot."""
