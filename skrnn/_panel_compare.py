"""The comparison of :func:`skrnn.model_selection.compare` on a panel of many series.

One global network per family (:class:`~skrnn.SeriesScaledRegressor`: every
series in units of its own size, optionally told which series it reads through
:class:`~skrnn.SeriesEncoder`) is tuned over a grid with
:class:`~skrnn.model_selection.PanelSplit`, next to the naive forecast and a
linear autoregression fitted per series (:class:`~skrnn.PerSeriesRegressor`).
The errors of series of different sizes are pooled scale-free: each series'
absolute errors divided by its in-sample one-step naive error (MASE), and its
RMSE divided by the naive forecast's (the ratio to naive), then averaged over
the series. Whether a model beats another is the Diebold-Mariano test of the
day-by-day mean, over the series, of their scaled squared-error differences.
"""

import math
import time

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.utils import Bunch

from skrnn._comparison import calendar_steps, cv_table, pipeline
from skrnn._cross_validation import trained_series_only
from skrnn._panel import series_groups, series_name, show_label
from skrnn._quiet import quiet_tensorflow
from skrnn._report import Progress, describe
from skrnn._significance import loss_difference_test
from skrnn._split import PanelSplit

#: Significance level of the Diebold-Mariano tests behind the report's wording.
ALPHA = 0.05
#: Two forecasts closer than this, relative to the largest value forecast, are the
#: same forecast (a network that kept its start, in float32 arithmetic).
SAME_FORECAST_RTOL = 1e-5
#: The suffix of the name of a family's networks fitted one per series.
PER_SERIES = "(per series)"

# The searched parameters of each kind of panel model, by the names the results use.
_GLOBAL_KEYS = {
    "window": "estimator__slidingwindowtransformer__window",
    "units": "estimator__regressor__units",
    "layers": "estimator__regressor__layers",
}
_LOCAL_KEYS = {"window": "estimator__slidingwindowtransformer__window"}


def compare_panel(
    frame, *, target, horizons, single, features, known_future, calendar, series_identity,
    per_series_networks, families, grid, n_splits, test_size, regressor_params, random_state,
    n_jobs, verbose,
):  # fmt: skip
    """:func:`skrnn.model_selection.compare` on a panel; its arguments are checked.

    `horizons` are the steps of the path (``single`` for one step as an int
    horizon), `features` the columns of ``X`` (the target first), `families`
    the regressor classes and fixed parameters of the network families by
    their names in the results, `grid` the candidates (dicts of window,
    units, layers).
    """
    from skrnn.datasets import make_forecast_xy

    X, y = make_forecast_xy(
        frame, target=target, horizon=horizons[0] if single else horizons,
        features=features, known_future=known_future or None,
    )  # fmt: skip
    # Rows in date order, the series interleaved: a network's validation tail (its
    # early stopping) is then the last dates of every series, not the last series.
    order = np.lexsort((pd.factorize(X.index.get_level_values(0))[0], X.index.get_level_values(1)))
    X, y = X.iloc[order], y.iloc[order]
    longest = max(p["window"] for p in grid)
    min_rows = longest + max(horizons) + 2
    _check_lengths(X, longest, min_rows)
    split = _split(X, test_size, gap=max(horizons) - 1)
    train, test, left_out = _trained_series(X, split, min_rows)
    X_train, y_train = X.iloc[train], y.iloc[train]
    folds = list(PanelSplit(n_splits=n_splits).split(X_train))
    folds = trained_series_only(folds, X_train.index, min_rows)
    scale = _naive_scale(X_train, target)

    pipelines, candidates, keys = _models(
        families, grid, target=target, horizons=horizons, single=single, calendar=calendar,
        series_identity=series_identity, per_series_networks=per_series_networks,
        regressor_params=regressor_params, seed=random_state,
    )  # fmt: skip
    progress = Progress(sum(len(c) * len(folds) + 1 for c in candidates.values()), verbose)
    if verbose:
        progress.say(f"{len(pipelines)} models, {progress.total} fits in all")
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    data = (X_train, y_train)
    fold_scores = {name: np.zeros((len(c), len(folds))) for name, c in candidates.items()}
    tasks = [
        delayed(_fit_and_predict)((name, i, k), pipelines[name], keys[name], params, data, fold)
        for name, params_list in candidates.items()
        for i, params in enumerate(params_list)
        for k, fold in enumerate(folds)
    ]
    for (name, i, k), y_pred in parallel(tasks):
        tested = folds[k][1]
        fold_scores[name][i, k] = _mase(y_train.iloc[tested], y_pred, scale).mean()
        progress.report(
            f"{name} {describe(candidates[name][i])}: fold MASE {fold_scores[name][i, k]:.3f}"
        )

    best = {name: int(np.argmin(s.mean(axis=1))) for name, s in fold_scores.items()}
    estimators, fit_seconds = {}, {}
    refits = [
        delayed(_refit)(name, pipelines[name], keys[name], candidates[name][best[name]], data)
        for name in pipelines
    ]
    for name, fitted, seconds in parallel(refits):
        estimators[name], fit_seconds[name] = fitted, seconds
        progress.report(f"{name}: refitted the best on all training rows")
    estimators = {name: estimators[name] for name in pipelines}

    after = _rows_after_training(X, train, test)
    y_test = y.iloc[test]
    predicted = {}
    for name, model in estimators.items():
        own = np.asarray(model.predict(X.iloc[after]), dtype=np.float64)
        predicted[name] = own[np.isin(after, test)].reshape(len(test), -1)
    truth = y_test.to_numpy().reshape(len(test), -1)
    cv_results = {
        name: cv_table(candidates[name], fold_scores[name], metric="mase") for name in pipelines
    }
    scores = _PanelScores(X.index[test], truth, predicted, scale, horizons)
    return Bunch(
        results=scores.results(cv_results, best, fit_seconds),
        results_by_horizon=scores.by_horizon(),
        results_by_series=scores.by_series(),
        cv_results=cv_results,
        estimators=estimators,
        predictions=_predictions(X.index[test], truth, predicted, horizons, single).sort_index(),
        train_dates=_dates(X.index[train]),
        test_dates=_dates(X.index[test]),
        left_out=left_out,
        scale=scale,
    )


