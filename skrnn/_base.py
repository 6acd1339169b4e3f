"""The one base of skrnn's recurrent regressors, and all of skrnn's contact with SciKeras.

The regressors derive from SciKeras' ``KerasRegressor`` (0.13, pinned), which
places them in the Keras-wrapper family users of SciKeras know. That is all it
provides: Keras 3 models pickle on their own, and SciKeras' fit, predict and
parameter handling are not used, for reasons measured on scikit-learn >= 1.6:

- it declares its mixins in the wrong order, so ``is_regressor`` is False: the
  tags are set here;
- its data validation rejects NaN (skrnn's masked steps) and any change of window
  length between fit and predict (a recurrent network reads any length);
- its ``random_state`` reaches into TensorFlow internals: skrnn derives every
  draw of a fit from ``random_state`` itself (:mod:`skrnn._seeding`);
- its own parameters (``optimizer``, ``loss``, ``model``, ``callbacks`` ...) would
  sit in ``get_params`` next to skrnn's and contradict them (a shuffled
  ``validation_split`` against early stopping on a time-ordered tail): the
  parameters here are exactly the explicit keywords of the base's ``__init__``
  (plus ``peephole`` for the LSTM).

Should SciKeras ever stop working, only this module needs replacing.
"""

from numbers import Integral, Real

import keras
import numpy as np
from keras import ops
from scikeras.wrappers import KerasRegressor
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context, clone
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils._tags import RegressorTags
from sklearn.utils.validation import check_is_fitted

from skrnn import _engine
from skrnn._seeding import epoch_order, member_seeds, seeded_initializer
from skrnn._significance import loss_difference_test
from skrnn._skip import (
    INPUTS,
    STARTS,
    LevelFree,
    NewestSteps,
    initial_skip,
    later_in_series,
    output_horizons,
    seasonal_back,
    skip_steps,
    start_kind,
)
from skrnn._validation import (
    check_horizons,
    check_targets,
    check_windows,
    target_standardization,
    window_regressor_tags,
)


@keras.saving.register_keras_serializable(package="skrnn")
class MissingStepMasking(keras.layers.Layer):
    """Mask the time steps that are NaN, so the recurrent layers skip them.

    A window that reaches back before the start of the series has NaN steps
    (see :class:`~skrnn.SlidingWindowTransformer`). Keras' own ``Masking``
    compares with a value, which a real scaled price (0.0 after min-max
    scaling) could equal; NaN never is a price. Masked steps are set to zero so
    that no NaN reaches the arithmetic, and the mask tells every recurrent
    layer to carry its state over them: a window with leading NaN steps reads
    exactly as the shorter window would.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return ops.where(ops.isnan(inputs), ops.zeros_like(inputs), inputs)

    def compute_mask(self, inputs, mask=None):
        return ops.logical_not(ops.all(ops.isnan(inputs), axis=-1))

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="skrnn")
class NewestStep(keras.layers.Layer):
    """The newest time step of a sequence, ``inputs[:, -1, :]`` (no mask passes)."""

    def call(self, inputs):
        return inputs[:, -1, :]

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


class _NotAMember:
    """A member of a base class that this class does not have: reading it, on the
    class or on an instance, raises AttributeError, as for any missing name."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        name = owner.__name__
        what = f"type object {name!r}" if instance is None else f"{name!r} object"
        raise AttributeError(f"{what} has no attribute {self.name!r}")

    @staticmethod
    def on(cls, name):
        """Whether `name` is such a missing member of `cls`."""
        return any(isinstance(vars(k).get(name), _NotAMember) for k in cls.__mro__)


