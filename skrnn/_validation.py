"""Validation of window arrays, shared by every skrnn regressor."""

import numpy as np
from sklearn.utils.validation import check_array


def check_windows(estimator, X, *, dtype, reset):
    """`X` as a 3-D array of windows ``(n_samples, window, n_features)``.

    A 2-D `X` is one feature over ``window`` steps. NaN passes (a missing step);
    what it means is the caller's to check. With `reset`, records
    ``n_features_in_`` (features per time step) on `estimator`; otherwise
    checks `X` against it.
    """
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
