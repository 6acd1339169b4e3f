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
    rows, and no row is tested twice. An int `cv` is ``TimeSeriesSplit(n_splits=cv)``."""
    cv = TimeSeriesSplit(n_splits=cv) if isinstance(cv, Integral) else check_cv(cv)
    folds = [(np.asarray(train), np.asarray(test)) for train, test in cv.split(X)]
    for k, (train, test) in enumerate(folds):
        if len(train) == 0 or len(test) == 0 or train.max() >= test.min():
            raise ValueError(
                f"fold {k} of cv={cv!r} does not test days after its training days; "
                "expected time-ordered folds such as TimeSeriesSplit."
            )
    tested = np.concatenate([test for _, test in folds])
    if len(np.unique(tested)) != len(tested):
        raise ValueError(f"cv={cv!r} tests some rows more than once; expected each at most once.")
    return folds
