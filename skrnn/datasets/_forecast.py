"""Pairs of inputs and future targets for forecasting a price series."""

import pandas as pd

from skrnn._panel import is_panel
from skrnn._time_labels import check_increasing
from skrnn._validation import check_horizons, float_column
from skrnn.datasets._panel import panel_forecast_xy
from skrnn.datasets._stock import DEFAULT_PRICE, match_column, resolve_price_column

__all__ = ["make_forecast_xy"]


def _find(frame, name, what):
    try:
        column = match_column(list(frame.columns), name)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None
    if column is None:
        raise ValueError(
            f"{what} {name!r} is not a column of the frame; expected one of {list(frame.columns)}"
        )
    return column


def _default_target(frame):
    columns = list(frame.columns)
    column, tried = resolve_price_column(columns, DEFAULT_PRICE)
    if column is not None:
        return column
    if len(columns) == 1:
        return columns[0]
    raise ValueError(
        f"target=None looks for a column {' or '.join(map(repr, tried))} (case "
        f"ignored), or the only column, but the frame has columns {columns}; pass "
        "target= to name the column to forecast"
    )


def target_column(frame, target):
    """The column of `frame` that `target` names (None: the price column, found
    as :func:`load_stock_csv` finds it, or the frame's only column)."""
    return _default_target(frame) if target is None else _find(frame, target, "target")


def make_forecast_xy(frame, *, target=None, horizon=1, features=None, known_future=None):
    """Pair each day's features with the target ``horizon`` rows later.

    Row ``t`` of ``X`` holds the feature columns of ``frame`` at row ``t``, and
    row ``t`` of ``y`` the ``target`` column at row ``t + h`` for each horizon
    ``h``: ``y.iloc[t] == frame[target].iloc[t + h]`` exactly. The last
    ``max(horizon)`` rows of ``frame`` have no future value for the longest
    horizon, so they are not rows of ``X`` nor of ``y``: ``len(X) == len(y) ==
    len(frame) - max(horizon)``. That is the definition of the forecast pairs,
    not a cleaning step; nothing else is removed, and missing values are an
    error.

    Horizons count rows, not calendar days: with daily trading data,
    ``horizon=1`` is the next trading day, as in the lecture. The rows must be
    in time order (a :class:`~pandas.DatetimeIndex` must be strictly
    increasing, as :func:`load_stock_csv` returns it).

    **Covariates.** Columns in `features` are past covariates (the volume,
    the day's high and low, another series joined by date): row ``t`` of
    ``X`` holds their values of day ``t``, the day the forecast is made, and
    never a later one. Columns in `known_future` are known in advance (a
    planned event, a holiday; for the calendar see
    :class:`~skrnn.CalendarFeatures`): ``X`` gets their values of each day
    forecast, ``f"{column}_t+{h}"`` for each horizon ``h``, which a user
    knows on day ``t``. The target cannot be one of them.

    **Panels.** When `frame` is indexed by (series, date), as
    :func:`load_panel_csv` returns it, each row is paired with the values
    ``h`` rows later *within its series*, never with another series' rows:
    each series loses its own last ``max(horizon)`` rows, and ``X`` and
    ``y`` keep the (series, date) index, rows in the frame's order. The
    series may be ragged; within each, dates must be strictly increasing.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per time step, in time order, with numeric columns, e.g. the
        output of :func:`load_stock_csv` or :func:`load_sp500`.

    target : str or None, default=None
        The column to forecast. None means the price column as
        :func:`load_stock_csv` finds it by default: ``closed_price``, or else
        Yahoo!'s ``Close``, or else the frame's only column. Column names are
        matched exactly, or else ignoring case when that is unambiguous.

    horizon : int or list of int, default=1
        How many rows ahead to forecast (>= 1). An int gives a Series ``y``; a
        list gives a DataFrame ``y`` with one column per horizon, in the order
        given (also for a list of one).

    features : str, list of str or None, default=None
        The columns of ``X``. None means the target column alone: the
        lecture's univariate setting, in which past prices forecast the price.
        Pass e.g. ``list(frame.columns)`` to use every column.

    known_future : str, list of str or None, default=None
        Columns whose future values are known on the day of the forecast:
        ``X`` holds their values of the days forecast, one column
        ``f"{column}_t+{h}"`` per horizon, after the `features`.

    Returns
    -------
    X : pandas.DataFrame of shape (len(frame) - max(horizon), n_features)
        The feature columns at day ``t`` (and the `known_future` columns at
        day ``t + h``), with the index of ``frame`` without its last
        ``max(horizon)`` rows (of each series, for a panel).

    y : pandas.Series or pandas.DataFrame
        The target at day ``t + h``, with the same index as ``X``: a Series
        named ``f"{target}_t+{h}"`` for an int ``horizon``, else a DataFrame of
        shape (len(X), len(horizon)) with one such column per horizon.

    Raises
    ------
    ValueError
        If a horizon is not an int >= 1 (or repeats), the target or a feature
        is not a column, the target is declared known in advance, a used
        column is not numeric or holds NaN or infinite values, the frame (or
        a series of a panel) has no more rows than ``max(horizon)``, or its
        dates are not strictly increasing (within each series, for a panel).
        The messages name the series and the date.

    See Also
    --------
    load_stock_csv : Read a price file into such a frame.
    load_sp500 : The bundled S&P 500 frame.

    Examples
    --------
    >>> import io
    >>> from skrnn.datasets import load_sp500, load_stock_csv, make_forecast_xy
    >>> X, y = make_forecast_xy(load_sp500(), horizon=1)
    >>> X.shape, y.shape
    ((5030, 1), (5030,))
    >>> list(X.columns), y.name
    (['closed_price'], 'closed_price_t+1')
    >>> X.index[0], X.index[-1]
    (Timestamp('1999-01-04 00:00:00'), Timestamp('2018-12-28 00:00:00'))
    >>> y.index.equals(X.index)
    True

    On a tiny file, each ``y`` is the price ``horizon`` rows later:

    >>> text = '''date,closed_price
    ... 2021/5/6,"29,331.37"
    ... 2021/5/7,"29,357.82"
    ... 2021/5/10,"29,518.34"
    ... 2021/5/11,"28,608.59"
    ... 2021/5/12,"28,147.51"
    ... '''
    >>> X, y = make_forecast_xy(load_stock_csv(io.StringIO(text)), horizon=[1, 2])
    >>> X.join(y)  # doctest: +NORMALIZE_WHITESPACE
                closed_price  closed_price_t+1  closed_price_t+2
    date
    2021-05-06      29331.37          29357.82          29518.34
    2021-05-07      29357.82          29518.34          28608.59
    2021-05-10      29518.34          28608.59          28147.51

    Several features from Yahoo!'s columns, forecasting the close 1 and 5
    trading days ahead:

    >>> frame = load_sp500(ohlcv=True)
    >>> X, y = make_forecast_xy(
    ...     frame, horizon=[1, 5], features=["Open", "High", "Low", "Close", "Volume"]
    ... )
    >>> X.shape, y.shape
    ((5026, 5), (5026, 2))
    >>> list(y.columns)
    ['Close_t+1', 'Close_t+5']

    A panel of five stocks, each paired within itself, with the volume as a
    past covariate:

    >>> from skrnn.datasets import load_wiki_stocks
    >>> panel = load_wiki_stocks()
    >>> X, y = make_forecast_xy(panel, target="Close", horizon=[1, 2],
    ...                         features=["Close", "Volume"])
    >>> X.shape, y.shape  # 5 series, each without its last 2 days
    ((12144, 2), (12144, 2))
    >>> y.loc["FB"].head(2)  # doctest: +NORMALIZE_WHITESPACE
                Close_t+1  Close_t+2
    date
    2012-05-18      34.03      31.00
    2012-05-21      31.00      32.00
    """
    if not isinstance(frame, pd.DataFrame):
        hint = " (use series.to_frame())" if isinstance(frame, pd.Series) else ""
        raise TypeError(f"frame must be a pandas DataFrame{hint}, got {type(frame).__name__}")
    horizons, single = check_horizons(horizon)
    target = target_column(frame, target)
    features = [target] if features is None else _check_features(frame, features)
    known = _check_known_future(frame, known_future, target, features, horizons)
    if is_panel(frame):
        return panel_forecast_xy(frame, target, horizons, single, features, known)
    _check_rows(frame, longest=max(horizons))
    _check_finite(frame, dict.fromkeys([*features, target, *known]))

    n = len(frame) - max(horizons)
    X = frame.loc[:, features].iloc[:n].copy()
    for column in known:
        for h in horizons:
            X[f"{column}_t+{h}"] = frame[column].iloc[h : h + n].to_numpy()
    columns = {
        f"{target}_t+{h}": pd.Series(
            frame[target].iloc[h : h + n].array, index=X.index, name=f"{target}_t+{h}"
        )
        for h in horizons
    }
    y = next(iter(columns.values())) if single else pd.DataFrame(columns, index=X.index)
    return X, y


