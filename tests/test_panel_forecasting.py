"""Forecasts of a panel: intervals within each series, whole paths, and model files."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from pandas.testing import assert_frame_equal, assert_index_equal
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import (
    CalendarFeatures,
    GRURegressor,
    PerSeriesRegressor,
    PersistenceRegressor,
    SeriesEncoder,
    SeriesScaledRegressor,
    SlidingWindowTransformer,
)
from skrnn.datasets import load_wiki_stocks, make_forecast_xy
from skrnn.forecasting import ConformalForecaster, forecast, load_model, save_model
from skrnn.model_selection import PanelSplit
from tests._tiny import TINY
from tests.test_persistence import _forge, _tree

HORIZONS = [1, 2, 3]
LEVELS = [80, 95]


def _windows(regressor, *before, window=5):
    return make_pipeline(
        *before, MinMaxScaler(), SlidingWindowTransformer(window=window), regressor
    ).set_output(transform="pandas")


@pytest.fixture(scope="module")
def panel():
    """2012 onwards: FB starts in May 2012, inside the first folds' test blocks."""
    wiki = load_wiki_stocks()[["Close", "Volume"]]
    return wiki[wiki.index.get_level_values("date") >= "2012-01-01"]


@pytest.fixture(scope="module")
def xy(panel):
    train = panel[panel.index.get_level_values("date") < "2013-01-15"]
    return make_forecast_xy(train, target="Close", horizon=HORIZONS, features=["Close", "Volume"])


@pytest.fixture(scope="module")
def naive(xy):
    model = PerSeriesRegressor(_windows(PersistenceRegressor()))
    return ConformalForecaster(model, horizon=HORIZONS, cv=3).fit(*xy)


@pytest.fixture(scope="module")
def global_gru(xy):
    network = _windows(
        GRURegressor(**TINY),
        CalendarFeatures(horizon=HORIZONS),
        SeriesEncoder(),
    )
    return ConformalForecaster(SeriesScaledRegressor(network), horizon=HORIZONS, cv=2).fit(*xy)


# -- intervals within each series ---------------------------------------------------


def test_the_folds_split_by_date_and_a_late_series_sits_out_its_first_fold(naive, xy):
    X, _ = xy
    tested = naive.residuals_.index
    folds = list(PanelSplit(n_splits=3).split(X))
    first_test = X.index[folds[0][1]]
    # FB has a few rows before the first boundary: too few to fit its own model.
    assert "FB" in first_test.get_level_values(0)
    assert not tested.isin(first_test[first_test.get_level_values(0) == "FB"]).any()
    assert "FB" in tested.get_level_values(0)
    assert len(naive.conformity_scores_) == len(tested)


def test_the_volatility_is_each_series_own(naive, xy):
    X, _ = xy
    # Each error is divided by its own series' volatility, computed on that series alone
    # (half-life 10 rows of its squared daily changes), never across two series.
    scores = pd.DataFrame(naive.conformity_scores_, index=naive.residuals_.index)
    for label in ["AAPL", "FB", "MSFT"]:
        close = X.loc[label, "Close"]
        volatility = np.sqrt((close.diff() ** 2).ewm(halflife=10).mean())
        errors = naive.residuals_.loc[label].abs()
        expected = errors.div(volatility.loc[errors.index], axis=0)
        np.testing.assert_allclose(scores.loc[label].to_numpy(), expected.to_numpy())
    raw = naive.residuals_[1].abs().groupby(level=0).median()
    assert raw["AAPL"] / raw["MSFT"] > 10  # AAPL moves by dollars, MSFT by cents


def test_a_panel_forecast_has_one_row_per_series_and_step(naive, panel):
    table = naive.forecast(panel, level=LEVELS)
    assert list(table.columns) == [
        "horizon", "forecast", "lower_80", "upper_80", "lower_95", "upper_95",
    ]  # fmt: skip
    assert table.index.names == ["Ticker", "date"]
    series = sorted(panel.index.get_level_values(0).unique())
    assert table.index.get_level_values(0).unique().tolist() == series
    for label in series:
        own = table.loc[label]
        last = panel.loc[label].index[-1]
        assert own["horizon"].tolist() == HORIZONS
        assert own.index.tolist() == [last + h * pd.offsets.BDay() for h in HORIZONS]
        # The naive path is the last close; its intervals widen with the step.
        assert_allclose(
            own["forecast"], panel.loc[label, "Close"].iloc[-1], rtol=1e-7
        )  # float32 windows
        width = own["upper_95"] - own["lower_95"]
        assert width.is_monotonic_increasing and (own["upper_95"] > own["upper_80"]).all()
    point = forecast(naive.estimator_, panel, horizon=HORIZONS)
    assert_frame_equal(point, table[["horizon", "forecast"]])


