"""PeepholeLSTMCell and PeepholeLSTM against an independent NumPy reference."""

import keras
import numpy as np
import pytest

from skrnn._peephole import PeepholeLSTM, PeepholeLSTMCell

BATCH, STEPS, FEATURES, UNITS = 3, 7, 2, 4
PEEPHOLE_NAMES = (
    "input_gate_peephole_weights",
    "forget_gate_peephole_weights",
    "output_gate_peephole_weights",
)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def reference_peephole_lstm(x, weights):
    """Gers & Schmidhuber (2000) in float64: every step's h, final h and c."""
    kernel, recurrent, bias = (weights[name] for name in ("kernel", "recurrent_kernel", "bias"))
    p_i, p_f, p_o = (weights[name] for name in PEEPHOLE_NAMES)
    units = recurrent.shape[0]
    h = np.zeros((x.shape[0], units))
    c = np.zeros((x.shape[0], units))
    outputs = []
    for x_t in np.swapaxes(x, 0, 1):
        z_i, z_f, z_c, z_o = np.split(x_t @ kernel + h @ recurrent + bias, 4, axis=1)
        i = _sigmoid(z_i + p_i * c)
        f = _sigmoid(z_f + p_f * c)
        c = f * c + i * np.tanh(z_c)
        o = _sigmoid(z_o + p_o * c)  # the new state, c_t
        h = o * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, axis=1), h, c


def _random_weights(rng, features=FEATURES, units=UNITS):
    """Non-zero weights large enough that no gate sits in saturation or at 0.5."""
    weights = {
        "kernel": rng.normal(scale=0.5, size=(features, 4 * units)),
        "recurrent_kernel": rng.normal(scale=0.5, size=(units, 4 * units)),
        "bias": rng.normal(scale=0.5, size=4 * units),
    }
    for name in PEEPHOLE_NAMES:
        # Away from zero, both signs: a peephole that is ignored shows up.
        magnitude = rng.uniform(0.5, 1.5, size=units)
        weights[name] = magnitude * rng.choice([-1.0, 1.0], size=units)
    return weights


def _assign(cell, weights):
    for name, value in weights.items():
        getattr(cell, name).assign(value.astype("float32"))


def _peephole_layer(weights, **kwargs):
    layer = PeepholeLSTM(UNITS, return_sequences=True, return_state=True, **kwargs)
    layer.build((None, STEPS, FEATURES))
    _assign(layer.cell, weights)
    return layer


def _numpy(tensors):
    return [keras.ops.convert_to_numpy(t) for t in tensors]


def test_output_and_state_match_numpy_reference():
    rng = np.random.default_rng(0)
    weights = _random_weights(rng)
    x = rng.normal(size=(BATCH, STEPS, FEATURES))

    outputs, h, c = _numpy(_peephole_layer(weights)(x.astype("float32")))

    expected_outputs, expected_h, expected_c = reference_peephole_lstm(x, weights)
    np.testing.assert_allclose(outputs, expected_outputs, rtol=0, atol=1e-5)
    np.testing.assert_allclose(h, expected_h, rtol=0, atol=1e-5)
    np.testing.assert_allclose(c, expected_c, rtol=0, atol=1e-5)


def test_masked_leading_steps_carry_the_initial_state_through():
    rng = np.random.default_rng(1)
    weights = _random_weights(rng)
    x = rng.normal(size=(BATCH, STEPS, FEATURES))
    n_masked = [0, 2, 4]  # leading steps masked, per sample
    mask = np.arange(STEPS)[None, :] >= np.array(n_masked)[:, None]
    # Huge values on masked steps: any leak into the state would show.
    x_with_junk = np.where(mask[:, :, None], x, 1e3).astype("float32")

    layer = _peephole_layer(weights)
    outputs, h, c = _numpy(layer(x_with_junk, mask=mask))

    for sample, start in enumerate(n_masked):
        expected_outputs, expected_h, expected_c = reference_peephole_lstm(
            x[sample : sample + 1, start:], weights
        )
        np.testing.assert_allclose(outputs[sample, start:], expected_outputs[0], rtol=0, atol=1e-5)
        np.testing.assert_allclose(h[sample], expected_h[0], rtol=0, atol=1e-5)
        np.testing.assert_allclose(c[sample], expected_c[0], rtol=0, atol=1e-5)


def _plain_lstm_weights(weights):
    return [weights[name] for name in ("kernel", "recurrent_kernel", "bias")]


def test_zero_peepholes_give_the_plain_keras_lstm():
    rng = np.random.default_rng(2)
    weights = _random_weights(rng)
    for name in PEEPHOLE_NAMES:
        weights[name] = np.zeros(UNITS)
    x = rng.normal(size=(BATCH, STEPS, FEATURES)).astype("float32")
    lstm = keras.layers.LSTM(UNITS, return_sequences=True, return_state=True)
    lstm.build((None, STEPS, FEATURES))
    lstm.set_weights(_plain_lstm_weights(weights))

    peephole = _numpy(_peephole_layer(weights)(x))

    for got, expected in zip(peephole, _numpy(lstm(x)), strict=True):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)


def test_non_zero_peepholes_change_the_output():
    rng = np.random.default_rng(3)
    weights = _random_weights(rng)
    x = rng.normal(size=(BATCH, STEPS, FEATURES)).astype("float32")
    lstm = keras.layers.LSTM(UNITS, return_sequences=True)
    lstm.build((None, STEPS, FEATURES))
    lstm.set_weights(_plain_lstm_weights(weights))

    outputs = _numpy(_peephole_layer(weights)(x))[0]

    assert np.abs(outputs - keras.ops.convert_to_numpy(lstm(x))).max() > 1e-2


