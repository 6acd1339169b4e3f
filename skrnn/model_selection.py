"""Tune and compare recurrent networks on one series, against the naive forecast.

:func:`compare` is the experiment that ``skrnn compare`` runs, as a function: the
last part of the series (in time) is the test period; on the rest, each model
family is tuned over a grid with :class:`~sklearn.model_selection.TimeSeriesSplit`
(the scaler fitted on each training fold only), the best candidate of each is
refitted on all training rows (a network's only where it beat the best baseline
on the out-of-fold rows; else the network keeps its start, that baseline), and
every model, the naive forecast "tomorrow = today" included, is scored on the
test period.
"""

import math
import time
from numbers import Integral, Real

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics import (
    mean_absolute_error,
    mean_absolute_percentage_error,
    root_mean_squared_error,
)
from sklearn.model_selection import ParameterGrid, TimeSeriesSplit
from sklearn.utils import Bunch

from skrnn._comparison import calendar_steps, cv_table, forecast_features, pipeline
from skrnn._panel import is_panel
from skrnn._quiet import quiet_tensorflow
from skrnn._report import Progress, describe
from skrnn._split import PanelSplit

__all__ = ["PanelSplit", "compare"]

#: The network families: key -> (name in the results, regressor class, fixed parameters).
FAMILIES = {
    "rnn": ("RNN", "RNNRegressor", {}),
    "lstm": ("LSTM", "LSTMRegressor", {"peephole": False}),
    "peephole": ("LSTM (peephole)", "LSTMRegressor", {"peephole": True}),
    "gru": ("GRU", "GRURegressor", {}),
}
NAIVE = "naive"
SEASONAL_NAIVE = "seasonal naive"
LINEAR = "linear"
#: The names of the baselines in the results, the models that are not networks.
BASELINES = (NAIVE, SEASONAL_NAIVE, LINEAR)
#: Significance level of the Diebold-Mariano test behind the report's wording.
ALPHA = 0.05
#: Two forecasts closer than this, relative to the largest value forecast, are the
#: same forecast (a network that kept its start, in float32 arithmetic): their
#: difference is round-off, which a test would call significant.
SAME_FORECAST_RTOL = 1e-5

# The searched parameters of a network pipeline, by the names the results use. The
# first four are in every candidate; the others only where given several values.
_GRID_KEYS = {
    "window": "slidingwindowtransformer__window",
    "units": "regressor__units",
    "layers": "regressor__layers",
    "residual": "regressor__residual",
    "inputs": "regressor__inputs",
    "learning_rate": "regressor__learning_rate",
    "weight_decay": "regressor__weight_decay",
    "dropout": "regressor__dropout",
    "batch_size": "regressor__batch_size",
    "patience": "regressor__patience",
    "significance": "regressor__significance",
}
_ALWAYS_SHOWN = ("window", "units", "layers", "residual")
# The values of the regressors' `residual` and `inputs` (skrnn._skip, kept free of
# Keras here so that the command line starts fast).
_RESIDUALS = (True, False, "naive", "linear", "seasonal")
_INPUTS = ("levels", "differences", "from_newest")


