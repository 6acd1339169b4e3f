"""Forecast the days after the data: dated forecasts, intervals, saved models.

Every score elsewhere in skrnn is of days already in the data. This module
answers the question a forecaster is for, "what next?":

- :class:`ConformalForecaster` wraps a forecasting pipeline, learns its
  out-of-sample errors on time-series folds, and gives the forecasts of the
  days after a frame's last date with prediction intervals
  (:meth:`ConformalForecaster.forecast`);
- :func:`forecast` gives the dated point forecasts of any fitted pipeline or
  search, without intervals;
- :func:`save_model` and :func:`load_model` keep a fitted model, its whole
  pipeline included, in one file.

Forecasts are direct: a pipeline trained on ``make_forecast_xy(frame,
horizon=[1, 2, 3, 4, 5])`` has one output per horizon, and forecasts those
days, no further.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skrnn._conformal import ConformalForecaster
from skrnn._forecast_tables import (
    check_window_labels,
    forecast_table,
    rows_to_forecast_from,
    window_transformers,
)
from skrnn._panel import is_panel_index
from skrnn._panel_forecast import panel_forecast_table, panel_rows_to_forecast_from, series_ends
from skrnn._persistence import load_model, save_model
from skrnn._validation import check_horizons

__all__ = ["ConformalForecaster", "forecast", "load_model", "save_model"]


def forecast(estimator, frame, *, horizon=1, freq=None):
    """Dated forecasts of the days after the frame's last date, from a fitted model.

    The model reads the frame as it read its training rows: a
    :class:`~skrnn.SlidingWindowTransformer` in it windows the days after
    its training end as the continuation of the training series, so the
    forecast of the day after the frame's last date reads the real last
    ``window`` days. The forecasts are those of the model's outputs, one per
    horizon it was trained for (the direct strategy: no forecast is fed back
    as an input, and no horizon is reached that was not trained).

    For prediction intervals, wrap the pipeline in a
    :class:`ConformalForecaster` and call its
    :meth:`~ConformalForecaster.forecast`.

    Parameters
    ----------
    estimator : estimator
        A fitted pipeline or search (or any fitted estimator) whose input is
        `X` of :func:`~skrnn.datasets.make_forecast_xy`: a DataFrame indexed by
        date, with the columns it was fitted on.

    frame : DataFrame
        The data up to today, indexed by date (or by (series, date) for a
        model of a panel), with the columns the model was fitted on (others
        are ignored). With a window transformer in the
        model, it must contain the model's last training day and run to the
        last known day; the days after the training end continue the
        training series.

    horizon : int or list of int, default=1
        The horizon(s) the model was trained for, as given to
        :func:`~skrnn.datasets.make_forecast_xy`: its outputs, in order.

    freq : str, DateOffset or None, default=None
        The step between forecast dates. None takes the frame index's own
        ``freq`` when it has one, else business days
        (:class:`~pandas.tseries.offsets.BusinessDay`, which do not know holidays).

    Returns
    -------
    forecasts : DataFrame
        One row per horizon, indexed by the forecast date (``horizon`` rows
        after the frame's last date): columns ``horizon`` and ``forecast``.
        For a panel, one row per series and horizon, indexed by (series,
        forecast date), each series forecast from its own last date.

    Raises
    ------
    ValueError
        If the frame is not indexed by date, lacks a column the model was
        fitted on, ends before the model's training end or does not contain
        that day, or the model has not one output per horizon.

    See Also
    --------
    ConformalForecaster.forecast : The same forecasts with prediction intervals.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from skrnn import PersistenceRegressor, SlidingWindowTransformer
    >>> from skrnn.datasets import load_sp500, make_forecast_xy
    >>> from skrnn.forecasting import forecast
    >>> frame = load_sp500()
    >>> X, y = make_forecast_xy(frame.loc[:"2018-06-29"], horizon=[1, 2])
    >>> naive = make_pipeline(
    ...     MinMaxScaler(), SlidingWindowTransformer(window=5), PersistenceRegressor()
    ... ).set_output(transform="pandas").fit(X, y)
    >>> forecast(naive, frame, horizon=[1, 2])  # the days after 2018-12-31
                horizon  forecast
    date
    2019-01-01        1   2506.85
    2019-01-02        2   2506.85
    """
    horizons, _ = check_horizons(horizon)
    check_is_fitted(estimator)
    columns = getattr(estimator, "feature_names_in_", None)
    if columns is None:
        raise ValueError(
            f"{type(estimator).__name__} was fitted without column names; expected a "
            "model fitted on a DataFrame, as make_forecast_xy returns X."
        )
    check_window_labels(estimator)
    transformers = window_transformers(estimator)
    fitted = transformers[0].index_ if transformers else None
    panel = is_panel_index(getattr(frame, "index", None))
    if panel:
        ends = series_ends(fitted) if fitted is not None else None
        rows = panel_rows_to_forecast_from(frame, columns, ends)
    else:
        # Without windows, each row is read on its own: today's row is enough.
        rows = rows_to_forecast_from(frame, columns, None if fitted is None else fitted[-1])
    point = np.asarray(estimator.predict(rows), dtype=np.float64)
    outputs = 1 if point.ndim == 1 else point.shape[1]
    if outputs != len(horizons):
        raise ValueError(
            f"the model predicts {outputs} output(s) per row, but horizon={horizon!r} "
            f"names {len(horizons)}; expected the horizon(s) the model was trained for, "
            "as given to make_forecast_xy."
        )
    if panel:
        return panel_forecast_table(rows.index, horizons, point, None, [], freq)
    return forecast_table(frame.index, horizons, point, None, [], freq)
