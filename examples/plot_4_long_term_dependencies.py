"""
==========================================================
Long-term dependencies: "I can no longer speak (Japanese)"
==========================================================

The lecture motivates the LSTM with two sentences. In "Since I have lived in
Japan for 10 years, I am good at speaking (...)", the clue sits a few words
before the gap. In "I lived in Japan when I was a high school student. [...
five sentences about baseball, India and a bookstore ...] So, now, I can no
longer speak (...)", the clue is far back, and a network has to carry it across
everything in between: a long-term dependency, which the simple RNN is said to
lose to vanishing gradients while the LSTM and the GRU keep it.

This example turns the two sentences into a synthetic task of controlled
difficulty, trains skrnn's :class:`~skrnn.RNNRegressor`,
:class:`~skrnn.LSTMRegressor` and :class:`~skrnn.GRURegressor` on it, and looks
for the gap and the training budget at which the LSTM and the GRU carry the
clue and the simple RNN does not.
"""

# %%
# The task
# --------
#
# Each sequence starts with a "language" marker, +1 or -1 (Japan or not), and
# continues with ``gap`` steps of noise (the sentences in between), drawn from a
# normal distribution of standard deviation 2: every step after the marker
# looks like a marker, only louder, so the network has to tell the marker by
# its place. The target is the marker. Nothing after the first step carries any
# information about it, so a network must remember the first step across the
# whole gap. Since the newest step is pure noise, the regressors' skip
# connection from the newest step, ``residual``, is off. (All imports of the
# example come first.)
import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from skrnn import GRURegressor, LSTMRegressor, RNNRegressor

NOISE = 2.0


def make_sentences(n_sequences, gap, rng):
    """X of shape (n_sequences, gap + 1, 1) and the marker y in {-1, +1}."""
    marker = rng.choice([-1.0, 1.0], size=n_sequences)
    X = rng.normal(scale=NOISE, size=(n_sequences, gap + 1, 1))
    X[:, 0, 0] = marker
    return X.astype("float32"), marker


rng = np.random.default_rng(1)
X_example, y_example = make_sentences(4, gap=5, rng=rng)
print("four sequences with a gap of 5 (marker first):")
print(X_example[:, :, 0].round(2))
print("targets:", y_example)

# %%
# The networks
# ------------
#
# Each network is one recurrent layer of 16 units, trained with Adam at a
# learning rate of 0.005 on 512 sequences, in batches of 32. The input is
# already a 3-D array of sequences, ``(n_sequences, steps, 1)``, so no
# :class:`~skrnn.SlidingWindowTransformer` is needed.
#
# skrnn builds its layers with Keras' initialisation: orthogonal recurrent
# weights, an LSTM forget-gate bias of 1 (forget gates around
# ``sigma(1) = 0.73`` at the start) and a GRU update-gate bias of 0 (update
# gates around 0.5). The vanishing-gradients example,
# :ref:`sphx_glr_auto_examples_plot_3_vanishing_gradients.py`, measured what
# this means: at that initialisation the LSTM's and the GRU's gradients fade
# per step as fast as the simple RNN's or faster, and with a gate's bias at 3
# they keep far more of it, whatever the scale of the inputs. So we also train
# the LSTM and the GRU with that gate's bias set to 3 before training. The
# literature starts gated networks with a positive forget-gate bias (Gers,
# Schmidhuber and Cummins, 2000; Keras' bias of 1 follows Jozefowicz, Zaremba
# and Sutskever, 2015), and a larger one the longer the memory a task needs
# (the "chrono" initialisation of Tallec and Ollivier, 2018). The network is
# ``model_``, and :meth:`~skrnn.LSTMRegressor.initialize` builds it without
# training it, so the bias can be changed before
# :meth:`~skrnn.LSTMRegressor.partial_fit` trains it one epoch at a time.
NETWORKS = {
    "RNN": (RNNRegressor, None),
    "LSTM": (LSTMRegressor, None),
    "GRU": (GRURegressor, None),
    "LSTM b_f=3": (LSTMRegressor, 1),  # forget gate: block 2 of i, f, c, o
    "GRU b_z=3": (GRURegressor, 0),  # update gate: block 1 of z, r, h
}


