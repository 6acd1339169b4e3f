"""One file per fitted model: a readable header, then the model as joblib writes it."""

import json
import os
import sys
import tempfile
from importlib import metadata

import joblib
from sklearn.utils.validation import check_is_fitted

#: The first line of every file save_model writes.
_MAGIC = b"skrnn model file\n"
#: The layout after the magic line: one line of JSON, then joblib's pickle.
_FORMAT = 1


def save_model(model, path):
    """Save a fitted model, its whole pipeline included, to one file.

    The file holds everything the model needs to forecast: for a
    :class:`ConformalForecaster`, the pipeline (scaler, window transformer,
    network with its weights and target scaling) and the out-of-sample errors
    its intervals come from; any other fitted estimator, pipeline or search
    is saved whole too. :func:`load_model` reads it back.

    The file starts with a line of JSON naming the versions of skrnn,
    scikit-learn and Keras that wrote it, followed by the model as
    :func:`joblib.dump` pickles it (Keras models pickle their weights and
    architecture). Like any pickle, it can only be loaded with compatible
    versions of these libraries, and **loading it runs code from it**: load
    only files from a source you trust, as for scikit-learn's own model
    persistence.

    Parameters
    ----------
    model : estimator
        A fitted estimator.

    path : str or pathlib.Path
        The file to write (replaced if it exists; written in full or not at
        all).

    Returns
    -------
    path : str
        The path written.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If `model` is not fitted.

    See Also
    --------
    load_model : Read the model back.

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> import numpy as np
    >>> from skrnn import PersistenceRegressor
    >>> from skrnn.forecasting import load_model, save_model
    >>> prices = np.array([10.0, 11.0, 13.0, 12.0, 14.0, 15.0])
    >>> naive = PersistenceRegressor().fit(prices[:-1, None], prices[1:])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_model(naive, os.path.join(folder, "naive.skrnn"))
    ...     load_model(path).predict(prices[-1:, None])
    array([15.])
    """
    check_is_fitted(model)
    header = {"format": _FORMAT, "model": type(model).__name__, **_versions()}
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    # A temporary file next to the target, renamed at the end: a failed save
    # leaves no half-written model behind.
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".skrnn-", suffix=".tmp")
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # as open() would have made it
        with os.fdopen(handle, "wb") as file:
            file.write(_MAGIC)
            file.write(json.dumps(header).encode() + b"\n")
            joblib.dump(model, file)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path


def load_model(path):
    """Load a model saved by :func:`save_model`.

    **Loading runs code from the file** (it is a pickle): load only files
    from a source you trust.

    Parameters
    ----------
    path : str or pathlib.Path
        A file written by :func:`save_model`.

    Returns
    -------
    model : estimator
        The fitted model, as it was saved.

    Raises
    ------
    ValueError
        If the file is not one that :func:`save_model` writes, was written by a
        version of skrnn whose files this one cannot read (a different major
        or minor version), or its model cannot be unpickled (the message
        names the cause).

    OSError
        If the file cannot be read.

    See Also
    --------
    save_model : Write the file.

    Examples
    --------
    >>> from skrnn.forecasting import load_model
    >>> forecaster = load_model("sp500_gru.skrnn")  # doctest: +SKIP
    >>> forecaster.forecast(frame, level=[80, 95])  # doctest: +SKIP

    A file that is not a saved model is refused before anything is unpickled:

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv") as file:
    ...     _ = file.write("date,closed_price\\n")
    ...     file.flush()
    ...     load_model(file.name)
    Traceback (most recent call last):
    ...
    ValueError: ... is not a skrnn model file (save_model writes them); it starts with ...
    """
    path = os.fspath(path)
    with open(path, "rb") as file:
        start = file.read(len(_MAGIC))
        if start != _MAGIC:
            first = start.split(b"\n")[0][:40].decode("utf-8", "replace")
            raise ValueError(
                f"{path} is not a skrnn model file (save_model writes them); it starts "
                f"with {first!r}."
            )
        header = _read_header(file, path)
        _check_compatible(header, path)
        try:
            return joblib.load(file)
        except Exception as exc:
            raise ValueError(
                f"{path} is a skrnn model file, but its model could not be read "
                f"({type(exc).__name__}: {exc}); it was written by "
                f"{_describe_versions(header)}."
            ) from exc


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _versions():
    versions = {"skrnn": _version("skrnn"), "scikit-learn": _version("scikit-learn")}
    if "keras" in sys.modules:
        keras = sys.modules["keras"]
        versions["keras"] = keras.__version__
        versions["keras_backend"] = keras.backend.backend()
    return versions


def _version(distribution):
    if distribution == "skrnn":
        from skrnn import __version__

        return __version__
    return metadata.version(distribution)


def _read_header(file, path):
    line = file.readline(4096)
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or not isinstance(header.get("format"), int):
        raise ValueError(f"{path} starts as a skrnn model file, but its header is damaged.")
    return header


def _check_compatible(header, path):
    installed = _version("skrnn")
    if header["format"] != _FORMAT or _minor(header.get("skrnn")) != _minor(installed):
        raise ValueError(
            f"{path} was written by {_describe_versions(header)} (file format "
            f"{header['format']}); this is skrnn {installed}, which reads the files of "
            f"skrnn {'.'.join(map(str, _minor(installed)))}.x (format {_FORMAT}): load it "
            "with that version, or fit and save the model again."
        )


def _minor(version):
    """``(major, minor)`` of a version string such as ``"0.1.0.dev0"``."""
    parts = str(version).split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return None


def _describe_versions(header):
    names = [f"skrnn {header.get('skrnn', '?')}", f"scikit-learn {header.get('scikit-learn', '?')}"]
    if "keras" in header:
        names.append(f"Keras {header['keras']} ({header.get('keras_backend', '?')} backend)")
    return ", ".join(names)
