"""A progress bar for long runs: one line on stderr redrawn with a carriage return, no dependency.

It appears only when stderr is a terminal (never in logs, pipes or tests) and
only once a run has lasted ``delay`` seconds (counted from the first update, so
that start-up time does not count), so short runs print nothing extra.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

from ..i18n import tr


class ProgressBar:
    def __init__(self, total: int, stream: TextIO | None = None, delay: float = 1.0, width: int = 30,
                 lang: str = "en"):
        self.total, self.width, self.delay, self.lang = total, width, delay, lang
        self.stream = sys.stderr if stream is None else stream
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start: float | None = None   # set by the first update
        self.last_draw = 0.0
        self.drawn = 0   # length of the line on screen, 0 when none

    def update(self, done: int) -> None:
        """Redraw (at most ten times a second) after ``done`` of ``total`` units."""
        if not self.enabled:
            return
        now = time.monotonic()
        self.start = now if self.start is None else self.start
        elapsed = now - self.start
        if elapsed < self.delay or (now - self.last_draw < 0.1 and done < self.total):
            return
        filled = self.width * done // max(self.total, 1)
        left = elapsed / max(done, 1) * (self.total - done)
        line = (f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total}  "
                + tr(self.lang, "{elapsed:.1f} s, ~{left:.0f} s left", elapsed=elapsed, left=left))
        self.stream.write("\r" + line.ljust(self.drawn))
        self.stream.flush()
        self.drawn, self.last_draw = len(line), now

    def clear(self) -> None:
        """Erase the bar (before other output, and at the end)."""
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()
            self.drawn = 0