def open_gate(model, block, value=3.0):
    """Set one gate's bias of the network's recurrent layer to `value`."""
    (layer,) = [x for x in model.layers if isinstance(x, keras.layers.RNN)]
    cell = layer.cell
    bias = keras.ops.convert_to_numpy(cell.bias).copy()
    # The GRU has two rows of biases (input, recurrent): the first will do.
    row = bias if bias.ndim == 1 else bias[0]
    row[block * cell.units : (block + 1) * cell.units] = value
    cell.bias.assign(bias)


# %%
# The training budget
# -------------------
#
# Each network is trained for at most 25 epochs. After every epoch, the sign of
# its predictions on 256 validation sequences is its guess of the marker (the
# accuracy of a guess at random is 50 %); a network *carries the marker* once
# that accuracy reaches 95 %, and its training stops there. The test accuracy
# is that of the last epoch trained, on 1000 other sequences. The epoch at
# which each run got there tells whether it did within any budget up to 25
# epochs. Each network is trained from 3 seeds, at a short
# gap (10 steps) and a long one (50 steps); at the short gap only skrnn's
# default networks are trained.
EPOCHS, SEEDS, CARRIES = 25, (0, 1, 2), 0.95
GAPS = {10: ["RNN", "LSTM", "GRU"], 50: list(NETWORKS)}


def accuracy(model, X, y):
    return float(np.mean(np.sign(model.predict(X)) == y))


def first_carrying(curve):
    """The first epoch at which a run carried the marker (inf: never)."""
    epochs = [epoch for epoch, a in enumerate(curve, 1) if a >= CARRIES]
    return epochs[0] if epochs else np.inf


def train(name, data, seed):
    """Validation accuracy per epoch, and the test accuracy at the end."""
    Regressor, gate = NETWORKS[name]
    (X_train, y_train), (X_val, y_val), (X_test, y_test) = data
    model = Regressor(
        units=16,
        layers=1,
        residual=False,
        learning_rate=0.005,
        random_state=seed,
    ).initialize(X_train, y_train)
    if gate is not None:
        open_gate(model.model_, gate)
    curve = []
    while len(curve) < EPOCHS and (not curve or curve[-1] < CARRIES):
        model.partial_fit(X_train, y_train)
        curve.append(accuracy(model, X_val, y_val))
    return curve, accuracy(model, X_test, y_test)


curves, rows = {}, []
for gap, names in GAPS.items():
    data_rng = np.random.default_rng(gap)
    data = [make_sentences(n, gap, data_rng) for n in (512, 256, 1000)]
    for name in names:
        for seed in SEEDS:
            curve, test_accuracy = train(name, data, seed)
            curves[gap, name, seed] = curve
            first = first_carrying(curve)
            rows.append(
                {
                    "gap": gap,
                    "network": name,
                    "seed": seed,
                    "carries from epoch": first if first < np.inf else "-",
                    "epochs run": len(curve),
                    "test accuracy": test_accuracy,
                }
            )
runs = pd.DataFrame(rows)
print(runs.round(3).to_string(index=False))

# %%
# The sweep: who carries the marker, by gap and budget
# ----------------------------------------------------
#
# For each gap and a budget of 5 to 25 epochs, the number of seeds (of 3)
# whose network carried the marker within that budget.
BUDGETS = [5, 10, 15, 20, 25]
first_epoch = {run: first_carrying(curve) for run, curve in curves.items()}


def seeds_carrying(gap, name, budget):
    return sum(first_epoch[gap, name, seed] <= budget for seed in SEEDS)


sweep = pd.DataFrame(
    [
        {"gap": gap, "epochs": budget}
        | {name: f"{seeds_carrying(gap, name, budget)}/3" for name in names}
        for gap, names in GAPS.items()
        for budget in BUDGETS
    ]
).fillna("")
print(sweep.to_string(index=False))

