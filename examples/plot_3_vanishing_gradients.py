"""
=================================
Vanishing gradients, made visible
=================================

Backpropagation through time (BPTT) sends the error of the output at step
``T`` back to the input at step ``t`` through one Jacobian per step in
between. For the simple RNN of the lecture,
:math:`h_t = \\tanh(h_{t-1} W_h + x_t W_x + b)`, each factor is

.. math::

    \\frac{\\partial h_t}{\\partial h_{t-1}} = \\tanh'(h_{t-1} W_h + x_t W_x + b)
    \\cdot W_h, \\qquad \\tanh'(a) = \\frac{1}{\\cosh^2 a} \\le 1,

so the gradient that reaches ``x_t`` is a product of ``T - t`` such factors:
it shrinks geometrically when they are smaller than 1 (vanishing gradients)
and grows when they are larger (exploding gradients). The LSTM's cell state
:math:`c_t = f_t c_{t-1} + i_t \\tilde c_t` offers a path whose factor is the
forget gate :math:`f_t` instead, and the GRU's update gate plays the same role.

This example measures these gradients on small Keras networks: the gradient of
the network's output with respect to every input step, for a simple RNN, an
LSTM and a GRU, plotted against the distance ``T - t`` on a log scale.
"""

# %%
# Gradients with respect to the inputs
# ------------------------------------
#
# Keras 3 computes gradients with its backend's own machinery, so the function
# below picks the backend's way: ``tf.GradientTape`` on TensorFlow (skrnn's
# default backend) and ``jax.grad`` on JAX. Because the sequences of a batch are
# independent, the gradient of the *sum* of the outputs with respect to the
# batch gives every sequence's own gradient. We differentiate the network's
# output ``y_hat``: the gradient of any loss of it is ``dL/dy_hat`` times this,
# the same factor for every step, so the shape of the curves is that of
# ``|dL/dx_t|``. (All imports of the example come first.)
import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def input_gradients(model, x):
    """|d model(x) / d x| for each sequence and time step, shape (n, T)."""
    x = keras.ops.convert_to_tensor(x)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(x)
            total = keras.ops.sum(model(x))
        gradient = tape.gradient(total, x)
    elif backend == "jax":
        import jax

        gradient = jax.grad(lambda inputs: keras.ops.sum(model(inputs)))(x)
    else:
        raise NotImplementedError(
            f"this example computes gradients on the tensorflow and jax backends, "
            f"not on {backend!r}"
        )
    return np.abs(keras.ops.convert_to_numpy(gradient)[:, :, 0])


# %%
# The three cells, as Keras initialises them
# ------------------------------------------
#
# Each network is one recurrent layer of 16 units and a ``Dense`` output,
# untrained, with Keras' default initialisation (orthogonal recurrent weights;
# for the LSTM a forget-gate bias of 1, ``unit_forget_bias=True``). The inputs
# are white noise, one feature per step. We average the absolute gradients
# over 16 sequences and 3 initialisations, all seeded.
N_SEQUENCES, SEEDS, UNITS = 16, (0, 1, 2), 16
CELLS = {
    "simple RNN": keras.layers.SimpleRNN,
    "LSTM": keras.layers.LSTM,
    "GRU": keras.layers.GRU,
}


def mean_gradients(make_layer, steps, adjust=None):
    """Mean |dy/dx_t| over sequences and seeds; index 0 is the newest step."""
    gradients = []
    for seed in SEEDS:
        keras.utils.set_random_seed(seed)
        layer = make_layer()
        model = keras.Sequential(
            [keras.Input((steps, 1)), layer, keras.layers.Dense(1)]
        )
        if adjust is not None:
            adjust(layer)
        x = np.random.default_rng(seed).normal(size=(N_SEQUENCES, steps, 1))
        gradients.append(input_gradients(model, x.astype("float32")))
    return np.concatenate(gradients).mean(axis=0)[::-1]


T = 100
default_curves = {
    name: mean_gradients(lambda Layer=Layer: Layer(UNITS), T)
    for name, Layer in CELLS.items()
}
distance = np.arange(T)
summary = pd.DataFrame(default_curves, index=distance).iloc[[0, 1, 5, 10, 25, 50, 99]]
summary.index.name = "distance T - t"
print(summary.map(lambda value: f"{value:.1e}").to_string())

fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
for name, curve in default_curves.items():
    ax.semilogy(distance, curve, label=name)
ax.set_xlabel("distance T - t (steps back from the output)")
ax.set_ylabel("mean |d y_hat / d x_t|")
ax.set_title(f"Input gradients at initialisation, T = {T}, {UNITS} units")
ax.legend()
plt.show()