@pytest.mark.parametrize("dropout, recurrent_dropout", [(0.4, 0.0), (0.0, 0.4), (0.3, 0.5)])
def test_dropout_masks_are_those_of_lstm_cell(dropout, recurrent_dropout):
    rng = np.random.default_rng(4)
    weights = _random_weights(rng)
    for name in PEEPHOLE_NAMES:
        weights[name] = np.zeros(UNITS)
    x = rng.normal(size=(BATCH, STEPS, FEATURES)).astype("float32")
    rates = {"dropout": dropout, "recurrent_dropout": recurrent_dropout, "seed": 7}
    lstm = keras.layers.RNN(keras.layers.LSTMCell(UNITS, **rates))
    peephole = keras.layers.RNN(PeepholeLSTMCell(UNITS, **rates))
    for layer in (lstm, peephole):
        layer.build((None, STEPS, FEATURES))
    lstm.set_weights(_plain_lstm_weights(weights))
    _assign(peephole.cell, weights)

    trained = keras.ops.convert_to_numpy(peephole(x, training=True))

    expected = keras.ops.convert_to_numpy(lstm(x, training=True))
    np.testing.assert_allclose(trained, expected, rtol=0, atol=1e-5)
    # Dropout did act in training, and does not at inference.
    inference = keras.ops.convert_to_numpy(peephole(x))
    assert np.abs(trained - inference).max() > 1e-3
    np.testing.assert_allclose(inference, keras.ops.convert_to_numpy(lstm(x)), rtol=0, atol=1e-5)


def _stacked_model(layer_class, units=32, layers=4, window=5):
    model = keras.Sequential([keras.Input((window, 1))])
    for index in range(layers):
        model.add(layer_class(units, return_sequences=index < layers - 1))
    model.add(keras.layers.Dense(1))
    return model


def test_parameter_count_is_lstm_plus_three_vectors_per_layer():
    assert _stacked_model(keras.layers.LSTM).count_params() == 29_345
    assert _stacked_model(PeepholeLSTM).count_params() == 29_345 + 4 * 3 * 32


def test_weights_keep_lstm_layout_and_peephole_names():
    layer = PeepholeLSTM(UNITS)
    layer.build((None, STEPS, FEATURES))

    shapes = {weight.name: tuple(weight.shape) for weight in layer.weights}

    assert shapes == {
        "kernel": (FEATURES, 4 * UNITS),
        "recurrent_kernel": (UNITS, 4 * UNITS),
        "bias": (4 * UNITS,),
        **{name: (UNITS,) for name in PEEPHOLE_NAMES},
    }
    assert [w.name for w in layer.weights][3:] == list(PEEPHOLE_NAMES)
    assert all(getattr(layer.cell, name).trainable for name in PEEPHOLE_NAMES)


def test_keras_file_round_trip_keeps_layers_and_outputs(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((STEPS, FEATURES)),
            PeepholeLSTM(5, return_sequences=True, dropout=0.2, recurrent_dropout=0.1),
            keras.layers.RNN(PeepholeLSTMCell(3, peephole_regularizer="l2")),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(5).normal(size=(BATCH, STEPS, FEATURES))
    # A built optimizer, so that loading restores its state without a warning.
    model.optimizer.build(model.trainable_variables)
    path = tmp_path / "peephole.keras"

    model.save(path)
    loaded = keras.saving.load_model(path)

    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert isinstance(loaded.layers[0], PeepholeLSTM)
    assert isinstance(loaded.layers[1].cell, PeepholeLSTMCell)
    assert loaded.layers[0].cell.recurrent_dropout == 0.1
    assert loaded.layers[1].cell.get_config() == model.layers[1].cell.get_config()


def test_get_config_from_config_round_trip():
    layer = PeepholeLSTM(
        6,
        activation="relu",
        peephole_initializer="zeros",
        peephole_regularizer="l2",
        peephole_constraint="non_neg",
        dropout=0.2,
        recurrent_dropout=0.3,
        seed=3,
        return_sequences=True,
        return_state=True,
        go_backwards=True,
        name="peephole",
    )

    config = layer.get_config()
    clone = PeepholeLSTM.from_config(config)

    assert clone.get_config() == config
    assert config["units"] == 6 and config["peephole_initializer"]["class_name"] == ("Zeros")
    cell_config = layer.cell.get_config()
    assert PeepholeLSTMCell.from_config(cell_config).get_config() == cell_config
    assert keras.saving.get_registered_name(PeepholeLSTM) == "skrnn>PeepholeLSTM"
    assert keras.saving.get_registered_name(PeepholeLSTMCell) == "skrnn>PeepholeLSTMCell"


def _spike_timing_data(rng, n_samples=256, steps=12):
    """One spike per sequence; the target is the time since it, over the length."""
    position = rng.integers(0, steps, size=n_samples)
    x = np.zeros((n_samples, steps, 1), dtype="float32")
    x[np.arange(n_samples), position, 0] = 1.0
    y = ((steps - 1 - position) / steps).astype("float32")
    return x, y[:, None]


def test_it_learns_the_time_since_a_spike():
    keras.utils.set_random_seed(0)
    x, y = _spike_timing_data(np.random.default_rng(6))
    model = keras.Sequential([keras.Input(x.shape[1:]), PeepholeLSTM(8), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    initial_loss = model.evaluate(x, y, verbose=0)

    model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    final_loss = model.evaluate(x, y, verbose=0)

    assert final_loss < 0.3 * initial_loss
    # Predicting the mean would leave np.var(y); the model must count.
    assert final_loss < 0.05 * np.var(y)
