"""TensorFlow kept quiet: its Python warnings during fits, its C++ start-up lines on a command line.

SciKeras imports TensorFlow on every Keras backend, and TensorFlow's C++ code
writes its start-up lines straight to file descriptor 2, before Python's
logging and ``TF_CPP_MIN_LOG_LEVEL`` can reach them: absl's "All log messages
before absl::InitializeLog()", oneDNN's notice, "Could not find cuda drivers",
each once per import of TensorFlow (twice, in TensorFlow 2.21), then, at the
first fits, "failed call to cuInit" and "oneDNN supports DT_BOOL only ...". No
environment variable silences the first ones, so the command line runs with
its file descriptor 2 (which the worker processes it starts inherit) read
through a filter that drops these known lines and passes on everything else,
errors and tracebacks included.
"""

import contextlib
import logging
import os
import re
import sys
import threading

# absl's prefix after the severity letter: date, time, thread, file:line.
_ABSL = r"\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w.]+:\d+\] "
#: Whole lines of TensorFlow's start-up chatter, none of them an error of skrnn's.
_CHATTER = re.compile(
    "|".join([
        r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR",
        # Informational lines: oneDNN, cuda drivers, CPU instructions, devices created.
        rf"I{_ABSL}.*",
        r"To enable the following instructions: .* rebuild TensorFlow with the appropriate "
        r"compiler flags\.",
        # Warnings and errors known to be harmless on a machine without (or with) a GPU.
        rf"[WE]{_ABSL}(failed call to cuInit|oneDNN supports DT_BOOL only"
        r"|Unable to register cu\w+ factory|computation placer already registered"
        r"|TF-TRT Warning: Could not find TensorRT|Cannot dlopen some GPU libraries).*",
    ])
)  # fmt: skip
#: Written through the filter when its context ends: everything before it has passed.
_FLUSHED = b"\x00skrnn: standard error flushed\x00\n"


@contextlib.contextmanager
def quiet_tensorflow():
    """Keep TensorFlow's Python warnings (one per retraced function of a new model,
    harmless here) out of the output of a fit, wherever it runs; errors still show."""
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def without_tensorflow_chatter():
    """Run the body with file descriptor 2 passed through the filter of TensorFlow's
    start-up chatter, for this process and the processes it starts meanwhile.

    Lines are passed on whole and in order, as they come. When the body ends,
    file descriptor 2 is itself again; a worker process started meanwhile keeps
    writing through the filter for as long as it runs.
    """
    sys.stderr.flush()
    target = os.dup(2)
    read, write = os.pipe()
    flushed = threading.Event()
    threading.Thread(target=_forward, args=(read, target, flushed), daemon=True).start()
    os.dup2(write, 2)
    os.close(write)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.write(2, _FLUSHED)
        flushed.wait(timeout=10)
        os.dup2(target, 2)


def _forward(read, target, flushed):
    """Copy the lines arriving on `read` to `target`, but for TensorFlow's chatter."""
    pending = b""
    while chunk := os.read(read, 1 << 16):
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            if line + b"\n" == _FLUSHED:
                flushed.set()
            elif not _CHATTER.fullmatch(line.decode(errors="replace").rstrip("\r")):
                os.write(target, line + b"\n")
    if pending:
        os.write(target, pending)
    os.close(read)
    os.close(target)