class BaseRecurrentRegressor(KerasRegressor):
    """Shared machinery of :class:`RNNRegressor`, :class:`LSTMRegressor` and
    :class:`GRURegressor`; subclasses only name their recurrent layer.

    Warning: this class should not be used directly. Use the derived classes.
    """

    _parameter_constraints: dict = {
        "units": [Interval(Integral, 1, None, closed="left")],
        "layers": [Interval(Integral, 1, None, closed="left")],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "residual": ["boolean", StrOptions(set(STARTS))],
        "season": [Interval(Integral, 1, None, closed="left"), None],
        "inputs": [StrOptions(set(INPUTS))],
        "horizon": [Interval(Integral, 1, None, closed="left"), list, tuple, None],
        "significance": [Interval(Real, 0, 1, closed="both"), None],
        "n_seeds": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    # SciKeras reads parameter names off the instance; scikit-learn's rule, the
    # explicit signature of __init__, is the one users see documented.
    _get_param_names = classmethod(BaseEstimator._get_param_names.__func__)
    set_params = BaseEstimator.set_params
    __repr__ = BaseEstimator.__repr__
    # SciKeras' members for its own fit loop, which skrnn does not use: the
    # regressors do not have them.
    current_epoch = _NotAMember()
    feature_encoder = _NotAMember()
    initialized_ = _NotAMember()
    scorer = _NotAMember()
    target_encoder = _NotAMember()

    def __init__(
        self,
        *,
        units=32,
        layers=4,
        patience=40,
        epochs=500,
        batch_size=32,
        validation_fraction=0.1,
        learning_rate=0.001,
        weight_decay=0.0,
        dropout=0.0,
        residual=True,
        season=None,
        inputs="levels",
        horizon=None,
        significance=0.05,
        n_seeds=1,
        random_state=None,
        verbose=0,
    ):
        self.units = units
        self.layers = layers
        self.patience = patience
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_fraction = validation_fraction
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.residual = residual
        self.season = season
        self.inputs = inputs
        self.horizon = horizon
        self.significance = significance
        self.n_seeds = n_seeds
        self.random_state = random_state
        self.verbose = verbose

    # -- what a subclass provides ---------------------------------------------

    def _recurrent_layer(self, *, return_sequences, name):
        """One recurrent layer of ``self.units`` units (subclasses decide which)."""
        raise NotImplementedError

    # -- the scikit-learn API --------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train a new network, stopping early on the latest training rows.

        The last ``validation_fraction`` of the rows, in time order, watch the
        training: it stops once their loss has not improved for ``patience``
        epochs, and the weights of the best epoch are restored.

        Parameters
        ----------
        X : array-like of shape (n_samples, window, n_features) or (n_samples, window)
            Windows in time order, the newest step last (the output of
            :class:`~skrnn.SlidingWindowTransformer`); a 2-D array is one
            feature. NaN steps are masked; a window that is NaN everywhere is
            an error.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets (for example the price ``horizon`` days after the window
            ends); several columns give one output each.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        X, y = self._validate_fit_data(X, y, reset=True)
        if self.n_seeds > 1:
            return self._fit_members(X, y)
        n_val = self._n_validation_rows(X.shape[0])
        n_train = X.shape[0] - n_val
        self._initialize_model(X, y, n_train=n_train)
        y_scaled = self._scale_y(y)
        with self._program() as program:
            program.load(self.model_)
            self.history_, self.best_epoch_ = self._train(
                program, (X[:n_train], y_scaled[:n_train]), (X[n_train:], y_scaled[n_train:])
            )
        if self.residual and n_val and self.best_epoch_ == 0:
            # The start is kept: it is fitted on every row, as the baselines are.
            self.model_.get_layer("skip").set_weights(self._start(X, y_scaled))
        self.n_iter_ = len(self.history_["loss"])
        self.models_, self.best_epochs_ = [self.model_], np.array([self.best_epoch_])
        return self

    def initialize(self, X, y):
        """Build the network for `X` and `y` without training it.

        Fits the target scaling and creates ``model_`` with fresh weights;
        :meth:`partial_fit` then trains it one epoch at a time.

        Parameters
        ----------
        X : array-like of shape (n_samples, window, n_features) or (n_samples, window)
            Windows in time order.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        Returns
        -------
        self : object
            The initialised regressor.
        """
        self._validate_params()
        if self.n_seeds > 1:
            raise ValueError(
                f"partial_fit trains one network, but n_seeds={self.n_seeds}; use fit for "
                "an ensemble of seeds, or n_seeds=1."
            )
        X, y = self._validate_fit_data(X, y, reset=True)
        self._initialize_model(X, y, n_train=X.shape[0])
        self.history_ = {"loss": []}
        self.n_iter_ = 0
        self.models_ = [self.model_]
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y):
        """Train one more epoch on `X` and `y`, without early stopping.

        The first call initialises the network and the target scaling from
        this data (see :meth:`initialize`); later calls keep both.

        Parameters
        ----------
        X : array-like of shape (n_samples, window, n_features) or (n_samples, window)
            Windows in time order.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, in the shape used by the first call.

        Returns
        -------
        self : object
            The regressor, trained one epoch further.
        """
        if not hasattr(self, "model_"):
            self.initialize(X, y)
        X, y = self._validate_fit_data(X, y, reset=False)
        with self._program() as program:
            program.load(self.model_)
            order = epoch_order(self.random_state, self.n_iter_, X.shape[0])
            loss = program.train_epoch(X, self._scale_y(y), order)
            program.store(self.model_)
        self.history_["loss"].append(loss)
        self.n_iter_ += 1
        if self.verbose:
            print(f"Epoch {self.n_iter_}: loss: {loss:.4g}", flush=True)
        return self

    def predict(self, X, return_std=False):
        """Predict the targets of each window, in the units of ``y``.

        With ``n_seeds`` above 1, the mean of the networks' predictions.

        Parameters
        ----------
        X : array-like of shape (n_samples, window, n_features) or (n_samples, window)
            Windows with the number of features seen in fit; their length may
            differ from the training windows' (a recurrent network reads any
            length), but a skip connection that reads several steps (the
            linear or seasonal start) needs at least as many.

        return_std : bool, default=False
            Whether to return, too, the standard deviation of the networks'
            predictions around their mean: the spread of the seed ensemble
            (zeros for a single network). It measures how much the networks
            disagree, not how far the forecast is from what will happen.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, shaped like the ``y`` given to fit.

        y_std : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The standard deviation over the networks, in ``y``'s units; only
            with ``return_std=True``.
        """
        check_is_fitted(self, "model_")
        X = self._validate_X(X, reset=False)
        members = self._predict_scaled(X)
        y_pred = members.mean(axis=0) * self._y_scale + self._y_center
        if self._y_ndim == 1:
            y_pred = y_pred.ravel()
        if not return_std:
            return y_pred
        y_std = members.std(axis=0) * self._y_scale
        return y_pred, y_std.ravel() if self._y_ndim == 1 else y_std

    def score(self, X, y, sample_weight=None):
        """Return the coefficient of determination R² of the predictions of `X`.

        Parameters
        ----------
        X : array-like of shape (n_samples, window, n_features) or (n_samples, window)
            Windows, as for :meth:`predict`.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The true targets, in the units of the ``y`` given to fit.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows.

        Returns
        -------
        score : float
            :func:`~sklearn.metrics.r2_score` of ``self.predict(X)`` against `y`,
            averaged over the outputs with equal weights.
        """
        return RegressorMixin.score(self, X, y, sample_weight=sample_weight)

    def __dir__(self):
        return [name for name in super().__dir__() if not _NotAMember.on(type(self), name)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # SciKeras lists RegressorMixin after BaseEstimator, whose tags win:
        # say here what RegressorMixin would have said.
        tags.estimator_type = "regressor"
        tags.regressor_tags = RegressorTags()
        tags.target_tags.required = True
        # NaN in a window is a masked step, not a number.
        return window_regressor_tags(tags)

    # -- private helpers -------------------------------------------------------

    def _validate_fit_data(self, X, y, *, reset):
        X = self._validate_X(X, reset=reset)
        y = check_targets(self, X, y)
        if reset:
            self._y_ndim = y.ndim
        elif y.ndim != self._y_ndim or (y.ndim == 2 and y.shape[1] != self._y_scale.size):
            raise ValueError(
                f"y has shape {y.shape[1:]} per row, but this {type(self).__name__} "
                f"was initialised with {self._y_scale.size} output(s)."
            )
        return X, y

    def _validate_X(self, X, *, reset):
        X = check_windows(self, X, dtype=np.float32, reset=reset)
        if np.isinf(X).any():
            raise ValueError("X contains infinite values; expected finite numbers or NaN.")
        _check_missing_steps(X)
        if not reset:
            self._check_window_length(X, getattr(self, "_skip_steps", 1))
        return X

    def _check_window_length(self, X, skip_steps):
        """Windows long enough for the skip connection and the recurrent inputs."""
        if X.shape[1] < skip_steps:
            reads = (
                "the whole training window (the linear start)"
                if start_kind(self.residual) == "linear"
                else "back to the last season (the seasonal start)"
            )
            raise ValueError(
                f"X has windows of {X.shape[1]} step(s), but residual={self.residual!r} "
                f"reads the newest {skip_steps} steps, {reads}; expected windows of at "
                f"least {skip_steps} steps."
            )
        if self.inputs == "differences" and X.shape[1] < 2:
            raise ValueError(
                "inputs='differences' needs windows of at least 2 steps (a change from "
                f"one step to the next); got windows of {X.shape[1]} step."
            )

    def _fit_members(self, X, y):
        """The seed ensemble: the same fit once per seed of
        :func:`~skrnn._seeding.member_seeds`, each an ordinary fit of one network;
        the first network's fitted state is this regressor's."""
        members = [
            clone(self).set_params(n_seeds=1, random_state=seed).fit(X, y)
            for seed in member_seeds(self.random_state, self.n_seeds)
        ]
        params = self.get_params(deep=False)
        vars(self).update({k: v for k, v in vars(members[0]).items() if k not in params})
        self.models_ = [member.model_ for member in members]
        self.best_epochs_ = np.array([member.best_epoch_ for member in members])
        return self

    def _train(self, program, train, validation):
        """Run the epochs on `program` (loaded with ``model_``), stopping early on
        the `validation` rows if there are any, and store the weights kept in
        ``model_``: the history and the epoch kept."""
        history, stopping, kept = {"loss": []}, None, None
        if len(validation[0]):
            history["val_loss"] = []
            start_errors = program.errors(*validation)
            stopping = _EarlyStopping(self.patience, start_errors.mean())
            start = kept = program.snapshot()
        progress = _Progress(self.epochs, self.verbose)
        for epoch in range(self.epochs):
            order = epoch_order(self.random_state, epoch, len(train[0]))
            history["loss"].append(program.train_epoch(*train, order))
            if stopping:
                errors = program.errors(*validation)
                history["val_loss"].append(float(errors.mean()))
                if stopping.update(epoch, history["val_loss"][-1]):
                    kept, kept_errors = program.snapshot(), errors
            progress.update(epoch, history, last=stopping and stopping.stop)
            if stopping and stopping.stop:
                break
        if not stopping:
            program.store(self.model_, kept)
            return history, len(history["loss"])
        if stopping.best_epoch and not self._beats_start(kept_errors, start_errors):
            kept, stopping.best_epoch = start, 0
        program.store(self.model_, kept)
        return history, stopping.best_epoch

    def _beats_start(self, errors, start_errors):
        """Whether a trained network replaces its start: whether its per-row
        squared `errors` are significantly smaller than the start's (always,
        without ``residual`` or ``significance``; never with
        ``significance=0``), by the one-sided test of :meth:`_start_pvalue`.

        Early stopping applies it to the validation rows; a few dozen of them
        let noise lower the loss by a few percent, and a network kept for such
        a gain forecasts worse than the start it replaced.
        :func:`skrnn.model_selection.compare` applies it to the out-of-fold
        errors of its cross-validation, many more rows.
        """
        if not self.residual or self.significance is None:
            return True
        return self._start_pvalue(errors, start_errors) < self.significance

    def _start_pvalue(self, errors, start_errors):
        """The p-value of the one-sided Diebold-Mariano test that the per-row
        squared `errors` (in time order) are smaller than the start's, their
        overlap up to the largest ``horizon`` taken into account; 1 where the
        test is undefined (equal errors on every row: no evidence of a gain)."""
        horizons = [1] if self.horizon is None else check_horizons(self.horizon)[0]
        try:
            test = loss_difference_test(
                np.asarray(errors) - np.asarray(start_errors),
                horizon=max(1, min(max(horizons), len(errors) - 1)),
                alternative="less",
            )
        except ValueError:
            return 1.0
        return test.pvalue

    def _predict_scaled(self, X):
        """Each network's output for validated windows, in float64:
        ``(n_networks, n_samples, n_outputs)``."""
        # model_ is the first network, even if it was replaced after fit.
        models = [self.model_, *getattr(self, "models_", [None])[1:]]
        with self._program() as program:
            return np.stack([program.forward(model, X).astype(np.float64) for model in models])

    def _program(self):
        """The compiled training and forward passes of the fitted network's
        architecture (see :mod:`skrnn._engine`), for this call alone."""
        return _engine.borrowed(self.model_, self.batch_size)

    def _n_validation_rows(self, n_samples):
        if self.validation_fraction == 0:
            return 0
        n_val = max(1, int(round(self.validation_fraction * n_samples)))
        if n_val >= n_samples:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves no rows to "
                f"train on with n_samples={n_samples}; expected at least 2 rows, or "
                "validation_fraction=0 to train without early stopping."
            )
        return n_val

    def _initialize_model(self, X, y, *, n_train):
        y2d = y.reshape(y.shape[0], -1)
        self._y_center, self._y_scale = target_standardization(y2d)
        start = self._start(X[:n_train], self._scale_y(y[:n_train]))
        self.model_ = self._build_network(X.shape[2], y2d.shape[1])
        if start is not None:
            self.model_.get_layer("skip").set_weights(start)

    def _scale_y(self, y):
        return ((y.reshape(y.shape[0], -1) - self._y_center) / self._y_scale).astype(np.float32)

    def _build_network(self, n_features, n_outputs):
        """The lecture's network, ``layers`` recurrent layers and a Dense output,
        plus, with ``residual``, a linear skip path from the newest steps."""
        inputs = keras.Input(shape=(None, n_features), name="windows")
        steps = MissingStepMasking(name="missing_step_masking")(inputs)
        hidden = steps
        if self.inputs != "levels":
            # The recurrent layers read the window's shape; the skip, its level.
            hidden = LevelFree(self.inputs, name="level_free")(inputs)
            hidden = MissingStepMasking(name="level_free_masking")(hidden)
        for i in range(self.layers):
            last = i == self.layers - 1
            hidden = self._recurrent_layer(return_sequences=not last, name=f"recurrent_{i}")(hidden)
        if self.residual:
            # The network starts as the linear skip and learns the change from it.
            output = keras.layers.Dense(n_outputs, kernel_initializer="zeros", name="output")(
                hidden
            )
            n_steps = getattr(self, "_skip_steps", 1)
            if n_steps == 1:
                newest = NewestStep(name="newest_step")(steps)
            else:
                newest = NewestSteps(n_steps, name="newest_steps")(inputs)
            # Its weights are set from the training rows (_start): nothing to draw.
            skip_layer = keras.layers.Dense(n_outputs, kernel_initializer="zeros", name="skip")
            output = keras.layers.Add(name="residual")([output, skip_layer(newest)])
        else:
            kernel = seeded_initializer("glorot_uniform", self.random_state, "output", "kernel")
            output = keras.layers.Dense(n_outputs, kernel_initializer=kernel, name="output")(hidden)
        model = keras.Model(inputs, output, name=type(self).__name__.removesuffix("Regressor"))
        optimizer = keras.optimizers.Adam(
            learning_rate=self.learning_rate, weight_decay=self.weight_decay or None
        )
        if self.residual and self.weight_decay:
            # Decay shrinks weights toward zero: the recurrent path toward adding
            # nothing to the start, but the skip away from the start itself.
            optimizer.exclude_from_weight_decay(var_list=skip_layer.trainable_weights)
        model.compile(optimizer=optimizer, loss="mean_squared_error")
        return model

    def _start(self, X, y_scaled):
        """The skip's weights at the start `residual` names, in the units of the
        scaled y (None without a skip); sets ``_skip_steps``, the newest steps
        the skip reads, and checks that the start and `inputs` apply to `X`.

        The naive start maps, for each output, the newest step of the feature
        that follows it most closely (highest absolute correlation) to the
        output's units by :func:`skrnn._naive_start.naive_start`: exactly when
        the output is that feature ``horizon`` rows later (``horizon`` given,
        or found), else by matching mean and standard deviation. A
        least-squares line from the newest step to y is not used: on a
        trending price its slope falls short of 1 and pulls forecasts back to
        the training mean. The seasonal start reads the same map one season
        back; the linear start is the ridge autoregression on the training
        windows (see :mod:`skrnn._skip`).
        """
        kind = start_kind(self.residual)
        if kind is None and self.inputs != "levels":
            raise ValueError(
                f"inputs={self.inputs!r} takes the level out of what the recurrent layers "
                "read; only a skip connection can carry it back to the output. Use "
                "residual=True (or 'linear', 'seasonal'), or inputs='levels'."
            )
        if kind == "linear" and X.shape[1] < 2:
            raise ValueError(
                "residual='linear' starts from a linear autoregression on the whole "
                "window, but the windows have 1 step: on one step it is the naive "
                "start. Use windows of at least 2 steps, or residual=True."
            )
        if kind == "seasonal" and self.season is None:
            raise ValueError(
                "residual='seasonal' starts from the value one season back, but "
                "season=None; give the season's length in rows (12 for monthly data "
                "with a yearly season)."
            )
        targets = y_scaled.astype(np.float64)
        newest = np.nan_to_num(X[:, -1, :].astype(np.float64))
        horizons = self._output_horizons(targets.shape[1])
        backs = [0]
        if kind == "seasonal":
            found = output_horizons(newest, targets, horizons, later_in_series(X))
            backs = [seasonal_back(self.season, h) for h in found]
        self._skip_steps = skip_steps(kind, X.shape[1], backs)
        self._check_window_length(X, self._skip_steps)
        if kind is None:
            return None
        return list(initial_skip(kind, X, targets, horizons, backs))

    def _output_horizons(self, n_outputs):
        """The horizon of each output (None: to be found from the rows)."""
        if self.horizon is None:
            return [None] * n_outputs
        horizons, _ = check_horizons(self.horizon)
        if len(horizons) != n_outputs:
            raise ValueError(
                f"horizon={self.horizon!r} gives {len(horizons)} horizon(s), but y has "
                f"{n_outputs} output(s); expected one horizon per column of y."
            )
        return horizons


