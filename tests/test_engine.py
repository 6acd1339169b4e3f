"""How the regressors train and predict: compiled once per architecture, never shared state."""

import pickle
import threading

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skrnn import GRURegressor, LSTMRegressor, RNNRegressor, SlidingWindowTransformer, _engine
from tests._tiny import TINY


@pytest.fixture(scope="module")
def data():
    t = np.arange(120)
    series = (np.sin(t / 6) + 0.02 * t).reshape(-1, 1)
    X = SlidingWindowTransformer(window=5).fit_transform(series[:-1])
    return X[4:], series[5:, 0]


def _value(variable):
    return keras.ops.convert_to_numpy(variable).item()


def _network_output(reg, X):
    """What model_ computes, in the units of y."""
    scaled = np.asarray(reg.model_.predict_on_batch(X.astype(np.float32)), dtype=np.float64)
    return scaled[:, 0] * reg._y_scale[0] + reg._y_center[0]


@pytest.mark.parametrize("Regressor", [RNNRegressor, LSTMRegressor, GRURegressor])
def test_predictions_are_what_the_network_computes(Regressor, data):
    X, y = data
    reg = Regressor(**TINY).fit(X, y)
    for rows in (X[:1], X[:7], X):
        assert_allclose(reg.predict(rows), _network_output(reg, rows), rtol=1e-5, atol=1e-6)


def test_changing_model_after_fit_changes_predictions(data):
    X, y = data
    reg = LSTMRegressor(**TINY).fit(X, y)
    before = reg.predict(X)
    reg.model_.set_weights([0.5 * w for w in reg.model_.get_weights()])
    after = reg.predict(X)
    assert not np.allclose(before, after)
    assert_allclose(after, _network_output(reg, X), rtol=1e-5, atol=1e-6)


