"""The lecture's two figures, and the forecast of the days after the data.

:func:`plot_learning_history` draws, for each fitted network, the training and
validation loss per epoch and the epoch whose weights early stopping restored
("Learning History"). :func:`plot_predictions` draws the real values of the
test period against each model's prediction, optionally with the naive forecast
(or the seasonal naive one) that every network should be compared with.
:func:`plot_forecast` draws the last months of a series followed by the
forecast of the next days and its prediction intervals.

The figures are laid out for a page or a screen of ordinary width: at most two
subplots per row unless asked otherwise, and one legend for the whole figure,
below the subplots, where it hides no data. The lines are labelled from the
data: the series' name (a pandas Series' ``name``), "naive" or whatever name the
baseline carries.

The command line (``skrnn compare``), the examples and users' own scripts all
draw these figures through this module, so they look the same everywhere.

Both functions build a :class:`matplotlib.figure.Figure` directly, never
through ``pyplot``: they work without a display and leave pyplot's global
state (current figure, open figures) alone. Save the result with
``fig.savefig(path)``; in a notebook, the returned figure displays itself.
"""

import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sklearn.pipeline import Pipeline

__all__ = ["plot_forecast", "plot_learning_history", "plot_predictions"]

#: The label of a series that carries no name of its own.
_ACTUAL_LABEL = "actual"
_NAIVE_LABEL = "naive"
#: Subplots per row when the caller does not say: two fit a page or a screen.
_DEFAULT_NCOLS = 2


def _check_mapping(value, arg, example):
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{arg} must be a dict of {{title: ...}}, e.g. {example}; got {type(value).__name__}"
        )
    if not value:
        raise ValueError(f"{arg} is empty: pass at least one entry, e.g. {example}")


def _grid_shape(n, ncols):
    """``(rows, columns)`` of `n` subplots in rows of `ncols` (two when None)."""
    if ncols is None:
        ncols = _DEFAULT_NCOLS
    if isinstance(ncols, bool) or not isinstance(ncols, numbers.Integral) or ncols < 1:
        raise ValueError(
            f"ncols must be a positive integer (1 stacks the subplots) or None "
            f"(two per row); got {ncols!r}"
        )
    ncols = min(int(ncols), n)
    return -(-n // ncols), ncols


def _subplots(fig, n, nrows, ncols, **kwargs):
    """The first `n` Axes of an `nrows` x `ncols` grid, in reading order.

    The cells of the last row that no model fills are removed.
    """
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs).ravel()
    for ax in axes[n:]:
        ax.remove()
    return list(axes[:n])


def _series_label(values, label, default):
    """`label`, else the name of a pandas `values` (a Series' name, a
    one-column DataFrame's column), else `default`."""
    if label is not None:
        return str(label)
    name = getattr(values, "name", None)
    if isinstance(values, pd.DataFrame) and values.shape[1] == 1:
        name = values.columns[0]
    if isinstance(name, str) and name:
        return name
    return default


def _figure_legend(fig, axes, labels=None):
    """One legend for the figure, below its subplots: off the data.

    Each label of the Axes' lines once, in the order first drawn; `labels` maps
    a line's label to the text the legend shows (a name that differs per
    subplot, such as "LSTM prediction", shown once as "prediction").
    """
    entries = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault((labels or {}).get(label, label), handle)
    # As many entries per row as fit the figure's width (a rough measure of the
    # text: 0.6 em per character, and 4 em for the line and the spacing).
    em = 10 / 72  # inches, at the legend's default size
    widths = [(0.6 * len(text) + 4) * em for text in entries]
    width, ncols = fig.get_figwidth(), 0
    while ncols < len(widths) and sum(widths[: ncols + 1]) <= width:
        ncols += 1
    return fig.legend(
        list(entries.values()), list(entries), loc="outside lower center", ncols=max(ncols, 1)
    )


