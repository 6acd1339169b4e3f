"""The command line on a panel and on whole paths: compare, save, forecast, refuse."""

import io
import re
import sys

import pandas as pd
import pytest

from skrnn.cli import main
from skrnn.datasets import load_sp500, load_wiki_stocks

QUICK = ["--quick", "--models", "gru"]
FORECAST_COLUMNS = [
    "date", "Ticker", "horizon", "forecast", "lower_80", "upper_80", "lower_95", "upper_95",
]  # fmt: skip


@pytest.fixture(scope="module")
def panel_csv(tmp_path_factory):
    wiki = load_wiki_stocks()[["Close", "Volume"]]
    wiki = wiki[wiki.index.get_level_values("date") >= "2012-01-01"]
    path = tmp_path_factory.mktemp("panel") / "wiki.csv"
    wiki.reset_index().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def compared(panel_csv, tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    argv = [
        "compare", str(panel_csv), "--series-column", "Ticker", "--value-column", "Close",
        "--horizon", "2", "--covariates", "Volume", "--calendar", "--series-identity",
        "--out", str(folder / "out"), "--save", str(folder / "models"), *QUICK,
    ]  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        out = io.StringIO()
        patch.setattr(sys, "stdout", out)
        status = main(argv)
    return status, out.getvalue(), folder


def test_a_panel_comparison_reports_pooled_scores_per_step_and_per_series(compared):
    status, printed, folder = compared
    assert status == 0, printed
    assert "5 series" in printed and "MASE" in printed and "vs linear" in printed
    assert "per step: MASE (mean over the series)" in printed
    assert "intervals that held on the test period" in printed
    by_series = pd.read_csv(folder / "out" / "results_by_series.csv")
    assert set(by_series["Ticker"]) == {"AAPL", "FB", "GOOG", "IBM", "MSFT"}
    assert set(by_series["name"]) == {"naive", "linear", "GRU"}
    steps = pd.read_csv(folder / "out" / "results_by_horizon.csv")
    assert sorted(set(steps["horizon"])) == [1, 2]
    coverage = pd.read_csv(folder / "out" / "coverage.csv")
    assert {"coverage_80", "coverage_95"} <= set(coverage.columns)
    assert coverage["coverage_95"].between(0, 100).all()


def test_a_panel_forecast_writes_one_row_per_series_and_step(compared, panel_csv, capsys):
    _, _, folder = compared
    argv = [
        "forecast", str(panel_csv), "--series-column", "Ticker", "--value-column", "Close",
        "--model", str(folder / "models" / "gru.skrnn"), "--out", str(folder / "fc"),
    ]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(folder / "fc" / "forecast.csv")
    assert list(table.columns) == FORECAST_COLUMNS
    assert len(table) == 5 * 2
    assert table.groupby("Ticker")["horizon"].apply(list).tolist() == [[1, 2]] * 5
    assert (table["date"].groupby(table["Ticker"]).first() == "2013-03-04").all()
    assert "2013-03-05 MSFT" in printed


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda lines: [*lines, lines[5]], r"a second line for Ticker 'AAPL' on date"),
        (
            lambda lines: [lines[0], lines[2], lines[1], *lines[3:]],
            r"Ticker 'AAPL' goes back in time, to date 2012-01-03",
        ),
        (
            lambda lines: [line for line in lines if not ("FB," < line < "FB,2013-02-20")],
            r"Ticker 'FB' has 7 forecast rows \(2013-02-20 \.\. 2013-02-28\)",
        ),
    ],
    ids=["duplicate", "unsorted", "too-short"],
)
def test_a_bad_panel_is_a_one_line_error_naming_the_series_and_the_date(
    panel_csv, tmp_path, capsys, damage, message
):
    lines = panel_csv.read_text().splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(damage(lines)) + "\n")
    argv = ["compare", str(bad), "--series-column", "Ticker", "--value-column", "Close"]
    assert main([*argv, "--out", str(tmp_path / "out"), *QUICK]) == 1
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("skrnn compare: error:")
    assert re.search(message, error), error


def test_a_column_not_known_ahead_is_refused_in_one_line(tmp_path, capsys):
    frame = load_sp500(ohlcv=True).iloc[-200:][["Close", "Volume"]]
    path = tmp_path / "prices.csv"
    frame.rename_axis("date").reset_index().to_csv(path, index=False)
    argv = ["compare", str(path), "--value-column", "Close", "--known-future", "Volume"]
    assert main([*argv, "--out", str(tmp_path / "out"), *QUICK]) == 1
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "known-future column(s) ['Volume'] are given for 0 day(s)" in error
    assert "--covariates" in error


def test_a_known_future_column_with_its_days_ahead_reaches_the_forecast(tmp_path, capsys):
    frame = load_sp500(ohlcv=True).iloc[-200:][["Close", "Volume"]].rename_axis("date")
    frame["event"] = (frame.index.day_of_week == 4).astype(float)
    ahead = pd.DataFrame(
        {"date": pd.to_datetime(["2019-01-01", "2019-01-02"]), "event": [0.0, 1.0]}
    )
    path = tmp_path / "prices.csv"
    table = pd.concat([frame.reset_index(), ahead])
    table.assign(date=table["date"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    argv = ["--value-column", "Close", "--out", str(tmp_path / "out")]
    common = ["compare", str(path), *argv, "--horizon", "2", "--known-future", "event"]
    assert main([*common, "--save", str(tmp_path / "models"), *QUICK]) == 0
    model = str(tmp_path / "models" / "linear.skrnn")
    assert main(["forecast", str(path), *argv, "--model", model]) == 0
    forecast = pd.read_csv(tmp_path / "out" / "forecast.csv")
    assert forecast["horizon"].tolist() == [1, 2]
    assert "2019-01-01" in capsys.readouterr().out