def test_a_series_that_ends_before_its_training_end_is_named(naive, panel):
    dates = panel.index.get_level_values("date")
    short = panel[~((panel.index.get_level_values(0) == "IBM") & (dates >= "2013-01-02"))]
    with pytest.raises(ValueError, match=r"Ticker 'IBM' ends before .* 2013-01-09"):
        naive.forecast(short)


def test_the_adaptation_reads_each_series_own_target(xy):
    X, y = xy
    other = y.copy()
    other.loc["IBM"] = other.loc["IBM"].to_numpy() + 1.0
    model = PerSeriesRegressor(_windows(PersistenceRegressor()))
    with pytest.raises(ValueError, match=r"2 row\(s\) later in Ticker 'IBM'|later in Ticker 'IBM'"):
        ConformalForecaster(model, horizon=HORIZONS, cv=2).fit(X, other)


# -- model files of a panel -----------------------------------------------------------


@pytest.fixture(scope="module")
def saved_gru(global_gru, tmp_path_factory):
    return Path(save_model(global_gru, tmp_path_factory.mktemp("panel") / "gru.skrnn"))


def test_a_global_network_of_a_panel_forecasts_identically_after_loading(
    global_gru, saved_gru, panel
):
    loaded = load_model(saved_gru)
    assert_frame_equal(
        loaded.forecast(panel, level=LEVELS), global_gru.forecast(panel, level=LEVELS),
        check_exact=True,
    )  # fmt: skip
    window = loaded.estimator_.estimator_[-2]
    fitted = global_gru.estimator_.estimator_[-2]
    assert_index_equal(window.index_, fitted.index_, exact=True)
    assert sorted(window._by_series) == sorted(fitted._by_series)
    for label, alone in fitted._by_series.items():
        assert_index_equal(window._by_series[label].index_, alone.index_, exact=True)
        assert_array_equal(window._by_series[label].series_, alone.series_)
    assert loaded.estimator_.estimator_[0].freq_ == pd.offsets.BDay()
    assert_frame_equal(loaded.estimator_.scales_, global_gru.estimator_.scales_)


def test_models_per_series_round_trip(naive, panel, tmp_path):
    loaded = load_model(save_model(naive, tmp_path / "naive.skrnn"))
    assert sorted(loaded.estimator_.estimators_) == sorted(naive.estimator_.estimators_)
    assert_frame_equal(loaded.forecast(panel, level=LEVELS), naive.forecast(panel, level=LEVELS))


def _forged(path, target, change):
    """A copy of the model file `path` at `target`, its tree gone through `change`."""
    tree = _tree(path)
    change(tree)
    return _forge(path, target, {"model.json": json.dumps(tree).encode()})


def _nodes(node, kind):
    """Every JSON node of `kind` in the tree, depth first."""
    if isinstance(node, dict):
        if kind in node:
            yield node[kind]
        for value in node.values():
            yield from _nodes(value, kind)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value, kind)


def _series_window(tree):
    """The object node of a series' own window transformer, inside the panel's."""
    for body in _nodes(tree, "object"):
        state = body.get("state") or {}
        if body["class"] == "skrnn.SlidingWindowTransformer" and "_by_series" in state:
            return state["_by_series"]["dict"][0][1]["object"]
    raise AssertionError("no per-series window state in the file")


def test_a_hostile_class_in_the_per_series_state_is_refused(saved_gru, tmp_path):
    def hostile(tree):
        _series_window(tree)["class"] = "os.system"

    forged = _forged(saved_gru, tmp_path / "f.skrnn", hostile)
    with pytest.raises(
        ValueError, match=r"names the class 'os\.system' .*trusted=\['os\.system'\]"
    ):
        load_model(forged)


def test_an_offset_that_is_not_a_frequency_is_refused(saved_gru, tmp_path):
    def hostile(tree):
        for body in _nodes(tree, "object"):
            if body["class"] == "skrnn.CalendarFeatures":
                body["state"]["freq_"] = {"offset": "__import__('os')"}

    forged = _forged(saved_gru, tmp_path / "f.skrnn", hostile)
    with pytest.raises(ValueError, match=r"date offset .* not a frequency"):
        load_model(forged)


def test_a_damaged_multiindex_is_refused(saved_gru, tmp_path):
    def damage(tree):
        multi = next(b for b in _nodes(tree, "index") if b.get("kind") == "multi")
        multi["names"] = multi["names"][:1]

    forged = _forged(saved_gru, tmp_path / "f.skrnn", damage)
    with pytest.raises(ValueError, match=r"damaged MultiIndex"):
        load_model(forged)