# %%
# Every curve falls along a straight line on the log scale: the gradient
# shrinks by a roughly constant factor per step back, as the product of the
# lecture's ``tanh'(.) W_h`` factors predicts. Which cell forgets fastest, at
# initialisation, is perhaps not what one expects: see the conclusion.
#
# Growing sequences
# -----------------
#
# The same measure, seen as the lecture's long sentence: how much does the
# first step (the word "Japan") still move the output after ``T`` steps,
# relative to the last one? We rerun the networks on sequences of growing
# length and divide the gradient at the first step by the gradient at the last.
lengths = [10, 25, 50, 100]
rows = []
for steps in lengths:
    row = {"T": steps}
    for name, Layer in CELLS.items():
        curve = mean_gradients(lambda Layer=Layer: Layer(UNITS), steps)
        row[name] = curve[-1] / curve[0]  # first step over last step
    rows.append(row)
first_vs_last = pd.DataFrame(rows).set_index("T")
print(first_vs_last.map(lambda value: f"{value:.1e}").to_string())

fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
for name in CELLS:
    ax.semilogy(lengths, first_vs_last[name], "o-", label=name)
ax.set_xlabel("sequence length T")
ax.set_ylabel("|d y_hat / d x_1| / |d y_hat / d x_T|")
ax.set_title("How much the first step still counts, at initialisation")
ax.legend()
plt.show()

# %%
# The product of ``tanh'(.) W_h`` factors
# ---------------------------------------
#
# For the simple RNN we can change ``W_h`` directly: an orthogonal matrix
# times a gain ``g`` has all its singular values equal to ``g``. Since
# ``tanh' = 1 / cosh^2 <= 1``, each factor of the product has a norm of at
# most ``g``: with ``g < 1`` the gradient must vanish at least as fast as
# ``g`` per step. With ``g > 1`` nothing prevents it from growing instead.
#
# For the gated cells the knob is a gate's bias: the LSTM's forget gate
# ``f_t = sigma(... + b_f)`` multiplies the cell state at every step, and the
# GRU keeps ``z_t`` of its previous state, ``z_t = sigma(... + b_z)`` (Keras'
# update gate). A bias of 3 makes the gate about ``sigma(3) = 0.95``.
gains = [0.5, 1.0, 1.5, 3.0]
rnn_curves = {
    f"g = {gain}": mean_gradients(
        lambda gain=gain: keras.layers.SimpleRNN(
            UNITS, recurrent_initializer=keras.initializers.Orthogonal(gain=gain)
        ),
        T,
    )
    for gain in gains
}


def set_gate_bias(block, value):
    """Set one gate's bias (block 0, 1, ... of the layer's bias) to `value`."""

    def adjust(layer):
        cell = layer.cell
        bias = keras.ops.convert_to_numpy(cell.bias).copy()
        # LSTM: one bias vector, gates i, f, c, o. GRU (reset_after=True): two
        # rows (input and recurrent), gates z, r, h; the input row is enough.
        row = bias if bias.ndim == 1 else bias[0]
        row[block * cell.units : (block + 1) * cell.units] = value
        cell.bias.assign(bias)

    return adjust


lstm_curves = {
    f"b_f = {b}{' (Keras default)' if b == 1 else ''}": mean_gradients(
        lambda: keras.layers.LSTM(UNITS), T, adjust=set_gate_bias(1, b)
    )
    for b in (0, 1, 3)
}
gru_curves = {
    f"b_z = {b}{' (Keras default)' if b == 0 else ''}": mean_gradients(
        lambda: keras.layers.GRU(UNITS), T, adjust=set_gate_bias(0, b)
    )
    for b in (0, 3)
}

fig, axes = plt.subplots(
    3, 1, figsize=(7, 10), sharex=True, sharey=True, layout="constrained"
)
panels = [
    ("simple RNN, W_h = g x orthogonal", rnn_curves),
    ("LSTM, forget-gate bias b_f", lstm_curves),
    ("GRU, update-gate bias b_z", gru_curves),
]
for ax, (title, curves) in zip(axes, panels, strict=True):
    for label, curve in curves.items():
        ax.semilogy(distance, curve, label=label)
    ax.set_title(title)
    ax.set_ylabel("mean |d y_hat / d x_t|")
    ax.legend()
axes[-1].set_xlabel("distance T - t")
fig.suptitle("Vanishing and exploding gradients: what sets the per-step factor")
plt.show()

