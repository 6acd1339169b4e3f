"""``skrnn compare``: tune and compare RNN, LSTM, peephole LSTM and GRU on a price series.

The lecture's worked example as one honest scikit-learn flow: the last 25 % of the
series (in time) is the test period; on the rest, each model family is tuned by
``GridSearchCV`` over ``TimeSeriesSplit`` (the scaler fitted on each training fold
only), the best of each is refitted, and everything, the naive forecast
"tomorrow = today" included, is evaluated on the test period.
"""

import argparse
import json
import logging
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

TEST_FRACTION = 0.25  # the lecture keeps the last 25 % for testing

FAMILIES = {
    "rnn": ("RNN", "RNNRegressor", {}),
    "lstm": ("LSTM", "LSTMRegressor", {"peephole": False}),
    "peephole": ("LSTM (peephole)", "LSTMRegressor", {"peephole": True}),
    "gru": ("GRU", "GRURegressor", {}),
}

QUICK = dict(window=[5], units=[4], layers=[1], residual=[True], epochs=3, patience=2, splits=2)


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


def _residual_choices(text):
    choices = {"on": [True], "off": [False], "both": [True, False]}
    if text not in choices:
        raise argparse.ArgumentTypeError(f"expected on, off or both, got {text!r}")
    return choices[text]


def _parser():
    parser = _Parser(prog="skrnn", description="Recurrent networks on a stock price series.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    compare = commands.add_parser(
        "compare",
        help="tune and compare RNN, LSTM, peephole LSTM and GRU against the naive forecast",
        description=__doc__.split("\n\n", 1)[1],
    )
    add = compare.add_argument
    add("csv", nargs="?", help="a stock price CSV (lecture or Yahoo! Finance format); "
        "default: the bundled S&P 500 closes")  # fmt: skip
    add(
        "--out", default="results", help="folder for results.csv and the figures (default: results)"
    )
    add("--last", type=_positive_int, default=1000,
        help="use the last N rows of the series (default: 1000)")  # fmt: skip
    add("--horizon", type=_positive_int, default=1, help="days ahead to forecast (default: 1)")
    add("--models", nargs="+", choices=list(FAMILIES), default=list(FAMILIES),
        help="model families to tune (default: all)")  # fmt: skip
    add("--window", nargs="+", type=_positive_int, default=[5, 20],
        help="window lengths to search (default: 5 20)")  # fmt: skip
    add(
        "--units", nargs="+", type=_positive_int, default=[16], help="units to search (default: 16)"
    )
    add("--layers", nargs="+", type=_positive_int, default=[1],
        help="stacked layers to search (default: 1)")  # fmt: skip
    add("--residual", type=_residual_choices, default=[True],
        help="skip connection from the newest step: on, off or both (default: on)")  # fmt: skip
    add("--splits", type=_positive_int, default=3,
        help="TimeSeriesSplit folds for the search (default: 3)")  # fmt: skip
    add("--epochs", type=_positive_int, default=200, help="most epochs per fit (default: 200)")
    add("--patience", type=_positive_int, default=10,
        help="early-stopping patience in epochs (default: 10)")  # fmt: skip
    add("--n-jobs", type=int, default=-1,
        help="parallel fits, -1 for one per core (default: -1)")  # fmt: skip
    add("--seed", type=int, default=0, help="random seed of every network (default: 0)")
    add("--quick", action="store_true",
        help="a tiny grid and a few epochs: a smoke run of the whole flow")  # fmt: skip
    return parser


@dataclass
class _Result:
    name: str
    params: dict
    cv_rmse_mean: float
    cv_rmse_std: float
    test_rmse: float
    test_mae: float
    test_mape: float
    ratio_to_naive: float
    fit_seconds: float


class _ProgressScorer:
    """Negative RMSE, reporting each finished fit: which of how many, and when.

    GridSearchCV calls its scorer once per fit, in whichever process ran the fit,
    so the count lives in a file that every process appends one byte to.
    """

    def __init__(self, family, total, counter, start):
        self.family, self.total, self.counter, self.start = family, total, counter, start

    def __call__(self, estimator, X, y):
        # The search's worker processes do not inherit compare()'s logger levels.
        _quiet_tensorflow()
        rmse = _rmse(y, estimator.predict(X))
        params = _tuned(estimator.get_params())
        _report(self.counter, self.total, self.start,
                f"{self.family} {_describe(params)}: fold RMSE {rmse:.2f}")  # fmt: skip
        return -rmse


