"""One file per fitted model: a readable header, then a zip archive that holds no code."""

import io
import json
import os
import sys
import tempfile
import zipfile
from importlib import metadata

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skrnn._persistence import _networks, _trusted
from skrnn._persistence._tree import TreeReader, TreeWriter

#: The first line of every file save_model writes.
_MAGIC = b"skrnn model file\n"
#: The layout after the magic line: one line of JSON, then a zip archive.
_FORMAT = 2
#: The layout skrnn 0.1 wrote before: one line of JSON, then joblib's pickle.
_PICKLE_FORMAT = 1
#: The archive's member that holds the model's tree of JSON nodes.
_TREE = "model.json"


def save_model(model, path):
    """Save a fitted model, its whole pipeline included, to one file.

    The file holds everything the model needs to forecast: for a
    :class:`ConformalForecaster`, the pipeline (scaler, window transformer,
    network with its weights and target scaling) and the out-of-sample errors
    its intervals come from; any other fitted estimator, pipeline or search
    is saved whole too. :func:`load_model` reads it back.

    The file is data, not code: a line of JSON naming the versions of skrnn,
    scikit-learn and Keras that wrote it, then a zip archive of the model's
    attributes as JSON, its arrays as ``.npy`` files and each Keras network in
    Keras' own ``.keras`` format. Loading it runs nothing from it.

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

    ValueError
        If the model holds a value the format cannot store (the message names
        where it is): an object whose pickle is more than its attributes, a
        lambda or a function defined inside another, an unusual pandas index.

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
    writer = TreeWriter()
    try:
        tree = writer.node(model, type(model).__name__)
    except RecursionError:
        raise ValueError(f"the {type(model).__name__} is nested too deeply to save.") from None
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
            file.write(_archive(tree, writer))
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path


def load_model(path, *, trusted=None, trust_pickle=False):
    """Load a model saved by :func:`save_model`, without running code from the file.

    A model file may come from someone else: loading it builds only what
    skrnn trusts. Networks are read in Keras' own format in safe mode (no
    Python lambdas, only Keras' layers and registered ones such as skrnn's);
    arrays are read without unpickling; every other object must be of a class
    on skrnn's list (skrnn's estimators, scikit-learn's pipelines, scalers,
    linear models, searches, time-series splits and scorers), rebuilt from its
    attributes. A file that names anything else is refused with a
    ``ValueError`` that says what, before anything of it is run.

    Parameters
    ----------
    path : str or pathlib.Path
        A file written by :func:`save_model`.

    trusted : list of class, function or str, default=None
        Classes and functions beyond skrnn's list that you vouch for, such as
        your own estimator in a pipeline, as objects or dotted names
        (``"mypackage.MyEstimator"``; the refusal names them). Exact classes
        only: a subclass needs naming in its own right.

    trust_pickle : bool, default=False
        Load a file of the format that skrnn 0.1 wrote before this one, a
        pickle, which **runs code from the file**: only for files from a
        source you trust. Save the loaded model again to have a file of the
        current format. Without it, such files are refused.

    Returns
    -------
    model : estimator
        The fitted model, as it was saved.

    Raises
    ------
    ValueError
        If the file is not one that :func:`save_model` writes, was written by
        a version of skrnn whose files this one cannot read (a different major
        or minor version), names a class or function that is not trusted, holds
        a network that Keras' safe mode refuses, or is damaged (the message
        says which); or is of the pickle format and `trust_pickle` is False.

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

    A file that is not a saved model is refused before anything of it is read:

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
    extra = _trusted.extra_names(trusted)
    with open(path, "rb") as file:
        start = file.read(len(_MAGIC))
        if start != _MAGIC:
            first = start.split(b"\n")[0][:40].decode("utf-8", "replace")
            raise ValueError(
                f"{path} is not a skrnn model file (save_model writes them); it starts "
                f"with {first!r}."
            )
        header = _read_header(file, path)
        if header["format"] == _PICKLE_FORMAT:
            return _load_pickle(file, path, header, trust_pickle)
        _check_compatible(header, path, _FORMAT)
        content = file.read()
    return _read_archive(content, path, header, extra)


def _archive(tree, writer):
    """The zip archive of a model's tree, arrays and networks, as bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_TREE, json.dumps(tree))
        for i, array in enumerate(writer.arrays):
            npy = io.BytesIO()
            np.lib.format.write_array(npy, array, allow_pickle=False)
            archive.writestr(f"arrays/{i}.npy", npy.getvalue())
        for i, network in enumerate(writer.networks):
            archive.writestr(f"networks/{i}.keras", _networks.to_bytes(network))
    return buffer.getvalue()


def _read_archive(content, path, header, extra):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            tree = json.loads(archive.read(_TREE))
            return TreeReader(archive, extra).value(tree, header["model"])
    except _trusted.Refused as exc:
        raise ValueError(f"{path} {exc}") from exc
    except Exception as exc:
        # Whatever else a damaged file makes fail (the archive, its JSON, an
        # array, a constructor given values it rejects) is one error for the user.
        message = " ".join(str(exc).split())
        raise ValueError(
            f"{path} is a skrnn model file, but it could not be read ({type(exc).__name__}: "
            f"{message}); it was written by {_describe_versions(header)}."
        ) from exc


def _load_pickle(file, path, header, trust_pickle):
    """The model of a file of the pickle format, if the caller trusts pickles."""
    if not trust_pickle:
        raise ValueError(
            f"{path} is a model file of skrnn's former format, a pickle (written by "
            f"{_describe_versions(header)}); loading a pickle can run code from the file, "
            "so it is refused. If you trust its source, load it once with "
            "load_model(path, trust_pickle=True) (skrnn forecast --trust-pickle) and save "
            "it again with save_model, which writes a file that runs no code."
        )
    _check_compatible(header, path, _PICKLE_FORMAT)
    import joblib

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
    if (
        not isinstance(header, dict)
        or not isinstance(header.get("format"), int)
        or not isinstance(header.get("model"), str)
    ):
        raise ValueError(f"{path} starts as a skrnn model file, but its header is damaged.")
    return header


def _check_compatible(header, path, expected_format):
    installed = _version("skrnn")
    if header["format"] != expected_format or _minor(header.get("skrnn")) != _minor(installed):
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
