"""The ``skrnn`` command: parse the options, call :func:`skrnn.model_selection.compare`, report."""

import argparse
import functools
import inspect
import json
import logging
import os
import sys

import numpy as np
import pandas as pd

# Keras is imported by the estimators, on first use: --help and argument errors stay fast.
from skrnn import model_selection
from skrnn._report import describe
from skrnn.datasets import load_sp500, load_stock_csv
from skrnn.datasets._forecast import target_column
from skrnn.forecasting import ConformalForecaster
from skrnn.model_selection import BASELINES, FAMILIES, LINEAR, NAIVE, SEASONAL_NAIVE


def _defaults(function):
    """The defaults of `function`'s parameters, by name."""
    parameters = inspect.signature(function).parameters.items()
    return {name: p.default for name, p in parameters if p.default is not inspect.Parameter.empty}


# The options of skrnn compare are parameters of compare, under the same names
# (their `dest`): their defaults, and the defaults the help shows, are compare's.
_COMPARE_DEFAULTS = _defaults(model_selection.compare)
_COMPARE_DESCRIPTION = (
    "The lecture's worked example as one honest scikit-learn flow. The last "
    f"{100 * _COMPARE_DEFAULTS['test_size']:g} % of the series (in time) is the test "
    "period; on the rest, each model family is tuned over a grid with time-series "
    "cross-validation (the scaler fitted on each training fold only), the best of each is "
    'refitted, and everything, the naive forecast "tomorrow = today" included, is '
    "evaluated on the test period."
)
#: --quick: a tiny grid and a few epochs, by the names of compare's parameters.
QUICK = dict(
    windows=[5], units=[4], layers=[1], residual=[True], epochs=3, patience=[2], n_splits=2,
    n_seeds=1,
)  # fmt: skip
#: What the training options' defaults leave to compare: chosen by the series' length.
_BY_LENGTH = "(default: by the series' length, {short} below 500 tuning rows, else {long})"


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


#: The words of --residual and the values of ``residual`` each stands for.
_RESIDUALS = {
    "on": [True],
    "off": [False],
    "both": [True, False],
    "naive": [True],
    "linear": ["linear"],
    "seasonal": ["seasonal"],
}


def _residual_choices(text):
    if text not in _RESIDUALS:
        raise argparse.ArgumentTypeError(
            f"expected on, off, both, naive, linear or seasonal, got {text!r}"
        )
    return _RESIDUALS[text]


def _shown(value):
    """A default as it is typed on the command line: ``5 20`` for a list."""
    return " ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def _shown_residual(value):
    """``naive linear`` for ``[True, "linear"]``: the words of --residual."""
    words = {True: "naive", False: "off"}
    return " ".join(words.get(v, v) if isinstance(v, bool) else v for v in value)


def _flat(residual):
    """The values of ``residual`` that --residual's words stand for, each once."""
    groups = (r if isinstance(r, list) else [r] for r in residual)
    return list(dict.fromkeys(value for group in groups for value in group))


def _add_compare_option(add, flags, flag, parameter, help, shown=_shown, **options):
    """The option `flag` for compare's `parameter`, with compare's default (shown in the
    help unless None); `flags` records it by the parameter's name."""
    default = _COMPARE_DEFAULTS[parameter]
    default = list(default) if isinstance(default, tuple) else default
    if default is not None:
        help = f"{help} (default: {shown(default)})"
    options.setdefault("metavar", flag.removeprefix("--").replace("-", "_").upper())
    add(flag, dest=parameter, default=default, help=help, **options)
    flags[parameter] = flag, shown


def _number(low, high=None, *, low_open=False):
    """An argparse type: a number in ``[low, high)`` (``(low, high)`` with `low_open`)."""

    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if value < low or (low_open and value == low) or (high is not None and value >= high):
            bounds = f"{'>' if low_open else '>='} {low:g}" + (
                f" and < {high:g}" if high is not None else ""
            )
            raise argparse.ArgumentTypeError(f"expected a number {bounds}, got {text!r}")
        return value

    return parse


