"""Read daily stock price CSV files: the lecture's format and Yahoo! Finance's."""

import csv
import gzip
import io
import os
import re
import zlib
from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["load_stock_csv", "load_sp500"]

# A number as a price CSV writes it: optional sign, digits with or without
# correctly placed thousands separators ("29,331.37"), optional decimals and
# exponent. "nan", "inf", "null", "" and decimal commas ("29.331,37") are not
# numbers here: they are reported, never read as NaN or misread.
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# YYYY/M/D (the lecture) or YYYY-MM-DD (ISO, Yahoo!); month and day may or may
# not have a leading zero, the separator must be the same twice.
_DATE = re.compile(r"\d{4}([/-])\d{1,2}\1\d{1,2}")
_DATE_FORMATS = "YYYY/M/D (e.g. 2021/5/6) or YYYY-MM-DD (e.g. 2021-05-06)"
NUMBER_EXAMPLE = 'a finite number, e.g. 1228.1 or "1,228.10"'
# Spellings of a missing value that deserve their own explanation.
_MISSING = {"", "null", "nan", "na", "n/a", "none", "-"}

DEFAULT_PRICE = "closed_price"
_YAHOO_PRICE = "Close"


def match_column(columns, name):
    """Return the column of ``columns`` that ``name`` designates, or None.

    An exact match wins; otherwise a unique match ignoring case and surrounding
    whitespace. Several case-insensitive matches and no exact one is an error.
    """
    if name in columns:
        return name
    key = str(name).strip().casefold()
    found = [c for c in columns if str(c).strip().casefold() == key]
    if len(found) > 1:
        raise ValueError(
            f"column name {name!r} is ambiguous: it matches {found} when case is "
            "ignored; pass the exact name"
        )
    return found[0] if found else None


def resolve_price_column(columns, name):
    """The price column: ``name``, falling back to Yahoo!'s ``Close`` for the default.

    Returns ``(column, tried)``, ``column`` being None when nothing matched and
    ``tried`` the names looked for, for the error message.
    """
    column = match_column(columns, name)
    if column is not None or name != DEFAULT_PRICE:
        return column, [name]
    return match_column(columns, _YAHOO_PRICE), [name, _YAHOO_PRICE]


def source_name(source):
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    if isinstance(name, (str, os.PathLike)):
        return os.fspath(name)
    return "<file-like object>"


