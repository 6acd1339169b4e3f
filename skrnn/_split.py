"""Cross-validation of a panel by date: every series shares each fold's boundary."""

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator, TimeSeriesSplit

from skrnn._panel import is_panel


class PanelSplit(BaseCrossValidator):
    """Time-series cross-validation over the dates of a panel.

    :class:`~sklearn.model_selection.TimeSeriesSplit` splits rows; on a panel
    of many series, rows of different series share dates, and a split by
    rows would test one series on days another trains on. ``PanelSplit``
    applies ``TimeSeriesSplit`` to the panel's distinct dates, in time order,
    and gives each fold the rows of those dates: all series share the fold's
    boundary and its test period, and every training row is older than every
    test row. Its parameters are ``TimeSeriesSplit``'s, counted in dates.

    In a ragged panel, a series without a date in a fold's test block is
    simply absent from that test fold, and a series that starts in the test
    block has test rows but no training rows (a model of all series may
    forecast it; a model per series cannot).

    The dates are read from the index of `X`: the second level of a
    (series, date) :class:`~pandas.MultiIndex`, or the index itself (one
    series, or a long frame indexed by date alone). `groups`, when given,
    are the dates instead, for inputs without an index.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds; at least 2.

    max_train_size : int or None, default=None
        Most dates in a training set (the latest ones); None for all earlier
        dates.

    test_size : int or None, default=None
        Dates in each test block; None for
        ``n_dates // (n_splits + 1)``.

    gap : int, default=0
        Dates left out between each training set and its test block.

    See Also
    --------
    sklearn.model_selection.TimeSeriesSplit : The same split, by rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn.model_selection import PanelSplit
    >>> index = pd.MultiIndex.from_tuples(
    ...     [("a", 1), ("a", 2), ("a", 3), ("a", 4), ("b", 2), ("b", 3), ("b", 4)],
    ...     names=["series", "date"])
    >>> X = pd.DataFrame({"close": range(7)}, index=index)
    >>> for train, test in PanelSplit(n_splits=2).split(X):
    ...     print(X.index[train].tolist(), X.index[test].tolist())
    [('a', 1), ('a', 2), ('b', 2)] [('a', 3), ('b', 3)]
    [('a', 1), ('a', 2), ('a', 3), ('b', 2), ('b', 3)] [('a', 4), ('b', 4)]
    """

    def __init__(self, n_splits=5, *, max_train_size=None, test_size=None, gap=0):
        self.n_splits = n_splits
        self.max_train_size = max_train_size
        self.test_size = test_size
        self.gap = gap

    def split(self, X, y=None, groups=None):
        """Generate the row indices of each fold's training and test rows.

        Parameters
        ----------
        X : DataFrame or Series of shape (n_samples, n_features)
            Rows indexed by (series, date) or by date; the rows may come in
            any order.

        y : array-like of shape (n_samples,), default=None
            Ignored; there for compatibility.

        groups : array-like of shape (n_samples,), default=None
            The date of each row, used instead of the index of `X`.

        Yields
        ------
        train : ndarray
            The positions of the training rows, in the order of `X`.

        test : ndarray
            The positions of the test rows, in the order of `X`.
        """
        codes, n_dates = self._date_codes(X, groups)
        splitter = TimeSeriesSplit(
            self.n_splits,
            max_train_size=self.max_train_size,
            test_size=self.test_size,
            gap=self.gap,
        )
        try:
            folds = list(splitter.split(np.empty((n_dates, 1))))
        except ValueError as exc:
            raise ValueError(f"the panel has {n_dates} distinct dates: {exc}") from None
        for train_dates, test_dates in folds:
            yield _rows_of(codes, train_dates, n_dates), _rows_of(codes, test_dates, n_dates)

    def get_n_splits(self, X=None, y=None, groups=None):
        """Return the number of folds.

        Parameters
        ----------
        X : object, default=None
            Ignored; there for compatibility.

        y : object, default=None
            Ignored; there for compatibility.

        groups : object, default=None
            Ignored; there for compatibility.

        Returns
        -------
        n_splits : int
            The number of folds.
        """
        return self.n_splits

    def _date_codes(self, X, groups):
        """Each row's date as its rank among the distinct dates, and their number."""
        if groups is not None:
            dates = pd.Index(np.asarray(groups))
            if len(dates) != len(X):
                raise ValueError(
                    f"groups has {len(dates)} dates but X has {len(X)} rows; expected "
                    "the date of each row."
                )
        elif is_panel(X):
            dates = X.index.get_level_values(1)
        elif isinstance(X, (pd.DataFrame, pd.Series)):
            dates = X.index
        else:
            raise ValueError(
                f"PanelSplit reads the dates of the rows from X's index, but X is a "
                f"{type(X).__name__}; expected a DataFrame indexed by (series, date) or "
                "by date, or the dates as groups."
            )
        if dates.hasnans:
            raise ValueError("X has a row without a date; expected every row dated.")
        try:
            codes, unique = pd.factorize(dates, sort=True)
        except TypeError:
            raise ValueError(
                "the dates of X cannot be sorted; expected time labels of one kind."
            ) from None
        return codes, len(unique)


def _rows_of(codes, dates, n_dates):
    """The positions of the rows whose date is one of `dates` (ranks)."""
    chosen = np.zeros(n_dates, dtype=bool)
    chosen[dates] = True
    return np.flatnonzero(chosen[codes])
