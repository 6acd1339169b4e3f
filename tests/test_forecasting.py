"""Forecasts of the days after the data: dates, intervals, coverage, bad input."""

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, KFold, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import PersistenceRegressor, SlidingWindowTransformer
from skrnn.datasets import load_sp500, make_forecast_xy
from skrnn.forecasting import ConformalForecaster, forecast

HORIZONS = [1, 2, 3]


def _naive(window=5):
    return make_pipeline(
        MinMaxScaler(), SlidingWindowTransformer(window=window), PersistenceRegressor()
    ).set_output(transform="pandas")


@pytest.fixture(scope="module")
def frame():
    return load_sp500().iloc[-400:]


@pytest.fixture(scope="module")
def training(frame):
    """The pairs of the frame without its last 30 days: those come after training."""
    return make_forecast_xy(frame.iloc[:-30], horizon=HORIZONS)


@pytest.fixture(scope="module")
def forecaster(training):
    X, y = training
    return ConformalForecaster(_naive(), horizon=HORIZONS, cv=4).fit(X, y)


@pytest.fixture(scope="module")
def not_adapted(training):
    X, y = training
    return ConformalForecaster(_naive(), horizon=HORIZONS, cv=4, adapt_rate=0).fit(X, y)


def test_forecast_is_dated_on_the_business_days_after_the_frames_last_date(forecaster, frame):
    table = forecaster.forecast(frame, level=[80, 95])
    assert frame.index[-1] == pd.Timestamp("2018-12-31")
    assert list(table.index) == list(pd.bdate_range("2019-01-01", periods=3))
    assert table.index.name == "date"
    assert table["horizon"].tolist() == HORIZONS
    assert list(table.columns) == [
        "horizon", "forecast", "lower_80", "upper_80", "lower_95", "upper_95",
    ]  # fmt: skip


def test_forecast_reads_the_frames_last_day_not_the_training_end(forecaster, frame):
    # The naive forecast of every horizon is the last price the frame holds (to
    # the float32 precision of the windows).
    table = forecaster.forecast(frame)
    assert_allclose(table["forecast"], frame["closed_price"].iloc[-1], rtol=1e-6)
    assert forecaster.training_end_ < frame.index[-30]


def test_a_frame_ending_on_the_training_end_forecasts_the_days_after_it(forecaster, frame):
    end = forecaster.training_end_
    table = forecaster.forecast(frame.loc[:end])
    assert table.index[0] == end + pd.offsets.BDay(1)
    assert_allclose(table["forecast"], frame.loc[end, "closed_price"], rtol=1e-6)


def test_intervals_are_nested_around_the_forecast(forecaster, frame):
    table = forecaster.forecast(frame, level=[95, 50, 80])
    for low, high in (("lower_95", "lower_80"), ("lower_80", "lower_50"),
                      ("upper_50", "upper_80"), ("upper_80", "upper_95")):  # fmt: skip
        assert (table[low] < table[high]).all()
    assert_allclose(
        table["upper_80"] - table["forecast"], table["forecast"] - table["lower_80"], rtol=1e-9
    )
    # Further horizons are less certain.
    assert table["upper_95"].is_monotonic_increasing


def test_errors_are_out_of_sample_on_time_series_folds(forecaster, training):
    X, y = training
    tested = np.concatenate([test for _, test in TimeSeriesSplit(n_splits=4).split(X)])
    assert forecaster.residuals_.index.equals(X.index[tested])
    # The naive forecast's error is the change of the price over the horizon (up to
    # the float32 of the windows).
    expected = y.to_numpy()[tested] - X.to_numpy()[tested]
    assert_allclose(forecaster.residuals_.to_numpy(), expected, rtol=0, atol=1e-3)
    assert forecaster.conformity_scores_.shape == (len(tested), len(HORIZONS))


def test_intervals_are_the_conformal_quantile_times_todays_volatility(not_adapted, frame):
    table = not_adapted.forecast(frame, level=[80, 95])
    # The training rows start on the frame's first day; the later days continue them.
    changes = frame["closed_price"].diff() ** 2
    today = math.sqrt(changes.ewm(halflife=10).mean().iloc[-1])
    scores = np.sort(not_adapted.conformity_scores_, axis=0)
    n = len(scores)
    for level in (80, 95):
        rank = math.ceil((n + 1) * level / 100)
        expected = scores[rank - 1] * today
        assert_allclose(table[f"upper_{level}"] - table["forecast"], expected, rtol=1e-9)


def _random_walk(volatility, seed=0, start="2000-01-03"):
    """Prices whose daily log-returns have the given standard deviations."""
    rng = np.random.default_rng(seed)
    returns = rng.normal(0.0, np.asarray(volatility))
    prices = 1000 * np.exp(np.cumsum(returns))
    index = pd.bdate_range(start, periods=len(prices), name="date")
    return pd.DataFrame({"closed_price": prices}, index=index)


