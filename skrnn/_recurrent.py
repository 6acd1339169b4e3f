"""RNNRegressor, LSTMRegressor and GRURegressor: one base, three recurrent layers."""

import inspect

import keras

from skrnn._base import BaseRecurrentRegressor
from skrnn._peephole import PeepholeLSTM
from skrnn._seeding import layer_seed, seeded_initializer


def _with_keyword(init, name, default, before):
    """The signature of `init` with one more keyword-only parameter, placed
    before the parameter `before` (as the docstring lists it)."""
    signature = inspect.signature(init)
    parameters = list(signature.parameters.values())
    at = [p.name for p in parameters].index(before)
    added = inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
    return signature.replace(parameters=[*parameters[:at], added, *parameters[at:]])


_SHARED_PARAMETERS = """\
    units : int, default=32
        Units of each recurrent layer (the size of the hidden state ``h_t``).

    layers : int, default=4
        Number of stacked recurrent layers. All but the last return their whole
        sequence to the next; the last returns its final state to a ``Dense``
        output layer.

    patience : int, default=40
        Epochs without improvement of the validation loss before training
        stops. The weights with the lowest validation loss are restored; the
        untrained network is a candidate too, so with a skip connection
        (`residual`) training never leaves the validation rows worse off than
        the start.

    epochs : int, default=500
        Upper bound on the number of epochs; early stopping usually ends sooner.

    batch_size : int, default=32
        Rows per gradient update.

    validation_fraction : float, default=0.1
        Fraction of the training rows, taken from the end in time order (never
        a shuffled sample), that early stopping watches. At least one row is
        used when it is above 0; 0 trains all `epochs` without early stopping.

    learning_rate : float, default=0.001
        Learning rate of the Adam optimizer.

    weight_decay : float, default=0.0
        Decoupled weight decay of the Adam optimizer (Keras' ``weight_decay``):
        each step shrinks the weights by ``learning_rate * weight_decay`` of
        their value, pulling the recurrent path toward adding nothing to the
        start. The skip connection is exempt: decay would pull it away from
        the start itself.

    dropout : float, default=0.0
        Fraction of each recurrent layer's inputs dropped during training.

    residual : bool or {"naive", "linear", "seasonal"}, default=True
        Whether a linear skip connection runs from the newest input steps to
        the output, and the forecast it starts as; the recurrent path starts
        at zero, so the untrained network is that forecast, and training
        learns what it misses. Saturating activations cannot leave the range
        of the training prices; the skip path can, so the model extrapolates
        when test prices do.

        - ``True`` or ``"naive"``: the skip reads the newest step and starts
          as the naive forecast "tomorrow = today": when ``y`` is the input
          feature `horizon` rows later, the training rows give the exact map
          from the (scaled) newest step to ``y``; otherwise the two are
          matched in mean and standard deviation.
        - ``"seasonal"``: the same map from the step one season before the
          forecast day (`season`), the seasonal naive forecast.
        - ``"linear"``: the skip reads the whole window and starts as the
          linear autoregression on it (:class:`~skrnn.RidgeAutoregressor`
          with ``alpha=1``, fitted on the training rows): the network is the
          hybrid of a linear model and a network, trained jointly. Windows at
          predict must be at least as long as at fit (the newest steps are
          read).
        - ``False``: no skip connection, the lecture's exact network.

        Early stopping keeps what the recurrent part learns only where it
        beats the start on the validation rows (see `significance`); a start
        that is kept is then fitted on all the training rows, validation rows
        included, as the baselines are.

    season : int or None, default=None
        Length of the season in rows (12 for monthly data with a yearly
        season), for ``residual="seasonal"``, which needs it and windows long
        enough to reach back to the last season. Only the seasonal start uses
        it.

    inputs : {"levels", "differences", "from_newest"}, default="levels"
        What the recurrent layers read: the window as given, its changes from
        step to step (one step fewer), or each step minus the window's newest.
        Level-free inputs let the recurrent layers learn a shape rather than a
        level they may never have seen; the skip connection, which reads the
        levels, carries the level to the output, so they need `residual`.

    horizon : int, list of int or None, default=None
        How many rows after a window's newest step its target lies, one per
        column of ``y`` (the ``horizon`` given to
        :func:`~skrnn.datasets.make_forecast_xy`), so that the skip starts as
        the exact naive forecast. None finds it from the training rows: the
        first lag, up to 30, at which ``y`` is the feature that many rows later.
        Only the skip's start uses it.

    significance : float or None, default=0.05
        With a skip connection, how sure early stopping must be that training
        beat the start: the epoch with the lowest validation loss is kept
        only if a one-sided Diebold-Mariano test of its per-row squared errors
        against the start's, on the validation rows, has a p-value below this
        level; otherwise the start is kept (``best_epoch_ == 0``). A tail of a
        few dozen rows lets noise lower the validation loss by a few percent,
        and a network kept for such a gain can forecast the test period worse
        than the start it replaced; but a tail of ten rows, on a series of a
        hundred, is too short for any gain to pass: tune such a series by
        cross-validation with ``significance=None``, as
        :func:`~skrnn.model_selection.compare` does (it applies the same test
        to the out-of-fold errors of all the tuning rows). None keeps the
        lowest validation loss, whatever its margin; 0 always keeps the start.
        Ignored with ``residual=False``.

    n_seeds : int, default=1
        Networks to train, each an ordinary fit from its own seed (the first
        from `random_state` itself, the others derived from it), whose
        predictions are averaged: an ensemble of seeds, the usual cure for the
        variance of networks trained on few rows. Their spread is
        ``predict(X, return_std=True)``.

"""

