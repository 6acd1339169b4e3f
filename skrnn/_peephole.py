"""Peephole LSTM: gates that read the cell state (Gers & Schmidhuber, 2000).

In a plain LSTM the gates see only the input ``x_t`` and the previous output
``h_{t-1}``. When the output gate is closed, ``h_{t-1}`` says nothing about the
cell state ``c``, so the gates cannot tell how far a count stored in ``c`` has
got. Peephole connections give each gate a view of its own cell's state. With
``*`` the element-wise product and ``sigma`` the logistic sigmoid::

    i_t = sigma(x_t W_i + h_{t-1} U_i + b_i + p_i * c_{t-1})
    f_t = sigma(x_t W_f + h_{t-1} U_f + b_f + p_f * c_{t-1})
    c_t = f_t * c_{t-1} + i_t * tanh(x_t W_c + h_{t-1} U_c + b_c)
    o_t = sigma(x_t W_o + h_{t-1} U_o + b_o + p_o * c_t)
    h_t = o_t * tanh(c_t)

The input and forget gates read the previous cell state ``c_{t-1}``; the output
gate reads the state just computed, ``c_t``. The peephole weights ``p_i``,
``p_f`` and ``p_o`` are vectors of length ``units`` (diagonal matrices): a gate
of cell ``j`` sees only the state of cell ``j``. A layer therefore has
``3 * units`` parameters more than a plain LSTM of the same width.

Relation to the lecture's formulation
-------------------------------------
The lecture writes the gates over a concatenation, for example
``f_t = sigma(W_f . [C_{t-1}, h_{t-1}, x_t] + b_f)``, with one full matrix
``W_f``. Its block that multiplies ``C_{t-1}`` is a full ``units x units``
peephole matrix, so every gate would see every cell's state: ``3 * units**2``
peephole parameters per layer instead of ``3 * units``. skrnn follows the
original papers' diagonal form instead, which is what Gers & Schmidhuber
specify and what TensorFlow's former ``PeepholeLSTMCell`` and most frameworks
implement. The other difference is that, here as in the papers, the output
gate reads the updated state ``c_t`` rather than ``C_{t-1}``.

Implementation
--------------
:class:`PeepholeLSTMCell` subclasses ``keras.layers.LSTMCell``. It keeps the
LSTM's arguments, its weight layout (``kernel`` of shape
``(input_dim, 4 * units)``, ``recurrent_kernel`` of shape
``(units, 4 * units)``, ``bias`` of shape ``(4 * units,)``, gates in the order
i, f, c, o) and its dropout masks, and adds the three peephole vectors.
:class:`PeepholeLSTM` wraps the cell in ``keras.layers.RNN``, like
``keras.layers.LSTM`` wraps ``LSTMCell``. It is not a subclass of
``keras.layers.LSTM``: that layer hands its kernels to a fused cuDNN kernel when
a GPU is present, and that kernel knows nothing of peepholes.

References
----------
F. A. Gers and J. Schmidhuber, "Recurrent nets that time and count",
Proceedings of the IEEE-INNS-ENNS International Joint Conference on Neural
Networks (IJCNN 2000), vol. 3, pp. 189-194, 2000.

F. A. Gers, N. N. Schraudolph and J. Schmidhuber, "Learning precise timing with
LSTM recurrent networks", Journal of Machine Learning Research, 3, pp. 115-143,
2002.
"""

import keras
from keras import constraints, initializers, ops, regularizers

__all__ = ["PeepholeLSTM", "PeepholeLSTMCell"]

_N_GATES = 4  # i, f, c, o: the order of keras.layers.LSTMCell's kernels

# The peephole vectors, in the order build() adds them (after kernel,
# recurrent_kernel and bias, so get_weights() lists an LSTM's weights first).
_PEEPHOLE_NAMES = (
    "input_gate_peephole_weights",
    "forget_gate_peephole_weights",
    "output_gate_peephole_weights",
)


