"""Does the residual skip connection help on real prices? Measures test RMSE.

The lecture's protocol on the bundled S&P 500: the last 25 % of the rows (in time)
are the test period, the scaler is fitted on the training rows only (as in a
Pipeline), and every model is compared with the naive forecast "tomorrow = today".
Prints, per model family, the median over seeds of the test RMSE and of its ratio
to the naive RMSE, with ``residual=False`` (the lecture's network) and ``True``.

    python benchmarks/residual.py --last 1000 --seeds 0 1 2
"""

import argparse
import time

import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import GRURegressor, LSTMRegressor, RNNRegressor, SlidingWindowTransformer
from skrnn.datasets import load_sp500, make_forecast_xy

FAMILIES = {"RNN": RNNRegressor, "LSTM": LSTMRegressor, "GRU": GRURegressor}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--last", type=int, default=1000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--patience", type=int, default=40)
    args = parser.parse_args()

    X, y = make_forecast_xy(load_sp500().iloc[-args.last :], horizon=1)
    n_train = int(np.ceil(0.75 * len(X)))
    y_test = y.iloc[n_train:].to_numpy()
    naive = _rmse(y_test, X.iloc[n_train:, 0].to_numpy())
    print(f"{len(X)} days; test from {X.index[n_train].date()}; naive RMSE {naive:.2f}")
    print(
        f"training prices {y.iloc[:n_train].min():.0f}..{y.iloc[:n_train].max():.0f}, "
        f"test prices {y_test.min():.0f}..{y_test.max():.0f}"
    )
    print(
        f"{'model':<6} {'residual':<9} {'median RMSE':>12} {'median ratio':>13} "
        f"{'median epochs':>14} {'median fit s':>13}"
    )
    for name, Regressor in FAMILIES.items():
        for residual in (False, True):
            rmses, epochs, seconds = [], [], []
            for seed in args.seeds:
                pipe = make_pipeline(
                    MinMaxScaler(),
                    SlidingWindowTransformer(window=5),
                    Regressor(
                        units=args.units,
                        layers=args.layers,
                        epochs=args.epochs,
                        patience=args.patience,
                        residual=residual,
                        random_state=seed,
                    ),
                )
                start = time.perf_counter()
                pipe.fit(X.iloc[:n_train], y.iloc[:n_train])
                seconds.append(time.perf_counter() - start)
                rmses.append(_rmse(y_test, pipe.predict(X.iloc[n_train:])))
                epochs.append(pipe[-1].n_iter_)
            rmse = float(np.median(rmses))
            print(
                f"{name:<6} {residual!s:<9} {rmse:>12.2f} {rmse / naive:>13.3f} "
                f"{np.median(epochs):>14.0f} {np.median(seconds):>13.1f}",
                flush=True,
            )


def _rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


if __name__ == "__main__":
    main()
