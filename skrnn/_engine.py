"""How skrnn trains its networks and runs them: compiled once per architecture.

skrnn's networks are tiny, so a fit through ``keras.Model.fit`` is almost all
framework overhead: a data pipeline and a validation loop set up every epoch,
callbacks every batch, and every new model traced and compiled anew (seconds per
fit, for an epoch that computes in a millisecond). A grid search makes many fits
of few architectures, so skrnn compiles once per architecture and process and
keeps the loop of an epoch inside the compiled code.

A *program* holds, for one architecture (the network's configuration, its
optimizer and the batch size), a template copy of the network and the compiled
functions that train it and run it. A fit borrows the program of its
architecture, loads its own network's weights and optimizer state into it,
trains, and writes the weights it keeps back into its own network, the
``model_`` users see; the template is never handed out. Predictions run the
program's compiled forward pass on ``model_``'s current weights.

Shapes stay fixed where a backend compiles per shape (JAX): an epoch's batches
are passed as one array of a fixed number of batches, the last batch padded
with rows of weight zero, and predictions run on row counts rounded up to a few
sizes. Each backend has its program: JAX (pure functions, ``jax.jit``),
TensorFlow (a ``tf.function`` on the template's variables, with unknown
dimensions where TensorFlow allows them) and, for any other backend, Keras'
public ``train_on_batch``.
"""

import collections
import contextlib
import json
import random
import threading
import types
import weakref

import keras
import numpy as np

#: Idle programs kept per process; the least recently used go first.
_MAX_IDLE_PROGRAMS = 16
#: Batches per compiled call (JAX), unless they would pass ``_CALL_BYTES`` of
#: windows: an epoch of a few thousand rows is one call.
_CALL_BATCHES = 64
_CALL_BYTES = 8 << 20
#: Rows of a forward pass (JAX): predictions and validation rows run in chunks
#: of this many, the last padded.
_EVAL_ROWS = 128
#: Rows per Keras ``predict_on_batch`` call where a backend has no program.
_MAX_ROWS = 4096

_lock = threading.Lock()
_idle = collections.OrderedDict()  # key -> list of idle programs
_keys = weakref.WeakKeyDictionary()  # model -> its architecture key


# -- the programs of a process ----------------------------------------------------


@contextlib.contextmanager
def borrowed(model, batch_size):
    """The program of `model`'s architecture, for the caller alone until it exits.

    When no idle program of the architecture exists, a new one is compiled on a
    template built from `model` itself (its configuration, its optimizer's and
    its loss), so that the program always trains the architecture it is kept
    under. The template is built with Python's and NumPy's global random state
    saved and restored: an unseeded network's initializers draw from them, and
    whether a program was there already must not change what a fit draws.
    """
    key = (architecture_key(model), int(batch_size))
    with _lock:
        programs = _idle.get(key)
        program = programs.pop() if programs else None
    if program is None:
        with _saved_random_state():
            template = _template(model)
        program = _PROGRAMS.get(keras.backend.backend(), _KerasProgram)(template, batch_size)
    try:
        yield program
    finally:
        program.release()
        with _lock:
            _idle.setdefault(key, []).append(program)
            _idle.move_to_end(key)
            while sum(map(len, _idle.values())) > _MAX_IDLE_PROGRAMS:
                oldest = next(iter(_idle))
                _idle[oldest].pop(0)
                if not _idle[oldest]:
                    del _idle[oldest]