def compare(
    frame,
    *,
    target=None,
    horizon=1,
    covariates=None,
    known_future=None,
    calendar=False,
    series_identity=False,
    per_series_networks=False,
    models=tuple(FAMILIES),
    windows=(5, 20),
    units=(16,),
    layers=(1,),
    residual=(True, "linear"),
    inputs=("levels",),
    learning_rate=None,
    weight_decay=(0.0,),
    dropout=(0.0,),
    batch_size=None,
    season=None,
    n_splits=3,
    test_size=0.25,
    epochs=200,
    patience=None,
    significance=0.05,
    n_seeds=None,
    random_state=0,
    n_jobs=None,
    verbose=0,
):
    """Tune each network family on a series and score it against simple baselines.

    The rows of `frame` are paired with the `target` of the next ``horizon``
    rows (:func:`~skrnn.datasets.make_forecast_xy`): with ``horizon=1`` the
    next row, with ``horizon=H`` the whole path of steps ``1 .. H``, one
    output of each network per step (the direct, multi-output strategy; see
    :ref:`panels`). The last `test_size` of the
    pairs, in time order, are the test period, which nothing sees before the
    final scoring. On the rest, every candidate of each family (every
    combination of the grids: `windows`, `units`, `layers`, `residual` and
    the training grids given several values) is fitted and scored (RMSE) on
    each fold of ``TimeSeriesSplit(n_splits)``, as a ``MinMaxScaler ->
    SlidingWindowTransformer -> regressor`` pipeline. The baselines go
    through the same steps, in the same pipeline: the naive forecast
    "tomorrow = today" (:class:`~skrnn.PersistenceRegressor`), a linear
    autoregression on the same windows (:class:`~skrnn.RidgeAutoregressor`,
    its window tuned from `windows`) and, for a seasonal series, the seasonal
    naive forecast; each is refitted with its lowest mean RMSE.

    **A network earns its place.** The networks learn freely in the folds
    (``significance=None``); then the selection asks whether what the best of
    them learned beats the best baseline. The family's candidate with the
    lowest mean RMSE is refitted on all training rows, learning freely, only
    if a one-sided Diebold-Mariano test finds its squared errors on the rows
    of every test fold (the out-of-fold errors: far more rows than a
    validation tail) lower than those of the baseline with the lowest mean
    RMSE, at the level `significance` (the regressors' own rule, as early
    stopping applies it to a validation tail). Otherwise the network keeps its
    start: the candidate whose start (the baseline its skip connection begins
    as, see `residual`) has the lowest mean RMSE is refitted with
    ``significance=0``, which is exactly that baseline. On a random walk the
    networks therefore stay the naive forecast; where the networks learned
    nothing the linear model does not know, they are the linear model.

    Whether a model is really more accurate than the naive forecast, and than
    the linear model, is the Diebold-Mariano test
    (:func:`~skrnn.diebold_mariano`) of their test-period errors, and the
    results say so in words: "better than naive" or "worse than naive" only
    where the test rejects equal accuracy at the 5 % level, "no better than
    naive" otherwise, "same as naive" for the same forecast (and the same
    against the linear model).

    **Panels.** With `frame` indexed by (series, date), each family is one
    *global* network over all series (:class:`~skrnn.SeriesScaledRegressor`,
    every series in units of its own size), tuned with
    :class:`~skrnn.model_selection.PanelSplit` (folds by date) and chosen by
    its mean scale-free error (MASE) over the folds, next to the naive
    forecast and the linear autoregression fitted per series
    (:class:`~skrnn.PerSeriesRegressor`). The test period is the last
    `test_size` of the dates. The errors are pooled scale-free: the mean over
    the series of MASE and of the RMSE ratio to naive, and the
    Diebold-Mariano test of the day-by-day mean over the series of the
    squared-error differences, each scaled by its series' in-sample naive
    error. A series with too few rows before the test period for the longest
    window is left out (``left_out``); one too short for it in all is an
    error naming it. The training options other than `epochs`, `patience`
    and `random_state` take the regressors' defaults, and the seasonal
    baseline is not offered.

    All fits, of every family, run as one batch of tasks through joblib, so
    ``n_jobs`` (or a joblib backend such as Dask's, through
    :class:`joblib.parallel_config`) spreads them over cores or machines.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per time step, in time order, indexed by date, such as
        :func:`~skrnn.datasets.load_stock_csv` returns; or a panel of many
        series indexed by (series, date), such as
        :func:`~skrnn.datasets.load_panel_csv` returns (see *Panels* below).

    target : str or None, default=None
        The column to forecast; None finds the price column as
        :func:`~skrnn.datasets.make_forecast_xy` does.

    horizon : int, default=1
        How many rows ahead to forecast: every step from 1 to `horizon`. With a
        path (``horizon > 1``) the test period starts ``horizon - 1`` rows
        after the last training row, so that no training target lies in it
        (the rows between are read by the windows, not scored).

    covariates : list of str or None, default=None
        Other columns of `frame` given to every model as inputs of the day
        the forecast is made (past covariates: the volume, the high and the
        low).

    known_future : list of str or None, default=None
        Columns whose values on the days forecast are known in advance (a
        holiday, a planned event): every model reads their values of each
        step's day, ``f"{column}_t+{h}"``. Taken at the caller's word; the
        command line asks for the values of the days ahead.

    calendar : bool, default=False
        Whether every model reads the calendar of each step's day (day of the
        week and month, :class:`~skrnn.CalendarFeatures`), known in advance
        from the dates.

    series_identity : bool, default=False
        For a panel: whether the global networks read which series each row
        is (:class:`~skrnn.SeriesEncoder`).

    per_series_networks : bool, default=False
        For a panel: whether each family's network is also fitted per series
        (:class:`~skrnn.PerSeriesRegressor`), as ``"<family> (per
        series)"``, next to the global one, and tested against it.

    models : sequence of {"rnn", "lstm", "peephole", "gru"}, default=all four
        The network families to tune; the naive forecast is always scored.

    windows : sequence of int, default=(5, 20)
        Window lengths to search.

    units : sequence of int, default=(16,)
        Units per recurrent layer to search.

    layers : sequence of int, default=(1,)
        Numbers of stacked layers to search.

    residual : sequence of {True, False, "naive", "linear", "seasonal"}, \
            default=(True, "linear")
        The skip connections to search, by the forecast a network starts as
        (the regressors' `residual`): the naive forecast (``True`` or
        ``"naive"``), the linear autoregression on the window, the seasonal
        naive forecast (with `season`, and windows that reach back to the
        last season), or none (``False``).

    inputs : sequence of {"levels", "differences", "from_newest"}, \
            default=("levels",)
        What the recurrent layers read (the regressors' `inputs`): the
        levels, or level-free windows (with a skip connection only).

    learning_rate : sequence of float or None, default=None
        Adam's learning rates to search; None: 0.01 on a short series (fewer
        than 500 tuning rows, where an epoch is a few gradient steps), 0.001
        on a longer one.

    weight_decay : sequence of float, default=(0.0,)
        Adam's weight decays to search (the regressors' `weight_decay`).

    dropout : sequence of float, default=(0.0,)
        Dropout fractions of the recurrent layers' inputs to search.

    batch_size : sequence of int or None, default=None
        Rows per gradient step to search; None: 16 on a short series, 32 on a
        longer one.

    season : int or None, default=None
        Length of the series' season in rows (12 for monthly data with a
        yearly cycle): adds the seasonal naive forecast to the baselines, and
        is the networks' `season` for ``residual="seasonal"``.

    n_splits : int, default=3
        Folds of the :class:`~sklearn.model_selection.TimeSeriesSplit` on the
        training rows.

    test_size : float, default=0.25
        Fraction of the rows, at the end of the series, kept for the test
        period (the lecture keeps 25 %).

    epochs : int, default=200
        Most epochs per fit.

    patience : int, sequence of int or None, default=None
        Early-stopping patience of the networks, in epochs (a sequence is
        searched); None: 50 on a short series, 10 on a longer one.

    significance : float or None, default=0.05
        How sure the selection must be that a network beats the best baseline
        on the out-of-fold rows before it keeps what it learned; None: the
        lowest mean RMSE, whatever it is.

    n_seeds : int or None, default=None
        Networks per candidate, from that many seeds derived from
        `random_state`, their predictions averaged (the regressors'
        `n_seeds`); None: 3 on a short series, 1 on a longer one.

    random_state : int, default=0
        Seed of every network (``random_state`` of the regressors), so that
        the same call gives the same results on a CPU.

    n_jobs : int or None, default=None
        Fits run in parallel: None means 1 unless in a
        :class:`joblib.parallel_config` context, -1 one per core.

    verbose : int, default=0
        With 1 or more, each finished fit is reported on standard error as
        ``[done/total mm:ss] message``, counted where the results arrive, so
        the report works wherever the fits run.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With the attributes:

        results : pandas.DataFrame
            One row per model, indexed by its name (``"naive"``, ``"seasonal
            naive"`` with `season`, ``"linear"``, ``"RNN"``, ``"LSTM"``,
            ``"LSTM (peephole)"``, ``"GRU"``): ``params`` (the chosen grid
            values), ``cv_rmse_mean`` and ``cv_rmse_std`` (over the folds;
            for a network that kept its start, the start's), ``test_rmse``,
            ``test_mae``, ``test_mape`` (in %), ``ratio_to_naive`` (Theil's
            U2 on the test period, :func:`~skrnn.theil_u2`), ``fit_seconds``
            (of the refit), ``dm_statistic`` and ``dm_pvalue`` (the
            two-sided Diebold-Mariano test against the naive forecast; NaN
            for the naive forecast itself and the same forecast),
            ``verdict`` (the test in words), ``ratio_to_linear``,
            ``dm_linear_statistic``, ``dm_linear_pvalue`` and
            ``verdict_linear`` (the same against the linear model) and
            ``learned`` (whether a network kept what it learned; False for
            one that kept its start, and for the baselines).
        cv_results : dict of str to pandas.DataFrame
            Per model, one row per candidate: its parameters, the RMSE of
            each fold, their mean and standard deviation, and for a network
            ``pvalue_vs_reference``, the p-value of the selection's test
            against the best baseline.
        estimators : dict of str to Pipeline
            Per model, the chosen pipeline refitted on all training rows.
        results_by_horizon : pandas.DataFrame
            Only for a path (``horizon > 1``) or a panel: the test scores of
            every model at each step, indexed by (name, horizon); the results'
            test columns are over the whole path, every step of every test
            day pooled (the Diebold-Mariano test on each day's mean over the
            steps, its lag the path's length).
        predictions : pandas.DataFrame
            The test period, indexed by the day each forecast is for
            (the day after the day it is made; for a path, the day of its
            first step; for a panel, by (series, day the forecast is made)):
            ``y_true`` and one column of predictions per model, or for a path
            one column per model and step (a column MultiIndex ``(model,
            horizon)``).
        train_dates : pandas.Index
            The days the training rows forecast, from ``horizon`` rows after
            the series' first day: tuning and refits learn from the series up
            to the last of them.
        test_dates : pandas.Index
            The days forecast in the test period, the index of `predictions`:
            the days after the last of `train_dates`, to the end of the series.
        results_by_series, left_out, scale
            Only for a panel: the test scores of every model on each series,
            indexed by (series, name); the series left out of the comparison;
            each series' in-sample naive error, by which its errors are
            scaled.

        For a panel, `results` has ``test_mase`` and ``ratio_to_naive``
        (means over the series), the tests against the naive forecast, the
        linear model and (for networks per series) the global network, and
        ``cv_mase_mean`` and ``cv_mase_std`` in place of the RMSE columns.

    Raises
    ------
    ValueError
        If a model name is unknown, a grid is empty or holds a value out of
        range, or the series is too short for the folds and windows.

    See Also
    --------
    skrnn.plotting.plot_learning_history : Draw the refitted networks' training.
    skrnn.plotting.plot_predictions : Draw the test-period predictions.

    Examples
    --------
    >>> from skrnn.datasets import load_sp500
    >>> from skrnn.model_selection import compare
    >>> result = compare(load_sp500().iloc[-120:], models=["gru"], windows=[5],
    ...                  units=[4], epochs=2, patience=1, n_splits=2)
    >>> list(result.results.index)
    ['naive', 'linear', 'GRU']
    >>> list(result.results.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['params', 'cv_rmse_mean', 'cv_rmse_std', 'test_rmse', 'test_mae', 'test_mape',
     'ratio_to_naive', 'fit_seconds', 'dm_statistic', 'dm_pvalue', 'verdict',
     'ratio_to_linear', 'dm_linear_statistic', 'dm_linear_pvalue', 'verdict_linear',
     'learned']
    >>> float(result.results.loc["naive", "ratio_to_naive"])
    1.0
    >>> result.predictions.shape  # the last 25 % of 119 forecast days
    (29, 4)
    >>> result.train_dates[[0, -1]].strftime("%Y-%m-%d").tolist()
    ['2018-07-12', '2018-11-15']
    >>> result.test_dates[[0, -1]].strftime("%Y-%m-%d").tolist()  # up to the last day
    ['2018-11-16', '2018-12-31']
    """
    from skrnn.datasets import make_forecast_xy

    if isinstance(patience, Integral):
        patience = (patience,)
    training = dict(learning_rate=learning_rate, batch_size=batch_size, patience=patience)
    grids = dict(
        window=windows, units=units, layers=layers, residual=residual, inputs=inputs,
        learning_rate=learning_rate, weight_decay=weight_decay, dropout=dropout,
        batch_size=batch_size, patience=patience,
    )  # fmt: skip
    _grid(models, **{k: v for k, v in grids.items() if v is not None})  # bad input fails early
    _check_positive_int(n_splits, "n_splits", minimum=2)
    if n_seeds is not None:
        _check_positive_int(n_seeds, "n_seeds")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size={test_size!r} is not a fraction; expected 0 < test_size < 1.")
    _check_positive_int(horizon, "horizon")
    horizons = list(range(1, horizon + 1))
    features = forecast_features(frame, target, covariates)
    if is_panel(frame):
        return _compare_panel(
            frame, features=features, horizons=horizons, known_future=known_future,
            calendar=calendar, series_identity=series_identity,
            per_series_networks=per_series_networks, models=models, windows=windows,
            units=units, layers=layers, season=season, n_splits=n_splits, test_size=test_size,
            epochs=epochs, patience=patience, random_state=random_state, n_jobs=n_jobs,
            verbose=verbose,
        )  # fmt: skip
    if series_identity or per_series_networks:
        raise ValueError(
            "series_identity and per_series_networks are options of a panel, but the "
            "frame is one series (not indexed by (series, date))."
        )
    longest = max(windows)
    if season is not None:
        _check_positive_int(season, "season", minimum=2)
        if horizon > 1:
            raise ValueError(
                f"season={season} with horizon={horizon}: the seasonal naive forecast "
                "forecasts one step, not a path; use horizon=1 with season."
            )
        longest = max(longest, _seasonal_window(season, horizon))
    _check_starts(residual, inputs, windows, season, horizon)
    X, y = make_forecast_xy(
        frame, target=features[0], horizon=horizons if horizon > 1 else 1,
        features=features, known_future=known_future,
    )  # fmt: skip
    # A path's training targets reach `gap` rows past the training rows: the test
    # period starts after them, and the rows between are read but not scored.
    gap = horizon - 1
    n_train = _n_train(len(X), test_size, n_splits, longest_window=longest + gap)
    X_train, y_train = X.iloc[: n_train - gap], y.iloc[: n_train - gap]
    X_after, y_test = X.iloc[n_train - gap :], y.iloc[n_train:]
    # Pair t forecasts the days from the day after it: the first is the one it is dated by.
    days_forecast = frame.index[1 : len(X) + 1]
    defaults = _training_defaults(n_train)
    grids.update({k: (defaults[k],) for k, v in training.items() if v is None})
    grid = _grid(models, **grids)
    n_seeds = defaults["n_seeds"] if n_seeds is None else n_seeds

    pipelines, candidates = _models(
        models, grid, horizon=horizons if horizon > 1 else 1, season=season, epochs=epochs,
        significance=significance, n_seeds=n_seeds, seed=random_state,
        calendar=calendar,
    )  # fmt: skip
    folds = list(TimeSeriesSplit(n_splits=n_splits).split(X_train))
    progress = Progress(sum(len(c) * n_splits + 1 for c in candidates.values()), verbose)
    if verbose:
        progress.say(f"{len(pipelines)} models, {progress.total} fits in all")
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")

    fold_rmse = {name: np.zeros((len(c), n_splits)) for name, c in candidates.items()}
    n_tested = len(X_train) - folds[0][1][0]  # the rows of all test folds, in time order
    out_of_fold = {
        name: np.zeros((len(c), n_tested, *y.shape[1:])) for name, c in candidates.items()
    }
    # In a tuple, the rows travel inside every task: joblib's Dask backend would send
    # a large argument to one worker only, and losing that worker would fail the tasks
    # that need it instead of running them again elsewhere.
    train = (X_train, y_train)
    # A network learns freely in the search: whether what it learned beats its
    # start is judged on the errors of every test fold at once (_Selection).
    tasks = [
        delayed(_fit_and_score)(
            (name, i, k),
            pipelines[name],
            params if name in BASELINES else {**params, "significance": None},
            train,
            folds[k],
        )
        for name, params_list in candidates.items()
        for i, params in enumerate(params_list)
        for k in range(n_splits)
    ]
    for (name, i, k), y_pred in parallel(tasks):
        rows = folds[k][1]
        rmse = root_mean_squared_error(y_train.iloc[rows], y_pred)
        fold_rmse[name][i, k] = rmse
        out_of_fold[name][i, rows - folds[0][1][0]] = y_pred
        progress.report(f"{name} {describe(candidates[name][i])}: fold RMSE {rmse:.2f}")

    y_tested = y_train.iloc[folds[0][1][0] :].to_numpy()
    regressors = {name: pipeline[-1] for name, pipeline in pipelines.items()}
    selection = _Selection(candidates, fold_rmse, out_of_fold, y_tested, regressors)
    estimators, fit_seconds = {}, {}
    refits = [
        delayed(_refit)(name, pipelines[name], selection.refit_params(name), train)
        for name in pipelines
    ]
    for name, fitted, seconds in parallel(refits):
        estimators[name], fit_seconds[name] = fitted, seconds
        progress.report(f"{name}: refitted the best on all training rows")
    estimators = {name: estimators[name] for name in pipelines}  # in the families' order

    predicted = {n: np.asarray(e.predict(X_after))[gap:] for n, e in estimators.items()}
    cv_results = {
        name: cv_table(candidates[name], fold_rmse[name], selection.pvalues.get(name))
        for name in pipelines
    }
    days = days_forecast[n_train:]
    extra = {}
    if horizon == 1:
        predictions = pd.DataFrame({"y_true": y_test.to_numpy(), **predicted}, index=days)
        results = _results_table(predictions, cv_results, selection, fit_seconds, horizon)
    else:
        predictions = _path_frame(y_test.to_numpy(), predicted, horizons, days)
        steps = {h: predictions.xs(h, axis=1, level="horizon") for h in horizons}
        results = _results_table(
            _pooled_steps(steps), cv_results, selection, fit_seconds, horizon, steps
        )
        extra["results_by_horizon"] = _by_horizon({
            h: _results_table(step, cv_results, selection, fit_seconds, h)
            for h, step in steps.items()
        })  # fmt: skip
    return Bunch(
        results=results,
        **extra,
        cv_results=cv_results,
        estimators=estimators,
        predictions=predictions,
        train_dates=days_forecast[: n_train - gap],
        test_dates=predictions.index,
    )


