"""Write the small intersphinx inventories that docs/conf.py reads offline.

The machines that build skrnn's documentation may have no internet access, so
``intersphinx`` cannot download ``objects.inv`` from scikit-learn.org and the
other projects at build time (under ``sphinx-build -W`` the failed download
would be an error). Instead, each project gets a hand-written inventory here,
holding exactly the names that skrnn's pages and docstrings refer to, each with
that project's real URL. ``intersphinx_mapping`` in conf.py points at these
files as the local inventory and at the project's site as the base of the
links, so the rendered pages link to the real documentation.

The files use Sphinx's objects.inv version 2 format (a four-line header, then
``name domain:role priority location display-name`` lines compressed with
zlib), the format ``sphinx.util.inventory.InventoryFile`` reads; every file
written is read back with it as a check.

Keras has no Sphinx documentation: its entries point at the pages of keras.io.

To add a name: add it to ``INVENTORIES`` below, run

    .venv/bin/python docs/_inventories/make_inventories.py

from the repository root and commit the regenerated ``.inv`` files (they are
inputs of the build, not build output).
"""

import zlib
from pathlib import Path

from sphinx.util.inventory import InventoryFile

HERE = Path(__file__).resolve().parent


def _generated(prefix, names, role):
    """Entries for API pages named after the object, ``<prefix><name>.html#<name>``."""
    return [(name, role, f"{prefix}{name}.html#{name}") for name in names]


SKLEARN = [
    *_generated(
        "modules/generated/",
        [
            "sklearn.base.BaseEstimator",
            "sklearn.base.RegressorMixin",
            "sklearn.base.TransformerMixin",
            "sklearn.compose.TransformedTargetRegressor",
            "sklearn.ensemble.StackingRegressor",
            "sklearn.ensemble.VotingRegressor",
            "sklearn.linear_model.Ridge",
            "sklearn.model_selection.GridSearchCV",
            "sklearn.model_selection.TimeSeriesSplit",
            "sklearn.multioutput.MultiOutputRegressor",
            "sklearn.pipeline.Pipeline",
            "sklearn.preprocessing.MinMaxScaler",
            "sklearn.preprocessing.StandardScaler",
            "sklearn.utils.Bunch",
            "sklearn.utils.metadata_routing.MetadataRequest",
            "sklearn.exceptions.NotFittedError",
        ],
        "py:class",
    ),
    *_generated(
        "modules/generated/",
        [
            "sklearn.base.clone",
            "sklearn.metrics.make_scorer",
            "sklearn.metrics.mean_absolute_error",
            "sklearn.metrics.mean_squared_error",
            "sklearn.metrics.r2_score",
            "sklearn.metrics.root_mean_squared_error",
            "sklearn.model_selection.cross_val_score",
            "sklearn.model_selection.cross_validate",
            "sklearn.pipeline.make_pipeline",
            "sklearn.set_config",
        ],
        "py:function",
    ),
    ("sklearn", "py:module", "api/index.html#module-sklearn"),
    # Glossary terms: Sphinx anchors them as "term-<term>".
    *[
        (term, "std:term", f"glossary.html#term-{term}")
        for term in [
            "array-like",
            "estimator",
            "fit",
            "meta-estimator",
            "predict",
            "random_state",
            "scorer",
            "transform",
        ]
    ],
    # User-guide sections that inherited scikit-learn docstrings refer to.
    ("cross_validation", "std:label", "modules/cross_validation.html#cross-validation"),
    ("time_series_split", "std:label", "modules/cross_validation.html#time-series-split"),
    ("grid_search", "std:label", "modules/grid_search.html#grid-search"),
    ("metadata_routing", "std:label", "metadata_routing.html#metadata-routing"),
    ("pipeline", "std:label", "modules/compose.html#pipeline"),
    ("r2_score", "std:label", "modules/model_evaluation.html#r2-score"),
    ("df_output_transform", "std:label", "modules/df_output_transform.html#df-output-transform"),
    (
        "sphx_glr_auto_examples_miscellaneous_plot_set_output.py",
        "std:label",
        "auto_examples/miscellaneous/plot_set_output.html"
        "#sphx-glr-auto-examples-miscellaneous-plot-set-output-py",
    ),
]