def _significance(text):
    if text == "none":
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"expected a level in (0, 1] or none, got {text!r}")
    return value


def _parser():
    parser = _Parser(prog="skrnn", description="Recurrent networks on a stock price series.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    command = commands.add_parser(
        "compare",
        help="tune and compare RNN, LSTM, peephole LSTM and GRU against the naive forecast",
        description=_COMPARE_DESCRIPTION,
    )
    add, flags = command.add_argument, {}
    option = functools.partial(_add_compare_option, add, flags)
    _add_data_arguments(add)
    add(
        "--out", default="results", help="folder for results.csv and the figures (default: results)"
    )
    add("--last", type=_positive_int, default=1000,
        help="use the last N rows of the series (default: 1000)")  # fmt: skip
    option("--horizon", "horizon", "days ahead to forecast: every day from 1 to H, one "
           "output of each network per day", type=_positive_int, metavar="H")  # fmt: skip
    add("--covariates", nargs="+", metavar="COL",
        help="other columns of the file that every model reads, as of the day the forecast "
        "is made (past covariates: the volume, the high, another series)")  # fmt: skip
    add("--calendar", action="store_true",
        help="every model reads the calendar of the days forecast (day of the week, month), "
        "known in advance from the dates")  # fmt: skip
    add("--known-future", nargs="+", metavar="COL", dest="known_future",
        help="columns known in advance for the days forecast (a holiday, a planned event); "
        "the file must give them for the days after each series' last value, on lines "
        "with the value column left empty")  # fmt: skip
    add(
        "--series-identity",
        action="store_true",
        dest="series_identity",
        help="with --series-column: the global networks read which series each row is",
    )
    add("--per-series-networks", action="store_true", dest="per_series_networks",
        help="with --series-column: also fit each family's network per series, and test "
        "the global one against it")  # fmt: skip
    option("--models", "models", "model families to tune", nargs="+", choices=list(FAMILIES),
           metavar=None)  # fmt: skip
    option("--window", "windows", "window lengths to search", nargs="+", type=_positive_int)
    option("--units", "units", "units to search", nargs="+", type=_positive_int)
    option("--layers", "layers", "stacked layers to search", nargs="+", type=_positive_int)
    option("--residual", "residual", "the skip connection and the forecast a network starts "
           "as, to search: on or naive (the naive forecast), linear (the linear "
           "autoregression on the window), seasonal (the seasonal naive forecast, with "
           "--season), off (no skip), both (on and off)", nargs="+", type=_residual_choices,
           shown=_shown_residual)  # fmt: skip
    option("--inputs", "inputs", "what the recurrent layers read, to search: levels, "
           "differences (step-to-step changes) or from_newest (each step minus the newest)",
           nargs="+", choices=["levels", "differences", "from_newest"],
           metavar=None)  # fmt: skip
    option("--season", "season", "the series' season in rows (e.g. 12 for monthly data): "
           "adds the seasonal naive forecast to the baselines", type=_positive_int,
           metavar="M")  # fmt: skip
    option("--splits", "n_splits", "TimeSeriesSplit folds for the search", type=_positive_int)
    option("--epochs", "epochs", "most epochs per fit", type=_positive_int)
    option("--patience", "patience", "early-stopping patience in epochs, to search "
           + _BY_LENGTH.format(short=50, long=10), nargs="+", type=_positive_int)  # fmt: skip
    option("--learning-rate", "learning_rate", "Adam's learning rate, to search "
           + _BY_LENGTH.format(short=0.01, long=0.001), nargs="+",
           type=_number(0, low_open=True))  # fmt: skip
    option("--weight-decay", "weight_decay", "Adam's weight decay, to search", nargs="+",
           type=_number(0))  # fmt: skip
    option("--dropout", "dropout", "dropout of the recurrent layers' inputs, to search",
           nargs="+", type=_number(0, 1))  # fmt: skip
    option("--batch-size", "batch_size", "rows per gradient step, to search "
           + _BY_LENGTH.format(short=16, long=32), nargs="+", type=_positive_int)  # fmt: skip
    option("--n-seeds", "n_seeds", "networks per candidate, from N seeds, their predictions "
           "averaged " + _BY_LENGTH.format(short=3, long=1), type=_positive_int,
           metavar="N")  # fmt: skip
    option("--significance", "significance", "how sure the selection must be that a network "
           "beats the best baseline on the out-of-fold rows before it keeps what it "
           "learned, or none", type=_significance, metavar="P")  # fmt: skip
    option("--n-jobs", "n_jobs", "processes for the fits, -1 for one per core (default: one: "
           "each process compiles every architecture once, so more processes than one pay "
           "off only for large grids)", type=int)  # fmt: skip
    option("--seed", "random_state", "random seed of every network", type=int)
    add("--scheduler", metavar="ADDRESS",
        help="run the fits on the Dask cluster of this scheduler (tcp://host:8786), or 'local' "
        "for one worker process per core on this machine; needs the dask extra")  # fmt: skip
    quick = " ".join(f"{flags[k][0]} {flags[k][1](v)}" for k, v in QUICK.items())
    add("--quick", action="store_true",
        help=f"a smoke run of the whole flow: a tiny grid and a few epochs ({quick})")  # fmt: skip
    add("--save", metavar="DIR",
        help="keep each model, refitted with its errors for intervals, as DIR/<model>.skrnn "
        "for skrnn forecast")  # fmt: skip
    _add_forecast_parser(commands)
    return parser


