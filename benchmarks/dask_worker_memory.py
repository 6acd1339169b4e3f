"""Does a long-lived Dask worker grow with every fit? Measures its resident memory.

A LocalCluster on 127.0.0.1 with one single-threaded worker process runs tiny fits
one after another (each a MinMaxScaler -> SlidingWindowTransformer -> GRURegressor
pipeline on the last 300 S&P 500 closes, as a grid search would send them); after
every `--every` fits the worker's resident set size (RSS) is read. Prints the RSS
after the first batch and at the end, and the growth per fit over the fits after
the first batch (a least-squares slope), so warm-up (imports, first traces) is
left out. The Keras backend is the worker's, from KERAS_BACKEND as usual.

    python benchmarks/dask_worker_memory.py --fits 100 --every 10
"""

import argparse
import logging
import time

import numpy as np
from distributed import Client, LocalCluster


def fit_once(seed):
    """One fit of a tiny pipeline, on the worker; returns nothing to keep."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler

    from skrnn import GRURegressor, SlidingWindowTransformer
    from skrnn.datasets import load_sp500, make_forecast_xy

    X, y = make_forecast_xy(load_sp500().iloc[-300:], horizon=1)
    make_pipeline(
        MinMaxScaler(),
        SlidingWindowTransformer(window=5),
        GRURegressor(units=4, layers=1, epochs=2, patience=1, random_state=seed),
    ).set_output(transform="pandas").fit(X, y)


def rss_mib():
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=100)
    parser.add_argument("--every", type=int, default=10)
    args = parser.parse_args()

    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        (backend,) = client.run(lambda: __import__("keras").backend.backend()).values()
        (start,) = client.run(rss_mib).values()
        print(f"Keras backend {backend}; worker RSS before any fit: {start:.0f} MiB")
        print(f"{'fits':>5} {'RSS MiB':>8} {'s per fit':>10}")
        done, points = 0, []
        while done < args.fits:
            batch = min(args.every, args.fits - done)
            began = time.perf_counter()
            for seed in range(done, done + batch):
                # One at a time, each result released: only the fits themselves stay.
                client.submit(fit_once, seed, pure=False).result()
            done += batch
            (rss,) = client.run(rss_mib).values()
            points.append((done, rss))
            print(f"{done:>5} {rss:>8.0f} {(time.perf_counter() - began) / batch:>10.2f}")
    fits, rss = np.array(points).T
    slope = np.polyfit(fits[1:], rss[1:], 1)[0] if len(points) > 2 else float("nan")
    print(
        f"RSS {rss[0]:.0f} MiB after {fits[0]:.0f} fits, {rss[-1]:.0f} MiB after "
        f"{fits[-1]:.0f}: {slope:.2f} MiB per fit after the first {fits[0]:.0f}"
    )


if __name__ == "__main__":
    main()
