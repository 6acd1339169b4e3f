"""The measurements of the benchmark suite, one section per process.

``benchmarks/run.py`` starts this script once per section and Keras backend, with
the interpreter of the checkout it measures (so the skrnn it imports is that
checkout's), and reads one JSON object from its last line of output:

    KERAS_BACKEND=jax python benchmarks/workloads.py epoch [fixed ...] [--quick]

Sections
--------
lecture        the lecture's Keras code as it is written (not skrnn)
lecture-skrnn  the same workload through skrnn's pipeline
epoch          skrnn's seconds per epoch against plain Keras, same network and data
fixed          the fixed cost of a fit (first and repeated) and of predict
rss            resident memory over consecutive fits
all            every section (several run in one process, in this order)

Wall times are ``time.perf_counter`` seconds; the machine may be shared, so the
suite repeats the short measurements and reports medians.
"""

import argparse
import gc
import json
import math
import os
import resource
import statistics
import sys
import time
import warnings

import numpy as np

SEED = 0
LECTURE_YEAR = "2018"  # a year of daily closes, as the lecture's Nikkei year
LECTURE_MODELS = ("RNN", "LSTM", "GRU")
LECTURE_EPOCHS = 200
LECTURE_PATIENCE = 40
LECTURE_VALIDATION = 0.2
EPOCH_ROWS = 1000  # the per-epoch workload: the last 1,000 closes, 75 % train
EPOCH_UNITS = 16


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="+", choices=[*SECTIONS, "all"])
    parser.add_argument("--quick", action="store_true", help="a smoke run: tiny sizes")
    parser.add_argument("--fits", type=int, default=100, help="fits of the rss section")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # Keras' and TensorFlow's notices are not measurements
    import keras

    names = [s for s in SECTIONS if s in args.sections or "all" in args.sections]
    result = {"backend": keras.backend.backend(), "versions": _versions()}
    for name in names:
        result[name] = SECTIONS[name](args)
    print(json.dumps(result))


# -- data -----------------------------------------------------------------------


def _lecture_closes():
    """The closes of one year of the bundled S&P 500, as an (n, 1) array."""
    from skrnn.datasets import load_sp500

    return load_sp500().loc[LECTURE_YEAR].to_numpy()


def _epoch_data():
    """Windows of 5 scaled closes and the next close, the last 1,000 days' first 75 %.

    The first windows of the series reach back before its start (NaN steps,
    which skrnn masks and plain Keras cannot): they are left out, so both
    read the very same rows.
    """
    from sklearn.preprocessing import MinMaxScaler

    from skrnn import SlidingWindowTransformer
    from skrnn.datasets import load_sp500, make_forecast_xy

    X, y = make_forecast_xy(load_sp500().iloc[-EPOCH_ROWS:], horizon=1)
    n_train = math.ceil(0.75 * len(X))
    scaled = MinMaxScaler().fit_transform(X.iloc[:n_train])
    windows = np.asarray(SlidingWindowTransformer(window=5).fit_transform(scaled), np.float32)
    return windows[4:], y.iloc[4:n_train].to_numpy()


# -- the lecture's code, as written ------------------------------------------------


