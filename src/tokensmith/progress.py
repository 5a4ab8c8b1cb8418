"""Progress of long work: a bar on a terminal, one line per phase in logs, nothing when quiet.

Work is reported as a sequence of named *phases* (counting, merges, pruning, ...). A phase that
ends within :data:`MIN_SECONDS` shows nothing at all, so short runs and in-memory corpora leave
no trace. Longer phases show, on standard error:

* on a terminal, a tqdm bar (it appears only after ``MIN_SECONDS``, and is cleared when the phase
  ends);
* otherwise (logs, pipes, CI), one line when the phase ends: ``sage: pruning done in 12.3 s``.

A phase that ends with an error prints nothing: the error is the last word.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_SECONDS = 1.0


class Phase:
    """One phase of work; use it as a context manager, or :meth:`close` it."""

    def __init__(self, progress: "Progress", name: str, total: int | None, unit: str, unit_scale: bool):
        self._progress, self.name = progress, name
        self._started = time.perf_counter()
        self._bar = None
        self._closed = False
        self.note = ""  # appended to the log line: what the phase produced (e.g. "8,000 merges")
        if progress.enabled and progress.on_terminal:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc=progress.describe(name), unit=unit, unit_scale=unit_scale,
                             delay=MIN_SECONDS, leave=False, file=progress.stream, dynamic_ncols=True)

    def update(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def set(self, done: int) -> None:
        """The amount of work done so far (absolute)."""
        if self._bar is not None:
            self._bar.update(done - self._bar.n)

    def status(self, text: str) -> None:
        """What the phase is doing now (shown beside the bar)."""
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=False)

    def close(self, ok: bool = True) -> None:
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.close()
            return
        seconds = time.perf_counter() - self._started
        if ok and self._progress.enabled and seconds >= MIN_SECONDS:
            note = f" ({self.note})" if self.note else ""
            print(f"{self._progress.describe(self.name)} done in {seconds:.1f} s{note}",
                  file=self._progress.stream, flush=True)

    def __enter__(self) -> "Phase":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.close(ok=kind is None)


class Progress:
    """Where and whether to report phases; ``label`` prefixes every phase (e.g. the method)."""

    def __init__(self, enabled: bool = True, label: str | None = None, stream: TextIO | None = None):
        self.enabled, self.label = bool(enabled), label
        self.stream = stream if stream is not None else sys.stderr

    @property
    def on_terminal(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def describe(self, name: str) -> str:
        return f"{self.label}: {name}" if self.label else name

    def phase(self, name: str, total: int | None = None, unit: str = "it", unit_scale: bool = False) -> Phase:
        return Phase(self, name, total, unit, unit_scale)


QUIET = Progress(enabled=False)


def bars_wanted(progress: bool, stream: TextIO | None = None) -> bool:
    """Whether a progress bar should be drawn: asked for, and on a terminal (a log gets the
    phase lines of :class:`Progress` instead of a bar's redraws)."""
    isatty = getattr(stream if stream is not None else sys.stderr, "isatty", None)
    return bool(progress and isatty and isatty())