def read_text(source, where):
    """The whole text of ``source`` (path or file-like), decoded as UTF-8."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            data = f.read()
    elif hasattr(source, "read"):
        data = source.read()
    else:
        raise TypeError(
            "expected a path (str or pathlib.Path) or a file-like "
            f"object with a read() method, got {type(source).__name__}"
        )
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    data = _decompress(bytes(data), where)
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = bytes(data).count(b"\n", 0, exc.start) + 1
        bad = bytes(data)[exc.start : exc.end]
        raise ValueError(
            f"{where}, line {line}: bytes {bad!r} are not UTF-8 text; expected a "
            "UTF-8 (or ASCII) CSV file"
        ) from None


def _decompress(data, where):
    """`data` itself, or its decompressed content when it is gzip data (a .csv.gz file)."""
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(
            f"{where} starts as gzip data but cannot be decompressed ({exc}); "
            "expected a CSV file, plain or gzip-compressed"
        ) from None


def parse_rows(text, where):
    """Header and data rows of the CSV text, each data row with its line number.

    Blank lines are skipped (they hold no value); line numbers are those of the
    file, 1-based, the header being line 1 when it is the first line. The csv
    module rather than ``pandas.read_csv``: read_csv fills a row with too few
    fields, renames a repeated header name ("close.1") and loses the line
    numbers of blank lines, where a price file's reader must report all three.
    """
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    header, header_line = None, None
    rows, lines = [], []
    next_line = 1  # the file line the next record starts on
    try:
        for record in reader:
            start, next_line = next_line, reader.line_num + 1
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            if header is None:
                header, header_line = [c.strip() for c in record], start
                continue
            if len(record) != len(header):
                hint = ""
                if len(record) > len(header):
                    hint = '; a number with a thousands separator must be quoted, e.g. "29,331.37"'
                raise ValueError(
                    f"{where}, line {start}: {len(record)} fields "
                    f"{','.join(record)!r} but the header (line {header_line}) has "
                    f"{len(header)}: {header}{hint}"
                )
            rows.append([field.strip() for field in record])
            lines.append(start)
    except csv.Error as exc:
        raise ValueError(f"{where}, line {reader.line_num}: {exc}") from None
    if header is None:
        raise ValueError(
            f"{where} is empty; expected a CSV file with a header line such as "
            "'date,closed_price' (the lecture) or "
            "'Date,Open,High,Low,Close,Adj Close,Volume' (Yahoo! Finance) and one "
            "line per day"
        )
    if not rows:
        raise ValueError(
            f"{where} has a header (line {header_line}: {','.join(header)!r}) but no "
            "data rows; expected one line per day after it"
        )
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise ValueError(
            f"{where}, line {header_line}: the header names column(s) {duplicated} "
            "more than once; expected unique column names"
        )
    return header, header_line, rows, np.asarray(lines)


def bad_value_error(where, line, column, value, more, expected):
    if value.strip().casefold() in _MISSING:
        what = "an empty value" if not value.strip() else f"the missing value {value!r}"
        why = (
            " (Yahoo! Finance writes null for a day without data)"
            if value.strip().casefold() == "null"
            else ""
        )
        msg = (
            f"{where}, line {line}: column {column!r} has {what}{why}; expected "
            f"{expected}. Missing values are not filled or dropped: remove or fix "
            "that line"
        )
    else:
        msg = f"{where}, line {line}: column {column!r} has {value!r}, which is not {expected}"
    if more:
        msg += f" ({more} more bad value(s) in the file after this one)"
    return ValueError(msg)


def parse_dates(values):
    """Dates (NaT where unparsable) and the positions of the unparsable values."""
    strings = pd.Series(values, dtype=object)
    ok = strings.str.fullmatch(_DATE.pattern).fillna(False).to_numpy(dtype=bool)
    dates = pd.to_datetime(
        strings.where(ok).str.replace("-", "/", regex=False),
        format="%Y/%m/%d",
        errors="coerce",
    )
    index = pd.DatetimeIndex(dates, name="date").as_unit("ns")
    return index, np.flatnonzero(index.isna())


def parse_numbers(values):
    """float64 values and the positions of the values that are not numbers."""
    strings = pd.Series(values, dtype=object)
    ok = strings.str.fullmatch(_NUMBER.pattern).fillna(False).to_numpy(dtype=bool)
    numbers = np.full(len(values), np.nan)
    if ok.any():
        cleaned = strings[ok].str.replace(",", "", regex=False)
        numbers[ok] = pd.to_numeric(cleaned).to_numpy(dtype=np.float64)
    # Overflow ("1e999") gives inf: not a price either.
    bad = np.flatnonzero(~np.isfinite(numbers))
    return numbers, bad


def load_stock_csv(path, *, date_column="date", price_column="closed_price"):
    """Read a CSV file of daily stock prices into a DataFrame indexed by date.

    Two layouts are read, and any other with the same conventions:

    - the lecture's format, a ``date`` column as ``YYYY/M/D`` and a
      ``closed_price`` column with thousands separators in quotes::

          date,closed_price
          2021/5/6,"29,331.37"

    - the CSV export of Yahoo! Finance's historical data, ISO dates and plain
      numbers::

          Date,Open,High,Low,Close,Adj Close,Volume
          1999-01-04,1229.23,1248.81,1219.1,1228.1,1228.1,877000000

    **Column matching.** Header names are stripped of surrounding whitespace
    (and of a UTF-8 byte order mark). A requested column name matches a header
    that is exactly equal to it, or else the single header equal to it when
    case is ignored (several such headers are an error). If ``price_column`` is
    left at its default ``"closed_price"`` and no column matches it, the price
    column is Yahoo!'s ``Close`` (matched the same way; ``Adj Close`` is never
    chosen). So the defaults read both layouts above; an explicit
    ``price_column`` never falls back.

    **Values.** The date column must hold dates as ``YYYY/M/D`` or
    ``YYYY-MM-DD`` (leading zeros optional). Every other column must hold a
    finite number in every row, with or without thousands separators
    (``29,331.37``). Nothing is coerced to NaN or dropped: an unparsable
    value, an empty field, Yahoo!'s ``null`` for a day without data, a row with
    the wrong number of fields or a date that appears twice is a
    :class:`ValueError` whose message names the file, the line (1-based, the
    header being line 1) and the offending value. Only blank lines are
    skipped. Rows may come in any order: they are sorted by date.

    Parameters
    ----------
    path : str, pathlib.Path or file-like object
        The CSV file, or an object with a ``read()`` method returning ``str`` or
        UTF-8 ``bytes`` (an open file, :class:`io.StringIO`, ...). Messages name a
        file-like object by its ``name`` attribute when it has one.

    date_column : str, default="date"
        Name of the column of dates, matched as described above (the default
        also finds Yahoo!'s ``Date``).

    price_column : str, default="closed_price"
        Name of the column of prices, which must be present. Matched as
        described above; the default falls back to ``Close``.

    Returns
    -------
    frame : pandas.DataFrame
        One row per day, sorted by date, indexed by a
        :class:`~pandas.DatetimeIndex` named ``"date"`` (dtype
        ``datetime64[ns]``). The columns are all columns of the file except the
        date column, with the file's names and order, as float64: a single
        ``closed_price`` column for the lecture's format, ``Open``, ``High``,
        ``Low``, ``Close``, ``Adj Close`` and ``Volume`` for Yahoo!'s export.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.

    ValueError
        If the file is empty or has no data rows, lacks the date or price
        column, has a value that is not a date or a finite number, a row with
        the wrong number of fields, or a duplicate date.

    See Also
    --------
    load_sp500 : The bundled S&P 500 data, read with this function.
    make_forecast_xy : Turn the frame into forecasting inputs and targets.

    Examples
    --------
    The first rows of the lecture's Nikkei 225 file:

    >>> import io
    >>> from skrnn.datasets import load_stock_csv
    >>> text = '''date,closed_price
    ... 2021/5/6,"29,331.37"
    ... 2021/5/7,"29,357.82"
    ... 2021/5/10,"29,518.34"
    ... 2021/5/11,"28,608.59"
    ... 2021/5/12,"28,147.51"
    ... '''
    >>> frame = load_stock_csv(io.StringIO(text))
    >>> frame  # doctest: +NORMALIZE_WHITESPACE
                closed_price
    date
    2021-05-06      29331.37
    2021-05-07      29357.82
    2021-05-10      29518.34
    2021-05-11      28608.59
    2021-05-12      28147.51
    >>> frame.dtypes
    closed_price    float64
    dtype: object

    A Yahoo! Finance export keeps its own column names:

    >>> text = '''Date,Open,High,Low,Close,Adj Close,Volume
    ... 1999-01-05,1228.1,1246.11,1228.1,1244.78,1244.78,775000000
    ... 1999-01-04,1229.23,1248.81,1219.1,1228.1,1228.1,877000000
    ... '''
    >>> frame = load_stock_csv(io.StringIO(text))
    >>> list(frame.columns)
    ['Open', 'High', 'Low', 'Close', 'Adj Close', 'Volume']
    >>> frame.index  # rows are sorted by date
    DatetimeIndex(['1999-01-04', '1999-01-05'], dtype='datetime64[ns]', name='date',
                  freq=None)

    Bad values are reported, not turned into NaN:

    >>> bad = 'date,closed_price\\n2021/5/6,"abc"\\n'
    >>> load_stock_csv(io.StringIO(bad))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: <file-like object>, line 2: column 'closed_price' has 'abc', which ...
    """
    where = source_name(path)
    header, header_line, rows, lines = parse_rows(read_text(path, where), where)
    date_col = _find_columns(header, date_column, price_column, f"{where}, line {header_line}")
    index, data = _parse_values(header, rows, lines, date_col, where)
    frame = pd.DataFrame(data, index=index, columns=list(data))
    order = np.argsort(index.asi8, kind="stable")
    if not (order == np.arange(len(order))).all():
        frame = frame.iloc[order]
    return frame


def _find_columns(header, date_column, price_column, where):
    """The date column's name in `header`, once the date and price columns are found."""
    try:
        date_col = match_column(header, date_column)
        price_col, tried = resolve_price_column(header, price_column)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    if date_col is not None and date_col == price_col:
        raise ValueError(
            f"{where}: column {date_col!r} cannot be both the date column and the price column"
        )
    missing = []
    if date_col is None:
        missing.append(f"a date column {date_column!r}")
    if price_col is None:
        missing.append("a price column " + " or ".join(repr(name) for name in tried))
    if missing:
        raise ValueError(
            f"{where}: expected {' and '.join(missing)} (case ignored), but the header has "
            f"columns {header}; pass date_column= / price_column= to name them"
        )
    return date_col


def _parse_values(header, rows, lines, date_col, where):
    """The dates as an index and every other column as float64, all values checked."""
    columns = dict(zip(header, zip(*rows, strict=True), strict=True))  # name -> strings
    dates = columns.pop(date_col)
    index, bad = parse_dates(list(dates))
    bad_values = [(lines[i], date_col, dates[i], f"a date as {_DATE_FORMATS}") for i in bad]
    data = {}
    for name, values in columns.items():
        data[name], bad = parse_numbers(list(values))
        bad_values += [(lines[i], name, values[i], NUMBER_EXAMPLE) for i in bad]
    if bad_values:
        # Report the bad value nearest the top of the file.
        line, name, value, expected = min(bad_values, key=lambda bad: bad[0])
        raise bad_value_error(where, line, name, value, len(bad_values) - 1, expected)
    duplicated = index.duplicated(keep="first")
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0])
        first = int(np.flatnonzero(index == index[i])[0])
        same = "" if dates[first] == dates[i] else f" (as {dates[first]!r})"
        raise ValueError(
            f"{where}, line {lines[i]}: duplicate date {dates[i]!r}, already on line "
            f"{lines[first]}{same}; expected one row per date"
        )
    return index, data