def _add_data_arguments(add):
    add("csv", nargs="?", help="a CSV of dated values: the lecture's or Yahoo! Finance's "
        "format, or any date,value file; default: the bundled S&P 500 closes")  # fmt: skip
    columns = _defaults(load_stock_csv)
    add("--date-column", default=columns["date_column"], metavar="NAME",
        help=f"the CSV's column of dates (default: {columns['date_column']}, matched "
        "ignoring case)")  # fmt: skip
    add("--value-column", metavar="NAME",
        help=f"the CSV's column to forecast (default: {columns['price_column']}, or "
        "Yahoo! Finance's Close)")  # fmt: skip
    add("--series-column", metavar="NAME",
        help="the CSV is a panel, one long table of many series: this column names each "
        "line's series (one global network per family over all series)")  # fmt: skip
    add("--backend", choices=["jax", "tensorflow", "torch"],
        help="Keras backend of the networks (default: KERAS_BACKEND if set, else JAX if "
        "installed, else TensorFlow)")  # fmt: skip


def _read_data(args, known=()):
    """The series (or panel) the options name: the CSV's, or the bundled S&P 500
    closes; and the values of the `known` columns on the days ahead (None without)."""
    from skrnn._future_rows import split_future_rows
    from skrnn.datasets import load_panel_csv

    if args.csv is None:
        if args.series_column or known:
            raise ValueError("--series-column and --known-future need a CSV file.")
        return load_sp500(), None
    if known and args.value_column is None:
        raise ValueError(
            "--known-future needs --value-column: its empty fields mark the days ahead."
        )
    text, future = split_future_rows(
        args.csv, target=args.value_column, known=list(known), date_column=args.date_column,
        series_column=args.series_column,
    )  # fmt: skip
    text.name = str(args.csv)
    if args.series_column is not None:
        frame = load_panel_csv(text, series_column=args.series_column, date_column=args.date_column)
        return frame, future
    columns = {"date_column": args.date_column}
    if args.value_column is not None:
        columns["price_column"] = args.value_column
    return load_stock_csv(text, **columns), future


