"""skrnn: scikit-learn estimators for recurrent neural networks on time series.

Put a price series through an ordinary scikit-learn ``Pipeline``
(``MinMaxScaler`` -> :class:`SlidingWindowTransformer` -> :class:`LSTMRegressor`)
and tune simple RNN, LSTM (with or without peepholes) and GRU models with
``TimeSeriesSplit`` and ``GridSearchCV``.
"""

import importlib

__version__ = "0.1.0.dev0"

# Public name -> the private module that defines it. Importing Keras costs seconds,
# so the estimators load on first use: `import skrnn.datasets` and the command
# line's --help stay fast.
_PUBLIC = {
    "CalendarFeatures": "skrnn._calendar",
    "GRURegressor": "skrnn._recurrent",
    "LSTMRegressor": "skrnn._recurrent",
    "PerSeriesRegressor": "skrnn._per_series",
    "PersistenceRegressor": "skrnn._baseline",
    "RNNRegressor": "skrnn._recurrent",
    "RidgeAutoregressor": "skrnn._linear",
    "SeriesEncoder": "skrnn._series_identity",
    "SeriesScaledRegressor": "skrnn._series_scale",
    "SlidingWindowTransformer": "skrnn._window",
    "diebold_mariano": "skrnn._significance",
    "make_u2_scorer": "skrnn._baseline",
    "theil_u2": "skrnn._baseline",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name):
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'skrnn' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_PUBLIC])
