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


SKILL = RUN.parent / "skill.py"


def test_quick_skill_run_writes_its_section_and_run_keeps_it(tmp_path):
    report = tmp_path / "RESULTS.md"
    report.write_text("# skrnn benchmarks\n\nolder figures\n")
    done = subprocess.run(
        [sys.executable, str(SKILL), "--quick", "--json", str(tmp_path / "skill.json"),
         "--write", "--results", str(report)],
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    text = report.read_text()
    assert text.startswith("# skrnn benchmarks\n\nolder figures\n")
    assert "<!-- begin: skill -->\n## Skill on series with structure" in text
    for line in ("| lynx (yearly", "| sp500 (daily closes", "random walks, every selected"):
        assert line in text
    raw = json.loads((tmp_path / "skill.json").read_text())
    assert [r["series"] for r in raw["runs"]] == ["lynx", "sp500"]
    assert {"naive", "linear", "RNN"} <= set(raw["runs"][0]["models"])
    # The suite's report, rewritten, keeps the section.
    from importlib import util

    spec = util.spec_from_file_location("bench_run", RUN)
    run = util.module_from_spec(spec)
    spec.loader.exec_module(run)
    assert "<!-- begin: skill -->" in run._kept_sections(report)


def test_the_panel_case_is_twenty_series_of_six_hundred_days_on_one_calendar():
    from importlib import util

    spec = util.spec_from_file_location("bench_panel", RUN.parent / "panel.py")
    panel = util.module_from_spec(spec)
    spec.loader.exec_module(panel)
    frame = panel.panel_frame()
    sizes = frame.groupby("series").size()
    assert len(sizes) == 20 and (sizes == 600).all()
    dates = frame.groupby("series")["date"].agg(["min", "max"])
    assert dates["min"].nunique() == 1 and dates["max"].nunique() == 1
