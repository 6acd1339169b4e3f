"""RNNRegressor, LSTMRegressor, GRURegressor: the lecture's networks as scikit-learn regressors."""

import pickle
import random
import threading
import time
from functools import partial

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone, is_regressor
from sklearn.ensemble import StackingRegressor, VotingRegressor
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, TimeSeriesSplit, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import GRURegressor, LSTMRegressor, RNNRegressor, SlidingWindowTransformer
from tests._tiny import TINY

PeepholeLSTMRegressor = partial(LSTMRegressor, peephole=True)
PeepholeLSTMRegressor.__name__ = "PeepholeLSTMRegressor"
REGRESSORS = [RNNRegressor, LSTMRegressor, PeepholeLSTMRegressor, GRURegressor]
# Two layers, so that every behaviour is checked on a stacked network.
STACKED = dict(TINY, layers=2)


@pytest.fixture(scope="module")
def series():
    t = np.arange(160)
    return (np.sin(t / 6) + 0.02 * t).reshape(-1, 1)


@pytest.fixture(scope="module")
def data(series):
    """Windows of 5 days and the next day's value, the lecture's setting."""
    X = SlidingWindowTransformer(window=5).fit_transform(series[:-1])
    return X[4:], series[5:, 0]


@pytest.fixture(scope="module", params=REGRESSORS, ids=lambda c: c.__name__)
def fitted(request, data):
    X, y = data
    return request.param(**STACKED).fit(X, y)


# -- the lecture's networks ---------------------------------------------------


@pytest.mark.parametrize(
    "Regressor, n_params",
    [
        (RNNRegressor, 7_361),
        (LSTMRegressor, 29_345),
        (PeepholeLSTMRegressor, 29_345 + 4 * 3 * 32),  # 29,729
        (GRURegressor, 22_401),
    ],
    ids=lambda p: getattr(p, "__name__", str(p)),
)
def test_defaults_have_the_lecture_parameter_counts(Regressor, n_params, data):
    X, y = data
    reg = Regressor(residual=False).initialize(X, y)
    assert (reg.units, reg.layers, reg.patience) == (32, 4, 40)
    assert reg.model_.count_params() == n_params
    recurrent = [layer for layer in reg.model_.layers if layer.name.startswith("recurrent")]
    assert [layer.return_sequences for layer in recurrent] == [True, True, True, False]


@pytest.mark.parametrize("Regressor", REGRESSORS, ids=lambda c: c.__name__)
def test_scikit_learn_sees_a_regressor(Regressor):
    assert is_regressor(Regressor())
    assert is_regressor(make_pipeline(SlidingWindowTransformer(), Regressor()))


# -- fitted state and predictions -----------------------------------------------


def test_fitted_attributes(fitted, data):
    X, _ = data
    assert fitted.n_features_in_ == 1
    assert fitted.n_iter_ == len(fitted.history_["loss"]) == len(fitted.history_["val_loss"])
    assert type(fitted.history_) is dict
    assert fitted.n_iter_ >= 1 and all(type(v) is float for v in fitted.history_["loss"])
    assert fitted.predict(X).shape == (len(X),)
    assert fitted.predict(X).dtype == np.float64


def test_leading_nan_steps_read_as_a_shorter_window(fitted, data):
    X, _ = data
    masked = X[:10].copy()
    masked[:, :2] = np.nan
    assert_allclose(fitted.predict(masked), fitted.predict(X[:10, 2:]), rtol=0, atol=1e-6)


def test_windows_of_another_length_can_be_predicted(fitted, data):
    X, _ = data
    assert fitted.predict(X[:, -3:]).shape == (len(X),)


def test_two_d_X_is_one_feature(fitted, data):
    X, y = data
    assert_allclose(fitted.predict(X[:, :, 0]), fitted.predict(X), rtol=0, atol=0)


@pytest.mark.parametrize("Regressor", REGRESSORS, ids=lambda c: c.__name__)
def test_pickle_round_trip_predicts_identically(Regressor, data):
    # A fresh model: on TensorFlow, a model that has already predicted windows
    # of other shapes may run a more general graph, equal only to float32 round-off.
    X, y = data
    reg = Regressor(**STACKED).fit(X, y)
    restored = pickle.loads(pickle.dumps(reg))
    assert_array_equal(restored.predict(X), reg.predict(X))
    assert restored.history_ == reg.history_


def test_clone_keeps_parameters_not_fit(fitted):
    cloned = clone(fitted)
    assert cloned.get_params() == fitted.get_params()
    assert not hasattr(cloned, "model_")


@pytest.mark.parametrize("Regressor", REGRESSORS, ids=lambda c: c.__name__)
def test_same_seed_same_predictions(Regressor, data):
    X, y = data
    first = Regressor(**STACKED).fit(X, y).predict(X)
    second = Regressor(**STACKED).fit(X, y).predict(X)
    assert_array_equal(first, second)