def lecture(args):
    """The lecture's notebook for RNN, LSTM and GRU on a year of closes.

    Its data preparation, networks, compile, early stopping and fit, line for
    line (Keras 3 imports instead of ``tensorflow.keras``, so that it runs on
    any backend; ``verbose=0`` instead of the notebook's progress bar). Seeded
    before each network, which the lecture is not, so that runs compare.
    """
    import keras
    from keras.callbacks import EarlyStopping
    from keras.layers import GRU, LSTM, Dense, SimpleRNN
    from keras.models import Sequential
    from sklearn.preprocessing import MinMaxScaler

    epochs = 2 if args.quick else LECTURE_EPOCHS
    start = time.perf_counter()
    df = _lecture_closes()
    scaler = MinMaxScaler(feature_range=(0, 1))
    df_scaled = scaler.fit_transform(df)
    X, y = [], []
    sequence = 5
    for i in range(len(df_scaled) - sequence):
        X.append(df_scaled[i : (i + sequence), 0])
        y.append(df_scaled[i + sequence, 0])
    X, y = np.array(X), np.array(y)
    X = np.reshape(X, (X.shape[0], X.shape[1], 1))
    train_size = math.ceil(len(X) * 0.75)
    X_train, y_train = X[:train_size, :], y[:train_size]
    X_test = X[train_size : len(X), :]
    early_stop = EarlyStopping(monitor="val_loss", patience=LECTURE_PATIENCE)
    models = {}
    layers = dict(zip(LECTURE_MODELS, (SimpleRNN, LSTM, GRU), strict=True))
    for name in LECTURE_MODELS[:1] if args.quick else LECTURE_MODELS:
        layer = layers[name]
        keras.utils.set_random_seed(SEED)
        t0 = time.perf_counter()
        model = Sequential()
        model.add(layer(units=32, return_sequences=True, input_shape=(X_train.shape[1], 1)))
        model.add(layer(units=32, return_sequences=True))
        model.add(layer(units=32, return_sequences=True))
        model.add(layer(units=32))
        model.add(Dense(units=1))
        model.compile(optimizer="adam", loss="mean_squared_error")
        history = model.fit(
            X_train,
            y_train,
            epochs=epochs,
            batch_size=32,
            validation_split=LECTURE_VALIDATION,
            callbacks=[early_stop],
            verbose=0,
        )
        t1 = time.perf_counter()
        y_pred = scaler.inverse_transform(model.predict(X_test, verbose=0))
        t2 = time.perf_counter()
        models[name] = _timings(t0, t1, t2, len(history.history["loss"]), len(y_pred))
        del model
    return {"seconds": time.perf_counter() - start, "models": models}


def _timings(start, fitted, predicted, n_epochs, n_test):
    """A model's run: built and fitted from `start` to `fitted`, then predicted."""
    return {
        "epochs": n_epochs,
        "seconds": predicted - start,
        "seconds_per_epoch": (fitted - start) / n_epochs,
        "predict_seconds": predicted - fitted,
        "test_rows": n_test,
    }


# -- the same workload through skrnn ----------------------------------------------------


def lecture_skrnn(args):
    """The lecture's workload as a scikit-learn pipeline of skrnn: the same year,
    split, windows, networks (``residual=False``), batch, patience and
    validation fraction."""
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler

    import skrnn
    from skrnn.datasets import load_sp500, make_forecast_xy

    epochs = 2 if args.quick else LECTURE_EPOCHS
    # Imported before the clock starts, as the lecture's Keras is.
    classes = {name: getattr(skrnn, f"{name}Regressor") for name in LECTURE_MODELS}
    start = time.perf_counter()
    X, y = make_forecast_xy(load_sp500().loc[LECTURE_YEAR], horizon=1)
    n_train = math.ceil(len(X) * 0.75)
    models = {}
    for name in LECTURE_MODELS[:1] if args.quick else LECTURE_MODELS:
        regressor = classes[name](
            residual=False,
            patience=LECTURE_PATIENCE,
            validation_fraction=LECTURE_VALIDATION,
            epochs=epochs,
            random_state=SEED,
        )
        pipe = Pipeline([
            ("minmaxscaler", MinMaxScaler()),
            ("slidingwindowtransformer", skrnn.SlidingWindowTransformer(window=5)),
            ("regressor", regressor),
        ])  # fmt: skip
        t0 = time.perf_counter()
        pipe.fit(X.iloc[:n_train], y.iloc[:n_train])
        t1 = time.perf_counter()
        y_pred = pipe.predict(X.iloc[n_train:])
        t2 = time.perf_counter()
        models[name] = _timings(t0, t1, t2, pipe[-1].n_iter_, len(y_pred))
        models[name]["best_epoch"] = pipe[-1].best_epoch_
        del pipe
    return {"seconds": time.perf_counter() - start, "models": models}