#: Below this many tuning rows a series is short: an epoch is a few gradient steps.
SHORT_SERIES = 500


def _training_defaults(n_train):
    """The training parameters left at None, by the number of tuning rows.

    On a short series an epoch is a few gradient steps, so the long series'
    settings (patience 10 epochs of batches of 32, learning rate 0.001) stop a
    network before it has moved from its start: smaller batches, a higher
    learning rate, more patience and an ensemble of seeds (cheap on few rows)
    let it learn.
    """
    if n_train < SHORT_SERIES:
        return dict(learning_rate=0.01, batch_size=16, patience=50, n_seeds=3)
    return dict(learning_rate=0.001, batch_size=32, patience=10, n_seeds=1)


def _grid(models, **grid):
    """The candidates of the network families, each a dict of ``_GRID_KEYS`` values:
    the first four always, the others where `grid` gives several values.

    `grid` holds the grids of :func:`compare` by the names of ``_GRID_KEYS``
    (``window`` is its ``windows``), in that order.
    """
    if isinstance(models, str) or any(m not in FAMILIES for m in models):
        raise ValueError(f"models={models!r} is not a list of {list(FAMILIES)}.")
    for name, values in grid.items():
        shown = "windows" if name == "window" else name
        if isinstance(values, (str, bytes)) or not np.ndim(values) or not len(values):
            raise ValueError(f"{shown}={values!r} is not a non-empty list of values to try.")
        for value in values:
            _check_grid_value(shown, values, value)
    options = {
        key: list(values) for key, values in grid.items() if key in _ALWAYS_SHOWN or len(values) > 1
    }
    fixed = {key: values[0] for key, values in grid.items() if key not in options}
    return [{k: p[k] for k in options} for p in ParameterGrid(options)], fixed


