"""compare on a panel: global networks against per-series baselines, pooled scale-free."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import (
    CalendarFeatures,
    GRURegressor,
    SeriesScaledRegressor,
    SlidingWindowTransformer,
)
from skrnn.datasets import load_wiki_stocks, make_forecast_xy
from skrnn.model_selection import compare
from tests._tiny import TINY, TINY_COMPARE

HORIZON = 2


@pytest.fixture(scope="module")
def panel():
    wiki = load_wiki_stocks()[["Close", "Volume"]]
    return wiki[wiki.index.get_level_values("date") >= "2011-06-01"]


@pytest.fixture(scope="module")
def result(panel):
    return compare(
        panel, target="Close", horizon=HORIZON, covariates=["Volume"], calendar=True,
        series_identity=True, per_series_networks=True, models=["gru"], windows=[5],
        **TINY_COMPARE,
    )  # fmt: skip


def test_the_report_has_the_global_networks_and_the_baselines_per_series(result):
    assert list(result.results.index) == ["naive", "linear", "GRU", "GRU (per series)"]
    assert {"test_mase", "ratio_to_naive", "verdict", "verdict_linear", "verdict_global"} <= set(
        result.results.columns
    )
    assert result.results.loc["naive", "ratio_to_naive"] == 1
    assert result.results.loc["GRU", "verdict_global"] == "-"
    assert result.results.loc["GRU (per series)", "verdict_global"] != "-"
    pipeline = result.estimators["GRU"].estimator
    assert [name for name, _ in pipeline.steps] == [
        "calendarfeatures", "seriesencoder", "minmaxscaler", "slidingwindowtransformer",
        "regressor",
    ]  # fmt: skip


def test_the_test_period_is_shared_by_every_series_after_a_gap(result, panel):
    dates = panel.index.get_level_values("date").unique().sort_values()
    tested = result.predictions.index
    assert tested.get_level_values("date").min() == result.test_dates[0]
    # One date between the last training pair and the first test pair: a 2-step
    # target of the last training day is never a test day's.
    gap = dates.get_loc(result.test_dates[0]) - dates.get_loc(result.train_dates[-1])
    assert gap == HORIZON
    for label in panel.index.get_level_values(0).unique():
        assert tested[tested.get_level_values(0) == label][0][1] == result.test_dates[0]


def test_predictions_are_paired_within_each_series(result, panel):
    predictions = result.predictions
    for label in ["AAPL", "FB"]:
        close = panel.loc[label, "Close"]
        own = predictions.loc[label]
        position = close.index.get_indexer(own.index)
        for h in range(1, HORIZON + 1):
            assert_array_equal(own["y_true", h], close.to_numpy()[position + h])
            assert_allclose(own["naive", h], close.to_numpy()[position], rtol=1e-6)


def test_the_pooled_scores_are_means_over_the_series(result, panel):
    by_series = result.results_by_series
    assert by_series.index.names == ["Ticker", "name"]
    predictions = result.predictions
    for label in ["IBM", "MSFT"]:
        errors = (predictions.loc[label, "y_true"] - predictions.loc[label, "linear"]).to_numpy()
        scale = panel.loc[label, "Close"].loc[: result.train_dates[-1]].diff().abs().mean()
        assert result.scale[label] == pytest.approx(scale)
        assert by_series.loc[(label, "linear"), "mase"] == pytest.approx(
            np.abs(errors).mean() / scale
        )
    for name in result.results.index:
        own = by_series.xs(name, level="name")
        assert result.results.loc[name, "test_mase"] == pytest.approx(own["mase"].mean())
        assert result.results.loc[name, "ratio_to_naive"] == pytest.approx(
            own["ratio_to_naive"].mean()
        )
    steps = result.results_by_horizon
    assert list(steps.loc["naive"].index) == [1, 2]
    assert steps.loc[("naive", 1), "test_mase"] < steps.loc[("naive", 2), "test_mase"]


def test_a_series_that_starts_in_the_test_period_is_left_out_and_named(panel):
    dates = panel.index.get_level_values("date")
    late = panel[~((panel.index.get_level_values(0) == "FB") & (dates < "2013-01-02"))]
    result = compare(late, target="Close", models=[], windows=[3], n_splits=2, epochs=1, patience=1)
    assert result.left_out == ["FB"]
    assert "FB" not in result.results_by_series.index.get_level_values(0)


def test_a_series_too_short_for_the_window_is_an_error_naming_it(panel):
    dates = panel.index.get_level_values("date")
    short = panel[~((panel.index.get_level_values(0) == "FB") & (dates < "2013-02-20"))]
    with pytest.raises(ValueError, match=r"Ticker 'FB' has 7 forecast rows \(2013-02-20 \.\."):
        compare(short, target="Close", models=[], windows=[5], n_splits=2)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: pd.concat([p, p.iloc[[3]]]), r"two rows for Ticker 'AAPL' on date 2011-06-06"),
        (
            lambda p: p.iloc[[1, 0, *range(2, len(p))]],
            r"Ticker 'AAPL' are not in time order: date 2011-06-01 comes after 2011-06-02",
        ),
    ],
    ids=["duplicate", "unsorted"],
)
def test_a_bad_panel_is_an_error_naming_the_series_and_the_date(panel, damage, message):
    with pytest.raises(ValueError, match=message):
        compare(damage(panel), target="Close", models=[], windows=[3], n_splits=2)


def test_a_single_series_refuses_the_panel_options(panel):
    with pytest.raises(ValueError, match="options of a panel"):
        compare(panel.loc["IBM"], target="Close", series_identity=True, models=[])


# -- the global network's start and inputs ------------------------------------------


@pytest.fixture(scope="module")
def pairs(panel):
    return make_forecast_xy(panel, target="Close", horizon=[1, 2], features=["Close", "Volume"])


def _global(*before, significance=0.05):
    network = make_pipeline(
        *before, MinMaxScaler(), SlidingWindowTransformer(window=5),
        GRURegressor(**TINY, horizon=[1, 2], significance=significance),
    ).set_output(transform="pandas")  # fmt: skip
    return SeriesScaledRegressor(network, target="Close")


def test_a_global_network_starts_at_each_series_naive_forecast(pairs):
    X, y = pairs
    # Rows grouped by series: the naive start's pairs never cross two series.
    model = _global(significance=0.0).fit(X, y)  # never leaves its start
    assert_allclose(model.predict(X), np.c_[X["Close"], X["Close"]], rtol=1e-5)


def test_covariates_change_the_prediction(pairs):
    X, y = pairs
    with_volume = _global(significance=None).fit(X, y).predict(X)
    alone = _global(significance=None).fit(X[["Close"]], y).predict(X[["Close"]])
    assert np.abs(with_volume - alone).max() > 1e-3 * np.abs(alone).max()


def test_the_calendar_of_the_days_forecast_is_known_on_the_last_day(pairs, panel):
    X, _ = pairs
    calendar = CalendarFeatures(horizon=[1, 2], features=("dayofweek",), encoding="ordinal")
    calendar.set_output(transform="pandas").fit(X)
    # The file's last day has no target yet: its calendar of the days ahead is known.
    today = panel.loc[["IBM"]].iloc[[-1]]
    assert today.index[0][1].day_name() == "Friday"
    ahead = calendar.transform(today)[["dayofweek_t+1", "dayofweek_t+2"]]
    assert ahead.to_numpy().tolist() == [[0.0, 1.0]]  # Monday and Tuesday