_SEED_AND_VERBOSE = """\
    random_state : int, RandomState instance or None, default=None
        Seed of every random draw of a fit: the initial weights, the dropout
        masks and the order of the rows in each epoch, each derived from it
        alone, so that the same data and seed give the same predictions on a
        CPU, wherever the fit runs. No global random state (Python's, NumPy's
        or Keras') is read or changed. None draws fresh ones at each fit.
        With ``n_seeds`` above 1, the first network's seed, from which the
        others derive.

    verbose : int, default=0
        Keras' verbosity during fit: 0 silent, 1 progress bar, 2 one line per
        epoch.
"""

_SHARED_ATTRIBUTES = """\
    model_ : keras.Model
        The trained network (with ``n_seeds`` above 1, the first seed's). Its
        input is ``(batch, steps, n_features_in_)``; NaN steps are masked by
        its first layer.

    models_ : list of keras.Model
        The ``n_seeds`` networks whose predictions `predict` averages;
        ``models_[0]`` is `model_`.

    history_ : dict of str to list of float
        Per-epoch ``loss`` and, with early stopping, ``val_loss``: mean squared
        error of the scaled targets (of `model_`'s training).

    n_iter_ : int
        Epochs run (by `model_`).

    best_epoch_ : int
        The epoch whose weights `model_` kept: the one with the lowest
        validation loss, counting from 1; 0 when no epoch beat the untrained
        network (or, with a skip connection, none beat it significantly: see
        `significance`). Without early stopping, the last epoch.

    best_epochs_ : ndarray of shape (n_seeds,)
        `best_epoch_` of each network of `models_`.

    n_features_in_ : int
        Features per time step seen during fit (1 for 2-D `X`).
"""