def _check_grid_value(name, values, value):
    """A ValueError unless `value` is one that the grid `name` can hold."""
    if name == "residual":
        if not isinstance(value, (bool, np.bool_)) and value not in _RESIDUALS[2:]:
            raise ValueError(
                f"residual={values!r} must hold True, False, 'naive', 'linear' or 'seasonal'."
            )
    elif name == "inputs":
        if value not in _INPUTS:
            raise ValueError(f"inputs={values!r} must hold values of {list(_INPUTS)}.")
    elif name in _REAL_RANGES:
        within, expected = _REAL_RANGES[name]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real) or not within(value):
            raise ValueError(f"{name} holds {value!r}; expected {expected}.")
    else:
        _check_positive_int(value, name, minimum=0 if name == "patience" else 1)


#: The real-valued grids: whether a value is in range, and the range in words.
_REAL_RANGES = {
    "learning_rate": (lambda v: v > 0, "numbers > 0"),
    "weight_decay": (lambda v: v >= 0, "numbers >= 0"),
    "dropout": (lambda v: 0 <= v < 1, "fractions, 0 <= dropout < 1"),
}


def _check_starts(residual, inputs, windows, season, horizon):
    """A ValueError for a start or input that no window of the grid can take."""
    if "seasonal" in list(residual):
        if season is None:
            raise ValueError(
                "residual holds 'seasonal', the seasonal naive start, but season=None; "
                "give the season's length in rows."
            )
        reach = _seasonal_window(season, horizon)
        if min(windows) < reach:
            raise ValueError(
                f"residual holds 'seasonal', but windows of {min(windows)} steps do not "
                f"reach back to the last season (season={season}, horizon={horizon}); "
                f"expected windows of at least {reach} steps."
            )
    if min(windows) < 2 and ("linear" in list(residual) or "differences" in list(inputs)):
        what = (
            "residual holds 'linear'"
            if "linear" in list(residual)
            else "inputs holds 'differences'"
        )
        raise ValueError(
            f"{what}, which needs windows of at least 2 steps; windows holds {min(windows)}."
        )
    if False in list(residual) and any(value != "levels" for value in inputs):
        raise ValueError(
            "inputs holds a level-free input, which needs the skip connection to carry "
            "the level; residual holds False."
        )