NUMPY = [
    ("numpy", "py:module", "reference/index.html#module-numpy"),
    *_generated("reference/generated/", ["numpy.ndarray"], "py:class"),
    *_generated(
        "reference/generated/",
        ["numpy.lib.stride_tricks.sliding_window_view"],
        "py:function",
    ),
    (
        "numpy.random.RandomState",
        "py:class",
        "reference/random/legacy.html#numpy.random.RandomState",
    ),
    ("numpy.nan", "py:data", "reference/constants.html#numpy.nan"),
    ("numpy.inf", "py:data", "reference/constants.html#numpy.inf"),
    ("array_like", "std:term", "glossary.html#term-array_like"),
    ("arrays.scalars", "std:label", "reference/arrays.scalars.html#arrays-scalars"),
]

PANDAS = [
    *_generated(
        "reference/api/",
        [
            "pandas.DataFrame",
            "pandas.DatetimeIndex",
            "pandas.Index",
            "pandas.MultiIndex",
            "pandas.Period",
            "pandas.PeriodIndex",
            "pandas.Series",
            "pandas.Timestamp",
            "pandas.tseries.offsets.BusinessDay",
            "pandas.tseries.offsets.CustomBusinessDay",
        ],
        "py:class",
    ),
    *_generated("reference/api/", ["pandas.read_csv"], "py:function"),
]

MATPLOTLIB = [
    *_generated(
        "api/_as_gen/",
        ["matplotlib.axes.Axes", "matplotlib.figure.Figure"],
        "py:class",
    ),
    *_generated("api/_as_gen/", ["matplotlib.figure.Figure.savefig"], "py:method"),
    ("matplotlib.pyplot", "py:module", "api/pyplot_summary.html#module-matplotlib.pyplot"),
]

# keras.io is not built with Sphinx: one page per class, anchored "<name>-class".
KERAS = [
    ("keras.Model", "py:class", "models/model/#model-class"),
    ("keras.Sequential", "py:class", "models/sequential/#sequential-class"),
    ("keras.Input", "py:function", "layers/core_layers/input/#input-function"),
    ("keras.layers.Layer", "py:class", "layers/base_layer/#layer-class"),
    ("keras.layers.Dense", "py:class", "layers/core_layers/dense/#dense-class"),
    ("keras.layers.Masking", "py:class", "layers/core_layers/masking/#masking-class"),
    ("keras.layers.RNN", "py:class", "layers/recurrent_layers/rnn/#rnn-class"),
    ("keras.layers.SimpleRNN", "py:class", "layers/recurrent_layers/simple_rnn/#simplernn-class"),
    (
        "keras.layers.SimpleRNNCell",
        "py:class",
        "layers/recurrent_layers/simple_rnn_cell/#simplernncell-class",
    ),
    ("keras.layers.LSTM", "py:class", "layers/recurrent_layers/lstm/#lstm-class"),
    ("keras.layers.LSTMCell", "py:class", "layers/recurrent_layers/lstm_cell/#lstmcell-class"),
    ("keras.layers.GRU", "py:class", "layers/recurrent_layers/gru/#gru-class"),
    ("keras.layers.GRUCell", "py:class", "layers/recurrent_layers/gru_cell/#grucell-class"),
    (
        "keras.callbacks.EarlyStopping",
        "py:class",
        "callbacks/early_stopping/#earlystopping-class",
    ),
    ("keras.optimizers.Adam", "py:class", "optimizers/adam/#adam-class"),
    (
        "keras.utils.set_random_seed",
        "py:function",
        "utils/python_utils/#set_random_seed-function",
    ),
]

