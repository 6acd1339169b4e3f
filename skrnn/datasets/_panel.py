"""Read panels, many series in one long table, and the bundled panel of five stocks."""

from importlib import resources

import numpy as np
import pandas as pd

from skrnn._panel import check_panel_index, series_groups, series_name, show_label
from skrnn._validation import float_column
from skrnn.datasets._stock import (
    NUMBER_EXAMPLE,
    bad_value_error,
    match_column,
    parse_dates,
    parse_numbers,
    parse_rows,
    read_text,
    source_name,
)

__all__ = ["load_panel_csv", "load_wiki_stocks"]


def load_panel_csv(path, *, series_column="series", date_column="date", columns=None):
    """Read a long CSV file of many series into a DataFrame indexed by (series, date).

    A long table has one line per series and date: a column naming the
    series, a column of dates and one column per value (the price, and any
    covariates such as the volume)::

        Ticker,Date,Close,Volume
        AAPL,2000-03-01,130.31,9616100
        IBM,2000-03-01,104.0,6364400
        AAPL,2000-03-02,122.0,2779100

    The series may be ragged (start and end on different dates, or skip
    dates); a date absent from a series is simply not one of its rows.

    **What is checked.** Column names are matched as
    :func:`load_stock_csv` matches them (exactly, or else ignoring case when
    that is unambiguous). Dates are ``YYYY/M/D`` or ``YYYY-MM-DD``; every
    value read must be a finite number, with or without thousands separators;
    no value is coerced to NaN and no row is dropped. Within each series the
    dates must be strictly increasing in the file, while the lines of
    different series may interleave (grouped by series, or date by date). A
    value that is not a number or is missing, a missing series label, a
    second line for the same series and date, or a date that goes back in
    time within its series is a :class:`ValueError` whose message names the
    file, the line (1-based, the header being line 1), the series and the
    date. A gzip-compressed file (``.csv.gz``) is read as its text.

    Parameters
    ----------
    path : str, pathlib.Path or file-like object
        The CSV file, plain or gzip-compressed, or an object with a ``read()``
        method returning ``str`` or ``bytes``.

    series_column : str, default="series"
        Name of the column that names each line's series.

    date_column : str, default="date"
        Name of the column of dates.

    columns : list of str or None, default=None
        The value columns to read, in this order. None reads every column but
        the series and the date columns. Columns not listed are not read at
        all, so they may hold text or gaps.

    Returns
    -------
    panel : pandas.DataFrame
        One row per series and date, indexed by a two-level
        :class:`~pandas.MultiIndex`: the series' labels (strings), named as
        the series column is in the file, and the dates
        (``datetime64[ns]``), named ``"date"``. Rows are grouped by series,
        series in sorted order, dates increasing within each. The value
        columns are float64, named as in the file.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.

    ValueError
        If the file is empty or has no data rows, lacks a column asked for,
        or has a bad value, a repeated (series, date) pair or a series whose
        dates go back in time.

    See Also
    --------
    load_wiki_stocks : The bundled panel of five stocks, read with this function.
    load_stock_csv : Read a file of one series.
    make_forecast_xy : Turn the panel into forecasting inputs and targets.

    Examples
    --------
    >>> import io
    >>> from skrnn.datasets import load_panel_csv
    >>> text = '''Ticker,Date,Close,Volume
    ... IBM,2000-03-01,104.0,6364400
    ... IBM,2000-03-02,108.0,5590900
    ... AAPL,2000-03-02,122.0,2779100
    ... AAPL,2000-03-03,128.0,2887200
    ... '''
    >>> panel = load_panel_csv(io.StringIO(text), series_column="Ticker", date_column="Date")
    >>> panel  # doctest: +NORMALIZE_WHITESPACE
                       Close     Volume
    Ticker date
    AAPL   2000-03-02  122.0  2779100.0
           2000-03-03  128.0  2887200.0
    IBM    2000-03-01  104.0  6364400.0
           2000-03-02  108.0  5590900.0

    A bad line is reported with its series and date:

    >>> bad = text + "AAPL,2000-03-02,125.0,3000000\\n"
    >>> load_panel_csv(io.StringIO(bad), series_column="Ticker", date_column="Date")
    Traceback (most recent call last):
    ...
    ValueError: <file-like object>, line 6: a second line for Ticker 'AAPL' on date
    2000-03-02 (the first is line 4); expected one line per series and date
    """
    where = source_name(path)
    header, header_line, rows, lines = parse_rows(read_text(path, where), where)
    where_header = f"{where}, line {header_line}"
    series_col = _key_column(header, series_column, "series_column", where_header)
    date_col = _key_column(header, date_column, "date_column", where_header)
    value_cols = _value_columns(header, columns, series_col, date_col, where_header)
    fields = dict(zip(header, zip(*rows, strict=True), strict=True))
    labels = pd.Index(fields[series_col], dtype=object)
    dates, bad_dates = parse_dates(list(fields[date_col]))
    problems = [
        (i, f"column {series_col!r} is empty; expected the name of the line's series")
        for i in np.flatnonzero(labels.str.len() == 0)
    ]
    problems += [
        (i, _value_problem(date_col, fields[date_col][i], "a date as YYYY-MM-DD"))
        for i in bad_dates
    ]
    data = {}
    for name in value_cols:
        data[name], bad = parse_numbers(list(fields[name]))
        problems += [(i, _value_problem(name, fields[name][i], NUMBER_EXAMPLE)) for i in bad]
    if problems:
        _raise_first(problems, where, lines, labels, dates, series_col)
    index = pd.MultiIndex.from_arrays([labels.astype(str), dates], names=[series_col, "date"])
    _check_order(index, lines, where, series_col)
    frame = pd.DataFrame(data, index=index, columns=value_cols)
    order = np.lexsort((dates.asi8, index.codes[0]))
    return frame.iloc[order] if (order != np.arange(len(order))).any() else frame