@pytest.mark.parametrize("Regressor", REGRESSORS, ids=lambda c: c.__name__)
def test_predictions_come_back_in_the_units_of_y(Regressor, data):
    # y is standardised inside: an affine change of y's units changes nothing
    # but the units of the predictions.
    X, y = data
    params = dict(STACKED, epochs=2)
    in_units = Regressor(**params).fit(X, y).predict(X)
    in_price = Regressor(**params).fit(X, 1000 * y + 25_000).predict(X)
    assert_allclose(in_price, 1000 * in_units + 25_000, rtol=1e-5)


@pytest.mark.parametrize("Regressor", REGRESSORS, ids=lambda c: c.__name__)
def test_two_d_y_gives_one_output_per_column(Regressor, data, series):
    X, y = data
    Y = np.column_stack([y[:-1], y[1:]])  # horizons 1 and 2
    reg = Regressor(**dict(STACKED, epochs=2)).fit(X[:-1], Y)
    assert reg.model_.output_shape == (None, 2)
    assert reg.predict(X).shape == (len(X), 2)


# -- early stopping ---------------------------------------------------------------


def test_early_stopping_watches_the_latest_rows_and_restores_the_best():
    wave = np.sin(np.arange(160) / 6).reshape(-1, 1)
    X = SlidingWindowTransformer(window=5).fit_transform(wave[:-1])
    y = wave[1:, 0]
    reg = GRURegressor(
        **dict(STACKED, epochs=6, validation_fraction=0.25, patience=10, residual=False,
               learning_rate=0.01)
    ).fit(X, y)  # fmt: skip
    n_val = round(0.25 * len(X))
    scaled_error = (reg.predict(X[-n_val:]) - y[-n_val:]) / y.std()
    assert reg.best_epoch_ == 1 + int(np.argmin(reg.history_["val_loss"])) > 1
    assert_allclose(np.mean(scaled_error**2), min(reg.history_["val_loss"]), rtol=1e-4)


def test_untrained_residual_network_is_kept_when_training_only_hurts(data):
    # A learning rate far too high: every epoch is worse on the validation rows,
    # so the network stays what it starts as: "tomorrow = today", since y is
    # the newest step one row later.
    X, y = data
    reg = RNNRegressor(**dict(STACKED, learning_rate=50.0, patience=2)).fit(X, y)
    assert reg.best_epoch_ == 0
    assert_allclose(reg.predict(X), X[:, -1, 0], rtol=0, atol=1e-5)


def _walk_and_wave():
    """A random walk (nothing to learn beyond "tomorrow = today") and a wave on
    a trend (a lot to learn), as 5-day windows and the next day's value."""
    walk = np.cumsum(np.random.RandomState(0).normal(size=400))
    wave = 2 * np.sin(np.arange(400) / 6) + 0.01 * np.arange(400)
    window = SlidingWindowTransformer(window=5)
    return [(window.fit_transform(s[:-1].reshape(-1, 1))[4:], s[5:]) for s in (walk, wave)]


def test_a_gain_within_the_noise_does_not_replace_the_naive_start():
    (X, y), _ = _walk_and_wave()
    params = dict(units=4, layers=1, epochs=40, patience=10, batch_size=16,
                  learning_rate=0.01, random_state=0)  # fmt: skip
    lowest = RNNRegressor(significance=None, **params).fit(X, y)
    gated = RNNRegressor(**params).fit(X, y)
    # The same training; only the choice at the end differs.
    assert gated.history_ == lowest.history_
    assert lowest.best_epoch_ > 0 and gated.best_epoch_ == 0
    assert_allclose(gated.predict(X), X[:, -1, 0], rtol=0, atol=1e-4)


def test_a_significant_gain_replaces_the_naive_start():
    _, (X, y) = _walk_and_wave()
    reg = GRURegressor(units=4, layers=1, epochs=30, patience=10, batch_size=16,
                       learning_rate=0.01, random_state=0).fit(X, y)  # fmt: skip
    assert reg.best_epoch_ > 0
    n_val = round(0.1 * len(X))
    naive = X[-n_val:, -1, 0]
    assert np.mean((reg.predict(X[-n_val:]) - y[-n_val:]) ** 2) < np.mean((naive - y[-n_val:]) ** 2)


def test_residual_start_matches_moments_when_y_is_not_the_series_later(data):
    X, _ = data
    noise = np.random.RandomState(1).normal(loc=3.0, scale=2.0, size=len(X))
    reg = RNNRegressor(**dict(STACKED, learning_rate=50.0, patience=2)).fit(X, noise)
    assert reg.best_epoch_ == 0
    # The start kept is fitted on every training row, the validation tail included.
    start = reg.predict(X)
    assert start.mean() == pytest.approx(noise.mean(), rel=1e-4)
    assert start.std() == pytest.approx(noise.std(), rel=1e-4)


