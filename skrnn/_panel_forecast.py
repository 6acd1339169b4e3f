"""Dated forecasts of a panel: each series forecast from its own last day.

The panel counterparts of :mod:`skrnn._forecast_tables`, shared by
:func:`skrnn.forecasting.forecast` and
:meth:`skrnn.forecasting.ConformalForecaster.forecast`: the rows of each series
from its last training day on (a series the model never saw, all its rows), and
the table of forecasts, one row per series and horizon, dated from that series'
own last day.
"""

import numpy as np
import pandas as pd

from skrnn._forecast_tables import forecast_dates, level_name
from skrnn._panel import check_panel_index, series_groups, series_name, show_label


def series_ends(index):
    """The last date of each series of the panel index `index`, by label."""
    dates = index.get_level_values(1)
    return {label: dates[positions[-1]] for label, positions in series_groups(index)}


def panel_rows_to_forecast_from(frame, columns, ends):
    """The rows of the panel `frame` that a model fitted up to `ends` (each series'
    last training date; None: without windows, the last row of each series alone)
    forecasts from, in the fitted columns and the frame's order of rows."""
    if frame.empty:
        raise ValueError("the frame has no rows; expected the prices up to today.")
    check_panel_index(frame.index, "the frame")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"the frame lacks the column(s) {missing} the model was fitted on; it has "
            f"{list(frame.columns)}."
        )
    name = series_name(frame.index)
    dates = frame.index.get_level_values(1)
    keep = np.zeros(len(frame), dtype=bool)
    for label, positions in series_groups(frame.index):
        own = dates[positions]
        end = own[-1] if ends is None else ends.get(label)
        if end is None:  # a series the model never saw: all its rows
            keep[positions] = True
            continue
        if end not in own:
            where = "ends before" if own[-1] < end else "does not contain"
            raise ValueError(
                f"the frame's {name} {label!r} {where} the model's last training day of "
                f"that series, {show_label(end)} (it covers {show_label(own[0])} .. "
                f"{show_label(own[-1])}); expected its rows from that day on, so that the "
                "days after it continue the training series."
            )
        keep[positions[np.asarray(own >= end)]] = True
    return frame.loc[keep, list(columns)]


def panel_forecast_table(index, horizons, point, bounds, levels, freq):
    """One row per series and horizon: each series' last row's forecasts, dated from
    that series' last date, indexed by (series, date).

    `point` has a row per row of `index`; `bounds`, when given, has shape
    (n_rows, n_horizons, 2, n_levels).
    """
    point = np.asarray(point, dtype=np.float64).reshape(len(point), -1)
    dates = index.get_level_values(1)
    tables = []
    for label, positions in series_groups(index):
        last = positions[-1]
        columns = {"horizon": np.asarray(horizons), "forecast": point[last]}
        for k, level in enumerate(levels):
            columns[f"lower_{level_name(level)}"] = bounds[last, :, 0, k]
            columns[f"upper_{level_name(level)}"] = bounds[last, :, 1, k]
        days = forecast_dates(pd.Index(dates[positions]), horizons, freq)
        keys = pd.MultiIndex.from_arrays(
            [[label] * len(horizons), days], names=[index.names[0], index.names[1] or "date"]
        )
        tables.append(pd.DataFrame(columns, index=keys))
    return pd.concat(tables)