# -- seconds per epoch ------------------------------------------------------------------


def epoch(args):
    """Seconds per epoch of ``LSTMRegressor(units=16, layers=1)`` and of plain
    Keras with the same network (an LSTM of 16 units and a Dense output), data,
    batch (32) and validation rows (the last 10 %, evaluated every epoch).

    Measured as the slope between a short and a long fit, so that what a fit
    costs once (building, compiling) cancels; medians of a few repeats.
    """
    import keras

    from skrnn import LSTMRegressor

    X, y = _epoch_data()
    repeats = 1 if args.quick else 3

    def skrnn_fit(n_epochs, residual):
        reg = LSTMRegressor(
            units=EPOCH_UNITS,
            layers=1,
            epochs=n_epochs,
            patience=n_epochs,  # never stops early: every epoch runs
            validation_fraction=0.1,
            residual=residual,
            random_state=SEED,
        )
        t0 = time.perf_counter()
        reg.fit(X, y)
        elapsed = time.perf_counter() - t0
        assert reg.n_iter_ == n_epochs, (reg.n_iter_, n_epochs)
        return elapsed

    n_val = round(0.1 * len(X))
    y_scaled = ((y - y.mean()) / y.std()).astype(np.float32)
    train, val = (X[:-n_val], y_scaled[:-n_val]), (X[-n_val:], y_scaled[-n_val:])
    keras.utils.set_random_seed(SEED)
    model = _plain_keras_network(X.shape[1])

    def keras_fit(n_epochs):
        # One model, fitted again and again: its compiled functions are reused,
        # so the slope is Keras' cost per epoch alone.
        t0 = time.perf_counter()
        history = model.fit(*train, validation_data=val, epochs=n_epochs, batch_size=32, verbose=0)
        elapsed = time.perf_counter() - t0
        assert len(history.history["val_loss"]) == n_epochs
        return elapsed

    result = {"train_rows": len(train[0]), "validation_rows": n_val, "batch_size": 32}
    runs = {
        "plain_keras": keras_fit,
        "skrnn": lambda n: skrnn_fit(n, residual=False),
        "skrnn_residual": lambda n: skrnn_fit(n, residual=True),
    }
    for name, fit in runs.items():
        result[name] = _slope(fit, repeats, quick=args.quick)
    return result


def _plain_keras_network(window):
    """skrnn's ``LSTMRegressor(units=16, layers=1, residual=False)`` in plain Keras."""
    import keras

    model = keras.Sequential([
        keras.Input((window, 1)),
        keras.layers.LSTM(EPOCH_UNITS),
        keras.layers.Dense(1),
    ])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(), loss="mean_squared_error")
    return model


def _slope(fit, repeats, *, quick):
    """Seconds per epoch of `fit(n_epochs)`: (t(long) - t(short)) / epochs between.

    The long fit is sized to take a few seconds more than the short one (an
    estimate from one warm-up pair), so that the noise of a shared machine is
    small against it.
    """
    short = 2
    fit(short)  # warm-up: the first fit of a process pays its imports
    if quick:
        extra = 5
    else:
        t_short = fit(short)
        t_probe = fit(short + 20)
        per_epoch = max((t_probe - t_short) / 20, 1e-4)
        extra = int(min(400, max(20, 3.0 / per_epoch)))
    slopes = []
    for _ in range(repeats):
        t_short = fit(short)
        t_long = fit(short + extra)
        slopes.append((t_long - t_short) / extra)
    return {"seconds_per_epoch": statistics.median(slopes), "slopes": slopes, "epochs": extra}


# -- fixed cost and predict -------------------------------------------------------


