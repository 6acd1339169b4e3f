"""Tune and compare recurrent networks on one series, against the naive forecast.

:func:`compare` is the experiment that ``skrnn compare`` runs, as a function: the
last part of the series (in time) is the test period; on the rest, each model
family is tuned over a grid with :class:`~sklearn.model_selection.TimeSeriesSplit`
(the scaler fitted on each training fold only), the best candidate of each is
refitted on all training rows, and every model, the naive forecast "tomorrow =
today" included, is scored on the test period.
"""

import math
import time
from numbers import Integral

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
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import Bunch

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

# The searched parameters of a network pipeline, by the names the results use.
_GRID_KEYS = {
    "window": "slidingwindowtransformer__window",
    "units": "regressor__units",
    "layers": "regressor__layers",
    "residual": "regressor__residual",
}


def compare(
    frame,
    *,
    target=None,
    horizon=1,
    models=tuple(FAMILIES),
    windows=(5, 20),
    units=(16,),
    layers=(1,),
    residual=(True,),
    season=None,
    n_splits=3,
    test_size=0.25,
    epochs=200,
    patience=10,
    significance=0.05,
    random_state=0,
    n_jobs=None,
    verbose=0,
):
    """Tune each network family on a series and score it against simple baselines.

    The rows of `frame` are paired with the `target` ``horizon`` rows later
    (:func:`~skrnn.datasets.make_forecast_xy`). The last `test_size` of the
    pairs, in time order, are the test period, which nothing sees before the
    final scoring. On the rest, every candidate of each family (every
    combination of `windows`, `units`, `layers` and `residual`) is fitted and
    scored (RMSE) on each fold of ``TimeSeriesSplit(n_splits)``, as a
    ``MinMaxScaler -> SlidingWindowTransformer -> regressor`` pipeline; the
    candidate with the lowest mean RMSE is refitted on all training rows and
    scored on the test period. The baselines go through the same steps, in the
    same pipeline: the naive forecast "tomorrow = today"
    (:class:`~skrnn.PersistenceRegressor`), a linear autoregression on the same
    windows (:class:`~skrnn.RidgeAutoregressor`, its window tuned from
    `windows`) and, for a seasonal series, the seasonal naive forecast.

    Whether a model is really more accurate than the naive forecast is the
    Diebold-Mariano test (:func:`~skrnn.diebold_mariano`) of their test-period
    errors, and the results say so in words: "better than naive" or "worse
    than naive" only where the test rejects equal accuracy at the 5 % level,
    "no better than naive" otherwise.

    All fits, of every family, run as one batch of tasks through joblib, so
    ``n_jobs`` (or a joblib backend such as Dask's, through
    :class:`joblib.parallel_config`) spreads them over cores or machines.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per time step, in time order, indexed by date, such as
        :func:`~skrnn.datasets.load_stock_csv` returns.

    target : str or None, default=None
        The column to forecast; None finds the price column as
        :func:`~skrnn.datasets.make_forecast_xy` does.

    horizon : int, default=1
        How many rows ahead to forecast.

    models : sequence of {"rnn", "lstm", "peephole", "gru"}, default=all four
        The network families to tune; the naive forecast is always scored.

    windows : sequence of int, default=(5, 20)
        Window lengths to search.

    units : sequence of int, default=(16,)
        Units per recurrent layer to search.

    layers : sequence of int, default=(1,)
        Numbers of stacked layers to search.

    residual : sequence of bool, default=(True,)
        Whether the network has the skip connection from the newest step;
        ``(True, False)`` searches both.

    season : int or None, default=None
        Length of the series' season in rows (12 for monthly data with a
        yearly cycle): adds the seasonal naive forecast to the baselines.

    n_splits : int, default=3
        Folds of the :class:`~sklearn.model_selection.TimeSeriesSplit` on the
        training rows.

    test_size : float, default=0.25
        Fraction of the rows, at the end of the series, kept for the test
        period (the lecture keeps 25 %).

    epochs : int, default=200
        Most epochs per fit.

    patience : int, default=10
        Early-stopping patience of every network.

    significance : float or None, default=0.05
        How sure early stopping must be that a network beat its naive start on
        its validation rows before it keeps the trained weights (the
        ``significance`` of the regressors); None keeps any gain.

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
            values), ``cv_rmse_mean`` and ``cv_rmse_std`` (over the folds),
            ``test_rmse``, ``test_mae``, ``test_mape`` (in %),
            ``ratio_to_naive`` (Theil's U2 on the test period,
            :func:`~skrnn.theil_u2`), ``fit_seconds`` (of the refit),
            ``dm_statistic`` and ``dm_pvalue`` (the two-sided
            Diebold-Mariano test against the naive forecast; NaN for the
            naive forecast itself) and ``verdict``, the test in words.
        cv_results : dict of str to pandas.DataFrame
            Per model, one row per candidate: its parameters, the RMSE of
            each fold, their mean and standard deviation.
        estimators : dict of str to Pipeline
            Per model, the chosen pipeline refitted on all training rows.
        predictions : pandas.DataFrame
            The test period, indexed by the day each forecast is for
            (``horizon`` rows after the day it is made, so the last is the
            series' last day): ``y_true`` and one column of predictions per
            model.
        train_dates : pandas.Index
            The days the training rows forecast, from ``horizon`` rows after
            the series' first day: tuning and refits learn from the series up
            to the last of them.
        test_dates : pandas.Index
            The days forecast in the test period, the index of `predictions`:
            the days after the last of `train_dates`, to the end of the series.

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
     'ratio_to_naive', 'fit_seconds', 'dm_statistic', 'dm_pvalue', 'verdict']
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

    grid = _grid(models, windows=windows, units=units, layers=layers, residual=residual)
    _check_positive_int(n_splits, "n_splits", minimum=2)
    if not 0 < test_size < 1:
        raise ValueError(f"test_size={test_size!r} is not a fraction; expected 0 < test_size < 1.")
    longest = max(windows)
    if season is not None:
        _check_positive_int(season, "season", minimum=2)
        longest = max(longest, _seasonal_window(season, horizon))
    X, y = make_forecast_xy(frame, target=target, horizon=horizon)
    n_train = _n_train(len(X), test_size, n_splits, longest_window=longest)
    X_train, y_train = X.iloc[:n_train], y.iloc[:n_train]
    X_test, y_test = X.iloc[n_train:], y.iloc[n_train:]
    # Pair t forecasts the day `horizon` rows after it: the day its prices are dated by.
    days_forecast = frame.index[horizon:]

    pipelines, candidates = _models(
        models, grid, horizon=horizon, season=season, epochs=epochs, patience=patience,
        significance=significance, seed=random_state,
    )  # fmt: skip
    folds = list(TimeSeriesSplit(n_splits=n_splits).split(X_train))
    progress = Progress(sum(len(c) * n_splits + 1 for c in candidates.values()), verbose)
    if verbose:
        progress.say(f"{len(pipelines)} models, {progress.total} fits in all")
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")

    fold_rmse = {name: np.zeros((len(c), n_splits)) for name, c in candidates.items()}
    # In a tuple, the rows travel inside every task: joblib's Dask backend would send
    # a large argument to one worker only, and losing that worker would fail the tasks
    # that need it instead of running them again elsewhere.
    train = (X_train, y_train)
    tasks = [
        delayed(_fit_and_score)((name, i, k), pipelines[name], params, train, folds[k])
        for name, params_list in candidates.items()
        for i, params in enumerate(params_list)
        for k in range(n_splits)
    ]
    for (name, i, k), rmse in parallel(tasks):
        fold_rmse[name][i, k] = rmse
        progress.report(f"{name} {describe(candidates[name][i])}: fold RMSE {rmse:.2f}")

    best = {name: int(np.argmin(scores.mean(axis=1))) for name, scores in fold_rmse.items()}
    estimators, fit_seconds = {}, {}
    refits = [
        delayed(_refit)(name, pipelines[name], candidates[name][best[name]], train)
        for name in pipelines
    ]
    for name, fitted, seconds in parallel(refits):
        estimators[name], fit_seconds[name] = fitted, seconds
        progress.report(f"{name}: refitted the best on all training rows")
    estimators = {name: estimators[name] for name in pipelines}  # in the families' order

    predictions = pd.DataFrame(
        {"y_true": y_test.to_numpy(), **{n: e.predict(X_test) for n, e in estimators.items()}},
        index=days_forecast[n_train:],
    )
    cv_results = {name: _cv_table(candidates[name], fold_rmse[name]) for name in pipelines}
    results = _results_table(predictions, cv_results, best, fit_seconds, horizon)
    return Bunch(
        results=results,
        cv_results=cv_results,
        estimators=estimators,
        predictions=predictions,
        train_dates=days_forecast[:n_train],
        test_dates=predictions.index,
    )


def _grid(models, **grid):
    """The candidates of the network families, each a dict of ``_GRID_KEYS`` values.

    `grid` holds the parameters of :func:`compare` by name: windows, units,
    layers, residual (in the order of ``_GRID_KEYS``).
    """
    if isinstance(models, str) or any(m not in FAMILIES for m in models):
        raise ValueError(f"models={models!r} is not a list of {list(FAMILIES)}.")
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not np.ndim(values) or not len(values):
            raise ValueError(f"{name}={values!r} is not a non-empty list of values to try.")
        for value in values:
            if name == "residual" and not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"residual={values!r} must hold True or False.")
            if name != "residual":
                _check_positive_int(value, name)
    options = dict(zip(_GRID_KEYS, (list(v) for v in grid.values()), strict=True))
    return [{k: p[k] for k in options} for p in ParameterGrid(options)]


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


def _models(models, grid, *, horizon, season, epochs, patience, significance, seed):
    """Untrained pipelines and their candidates: the baselines, then each network family."""
    import skrnn

    pipelines = {NAIVE: _pipeline(1, skrnn.PersistenceRegressor(horizon=horizon))}
    candidates = {NAIVE: [{}]}
    if season is not None:
        naive = skrnn.PersistenceRegressor(horizon=horizon, season=season)
        window = _seasonal_window(season, horizon)
        pipelines[SEASONAL_NAIVE], candidates[SEASONAL_NAIVE] = _pipeline(window, naive), [{}]
    pipelines[LINEAR] = _pipeline(5, skrnn.RidgeAutoregressor())
    candidates[LINEAR] = [dict(window=w) for w in dict.fromkeys(p["window"] for p in grid)]
    for key in models:
        name, class_name, fixed = FAMILIES[key]
        regressor = getattr(skrnn, class_name)(
            epochs=epochs,
            patience=patience,
            horizon=horizon,
            significance=significance,
            random_state=seed,
            **fixed,
        )
        pipelines[name], candidates[name] = _pipeline(5, regressor), grid
    return pipelines, candidates


def _pipeline(window, regressor):
    from skrnn import SlidingWindowTransformer

    # Pandas output keeps the dates through the scaler: the windows find rows by date.
    return Pipeline([
        ("minmaxscaler", MinMaxScaler()),
        ("slidingwindowtransformer", SlidingWindowTransformer(window=window)),
        ("regressor", regressor),
    ]).set_output(transform="pandas")  # fmt: skip


def _with_params(pipeline, params):
    return clone(pipeline).set_params(**{_GRID_KEYS[k]: v for k, v in params.items()})


def _fit_and_score(key, pipeline, params, data, fold):
    """Fit a candidate on a training fold of ``data = (X, y)``; its RMSE on the test fold."""
    (X, y), (train, test) = data, fold
    with quiet_tensorflow():
        model = _with_params(pipeline, params).fit(X.iloc[train], y.iloc[train])
        return key, root_mean_squared_error(y.iloc[test], model.predict(X.iloc[test]))


def _refit(name, pipeline, params, data):
    """The chosen candidate fitted on all ``data = (X, y)``, and the seconds it took."""
    X, y = data
    with quiet_tensorflow():
        start = time.perf_counter()
        model = _with_params(pipeline, params).fit(X, y)
        return name, model, time.perf_counter() - start


def _cv_table(candidates, fold_rmse):
    table = pd.DataFrame(candidates, index=range(len(candidates)))
    for k in range(fold_rmse.shape[1]):
        table[f"fold{k}_rmse"] = fold_rmse[:, k]
    table["mean_rmse"] = fold_rmse.mean(axis=1)
    table["std_rmse"] = fold_rmse.std(axis=1)
    return table


def _results_table(predictions, cv_results, best, fit_seconds, horizon):
    from skrnn import theil_u2

    y_true = predictions["y_true"]
    rows = {}
    for name, table in cv_results.items():
        y_pred = predictions[name]
        chosen = table.iloc[best[name]]
        rows[name] = {
            # Column by column: a row of int and float columns would be all floats.
            "params": {k: _plain(table[k].iloc[best[name]]) for k in _GRID_KEYS if k in table},
            "cv_rmse_mean": float(chosen["mean_rmse"]),
            "cv_rmse_std": float(chosen["std_rmse"]),
            "test_rmse": root_mean_squared_error(y_true, y_pred),
            "test_mae": mean_absolute_error(y_true, y_pred),
            "test_mape": 100 * mean_absolute_percentage_error(y_true, y_pred),
            "ratio_to_naive": theil_u2(y_true, y_pred, predictions[NAIVE]),
            "fit_seconds": float(fit_seconds[name]),
            **_against_naive(predictions, name, horizon),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("name")


def _against_naive(predictions, name, horizon):
    """The Diebold-Mariano test of a model's test-period errors against the naive
    forecast's, and what it says in words."""
    from skrnn import diebold_mariano

    if name == NAIVE:
        return {"dm_statistic": np.nan, "dm_pvalue": np.nan, "verdict": "-"}
    y_true, y_pred, naive = (predictions[c].to_numpy() for c in ("y_true", name, NAIVE))
    try:
        test = diebold_mariano(y_true, y_pred, naive, horizon=horizon)
    except ValueError:
        # The same forecast as the naive one, or a long-run variance that is not
        # positive: equal accuracy cannot be tested, let alone rejected.
        return {"dm_statistic": np.nan, "dm_pvalue": np.nan, "verdict": "no better than naive"}
    if test.pvalue >= ALPHA:
        verdict = f"no better than naive (p = {test.pvalue:.2g})"
    else:
        verdict = f"{'better' if test.statistic < 0 else 'worse'} than naive, p = {test.pvalue:.2g}"
    return {"dm_statistic": test.statistic, "dm_pvalue": test.pvalue, "verdict": verdict}


def _plain(value):
    """A NumPy scalar as the Python value it holds (for printing and JSON)."""
    return value.item() if isinstance(value, np.generic) else value
