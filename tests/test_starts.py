"""The regressors' skip starts, seed ensembles, level-free inputs and weight decay."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skrnn import (
    GRURegressor,
    LSTMRegressor,
    PersistenceRegressor,
    RidgeAutoregressor,
    RNNRegressor,
    SlidingWindowTransformer,
)
from tests._tiny import TINY


@pytest.fixture(scope="module")
def seasonal():
    """A noisy monthly season on a level: 13-step windows and the next value."""
    rng = np.random.RandomState(0)
    t = np.arange(240)
    series = 10 + np.sin(2 * np.pi * t / 12) + 0.2 * rng.normal(size=t.size)
    X = SlidingWindowTransformer(window=13).fit_transform(series[:-1].reshape(-1, 1))
    return X[12:], series[13:]


# -- where the skip connection starts ---------------------------------------------


def test_linear_start_is_the_ridge_autoregression_on_the_windows(seasonal):
    X, y = seasonal
    reg = GRURegressor(residual="linear", **TINY).initialize(X, y)
    ridge = RidgeAutoregressor().fit(X, y)
    assert_allclose(reg.predict(X), ridge.predict(X), rtol=1e-5)
    assert reg.model_.get_layer("skip").get_weights()[0].shape == (13, 1)


def test_seasonal_start_is_the_seasonal_naive_forecast(seasonal):
    X, y = seasonal
    reg = RNNRegressor(residual="seasonal", season=12, horizon=1, **TINY).initialize(X, y)
    naive = PersistenceRegressor(season=12).fit(X, y)
    assert_allclose(reg.predict(X), naive.predict(X), rtol=1e-5)


def test_seasonal_start_finds_the_horizon_when_not_told(seasonal):
    X, y = seasonal
    told = LSTMRegressor(residual="seasonal", season=12, horizon=1, **TINY).initialize(X, y)
    found = LSTMRegressor(residual="seasonal", season=12, **TINY).initialize(X, y)
    assert_allclose(found.predict(X), told.predict(X), rtol=1e-6)


def test_a_kept_start_is_fitted_on_every_training_row(seasonal):
    # A learning rate far too high: training only hurts, the start is kept, and
    # then it is the linear model of all the rows, validation tail included.
    X, y = seasonal
    reg = RNNRegressor(residual="linear", **dict(TINY, learning_rate=50.0, patience=2)).fit(X, y)
    assert reg.best_epoch_ == 0
    assert_allclose(reg.predict(X), RidgeAutoregressor().fit(X, y).predict(X), rtol=1e-5)


def test_the_linear_start_reads_its_window_of_a_longer_one(seasonal):
    X, y = seasonal
    reg = GRURegressor(residual="linear", **TINY).initialize(X[:, -6:], y)
    longer = reg.predict(X)
    assert_allclose(longer, RidgeAutoregressor().fit(X[:, -6:], y).predict(X[:, -6:]), rtol=1e-5)


@pytest.mark.parametrize(
    "params, window, match",
    [
        (dict(residual="linear"), 1, "residual='linear' .* windows have 1 step"),
        (dict(residual="seasonal"), 13, "residual='seasonal' .* season=None"),
        (dict(residual="seasonal", season=24), 13, "windows of 13 step.* at least 24 steps"),
        (dict(residual=False, inputs="differences"), 13, "only a skip connection"),
        (dict(inputs="differences"), 1, "inputs='differences' needs windows of at least 2"),
    ],
)
def test_a_start_or_input_that_cannot_apply_is_a_clear_error(seasonal, params, window, match):
    X, y = seasonal
    with pytest.raises(ValueError, match=match):
        LSTMRegressor(**TINY, **params).fit(X[:, -window:], y)


def test_windows_too_short_for_the_start_are_an_error_at_predict(seasonal):
    X, y = seasonal
    reg = GRURegressor(residual="linear", **TINY).fit(X, y)
    with pytest.raises(ValueError, match="windows of 5 step.* reads the newest 13 steps"):
        reg.predict(X[:, -5:])


@pytest.mark.parametrize("value", ["lin", 2])
def test_an_unknown_start_is_a_clear_error(seasonal, value):
    with pytest.raises(ValueError, match="'residual' parameter"):
        GRURegressor(residual=value, **TINY).fit(*seasonal)


# -- ensembles of seeds -----------------------------------------------------------


@pytest.fixture(scope="module")
def ensemble(seasonal):
    X, y = seasonal
    params = dict(TINY, epochs=8, learning_rate=0.01, significance=None)
    return GRURegressor(n_seeds=3, **params).fit(X, y), GRURegressor(**params).fit(X, y)


def test_an_ensemble_averages_its_networks(ensemble, seasonal):
    reg, _ = ensemble
    X, _ = seasonal
    assert len(reg.models_) == 3 and reg.model_ is reg.models_[0]
    assert reg.best_epochs_.shape == (3,) and reg.best_epoch_ == reg.best_epochs_[0]
    members = np.stack([m.predict(X, verbose=0)[:, 0] for m in reg.models_])
    members = members * reg._y_scale + reg._y_center
    y_pred, y_std = reg.predict(X, return_std=True)
    assert_allclose(y_pred, members.mean(axis=0), rtol=1e-5)
    assert_allclose(y_std, members.std(axis=0), rtol=1e-4, atol=1e-6)
    assert (y_std > 0).all()


def test_the_first_network_of_an_ensemble_is_the_plain_fit(ensemble, seasonal):
    reg, single = ensemble
    X, _ = seasonal
    first = reg.models_[0].predict(X, verbose=0)[:, 0] * reg._y_scale + reg._y_center
    assert_allclose(first, single.predict(X), rtol=1e-5)
    assert reg.history_ == single.history_


def test_one_network_has_no_spread(ensemble, seasonal):
    _, single = ensemble
    X, _ = seasonal
    y_pred, y_std = single.predict(X[:4], return_std=True)
    assert y_pred.shape == y_std.shape == (4,)
    assert (y_std == 0).all() and len(single.models_) == 1


def test_the_spread_has_the_shape_of_two_d_y(seasonal):
    X, y = seasonal
    Y = np.c_[y, 2 * y]
    reg = RNNRegressor(n_seeds=2, **TINY).fit(X, Y)
    y_pred, y_std = reg.predict(X[:5], return_std=True)
    assert y_pred.shape == y_std.shape == (5, 2)


def test_partial_fit_trains_one_network_only(seasonal):
    with pytest.raises(ValueError, match="partial_fit trains one network, but n_seeds=2"):
        GRURegressor(n_seeds=2, **TINY).partial_fit(*seasonal)


# -- level-free inputs --------------------------------------------------------------


@pytest.mark.parametrize("inputs", ["differences", "from_newest"])
def test_level_free_networks_move_with_the_level_through_the_skip_only(seasonal, inputs):
    # The recurrent layers read no level: shifting a window shifts the forecast
    # by the skip's slope times the shift, the same on every row.
    X, y = seasonal
    params = dict(TINY, epochs=5, learning_rate=0.01, significance=None)
    reg = LSTMRegressor(inputs=inputs, **params).fit(X, y)
    shift = reg.predict(X + 5.0) - reg.predict(X)
    assert np.ptp(shift) < 1e-3 and abs(shift.mean()) > 1.0
    levels = LSTMRegressor(**params).fit(X, y)
    assert np.ptp(levels.predict(X + 5.0) - levels.predict(X)) > 1e-3


# -- weight decay ---------------------------------------------------------------------


def test_weight_decay_shrinks_the_recurrent_path_but_not_the_start(seasonal):
    X, y = seasonal
    params = dict(TINY, epochs=20, learning_rate=0.05, significance=None, validation_fraction=0)
    decayed = GRURegressor(weight_decay=10.0, **params).fit(X, y)
    free = GRURegressor(**params).fit(X, y)
    kernel = {
        name: np.abs(reg.model_.get_layer("recurrent_0").get_weights()[0]).mean()
        for name, reg in (("decayed", decayed), ("free", free))
    }
    assert kernel["decayed"] < 0.01 * kernel["free"]
    skip = decayed.model_.get_layer("skip").get_weights()[0]
    assert abs(skip[0, 0]) > 0.5


def test_an_ensemble_with_a_linear_start_and_level_free_inputs_pickles(seasonal):
    import pickle

    X, y = seasonal
    reg = GRURegressor(residual="linear", inputs="from_newest", n_seeds=2, **TINY).fit(X, y)
    again = pickle.loads(pickle.dumps(reg))
    before, after = reg.predict(X, return_std=True), again.predict(X, return_std=True)
    for a, b in zip(before, after, strict=True):
        assert_allclose(a, b, rtol=1e-6)