@keras.saving.register_keras_serializable(package="skrnn")
class PeepholeLSTMCell(keras.layers.LSTMCell):
    """One step of an LSTM whose gates also read the cell state.

    Computes, for one time step, the equations given under ``peephole`` in
    :class:`~skrnn.LSTMRegressor`: the input and forget gates read ``c_{t-1}``
    through the peephole vectors, the output gate reads ``c_t``. Use it inside
    ``keras.layers.RNN``, or use :class:`PeepholeLSTM`, which does that for you.

    Parameters
    ----------
    units : int
        Dimensionality of the output ``h_t`` and of the cell state ``c_t``.
    activation : str or callable, default="tanh"
        Squashes the candidate state and the cell state on the way out.
    recurrent_activation : str or callable, default="sigmoid"
        Activation of the input, forget and output gates.
    use_bias : bool, default=True
        Whether the gates and the candidate state have a bias.
    kernel_initializer : str or keras.initializers.Initializer, \
default="glorot_uniform"
        Initializer of ``kernel``, the input weights.
    recurrent_initializer : str or keras.initializers.Initializer, \
default="orthogonal"
        Initializer of ``recurrent_kernel``, the weights on ``h_{t-1}``.
    bias_initializer : str or keras.initializers.Initializer, default="zeros"
        Initializer of ``bias``.
    peephole_initializer : str or keras.initializers.Initializer, \
default="glorot_uniform"
        Initializer of the three peephole vectors. The default is the one
        TensorFlow's former ``PeepholeLSTMCell`` used; "zeros" starts the cell
        as a plain LSTM.
    unit_forget_bias : bool, default=True
        Add 1 to the forget gate's bias at initialisation (Jozefowicz et al.,
        2015). Forces `bias_initializer` to "zeros".
    kernel_regularizer, recurrent_regularizer, bias_regularizer, \
peephole_regularizer : str or keras.regularizers.Regularizer, default=None
        Penalties on ``kernel``, ``recurrent_kernel``, ``bias`` and the
        peephole vectors.
    kernel_constraint, recurrent_constraint, bias_constraint, \
peephole_constraint : str or keras.constraints.Constraint, default=None
        Constraints on ``kernel``, ``recurrent_kernel``, ``bias`` and the
        peephole vectors.
    dropout : float, default=0.0
        Fraction of the inputs ``x_t`` dropped during training.
    recurrent_dropout : float, default=0.0
        Fraction of ``h_{t-1}`` dropped during training.
    seed : int, default=None
        Seed of the dropout masks.
    **kwargs
        Passed to ``keras.layers.LSTMCell`` (``name``, ``dtype``...).

    Attributes
    ----------
    kernel : keras.Variable of shape (input_dim, 4 * units)
        Input weights ``[W_i, W_f, W_c, W_o]``.
    recurrent_kernel : keras.Variable of shape (units, 4 * units)
        Recurrent weights ``[U_i, U_f, U_c, U_o]``.
    bias : keras.Variable of shape (4 * units,) or None
        ``[b_i, b_f, b_c, b_o]``.
    input_gate_peephole_weights : keras.Variable of shape (units,)
        ``p_i``: the input gate's weights on ``c_{t-1}``.
    forget_gate_peephole_weights : keras.Variable of shape (units,)
        ``p_f``: the forget gate's weights on ``c_{t-1}``.
    output_gate_peephole_weights : keras.Variable of shape (units,)
        ``p_o``: the output gate's weights on ``c_t``.

    See Also
    --------
    PeepholeLSTM : The cell wrapped in a recurrent layer.
    keras.layers.LSTMCell : The same cell without peepholes.

    Examples
    --------
    >>> import keras
    >>> import numpy as np
    >>> from skrnn.layers import PeepholeLSTMCell
    >>> rnn = keras.layers.RNN(PeepholeLSTMCell(4), return_sequences=True)
    >>> tuple(rnn(np.zeros((2, 3, 1))).shape)
    (2, 3, 4)
    >>> [tuple(w.shape) for w in rnn.weights]
    [(1, 16), (4, 16), (16,), (4,), (4,), (4,)]
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        # glorot_uniform is what TensorFlow's former PeepholeLSTMCell used (its
        # kernel_initializer). On a vector of `units` it draws from
        # +-sqrt(3 / units), +-0.31 for 32 units: the peepholes start small,
        # so the gates are not pushed into saturation. Zeros would train too
        # (the gradient on p is dL/dz * c, non-zero once c is), starting as a
        # plain LSTM; we keep the established default and leave "zeros" a
        # choice.
        peephole_initializer="glorot_uniform",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        peephole_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        peephole_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )
        self.peephole_initializer = initializers.get(peephole_initializer)
        self.peephole_regularizer = regularizers.get(peephole_regularizer)
        self.peephole_constraint = constraints.get(peephole_constraint)

    def build(self, input_shape):
        super().build(input_shape)
        for name in _PEEPHOLE_NAMES:
            weight = self.add_weight(
                shape=(self.units,),
                name=name,
                initializer=self.peephole_initializer,
                regularizer=self.peephole_regularizer,
                constraint=self.peephole_constraint,
            )
            setattr(self, name, weight)

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        z_i, z_f, z_c, z_o = self._gate_inputs(inputs, h_tm1, training)
        gate = self.recurrent_activation
        i = gate(z_i + self.input_gate_peephole_weights * c_tm1)
        f = gate(z_f + self.forget_gate_peephole_weights * c_tm1)
        c = f * c_tm1 + i * self.activation(z_c)
        # The output gate peeks at the state it is about to expose, c_t, as
        # in Gers & Schmidhuber (2000), not at c_{t-1}.
        o = gate(z_o + self.output_gate_peephole_weights * c)
        h = o * self.activation(c)
        return h, [h, c]

    def _gate_inputs(self, inputs, h_tm1, training):
        """``x W + h U + b`` of the four gates, after LSTMCell's dropout."""
        x = _drop(inputs, self._input_mask(inputs, training))
        h = _drop(h_tm1, self._recurrent_mask(h_tm1, training))
        if isinstance(x, list) or isinstance(h, list):
            return self._per_gate_inputs(_per_gate(x), _per_gate(h))
        z = ops.matmul(x, self.kernel) + ops.matmul(h, self.recurrent_kernel)
        if self.use_bias:
            z = z + self.bias
        return ops.split(z, _N_GATES, axis=-1)

    def _per_gate_inputs(self, xs, hs):
        # LSTMCell draws one dropout mask per gate when recurrent dropout is
        # on (its "implementation 1"); each gate then needs its own product.
        kernels = ops.split(self.kernel, _N_GATES, axis=-1)
        recurrent_kernels = ops.split(self.recurrent_kernel, _N_GATES, axis=-1)
        zs = [
            ops.matmul(x, k) + ops.matmul(h, u)
            for x, k, h, u in zip(xs, kernels, hs, recurrent_kernels, strict=True)
        ]
        if self.use_bias:
            biases = ops.split(self.bias, _N_GATES, axis=-1)
            zs = [z + b for z, b in zip(zs, biases, strict=True)]
        return zs

    # The same conditions as LSTMCell: keras.layers.RNN makes the masks
    # before the loop, whatever the mode, but they apply only in training.
    def _input_mask(self, inputs, training):
        if training and 0.0 < self.dropout < 1.0:
            return self.get_dropout_mask(inputs)
        return None

    def _recurrent_mask(self, h_tm1, training):
        if training and 0.0 < self.recurrent_dropout < 1.0:
            return self.get_recurrent_dropout_mask(h_tm1)
        return None

    def get_config(self):
        config = {
            "peephole_initializer": initializers.serialize(self.peephole_initializer),
            "peephole_regularizer": regularizers.serialize(self.peephole_regularizer),
            "peephole_constraint": constraints.serialize(self.peephole_constraint),
        }
        return {**super().get_config(), **config}