# %%
# The lecture's picture is a setting in which a gated network carries the
# marker (at least 2 seeds of 3) and the simple RNN does not (no seed). The
# smallest such budget, for each gated network at each gap:
for gap, names in GAPS.items():
    for name in names[1:]:  # every network but the simple RNN
        found = [
            budget
            for budget in BUDGETS
            if seeds_carrying(gap, name, budget) >= 2
            and seeds_carrying(gap, "RNN", budget) == 0
        ]
        verdict = (
            f"from {found[0]} epochs"
            if found
            else f"none up to {EPOCHS} epochs"
        )
        print(f"gap {gap}, {name} vs RNN: {verdict}")

# %%
# Learning curves
# ---------------
#
# The validation accuracy of every run, per epoch, from 0 to 100 %: 50 % is
# guessing. A run ends once it reaches 95 %.
fig, axes = plt.subplots(
    3, 1, figsize=(7, 10), sharex=True, sharey=True, layout="constrained"
)
panels = [
    (axes[0], 10, ["RNN", "LSTM", "GRU"], "gap 10, skrnn's default networks"),
    (axes[1], 50, ["RNN", "LSTM", "GRU"], "gap 50, skrnn's default networks"),
    (axes[2], 50, ["RNN", "LSTM b_f=3", "GRU b_z=3"], "gap 50, gates opened"),
]
colors = {"RNN": "tab:blue", "LSTM": "tab:orange", "GRU": "tab:green"}
colors |= {"LSTM b_f=3": "tab:orange", "GRU b_z=3": "tab:green"}
for ax, gap, names, title in panels:
    for name in names:
        for seed in SEEDS:
            curve = 100 * np.array(curves[gap, name, seed])
            ax.plot(
                np.arange(1, len(curve) + 1),
                curve,
                color=colors[name],
                linestyle=["-", "--", ":"][seed],
                label=name if seed == 0 else None,
            )
    ax.axhline(50, color="grey", linewidth=0.8)
    ax.set_title(title)
    ax.set_ylabel("validation accuracy (%)")
    ax.set_ylim(0, 102)
    ax.legend(loc="lower right", ncols=3)
axes[-1].set_xlabel("epoch (line style: seed 0, 1, 2)")
fig.suptitle(f"Carrying the marker across the gap (noise of std {NOISE:g})")
plt.show()

# %%
# Conclusion
# ----------
#
# At the short gap of 10 steps every network carries the marker, the 9 runs
# within 4 to 8 epochs. At the long gap of 50 steps none of skrnn's default
# networks does within 25 epochs: the simple RNN, the LSTM and the GRU all stay
# at guessing (test accuracies from 0.509 to 0.550). With its gate opened, the
# GRU carries the marker in all 3 seeds (from epochs 22, 20 and 21) where the
# simple RNN carries it in none: the lecture's picture, at a gap of 50 noisy
# steps and a budget of 25 epochs, which the sweep finds. The LSTM with its
# forget gate's bias at 3 is in between: one seed carries the marker from
# epoch 13, another reaches 85 % on the test sequences after 25 epochs (0.849),
# the third stays at guessing (0.517). With skrnn's default networks, no budget
# up to 25 epochs separates the gated cells from the simple RNN.
#
# So the lecture's claim holds here in a weaker form: a gated cell *can* carry
# a clue across 50 noisy steps where the simple RNN does not learn to, *if it
# starts with its gates open*, and then not in every seed within this budget.
# At Keras' initialisation, which skrnn's regressors use, the LSTM and the GRU
# fail as the simple RNN does, as the gradients of the vanishing-gradients
# example predict (at that initialisation theirs fade about as fast as the
# simple RNN's, or faster). The noise matters too: the louder the steps in
# between, the more the simple RNN's units saturate and the faster its
# gradient fades (the scale of the inputs, in the same example).
#
# These are 3 seeds per network, one noise level, small networks and a short
# training; the classic LSTM experiments trained on far more sequences, for
# far longer. skrnn's regressors have no parameter for a gate's bias: to start
# a network with open gates, change ``model_`` between
# :meth:`~skrnn.LSTMRegressor.initialize` and
# :meth:`~skrnn.LSTMRegressor.partial_fit`, as this example does.