def _coverage(model, X, y, n_train, level):
    _, bounds = model.predict_interval(X.iloc[n_train:], level=level)
    truth = y.iloc[n_train:].to_numpy()
    return 100 * np.mean((bounds[:, 0, 0] <= truth) & (truth <= bounds[:, 1, 0]))


@pytest.mark.parametrize("level", [80, 95])
def test_intervals_keep_their_level_when_the_volatility_quadruples(level):
    # Calm for 1,200 days, then four times as volatile: the test period (the last
    # 600 days) is half calm, half turbulent, unlike anything in training.
    frame = _random_walk(np.repeat([0.005, 0.02], [1200, 300]), seed=1)
    X, y = make_forecast_xy(frame, horizon=1)
    n_train = 900
    scaled = ConformalForecaster(_naive(1), cv=5).fit(X.iloc[:n_train], y.iloc[:n_train])
    plain = ConformalForecaster(_naive(1), cv=5, volatility_halflife=None, adapt_rate=0)
    plain.fit(X.iloc[:n_train], y.iloc[:n_train])
    assert abs(_coverage(scaled, X, y, n_train, level) - level) < 2.5
    # Plain split conformal, calibrated on calm days, misses the turbulent ones.
    assert _coverage(plain, X, y, n_train, level) < level - 15


def test_misses_widen_the_later_intervals_and_hits_narrow_them():
    calm = _random_walk(np.full(300, 0.01), seed=2)
    X, y = make_forecast_xy(calm, horizon=1)
    adapted = ConformalForecaster(_naive(1), cv=3, volatility_halflife=None, adapt_rate=0.1)
    adapted.fit(X, y)
    fixed = ConformalForecaster(_naive(1), cv=3, volatility_halflife=None, adapt_rate=0)
    fixed.fit(X, y)
    n_new = 10
    days = pd.bdate_range(calm.index[-1], periods=n_new + 1)[1:]
    last = calm["closed_price"].iloc[-1]
    for moves, sign in (([100.0, -100.0] * 5, 1), ([0.0] * 10, -1)):
        # Moves far outside every interval, or none at all: all miss, or all hit.
        later = pd.DataFrame({"closed_price": last + np.cumsum(moves)}, index=days)
        whole = pd.concat([calm, later])
        width = adapted.forecast(whole, level=80)
        base = fixed.forecast(whole, level=80)
        ratio = (width["upper_80"] - width["forecast"]) / (base["upper_80"] - base["forecast"])
        # The new days are the last calm day (its next price was not a target) and
        # the 10 later ones: on the last, the forecasts of the 10 before it came true.
        step = 0.8 if sign > 0 else -0.2
        assert_allclose(ratio, math.exp(0.1 * step * n_new), rtol=1e-9)


def test_one_horizon_gives_one_row_and_intervals_shaped_like_y(frame):
    X, y = make_forecast_xy(frame, horizon=1)
    model = ConformalForecaster(_naive(), cv=3).fit(X, y)
    y_pred, bounds = model.predict_interval(X.iloc[-10:], level=[80, 95])
    assert y_pred.shape == (10,) and bounds.shape == (10, 2, 2)
    table = model.forecast(frame, level=95)
    assert table.shape == (1, 4)


def test_forecast_dates_follow_the_index_frequency_or_the_freq_given():
    daily = _random_walk(np.full(100, 0.01))
    daily.index = pd.date_range("2024-01-01", periods=100, freq="D", name="date")
    X, y = make_forecast_xy(daily, horizon=[1, 2])
    model = ConformalForecaster(_naive(), horizon=[1, 2], cv=3).fit(X, y)
    assert list(model.forecast(daily).index) == list(pd.date_range("2024-04-10", periods=2))
    holidays = pd.offsets.CustomBusinessDay(holidays=["2024-04-10"])
    assert list(model.forecast(daily, freq=holidays).index) == [
        pd.Timestamp("2024-04-11"), pd.Timestamp("2024-04-12"),
    ]  # fmt: skip
    monthly = daily.set_axis(pd.period_range("2010-01", periods=100, freq="M", name="month"))
    X, y = make_forecast_xy(monthly, horizon=[1, 2])
    model = ConformalForecaster(_naive(), horizon=[1, 2], cv=3).fit(X, y)
    dates = model.forecast(monthly).index
    assert list(dates) == list(pd.period_range("2018-05", periods=2, freq="M"))
    assert dates.name == "month"


def test_forecast_function_dates_the_outputs_of_a_fitted_search(frame, training):
    X, y = training
    search = GridSearchCV(
        _naive(), {"slidingwindowtransformer__window": [1, 5]}, cv=TimeSeriesSplit(3)
    ).fit(X, y)
    table = forecast(search, frame, horizon=HORIZONS)
    assert list(table.columns) == ["horizon", "forecast"]
    assert_allclose(table["forecast"], frame["closed_price"].iloc[-1])
    assert list(table.index) == list(pd.bdate_range("2019-01-01", periods=3))


