"""Every window is cut from the right days, whatever the values: properties and a search.

Series with many repeated values (small integers, constant stretches, prices that do not
move across a fold boundary) are where finding rows by their values went wrong.
"""

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import LSTMRegressor, SlidingWindowTransformer
from skrnn.datasets import load_sp500, make_forecast_xy
from tests._tiny import TINY

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def repetitive_series(draw):
    """A series of small integers: repeats, constant stretches, unmoved boundaries."""
    n_rows = draw(st.integers(min_value=6, max_value=40))
    n_features = draw(st.integers(min_value=1, max_value=2))
    values = draw(arrays(np.float64, (n_rows, n_features), elements=st.integers(0, 2)))
    return values


def _labelled(values):
    return pd.DataFrame(values, index=pd.bdate_range("2024-01-01", periods=len(values)))


class WindowReader(RegressorMixin, BaseEstimator):
    """Predicts a fixed weighting of the window, steps and NaNs told apart."""

    def fit(self, X, y):
        self.fitted_ = True
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=np.float64)
        weights = 10.0 ** np.arange(X.shape[1])  # a misplaced step changes the answer
        known = np.where(np.isnan(X), -7.0, X).sum(axis=2)
        return known @ weights


class RecordingRegressor(WindowReader):
    """Keeps every window array it is asked to predict, across clones."""

    seen = []

    def predict(self, X):
        RecordingRegressor.seen.append(np.array(X))
        return super().predict(X)


@PROPERTY_SETTINGS
@given(values=repetitive_series(), n_splits=st.integers(2, 4), window=st.integers(1, 6))
def test_labelled_test_folds_get_the_full_series_windows(values, n_splits, window):
    frame = _labelled(values)
    full = SlidingWindowTransformer(window=window).fit_transform(frame)
    for train, test in TimeSeriesSplit(n_splits=n_splits).split(frame):
        if window > len(train):
            continue
        fitted = SlidingWindowTransformer(window=window).fit(frame.iloc[train])
        assert_array_equal(fitted.transform(frame.iloc[test]), full[test])
        assert_array_equal(fitted.transform(frame.iloc[train]), full[train])


@PROPERTY_SETTINGS
@given(values=repetitive_series(), n_splits=st.integers(2, 4), window=st.integers(1, 6))
def test_array_test_folds_get_the_full_series_windows(values, n_splits, window):
    full = SlidingWindowTransformer(window=window).fit_transform(values)
    for train, test in TimeSeriesSplit(n_splits=n_splits).split(values):
        if window > len(train):
            continue
        if len(test) >= len(train) and np.array_equal(values[test][: len(train)], values[train]):
            # Documented: an array that repeats the whole fitted series value for
            # value is read as that series. Only labels tell the two apart.
            continue
        fitted = SlidingWindowTransformer(window=window).fit(values[train])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            windows = fitted.transform(values[test])
            fitted_rows = fitted.transform(values[train])
        # A test fold that repeats the training fold's last rows is warned about, once;
        # the fitted rows themselves are the fitted series, without a warning.
        last = values[train][-len(test) :]
        repeats = len(test) < len(train) and np.array_equal(values[test], last)
        assert ["equal the last" in str(w.message) for w in caught] == [True] * repeats
        assert_array_equal(windows, full[test])
        assert_array_equal(fitted_rows, full[train])


@PROPERTY_SETTINGS
@given(values=repetitive_series(), window=st.integers(1, 5))
def test_the_forecast_of_a_new_day_reads_the_full_series_window(values, window):
    frame = _labelled(values)
    y = np.arange(len(frame) - 1.0)
    pipe = make_pipeline(MinMaxScaler(), SlidingWindowTransformer(window=window), WindowReader())
    pipe.set_output(transform="pandas").fit(frame.iloc[:-1], y)
    scaled = pipe[0].transform(frame)
    expected = WindowReader().predict(
        SlidingWindowTransformer(window=window).fit_transform(scaled)[-1:]
    )
    assert_array_equal(pipe.predict(frame.iloc[[-1]]), expected)
    # The same new day as an array: read as the day after the fitted series (with
    # a warning when its values equal the last fitted day's).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "X's 1 row.* equal the last", UserWarning)
        assert_array_equal(pipe.predict(frame.iloc[[-1]].to_numpy()), expected)


def test_search_scores_every_test_fold_on_the_full_series_windows():
    # The README's flow, on a DataFrame indexed by dates.
    X, y = make_forecast_xy(load_sp500().iloc[-200:], horizon=1)
    pipe = make_pipeline(
        MinMaxScaler(), SlidingWindowTransformer(), RecordingRegressor()
    ).set_output(transform="pandas")
    folds = TimeSeriesSplit(n_splits=3)
    windows = [3, 5]
    RecordingRegressor.seen = []
    GridSearchCV(
        pipe,
        {"slidingwindowtransformer__window": windows},
        cv=folds,
        scoring="neg_root_mean_squared_error",
        n_jobs=1,
    ).fit(X, y)
    expected = []
    for window in windows:
        for train, test in folds.split(X):
            scaled = MinMaxScaler().fit(X.iloc[train]).transform(X)
            expected.append(SlidingWindowTransformer(window=window).fit_transform(scaled)[test])
    assert len(RecordingRegressor.seen) == len(expected)
    for seen, windows_of_fold in zip(RecordingRegressor.seen, expected, strict=True):
        assert_array_equal(seen, windows_of_fold)
        assert not np.isnan(seen).any()  # every test window is complete


def test_a_network_forecasts_the_next_day_from_the_days_before_it():
    frame = load_sp500().iloc[2400:2469]  # ends on 2008-10-24, whose close also closed 2002
    X, y = frame.iloc[:-1], frame["closed_price"].to_numpy()[1:]
    pipe = make_pipeline(
        MinMaxScaler(),
        SlidingWindowTransformer(window=5),
        LSTMRegressor(**TINY),
    ).set_output(transform="pandas")
    pipe.fit(X, y)
    full_windows = SlidingWindowTransformer(window=5).fit_transform(pipe[0].transform(frame))
    assert_allclose(pipe.predict(frame.iloc[[-1]]), pipe[-1].predict(full_windows[-1:]), rtol=1e-6)
