"""SlidingWindowTransformer: the windows, the fold-boundary rule, and bad input."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.model_selection import TimeSeriesSplit

from skrnn import SlidingWindowTransformer

# The lecture's scaled Nikkei 225 closes and its "Predictors" table (Data
# Preprocessing (4) and (6)).
LECTURE_SCALED = [
    0.7751005, 0.77954396, 0.80651047, 0.65367732, 0.57621834,
    0.45870607, 0.56562796, 0.52200982, 0.6197844, 0.55890481,
]  # fmt: skip
LECTURE_PREDICTORS = [
    [0.7751005, 0.77954396, 0.80651047, 0.65367732, 0.57621834],
    [0.77954396, 0.80651047, 0.65367732, 0.57621834, 0.45870607],
    [0.80651047, 0.65367732, 0.57621834, 0.45870607, 0.56562796],
    [0.65367732, 0.57621834, 0.45870607, 0.56562796, 0.52200982],
    [0.57621834, 0.45870607, 0.56562796, 0.52200982, 0.6197844],
]


@pytest.fixture(scope="module")
def series():
    rng = np.random.RandomState(0)
    return rng.normal(size=(60, 2)).cumsum(axis=0)


def test_lecture_predictors_table():
    X = np.asarray(LECTURE_SCALED).reshape(-1, 1)
    windows = SlidingWindowTransformer(window=5).fit_transform(X)
    assert windows.shape == (10, 5, 1)
    assert windows.dtype == np.float32
    assert_array_equal(windows[4:9, :, 0], np.float32(LECTURE_PREDICTORS))


def test_row_t_holds_rows_up_to_t_newest_last(series):
    windows = SlidingWindowTransformer(window=4).fit_transform(series)
    assert windows.shape == (60, 4, 2)
    for t in range(3, 60):
        assert_array_equal(windows[t], np.float32(series[t - 3 : t + 1]))


def test_steps_before_the_history_are_nan(series):
    windows = SlidingWindowTransformer(window=4).fit_transform(series)
    for t in range(3):
        assert np.isnan(windows[t, : 3 - t]).all()
        assert_array_equal(windows[t, 3 - t :], np.float32(series[: t + 1]))


@pytest.mark.parametrize("window", [1, 3, 7])
def test_test_fold_windows_equal_the_windows_of_the_full_series(series, window):
    full = SlidingWindowTransformer(window=window).fit_transform(series)
    for train, test in TimeSeriesSplit(n_splits=3).split(series):
        fitted = SlidingWindowTransformer(window=window).fit(series[train])
        assert_array_equal(fitted.transform(series[test]), full[test])
        # In-sample: the fitted rows are windowed on their own, NaNs included.
        assert_array_equal(
            fitted.transform(series[train]),
            SlidingWindowTransformer(window=window).fit_transform(series[train]),
        )


def test_gap_joins_the_training_tail_to_the_test_rows(series):
    # Documented: with gap > 0 the first windows skip the gap rows.
    train, test = list(TimeSeriesSplit(n_splits=3, gap=2).split(series))[0]
    windows = SlidingWindowTransformer(window=3).fit(series[train]).transform(series[test])
    assert_array_equal(
        windows[0], np.float32([series[train[-2]], series[train[-1]], series[test[0]]])
    )


def test_continue_series_false_windows_rows_on_their_own(series):
    transformer = SlidingWindowTransformer(window=3, continue_series=False)
    windows = transformer.fit(series[:30]).transform(series[30:])
    assert_array_equal(windows, SlidingWindowTransformer(window=3).fit_transform(series[30:]))


def test_transform_of_fewer_rows_than_the_window_uses_history(series):
    windows = SlidingWindowTransformer(window=10).fit(series[:50]).transform(series[50:52])
    assert_array_equal(windows, SlidingWindowTransformer(window=10).fit_transform(series)[50:52])


def test_pandas_input_and_feature_names():
    frame = pd.DataFrame({"close": np.arange(6.0), "volume": np.arange(6.0) * 10})
    transformer = SlidingWindowTransformer(window=2).fit(frame)
    assert list(transformer.feature_names_in_) == ["close", "volume"]
    assert_array_equal(
        transformer.transform(frame),
        SlidingWindowTransformer(window=2).fit_transform(frame.to_numpy()),
    )
    assert list(transformer.get_feature_names_out()) == [
        "close_lag1", "volume_lag1", "close_lag0", "volume_lag0",
    ]  # fmt: skip


def test_feature_names_follow_the_reshaped_output(series):
    transformer = SlidingWindowTransformer(window=3).fit(series)
    names = transformer.get_feature_names_out()
    flat = transformer.transform(series).reshape(len(series), -1)
    assert list(names[-2:]) == ["x0_lag0", "x1_lag0"]
    assert_array_equal(flat[:, -2:], np.float32(series))


@pytest.mark.parametrize(
    "window, match",
    [(0, "window"), (-1, "window"), (2.5, "window"), (61, "longer than the series")],
)
def test_bad_window_is_a_clear_error(series, window, match):
    with pytest.raises(ValueError, match=match):
        SlidingWindowTransformer(window=window).fit(series)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.arange(5.0), "Expected 2D array"),
        (np.zeros((4, 2, 2)), "dim 3"),
        ([[1.0], [np.nan], [3.0]], "NaN"),
        ([[1.0], [np.inf], [3.0]], "infinity"),
        ([["a"], ["b"], ["c"]], "could not convert"),
    ],
)
def test_bad_series_is_a_clear_error(X, match):
    with pytest.raises(ValueError, match=match):
        SlidingWindowTransformer(window=2).fit(X)


def test_nan_at_transform_is_an_error(series):
    transformer = SlidingWindowTransformer(window=2).fit(series)
    bad = series[:5].copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        transformer.transform(bad)


def test_different_number_of_features_at_transform_is_an_error(series):
    transformer = SlidingWindowTransformer(window=2).fit(series)
    with pytest.raises(ValueError, match="2 features"):
        transformer.transform(series[:, :1])


@pytest.mark.parametrize("rows", [slice(-3, None), slice(20, 35), slice(0, 1), slice(55, 60)])
def test_rows_of_the_fitted_series_get_their_windows_from_it(series, rows):
    fitted = SlidingWindowTransformer(window=4).fit(series)
    assert_array_equal(fitted.transform(series[rows]), fitted.transform(series)[rows])


def test_rows_that_start_inside_and_run_past_the_fitted_series(series):
    fitted = SlidingWindowTransformer(window=4).fit(series[:40])
    full = SlidingWindowTransformer(window=4).fit_transform(series)
    assert_array_equal(fitted.transform(series[35:50]), full[35:50])