# %%
# We measure the per-step factor as the geometric mean of the ratio of the
# gradients at consecutive distances, between 5 and 50 steps back (away from
# the last steps, which also feed the output more directly, and from the
# underflows of the fastest decays). For the simple RNN we also print the mean
# ``tanh'`` of its units along the sequences, ``1 / cosh^2`` of their
# pre-activations, the other part of each factor. (``g`` times that mean is only
# a rough estimate of the factor: the product of the step Jacobians is not the
# product of their averages, and the estimate falls short for the larger gains,
# where saturated and unsaturated units mix.)
#
# The first row is the simple RNN of the first plot. Keras' default recurrent
# initialiser is the orthogonal matrix of gain 1, the same as ``g = 1.0``, but the
# two networks come from other random draws (an initialiser created before the
# layer takes its seed in another order): the difference between their factors
# is how much the factor varies from one initialisation to another, with 3 seeds
# of 16 sequences each. The LSTM with ``b_f = 1`` and the GRU with ``b_z = 0``
# are the networks of the first plot.


def per_step_factor(curve, start=5, stop=50):
    return float(np.exp(np.mean(np.diff(np.log(curve[start:stop])))))


def mean_tanh_prime(gain, steps=T):
    """Mean of 1 - h_t**2 (= tanh' of the pre-activation) over units, steps, runs."""
    values = []
    for seed in SEEDS:
        keras.utils.set_random_seed(seed)
        layer = keras.layers.SimpleRNN(
            UNITS,
            return_sequences=True,
            recurrent_initializer=keras.initializers.Orthogonal(gain=gain),
        )
        x = np.random.default_rng(seed).normal(size=(N_SEQUENCES, steps, 1))
        h = keras.ops.convert_to_numpy(layer(x.astype("float32")))
        values.append(np.mean(1 - h**2))
    return float(np.mean(values))


factors = pd.DataFrame(
    [
        {
            "network": "simple RNN, Keras default",
            "bound g * max tanh'": 1.0,
            "mean tanh'": np.nan,  # measured for the g = ... networks only
            "measured factor per step": per_step_factor(default_curves["simple RNN"]),
        }
    ]
    + [
        {
            "network": f"simple RNN, g = {gain}",
            "bound g * max tanh'": gain,
            "mean tanh'": mean_tanh_prime(gain),
            "measured factor per step": per_step_factor(rnn_curves[f"g = {gain}"]),
        }
        for gain in gains
    ]
    + [
        {"network": f"LSTM, {label}", "measured factor per step": per_step_factor(c)}
        for label, c in lstm_curves.items()
    ]
    + [
        {"network": f"GRU, {label}", "measured factor per step": per_step_factor(c)}
        for label, c in gru_curves.items()
    ]
)
print(factors.round(3).to_string(index=False, na_rep=""))

# %%
# Conclusion
# ----------
#
# The plots show the lecture's mechanism at work: the gradient that reaches an
# input ``T - t`` steps back is a product of ``T - t`` per-step factors, and it
# shrinks (or grows) geometrically, a straight line on a log scale. For the
# simple RNN the bound on the product of ``tanh'(.) W_h`` factors holds: with
# ``W_h`` of norm ``g < 1`` the measured factor stays below ``g``, and with
# ``g = 1`` it stays below 1 because ``tanh' = 1 / cosh^2`` is below 1 as soon
# as a unit is active (the mean ``tanh'`` column). With a larger ``W_h`` the
# gradients can grow instead: they explode for ``g = 3``, and for ``g = 1.5``
# the larger weights and the saturated units happen to roughly balance on these
# inputs. For a simple RNN, keeping the gradient alive is such a balance
# between the size of ``W_h`` and the saturation of the units.
#
# What the first plot does *not* show is the textbook picture of an LSTM or a
# GRU keeping gradients alive where the simple RNN loses them. At Keras'
# initialisation the simple RNN, whose orthogonal ``W_h`` has norm exactly 1,
# loses its gradient more slowly per step than the LSTM (a factor of 0.875
# against 0.827) and keeps more of it over 100 steps, and the GRU loses it
# fastest (0.610). An LSTM with the default
# forget-gate bias of 1 starts with forget gates around ``sigma(1) = 0.73``, so
# its cell state forgets a good part of itself at every step (without that
# bias, gates around 0.5, it forgets faster still), and the GRU starts with its
# update gates around 0.5.
#
# The gated cells' advantage is that their per-step factor is a gate: a single
# bias moves it close to 1, and the gradient then survives all 100 steps
# (forget or update-gate bias of 3), through the additive cell state rather
# than through a balance of weights and saturation. There is a price, visible
# in the GRU panel: a gate that keeps the old state lets less of the new input
# in, so the gradient at the newest steps is smaller. Training has to learn
# where to set the gates; whether it does, on a task that needs a long memory,
# is the subject of the next example.