def _fitted_network(name, obj):
    """The regressor inside `obj` (a search, a Pipeline or the regressor)."""
    est = obj
    # A search's best_estimator_ may itself be a Pipeline, whose last step may
    # be a TransformedTargetRegressor: unwrap until none of them applies.
    for _ in range(10):
        if isinstance(getattr(est, "history_", None), Mapping):
            break
        if hasattr(est, "best_estimator_"):
            est = est.best_estimator_
        elif isinstance(est, Pipeline):
            est = est[-1]
        elif hasattr(est, "regressor_"):
            est = est.regressor_
        else:
            break
    history = getattr(est, "history_", None)
    if not (isinstance(history, Mapping) and "loss" in history):
        raise ValueError(
            f"models[{name!r}] ({type(est).__name__}) has no history_ with a "
            "'loss' list: plot_learning_history draws fitted networks only "
            "(RNNRegressor, LSTMRegressor, GRURegressor, a fitted Pipeline ending "
            "in one, or a search fitted with refit=True); leave baselines such as "
            "PersistenceRegressor out of `models`"
        )
    loss = np.asarray(history["loss"], dtype=float)
    if loss.ndim != 1 or loss.size == 0:
        raise ValueError(
            f"models[{name!r}] has no trained epochs in history_['loss']: fit "
            "the network before plotting its learning history"
        )
    val_loss = history.get("val_loss")
    if val_loss is not None:
        val_loss = np.asarray(val_loss, dtype=float)
        if val_loss.ndim != 1 or val_loss.size == 0 or np.all(np.isnan(val_loss)):
            val_loss = None
    best = getattr(est, "best_epoch_", None)
    if best is None and val_loss is not None:
        # A history without best_epoch_: the first epoch of the lowest val_loss.
        best = int(np.nanargmin(val_loss)) + 1
    return loss, val_loss, best


def plot_learning_history(models, *, ylim=None, figsize=None, ncols=None):
    """Plot the training and validation loss per epoch of fitted networks.

    The lecture's "Learning History" figure: one subplot per model, in rows of
    `ncols` (two by default), with the loss of the training rows
    (``loss``) and of the validation rows that early stopping watched
    (``val loss``) at each epoch. A vertical
    dotted line marks the epoch whose weights early stopping kept, which the
    fitted network predicts with (its ``best_epoch_``; at 0 when no epoch beat
    the untrained network).

    Epochs are numbered from 1, as Keras prints them. A network trained without
    early stopping (``validation_fraction=0`` or :meth:`~skrnn.LSTMRegressor.partial_fit`) has no
    validation loss: its subplot shows ``loss`` alone and no best epoch.

    Parameters
    ----------
    models : dict of str to estimator
        Subplot title -> fitted network: a skrnn regressor (an object whose
        ``history_`` is a dict with a ``"loss"`` list, and optionally
        ``"val_loss"``), a fitted :class:`~sklearn.pipeline.Pipeline` whose last
        step is one, or a fitted search such as
        :class:`~sklearn.model_selection.GridSearchCV` (its
        ``best_estimator_``, refit on all its training rows, is plotted).
        Subplots follow the dict's order.

    ylim : tuple of (float or None, float or None), default=None
        Limits of the loss axis of every subplot, e.g. ``(0, 0.05)`` to see the
        tail of the curves past the first epochs' large losses. None lets each
        subplot scale to its own curves.

    figsize : tuple of (float, float), default=None
        Figure size in inches; None gives 5 inches of width per column of
        subplots and 4 of height per row.

    ncols : int, default=None
        Subplots per row, filled in the dict's order; 1 stacks them in one
        column. None puts two in a row (a 2 x 2 grid for four models), which
        keeps the labels readable on a page or a screen.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure, with one Axes per model in `models` and one legend below
        them (``fig.legends[0]``).

    Raises
    ------
    ValueError
        If `models` is empty, or an entry holds no network with a learning
        history (e.g. a :class:`~skrnn.PersistenceRegressor`, an unfitted
        network, or a search fitted with ``refit=False``); the message names
        the entry. If `ncols` is not a positive integer or None.

    TypeError
        If `models` is not a dict.

    See Also
    --------
    plot_predictions : The test-period figure.

    Examples
    --------
    In practice the values are fitted skrnn regressors, pipelines or searches;
    the function reads only their ``history_``, so a recorded one works too:

    >>> from types import SimpleNamespace
    >>> from skrnn.plotting import plot_learning_history
    >>> lstm = SimpleNamespace(
    ...     history_={"loss": [0.09, 0.03, 0.02], "val_loss": [0.04, 0.01, 0.02]})
    >>> gru = SimpleNamespace(
    ...     history_={"loss": [0.07, 0.02, 0.01], "val_loss": [0.03, 0.02, 0.01]})
    >>> fig = plot_learning_history({"LSTM": lstm, "GRU": gru}, ylim=(0, 0.05))
    >>> len(fig.axes)
    2
    >>> [ax.get_title() for ax in fig.axes]
    ['LSTM', 'GRU']
    >>> [text.get_text() for text in fig.legends[0].get_texts()]
    ['loss', 'val loss', 'best epoch']
    >>> fig.savefig("learning_history.png")  # doctest: +SKIP

    Stacked, one subplot above the other:

    >>> fig = plot_learning_history({"LSTM": lstm, "GRU": gru}, ncols=1)
    >>> [ax.get_subplotspec().rowspan.start for ax in fig.axes]
    [0, 1]
    """
    _check_mapping(models, "models", "{'LSTM': fitted_lstm}")
    curves = {name: _fitted_network(name, obj) for name, obj in models.items()}
    n = len(curves)
    nrows, ncols = _grid_shape(n, ncols)
    fig = Figure(figsize=figsize or (5.0 * ncols, 4.0 * nrows), layout="constrained")
    axes = _subplots(fig, n, nrows, ncols)
    for ax, (name, (loss, val_loss, best)) in zip(axes, curves.items(), strict=True):
        ax.plot(np.arange(1, loss.size + 1), loss, label="loss")
        if val_loss is not None:
            ax.plot(np.arange(1, val_loss.size + 1), val_loss, label="val loss")
            if best is not None:
                label = "kept: untrained (epoch 0)" if best == 0 else "best epoch"
                ax.axvline(best, color="black", linestyle=":", linewidth=1, label=label)
        ax.set_title(str(name))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 2.5
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss (MSE of scaled target)")
        if ylim is not None:
            ax.set_ylim(ylim)
    fig.suptitle("Learning History")
    _figure_legend(fig, axes)
    return fig