def test_known_horizon_starts_at_the_exact_naive_forecast():
    # 40 rows ahead lies beyond the lags tried when the horizon is not given:
    # told, the skip starts exactly at "in 40 days = today"; not told, it can
    # only match y's mean and spread.
    series = np.cumsum(np.random.RandomState(2).normal(size=300)) + 100
    X = SlidingWindowTransformer(window=3).fit_transform(series[:-40].reshape(-1, 1))[2:]
    y = series[42:]
    params = dict(units=2, layers=1, epochs=1, validation_fraction=0, random_state=0)
    told = RNNRegressor(horizon=40, **params).initialize(X, y)
    assert_allclose(told.predict(X), X[:, -1, 0], rtol=1e-5)
    guessed = RNNRegressor(**params).initialize(X, y)
    assert not np.allclose(guessed.predict(X), X[:, -1, 0], rtol=1e-3)
    assert guessed.predict(X).std() == pytest.approx(y.std(), rel=1e-4)


def test_one_horizon_per_output_is_required(data):
    X, y = data
    with pytest.raises(ValueError, match=r"horizon=\[1, 2\] gives 2 horizon\(s\), but y has 1"):
        RNNRegressor(**dict(STACKED, horizon=[1, 2])).fit(X, y)


def test_training_stops_patience_epochs_after_the_best(data):
    # Noise targets: the validation loss stops improving within a few epochs.
    X, _ = data
    noise = np.random.RandomState(0).normal(size=len(X))
    reg = RNNRegressor(units=4, layers=1, epochs=100, patience=3, learning_rate=0.05,
                       random_state=0).fit(X, noise)  # fmt: skip
    assert reg.n_iter_ < 100
    assert reg.best_epoch_ == reg.n_iter_ - 3


def test_no_validation_trains_every_epoch(data):
    X, y = data
    reg = RNNRegressor(**dict(STACKED, validation_fraction=0.0)).fit(X, y)
    assert reg.n_iter_ == 3
    assert "val_loss" not in reg.history_


def test_partial_fit_trains_one_epoch_per_call(data):
    X, y = data
    reg = LSTMRegressor(**STACKED)
    reg.partial_fit(X, y).partial_fit(X, y)
    assert reg.n_iter_ == 2
    assert len(reg.history_["loss"]) == 2


# -- scikit-learn tools -----------------------------------------------------------


@pytest.mark.parametrize("Regressor", REGRESSORS, ids=lambda c: c.__name__)
def test_pipeline_cross_validate_with_time_series_split(Regressor, series):
    pipe = make_pipeline(MinMaxScaler(), SlidingWindowTransformer(window=5), Regressor(**STACKED))
    scores = cross_validate(
        pipe,
        series[:-1],
        series[1:, 0],
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_root_mean_squared_error",
    )
    assert np.isfinite(scores["test_score"]).all()


def test_voting_and_stacking(data):
    X, y = data
    members = [("rnn", RNNRegressor(**STACKED)), ("gru", GRURegressor(**STACKED))]
    voting = VotingRegressor(members).fit(X, y)
    assert voting.predict(X).shape == y.shape
    stacking = StackingRegressor(members, final_estimator=Ridge(), cv=KFold(2)).fit(X, y)
    assert stacking.predict(X).shape == y.shape


# -- bad input --------------------------------------------------------------------


@pytest.mark.parametrize("Regressor", REGRESSORS, ids=lambda c: c.__name__)
def test_predict_before_fit_is_an_error(Regressor, data):
    with pytest.raises(NotFittedError):
        Regressor().predict(data[0])


@pytest.mark.parametrize(
    "X, match",
    [
        (np.zeros(10), "Expected 2D array"),
        (np.zeros((10, 5, 1, 1)), "2-D .* or 3-D"),
        (np.full((10, 5), "a"), "could not convert"),
        (np.where(np.eye(10, 5) > 0, np.inf, 0.0), "infinite"),
    ],
)
def test_bad_X_is_a_clear_error(X, match):
    with pytest.raises(ValueError, match=match):
        RNNRegressor(**STACKED).fit(X, np.zeros(10))


def test_window_that_is_nan_everywhere_is_an_error(data):
    X, y = data
    X = X.copy()
    X[3] = np.nan
    with pytest.raises(ValueError, match=r"NaN everywhere \(rows \[3\]\)"):
        RNNRegressor(**STACKED).fit(X, y)