def architecture_key(model):
    """What a program's compiled code depends on: the backend, the network's
    configuration and its optimizer's (but the learning rate, a value the
    program is given), without the names Keras numbers as it creates objects."""
    with _lock:
        key = _keys.get(model)
    if key is None:
        optimizer = None
        if model.optimizer is not None:
            optimizer = dict(model.optimizer.get_config())
            optimizer.pop("learning_rate", None)
            optimizer.pop("name", None)
            optimizer = [type(model.optimizer).__qualname__, optimizer]
        config = model.get_config()
        # Layers, and the operations a layer applies to Keras tensors (such as
        # a mask's), are named by their order of creation: "isnan", "isnan_1"...
        names = {layer["name"]: f"#{i}" for i, layer in enumerate(config.get("layers", []))}
        config = _renamed(_seedless(config), names)
        key = json.dumps([keras.backend.backend(), config, optimizer], sort_keys=True, default=repr)
        with _lock:
            _keys[model] = key
    return key


def squared_errors(y_pred, y, ops=np):
    """Per row, the mean over the outputs of the squared error: the loss of every
    program (Keras' ``mean_squared_error``, which a batch averages over its rows).
    `ops` is the array namespace: NumPy, or ``keras.ops`` inside compiled code."""
    return ops.mean(ops.square(y_pred - y), axis=-1)


def _template(model):
    """A new network of `model`'s architecture, compiled as `model` is: the same
    configuration, a fresh optimizer of the same configuration, the same loss."""
    template = keras.models.clone_model(model)
    optimizer = type(model.optimizer).from_config(model.optimizer.get_config())
    # Variables kept out of weight decay (a residual network's skip) are not part of
    # an optimizer's configuration: the template's own variables are excluded alike.
    excluded = getattr(model.optimizer, "_exclude_from_weight_decay", set())
    if excluded:
        pairs = zip(model.trainable_variables, template.trainable_variables, strict=True)
        optimizer.exclude_from_weight_decay(
            var_list=[
                mine for theirs, mine in pairs if model.optimizer._var_key(theirs) in excluded
            ]
        )
    template.compile(optimizer=optimizer, loss=model.loss)
    return template


def _seedless(value):
    """`value` without its ``seed`` entries: the seeds of the initializers (the
    weights a program loads, not compiles) and of the dropout masks (a layer's
    seed-generator state, a variable the program loads too). Seeded fits of one
    architecture then share a program instead of compiling one per seed."""
    if isinstance(value, dict):
        return {k: _seedless(v) for k, v in value.items() if k != "seed"}
    if isinstance(value, (list, tuple)):
        return [_seedless(v) for v in value]
    return value


def _renamed(value, names):
    if isinstance(value, dict):
        return {k: _renamed(v, names) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_renamed(v, names) for v in value]
    if isinstance(value, str):
        return names.get(value, value)
    return value


@contextlib.contextmanager
def _saved_random_state():
    # The global states Keras' unseeded initializers draw from (legacy NumPy included).
    python_state, numpy_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)  # noqa: NPY002


# -- what every program does --------------------------------------------------------


class _Program:
    """Training and forward passes of one architecture.

    ``load`` a network (its weights and optimizer state), ``train_epoch`` and
    ``errors`` as often as needed, ``snapshot`` the weights worth keeping, then
    ``store`` the kept weights and the optimizer state into a network.
    ``forward`` runs any network of the architecture on its own weights.
    """

    def __init__(self, template, batch_size):
        self.template = template
        self.batch_size = int(batch_size)
        self.optimizer = template.optimizer
        self.optimizer.build(template.trainable_variables)
        self._shapes = _shapes(template)

    def forward(self, model, X):
        """``model(X)`` as a NumPy array, on `model`'s current weights. A model
        changed since it was fitted, into another architecture, runs in Keras."""
        if _shapes(model) != self._shapes:
            return _keras_forward(model, X)
        return self._forward_model(model, X)

    def errors(self, X, y):
        """Per row, the squared error of the network being trained (in float64)."""
        return squared_errors(self._forward_current(X).astype(np.float64), y)

    def release(self):
        """Forget the last network's values: a program keeps no fit alive."""

    @staticmethod
    def _optimizer_values(model, program_optimizer):
        """The optimizer state to start from: `model`'s optimizer's when it has
        trained before (``partial_fit`` continues it), else a fresh state at its
        learning rate."""
        source = model.optimizer
        if source.built and _same_shapes(source.variables, program_optimizer.variables):
            return [keras.ops.convert_to_numpy(v.value) for v in source.variables]
        learning_rate = keras.ops.convert_to_numpy(source.learning_rate)
        return [
            learning_rate if v.name == "learning_rate" else np.zeros(v.shape, v.dtype)
            for v in program_optimizer.variables
        ]

    @staticmethod
    def _store_optimizer(model, values):
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        for variable, value in zip(model.optimizer.variables, values, strict=True):
            variable.assign(value)


