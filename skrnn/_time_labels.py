"""Rows known by their time labels, the rule the window transformer and the forecaster share.

A model fitted on a series meets its rows again later: the fitted rows
themselves (in-sample predictions), rows that continue the series (a test
fold, the days after the data), or both. Which is which is decided by the rows'
time labels (the index of a DataFrame), never by their values: prices repeat.
This module holds that rule once, with the checks of the labels it relies on;
it needs only NumPy and pandas, so :mod:`skrnn.datasets` uses it too.
"""

import numpy as np
import pandas as pd


def rows_and_labels(X):
    """`X` as a table (a Series becomes one column) and its index, or None."""
    if isinstance(X, pd.Series):
        X = X.to_frame()
    return X, X.index if isinstance(X, pd.DataFrame) else None


def is_default_index(index):
    """Whether `index` is ``0 .. n - 1``, the index of rows that had none."""
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def check_increasing(index, name):
    """Raise a ValueError unless `index`, the index of `name`, is strictly increasing."""
    if not (index.is_monotonic_increasing and index.is_unique):
        raise ValueError(
            f"the index of {name} is not strictly increasing (unsorted or repeated "
            "time labels); expected rows in time order, one per time label: sort with "
            f"{name}.sort_index() and remove the repeated labels."
        )


def check_dated(X, name):
    """Raise a ValueError unless `X` is a DataFrame indexed by strictly increasing dates."""
    if not isinstance(X, pd.DataFrame) or not isinstance(
        X.index, (pd.DatetimeIndex, pd.PeriodIndex)
    ):
        got = type(X).__name__
        if isinstance(X, pd.DataFrame):
            got = f"a DataFrame indexed by {type(X.index).__name__}"
        raise ValueError(
            f"{name} must be a pandas DataFrame indexed by date (DatetimeIndex or "
            f"PeriodIndex), as make_forecast_xy returns it; got {got}."
        )
    check_increasing(X.index, name)


def later_than(labels, label, name="X"):
    """Which of `labels` (the index of `name`) come after the fitted rows' `label`,
    as a boolean array; a ValueError when they cannot be compared."""
    try:
        return np.asarray(labels > label)
    except TypeError:
        raise ValueError(
            f"the index of {name} ({labels.dtype}) cannot be compared with the time "
            f"labels of the fitted rows ({pd.Index([label]).dtype}); expected labels of "
            "the same kind, in time order."
        ) from None


def locate(fitted, labels):
    """Where the rows labelled `labels` stand in the fitted rows and the rows after them.

    Labels up to the last of `fitted` must be labels of fitted rows; the later
    ones are new rows that continue the fitted series, in the order given.

    Parameters
    ----------
    fitted : pandas.Index
        The labels of the fitted rows, strictly increasing.

    labels : pandas.Index
        The labels of the rows to find, strictly increasing.

    Returns
    -------
    positions : ndarray of shape (len(labels),)
        The position of each row in the fitted series followed by the new
        rows: a fitted row's own position, ``len(fitted) + k`` for the k-th
        new row.

    n_fitted : int
        How many of the rows are fitted rows (they come first).
    """
    check_increasing(labels, "X")
    n_fitted = len(labels) - int(later_than(labels, fitted[-1]).sum())
    old = fitted.get_indexer(labels[:n_fitted])
    if (old < 0).any():
        label = labels[:n_fitted][old < 0][0]
        where = (
            "before the start of the fitted series"
            if label < fitted[0]
            else "inside the fitted period, but no fitted row has it"
        )
        raise ValueError(
            f"X has a row labelled {day(label)}, {where} ({day(fitted[0])} .. "
            f"{day(fitted[-1])}); expected labels of fitted rows, or labels after "
            f"{day(fitted[-1])} for new rows."
        )
    new = len(fitted) + np.arange(len(labels) - n_fitted)
    return np.concatenate([old, new]), n_fitted


def day(label):
    """A date as ``YYYY-MM-DD`` when it is a midnight timestamp, else as pandas prints it."""
    if isinstance(label, pd.Timestamp) and label == label.normalize():
        return str(label.date())
    return str(label)
