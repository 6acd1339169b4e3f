"""The benchmark suite's smoke run: every measurement, tiny sizes, one report."""

import json
import os
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def test_quick_benchmark_run_writes_its_report(tmp_path):
    report = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--out", str(report)],
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = report.read_text()
    for heading in ("## Targets", "## The lecture's workload", "## Seconds per epoch",
                    "## Fixed costs", "## Memory", "## `skrnn compare`"):  # fmt: skip
        assert heading in text
    raw = json.loads(report.with_suffix(".json").read_text())
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    assert raw["backends"] == [backend]
    compare = raw["results"]["compare"][backend]["skrnn"]
    assert compare["table"][0].startswith("model ")
    assert {"results.csv", "learning_history.png", "predictions.png"} <= set(compare["written"])