def load_wiki_stocks():
    """Load the bundled daily prices of five stocks, a ragged panel, 2000 to 2013.

    Daily open, high, low, close, volume and adjusted close of AAPL, IBM and
    MSFT (3,270 trading days each, 2000-03-01 to 2013-03-01), GOOG (2,148,
    from its listing on 2004-08-19) and FB (196, from its listing on
    2012-05-18): 12,154 rows. The series start on different days, as the
    series of real panels do. The prices are as traded, not adjusted for
    splits (earlier splits show as jumps), except ``Adj Close``.

    The data are the Quandl WIKI prices (public domain) as shipped in the
    ``bokeh-sampledata`` package (BSD-3-Clause); the file
    ``skrnn/datasets/data/wiki_stocks.csv.gz``, installed with the package, is
    read with :func:`load_panel_csv`. Provenance and checksum are in
    ``data/README.md``.

    Returns
    -------
    panel : pandas.DataFrame of shape (12154, 6)
        Float64 columns ``Open``, ``High``, ``Low``, ``Close``, ``Volume`` and
        ``Adj Close``, indexed by (``Ticker``, ``date``), grouped by ticker in
        sorted order, dates increasing within each. A new frame on every call.

    See Also
    --------
    load_panel_csv : Read your own panel.
    make_forecast_xy : Turn the panel into forecasting inputs and targets.

    Examples
    --------
    >>> from skrnn.datasets import load_wiki_stocks
    >>> panel = load_wiki_stocks()
    >>> panel.shape
    (12154, 6)
    >>> panel.index.names
    FrozenList(['Ticker', 'date'])
    >>> panel.groupby(level="Ticker").size()
    Ticker
    AAPL    3270
    FB       196
    GOOG    2148
    IBM     3270
    MSFT    3270
    dtype: int64
    >>> panel.loc["FB"].index[0]
    Timestamp('2012-05-18 00:00:00')
    """
    resource = resources.files("skrnn.datasets") / "data" / "wiki_stocks.csv.gz"
    with resources.as_file(resource) as path:
        return load_panel_csv(path, series_column="Ticker", date_column="Date")


def _key_column(header, name, option, where):
    """The series or date column of `header` that `name` designates."""
    try:
        column = match_column(header, name)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    if column is None:
        what = option.removesuffix("_column")
        raise ValueError(
            f"{where}: expected a {what} column {name!r} (case ignored), but the header "
            f"has columns {header}; pass {option}= to name it"
        )
    return column


def _value_columns(header, columns, series_col, date_col, where):
    if series_col == date_col:
        raise ValueError(
            f"{where}: column {series_col!r} cannot be both the series and the date column"
        )
    if columns is None:
        values = [c for c in header if c not in (series_col, date_col)]
        if not values:
            raise ValueError(
                f"{where}: the header has no column besides the series and the date "
                f"({header}); expected at least one column of values"
            )
        return values
    names = [columns] if isinstance(columns, str) else list(columns)
    if not names:
        raise ValueError("columns is empty; expected at least one column name, or None for all")
    values = []
    for name in names:
        try:
            column = match_column(header, name)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        if column is None:
            raise ValueError(
                f"{where}: column {name!r} is not in the header {header}; expected the "
                "names of value columns"
            )
        if column in (series_col, date_col):
            raise ValueError(
                f"{where}: column {column!r} is the series or the date column, not a value column"
            )
        if column in values:
            raise ValueError(f"columns names {column!r} more than once; expected each once")
        values.append(column)
    return values


