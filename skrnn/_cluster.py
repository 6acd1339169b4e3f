"""Fits on a Dask cluster: the joblib backend behind ``skrnn compare --scheduler``.

skrnn spreads its fits with joblib, so a Dask cluster is one
``joblib.parallel_config(backend="dask")`` away. What skrnn adds here is the
part a user would otherwise get wrong: a cluster started on this machine runs
its workers on the Keras backend of this process, and a running cluster whose
workers use another backend is refused, because the same seed would not give
the same networks there.
"""

import contextlib
import logging
import os


@contextlib.contextmanager
def dask_backend(scheduler):
    """Run joblib's tasks (every fit of skrnn's searches) on a Dask cluster.

    Parameters
    ----------
    scheduler : str or None
        The address of a running Dask scheduler (``"tcp://host:8786"``);
        ``"local"`` starts a ``LocalCluster`` on 127.0.0.1 with one
        single-threaded worker process per core for the duration of the
        context; None leaves joblib's backend as it is.

    Yields
    ------
    client : distributed.Client or None
        The client connected to the cluster (None when `scheduler` is None).

    Raises
    ------
    ValueError
        If Dask is not installed, or the cluster has no workers, or its
        workers run Keras on another backend than this process.
    OSError
        If the scheduler cannot be reached.
    """
    if scheduler is None:
        yield None
        return
    try:
        import joblib
        from distributed import Client, LocalCluster
    except ImportError:
        raise ValueError(
            "running the fits on a Dask cluster needs dask.distributed; install it "
            "with: pip install 'dask[distributed]' (in a clone of skrnn: "
            "pip install -e '.[dask]')"
        ) from None
    backend = _keras_backend()
    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            target = stack.enter_context(
                LocalCluster(
                    n_workers=os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",
                    # Keras reads its backend once, when a process first imports it.
                    env={"KERAS_BACKEND": backend},
                    # Workers killed at shutdown are expected; their warnings are noise.
                    silence_logs=logging.ERROR,
                )
            )
        else:
            target = scheduler
        client = stack.enter_context(Client(target, set_as_default=False))
        check_workers(client, backend)
        stack.enter_context(joblib.parallel_config(backend="dask", client=client))
        yield client


def check_workers(client, backend):
    """Raise a ValueError unless the cluster of `client` has workers, all on the
    Keras `backend`."""
    backends = client.run(_keras_backend)
    if not backends:
        raise ValueError(f"the Dask scheduler at {client.scheduler.address} has no workers.")
    other = {address: b for address, b in backends.items() if b != backend}
    if other:
        listed = ", ".join(f"{address} on {b}" for address, b in sorted(other.items()))
        raise ValueError(
            f"the Dask workers must run Keras on this process' backend, {backend}, but "
            f"{len(other)} of {len(backends)} do not ({listed}); start them with "
            f"KERAS_BACKEND={backend}."
        )


def _keras_backend():
    """The Keras backend of the process that calls it (runs on the workers too)."""
    import keras

    return keras.backend.backend()