def _report(counter, total, start, message):
    fd = os.open(counter, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, b".")
        done = os.fstat(fd).st_size
    finally:
        os.close(fd)
    print(f"[{done:>{len(str(total))}}/{total} {_clock(time.monotonic() - start)}] {message}",
          file=sys.stderr, flush=True)  # fmt: skip


def _clock(seconds):
    """Elapsed whole seconds as ``mm:ss`` (minutes past 59 keep counting)."""
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes:02d}:{seconds:02d}"


def _quiet_tensorflow():
    """Keep TensorFlow's Python warnings (one per retraced predict function of a
    new model, harmless in a search) off the command's output; errors still show."""
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


def _tuned(params):
    """The searched parameters of a pipeline, by their short names."""
    if "regressor__units" not in params:  # the naive forecast has nothing tuned
        return {}
    keys = {"window": "slidingwindowtransformer__window"}
    keys.update({k: f"regressor__{k}" for k in ("units", "layers", "residual")})
    return {short: params[long] for short, long in keys.items()}


def _describe(params):
    return " ".join(f"{k}={v}" for k, v in params.items()) or "-"


def _settings(args):
    if args.quick:
        return argparse.Namespace(**{**vars(args), **QUICK})
    return args


def _load(args):
    from skrnn.datasets import load_sp500, load_stock_csv, make_forecast_xy

    frame = load_sp500() if args.csv is None else load_stock_csv(args.csv)
    frame = frame.iloc[-args.last :]
    X, y = make_forecast_xy(frame, horizon=args.horizon)
    n_train = math.ceil(len(X) * (1 - TEST_FRACTION))
    # TimeSeriesSplit's first training fold is its smallest; every window must fit
    # in it with rows to spare for early stopping.
    smallest_fold = n_train - args.splits * (n_train // (args.splits + 1))
    if n_train // (args.splits + 1) < 1 or smallest_fold < max(args.window) + 2:
        raise ValueError(
            f"the series is too short: {len(frame)} rows give {n_train} training rows, "
            f"whose smallest of {args.splits} folds has {smallest_fold} rows; windows of "
            f"up to {max(args.window)} need at least {max(args.window) + 2}. Use more "
            "rows (--last), shorter windows (--window) or fewer folds (--splits)."
        )
    return X, y, n_train


def _families(args):
    import skrnn

    pipelines = {"naive": (_pipeline(1, skrnn.PersistenceRegressor(horizon=args.horizon)), {})}
    grid = {
        "slidingwindowtransformer__window": args.window,
        "regressor__units": args.units,
        "regressor__layers": args.layers,
        "regressor__residual": args.residual,
    }
    for key in args.models:
        name, class_name, fixed = FAMILIES[key]
        regressor = getattr(skrnn, class_name)(
            epochs=args.epochs, patience=args.patience, random_state=args.seed, **fixed
        )
        pipelines[name] = (_pipeline(args.window[0], regressor), grid)
    return pipelines


def _pipeline(window, regressor):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler

    from skrnn import SlidingWindowTransformer

    # Pandas output keeps the dates through the scaler: the windows find rows by date.
    return Pipeline([
        ("minmaxscaler", MinMaxScaler()),
        ("slidingwindowtransformer", SlidingWindowTransformer(window=window)),
        ("regressor", regressor),
    ]).set_output(transform="pandas")  # fmt: skip


def _search_all(args, X_train, y_train):
    from sklearn.model_selection import GridSearchCV, ParameterGrid, TimeSeriesSplit

    families = _families(args)
    total = sum((len(ParameterGrid(grid)) * args.splits + 1) for _, grid in families.values())
    start = time.monotonic()
    searches = {}
    with tempfile.TemporaryDirectory() as tmp:
        counter = os.path.join(tmp, "fits")
        print(f"{len(families)} models, {total} fits in all", file=sys.stderr, flush=True)
        for name, (pipe, grid) in families.items():
            search = GridSearchCV(
                pipe,
                grid or {"regressor__horizon": [args.horizon]},
                cv=TimeSeriesSplit(n_splits=args.splits),
                scoring=_ProgressScorer(name, total, counter, start),
                n_jobs=args.n_jobs,
                error_score="raise",
            )
            search.fit(X_train, y_train)
            _report(counter, total, start, f"{name}: refitted the best on all training rows")
            searches[name] = search
    return searches


def _evaluate(searches, X_test, y_test):
    """Test-period metrics of every refitted search, and its predictions."""
    predictions = {name: search.predict(X_test) for name, search in searches.items()}
    naive_rmse = _rmse(y_test, predictions["naive"])
    results = []
    for name, search in searches.items():
        y_pred, best = predictions[name], search.best_index_
        rmse = _rmse(y_test, y_pred)
        results.append(_Result(
            name=name,
            params=_tuned(search.best_estimator_.get_params()),
            cv_rmse_mean=-float(search.cv_results_["mean_test_score"][best]),
            cv_rmse_std=float(search.cv_results_["std_test_score"][best]),
            test_rmse=rmse,
            test_mae=float(np.mean(np.abs(y_test - y_pred))),
            test_mape=float(np.mean(np.abs((y_test - y_pred) / y_test)) * 100),
            ratio_to_naive=rmse / naive_rmse,
            fit_seconds=float(search.refit_time_),
        ))  # fmt: skip
    return results, predictions


def _table(results):
    header = (
        f"{'model':<16} {'best parameters':<40} {'CV RMSE':>9} {'± std':>7} "
        f"{'test RMSE':>10} {'MAE':>8} {'MAPE %':>7} {'/ naive':>8} {'fit s':>6}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(
            f"{r.name:<16} {_describe(r.params):<40} {r.cv_rmse_mean:>9.2f} "
            f"{r.cv_rmse_std:>7.2f} {r.test_rmse:>10.2f} {r.test_mae:>8.2f} "
            f"{r.test_mape:>7.2f} {r.ratio_to_naive:>8.3f} {r.fit_seconds:>6.1f}"
        )
    return "\n".join(lines)


def _write(out, results, searches, y_test, predictions):
    import pandas as pd

    from skrnn.plotting import plot_learning_history, plot_predictions

    os.makedirs(out, exist_ok=True)
    table = pd.DataFrame([vars(r) for r in results])
    table["params"] = [json.dumps(r.params) for r in results]
    table.to_csv(os.path.join(out, "results.csv"), index=False)
    networks = [name for name in searches if name != "naive"]
    figure = plot_learning_history({name: searches[name] for name in networks})
    figure.savefig(os.path.join(out, "learning_history.png"), dpi=110)
    figure = plot_predictions(
        y_test, {name: predictions[name] for name in networks}, naive=predictions["naive"]
    )
    figure.savefig(os.path.join(out, "predictions.png"), dpi=110)


def _rmse(y_true, y_pred):
    diff = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(np.sqrt(np.mean(diff**2)))


def compare(args):
    """Run the comparison the parsed `args` describe; returns the results."""
    args = _settings(args)
    # TensorFlow's C++ start-up chatter is noise on a command line.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    _quiet_tensorflow()
    X, y, n_train = _load(args)
    X_train, y_train = X.iloc[:n_train], y.iloc[:n_train]
    X_test, y_test = X.iloc[n_train:], y.iloc[n_train:]
    print(f"{len(X)} days; tuning on {X.index[0].date()} .. {X.index[n_train - 1].date()}, "
          f"testing on {X.index[n_train].date()} .. {X.index[-1].date()}", flush=True)  # fmt: skip
    searches = _search_all(args, X_train, y_train)
    results, predictions = _evaluate(searches, X_test, y_test.to_numpy())
    print(_table(results))
    _write(args.out, results, searches, y_test, predictions)
    print(f"wrote results.csv, learning_history.png and predictions.png to {args.out}")
    return results


def main(argv=None):
    """Entry point of the ``skrnn`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        compare(args)
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