def test_a_model_of_another_architecture_predicts_what_it_computes(data):
    X, y = data
    reg = LSTMRegressor(**TINY).fit(X, y)
    reg.model_ = LSTMRegressor(**dict(TINY, units=6)).fit(X, y).model_
    assert_allclose(reg.predict(X), _network_output(reg, X), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("change", [dict(units=6), dict(layers=2), dict(residual=False)])
def test_after_set_params_the_fitted_network_keeps_its_own_program(data, change):
    X, y = data
    reg = LSTMRegressor(**TINY).fit(X, y)
    fitted_params = reg.model_.count_params()
    expected = reg.predict(X)
    reg.set_params(**change)
    _engine._idle.clear()  # the next call builds the program anew
    assert_allclose(reg.predict(X), expected, rtol=1e-6)
    reg.partial_fit(X, y)  # trains the fitted network, not the one the parameters describe
    assert reg.model_.count_params() == fitted_params
    assert_allclose(reg.predict(X), _network_output(reg, X), rtol=1e-5, atol=1e-6)
    (programs,) = _engine._idle.values()
    assert [v.shape for v in programs[0].template.weights] == [v.shape for v in reg.model_.weights]


def test_a_fit_does_not_depend_on_an_earlier_fit_of_the_architecture(data):
    X, y = data
    _engine._idle.clear()  # the first fit builds and compiles the program
    first = GRURegressor(**TINY).fit(X, y)
    second = GRURegressor(**TINY).fit(X, y)  # the second reuses it
    assert_array_equal(first.predict(X), second.predict(X))
    assert first.history_ == second.history_


def test_networks_of_one_architecture_keep_their_own_weights(data):
    X, y = data
    first = RNNRegressor(**TINY).fit(X, y)
    expected = first.predict(X)
    other = RNNRegressor(**dict(TINY, random_state=1)).fit(X, 2 * y)
    assert first.model_ is not other.model_
    assert_array_equal(first.predict(X), expected)
    assert not np.allclose(other.predict(X), expected)


@pytest.mark.parametrize("Regressor", [LSTMRegressor, GRURegressor])
def test_dropout_is_reproducible_and_drops(Regressor, data):
    X, y = data
    params = dict(TINY, dropout=0.5, validation_fraction=0.0)
    first = Regressor(**params).fit(X, y)
    assert_array_equal(first.predict(X), Regressor(**params).fit(X, y).predict(X))
    without = Regressor(**dict(params, dropout=0.0)).fit(X, y)
    assert not np.allclose(first.predict(X), without.predict(X))


def test_seeds_share_one_program_and_keep_their_own_draws(data):
    X, y = data
    params = dict(TINY, dropout=0.5, validation_fraction=0.0)
    _engine._idle.clear()
    alone = GRURegressor(**dict(params, random_state=1)).fit(X, y).predict(X)
    _engine._idle.clear()
    GRURegressor(**dict(params, random_state=0)).fit(X, y)
    after_another_seed = GRURegressor(**dict(params, random_state=1)).fit(X, y).predict(X)
    assert len(_engine._idle) == 1
    assert_array_equal(after_another_seed, alone)


def test_partial_fit_continues_the_optimizer(data):
    X, y = data
    reg = LSTMRegressor(**TINY).partial_fit(X, y)
    batches = -(-len(X) // TINY["batch_size"])
    assert _value(reg.model_.optimizer.iterations) == batches
    reg.partial_fit(X, y)
    assert _value(reg.model_.optimizer.iterations) == 2 * batches


def test_fit_leaves_the_optimizer_state_in_model(data):
    X, y = data
    reg = LSTMRegressor(**dict(TINY, validation_fraction=0.0)).fit(X, y)
    batches = -(-len(X) // TINY["batch_size"])
    assert _value(reg.model_.optimizer.iterations) == 3 * batches
    assert _value(reg.model_.optimizer.learning_rate) == pytest.approx(0.001)


def test_concurrent_fits_in_threads(data):
    X, y = data
    fitted = [None] * 4

    def fit(i):
        fitted[i] = LSTMRegressor(**dict(TINY, random_state=None)).fit(X, (i + 1) * y)

    threads = [threading.Thread(target=fit, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, reg in enumerate(fitted):
        assert reg.n_iter_ == 3
        assert_allclose(reg.predict(X), _network_output(reg, X), rtol=1e-5, atol=1e-5 * (i + 1))


@pytest.mark.parametrize("verbose, expected", [(2, "Epoch 3: loss: "), (1, "3/3")])
def test_verbose_shows_each_epoch(data, capsys, verbose, expected):
    X, y = data
    RNNRegressor(**dict(TINY, verbose=verbose)).fit(X, y)
    out = capsys.readouterr().out
    assert expected in out
    assert "val_loss" in out


def test_batches_cover_each_row_once_and_weigh_each_batch_equally():
    order = np.random.RandomState(0).permutation(37)
    rows, weights = _engine._batches(order, 16)
    assert rows.shape == weights.shape == (3, 16)
    assert_array_equal(np.sort(rows[weights > 0]), np.arange(37))
    assert_allclose(weights.sum(axis=1), 1.0)
    assert_allclose(weights[2, :5], 1 / 5)


@pytest.fixture
def keras_program_only(monkeypatch):
    """Train as on a backend without a program of its own: Keras' public API."""
    monkeypatch.setattr(_engine, "_PROGRAMS", {})
    monkeypatch.setattr(_engine, "_idle", type(_engine._idle)())


def test_backends_without_a_program_train_through_keras(keras_program_only, data):
    X, y = data
    reg = GRURegressor(
        **dict(
            TINY,
            epochs=6,
            validation_fraction=0.25,
            patience=10,
            learning_rate=0.01,
            significance=None,
        )
    ).fit(X, y)
    programs = [p for ps in _engine._idle.values() for p in ps]
    assert programs and all(type(p) is _engine._KerasProgram for p in programs)
    n_val = round(0.25 * len(X))
    scaled_error = (reg.predict(X[-n_val:]) - y[-n_val:]) / y.std()
    assert reg.best_epoch_ == 1 + int(np.argmin(reg.history_["val_loss"]))
    assert_allclose(np.mean(scaled_error**2), min(reg.history_["val_loss"]), rtol=1e-4)
    assert_allclose(reg.predict(X), _network_output(reg, X), rtol=1e-5, atol=1e-6)
    restored = pickle.loads(pickle.dumps(reg))
    assert_allclose(restored.predict(X), reg.predict(X), rtol=1e-5, atol=1e-6)
