"""Models over many series: the series' identity, per-series scales, and one model per series."""

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import (
    CalendarFeatures,
    GRURegressor,
    PerSeriesRegressor,
    PersistenceRegressor,
    RidgeAutoregressor,
    SeriesEncoder,
    SeriesScaledRegressor,
    SlidingWindowTransformer,
)
from skrnn.datasets import load_wiki_stocks, make_forecast_xy
from skrnn.model_selection import PanelSplit


@pytest.fixture(scope="module")
def wiki():
    panel = load_wiki_stocks()
    return panel[panel.index.get_level_values("date") >= "2012-01-01"]


@pytest.fixture(scope="module")
def pairs(wiki):
    return make_forecast_xy(wiki, target="Close", features=["Close", "Volume"])


def split_by_date(X, y, day="2012-10-01"):
    train = X.index.get_level_values("date") < day
    return X[train], y[train], X[~train], y[~train]


# -- SeriesEncoder ---------------------------------------------------------------


def test_the_identity_is_one_column_per_series(pairs):
    X, _ = pairs
    out = SeriesEncoder().set_output(transform="pandas").fit_transform(X)
    names = ["Ticker_AAPL", "Ticker_FB", "Ticker_GOOG", "Ticker_IBM", "Ticker_MSFT"]
    assert list(out.columns) == ["Close", "Volume", *names]
    assert out.index.equals(X.index)
    labels = X.index.get_level_values(0)
    assert_array_equal(out[names].to_numpy(), labels.to_numpy()[:, None] == [n[7:] for n in names])


def test_a_series_unseen_in_fit_gets_zeros_or_an_error(pairs):
    X, _ = pairs
    fb = X.index.get_level_values(0) == "FB"
    encoder = SeriesEncoder().fit(X[~fb])
    assert (encoder.transform(X[fb])[:, 2:] == 0).all()
    with pytest.raises(ValueError, match="rows of Ticker 'FB', which was not seen in fit"):
        encoder.set_params(handle_unknown="error").transform(X[fb])


def test_the_identity_needs_a_panel(wiki):
    with pytest.raises(ValueError, match="not indexed by \\(series, date\\)"):
        SeriesEncoder().fit(wiki.loc["AAPL"])


def test_a_global_model_takes_the_identity_or_not(pairs):
    X, y = pairs
    pipe = make_pipeline(
        SeriesEncoder(), MinMaxScaler(), SlidingWindowTransformer(window=3), RidgeAutoregressor()
    ).set_output(transform="pandas")
    with_identity = pipe.fit(X, y).predict(X)
    without = pipe.set_params(seriesencoder="passthrough").fit(X, y).predict(X)
    assert not np.allclose(with_identity, without)
    search = GridSearchCV(
        pipe, {"seriesencoder": [SeriesEncoder().set_output(transform="pandas"), "passthrough"]},
        cv=PanelSplit(n_splits=2),
        scoring="neg_root_mean_squared_error", error_score="raise",
    ).fit(X, y)  # fmt: skip
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


# -- SeriesScaledRegressor ---------------------------------------------------------


def test_scales_are_each_series_mean_size_over_the_training_rows(pairs):
    X, y = pairs
    X_train, y_train, _, _ = split_by_date(X, y)
    model = SeriesScaledRegressor(LinearRegression()).fit(X_train, y_train)
    assert model.target_ == "Close"
    expected = X_train.abs().groupby(level=0).mean()
    pd.testing.assert_frame_equal(model.scales_, expected)
    assert model.scales_.loc["GOOG", "Close"] > 15 * model.scales_.loc["FB", "Close"]


def test_the_estimator_sees_each_series_in_units_of_its_size(pairs):
    X, y = pairs
    model = SeriesScaledRegressor(DummyRegressor()).fit(X, y)
    scale = model.scales_["Close"].reindex(X.index.get_level_values(0)).to_numpy()
    assert_allclose(model.estimator_.constant_.ravel(), (y.to_numpy() / scale).mean())
    # A constant in scaled units is each series' own size, back in its units.
    assert_allclose(model.predict(X), model.estimator_.constant_.ravel() * scale)


def test_test_rows_are_scaled_by_the_training_scales_alone(pairs):
    X, y = pairs
    X_train, y_train, X_test, _ = split_by_date(X, y)
    model = SeriesScaledRegressor(LinearRegression()).fit(X_train, y_train)
    scales = model.scales_.reindex(X_test.index.get_level_values(0)).to_numpy()
    expected = model.estimator_.predict(X_test / scales) * scales[:, 0]
    assert_allclose(model.predict(X_test), expected)
    # So a test row's forecast does not depend on the other test rows.
    assert_allclose(model.predict(X_test.iloc[[7]]), model.predict(X_test)[[7]])


def test_a_series_unseen_in_fit_is_scaled_by_its_first_row(pairs):
    X, y = pairs
    fb = X.index.get_level_values(0) == "FB"
    model = SeriesScaledRegressor(DummyRegressor()).fit(X[~fb], y[~fb])
    first_close = X[fb]["Close"].iloc[0]
    expected = np.full(fb.sum(), model.estimator_.constant_.item() * first_close)
    assert_allclose(model.predict(X[fb]), expected)


