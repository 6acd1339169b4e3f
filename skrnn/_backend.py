"""The Keras backend of a process, chosen before Keras is imported.

Keras fixes its backend when it is first imported, from ``KERAS_BACKEND``. On a
CPU, JAX runs skrnn's small networks several times faster than TensorFlow, so a
command that starts from nothing (``skrnn compare``) picks it when it is
installed. This module imports neither Keras nor a backend: call
:func:`select_backend` before anything imports Keras (importing ``skrnn``
itself does not).
"""

import importlib.util
import os
import sys
from pathlib import Path

#: The Keras backends, and the package each needs.
_PACKAGES = {
    "jax": "jax",
    "tensorflow": "tensorflow",
    "torch": "torch",
    "numpy": "numpy",
    "openvino": "openvino",
}


def select_backend(name=None):
    """Choose the Keras backend of this process and of the processes it starts.

    Parameters
    ----------
    name : str or None, default=None
        A Keras backend ("jax", "tensorflow", "torch", ...). None means the
        ``KERAS_BACKEND`` environment variable when it is set, else JAX when
        it is installed, else TensorFlow.

    Returns
    -------
    name : str
        The backend, now also in ``os.environ["KERAS_BACKEND"]``, which
        joblib's worker processes inherit.

    Raises
    ------
    ValueError
        If the backend is unknown or not installed.
    RuntimeError
        If Keras has already been imported with another backend.
    """
    chosen = name or os.environ.get("KERAS_BACKEND") or ("jax" if _installed("jax") else None)
    chosen = chosen or "tensorflow"
    if chosen not in _PACKAGES:
        raise ValueError(
            f"unknown Keras backend {chosen!r}; expected one of {', '.join(_PACKAGES)}."
        )
    if not _installed(_PACKAGES[chosen]):
        raise ValueError(
            f"the Keras backend {chosen!r} is not installed (pip install {_PACKAGES[chosen]})."
        )
    keras = sys.modules.get("keras")
    if keras is not None and keras.backend.backend() != chosen:
        raise RuntimeError(
            f"Keras was imported with the {keras.backend.backend()!r} backend before "
            f"{chosen!r} could be chosen; choose the backend before importing Keras."
        )
    os.environ["KERAS_BACKEND"] = chosen
    return chosen


def enable_compilation_cache(directory=None):
    """Keep JAX's compiled programs on disk, for this process and those it starts.

    skrnn compiles each architecture once per process (seconds, for JAX); with
    the cache, a process whose programs another process has compiled, in this
    run or an earlier one, reads them instead. JAX keys each entry by the
    program, the compiler options and the versions of JAX and jaxlib, so an
    entry from another version is never used. Processes share the folder
    under a file lock (the ``filelock`` package): without it the cache is not
    enabled. An existing ``JAX_COMPILATION_CACHE_DIR`` is kept.

    Parameters
    ----------
    directory : str, path or None, default=None
        Where to keep the cache; None means ``$XDG_CACHE_HOME/skrnn/jax``
        (``~/.cache/skrnn/jax``).

    Returns
    -------
    directory : str or None
        The cache's folder, or None when it is not enabled: a backend other
        than JAX (see :func:`select_backend`), or no ``filelock``.
    """
    if os.environ.get("KERAS_BACKEND") != "jax" or not _installed("filelock"):
        return None
    if directory is None:
        cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        directory = Path(cache_home) / "skrnn" / "jax"
    settings = {
        "jax_compilation_cache_dir": os.environ.get("JAX_COMPILATION_CACHE_DIR", str(directory)),
        # skrnn's programs compile in a second or less: keep them all.
        "jax_persistent_cache_min_compile_time_secs": 0.0,
        "jax_persistent_cache_min_entry_size_bytes": 0,
        # A size limit is what makes JAX lock the folder between processes.
        "jax_compilation_cache_max_size": 512 * 2**20,
    }
    for option, value in settings.items():
        os.environ[option.upper()] = str(value)
    jax = sys.modules.get("jax")
    if jax is not None:  # too late for the environment: set the running JAX too
        for option, value in settings.items():
            jax.config.update(option, value)
    return settings["jax_compilation_cache_dir"]


def _installed(package):
    return importlib.util.find_spec(package) is not None
