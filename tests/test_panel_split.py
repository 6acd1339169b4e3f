"""PanelSplit: TimeSeriesSplit over the dates of a panel, all series sharing each fold."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import RidgeAutoregressor, SlidingWindowTransformer
from skrnn.datasets import load_sp500, load_wiki_stocks, make_forecast_xy
from skrnn.model_selection import PanelSplit

PARAMETERS = [
    dict(n_splits=5),
    dict(n_splits=3, test_size=100),
    dict(n_splits=4, gap=7),
    dict(n_splits=3, max_train_size=500, test_size=50, gap=2),
]


@pytest.fixture(scope="module")
def panel():
    return load_wiki_stocks()


@pytest.fixture(scope="module")
def dates(panel):
    return np.sort(panel.index.get_level_values("date").unique())


@pytest.mark.parametrize("params", PARAMETERS)
def test_on_one_series_it_is_time_series_split(params):
    frame = load_sp500()
    ours = list(PanelSplit(**params).split(frame))
    theirs = list(TimeSeriesSplit(**params).split(frame))
    assert len(ours) == len(theirs) == params["n_splits"]
    for (train, test), (train_ts, test_ts) in zip(ours, theirs, strict=True):
        assert_array_equal(train, train_ts)
        assert_array_equal(test, test_ts)


@pytest.mark.parametrize("params", PARAMETERS)
def test_folds_are_time_series_split_of_the_dates(panel, dates, params):
    row_dates = panel.index.get_level_values("date").to_numpy()
    ours, theirs = PanelSplit(**params).split(panel), TimeSeriesSplit(**params).split(dates)
    folds = zip(ours, theirs, strict=True)
    for (train, test), (train_dates, test_dates) in folds:
        # Every row of a training date trains, every row of a test date tests.
        assert_array_equal(train, np.flatnonzero(np.isin(row_dates, dates[train_dates])))
        assert_array_equal(test, np.flatnonzero(np.isin(row_dates, dates[test_dates])))
        assert row_dates[train].max() < row_dates[test].min()


def test_all_series_share_the_boundary_and_the_test_period(panel):
    for train, test in PanelSplit(n_splits=4).split(panel):
        ends = panel.iloc[train].reset_index("date").groupby(level=0)["date"].max()
        starts = panel.iloc[test].reset_index("date").groupby(level=0)["date"].min()
        shared = ends.index.intersection(starts.index)
        assert ends[shared].nunique() == 1 and starts[shared].nunique() == 1


def test_a_ragged_panel_leaves_series_out_of_the_folds_they_have_no_date_in(panel):
    folds = list(PanelSplit(n_splits=20).split(panel))
    tested = [set(panel.index[test].get_level_values(0)) for _, test in folds]
    trained = [set(panel.index[train].get_level_values(0)) for train, _ in folds]
    assert tested[0] == {"AAPL", "IBM", "MSFT"}  # before GOOG and FB listed
    assert tested[-1] == {"AAPL", "FB", "GOOG", "IBM", "MSFT"}
    # FB starts inside a test block: tested there with no training row.
    first_fb = next(k for k, series in enumerate(tested) if "FB" in series)
    assert "FB" not in trained[first_fb]


def test_the_order_of_the_rows_does_not_matter(panel):
    shuffled = panel.sample(frac=1.0, random_state=0)
    for (train, test), (train_s, test_s) in zip(
        PanelSplit(n_splits=3).split(panel), PanelSplit(n_splits=3).split(shuffled), strict=True
    ):
        assert set(panel.index[train]) == set(shuffled.index[train_s])
        assert set(panel.index[test]) == set(shuffled.index[test_s])
        assert (np.diff(train_s) > 0).all()  # positions in the order of X


def test_groups_give_the_dates_of_rows_without_an_index(panel):
    groups = panel.index.get_level_values("date")
    for (train, test), (train_g, test_g) in zip(
        PanelSplit(n_splits=3).split(panel),
        PanelSplit(n_splits=3).split(panel.to_numpy(), groups=groups),
        strict=True,
    ):
        assert_array_equal(train, train_g)
        assert_array_equal(test, test_g)


def test_it_is_an_ordinary_scikit_learn_splitter():
    split = PanelSplit(n_splits=3, test_size=10, gap=1)
    assert repr(split) == "PanelSplit(gap=1, max_train_size=None, n_splits=3, test_size=10)"
    assert split.get_n_splits() == 3


def test_grid_search_and_cross_validation_take_it(panel):
    X, y = make_forecast_xy(panel.loc[panel.index.get_level_values("date") >= "2012-01-01"],
                            target="Close", features=["Close", "Volume"])  # fmt: skip
    pipe = make_pipeline(
        MinMaxScaler(), SlidingWindowTransformer(), RidgeAutoregressor()
    ).set_output(transform="pandas")
    scores = cross_val_score(pipe, X, y, cv=PanelSplit(n_splits=3), error_score="raise")
    assert scores.shape == (3,) and np.isfinite(scores).all()
    search = GridSearchCV(
        pipe, {"slidingwindowtransformer__window": [2, 5]}, cv=PanelSplit(n_splits=3),
        scoring="neg_root_mean_squared_error", error_score="raise",
    ).fit(X, y)  # fmt: skip
    assert search.best_params_["slidingwindowtransformer__window"] in (2, 5)


@pytest.mark.parametrize(
    ("X", "kwargs", "match"),
    [
        (pd.DataFrame({"x": range(4)}), dict(n_splits=5), "the panel has 4 distinct dates"),
        (np.zeros((10, 1)), {}, "reads the dates of the rows from X's index"),
        (np.zeros((10, 1)), dict(groups=[1, 2]), "groups has 2 dates but X has 10 rows"),
        (
            pd.DataFrame({"x": range(3)}, index=pd.to_datetime(["2024-01-01", None, "2024-01-03"])),
            {},
            "a row without a date",
        ),
    ],
)
def test_bad_input_is_a_clear_error(X, kwargs, match):
    n_splits = kwargs.pop("n_splits", 2)
    with pytest.raises(ValueError, match=match):
        list(PanelSplit(n_splits=n_splits).split(X, **kwargs))