# Read the Docs pages, one per object under generated/. parallel_config is a class
# used as a function (a context manager): the pages link it with either role.
JOBLIB = [
    ("joblib.parallel_config", "py:class", "generated/joblib.parallel_config.html"),
    ("joblib.Parallel", "py:class", "generated/joblib.Parallel.html"),
    *_generated("generated/", ["joblib.dump", "joblib.parallel_config"], "py:function"),
]

DISTRIBUTED = [
    ("distributed.Client", "py:class", "api.html#distributed.Client"),
    ("distributed.LocalCluster", "py:class", "api.html#distributed.LocalCluster"),
]

PYTHON = [
    *[
        (name, "py:class", f"library/stdtypes.html#{name}")
        for name in ["dict", "list", "str", "tuple"]
    ],
    *[(name, "py:class", f"library/functions.html#{name}") for name in ["bool", "float", "int"]],
    ("object", "py:class", "library/functions.html#object"),
    ("callable", "py:function", "library/functions.html#callable"),
    *[(name, "py:data", f"library/constants.html#{name}") for name in ["None", "True", "False"]],
    *[
        (name, "py:exception", f"library/exceptions.html#{name}")
        for name in ["FileNotFoundError", "KeyboardInterrupt", "OSError", "TypeError", "ValueError"]
    ],
    ("io.StringIO", "py:class", "library/io.html#io.StringIO"),
    ("pathlib.Path", "py:class", "library/pathlib.html#pathlib.Path"),
    ("os.PathLike", "py:class", "library/os.html#os.PathLike"),
    ("collections.abc.Mapping", "py:class", "library/collections.abc.html#collections.abc.Mapping"),
    ("argparse", "py:module", "library/argparse.html#module-argparse"),
    *[
        (term, "std:term", f"glossary.html#term-{term}")
        for term in ["iterable", "sequence", "generator"]
    ],
]

#: file name -> (project, version, entries). Versions say which documentation
#: the URLs were written against; intersphinx shows them in link tooltips.
INVENTORIES = {
    "sklearn.inv": ("scikit-learn", "stable", SKLEARN),
    "numpy.inv": ("NumPy", "stable", NUMPY),
    "pandas.inv": ("pandas", "stable", PANDAS),
    "matplotlib.inv": ("Matplotlib", "stable", MATPLOTLIB),
    "keras.inv": ("Keras", "3", KERAS),
    "python.inv": ("Python", "3", PYTHON),
    "joblib.inv": ("joblib", "stable", JOBLIB),
    "distributed.inv": ("Dask.distributed", "stable", DISTRIBUTED),
}


def dump(path, project, version, entries):
    """Write `entries` to `path` in the objects.inv version 2 format."""
    names = [(name, role) for name, role, _ in entries]
    duplicates = {key for key in names if names.count(key) > 1}
    if duplicates:
        raise ValueError(f"{path.name}: entries listed twice: {sorted(duplicates)}")
    lines = [
        f"{name} {role} {1 if role.startswith('std:') else 0} {location} -\n"
        for name, role, location in sorted(entries, key=lambda e: (e[1], e[0]))
    ]
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    ).encode()
    path.write_bytes(header + zlib.compress("".join(lines).encode(), 9))


def check(path, entries):
    """Read `path` back with Sphinx's own reader: every entry, at its location."""
    base = "https://example.invalid/"
    inventory = InventoryFile.loads(path.read_bytes(), uri=base)
    for name, role, location in entries:
        item = inventory[role, name]
        if item.uri != base + location:
            raise AssertionError(f"{path.name}: {name} reads back as {item.uri}")


def main():
    for filename, (project, version, entries) in INVENTORIES.items():
        path = HERE / filename
        dump(path, project, version, entries)
        check(path, entries)
        print(f"wrote {path.relative_to(HERE.parent.parent)}: {len(entries)} entries")


if __name__ == "__main__":
    main()