def _table(results):
    params = [
        describe(r.params) + ("" if r.learned or name in BASELINES else ", kept its start")
        for name, r in results.iterrows()
    ]
    width = max(40, *map(len, params))
    verdict = max(30, *map(len, results["verdict"]))
    header = (
        f"{'model':<16} {'best parameters':<{width}} {'CV RMSE':>9} {'± std':>7} "
        f"{'test RMSE':>10} {'MAE':>8} {'MAPE %':>7} {'/ naive':>8} {'/ linear':>9} "
        f"{'fit s':>6}  {'Diebold-Mariano test vs naive':<{verdict}}  vs linear"
    )
    lines = [header, "-" * len(header)]
    for (name, r), shown in zip(results.iterrows(), params, strict=True):
        lines.append(
            f"{name:<16} {shown:<{width}} {r.cv_rmse_mean:>9.2f} "
            f"{r.cv_rmse_std:>7.2f} {r.test_rmse:>10.2f} {r.test_mae:>8.2f} "
            f"{r.test_mape:>7.2f} {r.ratio_to_naive:>8.3f} {r.ratio_to_linear:>9.3f} "
            f"{r.fit_seconds:>6.1f}  {r.verdict:<{verdict}}  {r.verdict_linear}"
        )
    return "\n".join(lines)


def _write(out, result, label=None):
    """Write the result's tables and figures to the folder `out`, `label` naming
    the series in the figures; the files' names."""
    from skrnn.plotting import plot_learning_history, plot_predictions

    os.makedirs(out, exist_ok=True)
    table = result.results.assign(params=[json.dumps(p) for p in result.results["params"]])
    table.to_csv(os.path.join(out, "results.csv"))
    written = ["results.csv"]
    for extra in ("results_by_horizon", "results_by_series"):
        if extra in result:
            result[extra].to_csv(os.path.join(out, f"{extra}.csv"))
            written.append(f"{extra}.csv")
    if "results_by_series" in result:  # a panel: its networks and series are many
        return written
    networks = [name for name in result.estimators if name not in BASELINES]
    figure = plot_learning_history({name: result.estimators[name] for name in networks})
    figure.savefig(os.path.join(out, "learning_history.png"), dpi=110)
    predictions = result.predictions
    if predictions.columns.nlevels > 1:  # a path: the figure shows its first step
        predictions = predictions.xs(1, axis=1, level="horizon")
    figure = plot_predictions(
        predictions["y_true"],
        {name: predictions[name].to_numpy() for name in networks},
        naive=predictions[NAIVE],
        label=label,
    )
    figure.savefig(os.path.join(out, "predictions.png"), dpi=110)
    return [*written, "learning_history.png", "predictions.png"]


def _panel_table(results):
    """The results of a panel, one line per model."""
    verdict = max(30, *map(len, results["verdict"]))
    columns = [
        ("model", max(16, *map(len, results.index)), lambda name, r: name),
        ("best parameters", 28, lambda name, r: describe(r.params)),
        ("CV MASE", -8, lambda name, r: f"{r.cv_mase_mean:.3f}"),
        ("± std", -6, lambda name, r: f"{r.cv_mase_std:.3f}"),
        ("MASE", -6, lambda name, r: f"{r.test_mase:.3f}"),
        ("/ naive", -8, lambda name, r: f"{r.ratio_to_naive:.3f}"),
        ("fit s", -6, lambda name, r: f"{r.fit_seconds:.1f}"),
        (" Diebold-Mariano test vs naive", verdict + 1, lambda name, r: f" {r.verdict}"),
        (
            " vs linear",
            1 + max(30, *map(len, results["verdict_linear"])),
            lambda name, r: f" {r.verdict_linear}",
        ),  # fmt: skip
    ]
    if (results["verdict_global"] != "-").any():
        columns.append((" vs global", 0, lambda name, r: f" {r.verdict_global}"))
    return _fixed_width(results, columns)