def _check_lengths(X, longest, min_rows):
    """A ValueError naming the first series too short for the longest window and path."""
    name, dates = series_name(X.index), X.index.get_level_values(1)
    for label, rows in series_groups(X.index):
        if len(rows) < min_rows:
            raise ValueError(
                f"{name} {label!r} has {len(rows)} forecast rows "
                f"({show_label(dates[rows[0]])} .. {show_label(dates[rows[-1]])}), too few for "
                f"windows of up to {longest} steps: expected at least {min_rows} rows in "
                "every series (the window, the path's steps and 2 more); "
                "drop the series, or use shorter windows."
            )


def _split(X, test_size, gap):
    """The positions of the training and test rows: the test period is the last
    `test_size` of the distinct dates; `gap` dates before it are in neither, so that
    no training pair's target lies in the test period."""
    dates = X.index.get_level_values(1)
    unique = np.sort(dates.unique())
    n_train = math.ceil(len(unique) * (1 - test_size))
    if n_train - gap < 2 or n_train >= len(unique):
        raise ValueError(
            f"the panel has {len(unique)} distinct dates, too few for a test period of "
            f"{test_size:g} of them after a gap of {gap}; use more dates."
        )
    train = np.flatnonzero(dates < unique[n_train - gap])
    test = np.flatnonzero(dates >= unique[n_train])
    return train, test


def _trained_series(X, split, min_rows):
    """The training and test rows of the series with `min_rows` training rows or
    more, and the series left out (a series that starts late in a ragged panel)."""
    train, test = split
    codes, labels = pd.factorize(X.index.get_level_values(0))
    counts = np.bincount(codes[train], minlength=len(labels))
    enough = counts >= min_rows
    left_out = [label for label, ok in zip(labels, enough, strict=True) if not ok]
    train, test = train[enough[codes[train]]], test[enough[codes[test]]]
    if len(test) == 0:
        raise ValueError(
            f"no series has {min_rows} or more rows before the test period and rows in "
            "it; expected longer series, a smaller test_size or shorter windows."
        )
    return train, test, left_out


def _naive_scale(X, target):
    """Each series' in-sample one-step naive mean absolute error on its training rows
    (the denominator of MASE), by label; 1 where the series never changes."""
    changes = X[target].groupby(level=0, sort=False).diff().abs()
    scale = changes.groupby(level=0, sort=False).mean()
    return scale.where(scale > 0, 1.0)


def _mase(y_true, y_pred, scale):
    """Each series' mean absolute error over its rows and steps, divided by its scale."""
    truth = np.asarray(y_true, dtype=np.float64).reshape(len(y_true), -1)
    errors = np.abs(truth - np.asarray(y_pred).reshape(truth.shape)).mean(axis=1)
    labels = y_true.index.get_level_values(0)
    return (
        pd.Series(errors, index=labels).groupby(level=0, sort=False).mean()
        / scale.reindex(labels.unique()).to_numpy()
    )