def _as_columns(values, what):
    """`values` as a float array of shape (n, k); 1-D input gives k == 1."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 1:
        return array[:, np.newaxis]
    if array.ndim == 2 and array.shape[1] >= 1:
        return array
    raise ValueError(
        f"{what} must be 1-D, or 2-D with one column per horizon; got shape {array.shape}"
    )


def _is_datetime_like(index):
    if isinstance(index, pd.DatetimeIndex) or pd.api.types.is_datetime64_any_dtype(index.dtype):
        return True
    return index.dtype == object and pd.api.types.infer_dtype(index) in {
        "datetime",
        "datetime64",
        "date",
    }


def plot_predictions(
    y_true,
    predictions,
    *,
    naive=None,
    label=None,
    naive_label=None,
    index=None,
    title="Predictions on the test period",
    ylabel="price",
    figsize=None,
    ncols=None,
):
    """Plot the real values of the test period against each model's prediction.

    The lecture's prediction figure: one subplot per model, in rows of `ncols`
    (two by default) sharing the value axis, each with the real values and
    that model's prediction, and, when given, the naive forecast ("tomorrow =
    today", or its seasonal version) as a thin grey dashed line, the baseline a
    useful network must beat. One legend below the subplots names the lines:
    the series (`label`), "prediction" (the model the subplot's title names)
    and the baseline (`naive_label`).

    Predictions for several horizons (2-D, one column per horizon, as
    :func:`~skrnn.datasets.make_forecast_xy` makes the target for a list of
    horizons) are drawn for the first horizon only, and the subplot's title
    says so ("horizon 1 of k"); the same applies to a 2-D `y_true` and
    `naive`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_horizons)
        The real values of the test period, in time order. A pandas Series or
        DataFrame also gives the x values (its index, e.g. the dates) unless
        `index` is passed.

    predictions : dict of str to array-like of shape (n_samples,) or \
(n_samples, n_horizons)
        Model name -> its predictions of `y_true`, row for row (matched by
        position: an index they carry is ignored). Subplots follow the dict's
        order.

    naive : array-like of shape (n_samples,) or (n_samples, n_horizons), \
