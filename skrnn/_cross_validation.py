"""Cross-validation on time-ordered folds: the out-of-sample forecasts of a pipeline.

The plumbing of :class:`~skrnn.forecasting.ConformalForecaster`: which folds
qualify (every test row after every training row, no row tested twice), and the
fits of one fold, which run wherever joblib sends them.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import TimeSeriesSplit, check_cv

from skrnn._panel import is_panel
from skrnn._quiet import quiet_tensorflow


def fit_predict(estimator, X, y, train, test=None):
    """A clone fitted on the rows `train`: its predictions of the rows `test`, or
    itself when there are none (fold models stay where they were fitted)."""
    with quiet_tensorflow():
        fitted = clone(estimator).fit(X.iloc[train], _rows(y, train))
        if test is None:
            return fitted
        return np.asarray(fitted.predict(X.iloc[test]), dtype=np.float64)


def _rows(y, rows):
    return y.iloc[rows] if isinstance(y, (pd.Series, pd.DataFrame)) else np.asarray(y)[rows]


def time_ordered_folds(cv, X):
    """The folds of `cv` on `X` as arrays, checked: each tests rows after its training
    rows, and no row is tested twice. An int `cv` is ``TimeSeriesSplit(n_splits=cv)``,
    or for a panel (rows indexed by (series, date)) ``PanelSplit(n_splits=cv)``, whose
    folds are checked by the rows' dates."""
    from skrnn._split import PanelSplit

    panel = is_panel(X)
    if isinstance(cv, Integral):
        cv = PanelSplit(n_splits=cv) if panel else TimeSeriesSplit(n_splits=cv)
    else:
        cv = check_cv(cv)
    # The rows of a panel are grouped by series: their order is by date within each only.
    order = X.index.get_level_values(1) if panel else np.arange(len(X))
    folds = [(np.asarray(train), np.asarray(test)) for train, test in cv.split(X)]
    for k, (train, test) in enumerate(folds):
        if len(train) == 0 or len(test) == 0 or order[train].max() >= order[test].min():
            raise ValueError(
                f"fold {k} of cv={cv!r} does not test days after its training days; "
                "expected time-ordered folds such as TimeSeriesSplit."
            )
    tested = np.concatenate([test for _, test in folds])
    if len(np.unique(tested)) != len(tested):
        raise ValueError(f"cv={cv!r} tests some rows more than once; expected each at most once.")
    return folds


def trained_series_only(folds, index, min_rows):
    """The folds of a panel with only the series that have at least `min_rows`
    training rows in each fold, in its training and its test rows.

    A series that starts late in a ragged panel has few or no rows before a
    fold's boundary: a model per series cannot be fitted on it, nor can any
    model's forecast of it be compared with that of a model per series. It
    takes part in the later folds where it has the rows.
    """
    codes = pd.factorize(index.get_level_values(0))[0]
    kept = []
    for k, (train, test) in enumerate(folds):
        counts = np.bincount(codes[train], minlength=codes.max() + 1)
        enough = counts >= min_rows
        train, test = train[enough[codes[train]]], test[enough[codes[test]]]
        if len(test) == 0:
            raise ValueError(
                f"fold {k} has no series with {min_rows} or more training rows and rows to "
                "test; expected longer series, or fewer folds."
            )
        kept.append((train, test))
    return kept


def longest_window(estimator):
    """The longest window of the SlidingWindowTransformers among `estimator`'s
    parameters (nested ones included); 1 without any."""
    from skrnn._window import SlidingWindowTransformer

    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    windows = [
        value.window
        for value in [estimator, *params.values()]
        if isinstance(value, SlidingWindowTransformer)
    ]
    return max(windows, default=1)
