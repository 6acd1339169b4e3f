"""Does the comparison pick noise? The selected networks' test ratios, with and without the rule.

Runs :func:`skrnn.model_selection.compare` with its defaults (the grid of
``skrnn compare``) on several periods of the bundled S&P 500 closes, a series
where nothing beats the naive forecast by much, once with the selection's rule
(``significance=0.05``: a network keeps what it learned only where its
out-of-fold errors beat the best baseline's significantly; otherwise it keeps
its start) and once without it (``significance=None``: the lowest fold RMSE,
learning freely). Prints, per period and seed, the test ratio to naive (Theil's
U2) of the model each family selects, and the worst ratio per setting. A
selection that does not pick noise keeps every ratio close to 1 (the target: at
most 1.02).

    python benchmarks/selection.py                      # 3 periods, seed 0
    python benchmarks/selection.py --seeds 0 1 2 --periods last1000 last600
"""

import argparse
import os
import time

from skrnn._backend import select_backend

#: Periods of ``load_sp500()`` by name: the slice of its rows that ``compare`` gets.
PERIODS = {
    "last1000": slice(-1000, None),
    "last600": slice(-600, None),
    "2011-2015": slice(-2000, -1000),
    "2007-2011": slice(-3000, -2000),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--periods", nargs="+", choices=PERIODS, default=["last1000", "2011-2015", "2007-2011"]
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--backend", default=None, help="Keras backend (default: JAX if installed)")
    args = parser.parse_args(argv)
    print(f"backend: {select_backend(args.backend)}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    from skrnn.datasets import load_sp500
    from skrnn.model_selection import BASELINES, compare

    sp500 = load_sp500()
    worst = {}
    header = f"{'period':<10} {'test days':<24} {'seed':>4} {'gate':>5}  ratio to naive per model"
    print(header)
    print("-" * len(header))
    for period in args.periods:
        frame = sp500.iloc[PERIODS[period]]
        for seed in args.seeds:
            for significance in (0.05, None):
                start = time.perf_counter()
                result = compare(frame, random_state=seed, significance=significance)
                seconds = time.perf_counter() - start
                ratios = result.results["ratio_to_naive"].drop(list(BASELINES), errors="ignore")
                days = result.predictions.index
                shown = "  ".join(f"{name} {ratio:.3f}" for name, ratio in ratios.items())
                gate = "0.05" if significance else "none"
                print(f"{period:<10} {days[0].date()}..{days[-1].date()} {seed:>4} {gate:>5}  "
                      f"{shown}  ({seconds:.0f} s)", flush=True)  # fmt: skip
                worst[gate] = max(worst.get(gate, 0.0), ratios.max())
    for gate, ratio in worst.items():
        print(f"worst selected ratio, gate {gate}: {ratio:.3f}")


if __name__ == "__main__":
    main()
