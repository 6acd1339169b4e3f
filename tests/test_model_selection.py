"""skrnn.model_selection.compare: the comparison of ``skrnn compare`` as a function."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from skrnn.datasets import make_forecast_xy
from skrnn.model_selection import compare
from tests._tiny import TINY_COMPARE


@pytest.fixture(scope="module")
def frame():
    rng = np.random.RandomState(0)
    closes = 1000 + np.cumsum(rng.normal(0, 10, 160))
    dates = pd.bdate_range("2021-05-06", periods=len(closes), name="date")
    return pd.DataFrame({"closed_price": closes}, index=dates)


@pytest.fixture(scope="module")
def result(frame):
    return compare(frame, models=["gru"], windows=[3, 5], **TINY_COMPARE)


def test_results_have_one_row_per_model(result):
    table = result.results
    assert list(table.index) == ["naive", "linear", "GRU"]
    assert table.index.name == "name"
    assert list(table.columns) == [
        "params", "cv_rmse_mean", "cv_rmse_std", "test_rmse", "test_mae", "test_mape",
        "ratio_to_naive", "fit_seconds", "dm_statistic", "dm_pvalue", "verdict",
        "ratio_to_linear", "dm_linear_statistic", "dm_linear_pvalue", "verdict_linear",
        "learned",
    ]  # fmt: skip
    assert table.loc["naive", "ratio_to_naive"] == 1.0
    assert table.loc["naive", "params"] == {}
    assert table.loc["naive", "verdict"] == "-"
    assert set(table.loc["linear", "params"]) == {"window"}
    assert set(table.loc["GRU", "params"]) == {"window", "units", "layers", "residual"}


def test_test_period_is_the_last_quarter_dated_by_the_day_forecast(result, frame):
    predictions = result.predictions
    X, y = make_forecast_xy(frame)
    n_test = len(X) - int(np.ceil(0.75 * len(X)))
    assert predictions.index.equals(frame.index[-n_test:])
    assert_array_equal(predictions["y_true"], y.iloc[-n_test:])
    # Each true value is the series' value on the day its row is dated by.
    assert_array_equal(predictions["y_true"], frame["closed_price"].loc[predictions.index])
    assert list(predictions.columns) == ["y_true", "naive", "linear", "GRU"]


def test_the_split_is_returned_as_the_days_forecast(result, frame):
    n_train = int(np.ceil(0.75 * (len(frame) - 1)))
    assert result.train_dates.equals(frame.index[1 : n_train + 1])
    assert result.test_dates.equals(result.predictions.index)
    assert result.test_dates[0] > result.train_dates[-1]
    assert len(result.train_dates) + len(result.test_dates) == len(frame) - 1


def test_the_last_prediction_is_of_the_series_last_day(frame):
    result = compare(frame, models=[], windows=[3], n_splits=2)
    predictions = result.predictions
    assert predictions.index[-1] == frame.index[-1]
    assert result.train_dates[0] == frame.index[1]
    assert_array_equal(predictions["y_true"], frame["closed_price"].loc[predictions.index])
    # The naive forecast of a day is the value the row before it.
    made = frame.index[frame.index.get_indexer(predictions.index) - 1]
    assert_allclose(predictions["naive"], frame["closed_price"].loc[made], rtol=1e-6)


@pytest.fixture(scope="module")
def path(frame):
    return compare(frame, horizon=5, models=[], windows=[3], n_splits=2)


def test_a_path_forecasts_every_step_up_to_the_series_last_day(path, frame):
    predictions = path.predictions
    closes = frame["closed_price"].to_numpy()
    assert predictions.columns.names == ["model", "horizon"]
    assert list(predictions["naive"].columns) == [1, 2, 3, 4, 5]
    first = frame.index.get_indexer(predictions.index)  # each row's first step
    assert first[-1] + 4 == len(frame) - 1  # the last row's fifth step is the last day
    for h in range(1, 6):
        assert_array_equal(predictions["y_true", h], closes[first + h - 1])
        # The naive forecast of every step is the value on the day it is made.
        assert_allclose(predictions["naive", h], closes[first - 1], rtol=1e-6)


def test_a_path_is_tested_after_a_gap_no_training_target_reaches(path, frame):
    last_train = frame.index.get_loc(path.train_dates[-1])
    first_test = frame.index.get_loc(path.test_dates[0])
    # The last training row's fifth step is the day before the first test row's first.
    assert last_train + 4 == first_test - 1


def test_a_path_is_scored_over_all_steps_and_per_step(path):
    predictions = path.predictions
    table = path.results_by_horizon
    assert list(table.index) == [(n, h) for n in ("naive", "linear") for h in range(1, 6)]
    for h in range(1, 6):
        truth = predictions["y_true", h]
        rmse = root_mean_squared_error(truth, predictions["linear", h])
        assert table.loc[("linear", h), "test_rmse"] == pytest.approx(rmse)
    pooled = np.sqrt(np.mean((predictions["y_true"] - predictions["linear"]).to_numpy() ** 2))
    assert path.results.loc["linear", "test_rmse"] == pytest.approx(pooled)
    # The naive forecast's error grows with the step.
    assert table.loc["naive", "test_rmse"].is_monotonic_increasing


def test_scores_are_computed_from_the_predictions(result):
    predictions = result.predictions
    for name, row in result.results.iterrows():
        rmse = root_mean_squared_error(predictions["y_true"], predictions[name])
        naive = root_mean_squared_error(predictions["y_true"], predictions["naive"])
        assert row.test_rmse == pytest.approx(rmse)
        assert row.ratio_to_naive == pytest.approx(rmse / naive)


def test_the_chosen_candidate_has_the_lowest_mean_cv_rmse(result):
    table = result.cv_results["GRU"]
    assert list(table.columns) == [
        "window", "units", "layers", "residual", "fold0_rmse", "fold1_rmse", "mean_rmse",
        "std_rmse", "pvalue_vs_reference",
    ]  # fmt: skip
    best = table.loc[table["mean_rmse"].idxmin()]
    row = result.results.loc["GRU"]
    assert row.params == {k: best[k] for k in ["window", "units", "layers", "residual"]}
    # Two epochs on a random walk: no candidate beats the naive forecast, so the
    # network keeps its start, and the start's fold scores are its own.
    assert not row.learned
    assert row.cv_rmse_mean == result.results.loc["naive", "cv_rmse_mean"]
    assert_allclose(result.predictions["GRU"], result.predictions["naive"], rtol=1e-6)


def test_cv_scores_equal_a_grid_search_of_the_same_pipelines(result, frame):
    X, y = make_forecast_xy(frame)
    n_train = int(np.ceil(0.75 * len(X)))
    # The search's fits learn freely; the selection judges them afterwards.
    search = GridSearchCV(
        clone(result.estimators["GRU"]).set_params(regressor__significance=None),
        {"slidingwindowtransformer__window": [3, 5], "regressor__residual": [True, "linear"]},
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_root_mean_squared_error",
    ).fit(X.iloc[:n_train], y.iloc[:n_train])
    assert_allclose(-search.cv_results_["mean_test_score"], result.cv_results["GRU"]["mean_rmse"])


def test_estimators_are_the_refitted_pipelines(result, frame):
    X, _ = make_forecast_xy(frame)
    X_test = X.iloc[-len(result.test_dates) :]  # made one row before the days forecast
    for name, pipe in result.estimators.items():
        assert_allclose(pipe.predict(X_test), result.predictions[name], rtol=1e-6)
    gru = result.estimators["GRU"]
    assert gru["slidingwindowtransformer"].window == result.results.loc["GRU", "params"]["window"]
    assert gru[-1].random_state == 0 and gru[-1].epochs == 2


def test_progress_lines_count_every_fit(frame, capsys):
    compare(frame, models=[], windows=[5], n_splits=2, verbose=1)
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == "2 models, 6 fits in all"
    assert lines[1].startswith("[1/6 00:0") and ": fold RMSE " in lines[1]
    assert {line.split("] ")[1].split(":")[0] for line in lines[1:5]} == {
        "naive -",
        "linear window=5",
    }
    assert lines[-1].startswith("[6/6 ") and lines[-1].endswith(
        ": refitted the best on all training rows"
    )


def test_silent_by_default(frame, capsys):
    compare(frame, models=[], windows=[5], n_splits=2)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "options, match",
    [
        (dict(models=["lstm", "cnn"]), "is not a list of"),
        (dict(models="lstm"), "is not a list of"),
        (dict(windows=[]), "windows=.* non-empty list"),
        (dict(windows=5), "windows=5 is not a non-empty list"),
        (dict(windows=[5, 0]), "windows holds 0; expected integers >= 1"),
        (dict(units=[2.5]), "units holds 2.5"),
        (dict(residual=["yes"]), "residual=.* True, False, 'naive', 'linear' or 'seasonal'"),
        (dict(residual=["seasonal"]), "residual holds 'seasonal'.* season=None"),
        (dict(residual=["seasonal"], season=12), "windows of 5 steps do not reach back"),
        (dict(residual=["linear"], windows=[1, 5]), "'linear', which needs windows of at least 2"),
        (dict(inputs=["differences"], windows=[1], residual=[True]), "'differences', which needs"),
        (dict(inputs=["diffs"]), "inputs=.* must hold values of"),
        (dict(residual=[False], inputs=["from_newest"]), "needs the skip connection"),
        (dict(learning_rate=[0.0]), "learning_rate holds 0.0; expected numbers > 0"),
        (dict(weight_decay=[-1.0]), "weight_decay holds -1.0; expected numbers >= 0"),
        (dict(dropout=[1.0]), "dropout holds 1.0; expected fractions"),
        (dict(batch_size=[0]), "batch_size holds 0; expected integers >= 1"),
        (dict(patience=[-1]), "patience holds -1; expected integers >= 0"),
        (dict(n_seeds=0), "n_seeds holds 0; expected integers >= 1"),
        (dict(n_splits=1), "n_splits holds 1; expected integers >= 2"),
        (dict(test_size=1.5), "test_size=1.5 is not a fraction"),
        (dict(windows=[60]), "the series is too short"),
        (dict(season=1), "season holds 1; expected integers >= 2"),
        (dict(season=80), "the series is too short"),
    ],
)
def test_bad_options_are_a_clear_error(frame, options, match):
    with pytest.raises(ValueError, match=match):
        compare(frame, **options)


def test_season_adds_the_seasonal_naive_forecast(frame):
    result = compare(frame, models=[], windows=[5], n_splits=2, season=4)
    assert list(result.results.index) == ["naive", "seasonal naive", "linear"]
    dates = result.predictions.index
    # The value 4 rows before the day forecast.
    expected = frame["closed_price"].shift(4).loc[dates]
    # Windows are float32 (after MinMaxScaler), so the copied value is exact to ~1e-7.
    assert_allclose(result.predictions["seasonal naive"], expected, rtol=1e-6)


@pytest.mark.parametrize(
    "shift, verdict",
    [
        (-0.5, "better than naive, p = "),
        (0.5, "worse than naive, p = "),
        (0.0, "no better than naive (p = "),
    ],
)
def test_the_verdict_follows_the_diebold_mariano_test(shift, verdict):
    from skrnn.model_selection import _against_naive

    rng = np.random.RandomState(0)
    y_true = np.cumsum(rng.normal(size=200))
    naive = np.r_[0.0, y_true[:-1]]
    # A forecast whose errors are the naive errors scaled by 1 + shift, plus noise.
    model = y_true - (1 + shift) * (y_true - naive) + 0.01 * rng.normal(size=200)
    predictions = pd.DataFrame({"y_true": y_true, "naive": naive, "model": model})
    row = _against_naive(predictions, "model", horizon=1)
    assert row["verdict"].startswith(verdict)
    assert (row["dm_pvalue"] < 0.05) == (shift != 0.0)
    assert np.sign(row["dm_statistic"]) == np.sign(shift) or shift == 0.0


# -- the selection: a network earns its place against the best baseline -------------


def test_without_significance_the_lowest_cv_rmse_is_refitted_learning_freely(frame):
    result = compare(frame, models=["gru"], windows=[3, 5], significance=None, **TINY_COMPARE)
    table, row = result.cv_results["GRU"], result.results.loc["GRU"]
    assert row.learned
    assert row.cv_rmse_mean == table["mean_rmse"].min()
    assert result.estimators["GRU"][-1].significance is None


def test_a_network_that_kept_its_linear_start_is_the_linear_model(frame):
    result = compare(frame, models=["lstm"], windows=[3, 5], residual=["linear"], **TINY_COMPARE)
    row = result.results.loc["LSTM"]
    assert not row.learned
    assert row.params["window"] == result.results.loc["linear", "params"]["window"]
    assert result.estimators["LSTM"][-1].significance == 0
    assert_allclose(result.predictions["LSTM"], result.predictions["linear"], rtol=1e-5)
    assert row.verdict_linear == "same as linear"


def test_training_grids_with_several_values_are_searched(frame):
    result = compare(
        frame, models=["rnn"], windows=[5], learning_rate=[0.01, 0.001], dropout=[0.1],
        residual=[True, "linear"], **TINY_COMPARE,
    )  # fmt: skip
    table = result.cv_results["RNN"]
    assert list(table.columns[:5]) == ["window", "units", "layers", "residual", "learning_rate"]
    assert len(table) == 4
    assert set(result.results.loc["RNN", "params"]) == {
        "window", "units", "layers", "residual", "learning_rate"
    }  # fmt: skip
    # A grid of one value is set on every candidate, not searched.
    assert result.estimators["RNN"][-1].dropout == 0.1


def test_the_verdict_against_the_linear_model_has_its_own_columns(result):
    table = result.results
    assert table.loc["linear", "verdict_linear"] == "-"
    assert np.isnan(table.loc["linear", "dm_linear_pvalue"])
    naive = table.loc["naive"]
    assert naive.ratio_to_linear == pytest.approx(
        naive.test_rmse / table.loc["linear", "test_rmse"]
    )
    assert naive.verdict_linear.startswith(("better than linear", "worse than linear", "no better"))


def test_forecasts_equal_up_to_round_off_are_the_same_forecast():
    from skrnn.model_selection import _against_naive

    y_true = np.linspace(100.0, 120.0, 50)
    naive = np.r_[99.0, y_true[:-1]]
    predictions = pd.DataFrame({"y_true": y_true, "naive": naive, "model": naive + 1e-5})
    assert _against_naive(predictions, "model", horizon=1)["verdict"] == "same as naive"


def test_training_left_at_none_follows_the_series_length(frame, monkeypatch):
    import skrnn.model_selection as ms

    short = compare(frame, models=["gru"], windows=[5], units=[3], epochs=2, n_splits=2)
    regressor = short.estimators["GRU"][-1]
    assert (regressor.learning_rate, regressor.batch_size, regressor.patience) == (0.01, 16, 50)
    assert regressor.n_seeds == 3 and len(regressor.models_) == 3
    # The same rows counted as a long series get the long series' settings.
    monkeypatch.setattr(ms, "SHORT_SERIES", 50)
    long = compare(frame, models=["gru"], windows=[5], units=[3], epochs=2, n_splits=2)
    regressor = long.estimators["GRU"][-1]
    assert (regressor.learning_rate, regressor.batch_size, regressor.patience) == (0.001, 32, 10)
    assert regressor.n_seeds == 1