def _fixed_width(results, columns):
    """A table of `results`' rows: `columns` are (title, width, cell), a negative
    width aligned right, cell a function of the row's name and values."""

    def line(cells):
        return " ".join(
            f"{text:>{-width}}" if width < 0 else f"{text:<{width}}"
            for text, (_, width, _) in zip(cells, columns, strict=True)
        ).rstrip()

    header = line([title for title, _, _ in columns])
    rows = [line([cell(name, r) for _, _, cell in columns]) for name, r in results.iterrows()]
    return "\n".join([header, "-" * len(header), *rows])


def _steps_table(by_horizon, score):
    """Each model's `score` at each step of the path, marked where the
    Diebold-Mariano test against the naive forecast finds it better (+) or worse
    (-) at the 5 % level."""
    names = list(dict.fromkeys(by_horizon.index.get_level_values("name")))
    steps = list(dict.fromkeys(by_horizon.index.get_level_values("horizon")))
    what = "MASE (mean over the series)" if score == "test_mase" else "RMSE / naive"
    name_width = max(16, *map(len, names))
    header = f"{'step':<{name_width}}" + "".join(f" {h:>8}" for h in steps)
    lines = [f"per step: {what}; + better, - worse than naive (Diebold-Mariano, p < 0.05)"]
    lines += [header, "-" * len(header)]
    for name in names:
        cells = []
        for h in steps:
            row = by_horizon.loc[(name, h)]
            mark = (
                "+"
                if row.verdict.startswith("better")
                else "-"
                if row.verdict.startswith("worse")
                else " "
            )
            cells.append(f" {row[score]:>7.3f}{mark}")
        lines.append(f"{name:<{name_width}}" + "".join(cells))
    return "\n".join(lines)


def compare(args):
    """Run the comparison the parsed `args` describe; returns its result."""
    from skrnn._cluster import dask_backend
    from skrnn._time_labels import day

    if args.quick:
        args = argparse.Namespace(**{**vars(args), **QUICK})
    panel = args.series_column is not None
    if not panel and (args.series_identity or args.per_series_networks):
        raise ValueError("--series-identity and --per-series-networks need --series-column.")
    frame, future = _read_data(args, args.known_future or ())
    frame = (
        frame.groupby(level=0, sort=False).tail(args.last) if panel else frame.iloc[-args.last :]
    )
    if args.known_future:
        from skrnn._future_rows import check_known_ahead

        check_known_ahead(frame, future, args.known_future, args.horizon)
    options = {name: value for name, value in vars(args).items() if name in _COMPARE_DEFAULTS}
    options["residual"] = _flat(options["residual"])
    with dask_backend(args.scheduler):
        result = model_selection.compare(frame, target=args.value_column, verbose=1, **options)
    train, test = result.train_dates, result.test_dates
    if panel:
        series = frame.index.get_level_values(0).nunique()
        print(f"{series} series, {len(frame)} rows; tuning on {day(train[0])} .. "
              f"{day(train[-1])}, testing on {day(test[0])} .. {day(test[-1])} (days the "
              "forecasts are made)", flush=True)  # fmt: skip
        if result.left_out:
            print(f"left out, too few rows before the test period: {', '.join(result.left_out)}")
        print(_panel_table(result.results))
    else:
        # The split compare used, by the days forecast (the dates of the predictions).
        print(f"{len(frame)} rows; tuning on {day(train[0])} .. {day(train[-1])}, testing "
              f"on {day(test[0])} .. {day(test[-1])} (days forecast)", flush=True)  # fmt: skip
        print(_table(result.results))
    if "results_by_horizon" in result:
        print(_steps_table(result.results_by_horizon, "test_mase" if panel else "ratio_to_naive"))
    # The series' column names it in the figures (a panel draws none).
    label = None if panel else target_column(frame, args.value_column)
    written = _write(args.out, result, label)
    print(f"wrote {', '.join(written[:-1])} and {written[-1]} to {args.out}")
    if args.save:
        _save_models(args, frame, result)
    return result


