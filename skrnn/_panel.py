"""Panels: many series in one table, indexed by (series, date).

A panel is a DataFrame (or Series) whose index is a two-level
:class:`~pandas.MultiIndex`: the series' label first, the row's time label
(a date) second, as :func:`skrnn.datasets.load_panel_csv` returns it. Rows of
different series may come in any order; within each series the dates must be
strictly increasing. Everything here needs only NumPy and pandas.
"""

import numpy as np
import pandas as pd


def is_panel(X):
    """Whether `X` is a DataFrame or Series indexed by (series, date)."""
    return isinstance(X, (pd.DataFrame, pd.Series)) and is_panel_index(X.index)


def is_panel_index(index):
    """Whether `index` is a (series, date) index: a MultiIndex of two levels."""
    return isinstance(index, pd.MultiIndex) and index.nlevels == 2


def check_panel(X, who):
    """`X` itself, a DataFrame indexed by (series, date) with each series' dates in
    order; else a ValueError saying that `who` (an estimator's name) needs one."""
    if not (isinstance(X, pd.DataFrame) and is_panel_index(X.index)):
        what = "not indexed by (series, date)" if isinstance(X, pd.DataFrame) else type(X).__name__
        raise ValueError(
            f"{who} reads each row's series from X's index, but X is {what}; expected a "
            "DataFrame indexed by (series, date), such as load_panel_csv and "
            "make_forecast_xy return for a panel (in a pipeline: "
            "set_output(transform='pandas'))."
        )
    check_panel_index(X.index)
    return X


def series_name(index):
    """The name of the series level, for messages and column names."""
    name = index.names[0]
    return "series" if name is None else str(name)


def series_groups(index):
    """The series of a panel index in order of first appearance, and the positions
    of each one's rows, in row order: ``[(label, positions), ...]``."""
    codes, labels = pd.factorize(index.get_level_values(0), sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return list(zip(labels, np.split(order, bounds), strict=True))


def check_panel_index(index, what="X"):
    """Raise a ValueError naming the series and the date where the rows of a
    series are not in strictly increasing time order (unsorted or repeated)."""
    if index.get_level_values(0).hasnans or index.get_level_values(1).hasnans:
        level = 0 if index.get_level_values(0).hasnans else 1
        kind = "series label" if level == 0 else "date"
        raise ValueError(f"{what} has a missing {kind} in its index; expected every row labelled.")
    name = series_name(index)
    duplicated = index.duplicated()
    if duplicated.any():
        label, date = index[np.argmax(duplicated)]
        raise ValueError(
            f"{what} has two rows for {name} {label!r} on date {show_label(date)}; "
            "expected one row per series and date."
        )
    dates = index.get_level_values(1)
    for label, positions in series_groups(index):
        own = dates[positions]
        if own.is_monotonic_increasing:
            continue
        try:
            i = int(np.argmax(np.asarray(own[1:] < own[:-1]))) + 1
        except TypeError:
            raise ValueError(
                f"{what}'s dates of {name} {label!r} cannot be compared with each other; "
                "expected time labels of one kind."
            ) from None
        raise ValueError(
            f"{what}'s rows of {name} {label!r} are not in time order: date "
            f"{show_label(own[i])} comes after {show_label(own[i - 1])}; expected each "
            "series' dates in increasing order (sort the rows with sort_index())."
        )


def show_label(label):
    """A date as a user writes it (2024-01-05), other labels as they are."""
    if isinstance(label, pd.Timestamp) and label == label.normalize():
        return label.strftime("%Y-%m-%d")
    return str(label)