_DOC = """\
{summary}

{description}

The input is a window per row, ``(n_samples, window, n_features)`` (for example
from :class:`~skrnn.SlidingWindowTransformer`) or ``(n_samples, window)`` for one
feature. NaN steps, such as the steps before the start of a series, are masked:
the network reads a shorter sequence. The targets are standardised inside the
regressor, with the mean and standard deviation of the training targets, and
predictions come back in the units of ``y``.

Parameters
----------
{parameters}
Attributes
----------
{attributes}
See Also
--------
{see_also}

Examples
--------
>>> import numpy as np
>>> from skrnn import {name}
>>> rng = np.random.RandomState(0)
>>> X, y = rng.rand(40, 5, 1), rng.rand(40)
>>> reg = {name}(units=4, layers=1, epochs=2, random_state=0).fit(X, y)
>>> reg.predict(X[:3]).shape
(3,)
>>> reg.model_.count_params() > 0
True
"""


class RNNRegressor(BaseRecurrentRegressor):
    __doc__ = _DOC.format(
        summary="Stacked simple recurrent network (Elman RNN) regressor.",
        description=(
            "Each layer computes ``h_t = tanh(h_{t-1} W_h + x_t W_x + b)``: the\n"
            "lecture's recursion. Backpropagation through time multiplies one\n"
            "factor ``tanh'(.) W_h`` per step, so gradients from far back vanish\n"
            "(or explode): the simple RNN sees a short past well and a long past\n"
            "poorly. With ``units=32, layers=4`` on one feature the lecture's\n"
            "network (``residual=False``) has its 7,361 parameters."
        ),
        parameters=_SHARED_PARAMETERS + _SEED_AND_VERBOSE,
        attributes=_SHARED_ATTRIBUTES,
        see_also=(
            "LSTMRegressor : Gated cells that can keep a long past.\n"
            "GRURegressor : Fewer gates than LSTM, fewer parameters."
        ),
        name="RNNRegressor",
    )

    def _recurrent_layer(self, *, return_sequences, name):
        return _layer(keras.layers.SimpleRNN, self, return_sequences=return_sequences, name=name)


class LSTMRegressor(BaseRecurrentRegressor):
    __doc__ = _DOC.format(
        summary="Stacked long short-term memory (LSTM) regressor.",
        description=(
            "Each layer keeps a cell state ``c_t`` next to ``h_t``; forget, input\n"
            "and output gates decide what the cell forgets, stores and shows\n"
            "(Hochreiter & Schmidhuber, 1997). The cell state passes from step to\n"
            "step through a sum, not through a squashing function, so gradients\n"
            "can survive long sequences, as long as the forget gates stay open.\n"
            "Keras starts them around 0.73 (a forget-gate bias of 1): untrained,\n"
            "an LSTM of 16 units keeps 0.827 of its gradient per step, a simple\n"
            "RNN 0.864, and on a clue 50 noisy steps back neither learnt anything\n"
            "in 25 epochs, while the LSTM with its forget-gate bias set to 3\n"
            "before training learnt it in one seed of three (skrnn's gallery:\n"
            ":ref:`sphx_glr_auto_examples_plot_3_vanishing_gradients.py`,\n"
            ":ref:`sphx_glr_auto_examples_plot_4_long_term_dependencies.py`).\n"
            "With ``units=32, layers=4`` on one feature the lecture's network\n"
            "(``residual=False``) has its 29,345 parameters."
        ),
        parameters=_SHARED_PARAMETERS
        + """\
    peephole : bool, default=False
        Whether the gates also read the cell state, through peephole
        connections (Gers & Schmidhuber, 2000), so that the cell can time and
        count steps even while its output gate is closed. Each layer becomes a
        :class:`skrnn.layers.PeepholeLSTM`: with ``*`` the element-wise product
        and ``p_i, p_f, p_o`` one weight vector of ``units`` per gate,

        .. code-block:: text

            i_t = sigma(x_t W_i + h_{t-1} U_i + b_i + p_i * c_{t-1})
            f_t = sigma(x_t W_f + h_{t-1} U_f + b_f + p_f * c_{t-1})
            c_t = f_t * c_{t-1} + i_t * tanh(x_t W_c + h_{t-1} U_c + b_c)
            o_t = sigma(x_t W_o + h_{t-1} U_o + b_o + p_o * c_t)
            h_t = o_t * tanh(c_t)

        The input and forget gates read ``c_{t-1}``, the output gate the
        updated ``c_t``. The lecture writes the gates with full matrices over
        ``[C_{t-1}, h_{t-1}, x_t]``; skrnn follows the paper's diagonal form (a
        gate sees only its own cell), which adds ``3 * units`` parameters per
        layer: 29,729 instead of 29,345 for the lecture's 4 x 32 network.

        F. A. Gers and J. Schmidhuber, "Recurrent nets that time and count",
        IJCNN 2000, vol. 3, pp. 189-194.

"""
        + _SEED_AND_VERBOSE,
        attributes=_SHARED_ATTRIBUTES,
        see_also=(
            "RNNRegressor : The simple recurrent network.\n"
            "GRURegressor : Fewer gates than LSTM, fewer parameters."
        ),
        name="LSTMRegressor",
    )

    _parameter_constraints: dict = {
        **BaseRecurrentRegressor._parameter_constraints,
        "peephole": ["boolean"],
    }

    def __init__(self, *, peephole=False, **shared):
        super().__init__(**shared)
        self.peephole = peephole

    # The shared parameters and their defaults are written once, in the base;
    # scikit-learn (get_params, clone) and help() read this explicit signature.
    __init__.__signature__ = _with_keyword(
        BaseRecurrentRegressor.__init__, "peephole", False, before="random_state"
    )

    def _recurrent_layer(self, *, return_sequences, name):
        layer = PeepholeLSTM if self.peephole else keras.layers.LSTM
        return _layer(layer, self, return_sequences=return_sequences, name=name)


