"""Searches on a Dask cluster, through joblib's Dask backend, and ``skrnn compare --scheduler``.

Every cluster here listens on 127.0.0.1 only and is closed by its fixture or test.
The tests share one module-scoped cluster of two worker processes; ``make test`` runs
them (marked ``dask``) on their own, after the rest of the suite, so that they are
not split over pytest-xdist processes that would each start a cluster.
"""

import logging
import os
import pickle
import signal
import sys
import threading
import time

import dask
import joblib
import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from skrnn._cluster import check_workers, dask_backend
from skrnn.cli import _table as cli_table
from skrnn.cli import main
from skrnn.datasets import load_sp500, make_forecast_xy
from skrnn.model_selection import compare
from tests._tiny import TINY_COMPARE

pytestmark = pytest.mark.dask

OPTIONS = dict(TINY_COMPARE, models=["gru"], windows=[3])
N_SPLITS = OPTIONS["n_splits"]


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def frame():
    return load_sp500().iloc[-160:]


@pytest.fixture(scope="module")
def local_compare(frame):
    """The comparison run in this process, the reference of every run on a cluster."""
    return compare(frame, **OPTIONS)


@pytest.fixture(scope="module")
def dask_compare(client, frame):
    with joblib.parallel_config(backend="dask", client=client):
        return compare(frame, **OPTIONS)


def _search(local_compare):
    """compare's GRU pipeline and grid as a GridSearchCV, on compare's training rows
    (compare's networks learn freely in its folds: significance=None)."""
    search = GridSearchCV(
        clone(local_compare.estimators["GRU"]).set_params(regressor__significance=None),
        {"regressor__residual": [True, "linear"], "slidingwindowtransformer__window": [3]},
        cv=TimeSeriesSplit(n_splits=N_SPLITS),
        scoring="neg_root_mean_squared_error",
        refit=False,
    )
    return search


def _fold_rmse(search):
    results = search.cv_results_
    return -np.column_stack([results[f"split{k}_test_score"] for k in range(N_SPLITS)])


def _compare_fold_rmse(result):
    return result.cv_results["GRU"][[f"fold{k}_rmse" for k in range(N_SPLITS)]].to_numpy()


@pytest.fixture(scope="module")
def train(frame, local_compare):
    X, y = make_forecast_xy(frame)
    n_train = len(local_compare.train_dates)
    return X.iloc[:n_train], y.iloc[:n_train]


def test_compare_on_dask_gives_the_results_of_one_process(dask_compare, local_compare):
    for name in ("naive", "GRU"):
        pd.testing.assert_frame_equal(dask_compare.cv_results[name], local_compare.cv_results[name])
    pd.testing.assert_frame_equal(dask_compare.predictions, local_compare.predictions)
    columns = local_compare.results.columns.drop("fit_seconds")
    pd.testing.assert_frame_equal(
        dask_compare.results[columns], local_compare.results[columns], check_exact=True
    )


def test_grid_search_on_dask_scores_as_compare_in_one_process(client, train, local_compare):
    with joblib.parallel_config(backend="dask", client=client):
        search = _search(local_compare).fit(*train)
    assert_allclose(_fold_rmse(search), _compare_fold_rmse(local_compare))


def test_progress_of_fits_on_dask_is_counted_here(client, frame, capsys):
    with joblib.parallel_config(backend="dask", client=client):
        compare(frame, models=[], windows=[5], n_splits=3, verbose=1)
    lines = capsys.readouterr().err.strip().splitlines()
    # The naive and the linear baselines: 3 folds and 1 refit each.
    assert lines[0] == "2 models, 8 fits in all"
    assert [line.split()[0] for line in lines[1:]] == [f"[{k}/8" for k in range(1, 9)]
    assert sum("naive -: fold RMSE" in line for line in lines) == 3
    assert sum("linear window=5: fold RMSE" in line for line in lines) == 3
    refits = [line for line in lines if line.endswith("refitted the best on all training rows")]
    assert sorted(line.split("] ")[1].split(":")[0] for line in refits) == ["linear", "naive"]


def test_fitted_pipelines_travel_to_and_from_workers(client, frame, dask_compare):
    # The refitted pipelines were fitted on the workers and pickled back.
    X, _ = make_forecast_xy(frame)
    X_test = X.iloc[-len(dask_compare.test_dates) :]
    fitted = dask_compare.estimators["GRU"]
    here = fitted.predict(X_test)
    assert_array_equal(here, dask_compare.predictions["GRU"])
    assert_array_equal(pickle.loads(pickle.dumps(fitted)).predict(X_test), here)
    there = client.submit(lambda pipe, X: pipe.predict(X), fitted, X_test).result()
    assert_array_equal(there, here)


