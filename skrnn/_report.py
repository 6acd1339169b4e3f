"""How a comparison reports as it runs: candidates in words, progress lines with a clock.

Shared by :func:`skrnn.model_selection.compare` and the ``skrnn`` command, which
prints the same words in its table.
"""

import sys
import time


def describe(params):
    """``"window=5 units=16 ..."``: a candidate's grid values, as the report prints them."""
    return " ".join(f"{k}={v}" for k, v in params.items()) or "-"


class Progress:
    """``[done/total mm:ss] message`` lines on standard error, counted by the caller."""

    def __init__(self, total, verbose):
        self.total, self.verbose = total, verbose
        self.done, self.start = 0, time.monotonic()

    def report(self, message):
        self.done += 1
        if self.verbose:
            self.say(message, count=True)

    def say(self, message, count=False):
        if count:
            clock = _clock(time.monotonic() - self.start)
            message = f"[{self.done:>{len(str(self.total))}}/{self.total} {clock}] {message}"
        print(message, file=sys.stderr, flush=True)


def _clock(seconds):
    """Elapsed whole seconds as ``mm:ss`` (minutes past 59 keep counting)."""
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes:02d}:{seconds:02d}"