def test_the_target_is_found_from_the_name_of_y_or_named(pairs):
    X, y = pairs
    assert SeriesScaledRegressor(LinearRegression()).fit(X, y).target_ == "Close"
    X_path, path = make_forecast_xy(X, target="Close", horizon=[1, 2])
    model = SeriesScaledRegressor(LinearRegression()).fit(X_path, path)
    assert model.target_ == "Close" and model.predict(X_path).shape == (len(X_path), 2)
    with pytest.raises(ValueError, match="pass target= to name the column"):
        SeriesScaledRegressor(LinearRegression()).fit(X, y.to_numpy())
    model = SeriesScaledRegressor(LinearRegression(), target="Close").fit(X, y.to_numpy())
    assert model.target_ == "Close"


def test_only_the_columns_named_are_scaled(pairs):
    X, y = pairs
    model = SeriesScaledRegressor(DummyRegressor(), columns=["Close"]).fit(X, y)
    assert list(model.scales_.columns) == ["Close"]
    with pytest.raises(ValueError, match=r"columns \['Open'\] are not columns of X"):
        SeriesScaledRegressor(DummyRegressor(), columns=["Open"]).fit(X, y)


def test_bad_input_to_the_scaled_regressor_is_a_clear_error(pairs, wiki):
    X, y = pairs
    with pytest.raises(ValueError, match="not indexed by \\(series, date\\)"):
        SeriesScaledRegressor(LinearRegression()).fit(wiki.loc["AAPL"], y.loc["AAPL"])
    model = SeriesScaledRegressor(LinearRegression()).fit(X, y)
    with pytest.raises(ValueError, match="expected the same columns in the same order"):
        model.predict(X[["Volume", "Close"]])


# -- PerSeriesRegressor ------------------------------------------------------------


def naive():
    return make_pipeline(
        MinMaxScaler(), SlidingWindowTransformer(window=5), PersistenceRegressor()
    ).set_output(transform="pandas")


def test_each_series_model_is_the_model_of_that_series_alone(pairs):
    X, y = pairs
    X_train, y_train, X_test, _ = split_by_date(X, y)
    linear = make_pipeline(
        MinMaxScaler(), SlidingWindowTransformer(window=5), RidgeAutoregressor()
    ).set_output(transform="pandas")
    model = PerSeriesRegressor(linear).fit(X_train, y_train)
    predicted = model.predict(X_test)
    for label in ("AAPL", "FB", "GOOG"):
        alone = clone(linear).fit(X_train.loc[label], y_train.loc[label])
        rows = X_test.index.get_level_values(0) == label
        assert_allclose(predicted[rows], alone.predict(X_test.loc[label]))


def test_the_naive_forecast_per_series_is_each_series_last_close(pairs):
    X, y = pairs
    X_train, y_train, X_test, _ = split_by_date(X, y)
    # One naive model over all series is refused: y is not the series one row later
    # across the boundary between two series.
    with pytest.raises(ValueError, match="y is not feature 0 of X 1 row"):
        naive().fit(X_train, y_train)
    model = PerSeriesRegressor(naive()).fit(X_train, y_train)
    assert_allclose(model.predict(X_test), X_test["Close"].to_numpy(), rtol=1e-6)


def test_several_horizons_and_jobs_give_the_same_models(wiki):
    X, y = make_forecast_xy(wiki, target="Close", horizon=[1, 2, 3])
    one = PerSeriesRegressor(naive()).fit(X, y).predict(X)
    with parallel_config(backend="threading"):
        two = PerSeriesRegressor(naive(), n_jobs=2).fit(X, y).predict(X)
    assert one.shape == (len(X), 3)
    assert_array_equal(one, two)


def test_a_series_without_a_model_or_too_short_for_one_is_named(pairs):
    X, y = pairs
    fb = X.index.get_level_values(0) == "FB"
    model = PerSeriesRegressor(naive()).fit(X[~fb], y[~fb])
    with pytest.raises(ValueError, match="rows of Ticker 'FB', which had no rows in fit"):
        model.predict(X)
    short = ~fb | (X.index.get_level_values("date") < "2012-05-22")
    with pytest.raises(ValueError, match="^Ticker 'FB': "):
        PerSeriesRegressor(naive()).fit(X[short], y[short])


# -- A global network, end to end -------------------------------------------------


def test_a_global_network_over_the_panel_in_a_grid_search(pairs):
    X, y = pairs
    network = Pipeline([
        ("scale", MinMaxScaler()),
        ("seriesencoder", SeriesEncoder()),
        ("calendar", CalendarFeatures(encoding="cyclic")),
        ("windows", SlidingWindowTransformer(window=5)),
        ("gru", GRURegressor(units=4, layers=1, epochs=2, patience=2, random_state=0)),
    ]).set_output(transform="pandas")  # fmt: skip
    search = GridSearchCV(
        SeriesScaledRegressor(network),
        {
            "estimator__seriesencoder": [
                SeriesEncoder().set_output(transform="pandas"),
                "passthrough",
            ]
        },
        cv=PanelSplit(n_splits=2),
        scoring="neg_root_mean_squared_error",
        error_score="raise",
    ).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    predicted = search.predict(X)
    assert predicted.shape == (len(X),) and np.isfinite(predicted).all()
    # In each series' own units: far from another series' level.
    goog = X.index.get_level_values(0) == "GOOG"
    assert np.median(np.abs(predicted[goog] / X["Close"].to_numpy()[goog] - 1)) < 0.2
