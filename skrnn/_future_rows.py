"""Covariates known in advance, read from a file: only what the file gives for the days ahead.

A column is known in advance when its values for the days forecast are known on
the day of the forecast: a holiday, a planned event, a price set ahead. The
command line takes a user's word for it only with the proof in the file: lines
after a series' last value, dated, with the value (the target) left empty and
the known-future columns filled, for at least as many days as the path has
steps. A column nobody can know ahead (the volume, another price) has no such
lines, so it is refused as known-future; give it as a past covariate instead.
The calendar needs no such lines: it is a function of the dates.
"""

import csv
import io

import numpy as np
import pandas as pd

from skrnn._panel import series_groups, show_label
from skrnn.datasets._stock import match_column, parse_dates, parse_numbers, parse_rows, read_text


def split_future_rows(path, *, target, known, date_column, series_column=None):
    """The text of the file at `path` without its future lines, and those lines'
    values of the `known` columns (a DataFrame indexed by date, or by (series,
    date) with `series_column`; None without known columns).

    A future line is one whose `target` field is empty. Without `known`
    columns, the text is the file's own, and a line with an empty target is
    the loader's to report.
    """
    where = getattr(path, "name", str(path))
    text = read_text(path, where)
    if not known:
        return io.StringIO(text), None
    header, _, rows, lines = parse_rows(text, where)
    position = {name: header.index(_column(header, name, where)) for name in [target, *known]}
    date_at = header.index(_column(header, date_column, where))
    series_at = (
        None if series_column is None else header.index(_column(header, series_column, where))
    )
    future = [i for i, row in enumerate(rows) if not row[position[target]].strip()]
    kept = io.StringIO()
    writer = csv.writer(kept, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(row for i, row in enumerate(rows) if i not in set(future))
    kept.seek(0)
    dates, bad = parse_dates([rows[i][date_at] for i in future])
    values = {}
    for name in known:
        values[name], bad_values = parse_numbers([rows[i][position[name]] for i in future])
        bad = [*bad, *bad_values]
    if bad:
        i = future[min(bad)]
        raise ValueError(
            f"{where}, line {lines[i]}: a line without a value of {target!r} (a day ahead) "
            f"needs a date and a number in each known-future column {list(known)}; got "
            f"{rows[i]!r}"
        )
    frame = pd.DataFrame(values, index=pd.DatetimeIndex(dates, name="date"))
    if series_at is not None:
        labels = [rows[i][series_at] for i in future]
        frame.index = pd.MultiIndex.from_arrays(
            [pd.Index(labels, dtype=str), frame.index], names=[header[series_at], "date"]
        )
    return kept, frame.sort_index()


def check_known_ahead(frame, future, known, steps):
    """A ValueError unless `future` gives the `known` columns for the `steps` days
    after each series' last date in `frame` (after the frame's last date)."""
    groups = _groups(frame)
    ahead = {label: own for label, own, _ in _groups(future)} if future is not None else {}
    for label, own, _ in groups:
        later = ahead.get(label)
        last = own.index[-1]
        given = 0 if later is None else int((later.index > last).sum())
        if given < steps:
            who = "" if label is None else f" of {frame.index.names[0]} {label!r}"
            raise ValueError(
                f"known-future column(s) {list(known)}{who} are given for {given} day(s) "
                f"after its last value ({show_label(last)}), and the path has {steps} "
                "step(s): a column is known in advance only where the file gives it for "
                "the days ahead (lines dated after the last value, the value left empty). "
                "Give those lines, or pass the column with --covariates (a past covariate)."
            )


def with_known_ahead(frame, future, known, horizons):
    """`frame` with the columns ``f"{column}_t+{h}"``: each known column `h` rows
    later within its series, the rows after the last one taken from `future`
    (NaN where neither reaches)."""
    result = frame.copy()
    ahead = {label: own for label, own, _ in _groups(future)} if future is not None else {}
    names = {(column, h): f"{column}_t+{h}" for h in horizons for column in known}
    for name in names.values():
        result[name] = np.nan
    for label, own, rows in _groups(frame):
        later = ahead.get(label)
        extra = later[later.index > own.index[-1]] if later is not None else own.iloc[:0]
        values = pd.concat([own[known], extra[known]])
        for (column, h), name in names.items():
            result.iloc[rows, result.columns.get_loc(name)] = (
                values[column].shift(-h).to_numpy()[: len(own)]
            )
    return result


def _groups(frame):
    """``[(label, rows indexed by date, positions)]``: each series of a panel, or
    ``[(None, frame, all positions)]``."""
    if not isinstance(frame.index, pd.MultiIndex):
        return [(None, frame, np.arange(len(frame)))]
    return [
        (label, frame.iloc[rows].droplevel(0), rows) for label, rows in series_groups(frame.index)
    ]


def _column(header, name, where):
    column = match_column(header, name)
    if column is None:
        raise ValueError(f"{where}: column {name!r} is not in the header {header}")
    return column