def _models(families, grid, *, target, horizons, single, calendar, series_identity,
            per_series_networks, regressor_params, seed):  # fmt: skip
    """Untrained models and their candidates, and the names of their grid parameters:
    the naive forecast and the linear model per series, then the global networks
    (and, with `per_series_networks`, each family's network per series)."""
    import skrnn

    horizon = horizons[0] if single else horizons
    naive = skrnn.PersistenceRegressor(horizon=horizons[0])
    pipelines = {"naive": skrnn.PerSeriesRegressor(pipeline(1, naive))}
    candidates, keys = {"naive": [{}]}, {"naive": _LOCAL_KEYS}
    before = calendar_steps(calendar, horizon)
    # The linear model and the networks read the same inputs, the calendar included.
    linear = pipeline(5, skrnn.RidgeAutoregressor(), before)
    pipelines["linear"] = skrnn.PerSeriesRegressor(linear)
    candidates["linear"] = [dict(window=w) for w in dict.fromkeys(p["window"] for p in grid)]
    keys["linear"] = _LOCAL_KEYS
    if series_identity:
        before.append(("seriesencoder", skrnn.SeriesEncoder()))
    for name, (regressor_class, fixed) in families.items():
        regressor = regressor_class(horizon=horizon, random_state=seed, **regressor_params, **fixed)
        network = pipeline(5, regressor, before)
        pipelines[name] = skrnn.SeriesScaledRegressor(network, target=target)
        candidates[name], keys[name] = grid, _GLOBAL_KEYS
        if per_series_networks:
            # A series' own network needs no identity: it only ever reads that series.
            local = pipeline(5, regressor, [b for b in before if b[0] != "seriesencoder"])
            local_name = f"{name} {PER_SERIES}"
            pipelines[local_name] = skrnn.PerSeriesRegressor(local)
            candidates[local_name], keys[local_name] = grid, _GLOBAL_KEYS
    return pipelines, candidates, keys


def _with_params(model, keys, params):
    return clone(model).set_params(**{keys[k]: v for k, v in params.items()})


def _fit_and_predict(key, model, keys, params, data, fold):
    """Fit a candidate on a training fold of ``data = (X, y)``; its predictions of
    the fold's test rows."""
    (X, y), (train, test) = data, fold
    with quiet_tensorflow():
        fitted = _with_params(model, keys, params).fit(X.iloc[train], y.iloc[train])
        after = _rows_after_training(X, train, test)
        y_pred = np.asarray(fitted.predict(X.iloc[after]), dtype=np.float64)
        return key, y_pred[np.isin(after, test)]


def _refit(name, model, keys, params, data):
    """The chosen candidate fitted on all ``data = (X, y)``, and the seconds it took."""
    X, y = data
    with quiet_tensorflow():
        start = time.perf_counter()
        fitted = _with_params(model, keys, params).fit(X, y)
        return name, fitted, time.perf_counter() - start


def _rows_after_training(X, train, test):
    """The positions of the rows after the training rows up to the last test date:
    the test rows and those between, which the windows read on the way."""
    dates = X.index.get_level_values(1)
    codes = pd.factorize(X.index.get_level_values(0))[0]
    tested = np.zeros(codes.max() + 1, dtype=bool)
    tested[codes[test]] = True
    end = dates[test].max()
    return np.flatnonzero(tested[codes] & (dates > dates[train].max()) & (dates <= end))


def _dates(index):
    return pd.Index(np.sort(index.get_level_values(1).unique()), name=index.names[1])


def _predictions(index, truth, predicted, horizons, single):
    """The test rows, indexed by (series, date of the forecast's origin): ``y_true``
    and each model's, one column per step (the step under each name for a path)."""
    columns = {"y_true": truth, **predicted}
    if single:
        return pd.DataFrame({name: values[:, 0] for name, values in columns.items()}, index=index)
    blocks = {
        (name, h): values[:, j] for name, values in columns.items() for j, h in enumerate(horizons)
    }
    frame = pd.DataFrame(blocks, index=index)
    frame.columns = frame.columns.set_names(["model", "horizon"])
    return frame