def _value_problem(column, value, expected):
    """The message of a bad value, without its place (added by _raise_first)."""
    message = str(bad_value_error("", 0, column, value, 0, expected))
    return message.split(": ", 1)[1]


def _raise_first(problems, where, lines, labels, dates, series_col):
    """Raise the problem nearest the top of the file, naming its series and date."""
    i, message = min(problems, key=lambda problem: lines[problem[0]])
    place = []
    if labels[i]:
        place.append(f"{series_col} {labels[i]!r}")
    if not pd.isna(dates[i]):
        place.append(f"date {show_label(dates[i])}")
    place = f" ({', '.join(place)})" if place else ""
    more = len(problems) - 1
    suffix = f" ({more} more bad value(s) in the file after this one)" if more else ""
    raise ValueError(f"{where}, line {lines[i]}{place}: {message}{suffix}")


def _check_order(index, lines, where, series_col):
    """No (series, date) twice; each series' dates increasing in file order."""
    duplicated = index.duplicated(keep="first")
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0])
        first = int(np.flatnonzero(index == index[i])[0])
        label, date = index[i]
        raise ValueError(
            f"{where}, line {lines[i]}: a second line for {series_col} {label!r} on "
            f"date {show_label(date)} (the first is line {lines[first]}); expected one "
            "line per series and date"
        )
    codes = index.codes[0]
    order = np.argsort(codes, kind="stable")  # each series' lines, in file order
    dates = index.get_level_values(1).asi8[order]
    same_series = codes[order][1:] == codes[order][:-1]
    back = np.flatnonzero(same_series & (dates[1:] < dates[:-1]))
    if back.size:
        # Of the lines that go back in time, the one nearest the top of the file.
        k = min(back, key=lambda k: lines[order[k + 1]])
        i, previous = order[k + 1], order[k]
        label, date = index[i]
        raise ValueError(
            f"{where}, line {lines[i]}: {series_col} {label!r} goes back in time, to "
            f"date {show_label(date)} after {show_label(index[previous][1])} (line "
            f"{lines[previous]}); expected each series' dates in increasing order"
        )


def panel_forecast_xy(frame, target, horizons, single, features, known):
    """:func:`make_forecast_xy` on a panel: each row paired within its own series.

    The arguments are make_forecast_xy's, already checked against the columns.
    """
    index = frame.index
    check_panel_index(index, "the frame")
    values = {
        column: _finite_values(frame, column)
        for column in dict.fromkeys([*features, target, *known])
    }
    longest = max(horizons)
    rows, later = [], {h: [] for h in horizons}
    for label, positions in series_groups(index):
        if len(positions) <= longest:
            raise ValueError(
                f"{series_name(index)} {label!r} has {len(positions)} row(s), too few for "
                f"horizon {longest}: expected at least {longest + 1} rows in each series "
                "to make one forecast pair"
            )
        n = len(positions) - longest
        rows.append(positions[:n])
        for h in horizons:
            later[h].append(positions[h : h + n])
    # Back to the frame's own order of rows.
    order = np.argsort(np.concatenate(rows), kind="stable")
    rows = np.concatenate(rows)[order]
    later = {h: np.concatenate(positions)[order] for h, positions in later.items()}
    X = frame.iloc[rows][features].copy()
    for column in known:
        for h in horizons:
            X[f"{column}_t+{h}"] = values[column][later[h]]
    names = {h: f"{target}_t+{h}" for h in horizons}
    y = pd.DataFrame({names[h]: values[target][later[h]] for h in horizons}, index=X.index)
    return X, (y[names[horizons[0]]] if single else y)


def _finite_values(frame, column):
    """The column as float64, every value a finite number (else naming series and date)."""
    array, bad = float_column(frame, column)
    if bad.size:
        values = frame[column]
        label, date = frame.index[bad[0]]
        more = f" and {bad.size - 1} more row(s)" if bad.size > 1 else ""
        raise ValueError(
            f"column {column!r} has {values.iloc[bad[0]]} for {series_name(frame.index)} "
            f"{label!r} on date {show_label(date)}{more}; expected finite numbers, no NaN: "
            "fill or remove missing values first"
        )
    return array
