"""SlidingWindowTransformer: the windows, how rows are found, and bad input."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from numpy.testing import assert_array_equal
from sklearn.model_selection import TimeSeriesSplit

from skrnn import SlidingWindowTransformer
from skrnn.datasets import load_sp500

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


@pytest.fixture(scope="module")
def frame(series):
    """The same series with business days as its time labels."""
    dates = pd.bdate_range("2020-01-01", periods=len(series), name="date")
    return pd.DataFrame(series, index=dates, columns=["close", "volume"])


@pytest.fixture(scope="module")
def sp500():
    return load_sp500()


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


@pytest.mark.parametrize("labelled", [True, False], ids=["DataFrame", "array"])
@pytest.mark.parametrize("window", [1, 3, 7])
def test_test_fold_windows_equal_the_windows_of_the_full_series(series, frame, window, labelled):
    data = frame if labelled else series
    full = SlidingWindowTransformer(window=window).fit_transform(data)
    for train, test in TimeSeriesSplit(n_splits=3).split(series):
        part = (lambda rows: data.iloc[rows]) if labelled else (lambda rows: data[rows])
        fitted = SlidingWindowTransformer(window=window).fit(part(train))
        assert_array_equal(fitted.transform(part(test)), full[test])
        # In-sample: the fitted rows are windowed on their own, NaNs included.
        assert_array_equal(
            fitted.transform(part(train)),
            SlidingWindowTransformer(window=window).fit_transform(part(train)),
        )


# -- the two ways values used to mislead the transformer ------------------------


@pytest.mark.parametrize("labelled", [True, False], ids=["DataFrame", "array"])
def test_a_new_day_whose_close_occurred_before_gets_the_days_before_it(sp500, labelled):
    # Row 2468's close, 876.77, is also row 902's: the window must still be the
    # five days that end on 2008-10-24, not a week of 2002.
    closes = sp500 if labelled else sp500.to_numpy()
    rows = (lambda s: closes.iloc[s]) if labelled else (lambda s: closes[s])
    transformer = SlidingWindowTransformer(window=5).fit(rows(slice(0, 2468)))
    window = transformer.transform(rows(slice(2468, 2469)))
    assert_array_equal(window[0, :, 0], np.float32([985.40, 955.05, 896.78, 908.11, 876.77]))


def test_an_unchanged_price_across_the_fold_boundary():
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0]).reshape(-1, 1)
    expected = np.float32([[4, 5, 5], [5, 5, 6], [5, 6, 7]])
    fitted = SlidingWindowTransformer(window=3).fit(values[:5])
    assert_array_equal(fitted.transform(values[5:])[:, :, 0], expected)
    labelled = pd.DataFrame(values, index=pd.bdate_range("2024-01-01", periods=8))
    fitted = SlidingWindowTransformer(window=3).fit(labelled.iloc[:5])
    assert_array_equal(fitted.transform(labelled.iloc[5:])[:, :, 0], expected)


def test_unchanged_closes_of_the_bundled_series_across_every_boundary(sp500):
    # Every day whose close equals the day before's, taken as the first test day.
    closes = sp500["closed_price"]
    full = SlidingWindowTransformer(window=5).fit_transform(closes)
    unchanged = np.flatnonzero(np.diff(closes.to_numpy()) == 0) + 1
    assert unchanged.size >= 3
    for first in unchanged:
        fitted = SlidingWindowTransformer(window=5).fit(closes.iloc[:first])
        assert_array_equal(fitted.transform(closes.iloc[first : first + 10]),
                           full[first : first + 10])  # fmt: skip
        fitted = SlidingWindowTransformer(window=5).fit(closes.to_numpy()[:first, None])
        assert_array_equal(fitted.transform(closes.to_numpy()[first : first + 10, None]),
                           full[first : first + 10])  # fmt: skip


# -- rows found by their time labels -------------------------------------------------


@pytest.mark.parametrize("rows", [slice(-3, None), slice(20, 35), slice(0, 1), slice(55, 60)])
def test_labelled_rows_of_the_fitted_series_are_windowed_from_it(frame, rows):
    fitted = SlidingWindowTransformer(window=4).fit(frame)
    assert_array_equal(fitted.transform(frame.iloc[rows]), fitted.transform(frame)[rows])


def test_labelled_rows_one_at_a_time_are_windowed_as_all_together(frame):
    fitted = SlidingWindowTransformer(window=4).fit(frame)
    one_by_one = [fitted.transform(frame.iloc[[t]])[0] for t in range(len(frame))]
    assert_array_equal(np.stack(one_by_one), fitted.transform(frame))


def test_labelled_rows_need_not_be_consecutive(frame):
    fitted = SlidingWindowTransformer(window=4).fit(frame.iloc[:40])
    full = SlidingWindowTransformer(window=4).fit_transform(frame)
    picked = [3, 17, 39, 40, 41]  # three fitted rows, then two new ones
    assert_array_equal(fitted.transform(frame.iloc[picked]), full[picked])


def test_labelled_rows_that_start_inside_and_run_past_the_fitted_series(frame):
    fitted = SlidingWindowTransformer(window=4).fit(frame.iloc[:40])
    full = SlidingWindowTransformer(window=4).fit_transform(frame)
    assert_array_equal(fitted.transform(frame.iloc[35:50]), full[35:50])


def test_a_series_is_one_labelled_feature(frame):
    closes = frame["close"]
    fitted = SlidingWindowTransformer(window=3).fit(closes.iloc[:30])
    assert list(fitted.feature_names_in_) == ["close"]
    assert_array_equal(
        fitted.transform(closes.iloc[30:]),
        SlidingWindowTransformer(window=3).fit_transform(closes)[30:],
    )
    assert fitted.index_.equals(closes.index[:30])


def test_any_sortable_index_is_a_time_label(series):
    # An integer index that does not start at 0: e.g. rows 100 .. 159 of a table.
    data = pd.DataFrame(series, index=np.arange(100, 160))
    fitted = SlidingWindowTransformer(window=3).fit(data.iloc[:30])
    full = SlidingWindowTransformer(window=3).fit_transform(series)
    assert_array_equal(fitted.transform(data.iloc[25:35]), full[25:35])


def test_gap_between_folds_joins_the_training_tail_to_the_test_rows(frame):
    # Documented: the transformer cannot tell rows it never saw from days
    # without data, so with gap > 0 the first windows skip the gap rows.
    train, test = list(TimeSeriesSplit(n_splits=3, gap=2).split(frame))[0]
    for data in (frame, frame.to_numpy()):
        part = data.iloc if isinstance(data, pd.DataFrame) else data
        windows = SlidingWindowTransformer(window=3).fit(part[train]).transform(part[test])
        values = frame.to_numpy(dtype=np.float32)
        assert_array_equal(windows[0], [values[train[-2]], values[train[-1]], values[test[0]]])


def test_fitted_state_keeps_the_series_and_its_labels(frame):
    fitted = SlidingWindowTransformer(window=3).fit(frame.iloc[:30])
    assert fitted.series_.dtype == np.float32
    assert_array_equal(fitted.series_, np.float32(frame.to_numpy()[:30]))
    assert fitted.index_.equals(frame.index[:30])
    assert SlidingWindowTransformer(window=3).fit(frame.to_numpy()).index_ is None


@pytest.mark.parametrize(
    "rows, match",
    [
        ([30, 29], "not strictly increasing"),
        ([30, 30], "not strictly increasing"),
    ],
)
def test_unsorted_or_repeated_labels_are_an_error(frame, rows, match):
    fitted = SlidingWindowTransformer(window=3).fit(frame.iloc[:30])
    with pytest.raises(ValueError, match=match):
        fitted.transform(frame.iloc[rows])
    with pytest.raises(ValueError, match=match):
        SlidingWindowTransformer(window=1).fit(frame.iloc[rows])


def test_labels_before_the_fitted_start_are_an_error(frame):
    fitted = SlidingWindowTransformer(window=3).fit(frame.iloc[10:30])
    with pytest.raises(ValueError, match="before the start of the fitted series"):
        fitted.transform(frame.iloc[5:15])


def test_a_label_inside_the_fitted_period_that_was_not_fitted_is_an_error(frame):
    fitted = SlidingWindowTransformer(window=3).fit(frame.iloc[[0, 1, 2, 4, 5]])
    with pytest.raises(ValueError, match="inside the fitted period, but no fitted row"):
        fitted.transform(frame.iloc[[3]])


def test_fitted_labels_with_other_values_are_an_error(frame):
    fitted = SlidingWindowTransformer(window=3).fit(frame.iloc[:30])
    with pytest.raises(ValueError, match="not the fitted ones"):
        fitted.transform(frame.iloc[20:25] * 2)


def test_labels_of_another_kind_are_an_error(frame):
    fitted = SlidingWindowTransformer(window=3).fit(frame.iloc[:30])
    other = frame.iloc[30:35].set_axis(["a", "b", "c", "d", "e"])
    with pytest.raises(ValueError, match="cannot be compared"):
        fitted.transform(other)


# -- rows without labels ------------------------------------------------------------


def test_an_array_that_begins_with_the_fitted_series_is_that_series(series):
    fitted = SlidingWindowTransformer(window=4).fit(series[:40])
    full = SlidingWindowTransformer(window=4).fit_transform(series)
    assert_array_equal(fitted.transform(series), full)


def test_the_default_index_is_no_time_label(series):
    # What pandas and set_output give rows without an index: read as an array.
    fitted = SlidingWindowTransformer(window=3).fit(pd.DataFrame(series[:30]))
    assert_array_equal(
        fitted.transform(pd.DataFrame(series[30:])),
        SlidingWindowTransformer(window=3).fit_transform(series)[30:],
    )


def test_an_array_equal_to_the_fitted_tail_is_read_as_new_rows_with_a_warning(series):
    fitted = SlidingWindowTransformer(window=3).fit(series[:30])
    with pytest.warns(UserWarning, match="equal the last 2 row.* DataFrames indexed by time"):
        windows = fitted.transform(series[28:30])
    assert_array_equal(windows[0], np.float32(series[[28, 29, 28]]))


def test_continue_series_false_windows_rows_on_their_own(series, frame):
    for data in (series, frame):
        transformer = SlidingWindowTransformer(window=3, continue_series=False)
        part = data.iloc if isinstance(data, pd.DataFrame) else data
        windows = transformer.fit(part[:30]).transform(part[30:])
        assert_array_equal(windows, SlidingWindowTransformer(window=3).fit_transform(series[30:]))


def test_transform_of_fewer_rows_than_the_window_uses_history(series):
    windows = SlidingWindowTransformer(window=10).fit(series[:50]).transform(series[50:52])
    assert_array_equal(windows, SlidingWindowTransformer(window=10).fit_transform(series)[50:52])


# -- pandas output settings -----------------------------------------------------------


def test_set_output_keeps_the_windows_an_array(frame):
    transformer = SlidingWindowTransformer(window=3).set_output(transform="pandas")
    windows = transformer.fit_transform(frame)
    assert isinstance(windows, np.ndarray) and windows.dtype == np.float32
    assert windows.shape == (60, 3, 2)
    with pytest.raises(ValueError, match="not an output setting"):
        transformer.set_output(transform="xml")


@pytest.mark.parametrize("labelled", [True, False], ids=["DataFrame", "array"])
def test_global_pandas_output_keeps_windows_an_array_and_rows_found(series, frame, labelled):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler

    data = frame if labelled else series
    part = data.iloc if labelled else data
    with sklearn.config_context(transform_output="pandas"):
        pipe = make_pipeline(MinMaxScaler(), SlidingWindowTransformer(window=3))
        pipe.fit(part[:40])
        windows = pipe.transform(part[40:])
        full = make_pipeline(MinMaxScaler().fit(part[:40]), SlidingWindowTransformer(window=3))
    assert isinstance(windows, np.ndarray)
    scaled = full[0].transform(data)
    expected = SlidingWindowTransformer(window=3).fit_transform(np.asarray(scaled))[40:]
    assert_array_equal(windows, expected)


# -- names and bad input -----------------------------------------------------------


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
