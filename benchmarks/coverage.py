"""Do the prediction intervals cover what they promise? Measures it on real prices.

The protocol of ``skrnn compare`` on the bundled S&P 500: the last ``--last`` days up
to each ``--end`` date, paired with the closes 1 to 5 days later; the last 25 % of the
pairs (in time) are the test period. A ConformalForecaster is fitted on the rest (its
out-of-sample errors come from ``TimeSeriesSplit(5)`` on those rows only), and on each
test day the 80 % and 95 % intervals of the next 1 .. 5 days are compared with the
closes that followed. Prints, per period and model, the share of test days whose
close fell inside the interval (coverage) and the mean width of the interval.

The naive forecast is measured three ways, to show what each part of the method
does: "naive" is skrnn's default (errors scaled by the recent volatility, levels
adapted on the test days as their outcomes come in), "naive, not adapted" scales
but does not adapt (``adapt_rate=0``), "naive, plain" does neither
(``volatility_halflife=None, adapt_rate=0``: plain split conformal on the folds,
intervals of constant width).

    python benchmarks/coverage.py                      # 2018 and 2008, all models
    python benchmarks/coverage.py --end 2018-12-31 --models naive
"""

import argparse
import logging
import os
import time

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import (
    GRURegressor,
    LSTMRegressor,
    PersistenceRegressor,
    RNNRegressor,
    SlidingWindowTransformer,
)
from skrnn.datasets import load_sp500, make_forecast_xy
from skrnn.forecasting import ConformalForecaster

HORIZONS = [1, 2, 3, 4, 5]
LEVELS = [80, 95]
NETWORKS = {
    "RNN": lambda **kw: RNNRegressor(**kw),
    "LSTM": lambda **kw: LSTMRegressor(**kw),
    "LSTM (peephole)": lambda **kw: LSTMRegressor(peephole=True, **kw),
    "GRU": lambda **kw: GRURegressor(**kw),
}
#: The naive variants: (volatility_halflife, adapt_rate).
NAIVE = {"naive": (10, 0.05), "naive, not adapted": (10, 0.0), "naive, plain": (None, 0.0)}
MODELS = [*NAIVE, *NETWORKS]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--end", nargs="+", default=["2018-12-31", "2008-12-31"],
                        help="last day of each period")  # fmt: skip
    parser.add_argument("--last", type=int, default=1000, help="days per period")
    parser.add_argument("--models", nargs="+", choices=MODELS, default=MODELS)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--units", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--n-jobs", type=int, default=-1)
    args = parser.parse_args()
    logging.getLogger("tensorflow").setLevel(logging.ERROR)

    prices = load_sp500()
    rows = []
    for end in args.end:
        frame = prices.loc[:end].iloc[-args.last :]
        X, y = make_forecast_xy(frame, horizon=HORIZONS)
        n_train = int(np.ceil(0.75 * len(X)))
        test = X.index[n_train:]
        print(f"period to {end}: tuning rows {X.index[0].date()} .. "
              f"{X.index[n_train - 1].date()}, test days {test[0].date()} .. "
              f"{test[-1].date()} ({len(test)})", flush=True)  # fmt: skip
        for name in args.models:
            start = time.perf_counter()
            forecaster = ConformalForecaster(
                _pipeline(name, args),
                horizon=HORIZONS,
                cv=5,
                volatility_halflife=NAIVE.get(name, NAIVE["naive"])[0],
                adapt_rate=NAIVE.get(name, NAIVE["naive"])[1],
                n_jobs=args.n_jobs,
            ).fit(X.iloc[:n_train], y.iloc[:n_train])
            _, bounds = forecaster.predict_interval(X.iloc[n_train:], level=LEVELS)
            truth = y.iloc[n_train:].to_numpy()[:, :, np.newaxis]
            covered = (bounds[:, :, 0] <= truth) & (truth <= bounds[:, :, 1])
            width = bounds[:, :, 1] - bounds[:, :, 0]
            for i, h in enumerate(HORIZONS):
                for k, level in enumerate(LEVELS):
                    rows.append({
                        "period": f"to {end}", "model": name, "horizon": h, "level": level,
                        "coverage": covered[:, i, k].mean(), "width": width[:, i, k].mean(),
                    })  # fmt: skip
            print(f"  {name}: {time.perf_counter() - start:.0f} s", flush=True)
    _report(pd.DataFrame(rows))


def _pipeline(name, args):
    if name.startswith("naive"):
        window, regressor = 1, PersistenceRegressor(horizon=HORIZONS[0])
    else:
        window = args.window
        regressor = NETWORKS[name](
            units=args.units, layers=1, epochs=args.epochs, patience=args.patience,
            random_state=0,
        )  # fmt: skip
    return Pipeline([
        ("minmaxscaler", MinMaxScaler()),
        ("slidingwindowtransformer", SlidingWindowTransformer(window=window)),
        ("regressor", regressor),
    ]).set_output(transform="pandas")  # fmt: skip


def _report(table):
    table["coverage"] *= 100
    for period, part in table.groupby("period", sort=False):
        print(f"\ncoverage in % (mean width in index points), test period of the {period}")
        for h in (1, 5):
            wide = part[part.horizon == h].pivot(index="model", columns="level")
            wide = wide.reindex([m for m in MODELS if m in wide.index])
            print(f"horizon {h}:")
            for model, row in wide.iterrows():
                cells = "  ".join(
                    f"{level} %: {row['coverage', level]:5.1f} ({row['width', level]:6.1f})"
                    for level in LEVELS
                )
                print(f"  {model:<19} {cells}")
        mean = part.groupby(["model", "level"], sort=False)["coverage"].mean().unstack()
        print("mean over horizons 1 .. 5: " + "; ".join(
            f"{model} {row[80]:.1f} / {row[95]:.1f}" for model, row in mean.iterrows()
        ))  # fmt: skip
    if table["period"].nunique() > 2:
        print(f"\nover the {table['period'].nunique()} periods: coverage in %, min / mean / max")
        for (model, h), part in table[table.horizon.isin([1, 5])].groupby(
            ["model", "horizon"], sort=False
        ):
            cells = "  ".join(
                f"{level} %: {c.min():.1f} / {c.mean():.1f} / {c.max():.1f}"
                for level, c in part.groupby("level")["coverage"]
            )
            print(f"  {model:<19} horizon {h}  {cells}")


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    main()
