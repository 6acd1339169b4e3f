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
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils._tags import RegressorTags
from sklearn.utils.validation import check_is_fitted

from skrnn import _engine
from skrnn._naive_start import closest_feature, naive_start
from skrnn._seeding import epoch_order, seeded_initializer
from skrnn._significance import loss_difference_test
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
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "residual": ["boolean"],
        "horizon": [Interval(Integral, 1, None, closed="left"), list, tuple, None],
        "significance": [Interval(Real, 0, 1, closed="right"), None],
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
        dropout=0.0,
        residual=True,
        horizon=None,
        significance=0.05,
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
        self.dropout = dropout
        self.residual = residual
        self.horizon = horizon
        self.significance = significance
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
        n_val = self._n_validation_rows(X.shape[0])
        n_train = X.shape[0] - n_val
        self._initialize_model(X, y, n_train=n_train)
        y_scaled = self._scale_y(y)
        with self._program() as program:
            program.load(self.model_)
            self.history_, self.best_epoch_ = self._train(
                program, (X[:n_train], y_scaled[:n_train]), (X[n_train:], y_scaled[n_train:])
            )
        self.n_iter_ = len(self.history_["loss"])
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
        X, y = self._validate_fit_data(X, y, reset=True)
        self._initialize_model(X, y, n_train=X.shape[0])
        self.history_ = {"loss": []}
        self.n_iter_ = 0
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

    def predict(self, X):
        """Predict the targets of each window, in the units of ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, window, n_features) or (n_samples, window)
            Windows with the number of features seen in fit; their length may
            differ from the training windows' (a recurrent network reads any
            length).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, shaped like the ``y`` given to fit.
        """
        check_is_fitted(self, "model_")
        X = self._validate_X(X, reset=False)
        y_pred = self._predict_scaled(X) * self._y_scale + self._y_center
        return y_pred.ravel() if self._y_ndim == 1 else y_pred

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
        return X

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
        """Whether the trained network's validation errors are significantly
        smaller than the naive start's (always, without ``residual`` or
        ``significance``): a one-sided Diebold-Mariano test of the per-row
        squared errors. A few dozen validation rows let noise lower the loss by
        a few percent; a network kept for such a gain forecasts the test period
        worse than the naive start it replaced."""
        if not self.residual or self.significance is None:
            return True
        try:
            test = loss_difference_test(errors - start_errors, horizon=1, alternative="less")
        except ValueError:  # equal errors on every row: no evidence of a gain
            return False
        return test.pvalue < self.significance

    def _predict_scaled(self, X):
        """The network's output for validated windows, in float64."""
        with self._program() as program:
            return program.forward(self.model_, X).astype(np.float64)

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
        self.model_ = self._build_network(X.shape[2], y2d.shape[1])
        if self.residual:
            self._initialize_skip(X[:n_train], self._scale_y(y[:n_train]))

    def _scale_y(self, y):
        return ((y.reshape(y.shape[0], -1) - self._y_center) / self._y_scale).astype(np.float32)

    def _build_network(self, n_features, n_outputs):
        """The lecture's network, ``layers`` recurrent layers and a Dense output,
        plus, with ``residual=True``, a linear path from the newest step."""
        inputs = keras.Input(shape=(None, n_features), name="windows")
        steps = MissingStepMasking(name="missing_step_masking")(inputs)
        hidden = steps
        for i in range(self.layers):
            last = i == self.layers - 1
            hidden = self._recurrent_layer(return_sequences=not last, name=f"recurrent_{i}")(hidden)
        if self.residual:
            # The network starts as the linear skip and learns the change from it.
            output = keras.layers.Dense(n_outputs, kernel_initializer="zeros", name="output")(
                hidden
            )
            # Its weights are set from the training rows (_initialize_skip): nothing to draw.
            skip = keras.layers.Dense(n_outputs, kernel_initializer="zeros", name="skip")(
                NewestStep(name="newest_step")(steps)
            )
            output = keras.layers.Add(name="residual")([output, skip])
        else:
            kernel = seeded_initializer("glorot_uniform", self.random_state, "output", "kernel")
            output = keras.layers.Dense(n_outputs, kernel_initializer=kernel, name="output")(hidden)
        model = keras.Model(inputs, output, name=type(self).__name__.removesuffix("Regressor"))
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=self.learning_rate),
            loss="mean_squared_error",
        )
        return model

    def _initialize_skip(self, X, y_scaled):
        """Start the skip path at the naive forecast, in the units of the scaled y.

        For each output, the newest step of the feature that follows it most
        closely (highest absolute correlation) is mapped to the output's units
        by :func:`skrnn._naive_start.naive_start`: exactly when the output is
        that feature ``horizon`` rows later (``horizon`` given, or found),
        else by matching mean and standard deviation. A least-squares line
        from the newest step to y is not used: on a trending price its slope
        falls short of 1 and pulls forecasts back to the training mean.
        """
        newest = np.nan_to_num(X[:, -1, :].astype(np.float64))
        targets = y_scaled.astype(np.float64)
        horizons = self._output_horizons(targets.shape[1])
        kernel = np.zeros((newest.shape[1], targets.shape[1]))
        bias = np.zeros(targets.shape[1])
        for j in range(targets.shape[1]):
            k = closest_feature(newest, targets[:, j])
            kernel[k, j], bias[j], _ = naive_start(newest[:, k], targets[:, j], horizons[j])
        self.model_.get_layer("skip").set_weights([kernel, bias])

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