class GRURegressor(BaseRecurrentRegressor):
    __doc__ = _DOC.format(
        summary="Stacked gated recurrent unit (GRU) regressor.",
        description=(
            "Each layer has a reset gate (how much of ``h_{t-1}`` the candidate\n"
            "state reads) and an update gate (how much of the candidate replaces\n"
            "``h_{t-1}``), with no separate cell state (Cho et al., 2014): fewer\n"
            "parameters than an LSTM of the same width. With ``units=32,\n"
            "layers=4`` on one feature the lecture's network (``residual=False``)\n"
            "has its 22,401 parameters (Keras' ``reset_after=True`` layout)."
        ),
        parameters=_SHARED_PARAMETERS + _SEED_AND_VERBOSE,
        attributes=_SHARED_ATTRIBUTES,
        see_also=(
            "RNNRegressor : The simple recurrent network.\n"
            "LSTMRegressor : Gated cells with a separate cell state."
        ),
        name="GRURegressor",
    )

    def _recurrent_layer(self, *, return_sequences, name):
        return _layer(keras.layers.GRU, self, return_sequences=return_sequences, name=name)


def _layer(layer_class, regressor, *, return_sequences, name):
    """A recurrent layer of class `layer_class` with `regressor`'s units and dropout,
    its random parts seeded from the regressor's ``random_state``."""
    peephole = layer_class is PeepholeLSTM
    return layer_class(
        regressor.units,
        return_sequences=return_sequences,
        dropout=regressor.dropout,
        name=name,
        **_random_parts(regressor.random_state, name, peephole=peephole),
    )


def _random_parts(random_state, name, peephole=False):
    """The seeded random parts of the recurrent layer `name`: initial weights and
    dropout masks (see :mod:`skrnn._seeding`)."""
    parts = {
        "kernel_initializer": seeded_initializer("glorot_uniform", random_state, name, "kernel"),
        "recurrent_initializer": seeded_initializer("orthogonal", random_state, name, "recurrent"),
        "seed": layer_seed(random_state, name, "dropout"),
    }
    if peephole:
        parts["peephole_initializer"] = seeded_initializer(
            "glorot_uniform", random_state, name, "peephole"
        )
    return parts
