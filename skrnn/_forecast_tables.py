"""Dated forecasts: the rows a fitted model forecasts from, and the table of its forecasts.

Shared by :func:`skrnn.forecasting.forecast` (point forecasts of any fitted
pipeline) and :meth:`skrnn.forecasting.ConformalForecaster.forecast` (with
intervals): the frame's rows from the model's last training day on, and the
forecasts of each horizon dated by the day they are for.
"""

import numpy as np
import pandas as pd

from skrnn._time_labels import check_dated, day, later_than


def level_name(level):
    """A level as the columns of a forecast table name it: ``80``, ``97.5``."""
    return f"{level:g}"


def window_transformers(estimator):
    """The SlidingWindowTransformers inside a fitted pipeline or search."""
    from sklearn.pipeline import Pipeline

    from skrnn._window import SlidingWindowTransformer

    if isinstance(estimator, SlidingWindowTransformer):
        return [estimator]
    if hasattr(estimator, "best_estimator_"):
        return window_transformers(estimator.best_estimator_)
    if hasattr(estimator, "estimator_"):  # a ConformalForecaster
        return window_transformers(estimator.estimator_)
    if isinstance(estimator, Pipeline):
        return [t for _, step in estimator.steps for t in window_transformers(step)]
    return []


def check_window_labels(estimator):
    """A fitted SlidingWindowTransformer must have seen dates, or new days would be misplaced."""
    for transformer in window_transformers(estimator):
        if transformer.index_ is None:
            raise ValueError(
                "the SlidingWindowTransformer in the pipeline was fitted without dates "
                "(the scaler before it returned an array): call "
                "pipe.set_output(transform='pandas') so that new days continue the "
                "training days."
            )


def rows_to_forecast_from(frame, columns, training_end):
    """The rows of `frame` from the last training day on (None: the last row alone),
    in the fitted columns."""
    check_dated(frame, "frame")
    if frame.empty:
        raise ValueError("the frame has no rows; expected the prices up to today.")
    if training_end is None:
        training_end = frame.index[-1]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"the frame lacks the column(s) {missing} the model was fitted on; it has "
            f"{list(frame.columns)}."
        )
    index = frame.index
    after = later_than(index, training_end, "frame")
    if not after.any() and training_end not in index:
        raise ValueError(
            f"the frame ends on {day(index[-1])}, before the model's training end "
            f"{day(training_end)}; expected prices up to the training end or later."
        )
    if training_end not in index:
        raise ValueError(
            f"the frame does not contain the model's last training day "
            f"{day(training_end)} (it covers {day(index[0])} .. {day(index[-1])}); "
            "expected the prices from that day on, so that the days after it continue "
            "the training series."
        )
    return frame.loc[after | (index == training_end), list(columns)]


def forecast_dates(index, horizons, freq):
    """The dates `horizons` steps after the last date of `index`."""
    last = index[-1]
    if isinstance(index, pd.PeriodIndex):
        if freq is None:
            return pd.PeriodIndex([last + h for h in horizons], name=index.name)
        last = last.to_timestamp()
    elif freq is None:
        freq = index.freq if index.freq is not None else pd.offsets.BDay()
    offset = pd.tseries.frequencies.to_offset(freq)
    return pd.DatetimeIndex([last + h * offset for h in horizons], name=index.name)


def forecast_table(index, horizons, point, bounds, levels, freq):
    """The forecast DataFrame: the last row's forecast of each horizon, dated."""
    last = np.asarray(point, dtype=np.float64).reshape(len(point), -1)[-1]
    columns = {"horizon": np.asarray(horizons), "forecast": last}
    for k, level in enumerate(levels):
        columns[f"lower_{level_name(level)}"] = bounds[:, 0, k]
        columns[f"upper_{level_name(level)}"] = bounds[:, 1, k]
    dates = forecast_dates(index, horizons, freq)
    if dates.name is None:
        dates = dates.rename("date")
    return pd.DataFrame(columns, index=dates)
