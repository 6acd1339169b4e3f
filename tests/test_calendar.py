"""CalendarFeatures: the calendar of the days forecast, known on the day of the forecast."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import CalendarFeatures, RidgeAutoregressor, SlidingWindowTransformer
from skrnn.datasets import load_elnino, load_sp500, load_wiki_stocks, make_forecast_xy


@pytest.fixture(scope="module")
def sp500():
    return load_sp500().loc["2018"]


def ordinal(**kwargs):
    return CalendarFeatures(encoding="ordinal", **kwargs).set_output(transform="pandas")


@pytest.mark.parametrize("h", [1, 3])
def test_each_row_gets_the_calendar_of_the_business_day_it_forecasts(sp500, h):
    out = ordinal(horizon=h, features=("dayofweek", "month")).fit_transform(sp500)
    forecast_days = sp500.index + h * pd.offsets.BDay()
    assert_array_equal(out[f"dayofweek_t+{h}"], forecast_days.day_of_week)
    assert_array_equal(out[f"month_t+{h}"], forecast_days.month)
    assert out.index.equals(sp500.index)
    pd.testing.assert_series_equal(out["closed_price"], sp500["closed_price"])


def test_the_calendar_of_the_days_after_the_data_is_known(sp500):
    last = sp500.iloc[[-1]]  # Monday 2018-12-31
    out = ordinal(horizon=[1, 2, 3, 4, 5], features=("dayofweek",)).fit(sp500).transform(last)
    assert out.iloc[0, 1:].tolist() == [1, 2, 3, 4, 0]  # Tuesday .. Friday, then Monday


def test_a_panel_reads_the_dates_of_its_series():
    panel = load_wiki_stocks()
    out = ordinal(features=("dayofweek",)).fit_transform(panel[["Close"]])
    dates = panel.index.get_level_values("date")
    assert_array_equal(out["dayofweek_t+1"], (dates + pd.offsets.BDay()).day_of_week)
    assert out.index.equals(panel.index)


def test_monthly_data_steps_by_month():
    frame = load_elnino()
    calendar = ordinal(features=("month",)).fit(frame)
    assert calendar.freq_ == pd.offsets.MonthBegin()
    out = calendar.transform(frame)
    assert_array_equal(out["month_t+1"], frame.index.month % 12 + 1)


def test_an_exchange_calendar_skips_its_holidays():
    holidays = ["2024-07-04"]
    days = pd.bdate_range("2024-07-01", "2024-07-09").drop(pd.Timestamp(holidays[0]))
    X = pd.DataFrame({"close": np.arange(len(days), dtype=float)}, index=days)
    nyse = pd.offsets.CustomBusinessDay(holidays=holidays)
    out = ordinal(features=("dayofweek",), freq=nyse).fit_transform(X)
    # Wednesday the 3rd forecasts Friday the 5th.
    assert out.loc["2024-07-03", "dayofweek_t+1"] == 4
    default = ordinal(features=("dayofweek",)).fit_transform(X)
    assert default.loc["2024-07-03", "dayofweek_t+1"] == 3


def test_one_hot_columns_mark_one_value_of_each_cycle(sp500):
    calendar = CalendarFeatures(horizon=[1, 2]).set_output(transform="pandas")
    out = calendar.fit_transform(sp500)
    assert out.shape == (len(sp500), 1 + 2 * (7 + 12))
    for h in (1, 2):
        for feature, size in (("dayofweek", 7), ("month", 12)):
            block = out.filter(regex=rf"^{feature}_\d+_t\+{h}$")
            assert block.shape[1] == size
            assert (block.sum(axis=1) == 1).all()
    # No weekend is forecast, but its columns stay, so every fold has the same columns.
    assert (out[["dayofweek_5_t+1", "dayofweek_6_t+1"]] == 0).all().all()


def test_cyclic_encoding_puts_december_next_to_january():
    days = pd.date_range("2023-10-01", periods=6, freq="MS")
    X = pd.DataFrame({"x": np.zeros(6)}, index=days)
    out = CalendarFeatures(features=("month",), encoding="cyclic", horizon=1, freq="MS")
    out = out.set_output(transform="pandas").fit_transform(X)
    points = out[["month_sin_t+1", "month_cos_t+1"]].to_numpy()
    assert_allclose((points**2).sum(axis=1), 1.0)
    steps = np.linalg.norm(np.diff(points, axis=0), axis=1)
    assert_allclose(steps, 2 * np.sin(np.pi / 12))  # every month one twelfth of the circle


def test_the_calendar_changes_the_prediction_and_grid_search_tunes_it(sp500):
    X, y = make_forecast_xy(sp500, horizon=1)
    pipe = make_pipeline(
        CalendarFeatures(), MinMaxScaler(), SlidingWindowTransformer(window=3),
        RidgeAutoregressor(),
    ).set_output(transform="pandas")  # fmt: skip
    without = pipe.set_params(calendarfeatures="passthrough").fit(X, y).predict(X)
    with_it = pipe.set_params(calendarfeatures=CalendarFeatures()).fit(X, y).predict(X)
    assert not np.allclose(with_it, without)
    search = GridSearchCV(
        pipe,
        [
            {"calendarfeatures": ["passthrough"]},
            {
                "calendarfeatures": [CalendarFeatures().set_output(transform="pandas")],
                "calendarfeatures__encoding": ["onehot", "cyclic"],
            },
        ],
        cv=TimeSeriesSplit(n_splits=3),
        scoring="neg_root_mean_squared_error",
        error_score="raise",
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 3
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


@pytest.mark.parametrize(
    ("X", "match"),
    [
        (np.zeros((5, 1)), "has no index"),
        (pd.DataFrame({"x": np.zeros(5)}), "is indexed by RangeIndex"),
    ],
)
def test_rows_without_dates_are_a_clear_error(X, match):
    with pytest.raises(ValueError, match=match):
        CalendarFeatures().fit(X)


@pytest.mark.parametrize("features", [(), ("hour",), ("month", "month")])
def test_unknown_or_repeated_features_are_a_clear_error(sp500, features):
    with pytest.raises(ValueError, match="expected names among"):
        CalendarFeatures(features=features).fit(sp500)


def test_a_horizon_below_one_is_a_clear_error(sp500):
    with pytest.raises(ValueError, match="horizon 0 is less than 1"):
        CalendarFeatures(horizon=[0, 1]).fit(sp500)