def _drop(tensor, mask):
    """Apply a dropout mask, or one mask per gate (a list of tensors)."""
    if mask is None:
        return tensor
    if isinstance(mask, (list, tuple)):
        return [tensor * m for m in mask]
    return tensor * mask


def _per_gate(tensor_or_list):
    if isinstance(tensor_or_list, list):
        return tensor_or_list
    return [tensor_or_list] * _N_GATES


@keras.saving.register_keras_serializable(package="skrnn")
class PeepholeLSTM(keras.layers.RNN):
    """Long short-term memory layer with peephole connections.

    ``keras.layers.RNN`` around a :class:`PeepholeLSTMCell`, with the arguments
    of ``keras.layers.LSTM``. It supports masking (masked steps carry the state
    through unchanged), ``return_sequences``, ``return_state``,
    ``go_backwards``, ``stateful`` and ``unroll``. It always runs Keras' generic
    recurrent loop, never cuDNN, so on a GPU it is slower than
    ``keras.layers.LSTM``.

    Parameters
    ----------
    units : int
        Dimensionality of the output ``h_t`` and of the cell state ``c_t``.
    activation : str or callable, default="tanh"
        Squashes the candidate state and the cell state on the way out.
    recurrent_activation : str or callable, default="sigmoid"
        Activation of the input, forget and output gates.
    use_bias : bool, default=True
        Whether the gates and the candidate state have a bias.
    kernel_initializer, recurrent_initializer, bias_initializer, \
peephole_initializer : str or keras.initializers.Initializer
        Initializers of the cell's weights; the defaults, "glorot_uniform",
        "orthogonal", "zeros" and "glorot_uniform", and their meaning are those
        of :class:`PeepholeLSTMCell`.
    unit_forget_bias : bool, default=True
        Add 1 to the forget gate's bias at initialisation.
    kernel_regularizer, recurrent_regularizer, bias_regularizer, \
peephole_regularizer : str or keras.regularizers.Regularizer, default=None
        Penalties on the cell's weights, as in :class:`PeepholeLSTMCell`.
    activity_regularizer : str or keras.regularizers.Regularizer, default=None
        Penalty on the layer's output.
    kernel_constraint, recurrent_constraint, bias_constraint, \
peephole_constraint : str or keras.constraints.Constraint, default=None
        Constraints on the cell's weights, as in :class:`PeepholeLSTMCell`.
    dropout : float, default=0.0
        Fraction of the inputs ``x_t`` dropped during training.
    recurrent_dropout : float, default=0.0
        Fraction of ``h_{t-1}`` dropped during training.
    seed : int, default=None
        Seed of the dropout masks.
    return_sequences : bool, default=False
        Return the output of every step, ``(batch, steps, units)``, instead of
        the last one, ``(batch, units)``.
    return_state : bool, default=False
        Also return the final ``h_t`` and ``c_t``, in that order.
    go_backwards : bool, default=False
        Read the sequence backwards (and return the reversed sequence).
    stateful : bool, default=False
        Carry the final state of each sample over to the same index of the
        next batch.
    unroll : bool, default=False
        Unroll the loop: faster for short sequences, more memory.
    **kwargs
        Passed to ``keras.layers.RNN`` (``name``, ``dtype``,
        ``zero_output_for_mask``...).

    Attributes
    ----------
    cell : PeepholeLSTMCell
        The cell, which holds the weights.

    See Also
    --------
    PeepholeLSTMCell : One step of this layer.
    keras.layers.LSTM : The same layer without peepholes.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.layers import PeepholeLSTM
    >>> layer = PeepholeLSTM(4, return_sequences=True)
    >>> tuple(layer(np.zeros((2, 3, 1))).shape)
    (2, 3, 4)
    >>> layer.count_params()  # an LSTM's 96, plus 3 peephole vectors of 4
    108
    >>> output, h, c = PeepholeLSTM(4, return_state=True)(np.zeros((2, 3, 1)))
    >>> tuple(output.shape), tuple(h.shape), tuple(c.shape)
    ((2, 4), (2, 4), (2, 4))
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        peephole_initializer="glorot_uniform",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        peephole_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        peephole_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        **kwargs,
    ):
        cell = PeepholeLSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            peephole_initializer=peephole_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            peephole_regularizer=peephole_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            peephole_constraint=peephole_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            # The cell follows the layer's precision and freezing, as in
            # keras.layers.LSTM.
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="peephole_lstm_cell",
            implementation=kwargs.pop("implementation", 2),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = keras.layers.InputSpec(ndim=3)

    @property
    def units(self):
        return self.cell.units

    def get_config(self):
        # Flat, like keras.layers.LSTM: the cell's arguments, not a nested
        # cell, so that from_config can call the constructor.
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for layer_key in ("name", "trainable", "dtype"):
            del cell_config[layer_key]
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
