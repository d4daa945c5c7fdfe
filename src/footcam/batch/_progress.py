"""Progress of a batch on a terminal: an overall bar (done / failed / remaining, elapsed,
estimated time left) and the clips in flight, redrawn in place on stderr.

``Progress`` is what the batch runner reports to; ``NoProgress`` (quiet, or not a terminal)
ignores everything. The runner only calls the methods below, never prints.
"""
from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

from ._task import ClipResult


def _hms(s: float) -> str:
    s = int(round(s))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


class NoProgress:
    def checking(self, i: int, n: int) -> None: ...
    def begin(self, total: int, skipped: int) -> None: ...
    def started(self, key: str) -> None: ...
    def finished(self, result: ClipResult) -> None: ...
    def requeued(self, key: str) -> None: ...
    def tick(self) -> None: ...
    def message(self, text: str) -> None: ...
    def close(self) -> None: ...


class Progress(NoProgress):
    """Two lines redrawn in place:

    ``[#####---------------] 13/40 · 12 ok · 1 failed · 27 left · 3:20 elapsed · ~7:45 left``
    ``  in flight: p01/walk 1.mp4 (0:12), p02/walk.mov (0:03)``
    """

    def __init__(self, stream: TextIO | None = None, *, min_interval_s: float = 0.2):
        self.stream = stream or sys.stderr
        self.min_interval_s = min_interval_s
        self.total = self.skipped = self.done = self.failed = 0
        self.in_flight: dict[str, float] = {}
        self.t0 = time.monotonic()
        self._t_first = None            # when the first clip started (for the rate)
        self._drawn = 0                 # lines currently on screen
        self._last = 0.0
        self._begun = False

    # --- the runner's calls --------------------------------------------------------------------
    def checking(self, i: int, n: int) -> None:
        self._draw([f"checking finished outputs {i}/{n}"], force=i == n)

    def begin(self, total: int, skipped: int) -> None:
        self.total, self.skipped = total, skipped
        self.t0 = time.monotonic()
        self._begun = True
        self._draw(self._lines(), force=True)

    def started(self, key: str) -> None:
        now = time.monotonic()
        self._t_first = self._t_first or now
        self.in_flight[key] = now
        self._draw(self._lines())

    def finished(self, result: ClipResult) -> None:
        self.in_flight.pop(result.key, None)
        if result.ok:
            self.done += 1
        else:
            self.failed += 1
            self.message(f"failed: {result.key}: {result.error}")
        self._draw(self._lines(), force=True)

    def requeued(self, key: str) -> None:
        self.in_flight.pop(key, None)

    def tick(self) -> None:
        self._draw(self._lines())

    def message(self, text: str) -> None:
        """A line that stays (printed above the bar)."""
        self._clear()
        self.stream.write(text + "\n")
        self._draw(self._lines(), force=True)

    def close(self) -> None:
        self._draw(self._lines(), force=True)
        self.stream.write("\n" if self._drawn else "")
        self._drawn = 0
        self.stream.flush()

    # --- drawing ---------------------------------------------------------------------------------
    def _lines(self) -> list[str]:
        if not self._begun:
            return []
        width = shutil.get_terminal_size((100, 20)).columns - 1
        todo = self.total - self.skipped
        finished = self.done + self.failed
        left = todo - finished
        elapsed = time.monotonic() - self.t0
        bar_w = 20
        fill = round(bar_w * (finished / todo)) if todo else bar_w
        parts = [f"{finished + self.skipped}/{self.total}", f"{self.done + self.skipped} ok"
                 + (f" ({self.skipped} from before)" if self.skipped else "")]
        parts += [f"{self.failed} failed", f"{left} left", f"{_hms(elapsed)} elapsed"]
        if finished and left and self._t_first is not None:
            rate = finished / max(time.monotonic() - self._t_first, 1e-6)
            parts.append(f"~{_hms(left / rate)} left")
        elif left:
            parts.append("estimating time left")
        line1 = f"[{'#' * fill}{'-' * (bar_w - fill)}] " + " · ".join(parts)
        now = time.monotonic()
        flying = ", ".join(f"{k} ({_hms(now - t)})" for k, t in self.in_flight.items())
        line2 = f"  in flight: {flying}" if flying else ""
        return [x if len(x) <= width else x[: max(width - 1, 0)] + "…" for x in (line1, line2) if x]

    def _clear(self) -> None:
        if self._drawn:
            # up to the first drawn line, then clear to the end of the screen
            self.stream.write("\r" + "\x1b[1A" * (self._drawn - 1) + "\x1b[J")
            self._drawn = 0

    def _draw(self, lines: list[str], force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.min_interval_s:
            return
        self._last = now
        self._clear()
        self.stream.write("\n".join(lines))
        self.stream.flush()
        self._drawn = len(lines)


class LogProgress(NoProgress):
    """For -v when stderr is not a terminal: one plain line per clip, no redrawing."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.n = self.total = 0

    def begin(self, total: int, skipped: int) -> None:
        self.total, self.n = total, skipped

    def finished(self, result: ClipResult) -> None:
        self.n += 1
        what = f"ok ({result.seconds:.1f} s)" if result.ok else f"failed: {result.error}"
        self.message(f"[{self.n}/{self.total}] {result.key}: {what}")

    def message(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