def _check_positive_int(value, name, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} holds {value!r}; expected integers >= {minimum}.")


def _n_train(n_rows, test_size, n_splits, longest_window):
    n_train = math.ceil(n_rows * (1 - test_size))
    # TimeSeriesSplit's first training fold is its smallest; every window must fit
    # in it with rows to spare for early stopping.
    fold = n_train // (n_splits + 1)
    smallest = n_train - n_splits * fold
    if fold < 1 or smallest < longest_window + 2:
        raise ValueError(
            f"the series is too short: {n_rows} forecast rows give {n_train} training "
            f"rows, whose smallest of {n_splits} folds has {smallest} rows; windows of "
            f"up to {longest_window} need at least {longest_window + 2}. Use more rows, "
            "shorter windows or fewer splits."
        )
    return n_train


def _seasonal_window(season, horizon):
    """The window that reaches back to the same point of the last season seen."""
    return season * -(-horizon // season) - horizon + 1


def _models(models, grid, *, horizon, season, epochs, significance, n_seeds, seed, calendar):
    """Untrained pipelines and their candidates: the baselines, then each network family.

    `grid` is ``(candidates, fixed)`` as :func:`_grid` returns them.
    """
    import skrnn

    first = horizon if isinstance(horizon, int) else horizon[0]
    pipelines = {NAIVE: pipeline(1, skrnn.PersistenceRegressor(horizon=first))}
    candidates = {NAIVE: [{}]}
    if season is not None:
        naive = skrnn.PersistenceRegressor(horizon=horizon, season=season)
        window = _seasonal_window(season, horizon)
        pipelines[SEASONAL_NAIVE], candidates[SEASONAL_NAIVE] = pipeline(window, naive), [{}]
    # The linear model and the networks read the same inputs, the calendar included.
    before = calendar_steps(calendar, horizon)
    pipelines[LINEAR] = pipeline(5, skrnn.RidgeAutoregressor(), before)
    grid, training = grid
    candidates[LINEAR] = [dict(window=w) for w in dict.fromkeys(p["window"] for p in grid)]
    for key in models:
        name, class_name, fixed = FAMILIES[key]
        regressor = getattr(skrnn, class_name)(
            epochs=epochs,
            horizon=horizon,
            season=season,
            significance=significance,
            n_seeds=n_seeds,
            random_state=seed,
            **training,
            **fixed,
        )
        pipelines[name], candidates[name] = pipeline(5, regressor, before), grid
    return pipelines, candidates


def _with_params(pipeline, params):
    return clone(pipeline).set_params(**{_GRID_KEYS[k]: v for k, v in params.items()})


def _fit_and_score(key, pipeline, params, data, fold):
    """Fit a candidate on a training fold of ``data = (X, y)``; its predictions of
    the test fold."""
    (X, y), (train, test) = data, fold
    with quiet_tensorflow():
        model = _with_params(pipeline, params).fit(X.iloc[train], y.iloc[train])
        return key, np.asarray(model.predict(X.iloc[test]), dtype=np.float64)


def _refit(name, pipeline, params, data):
    """The chosen candidate fitted on all ``data = (X, y)``, and the seconds it took."""
    X, y = data
    with quiet_tensorflow():
        start = time.perf_counter()
        model = _with_params(pipeline, params).fit(X, y)
        return name, model, time.perf_counter() - start


class _Selection:
    """Which candidate of each model is refitted, and how.

    A baseline's candidate is the one with the lowest mean fold RMSE. A network
    must earn its place against the best of them, the *reference*: the
    baseline (naive, seasonal naive or linear on one window) with the lowest
    mean fold RMSE. The network's candidate with the lowest mean fold RMSE is
    refitted learning freely if its squared errors on the rows of every test
    fold (out-of-fold errors: all the tuning rows after the first fold's
    training rows, far more than a validation tail) are significantly lower
    than the reference's, by the regressors' own rule (their
    ``_beats_start``, at their ``significance``; with ``significance=None``
    always). Otherwise the network keeps its start: the candidate whose start
    (the baseline it begins as) has the lowest mean RMSE is refitted with
    ``significance=0``, which never replaces the start.
    """

    def __init__(self, candidates, fold_rmse, out_of_fold, y_true, regressors):
        self.candidates = candidates
        mean = {name: scores.mean(axis=1) for name, scores in fold_rmse.items()}
        self.best = {name: int(np.argmin(mean[name])) for name in BASELINES if name in mean}
        reference = min(self.best, key=lambda name: mean[name][self.best[name]])
        self.reference = (reference, self.best[reference])
        reference_errors = _row_losses(out_of_fold[reference][self.best[reference]], y_true)
        self.learned, self.pvalues = {}, {}
        for name, scores in mean.items():
            if name in BASELINES:
                continue
            regressor = regressors[name]
            errors = _row_losses(out_of_fold[name], y_true)
            self.pvalues[name] = np.array(
                [regressor._start_pvalue(e, reference_errors) for e in errors]
            )
            best = int(np.argmin(scores))
            self.learned[name] = bool(regressor._beats_start(errors[best], reference_errors))
            if self.learned[name]:
                self.best[name] = best
            else:
                starts = [_start_of(params, candidates) for params in candidates[name]]
                start_rmse = [np.inf if s is None else mean[s[0]][s[1]] for s in starts]
                self.best[name] = int(np.lexsort((scores, start_rmse))[0])

    def refit_params(self, name):
        """The grid values of `name`'s chosen candidate, and for a network whether
        it may replace its start."""
        params = self.candidates[name][self.best[name]]
        if name in BASELINES:
            return params
        return {**params, "significance": None if self.learned[name] else 0.0}


def _row_losses(y_pred, y_true):
    """Each row's squared error (the mean over the steps of a path), per candidate
    when `y_pred` holds several."""
    losses = np.square(y_pred - y_true)
    return losses.mean(axis=-1) if y_true.ndim == 2 else losses


def _start_of(params, candidates):
    """The baseline a network candidate starts as, ``(name, candidate index)``; None
    without a skip connection."""
    residual = params.get("residual", True)
    if isinstance(residual, (bool, np.bool_)):
        return (NAIVE, 0) if residual else None
    if residual == "naive":
        return NAIVE, 0
    if residual == "linear":
        return LINEAR, [c["window"] for c in candidates[LINEAR]].index(params["window"])
    if residual == "seasonal":
        return SEASONAL_NAIVE, 0
    return None


#: The columns of a step's row in ``results_by_horizon``: its test scores.
_STEP_COLUMNS = [
    "test_rmse", "test_mae", "test_mape", "ratio_to_naive", "dm_statistic", "dm_pvalue",
    "verdict", "ratio_to_linear", "dm_linear_statistic", "dm_linear_pvalue", "verdict_linear",
]  # fmt: skip


def _compare_panel(frame, *, features, horizons, models, windows, units, layers, season,
                   epochs, patience, **options):  # fmt: skip
    """:func:`compare` on a panel, by :func:`skrnn._panel_compare.compare_panel`."""
    import skrnn
    from skrnn._panel_compare import compare_panel

    if season is not None:
        raise ValueError(
            f"season={season}: the seasonal naive baseline is not offered on a panel; "
            "leave season=None."
        )
    grid, _ = _grid(models, window=windows, units=units, layers=layers)
    patience = patience[0] if isinstance(patience, (list, tuple)) else patience
    params = {"epochs": epochs} | ({} if patience is None else {"patience": patience})
    families = {
        FAMILIES[key][0]: (getattr(skrnn, FAMILIES[key][1]), FAMILIES[key][2]) for key in models
    }
    return compare_panel(
        frame, target=features[0], horizons=horizons, single=len(horizons) == 1,
        features=features, families=families, grid=grid, regressor_params=params, **options,
    )  # fmt: skip


def _path_frame(truth, predicted, horizons, days):
    """The predictions of a path: one column per model (``y_true`` first) and step."""
    columns = {"y_true": truth, **predicted}
    frame = pd.DataFrame(
        {
            (name, h): values[:, j]
            for name, values in columns.items()
            for j, h in enumerate(horizons)
        },
        index=days,
    )
    frame.columns = frame.columns.set_names(["model", "horizon"])
    return frame


def _by_horizon(tables):
    """The test columns of each step's results, indexed by (name, horizon)."""
    table = pd.concat({h: t[_STEP_COLUMNS] for h, t in tables.items()}, names=["horizon"])
    names = list(next(iter(tables.values())).index)
    return table.swaplevel().loc[names]


def _pooled_steps(steps):
    """Every step's predictions one below the other: the rows of the whole path."""
    return pd.concat(steps.values())


def _results_table(predictions, cv_results, selection, fit_seconds, horizon, steps=None):
    """The results' rows; with `steps` (each step's predictions by horizon), the
    `predictions` are every step's pooled, and the tests are of each day's mean
    squared error over the steps."""
    from skrnn import theil_u2

    y_true = predictions["y_true"]
    rows = {}
    for name, table in cv_results.items():
        y_pred = predictions[name]
        best = selection.best[name]
        chosen = table.iloc[best]
        start = (
            None if selection.learned.get(name, True) else _start_of(chosen, selection.candidates)
        )
        if start is not None:
            # The network is its start: the start's fold RMSE is its own.
            chosen = cv_results[start[0]].iloc[start[1]]
        rows[name] = {
            # Column by column: a row of int and float columns would be all floats.
            "params": {k: _plain(table[k].iloc[best]) for k in _GRID_KEYS if k in table},
            "cv_rmse_mean": float(chosen["mean_rmse"]),
            "cv_rmse_std": float(chosen["std_rmse"]),
            "test_rmse": root_mean_squared_error(y_true, y_pred),
            "test_mae": mean_absolute_error(y_true, y_pred),
            "test_mape": 100 * mean_absolute_percentage_error(y_true, y_pred),
            "ratio_to_naive": theil_u2(y_true, y_pred, predictions[NAIVE]),
            "fit_seconds": float(fit_seconds[name]),
            **_against_naive(predictions, name, horizon, steps),
            "ratio_to_linear": root_mean_squared_error(y_true, y_pred)
            / root_mean_squared_error(y_true, predictions[LINEAR]),
            **_against_linear(predictions, name, horizon, steps),
            "learned": selection.learned.get(name, False),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("name")


def _against_naive(predictions, name, horizon, steps=None):
    """The Diebold-Mariano test of a model's test-period errors against the naive
    forecast's, and what it says in words."""
    test = _against(predictions, name, NAIVE, horizon, steps)
    return {"dm_statistic": test[0], "dm_pvalue": test[1], "verdict": test[2]}


def _against_linear(predictions, name, horizon, steps=None):
    """The same test against the linear baseline's errors, in the columns
    ``dm_linear_statistic``, ``dm_linear_pvalue`` and ``verdict_linear``."""
    test = _against(predictions, name, LINEAR, horizon, steps)
    return {"dm_linear_statistic": test[0], "dm_linear_pvalue": test[1], "verdict_linear": test[2]}


def _against(predictions, name, reference, horizon, steps=None):
    """The two-sided Diebold-Mariano test of a model's test-period errors against
    the `reference` model's: its statistic, p-value and what it says in words.
    With `steps`, of each day's mean squared error over the steps of the path."""
    from skrnn import diebold_mariano
    from skrnn._significance import loss_difference_test

    if name == reference:
        return np.nan, np.nan, "-"
    y_true, y_pred, other = (predictions[c].to_numpy() for c in ("y_true", name, reference))
    if np.max(np.abs(y_pred - other)) <= SAME_FORECAST_RTOL * np.max(np.abs(y_true)):
        return np.nan, np.nan, f"same as {reference}"
    try:
        if steps is None:
            test = diebold_mariano(y_true, y_pred, other, horizon=horizon)
        else:
            daily = sum(
                (step["y_true"] - step[name]) ** 2 - (step["y_true"] - step[reference]) ** 2
                for step in steps.values()
            ) / len(steps)
            test = loss_difference_test(daily.to_numpy(), horizon, "two-sided")
    except ValueError:
        # The same forecast as the reference, or a long-run variance that is not
        # positive: equal accuracy cannot be tested, let alone rejected.
        return np.nan, np.nan, f"no better than {reference}"
    if test.pvalue >= ALPHA:
        verdict = f"no better than {reference} (p = {test.pvalue:.2g})"
    else:
        better = "better" if test.statistic < 0 else "worse"
        verdict = f"{better} than {reference}, p = {test.pvalue:.2g}"
    return test.statistic, test.pvalue, verdict


def _plain(value):
    """A NumPy scalar as the Python value it holds (for printing and JSON)."""
    return value.item() if isinstance(value, np.generic) else value
