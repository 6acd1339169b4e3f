"""The skip connection of a residual network: what it reads, and the forecast it starts as.

A residual network is ``skip(window) + recurrent(window)``: a linear map of the
newest steps plus what the recurrent layers add, their output layer starting
at zero. The skip's weights are set before training so that the untrained
network is a simple forecast in its own right, and training learns what that
forecast misses:

- ``"naive"``: the newest step, mapped to ``y``'s units ("tomorrow = today");
- ``"seasonal"``: the step one season before the forecast day;
- ``"linear"``: the linear autoregression on the whole window, fitted on the
  training rows (the ridge regression of :class:`~skrnn.RidgeAutoregressor`),
  so that the network is the hybrid of a linear model and a network, trained
  jointly.

The inputs of the recurrent layers may be *level-free* (:class:`LevelFree`):
the skip reads the levels, the recurrent layers only a window's shape.
"""

import functools

import keras
import numpy as np
from keras import ops

from skrnn._linear import fit_steps
from skrnn._naive_start import closest_feature, exact_lag, naive_start
from skrnn._same_series import later_rows

#: The starts a skip connection can take, by the value of ``residual``.
STARTS = ("naive", "seasonal", "linear")
#: Ridge penalty of the linear start: RidgeAutoregressor's default, the
#: linear baseline :func:`skrnn.model_selection.compare` scores.
LINEAR_ALPHA = 1.0


def start_kind(residual):
    """The start named by a ``residual`` parameter (None: no skip connection)."""
    if isinstance(residual, (bool, np.bool_)):
        return "naive" if residual else None
    return residual


def skip_steps(kind, window, backs):
    """How many of a window's newest steps the skip reads: one for the naive
    start, back to the last season for the seasonal one (`backs`, one per
    output), the whole `window` for the linear one."""
    if kind == "linear":
        return window
    if kind == "seasonal":
        return max(backs) + 1
    return 1


def seasonal_back(season, horizon):
    """Steps between a window's newest step and the value one season before
    the forecast day `horizon` rows later (as
    :class:`~skrnn.PersistenceRegressor` reads it)."""
    return season * -(-horizon // season) - horizon


def later_in_series(X):
    """The row a lag after each row of the windows `X` in the same series, as a
    function of the lag (:func:`skrnn._same_series.later_rows`, each lag once)."""
    return functools.cache(functools.partial(later_rows, X))


def output_horizons(newest, targets, horizons, later=None):
    """Each output's horizon: the one given, else the lag at which the output is
    the feature that many rows later (`later`: see :func:`later_in_series`),
    else 1."""
    found = []
    for j, horizon in enumerate(horizons):
        if horizon is None:
            k = closest_feature(newest, targets[:, j])
            horizon = exact_lag(newest[:, k], targets[:, j], later=later) or 1
        found.append(horizon)
    return found


def initial_skip(kind, X, targets, horizons, backs):
    """The skip's kernel ``(steps * n_features, n_outputs)`` and bias at the start
    `kind`, from the training windows `X` and scaled `targets` (float64).

    `horizons` holds each output's horizon (None: found from the rows) and
    `backs` each output's steps back to the last season (seasonal start).
    """
    newest = np.nan_to_num(X[:, -1, :].astype(np.float64))
    n_features, n_outputs = X.shape[2], targets.shape[1]
    later = later_in_series(X)
    if kind == "linear":
        steps = X.shape[1]
        complete = ~np.isnan(X).any(axis=(1, 2))
        if not complete.any():
            raise ValueError(
                f"residual='linear' needs at least one training window with all "
                f"{steps} steps known, to fit the linear start on; the {X.shape[0]} "
                "windows given have missing steps. Use more rows or a shorter window."
            )
        return fit_steps(X[complete].astype(np.float64), targets[complete], LINEAR_ALPHA)
    steps = skip_steps(kind, X.shape[1], backs)
    kernel = np.zeros((steps, n_features, n_outputs))
    bias = np.zeros(n_outputs)
    for j in range(n_outputs):
        k = closest_feature(newest, targets[:, j])
        slope, bias[j], _ = naive_start(newest[:, k], targets[:, j], horizons[j], later)
        back = backs[j] if kind == "seasonal" else 0
        kernel[steps - 1 - back, k, j] = slope
    return kernel.reshape(steps * n_features, n_outputs), bias


@keras.saving.register_keras_serializable(package="skrnn")
class NewestSteps(keras.layers.Layer):
    """The newest `steps` steps of each window, flattened to ``steps * n_features``.

    Steps before the start of the series (NaN) take the value of the oldest
    known step of the window, so that a linear map of them stays defined on
    the first rows of a series; a window with no known step reads zeros.
    """

    def __init__(self, steps, **kwargs):
        super().__init__(**kwargs)
        self.steps = int(steps)

    def call(self, inputs):
        x = inputs[:, -self.steps :, :]
        missing = ops.isnan(x)
        known = ops.logical_not(ops.all(missing, axis=-1))
        first = ops.argmax(ops.cast(known, "int32"), axis=1)
        oldest = ops.take_along_axis(x, ops.reshape(first, (-1, 1, 1)), axis=1)
        x = ops.where(missing, oldest, x)
        x = ops.where(ops.isnan(x), ops.zeros_like(x), x)
        return ops.reshape(x, (-1, self.steps * ops.shape(x)[2]))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.steps * input_shape[2])

    def get_config(self):
        return {**super().get_config(), "steps": self.steps}


#: The inputs the recurrent layers can read, by the value of ``inputs``.
INPUTS = ("levels", "differences", "from_newest")


@keras.saving.register_keras_serializable(package="skrnn")
class LevelFree(keras.layers.Layer):
    """A window without its level: the changes from step to step
    (``"differences"``, one step fewer) or each step minus the newest
    (``"from_newest"``). NaN steps stay NaN (masked later), and so does the
    change into the first known step."""

    def __init__(self, mode, **kwargs):
        super().__init__(**kwargs)
        self.mode = mode

    def call(self, inputs):
        if self.mode == "differences":
            return inputs[:, 1:, :] - inputs[:, :-1, :]
        return inputs - inputs[:, -1:, :]

    def compute_output_shape(self, input_shape):
        if self.mode == "differences" and input_shape[1] is not None:
            return (input_shape[0], input_shape[1] - 1, input_shape[2])
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