def test_workers_on_another_keras_backend_are_refused(client):
    import keras

    check_workers(client, keras.backend.backend())
    with pytest.raises(ValueError, match=r"must run Keras on this process' backend, other.*"):
        check_workers(client, "other")


def _kill_a_busy_worker_while(client, run):
    """Call `run` in a thread; kill (SIGKILL) a worker process while it runs a task.

    Returns what `run` returned, once it finished despite the loss.
    """
    pids = client.run(os.getpid)
    outcome = {}

    def target():
        try:
            outcome["value"] = run()
        except BaseException as exc:  # re-raised below, in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    deadline = time.monotonic() + 30
    busy = []
    while not busy and thread.is_alive() and time.monotonic() < deadline:
        busy = [address for address, tasks in client.processing().items() if tasks]
        time.sleep(0.02)
    assert busy, "no worker received a fit"
    os.kill(pids[busy[0]], signal.SIGKILL)
    assert thread.is_alive(), "the search finished before a worker was lost"
    thread.join(timeout=60)
    assert not thread.is_alive(), "the search did not finish after a worker was lost"
    if "error" in outcome:
        raise outcome["error"]
    assert pids[busy[0]] not in client.run(os.getpid).values()  # it really was lost
    return outcome["value"]


def test_a_lost_worker_loses_no_fit_of_compare(client, frame, local_compare):
    def run():
        with joblib.parallel_config(backend="dask", client=client):
            return compare(frame, **OPTIONS)

    result = _kill_a_busy_worker_while(client, run)
    for name in ("naive", "GRU"):
        pd.testing.assert_frame_equal(result.cv_results[name], local_compare.cv_results[name])
    pd.testing.assert_frame_equal(result.predictions, local_compare.predictions)


def test_a_lost_worker_loses_no_fit_of_a_grid_search_with_scattered_data(
    client, train, local_compare
):
    # A network no worker has compiled yet, trained for 30 epochs: fits long enough
    # to be caught running (the workers reuse compiled programs, and on JAX a fit of
    # a known architecture takes milliseconds).
    slow = _search(local_compare)
    slow.estimator.set_params(regressor__units=5, regressor__epochs=30, regressor__patience=30)
    reference = clone(slow).fit(*train)

    # scatter: X and y go to every worker up front. Without it, joblib sends them to
    # one worker, and the search fails if that worker is lost.
    def run():
        with joblib.parallel_config(backend="dask", client=client, scatter=list(train)):
            return clone(slow).fit(*train)

    search = _kill_a_busy_worker_while(client, run)
    assert_allclose(_fold_rmse(search), _fold_rmse(reference))


def _write_csv(path, frame):
    lines = ["Date,Close"] + [f"{d.date()},{p!r}" for d, p in frame["closed_price"].items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def _without_fit_seconds(lines):
    """Table lines less the seconds of the refits (the column before the test's verdict)."""
    start = lines[0].index(" fit s")
    return [line[:start] + line[start + len(" fit s") :] for line in lines]


def test_compare_command_on_a_local_cluster_prints_the_table_of_one_process(
    tmp_path, frame, local_compare, capsys
):
    csv = _write_csv(tmp_path / "prices.csv", frame)
    options = {"--window": "windows", "--units": "units", "--layers": "layers",
               "--splits": "n_splits", "--epochs": "epochs", "--patience": "patience",
               "--models": "models"}  # fmt: skip
    values = {flag: OPTIONS[name] for flag, name in options.items()}
    grid = [str(v) for flag, value in values.items() for v in [flag, *np.atleast_1d(value)]]
    argv = ["compare", str(csv), *grid, "--scheduler", "local"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    expected = cli_table(local_compare.results).splitlines()
    printed = captured.out.splitlines()
    start = printed.index(expected[0])
    assert _without_fit_seconds(printed[start : start + len(expected)]) == (
        _without_fit_seconds(expected)
    )
    # naive and linear: 2 folds and a refit each; GRU: 2 starts on 2 folds, and a refit
    assert "[11/11 " in captured.err
    written = pd.read_csv(tmp_path / "results.csv", index_col="name")
    for column in ("cv_rmse_mean", "test_rmse", "ratio_to_naive"):
        assert_allclose(written[column], local_compare.results[column], rtol=1e-12)


def test_unreachable_scheduler_is_a_one_line_error(tmp_path, frame, capsys):
    csv = _write_csv(tmp_path / "prices.csv", frame)
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        status = main(["compare", str(csv), "--quick", "--scheduler", "tcp://127.0.0.1:9"])
    assert status == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("skrnn compare: error: ")
    assert "127.0.0.1:9" in lines[0]


def test_without_dask_a_scheduler_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ValueError, match=r"needs dask.distributed.*pip install -e '\.\[dask\]'"):
        with dask_backend("local"):
            pass