def test_forecast_function_reads_the_last_row_of_a_model_without_windows(frame):
    X, y = make_forecast_xy(frame.iloc[:-50], horizon=1)
    model = LinearRegression().fit(X, y)
    table = forecast(model, frame)
    assert_allclose(table["forecast"], model.predict(frame.iloc[[-1]][["closed_price"]]))


def test_forecast_function_refuses_a_horizon_the_model_has_no_output_for(frame, training):
    X, y = training
    with pytest.raises(ValueError, match="predicts 3 output.* horizon=1 names 1"):
        forecast(_naive().fit(X, y), frame, horizon=1)


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda f: f.iloc[:-60], "before the model's training end"),
        (lambda f: f.iloc[-20:], "does not contain the model's last training day"),
        (lambda f: f.rename(columns={"closed_price": "close"}), "lacks the column"),
        (lambda f: f.reset_index(drop=True), "indexed by date"),
        (lambda f: f.iloc[::-1], "not strictly increasing"),
        (lambda f: f.iloc[:0], "indexed by date|no rows"),
    ],
)
def test_unusable_frame_is_a_clear_error(forecaster, frame, change, match):
    with pytest.raises(ValueError, match=match):
        forecaster.forecast(change(frame), level=80)


@pytest.mark.parametrize(
    "level, match",
    [
        (0, "strictly between 0 and 100"),
        (100, "strictly between 0 and 100"),
        (0.95, None),  # a valid, if unusual, level: 0.95 %
        ([], "empty"),
        (True, "strictly between"),
        ("80", "strictly between"),
        (99.9, "needs at least 999 out-of-sample errors"),
    ],
)
def test_levels_are_percentages_the_errors_can_support(forecaster, frame, level, match):
    if match is None:
        assert forecaster.forecast(frame, level=level).shape == (3, 4)
        return
    with pytest.raises(ValueError, match=match):
        forecaster.forecast(frame, level=level)


def test_fit_refuses_y_that_does_not_match_the_horizons(training):
    X, y = training
    with pytest.raises(ValueError, match="expects a y with 2 column"):
        ConformalForecaster(_naive(), horizon=[1, 2]).fit(X, y)
    with pytest.raises(ValueError, match="expects a 1-D y"):
        ConformalForecaster(_naive(), horizon=1).fit(X, y)


def test_fit_needs_x_indexed_by_date(training):
    X, y = training
    with pytest.raises(ValueError, match="indexed by date"):
        ConformalForecaster(_naive(), horizon=HORIZONS).fit(X.to_numpy(), y)
    with pytest.raises(ValueError, match="indexed by date.*RangeIndex"):
        ConformalForecaster(_naive(), horizon=HORIZONS).fit(X.reset_index(drop=True), y)


def test_fit_refuses_folds_that_test_the_past(training):
    X, y = training
    with pytest.raises(ValueError, match="does not test days after its training days"):
        ConformalForecaster(_naive(), horizon=HORIZONS, cv=KFold(3)).fit(X, y)


def test_fit_refuses_a_window_transformer_without_dates(training):
    X, y = training
    arrays = make_pipeline(MinMaxScaler(), SlidingWindowTransformer(), PersistenceRegressor())
    with pytest.raises(ValueError, match=r"set_output\(transform='pandas'\)"):
        ConformalForecaster(arrays, horizon=HORIZONS, cv=3).fit(X, y)


def test_adaptation_needs_y_to_be_the_feature_later(training):
    X, y = training
    shifted = y + 1.0
    with pytest.raises(ValueError, match="adapt_rate=0"):
        ConformalForecaster(LinearRegression(), horizon=HORIZONS, cv=3).fit(X, shifted)
    model = ConformalForecaster(LinearRegression(), horizon=HORIZONS, cv=3, adapt_rate=0)
    assert model.fit(X, shifted).conformity_scores_.shape[1] == 3


def test_predict_interval_refuses_a_day_inside_the_training_period_it_never_saw(forecaster):
    X = pd.DataFrame(
        {"closed_price": [2000.0]}, index=pd.DatetimeIndex(["2017-07-04"], name="date")
    )
    with pytest.raises(ValueError, match="labelled 2017-07-04, inside the fitted period"):
        forecaster.predict_interval(X)


def test_training_rows_get_the_intervals_calibrated_at_fit(forecaster, not_adapted, training):
    X, _ = training
    _, adapted = forecaster.predict_interval(X.iloc[-20:], level=80)
    _, fixed = not_adapted.predict_interval(X.iloc[-20:], level=80)
    assert_array_equal(adapted, fixed)