default=None
        The naive forecast (e.g. :class:`~skrnn.PersistenceRegressor`'s
        predictions), drawn in every subplot; None draws none.

    label : str, default=None
        The legend's name for `y_true`. None takes the name of a pandas
        `y_true` (a Series' name, e.g. ``"closed_price"``), else ``"actual"``.

    naive_label : str, default=None
        The legend's name for `naive`, e.g. ``"seasonal naive"``. None takes
        the name of a pandas `naive` (the columns of
        :func:`~skrnn.model_selection.compare`'s ``predictions`` are named
        ``"naive"`` and ``"seasonal naive"``), else ``"naive"``.

    index : array-like of shape (n_samples,), default=None
        The x values, e.g. the test period's dates. None uses the index of a
        pandas `y_true`, else the time steps 0, 1, ... When the x values are
        dates, the x axis is labelled "date" and its tick labels are rotated;
        otherwise it is labelled "time step". A value is drawn at the day it
        is for: the ``predictions`` of
        :func:`~skrnn.model_selection.compare` are indexed so, while the ``y``
        of :func:`~skrnn.datasets.make_forecast_xy` is indexed by the day a
        forecast is made (pass the days forecast here).

    title : str, default="Predictions on the test period"
        The figure's title.

    ylabel : str, default="price"
        The label of the shared value axis.

    figsize : tuple of (float, float), default=None
        Figure size in inches; None gives 5 inches of width per column of
        subplots and 4 of height per row.

    ncols : int, default=None
        Subplots per row, filled in the dict's order; 1 stacks them in one
        column. None puts two in a row (a 2 x 2 grid for four models), which
        keeps the labels readable on a page or a screen.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure, with one Axes per model in `predictions` and one legend
        below them (``fig.legends[0]``).

    Raises
    ------
    ValueError
        If `predictions` is empty, or a prediction, `naive` or `index` does not
        have one value per row of `y_true` (the message names the entry and
        both lengths), or a prediction has a different number of horizons than
        a 2-D `y_true`, or `ncols` is not a positive integer or None.

    TypeError
        If `predictions` is not a dict.

    See Also
    --------
    plot_learning_history : The training figure.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skrnn.plotting import plot_predictions
    >>> dates = pd.date_range("2018-01-02", periods=5, freq="B")
    >>> price = pd.Series([100.0, 101.0, 103.0, 102.0, 104.0], index=dates, name="close")
    >>> fig = plot_predictions(
    ...     price,
    ...     {"LSTM": [99.5, 100.8, 102.1, 102.5, 103.2],
    ...      "GRU": [100.2, 100.9, 102.6, 102.2, 103.7]},
    ...     naive=[99.0, 100.0, 101.0, 103.0, 102.0],
    ... )
    >>> len(fig.axes)
    2
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_title()
    ('date', 'LSTM')
    >>> [text.get_text() for text in fig.legends[0].get_texts()]
    ['close', 'prediction', 'naive']
    >>> fig.savefig("predictions.png")  # doctest: +SKIP
    """
    _check_mapping(predictions, "predictions", "{'LSTM': lstm.predict(X_test)}")
    labels = {"actual": _series_label(y_true, label, _ACTUAL_LABEL)}
    if naive is not None:
        labels["naive"] = _series_label(naive, naive_label, _NAIVE_LABEL)
    if index is None and isinstance(y_true, (pd.Series, pd.DataFrame)):
        index = y_true.index
    truth = _as_columns(y_true, "y_true")
    x = _x_values(index, truth.shape[0])
    model_values = {
        name: _checked_prediction(values, f"predictions[{name!r}]", truth)
        for name, values in predictions.items()
    }
    if naive is not None:
        naive = _as_columns(naive, "naive")
        _check_length(naive, "naive", truth.shape[0])

    n_models = len(model_values)
    nrows, ncols = _grid_shape(n_models, ncols)
    fig = Figure(figsize=figsize or (5.0 * ncols, 4.0 * nrows), layout="constrained")
    # Every subplot has the same x values: stacked ones share the axis, which
    # only the lowest subplot of each column labels.
    axes = _subplots(fig, n_models, nrows, ncols, sharex=True, sharey=True)
    for i, (ax, (name, values)) in enumerate(zip(axes, model_values.items(), strict=True)):
        _draw_prediction(ax, x, truth, values, naive, name, labels, x_axis=i + ncols >= n_models)
    for ax in axes[::ncols]:  # the first of each row
        ax.set_ylabel(ylabel)
    fig.suptitle(title)
    # Each subplot's model line is "<name> prediction"; the title names the model.
    _figure_legend(fig, axes, {f"{name} prediction": "prediction" for name in model_values})
    return fig


def _check_length(values, what, n):
    if values.shape[0] != n:
        raise ValueError(
            f"{what} has {values.shape[0]} values but y_true has {n}: pass "
            "one value per row of y_true"
        )


def _x_values(index, n):
    """The x values of `n` rows: `index` (dates as timestamps), or 0 .. n - 1."""
    if index is None:
        return pd.RangeIndex(n)
    x = pd.Index(index)
    if x.ndim != 1:
        raise ValueError(f"index must be 1-D; got shape {np.shape(index)}")
    _check_length(x, "index", n)
    return x.to_timestamp() if isinstance(x, pd.PeriodIndex) else x


def _checked_prediction(values, what, truth):
    values = _as_columns(values, what)
    _check_length(values, what, truth.shape[0])
    k_true, k_pred = truth.shape[1], values.shape[1]
    if k_true > 1 and k_pred > 1 and k_true != k_pred:
        raise ValueError(f"{what} has {k_pred} horizons (columns) but y_true has {k_true}")
    return values


def _draw_prediction(ax, x, truth, values, naive, name, labels, x_axis):
    """One model's subplot: the real values, its prediction, the naive forecast.

    `labels` holds the lines' names (``"actual"``, ``"naive"``); `x_axis` says
    whether the subplot labels the shared x axis (none below it).
    """
    ax.plot(x, truth[:, 0], color="tab:blue", label=labels["actual"])
    ax.plot(x, values[:, 0], color="tab:orange", label=f"{name} prediction")
    n_horizons = max(truth.shape[1], values.shape[1])
    if naive is not None:
        ax.plot(
            x,
            naive[:, 0],
            color="grey",
            linestyle="--",
            linewidth=0.8,
            zorder=1.5,  # under the model's line
            label=labels["naive"],
        )
        n_horizons = max(n_horizons, naive.shape[1])
    ax.set_title(str(name) if n_horizons == 1 else f"{name} (horizon 1 of {n_horizons})")
    dates = _is_datetime_like(x)
    ax.tick_params(axis="x", labelbottom=x_axis)
    if x_axis:
        ax.set_xlabel("date" if dates else "time step")
    if dates:
        # What Figure.autofmt_xdate does, which a constrained layout refuses
        # (with a warning) on recent matplotlib.
        ax.tick_params(axis="x", labelrotation=30)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")


def _interval_levels(forecast):
    """The levels of the ``lower_<level>``/``upper_<level>`` column pairs, widest first."""
    levels = []
    for column in forecast.columns:
        if isinstance(column, str) and column.startswith("lower_"):
            level = column.removeprefix("lower_")
            if f"upper_{level}" not in forecast.columns:
                raise ValueError(
                    f"forecast has a column {column!r} without its 'upper_{level}'; expected "
                    "the columns of ConformalForecaster.forecast"
                )
            try:
                levels.append((float(level), level))
            except ValueError:
                raise ValueError(
                    f"forecast has a column {column!r} whose level is not a number"
                ) from None
    return [name for _, name in sorted(levels, reverse=True)]


def plot_forecast(
    history,
    forecast,
    *,
    last=90,
    label=None,
    title="Forecast of the next days",
    ylabel="price",
    figsize=(9.0, 4.5),
):
    """Plot the last days of a price series, then the forecast and its intervals.

    The prices of the last `last` days are drawn as a line that the forecast
    continues from the last known price, with one shaded band per interval
    level (the widest the lightest), as
    :meth:`skrnn.forecasting.ConformalForecaster.forecast` returns them.

    Parameters
    ----------
    history : Series or DataFrame of shape (n_days, 1)
        The known prices, indexed by date, e.g. ``frame["closed_price"]``.

    forecast : DataFrame
        The forecast, indexed by the forecast dates, with a ``forecast``
        column and, for each interval level, ``lower_<level>`` and
        ``upper_<level>`` columns: the output of
        :meth:`~skrnn.forecasting.ConformalForecaster.forecast` or
        :func:`~skrnn.forecasting.forecast`.

    last : int, default=90
        How many of the last days of `history` to draw (90 trading days is
        about four months).

    label : str, default=None
        The legend's name for `history`. None takes the name of a pandas
        `history` (a Series' name or the DataFrame's column), else
        ``"actual"``.

    title : str, default="Forecast of the next days"
        The figure's title.

    ylabel : str, default="price"
        The label of the value axis.

    figsize : tuple of (float, float), default=(9.0, 4.5)
        Figure size in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure, with one Axes and its legend below it
        (``fig.legends[0]``).

    Raises
    ------
    ValueError
        If `history` is empty or has more than one column, `forecast` has no
        ``forecast`` column or no rows, its dates do not come after the last
        date of `history`, or a ``lower_`` column has no ``upper_`` partner.

    See Also
    --------
    plot_predictions : The test-period figure.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn.plotting import plot_forecast
    >>> history = pd.Series([100.0, 101.0, 103.0, 102.0, 104.0],
    ...                     index=pd.bdate_range("2018-12-24", periods=5), name="close")
    >>> forecast = pd.DataFrame(
    ...     {"horizon": [1, 2], "forecast": [104.0, 104.0],
    ...      "lower_80": [102.1, 101.4], "upper_80": [105.9, 106.6],
    ...      "lower_95": [100.9, 99.8], "upper_95": [107.1, 108.2]},
    ...     index=pd.bdate_range("2018-12-31", periods=2, name="date"))
    >>> fig = plot_forecast(history, forecast)
    >>> [text.get_text() for text in fig.legends[0].get_texts()]
    ['close', 'forecast', '95 % interval', '80 % interval']
    >>> fig.savefig("forecast.png")  # doctest: +SKIP
    """
    label = _series_label(history, label, _ACTUAL_LABEL)
    if isinstance(history, pd.DataFrame):
        if history.shape[1] != 1:
            raise ValueError(
                f"history has {history.shape[1]} columns; expected one column of prices "
                "(e.g. frame['closed_price'])"
            )
        history = history.iloc[:, 0]
    history = pd.Series(history)
    if history.empty:
        raise ValueError("history is empty; expected the known prices, indexed by date")
    if not isinstance(forecast, pd.DataFrame) or "forecast" not in forecast.columns:
        raise ValueError(
            "forecast must be a DataFrame with a 'forecast' column, as "
            "ConformalForecaster.forecast returns it"
        )
    if forecast.empty:
        raise ValueError("forecast has no rows; expected one row per forecast day")
    levels = _interval_levels(forecast)
    shown = history.iloc[-last:]
    x_last = shown.index[-1]
    x_forecast = forecast.index
    if isinstance(x_forecast, pd.PeriodIndex):
        x_forecast = x_forecast.to_timestamp()
    if isinstance(x_last, pd.Period):
        x_last = x_last.to_timestamp()
        shown = shown.set_axis(shown.index.to_timestamp())
    if not x_forecast[0] > x_last:
        raise ValueError(
            f"the forecast starts on {x_forecast[0]}, not after the last day of history "
            f"({x_last}); expected the forecast of the days after it"
        )

    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    ax.plot(shown.index, shown.to_numpy(), color="tab:blue", label=label)
    # The forecast line and the bands start at the last known price, so that the
    # forecast reads as the continuation of the series.
    x = [x_last, *x_forecast]
    start = float(shown.iloc[-1])
    ax.plot(x, [start, *forecast["forecast"]], color="tab:orange", marker="o",
            markersize=3, label="forecast")  # fmt: skip
    for k, level in enumerate(levels):
        ax.fill_between(
            x,
            [start, *forecast[f"lower_{level}"]],
            [start, *forecast[f"upper_{level}"]],
            color="tab:orange",
            alpha=0.15 + 0.2 * k / max(len(levels) - 1, 1),
            linewidth=0,
            label=f"{level} % interval",
        )
    ax.set_xlabel("date")
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelrotation=30)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    fig.suptitle(title)
    _figure_legend(fig, [ax])
    return fig