class _EarlyStopping:
    """Stop once the validation loss has not improved for `patience` epochs; keep the best.

    Unlike ``keras.callbacks.EarlyStopping``, the weights before the first epoch
    are a candidate too: with ``residual=True`` the untrained network is the
    naive forecast from the newest step, a forecast in its own right, and
    training that only makes the validation rows worse should not replace it.
    """

    def __init__(self, patience, initial_loss):
        self.patience = patience
        self.best_loss, self.best_epoch, self.wait = float(initial_loss), 0, 0
        self.stop = False

    def update(self, epoch, loss):
        """Take the validation loss after `epoch` (from 0); True if it is the best yet."""
        if loss < self.best_loss:  # NaN never improves
            self.best_loss, self.best_epoch, self.wait = loss, epoch + 1, 0
            return True
        self.wait += 1
        self.stop = self.wait >= self.patience
        return False


class _Progress:
    """What ``verbose`` shows: 1 a progress bar over the epochs, 2 a line per epoch."""

    def __init__(self, epochs, verbose):
        self.verbose = verbose
        if verbose == 1:
            self.bar = keras.utils.Progbar(epochs, unit_name="epoch")

    def update(self, epoch, history, last=False):
        if not self.verbose:
            return
        values = [(name, losses[-1]) for name, losses in history.items()]
        if self.verbose == 1:
            self.bar.update(epoch + 1, values, finalize=bool(last) or None)
        else:
            shown = " - ".join(f"{name}: {value:.4g}" for name, value in values)
            print(f"Epoch {epoch + 1}: {shown}", flush=True)


def _check_missing_steps(X):
    """Each step is known (all features) or missing (all NaN); no window is empty."""
    nan = np.isnan(X)
    if not nan.any():
        return
    missing_step = nan.all(axis=2)
    if (nan.any(axis=2) & ~missing_step).any():
        rows = np.flatnonzero((nan.any(axis=2) & ~missing_step).any(axis=1))
        raise ValueError(
            f"X has time steps where only some features are NaN (rows {rows[:5].tolist()}"
            f"{' ...' if rows.size > 5 else ''}); a step is either missing "
            "(all NaN, masked) or known (all finite)."
        )
    empty = missing_step.all(axis=1)
    if empty.any():
        rows = np.flatnonzero(empty)
        raise ValueError(
            f"X has windows that are NaN everywhere (rows {rows[:5].tolist()}"
            f"{' ...' if rows.size > 5 else ''}); each window needs at least one "
            "known step."
        )