def test_step_with_only_some_features_nan_is_an_error():
    X = np.zeros((10, 3, 2))
    X[4, 1, 0] = np.nan
    with pytest.raises(ValueError, match=r"only some features are NaN \(rows \[4\]\)"):
        RNNRegressor(**STACKED).fit(X, np.zeros(10))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_y_is_an_error(data, bad):
    X, y = data
    y = y.copy()
    y[5] = bad
    with pytest.raises(ValueError, match="Input y contains"):
        RNNRegressor(**STACKED).fit(X, y)


def test_mismatched_lengths_are_an_error(data):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        RNNRegressor(**STACKED).fit(X, y[:-1])


def test_different_number_of_features_at_predict_is_an_error(fitted, data):
    X, _ = data
    with pytest.raises(ValueError, match="2 features per time step, but .* expecting 1"):
        fitted.predict(np.concatenate([X, X], axis=2))


@pytest.mark.parametrize(
    "param, value",
    [
        ("units", 0),
        ("layers", 0),
        ("dropout", 1.0),
        ("validation_fraction", 1.0),
        ("learning_rate", 0),
    ],
)
def test_bad_hyperparameter_is_a_clear_error(data, param, value):
    with pytest.raises(ValueError, match=f"'{param}' parameter"):
        LSTMRegressor(**{**STACKED, param: value}).fit(*data)


# -- the residual skip connection -------------------------------------------------


@pytest.mark.parametrize("Regressor", REGRESSORS, ids=lambda c: c.__name__)
def test_residual_extrapolates_a_trend_beyond_the_training_range(Regressor):
    # A steady rise: the test prices (14 .. 19.9) all lie above the training ones.
    series = (0.1 * np.arange(200.0)).reshape(-1, 1)
    X, y = series[:-1], series[1:, 0]
    params = dict(units=4, layers=1, epochs=30, patience=5, random_state=0)
    predictions = {}
    for residual in (True, False):
        pipe = make_pipeline(
            MinMaxScaler(),
            SlidingWindowTransformer(window=5),
            Regressor(residual=residual, **params),
        )
        predictions[residual] = pipe.fit(X[:140], y[:140]).predict(X[140:])
    assert_allclose(predictions[True], y[140:], atol=0.05)
    # Without the skip path, saturating activations keep the forecast near or
    # below the highest training price, far from the last test price.
    assert predictions[False].max() < y[:140].max() + 0.5
    assert abs(predictions[False][-1] - y[-1]) > 5


@pytest.mark.parametrize("Regressor", REGRESSORS, ids=lambda c: c.__name__)
def test_same_seed_same_predictions_while_another_thread_draws_random_numbers(Regressor, data):
    # A Dask worker's event loop draws from Python's global random while a fit runs;
    # a seeded network must not depend on those draws.
    X, y = data
    reg = Regressor(**TINY, residual=False, dropout=0.2)
    quiet = clone(reg).fit(X, y).predict(X)
    stop = threading.Event()

    def draw():
        while not stop.is_set():
            random.random()
            time.sleep(1e-4)

    thread = threading.Thread(target=draw, daemon=True)
    thread.start()
    try:
        busy = clone(reg).fit(X, y).predict(X)
    finally:
        stop.set()
        thread.join()
    assert_array_equal(busy, quiet)


def test_a_seeded_fit_reads_and_changes_no_global_random_state(data):
    X, y = data
    reg = GRURegressor(**TINY, dropout=0.2, validation_fraction=0.2)
    states = []
    for seed in (1, 2):
        random.seed(seed)
        np.random.seed(seed)  # noqa: NPY002
        python_state, numpy_state = random.getstate(), np.random.get_state()  # noqa: NPY002
        states.append(clone(reg).fit(X, y).partial_fit(X, y).predict(X))
        assert random.getstate() == python_state
        assert_array_equal(np.random.get_state()[1], numpy_state[1])  # noqa: NPY002
    assert_array_equal(states[0], states[1])


def test_each_epoch_visits_the_rows_in_the_order_epoch_order_gives(data, monkeypatch):
    from skrnn import _base, _seeding

    X, y = data
    seen = []

    def recorded(random_state, epoch, n_rows):
        seen.append((epoch, _seeding.epoch_order(random_state, epoch, n_rows)))
        return seen[-1][1]

    monkeypatch.setattr(_base, "epoch_order", recorded)
    reg = RNNRegressor(**TINY, validation_fraction=0.0).fit(X, y)
    reg.partial_fit(X, y)
    assert [epoch for epoch, _ in seen] == [0, 1, 2, 3]  # partial_fit continues the count
    for epoch, order in seen:
        assert_array_equal(order, _seeding.epoch_order(0, epoch, len(X)))
        assert_array_equal(np.sort(order), np.arange(len(X)))
    assert not np.array_equal(seen[0][1], seen[1][1])
    assert not np.array_equal(_seeding.epoch_order(0, 0, 50), _seeding.epoch_order(1, 0, 50))