_FORECAST_DESCRIPTION = (
    "Forecast the days after the data with a model that skrnn compare --save kept (or "
    "that skrnn.forecasting.save_model wrote), with prediction intervals: prints a dated "
    "table and writes forecast.csv and forecast.png. The CSV must contain the model's last "
    "training day; the days after it continue the training series."
)
#: File names of the saved models, by the names of the results table.
_MODEL_FILES = {
    NAIVE: "naive",
    SEASONAL_NAIVE: "seasonal_naive",
    LINEAR: "linear",
    **{name: key for key, (name, _, _) in FAMILIES.items()},
}


def _percentage(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a percentage, got {text!r}") from None
    if not 0 < value < 100:
        raise argparse.ArgumentTypeError(f"expected a level between 0 and 100, got {text!r}")
    return value


def _add_forecast_parser(commands):
    forecast = commands.add_parser(
        "forecast",
        help="forecast the days after the data, with intervals, from a saved model",
        description=_FORECAST_DESCRIPTION,
    )
    add = forecast.add_argument
    _add_data_arguments(add)
    add("--model", required=True, metavar="FILE",
        help="a saved model, e.g. models/gru.skrnn from skrnn compare --save models")  # fmt: skip
    add("--trust-pickle", action="store_true",
        help="also read a model file of skrnn's former format, a pickle, which runs code "
        "from the file: only for files you trust (save them again to convert them)")  # fmt: skip
    add("--horizon", type=_positive_int, metavar="H",
        help="forecast up to this many days ahead, a horizon the model was trained for "
        "(default: all of them)")  # fmt: skip
    level = list(_defaults(ConformalForecaster.predict_interval)["level"])
    add("--level", nargs="+", type=_percentage, default=level, metavar="P",
        help=f"interval levels in percent (default: {_shown(level)})")  # fmt: skip
    add("--out", default="results", metavar="DIR",
        help="folder for forecast.csv and forecast.png (default: results)")  # fmt: skip


def _save_models(args, frame, result):
    """Each model of the comparison as a ConformalForecaster file in ``args.save``,
    fitted on the comparison's training rows; the coverage of its intervals, step by
    step, on the test period, printed and written to ``coverage.csv`` in ``args.out``."""
    from sklearn.base import clone

    from skrnn.datasets import make_forecast_xy
    from skrnn.forecasting import save_model

    horizon = list(range(1, args.horizon + 1)) if args.horizon > 1 else 1
    # The pairs compare made: the same columns, the same steps.
    from skrnn._comparison import forecast_features

    features = forecast_features(frame, args.value_column, args.covariates)
    X, y = make_forecast_xy(
        frame, target=features[0], horizon=horizon, features=features,
        known_future=args.known_future,
    )  # fmt: skip
    train, after, tested = _saved_rows(X, result)
    os.makedirs(args.save, exist_ok=True)
    print(f"saving the models to {args.save}: each is refitted on the {args.n_splits} folds "
          "for the errors its intervals come from", flush=True)  # fmt: skip
    coverage = {}
    for name, pipeline in result.estimators.items():
        forecaster = ConformalForecaster(
            clone(pipeline), horizon=horizon, cv=args.n_splits, n_jobs=args.n_jobs
        ).fit(X.iloc[train], y.iloc[train])
        path = save_model(forecaster, os.path.join(args.save, f"{_file_name(name)}.skrnn"))
        print(f"saved {name} to {path}", flush=True)
        coverage[name] = _coverage(forecaster, X.iloc[after], y, after, tested)
    table = pd.concat(coverage, names=["name"])
    table.to_csv(os.path.join(args.out, "coverage.csv"))
    print(_coverage_lines(table))
    print(f"wrote coverage.csv to {args.out}")


def _saved_rows(X, result):
    """The positions of the comparison's training rows in `X`, of the rows after
    them (the windows read them all), and which of those are tested."""
    dates = X.index.get_level_values(-1)
    if isinstance(X.index, pd.MultiIndex):
        kept = ~X.index.get_level_values(0).isin(result.left_out)
        train = np.flatnonzero(kept & (dates <= result.train_dates[-1]))
        after = np.flatnonzero(kept & (dates > result.train_dates[-1]))
        tested = dates[after] >= result.test_dates[0]
    else:
        n_train = len(result.train_dates)
        train, after = np.arange(n_train), np.arange(n_train, len(X))
        tested = np.arange(len(after)) >= len(after) - len(result.test_dates)
    return train, after, np.asarray(tested)


def _coverage(forecaster, X_after, y, after, tested):
    """The share of the test rows whose interval held, per step and level."""
    levels = [80.0, 95.0]
    _, bounds = forecaster.predict_interval(X_after, level=levels)
    truth = np.asarray(y, dtype=np.float64).reshape(len(y), -1)[after][tested]
    bounds = bounds.reshape(len(X_after), truth.shape[1], 2, len(levels))[tested]
    held = (bounds[:, :, 0, :] <= truth[..., None]) & (truth[..., None] <= bounds[:, :, 1, :])
    table = pd.DataFrame(
        100 * held.mean(axis=0),
        index=pd.Index(forecaster.horizons_, name="horizon"),
        columns=[f"coverage_{level:g}" for level in levels],
    )
    table["n_test"] = len(truth)
    return table


def _coverage_lines(table):
    names = list(dict.fromkeys(table.index.get_level_values("name")))
    steps = list(dict.fromkeys(table.index.get_level_values("horizon")))
    width = max(16, *map(len, names))
    header = f"{'step':<{width}}" + "".join(f" {h:>9}" for h in steps)
    lines = ["intervals that held on the test period, % (80 % / 95 % intervals), per step"]
    lines += [header, "-" * len(header)]
    for name in names:
        cells = "".join(
            f" {row.coverage_80:>4.0f}/{row.coverage_95:<4.0f}"
            for _, row in table.loc[name].iterrows()
        )
        lines.append(f"{name:<{width}}{cells}")
    return "\n".join(lines)


def _file_name(name):
    """The file name of a saved model, by its name in the results."""
    if name in _MODEL_FILES:
        return _MODEL_FILES[name]
    from skrnn._panel_compare import PER_SERIES

    family = name.removesuffix(PER_SERIES).rstrip()
    return f"{_MODEL_FILES[family]}_per_series"


def _forecast_lines(table):
    from skrnn._time_labels import day

    levels = [c.removeprefix("lower_") for c in table.columns if c.startswith("lower_")]
    panel = isinstance(table.index, pd.MultiIndex)
    labels = [str(label) for label in table.index.get_level_values(0)] if panel else []
    width = max(6, len(str(table.index.names[0])), *map(len, labels)) if panel else 0
    series = f"{table.index.names[0]:<{width}} " if panel else ""
    header = f"{'date':<10} {series}{'horizon':>7} {'forecast':>10}" + "".join(
        f" {level + ' % lower':>12} {level + ' % upper':>12}" for level in levels
    )
    lines = [header, "-" * len(header)]
    for key, row in table.iterrows():
        label, date = key if panel else (None, key)
        shown = f"{label!s:<{width}} " if panel else ""
        bounds = "".join(
            f" {row[f'lower_{level}']:>12.2f} {row[f'upper_{level}']:>12.2f}" for level in levels
        )
        lines.append(f"{day(date):<10} {shown}{int(row.horizon):>7} {row.forecast:>10.2f}{bounds}")
    return "\n".join(lines)


def _known_future_columns(model):
    """The columns a model reads ahead (``f"{column}_t+{h}"`` inputs that are no
    calendar of its own): the file must give them for the days ahead."""
    names = [str(name) for name in model.feature_names_in_]
    return list(dict.fromkeys(name.rsplit("_t+", 1)[0] for name in names if "_t+" in name))


def forecast(args):
    """Forecast with the saved model the parsed `args` name; returns the forecast table."""
    from skrnn._time_labels import day
    from skrnn.forecasting import load_model
    from skrnn.plotting import plot_forecast

    if args.trust_pickle:
        print(f"skrnn forecast: warning: --trust-pickle: if {args.model} is of the former "
              "format, loading it runs code from it; use only files you trust, and save them "
              "again with skrnn.forecasting.save_model", file=sys.stderr)  # fmt: skip
    model = load_model(args.model, trust_pickle=args.trust_pickle)
    if not isinstance(model, ConformalForecaster):
        raise ValueError(
            f"{args.model} holds a {type(model).__name__}, not a ConformalForecaster; "
            "expected a file from skrnn compare --save, or a ConformalForecaster saved "
            "with skrnn.forecasting.save_model."
        )
    horizons = model.horizons_
    if args.horizon is not None and args.horizon not in horizons:
        raise ValueError(
            f"the model was not trained for horizon {args.horizon}: it forecasts "
            f"{', '.join(map(str, horizons))} day(s) ahead (the direct strategy reaches "
            "only the horizons trained); pass one of them, or save a model trained for it."
        )
    known = _known_future_columns(model)
    frame, future = _read_data(args, known)
    if known:
        from skrnn._future_rows import check_known_ahead, with_known_ahead

        check_known_ahead(frame, future, known, max(horizons))
        frame = with_known_ahead(frame, future, known, horizons)
    table = model.forecast(frame, level=args.level)
    if args.horizon is not None:
        table = table[table["horizon"] <= args.horizon]
    panel = isinstance(frame.index, pd.MultiIndex)
    last = day(frame.index.get_level_values(-1).max())
    print(f"{args.model}: forecasts from the prices up to {last} (model trained up to "
          f"{day(model.training_end_)})")  # fmt: skip
    print(_forecast_lines(table))
    os.makedirs(args.out, exist_ok=True)
    if panel:
        # One row per series and step: the date first, as in a file of one series.
        series = table.index.names[0]
        table.reset_index()[["date", series, *table.columns]].to_csv(
            os.path.join(args.out, "forecast.csv"), index=False
        )
        print(f"wrote forecast.csv to {args.out}")
        return table
    table.to_csv(os.path.join(args.out, "forecast.csv"))
    feature = model.feature
    price = frame[feature if isinstance(feature, str) else model.feature_names_in_[feature]]
    figure = plot_forecast(price, table, title=f"Forecast from {last}")
    figure.savefig(os.path.join(args.out, "forecast.png"), dpi=110)
    print(f"wrote forecast.csv and forecast.png to {args.out}")
    return table


def _start_backend(name):
    """Choose the Keras backend before anything imports Keras, and keep JAX's
    compiled programs on disk so that later runs and worker processes reuse them."""
    from skrnn._backend import enable_compilation_cache, select_backend

    # TensorFlow's logs are noise on a command line; SciKeras imports TensorFlow even
    # on another backend, so this comes before any import. Its start-up lines, which
    # no setting silences, are filtered out of the output (main).
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)

    try:
        select_backend(name)
    except RuntimeError as exc:  # Keras already imported with another backend (in-process use)
        raise ValueError(str(exc)) from None
    enable_compilation_cache()


def main(argv=None):
    """Entry point of the ``skrnn`` command; returns the exit status."""
    from skrnn._quiet import without_tensorflow_chatter

    args = _parser().parse_args(argv)
    try:
        _start_backend(args.backend)
        with without_tensorflow_chatter():
            {"compare": compare, "forecast": forecast}[args.command](args)
    except (ValueError, OSError) as exc:
        message = " ".join(str(exc).split())
        print(f"skrnn {args.command}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"skrnn {args.command}: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