_SP500_FILES = {False: "sp500.csv", True: "sp500_ohlcv.csv"}


def load_sp500(*, ohlcv=False):
    """Load the bundled daily S&P 500 prices, 1999-01-04 to 2018-12-31.

    The data are Yahoo! Finance's daily data for the S&P 500 index (ticker
    ``^GSPC``) as shipped in the ``arch`` Python package (module
    ``arch.data.sp500``, NCSA licence, copyright Kevin Sheppard), converted to
    the lecture's CSV format and to Yahoo!'s export format, prices rounded to
    cents: 5,031 trading days from 1999-01-04 to 2018-12-31. They are read with
    :func:`load_stock_csv` from the files ``skrnn/datasets/data/sp500.csv`` and
    ``sp500_ohlcv.csv`` installed with the package.

    Parameters
    ----------
    ohlcv : bool, default=False
        If False, the lecture's format: the daily close only, in a column
        ``closed_price``. If True, Yahoo!'s columns ``Open``, ``High``,
        ``Low``, ``Close``, ``Adj Close`` and ``Volume``.

    Returns
    -------
    frame : pandas.DataFrame of shape (5031, 1) or (5031, 6)
        Float64 columns indexed by a :class:`~pandas.DatetimeIndex` named
        ``"date"``, sorted ascending. A new frame on every call.

    See Also
    --------
    load_stock_csv : Read your own file in either format.
    make_forecast_xy : Turn the frame into forecasting inputs and targets.

    Examples
    --------
    >>> from skrnn.datasets import load_sp500
    >>> frame = load_sp500()
    >>> frame.shape
    (5031, 1)
    >>> list(frame.columns)
    ['closed_price']
    >>> frame.index[0], frame.index[-1]
    (Timestamp('1999-01-04 00:00:00'), Timestamp('2018-12-31 00:00:00'))
    >>> ohlcv = load_sp500(ohlcv=True)
    >>> ohlcv.shape
    (5031, 6)
    >>> list(ohlcv.columns)
    ['Open', 'High', 'Low', 'Close', 'Adj Close', 'Volume']
    >>> bool((ohlcv["Close"] == frame["closed_price"]).all())
    True
    """
    if not isinstance(ohlcv, (bool, np.bool_)):
        raise TypeError(f"ohlcv must be True or False, got {ohlcv!r}")
    resource = resources.files("skrnn.datasets") / "data" / _SP500_FILES[bool(ohlcv)]
    with resources.as_file(resource) as path:
        return load_stock_csv(path)
