"""Choosing the Keras backend before Keras is imported, and JAX's compilation cache."""

import importlib.util
import os
import subprocess
import sys

import keras
import pytest

from skrnn._backend import enable_compilation_cache, select_backend

HAS_JAX = importlib.util.find_spec("jax") is not None


def _run(code, **env):
    """The words `code` prints, run by a new Python with the environment of this
    one but KERAS_BACKEND and JAX's settings, and with `env`."""
    base = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND" and "JAX_" not in k}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "TF_CPP_MIN_LOG_LEVEL": "3", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_jax_is_the_default_when_installed():
    code = (
        "from skrnn._backend import select_backend; print(select_backend()); "
        "import keras; print(keras.backend.backend())"
    )
    expected = "jax" if HAS_JAX else "tensorflow"
    assert _run(code) == [expected, expected]


def test_keras_backend_variable_wins_over_the_default(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", keras.backend.backend())
    assert select_backend() == keras.backend.backend()


def test_an_explicit_name_wins(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "something else")
    assert select_backend(keras.backend.backend()) == keras.backend.backend()
    assert os.environ["KERAS_BACKEND"] == keras.backend.backend()


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown Keras backend 'theano'"):
        select_backend("theano")


def test_another_backend_after_keras_is_imported_is_an_error(monkeypatch):
    other = "tensorflow" if keras.backend.backend() == "jax" else "jax"
    if importlib.util.find_spec(other) is None:
        pytest.skip(f"{other} is not installed")
    monkeypatch.setenv("KERAS_BACKEND", keras.backend.backend())
    with pytest.raises(RuntimeError, match="before .* could be chosen"):
        select_backend(other)
    assert os.environ["KERAS_BACKEND"] == keras.backend.backend()


def test_no_compilation_cache_but_for_jax(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert enable_compilation_cache(tmp_path) is None
    assert not any(tmp_path.iterdir())


@pytest.mark.skipif(
    not HAS_JAX or importlib.util.find_spec("filelock") is None, reason="needs jax and filelock"
)
def test_compiled_programs_are_kept_on_disk(tmp_path):
    code = (
        "from skrnn._backend import select_backend, enable_compilation_cache\n"
        "select_backend('jax'); print(enable_compilation_cache())\n"
        "import numpy as np; from skrnn import RNNRegressor\n"
        "X = np.random.rand(40, 3, 1); y = np.random.rand(40)\n"
        "RNNRegressor(units=2, layers=1, epochs=1).fit(X, y).predict(X)\n"
    )
    printed = _run(code, XDG_CACHE_HOME=str(tmp_path))
    folder = tmp_path / "skrnn" / "jax"
    assert printed == [str(folder)]
    assert list(folder.glob("*-cache"))
