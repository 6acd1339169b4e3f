"""Rules of skrnn's inputs shared by its estimators and its data loaders.

The lowest layer of the package: it imports nothing else of skrnn, and no
scikit-learn at import time, because :mod:`skrnn.datasets` uses it and loads
with NumPy and pandas alone.
"""

from numbers import Integral

import numpy as np
import pandas as pd


def check_horizons(horizon):
    """The horizons as a list of ints, and whether ``y`` is one Series.

    An int is one horizon (``y`` a Series, or 1-D); a list, tuple, array or
    index gives one column of ``y`` per horizon. Every horizon is an int >= 1,
    none repeated.
    """
    if isinstance(horizon, (list, tuple, np.ndarray, pd.Index)):
        horizons, single = list(horizon), False
        if not horizons:
            raise ValueError(
                "horizon is an empty list; expected an int >= 1 or a non-empty list of ints >= 1"
            )
    else:
        horizons, single = [horizon], True
    for h in horizons:
        if isinstance(h, (bool, np.bool_)) or not isinstance(h, Integral):
            raise ValueError(
                f"horizon {h!r} is not an integer; expected an int >= 1 (the number "
                "of rows ahead to forecast) or a list of them"
            )
        if h < 1:
            raise ValueError(
                f"horizon {h!r} is less than 1; expected an int >= 1 (1 forecasts the next row)"
            )
    horizons = [int(h) for h in horizons]
    repeated = sorted({h for h in horizons if horizons.count(h) > 1})
    if repeated:
        raise ValueError(f"horizon lists {repeated} more than once; expected unique horizons")
    return horizons, single


def check_windows(estimator, X, *, dtype, reset):
    """`X` as a 3-D array of windows ``(n_samples, window, n_features)``.

    A 2-D `X` is one feature over ``window`` steps. NaN passes (a missing step);
    what it means is the caller's to check. With `reset`, records
    ``n_features_in_`` (features per time step) on `estimator`; otherwise
    checks `X` against it.
    """
    from sklearn.utils.validation import check_array

    X = check_array(
        X,
        allow_nd=True,
        ensure_all_finite=False,
        dtype=dtype,
        ensure_min_features=1,
        estimator=estimator,
    )
    if X.ndim == 2:
        X = X[:, :, np.newaxis]
    if X.ndim != 3:
        raise ValueError(
            "X must be 2-D (n_samples, window) or 3-D (n_samples, window, "
            f"n_features); got a {X.ndim}-D array of shape {X.shape}."
        )
    if X.shape[1] == 0 or X.shape[2] == 0:
        raise ValueError(f"X has no time steps or no features: shape {X.shape}.")
    if reset:
        estimator.n_features_in_ = X.shape[2]
    elif X.shape[2] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[2]} features per time step, but "
            f"{type(estimator).__name__} is expecting {estimator.n_features_in_} "
            "features as input."
        )
    return X


def check_targets(estimator, X, y):
    """`y` as a float64 array of shape ``(n_samples,)`` or ``(n_samples, n_outputs)``,
    one row per window of `X`."""
    from sklearn.utils.validation import check_array, check_consistent_length

    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y is None."
        )
    y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y", estimator=estimator)
    if y.ndim > 2:
        raise ValueError(
            f"y must be 1-D (n_samples,) or 2-D (n_samples, n_outputs); got an array of "
            f"shape {y.shape}."
        )
    check_consistent_length(X, y)
    return y


def target_standardization(y):
    """The centre and scale of each column of the 2-D targets `y` (mean and standard
    deviation); a constant column has nothing to scale and keeps its units (scale 1)."""
    scale = y.std(axis=0)
    return y.mean(axis=0), np.where(scale > 0, scale, 1.0)


def window_regressor_tags(tags):
    """`tags` as those of a regressor of windows: 3-D input, NaN for a step that is
    missing (before the series starts), one output per column of ``y``."""
    tags.input_tags.three_d_array = True
    tags.input_tags.allow_nan = True
    tags.target_tags.multi_output = True
    return tags


def float_column(frame, column):
    """`frame`'s `column` as float64 and the positions of its values that are not
    finite (NaN, missing, infinite); a ValueError if it does not hold numbers."""
    values = frame[column]
    if not (
        pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype)
    ):
        raise ValueError(f"column {column!r} has dtype {values.dtype}; expected numbers")
    array = values.to_numpy(dtype=np.float64, na_value=np.nan)
    return array, np.flatnonzero(~np.isfinite(array))
