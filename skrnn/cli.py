"""The ``skrnn`` command line: the lecture's comparison on a real price series."""

import argparse
import sys
import time

import numpy as np


def _parser():
    parser = argparse.ArgumentParser(
        prog="skrnn", description="Recurrent networks on a stock price series."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    compare = commands.add_parser(
        "compare",
        help="fit simple RNN, LSTM and GRU on a price series and compare them "
        "with the naive forecast",
    )
    compare.add_argument(
        "csv", nargs="?", help="a Yahoo! Finance CSV (default: the bundled S&P 500)"
    )
    compare.add_argument("--last", type=int, default=1000, help="use the last N rows")
    compare.add_argument("--window", type=int, default=5, help="days per window")
    compare.add_argument("--epochs", type=int, default=100, help="most epochs per fit")
    compare.add_argument("--seed", type=int, default=0, help="random seed")
    return parser


def _compare(args):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler

    from skrnn import GRURegressor, LSTMRegressor, RNNRegressor, SlidingWindowTransformer
    from skrnn.datasets import load_sp500, load_stock_csv, make_forecast_xy

    frame = load_sp500() if args.csv is None else load_stock_csv(args.csv)
    X, y = make_forecast_xy(frame.iloc[-args.last :], horizon=1)
    n_train = int(np.ceil(len(X) * 0.75))  # the lecture's 75 % / 25 % split
    naive = X.iloc[n_train:, 0].to_numpy()
    y_test = y.iloc[n_train:].to_numpy()
    print(f"{len(X)} days, test period from {X.index[n_train].date()}")
    print(f"{'model':<8} {'test RMSE':>10} {'fit s':>7}")
    print(f"{'naive':<8} {_rmse(y_test, naive):>10.2f} {'':>7}")
    for name, Regressor in [("RNN", RNNRegressor), ("LSTM", LSTMRegressor), ("GRU", GRURegressor)]:
        pipe = make_pipeline(
            MinMaxScaler(),
            SlidingWindowTransformer(window=args.window),
            Regressor(epochs=args.epochs, random_state=args.seed),
        )
        start = time.perf_counter()
        pipe.fit(X.iloc[:n_train], y.iloc[:n_train])
        seconds = time.perf_counter() - start
        rmse = _rmse(y_test, pipe.predict(X.iloc[n_train:]))
        print(f"{name:<8} {rmse:>10.2f} {seconds:>7.1f}")
    return 0


def _rmse(y_true, y_pred):
    return float(np.sqrt(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2)))


def main(argv=None):
    """Run the ``skrnn`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _compare(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"skrnn {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