def _check_features(frame, features):
    """The feature columns, each found in `frame` once."""
    names = [features] if isinstance(features, str) else list(features)
    if not names:
        raise ValueError(
            "features is empty; expected at least one column name, or None for "
            "the target column alone"
        )
    features = [_find(frame, name, "feature") for name in names]
    repeated = sorted({str(c) for c in features if features.count(c) > 1})
    if repeated:
        raise ValueError(
            f"features name column(s) {repeated} more than once; expected each column at most once"
        )
    return features


def _check_known_future(frame, known_future, target, features, horizons):
    """The columns known in advance, none of them the target, their names free in X."""
    if known_future is None:
        return []
    names = [known_future] if isinstance(known_future, str) else list(known_future)
    known = [_find(frame, name, "known_future column") for name in names]
    if target in known:
        raise ValueError(
            f"known_future names the target {target!r}: its future values are what is "
            "forecast, not known on the day of the forecast; expected covariates such "
            "as a calendar or planned events"
        )
    repeated = sorted({str(c) for c in known if known.count(c) > 1})
    if repeated:
        raise ValueError(
            f"known_future names column(s) {repeated} more than once; expected each at most once"
        )
    taken = sorted({f"{c}_t+{h}" for c in known for h in horizons} & set(map(str, features)))
    if taken:
        raise ValueError(
            f"the known-future column(s) {taken} would replace feature(s) of the same "
            "name; rename those features"
        )
    return known


def _check_rows(frame, longest):
    """Enough rows for one pair, in time order when the index is of dates."""
    if len(frame) <= longest:
        raise ValueError(
            f"the frame has {len(frame)} row(s), too few for horizon {longest}: "
            f"expected at least {longest + 1} rows to make one forecast pair"
        )
    if isinstance(frame.index, (pd.DatetimeIndex, pd.PeriodIndex)):
        check_increasing(frame.index, "frame")


def _check_finite(frame, columns):
    """Every used column numeric, with no NaN or infinite value."""
    for column in columns:
        _, bad = float_column(frame, column)
        if bad.size:
            i = bad[0]
            values = frame[column]
            more = f" and {bad.size - 1} more row(s)" if bad.size > 1 else ""
            raise ValueError(
                f"column {column!r} has {values.iloc[i]} at row {i} (index "
                f"{frame.index[i]}){more}; expected finite numbers, no NaN: fill or "
                "remove missing values first"
            )
