"""PersistenceRegressor and Theil's U2: the naive forecast every model must beat."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import PersistenceRegressor, SlidingWindowTransformer, make_u2_scorer, theil_u2
from skrnn.datasets import load_elnino, load_sp500, make_forecast_xy


@pytest.fixture(scope="module")
def prices():
    X, y = make_forecast_xy(load_sp500().iloc[-400:], horizon=1)
    return X, y


def test_predicts_the_last_observed_price_exactly(prices):
    X, y = prices
    windows = X.to_numpy()[:, np.newaxis, :]  # float64 windows of one day
    naive = PersistenceRegressor().fit(windows, y)
    assert_allclose(naive.predict(windows), X.iloc[:, 0].to_numpy(), rtol=1e-12)
    assert_allclose([naive.coef_, naive.intercept_], [1.0, 0.0], atol=1e-9)


def test_answers_in_y_units_behind_a_scaler(prices):
    X, y = prices
    pipe = make_pipeline(MinMaxScaler(), SlidingWindowTransformer(window=5), PersistenceRegressor())
    pipe.fit(X.iloc[:300], y.iloc[:300])
    # The windows are float32: equal to the price up to float32 round-off.
    assert_allclose(pipe.predict(X.iloc[300:]), X.iloc[300:, 0], rtol=1e-6)


def test_several_horizons_get_the_same_forecast():
    X, Y = make_forecast_xy(load_sp500().iloc[-100:], horizon=[1, 5])
    naive = PersistenceRegressor(horizon=1).fit(X.to_numpy(), Y)
    predicted = naive.predict(X.to_numpy())
    assert predicted.shape == (len(X), 2)
    assert_allclose(predicted[:, 0], predicted[:, 1])
    assert_allclose(predicted[:, 0], X.iloc[:, 0], rtol=1e-12)


@pytest.mark.parametrize("horizon", [2, 3])
def test_y_that_is_not_the_series_horizon_rows_ahead_is_an_error(prices, horizon):
    X, y = prices
    with pytest.raises(ValueError, match=f"not feature 0 of X {horizon} row"):
        PersistenceRegressor(horizon=horizon).fit(X.to_numpy(), y)


def test_shuffled_rows_are_an_error(prices):
    X, y = prices
    order = np.random.RandomState(0).permutation(len(X))
    with pytest.raises(ValueError, match="consecutive rows"):
        PersistenceRegressor().fit(X.to_numpy()[order], y.to_numpy()[order])


def test_unknown_newest_value_is_an_error(prices):
    X, y = prices
    naive = PersistenceRegressor().fit(X.to_numpy(), y)
    windows = np.array([[1.0, np.nan]])
    with pytest.raises(ValueError, match=r"newest step .* rows \[0\]"):
        naive.predict(windows)


def test_feature_out_of_range_is_an_error(prices):
    X, y = prices
    with pytest.raises(ValueError, match="feature=3 is out of range"):
        PersistenceRegressor(feature=3).fit(X.to_numpy(), y)


def test_usable_in_searches_and_clones(prices):
    X, y = prices
    pipe = make_pipeline(MinMaxScaler(), SlidingWindowTransformer(window=3), PersistenceRegressor())
    search = GridSearchCV(
        pipe, {"slidingwindowtransformer__window": [1, 3]}, cv=TimeSeriesSplit(3)
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 2
    assert clone(PersistenceRegressor(feature=0, horizon=2, season=12)).get_params() == {
        "feature": 0,
        "horizon": 2,
        "season": 12,
    }


# --- the seasonal naive forecast ---------------------------------------------------


def test_seasonal_forecast_is_the_same_month_a_year_before_in_a_pipeline():
    frame = load_elnino()
    X, y = make_forecast_xy(frame, horizon=1)
    pipe = make_pipeline(
        MinMaxScaler(), SlidingWindowTransformer(window=12), PersistenceRegressor(season=12)
    ).fit(X.iloc[:500], y.iloc[:500])
    predicted = pipe.predict(X.iloc[500:])
    # Row t forecasts month t + 1: the value of month t + 1 - 12.
    year_before = frame["temperature"].to_numpy()[500 + 1 - 12 : len(X) + 1 - 12]
    assert_allclose(predicted, year_before, rtol=1e-6)


@pytest.mark.parametrize(("season", "horizon", "back"), [(4, 1, 3), (4, 4, 0), (4, 6, 2)])
def test_seasonal_forecast_reads_the_last_season_observed(season, horizon, back):
    series = np.arange(40.0) ** 1.5
    X, y = make_forecast_xy(pd.DataFrame({"v": series}), horizon=horizon)
    windows = np.lib.stride_tricks.sliding_window_view(X["v"].to_numpy(), 5)
    targets = y.to_numpy()[4:]
    predicted = PersistenceRegressor(horizon=horizon, season=season).fit(windows, targets)
    # y[t] is the series at t + horizon; its forecast is the series `back` steps before t.
    assert_allclose(predicted.predict(windows), windows[:, -1 - back], rtol=1e-12)


def test_season_of_one_is_the_naive_forecast(prices):
    X, y = prices
    windows = np.lib.stride_tricks.sliding_window_view(X.iloc[:, 0].to_numpy(), 3)
    plain = PersistenceRegressor().fit(windows, y.iloc[2:]).predict(windows)
    assert_array_equal(
        PersistenceRegressor(season=1).fit(windows, y.iloc[2:]).predict(windows), plain
    )


def test_seasonal_window_too_short_is_an_error(prices):
    X, y = prices
    windows = np.lib.stride_tricks.sliding_window_view(X.iloc[:, 0].to_numpy(), 5)
    with pytest.raises(
        ValueError, match=r"reads the value 11 step\(s\) .* expected windows of at least 12"
    ):
        PersistenceRegressor(season=12).fit(windows, y.iloc[4:])


def test_seasonal_forecast_of_several_horizons_is_an_error():
    X, Y = make_forecast_xy(load_elnino(), horizon=[1, 2])
    windows = np.lib.stride_tricks.sliding_window_view(X.iloc[:, 0].to_numpy(), 12)
    with pytest.raises(ValueError, match="forecasts one horizon, but y has 2 columns"):
        PersistenceRegressor(season=12).fit(windows, Y.iloc[11:])


def test_seasonal_value_before_the_series_starts_is_an_error():
    X, y = make_forecast_xy(load_elnino(), horizon=1)
    pipe = make_pipeline(
        MinMaxScaler(), SlidingWindowTransformer(window=12), PersistenceRegressor(season=12)
    ).fit(X.iloc[:100], y.iloc[:100])
    # In-sample, the first 11 windows reach back before the series starts.
    with pytest.raises(ValueError, match=r"one season before .* rows \[0, 1, 2, 3, 4\]"):
        pipe.predict(X.iloc[:100])


def test_theil_u2_is_the_rmse_ratio():
    y = np.array([1.0, 2.0, 4.0, 3.0])
    today = np.array([0.0, 1.0, 2.0, 4.0])
    y_pred = np.array([1.5, 2.0, 3.0, 3.0])
    expected = np.sqrt(np.mean((y - y_pred) ** 2)) / np.sqrt(np.mean((y - today) ** 2))
    assert theil_u2(y, y_pred, today) == pytest.approx(expected)
    assert theil_u2(y, today, today) == pytest.approx(1.0)


def test_theil_u2_of_an_exact_naive_forecast_is_an_error():
    with pytest.raises(ValueError, match="undefined"):
        theil_u2([1.0, 2.0], [1.0, 1.0], [1.0, 2.0])


def test_u2_scorer_scores_the_naive_forecast_minus_one(prices):
    X, y = prices
    pipe = make_pipeline(MinMaxScaler(), SlidingWindowTransformer(window=3), PersistenceRegressor())
    scores = cross_val_score(pipe, X, y, cv=TimeSeriesSplit(3), scoring=make_u2_scorer())
    assert_allclose(scores, -1.0, rtol=1e-5)


def test_u2_scorer_reads_the_newest_step_of_windows():
    windows = np.array([[[1.0], [2.0]], [[2.0], [3.0]], [[3.0], [5.0]]])
    y = np.array([3.0, 5.0, 6.0])

    class Constant:
        def predict(self, X):
            return np.array([3.0, 4.0, 6.0])

    expected = -theil_u2(y, [3.0, 4.0, 6.0], [2.0, 3.0, 5.0])
    assert make_u2_scorer()(Constant(), windows, y) == pytest.approx(expected)
    assert_array_equal(windows[:, -1, 0], [2.0, 3.0, 5.0])