class _StatefulProgram(_Program):
    """A program whose state is its template's variables (TensorFlow, any backend)."""

    def load(self, model):
        for mine, theirs in zip(self.template.variables, model.variables, strict=True):
            mine.assign(theirs.value)
        values = self._optimizer_values(model, self.optimizer)
        for variable, value in zip(self.optimizer.variables, values, strict=True):
            variable.assign(value)

    def store(self, model, kept=None):
        for mine, theirs in zip(self.template.variables, model.variables, strict=True):
            theirs.assign(mine.value)
        if kept is not None:
            for variable, value in zip(model.weights, kept, strict=True):
                variable.assign(value)
        self._store_optimizer(model, [v.value for v in self.optimizer.variables])


def _shapes(model):
    return (
        [tuple(v.shape) for v in model.trainable_variables],
        [tuple(v.shape) for v in model.non_trainable_variables],
    )


def _same_shapes(variables, others):
    return [tuple(v.shape) for v in variables] == [tuple(v.shape) for v in others]


def _batches(order, batch_size):
    """Row indices and row weights of an epoch's batches, as whole batches: the
    last is padded with row 0 at weight 0. A row weighs 1 / (rows in its batch),
    so that a batch's loss is the mean over its rows, as in Keras."""
    n = len(order)
    n_batches = -(-n // batch_size)
    rows = np.zeros(n_batches * batch_size, dtype=np.intp)
    rows[:n] = order
    weights = np.zeros(n_batches * batch_size, dtype=np.float32)
    weights[:n] = 1.0 / batch_size
    if n % batch_size:
        weights[(n_batches - 1) * batch_size : n] = 1.0 / (n % batch_size)
    return rows.reshape(n_batches, batch_size), weights.reshape(n_batches, batch_size)


# -- JAX --------------------------------------------------------------------------------


class _JaxProgram(_Program):
    """Pure functions of the state, compiled by ``jax.jit`` into one executable per
    window shape: a call runs up to a fixed number of training steps (a loop
    inside the compiled code), then, if asked, the forward pass of a fixed
    number of rows. Training, the validation loss and predictions all run it,
    so that an architecture costs one compilation, whatever the row counts. A
    snapshot is a reference to the state's arrays, not a copy."""

    def __init__(self, template, batch_size):
        import jax

        super().__init__(template, batch_size)
        self._jax = jax
        self._call = jax.jit(self._steps_then_forward)
        self._idle_arrays = {}
        self.state = None

    def load(self, model):
        optimizer_values = self._optimizer_values(model, self.optimizer)
        self.state = (
            [v.value for v in model.trainable_variables],
            [v.value for v in model.non_trainable_variables],
            [self._jax.numpy.asarray(value) for value in optimizer_values],
        )

    def train_epoch(self, X, y, order):
        rows, weights = _batches(order, self.batch_size)
        idle = self._idle(X)
        per_call = idle.batches_per_call
        total = 0.0
        for start in range(0, len(rows), per_call):
            n = min(per_call, len(rows) - start)
            index = np.zeros((per_call, self.batch_size), dtype=np.intp)
            index[:n] = rows[start : start + n]
            w = np.zeros((per_call, self.batch_size), dtype=np.float32)
            w[:n] = weights[start : start + n]
            self.state, squares, _ = self._call(
                self.state, X[index], y[index], w, np.int32(n), idle.x_eval, False
            )
            total += float(squares)
        return total / len(order)

    def snapshot(self):
        return self.state[:2]

    def store(self, model, kept=None):
        trainable, non_trainable = self.state[:2] if kept is None else kept
        for variable, value in zip(model.trainable_variables, trainable, strict=True):
            variable.assign(value)
        for variable, value in zip(model.non_trainable_variables, non_trainable, strict=True):
            variable.assign(value)
        self._store_optimizer(model, self.state[2])

    def release(self):
        self.state = None

    def _forward_model(self, model, X):
        state = (
            [v.value for v in model.trainable_variables],
            [v.value for v in model.non_trainable_variables],
            self._idle(X).optimizer,
        )
        return self._run(state, X)

    def _forward_current(self, X):
        return self._run(self.state, X)

    def _run(self, state, X):
        """The forward pass, ``_EVAL_ROWS`` rows per call (the last padded with
        zeros), no training step."""
        idle = self._idle(X)
        outputs = []
        for start in range(0, len(X), _EVAL_ROWS):
            x = X[start : start + _EVAL_ROWS]
            padded = np.zeros((_EVAL_ROWS, *x.shape[1:]), dtype=np.float32)
            padded[: len(x)] = x
            _, _, y_pred = self._call(state, *idle.batches, np.int32(0), padded, True)
            outputs.append(np.asarray(y_pred)[: len(x)])
        return np.concatenate(outputs)

    def _idle(self, X):
        """For windows shaped like `X`'s: the batches per call and, on the device,
        the arguments a call does not use (zeros): batches for calls that do
        not train, rows for calls that do not predict, an optimizer state for
        networks that are not trained."""
        shape = X.shape[1:]
        if shape not in self._idle_arrays:
            put = self._jax.device_put
            per_call = _CALL_BYTES // (self.batch_size * int(np.prod(shape)) * 4)
            per_call = max(1, min(_CALL_BATCHES, per_call))
            batches = (per_call, self.batch_size)
            self._idle_arrays[shape] = types.SimpleNamespace(
                batches_per_call=per_call,
                batches=(
                    put(np.zeros((*batches, *shape), np.float32)),
                    put(np.zeros((*batches, self.template.output_shape[-1]), np.float32)),
                    put(np.zeros(batches, np.float32)),
                ),
                x_eval=put(np.zeros((_EVAL_ROWS, *shape), np.float32)),
                optimizer=[put(np.zeros(v.shape, v.dtype)) for v in self.optimizer.variables],
            )
        return self._idle_arrays[shape]

    # Traced once per shape of the windows.

    def _steps_then_forward(self, state, xs, ys, ws, n, x_eval, evaluate):
        jax, jnp = self._jax, self._jax.numpy

        def loss(trainable, non_trainable, x, y, w):
            y_pred, non_trainable = self.template.stateless_call(
                trainable, non_trainable, x, training=True
            )
            per_row = squared_errors(y_pred, y, keras.ops)
            return jnp.sum(per_row * w), (non_trainable, per_row)

        def step(i, carry):
            (trainable, non_trainable, optimizer_values), total = carry
            w = ws[i]
            (_, (non_trainable, per_row)), grads = jax.value_and_grad(loss, has_aux=True)(
                trainable, non_trainable, xs[i], ys[i], w
            )
            trainable, optimizer_values = self.optimizer.stateless_apply(
                optimizer_values, grads, trainable
            )
            total = total + jnp.sum(jnp.where(w > 0, per_row, 0.0))
            return (trainable, non_trainable, optimizer_values), total

        state, total = jax.lax.fori_loop(0, n, step, (state, jnp.zeros((), jnp.float32)))

        def forward(trainable, non_trainable):
            y_pred, _ = self.template.stateless_call(
                trainable, non_trainable, x_eval, training=False
            )
            return y_pred

        shape = jax.eval_shape(forward, *state[:2])
        y_eval = jax.lax.cond(
            evaluate, forward, lambda *_: jnp.zeros(shape.shape, shape.dtype), *state[:2]
        )
        return state, total, y_eval


# -- TensorFlow -------------------------------------------------------------------------


class _TensorFlowProgram(_StatefulProgram):
    """``tf.function`` graphs on the template's variables, the loop over an epoch's
    batches inside the graph. Windows of any length and any number of rows share
    one trace."""

    def __init__(self, template, batch_size):
        import tensorflow as tf

        super().__init__(template, batch_size)
        self._tf = tf
        n_features, n_outputs = template.input_shape[-1], template.output_shape[-1]
        b = self.batch_size
        self._train = tf.function(
            self._train_steps,
            input_signature=[
                tf.TensorSpec((None, b, None, n_features), tf.float32),
                tf.TensorSpec((None, b, n_outputs), tf.float32),
                tf.TensorSpec((None, b), tf.float32),
            ],
        )
        weights = list(template.weights)
        self._read = tf.function(lambda: [tf.identity(v.value) for v in weights])
        self._forward = tf.function(
            self._forward_pass,
            input_signature=[
                [tf.TensorSpec(v.shape, v.dtype) for v in template.trainable_variables],
                [tf.TensorSpec(v.shape, v.dtype) for v in template.non_trainable_variables],
                tf.TensorSpec((None, None, n_features), tf.float32),
            ],
        )

    def train_epoch(self, X, y, order):
        rows, weights = _batches(order, self.batch_size)
        return float(self._train(X[rows], y[rows], weights)) / len(order)

    def snapshot(self):
        """The weights, copied where they are (no trip through NumPy)."""
        return self._read()

    def _forward_model(self, model, X):
        return self._run(model, X)

    def _forward_current(self, X):
        return self._run(self.template, X)

    def _run(self, model, X):
        trainable = [v.value for v in model.trainable_variables]
        non_trainable = [v.value for v in model.non_trainable_variables]
        return self._forward(trainable, non_trainable, X).numpy()

    # The graphs.

    def _train_steps(self, xs, ys, ws):
        tf = self._tf
        variables = self.template.trainable_variables
        total = tf.zeros((), tf.float32)
        for i in tf.range(tf.shape(xs)[0]):
            w = ws[i]
            with tf.GradientTape() as tape:
                y_pred = self.template(xs[i], training=True)
                per_row = squared_errors(y_pred, ys[i], keras.ops)
                loss = tf.reduce_sum(per_row * w)
            self.optimizer.apply(tape.gradient(loss, variables), variables)
            total += tf.reduce_sum(tf.where(w > 0, per_row, tf.zeros_like(per_row)))
        return total

    def _forward_pass(self, trainable, non_trainable, x):
        y_pred, _ = self.template.stateless_call(trainable, non_trainable, x, training=False)
        return y_pred


# -- any other backend ------------------------------------------------------------------


class _KerasProgram(_StatefulProgram):
    """Keras' public ``train_on_batch`` and ``predict_on_batch`` on the template,
    for backends without a program of their own."""

    def train_epoch(self, X, y, order):
        total = 0.0
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            total += float(self.template.train_on_batch(X[rows], y[rows])) * len(rows)
        return total / len(order)

    def snapshot(self):
        return self.template.get_weights()

    def _forward_model(self, model, X):
        return _keras_forward(model, X)

    def _forward_current(self, X):
        return _keras_forward(self.template, X)


def _keras_forward(model, X):
    return np.concatenate([
        keras.ops.convert_to_numpy(model.predict_on_batch(X[i : i + _MAX_ROWS]))
        for i in range(0, len(X), _MAX_ROWS)
    ])  # fmt: skip


_PROGRAMS = {"jax": _JaxProgram, "tensorflow": _TensorFlowProgram}