def fixed(args):
    """What a fit costs besides its epochs, and what predict costs.

    A fit of one epoch (with its validation) of a new ``LSTMRegressor(units=16,
    layers=1)``: the first in this process, then repeated with new estimators
    of the same architecture. Then ``predict`` of one window and of 1,000
    windows: the first call, then the median of repeated calls.
    """
    from skrnn import LSTMRegressor

    X, y = _epoch_data()
    repeats = 2 if args.quick else 7

    def one_epoch_fit():
        reg = LSTMRegressor(units=EPOCH_UNITS, layers=1, epochs=1, random_state=SEED)
        t0 = time.perf_counter()
        reg.fit(X, y)
        return time.perf_counter() - t0, reg

    first, reg = one_epoch_fit()
    repeated = [one_epoch_fit()[0] for _ in range(repeats)]
    result = {
        "first_fit_seconds": first,
        "repeated_fit_seconds": statistics.median(repeated),
        "repeated_fits": repeated,
    }
    result.update(_keras_fixed(X, y, 1 if args.quick else 3))
    one = X[-1:]
    many = np.concatenate([X] * math.ceil(1000 / len(X)))[:1000]
    for name, windows, calls in (("predict_1", one, 100), ("predict_1000", many, 20)):
        t0 = time.perf_counter()
        reg.predict(windows)
        result[f"{name}_first_seconds"] = time.perf_counter() - t0
        times = []
        for _ in range(10 if args.quick else calls):
            t0 = time.perf_counter()
            reg.predict(windows)
            times.append(time.perf_counter() - t0)
        result[f"{name}_seconds"] = statistics.median(times)
    return result


def _keras_fixed(X, y, repeats):
    """The same for plain Keras: a new model of the same network, one epoch."""

    n_val = round(0.1 * len(X))
    y_scaled = ((y - y.mean()) / y.std()).astype(np.float32)

    def one_epoch_fit():
        t0 = time.perf_counter()
        model = _plain_keras_network(X.shape[1])
        model.fit(
            X[:-n_val],
            y_scaled[:-n_val],
            validation_data=(X[-n_val:], y_scaled[-n_val:]),
            batch_size=32,
            verbose=0,
        )
        return time.perf_counter() - t0

    first = one_epoch_fit()
    repeated = [one_epoch_fit() for _ in range(repeats)]
    return {
        "plain_keras_first_fit_seconds": first,
        "plain_keras_repeated_fit_seconds": statistics.median(repeated),
    }


# -- memory -----------------------------------------------------------------------------


def rss(args):
    """Resident memory over consecutive fits of small networks, as a search makes them.

    Each fit is a new ``LSTMRegressor(units=16, layers=1, epochs=3)``, used for one
    prediction and dropped. Growth is counted from after the first fit (imports
    and first-time set-up done) to after the last, with garbage collected first.
    """
    from skrnn import LSTMRegressor

    X, y = _epoch_data()
    n_fits = min(args.fits, 5) if args.quick else args.fits
    readings = []
    start = time.perf_counter()
    for i in range(n_fits):
        reg = LSTMRegressor(units=EPOCH_UNITS, layers=1, epochs=3, random_state=i).fit(X, y)
        reg.predict(X[-10:])
        del reg
        if i == 0 or (i + 1) % 10 == 0 or i == n_fits - 1:
            gc.collect()
            readings.append((i + 1, _rss_mb()))
    growth = readings[-1][1] - readings[0][1]
    return {
        "fits": n_fits,
        "seconds": time.perf_counter() - start,
        "rss_after_first_mb": readings[0][1],
        "rss_after_last_mb": readings[-1][1],
        "growth_mb": growth,
        "growth_per_fit_mb": growth / max(n_fits - 1, 1),
        "readings": readings,
    }


def _rss_mb():
    """Resident set size now (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- versions ---------------------------------------------------------------------------


def _versions():
    import importlib.metadata as metadata

    versions = {"python": sys.version.split()[0]}
    for package in ("skrnn", "keras", "tensorflow", "jax", "jaxlib", "numpy", "scikit-learn"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


SECTIONS = {
    "fixed": fixed,  # first: its first fit is the first of the process
    "epoch": epoch,
    "lecture": lecture,
    "lecture-skrnn": lecture_skrnn,
    "rss": rss,
}

if __name__ == "__main__":
    main()