class _PanelScores:
    """The test-period errors of every model on a panel, pooled scale-free."""

    def __init__(self, index, truth, predicted, scale, horizons):
        self.labels = index.get_level_values(0)
        self.dates = index.get_level_values(1)
        self.series = list(pd.unique(self.labels))
        self.name = series_name(index)
        self.horizons = horizons
        self.truth = truth
        self.errors = {name: truth - values for name, values in predicted.items()}
        # Each row's scale: its series' in-sample naive error.
        self.scale = scale.reindex(self.labels).to_numpy()

    def results(self, cv_results, best, fit_seconds):
        steps = slice(None)
        rows = {}
        for name in self.errors:
            chosen = cv_results[name].iloc[best[name]]
            params = {
                k: _plain(cv_results[name][k].iloc[best[name]])
                for k in ("window", "units", "layers")
                if k in cv_results[name]
            }
            rows[name] = {
                "params": params,
                "cv_mase_mean": float(chosen["mean_mase"]),
                "cv_mase_std": float(chosen["std_mase"]),
                **self._pooled(name, steps),
                "fit_seconds": float(fit_seconds[name]),
            }
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("name")

    def by_horizon(self):
        rows = {
            (name, h): self._pooled(name, slice(j, j + 1))
            for name in self.errors
            for j, h in enumerate(self.horizons)
        }
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index = table.index.set_names(["name", "horizon"])
        return table

    def by_series(self):
        rows = {}
        for name, errors in self.errors.items():
            for label in self.series:
                own = self.labels == label
                rows[(label, name)] = {
                    "n_test": int(own.sum()),
                    "test_rmse": _rmse(errors[own]),
                    "test_mae": float(np.abs(errors[own]).mean()),
                    "mase": self._series_mase(errors, own),
                    "ratio_to_naive": _rmse(errors[own]) / _rmse(self.errors["naive"][own]),
                }
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index = table.index.set_names([self.name, "name"])
        return table

    def _series_mase(self, errors, rows):
        return float(np.abs(errors[rows]).mean() / self.scale[rows][0])

    def _pooled(self, name, steps):
        """The scores of `name` over the path's `steps`, pooled over the series."""
        errors = self.errors[name][:, steps]
        naive = self.errors["naive"][:, steps]
        mase, ratio = [], []
        for label in self.series:
            own = self.labels == label
            mase.append(np.abs(errors[own]).mean() / self.scale[own][0])
            ratio.append(_rmse(errors[own]) / _rmse(naive[own]))
        return {
            "test_mase": float(np.mean(mase)),
            "ratio_to_naive": float(np.nanmean(ratio)),
            **self._against("naive", name, steps),
            **self._against("linear", name, steps, suffix="_linear"),
            **self._against_global(name, steps),
        }

    def _against_global(self, name, steps):
        """For a family's networks per series, the same test against the family's
        global network (NaN and "-" for the other models)."""
        if not name.endswith(PER_SERIES):
            return {
                "dm_global_statistic": np.nan,
                "dm_global_pvalue": np.nan,
                "verdict_global": "-",
            }
        reference = name.removesuffix(PER_SERIES).rstrip()
        return self._against(reference, name, steps, suffix="_global", word="global")

    def _against(self, reference, name, steps, suffix="", word=None):
        """The Diebold-Mariano test of the day-by-day mean over the series of the
        scaled squared-error differences between `name` and `reference`."""
        nan = {f"dm{suffix}_statistic": np.nan, f"dm{suffix}_pvalue": np.nan}
        if name == reference:
            return {**nan, f"verdict{suffix}": "-"}
        word = reference if word is None else word
        gap = np.abs(self.errors[name][:, steps] - self.errors[reference][:, steps])
        if np.max(gap) <= SAME_FORECAST_RTOL * np.max(np.abs(self.truth)):
            return {**nan, f"verdict{suffix}": f"same as {word}"}
        differences = self.errors[name][:, steps] ** 2 - self.errors[reference][:, steps] ** 2
        scaled = differences.mean(axis=1) / self.scale**2
        daily = pd.Series(scaled).groupby(np.asarray(self.dates)).mean().to_numpy()
        lag = self.horizons[steps][-1]
        try:
            test = loss_difference_test(daily, max(1, min(lag, len(daily) - 1)), "two-sided")
        except ValueError:
            return {**nan, f"verdict{suffix}": f"no better than {word}"}
        if test.pvalue >= ALPHA:
            verdict = f"no better than {word} (p = {test.pvalue:.2g})"
        else:
            better = "better" if test.statistic < 0 else "worse"
            verdict = f"{better} than {word}, p = {test.pvalue:.2g}"
        return {
            f"dm{suffix}_statistic": test.statistic,
            f"dm{suffix}_pvalue": test.pvalue,
            f"verdict{suffix}": verdict,
        }


def _rmse(errors):
    return float(np.sqrt(np.mean(np.square(errors))))


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value
