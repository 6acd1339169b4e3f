"""RidgeAutoregressor: the linear model of the last days, on the networks' windows."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import PersistenceRegressor, RidgeAutoregressor, SlidingWindowTransformer
from skrnn.datasets import load_sp500, load_sunspots, make_forecast_xy


def ar2_windows(n=2000, seed=0):
    """Windows of an AR(2) series x[t] = 1 + 0.6 x[t-1] - 0.3 x[t-2] + noise, and x[t+1]."""
    rng = np.random.RandomState(seed)
    x = np.zeros(n + 2)
    for t in range(2, n + 2):
        x[t] = 1.0 + 0.6 * x[t - 1] - 0.3 * x[t - 2] + rng.normal(0, 0.1)
    windows = np.lib.stride_tricks.sliding_window_view(x[:-1], 2)  # (x[t-1], x[t])
    return windows, x[2:]


def rmse_after(regressor, window, X, y, n_train):
    """RMSE on rows n_train onward of a pipeline fitted on the rows before."""
    pipe = make_pipeline(MinMaxScaler(), SlidingWindowTransformer(window=window), regressor)
    y_pred = pipe.fit(X.iloc[:n_train], y.iloc[:n_train]).predict(X.iloc[n_train:])
    return float(np.sqrt(np.mean((y.iloc[n_train:].to_numpy() - y_pred) ** 2)))


def test_least_squares_recovers_an_autoregression_newest_step_last():
    X, y = ar2_windows()
    model = RidgeAutoregressor(alpha=0.0).fit(X, y)
    assert model.coef_.shape == (2, 1)
    assert_allclose(model.coef_[:, 0], [-0.3, 0.6], atol=0.03)
    assert model.intercept_ == pytest.approx(1.0, abs=0.05)
    assert model.window_ == 2 and model.n_features_in_ == 1


def test_penalty_does_not_depend_on_the_units_of_y():
    X, y = ar2_windows(n=300)
    model = RidgeAutoregressor(alpha=10.0)
    in_units = model.fit(X, y).predict(X)
    in_thousands = clone(model).fit(X, 1000.0 * y + 5.0).predict(X)
    assert_allclose(in_thousands, 1000.0 * in_units + 5.0, rtol=1e-10)


def test_penalty_shrinks_the_weight_of_earlier_steps():
    X, y = ar2_windows(n=300)
    small = RidgeAutoregressor(alpha=0.0).fit(X, y).coef_
    large = RidgeAutoregressor(alpha=100.0).fit(X, y).coef_
    assert abs(large[0, 0]) < 0.5 * abs(small[0, 0])


def test_penalty_falls_on_the_differences_from_the_newest_step_only():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(80, 3, 2)), rng.normal(size=80)
    alpha = 3.0
    model = RidgeAutoregressor(alpha=alpha).fit(X, y)
    # The same penalised least squares, solved directly: standardised y on an
    # intercept, the newest step and each earlier step minus the newest, with
    # rows sqrt(alpha) * I appended for the differences only.
    newest = X[:, -1, :]
    changes = (X[:, :-1, :] - newest[:, np.newaxis, :]).reshape(80, -1)
    design = np.c_[np.ones(80), newest, changes]
    penalty = np.c_[np.zeros((4, 3)), np.sqrt(alpha) * np.eye(4)]
    target = np.r_[(y - y.mean()) / y.std(), np.zeros(4)]
    beta = np.linalg.lstsq(np.r_[design, penalty], target, rcond=None)[0]
    assert_allclose(model.predict(X), design @ beta * y.std() + y.mean(), rtol=1e-9)
    earlier = beta[3:].reshape(2, 2)
    expected = np.r_[earlier, [beta[1:3] - earlier.sum(axis=0)]] * y.std()
    assert_allclose(model.coef_, expected, rtol=1e-9)


def test_large_penalty_leaves_the_least_squares_line_from_the_newest_step():
    X, y = ar2_windows(n=300)
    heavy = RidgeAutoregressor(alpha=1e9).fit(X, y)
    newest_only = RidgeAutoregressor().fit(X[:, -1:], y)
    assert_allclose(heavy.predict(X), newest_only.predict(X[:, -1:]), rtol=1e-6)
    assert heavy.coef_[0, 0] == pytest.approx(0.0, abs=1e-6)


def test_ties_the_naive_forecast_on_a_random_walk_at_the_default_penalty():
    X, y = make_forecast_xy(load_sp500().iloc[-1000:])
    n = 750
    ratio = rmse_after(RidgeAutoregressor(), 20, X, y, n) / rmse_after(
        PersistenceRegressor(), 1, X, y, n
    )
    assert ratio < 1.02


def test_window_with_missing_leading_steps_reads_as_a_shorter_window():
    X, y = ar2_windows(n=400)
    series = X[:, 1]
    # Windows of 3 from the start of the series: row 0 knows 1 step, row 1 knows 2.
    windows = np.lib.stride_tricks.sliding_window_view(np.r_[np.nan, np.nan, series], 3)
    model = RidgeAutoregressor(alpha=0.5).fit(windows, y)
    assert np.isnan(windows[0, :2]).all() and np.isnan(windows[1, 0])

    # One known step: the regression on the newest step of every window.
    one_step = RidgeAutoregressor(alpha=0.5).fit(windows[:, -1:], y)
    assert model.predict(windows[:1]) == pytest.approx(one_step.predict(windows[:1, -1:]))
    # Two known steps: the regression on the newest two steps of the windows that have them.
    two_steps = RidgeAutoregressor(alpha=0.5).fit(windows[1:, -2:], y[1:])
    assert model.predict(windows[1:2]) == pytest.approx(two_steps.predict(windows[1:2, -2:]))
    # Complete windows: the regression on all three steps, coef_.
    full = RidgeAutoregressor(alpha=0.5).fit(windows[2:], y[2:])
    assert_allclose(model.predict(windows[2:]), full.predict(windows[2:]), rtol=1e-12)
    assert_allclose(model.coef_, full.coef_, rtol=1e-12)


@pytest.fixture(scope="module")
def sunspots():
    X, y = make_forecast_xy(load_sunspots())
    return X.iloc[:231], y.iloc[:231], X.iloc[231:], y.iloc[231:]


def test_every_row_gets_a_prediction_in_a_pipeline(sunspots):
    X_train, y_train, _, _ = sunspots
    pipe = make_pipeline(MinMaxScaler(), SlidingWindowTransformer(window=11), RidgeAutoregressor())
    in_sample = pipe.fit(X_train, y_train).predict(X_train)
    assert in_sample.shape == (len(X_train),)
    assert np.isfinite(in_sample).all()


def test_beats_the_naive_forecast_on_the_sunspot_cycle():
    X, y = make_forecast_xy(load_sunspots())
    ratio = rmse_after(RidgeAutoregressor(), 11, X, y, 231) / rmse_after(
        PersistenceRegressor(), 1, X, y, 231
    )
    assert ratio < 0.7


def test_several_outputs_are_fitted_each_as_alone():
    X, y = ar2_windows(n=300)
    Y = np.c_[y, 2.0 * y + np.sin(np.arange(len(y)))]
    model = RidgeAutoregressor(alpha=1.0).fit(X, Y)
    assert model.coef_.shape == (2, 2, 1) and model.intercept_.shape == (2,)
    for j in range(2):
        alone = RidgeAutoregressor(alpha=1.0).fit(X, Y[:, j])
        assert_allclose(model.predict(X)[:, j], alone.predict(X), rtol=1e-10)
        assert_allclose(model.coef_[j], alone.coef_, rtol=1e-10)


def test_several_features_per_step():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 4, 3))
    y = X[:, -1, 0] - 0.5 * X[:, -2, 2]
    model = RidgeAutoregressor(alpha=0.0).fit(X, y)
    assert model.coef_.shape == (4, 3) and model.n_features_in_ == 3
    expected = np.zeros((4, 3))
    expected[-1, 0], expected[-2, 2] = 1.0, -0.5
    assert_allclose(model.coef_, expected, atol=1e-8)


def test_tuned_in_a_grid_search_over_windows_and_alpha(sunspots):
    X_train, y_train, _, _ = sunspots
    pipe = make_pipeline(MinMaxScaler(), SlidingWindowTransformer(window=5), RidgeAutoregressor())
    search = GridSearchCV(
        pipe,
        {"slidingwindowtransformer__window": [5, 11], "ridgeautoregressor__alpha": [0.1, 10.0]},
        cv=TimeSeriesSplit(3),
        scoring="neg_root_mean_squared_error",
    ).fit(X_train, y_train)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


@pytest.mark.parametrize(
    ("windows", "match"),
    [
        ([[1.0, np.nan, 2.0]], r"missing steps after a known step \(rows \[0\]\)"),
        ([[1.0, 2.0, np.nan]], r"missing steps after a known step"),
        ([[np.nan, np.nan, np.nan]], r"NaN everywhere \(rows \[0\]\)"),
        ([[1.0, np.inf, 2.0]], "infinite"),
        ([[[1.0, np.nan], [1.0, 2.0], [3.0, 4.0]]], r"only some features are NaN \(rows \[0\]\)"),
    ],
)
def test_missing_steps_other_than_leading_ones_are_an_error(windows, match):
    windows = np.asarray(windows)
    n_features = 1 if windows.ndim == 2 else windows.shape[2]
    rng = np.random.RandomState(0)
    model = RidgeAutoregressor().fit(rng.normal(size=(20, 3, n_features)), rng.normal(size=20))
    with pytest.raises(ValueError, match=match):
        model.predict(windows)


def test_predicting_windows_of_another_length_is_an_error():
    X, y = ar2_windows(n=50)
    model = RidgeAutoregressor().fit(X, y)
    with pytest.raises(ValueError, match="windows of 3 steps, but .* fitted on windows of 2"):
        model.predict(np.ones((4, 3)))


def test_training_without_a_complete_window_is_an_error():
    X = np.array([[np.nan, np.nan, 1.0], [np.nan, 1.0, 2.0]])
    with pytest.raises(ValueError, match="all 3 steps known; the 2 windows given have at most 2"):
        RidgeAutoregressor().fit(X, [2.0, 3.0])
