"""LSTMRegressor(peephole=True): the peephole cell inside the scikit-learn regressor."""

import pickle

import keras
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import LSTMRegressor, SlidingWindowTransformer
from skrnn.layers import PeepholeLSTM
from tests._tiny import TINY

# Two layers: every recurrent layer of the stack is a peephole LSTM.
STACKED = dict(TINY, layers=2)


@pytest.fixture(scope="module")
def data():
    t = np.arange(120)
    series = (np.sin(t / 5) + 0.01 * t).reshape(-1, 1)
    return series[:-1], series[1:, 0]


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    windows = SlidingWindowTransformer(window=5).fit_transform(X)
    return LSTMRegressor(peephole=True, **STACKED).fit(windows, y), windows


def test_every_layer_is_a_peephole_lstm_with_named_peephole_weights(fitted):
    reg, _ = fitted
    recurrent = [layer for layer in reg.model_.layers if layer.name.startswith("recurrent")]
    assert len(recurrent) == 2
    assert all(isinstance(layer, PeepholeLSTM) for layer in recurrent)
    names = {w.path.split("/")[-1] for w in recurrent[0].weights}
    assert {
        "input_gate_peephole_weights",
        "forget_gate_peephole_weights",
        "output_gate_peephole_weights",
    } <= names


def test_peephole_adds_three_vectors_per_layer(data):
    X, y = data
    windows = SlidingWindowTransformer(window=5).fit_transform(X)
    plain = LSTMRegressor(**STACKED).initialize(windows, y).model_.count_params()
    peephole = LSTMRegressor(peephole=True, **STACKED).initialize(windows, y).model_.count_params()
    assert peephole - plain == 2 * 3 * 4


def test_keras_file_round_trip(fitted, tmp_path):
    reg, windows = fitted
    path = tmp_path / "peephole.keras"
    reg.model_.save(path)
    loaded = keras.saving.load_model(path)
    assert_array_equal(loaded.predict_on_batch(windows), reg.model_.predict_on_batch(windows))


def test_pickle_round_trip_and_clone(data):
    X, y = data
    windows = SlidingWindowTransformer(window=5).fit_transform(X)
    reg = LSTMRegressor(peephole=True, **STACKED).fit(windows, y)
    restored = pickle.loads(pickle.dumps(reg))
    assert_array_equal(restored.predict(windows), reg.predict(windows))
    assert clone(reg).get_params()["peephole"] is True


def test_grid_search_switches_peepholes_on_and_off(data):
    X, y = data
    pipe = make_pipeline(
        MinMaxScaler(), SlidingWindowTransformer(window=5), LSTMRegressor(**STACKED)
    )
    search = GridSearchCV(
        pipe,
        {"lstmregressor__peephole": [False, True]},
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_root_mean_squared_error",
    ).fit(X, y)
    assert [p["lstmregressor__peephole"] for p in search.cv_results_["params"]] == [False, True]
    # The refitted best pipeline is the same as fitting those parameters directly.
    direct = clone(pipe).set_params(**search.best_params_).fit(X, y)
    assert_array_equal(search.predict(X), direct.predict(X))
