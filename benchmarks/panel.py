"""The panel case of the benchmark suite: ``skrnn compare`` on 20 series of 600 days.

    KERAS_BACKEND=jax python benchmarks/panel.py [--json FILE] [--write]

Writes a long CSV of 20 series x 600 business days and times, in a new
process, ``skrnn compare FILE --series-column series --value-column close
--horizon 5 --quick`` on it: the wall time of the whole command (start-up,
reading, every fit of the global networks and the per-series baselines, the
report), which the issue's target puts under a minute on 2 cores. The last line
of output is one JSON object with the seconds, the command and its table;
``--write`` also puts the figure into ``benchmarks/RESULTS.md``, in its own
section, which ``benchmarks/run.py`` keeps when it rewrites the report.

The series are real closes cut into 600-day pieces (AAPL, IBM and MSFT five
each, GOOG three, the S&P 500 two, from the bundled data), each put on the same
600 business days ending 2018-12-31: a panel of the size and the character of
real prices, sharing the calendar that a panel's split by date needs. The
dates are not the pieces' own; the timing does not depend on them.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
N_DAYS = 600
PIECES = {"AAPL": 5, "IBM": 5, "MSFT": 5, "GOOG": 3}  # and the S&P 500 twice: 20 series
COMMAND = ["--horizon", "5", "--quick"]


def panel_frame():
    """The 20 x 600 long table: columns series, date, close."""
    from skrnn.datasets import load_sp500, load_wiki_stocks

    wiki = load_wiki_stocks()["Close"]
    closes = {ticker: wiki.loc[ticker].to_numpy() for ticker in PIECES}
    closes["SP500"] = load_sp500().iloc[:, 0].to_numpy()
    dates = pd.bdate_range(end="2018-12-31", periods=N_DAYS)
    parts = []
    for ticker, values in closes.items():
        for k in range(PIECES.get(ticker, 2)):
            piece = values[k * N_DAYS : (k + 1) * N_DAYS]
            parts.append(
                pd.DataFrame({"series": f"{ticker}_{k + 1}", "date": dates, "close": piece})
            )
    frame = pd.concat(parts, ignore_index=True)
    assert frame["series"].nunique() == 20 and np.isfinite(frame["close"]).all()
    return frame


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the result to this file")
    parser.add_argument("--write", action="store_true", help="also into RESULTS.md")
    parser.add_argument("--results", default=str(HERE / "RESULTS.md"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "panel.csv"
        panel_frame().to_csv(path, index=False)
        command = [
            sys.executable, "-m", "skrnn.cli", "compare", str(path), "--series-column",
            "series", "--value-column", "close", *COMMAND, "--out", str(Path(folder) / "out"),
        ]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"skrnn compare failed: {done.stderr[-2000:]}")
    result = {
        "backend": os.environ.get("KERAS_BACKEND", "default"),
        "series": 20,
        "days": N_DAYS,
        "command": "skrnn compare panel.csv --series-column series --value-column close "
        + " ".join(COMMAND),
        "seconds": round(seconds, 2),
        "table": done.stdout.strip().splitlines(),
        "load_average": os.getloadavg(),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    if args.write:
        from skill import _write_section  # the sibling script's, one format for sections

        _write_section(Path(args.results), _report(result), "panel")
    print(json.dumps(result))


def _report(result):
    """The Markdown section of the panel case."""
    load = ", ".join(f"{x:.2f}" for x in result["load_average"])
    return "\n".join([
        "## `skrnn compare` on a panel: 20 series x 600 days",
        "",
        f"`KERAS_BACKEND={result['backend']} python benchmarks/panel.py --write`: "
        f"`{result['command']}` took **{result['seconds']:.1f} s** (the whole command: "
        "start-up, every fit, the report; target: under 60 s). Load average at the end: "
        f"{load}.",
        "",
        "```text",
        *result["table"],
        "```",
    ])  # fmt: skip


if __name__ == "__main__":
    main()
