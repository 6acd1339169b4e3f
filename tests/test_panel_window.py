"""SlidingWindowTransformer on panels: windows cut within each series, never across two."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import RidgeAutoregressor, SlidingWindowTransformer
from skrnn.datasets import load_wiki_stocks, make_forecast_xy
from skrnn.model_selection import PanelSplit

GRID = pd.bdate_range("2024-01-01", periods=24)


@st.composite
def ragged_panels(draw):
    """A panel of 1-4 series starting, ending and skipping days at random, its rows
    interleaved at random (each series' own rows in date order), values repeating."""
    n_features = draw(st.integers(1, 2))
    series = {}
    for k in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(GRID) - 1))
        kept = draw(st.lists(st.booleans(), min_size=len(GRID) - start, max_size=len(GRID) - start))
        dates = GRID[start:][np.asarray(kept)] if any(kept) else GRID[[start]]
        values = draw(st.lists(st.integers(-2, 2), min_size=len(dates) * n_features,
                               max_size=len(dates) * n_features))  # fmt: skip
        series[f"s{k}"] = pd.DataFrame(
            np.reshape(values, (len(dates), n_features)).astype(float),
            index=dates.rename("date"), columns=[f"x{j}" for j in range(n_features)],
        )  # fmt: skip
    # Interleave: shuffle the series labels of all rows, then give each series' slots
    # its rows in date order.
    labels = np.concatenate([[label] * len(rows) for label, rows in series.items()])
    labels = labels[draw(st.permutations(range(len(labels))))]
    order = np.argsort(np.argsort(labels, kind="stable"), kind="stable")
    stacked = pd.concat(series, names=["series", "date"])
    panel = stacked.iloc[order]
    window = draw(st.integers(1, max(len(rows) for rows in series.values())))
    return panel, series, window


def windows_alone(rows, window):
    """The windows of one series on its own: rows t - window + 1 .. t, NaN before row 0."""
    values = rows.to_numpy(dtype=np.float32)
    padded = np.concatenate([np.full((window - 1, values.shape[1]), np.nan, np.float32), values])
    return np.stack([padded[t : t + window] for t in range(len(values))])


def expected_windows(panel, series, window):
    """The windows of `panel`'s rows, each cut from its series alone."""
    out = np.empty((len(panel), window, panel.shape[1]), dtype=np.float32)
    for label, rows in series.items():
        positions = panel.index.get_indexer(pd.MultiIndex.from_product([[label], rows.index]))
        out[positions] = windows_alone(rows, window)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ragged_panels())
def test_every_window_equals_the_window_cut_from_its_series_alone(drawn):
    panel, series, window = drawn
    windows = SlidingWindowTransformer(window=window).fit_transform(panel)
    assert_array_equal(windows, expected_windows(panel, series, window))
    fitted = SlidingWindowTransformer(window=window).fit(panel)
    assert_array_equal(fitted.transform(panel), windows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ragged_panels(), st.integers(2, 4))
def test_test_fold_windows_continue_the_training_rows_of_their_series(drawn, n_splits):
    panel, series, window = drawn
    n_dates = panel.index.get_level_values("date").nunique()
    if n_dates <= n_splits:
        return
    full = expected_windows(panel, series, window)
    for train, test in PanelSplit(n_splits=n_splits).split(panel):
        longest = panel.iloc[train].groupby(level=0).size().max()
        fitted = SlidingWindowTransformer(window=min(window, longest)).fit(panel.iloc[train])
        fitted.set_params(window=window)
        assert_array_equal(fitted.transform(panel.iloc[test]), full[test])
        assert_array_equal(fitted.transform(panel.iloc[train]), full[train])


@pytest.fixture(scope="module")
def wiki():
    return load_wiki_stocks()[["Close", "Volume"]]


def test_no_window_reads_another_series(wiki):
    windows = SlidingWindowTransformer(window=20).fit_transform(wiki)
    for label in ("FB", "GOOG"):
        rows = wiki.index.get_level_values(0) == label
        own = wiki.loc[label].to_numpy(dtype=np.float32)
        seen = windows[rows].reshape(-1, 2)
        seen = seen[~np.isnan(seen).any(axis=1)]
        assert np.isin(seen[:, 1], own[:, 1]).all()
        # The first window of the series starts with 19 missing steps.
        assert np.isnan(windows[rows][0, :19]).all()


def test_a_series_with_no_fitted_rows_is_windowed_from_its_own_start(wiki):
    train = wiki.drop(index="FB", level=0)
    fitted = SlidingWindowTransformer(window=5).fit(train)
    fb = wiki.loc[["FB"]]
    assert_array_equal(fitted.transform(fb), SlidingWindowTransformer(window=5).fit_transform(fb))


def test_continue_series_false_windows_each_call_within_each_series(wiki):
    later = wiki[wiki.index.get_level_values("date") >= "2013-01-01"]
    fitted = SlidingWindowTransformer(window=5, continue_series=False).fit(wiki)
    assert_array_equal(
        fitted.transform(later), SlidingWindowTransformer(window=5).fit_transform(later)
    )


def test_a_pipeline_reads_no_value_after_the_day_forecast(wiki):
    X, y = make_forecast_xy(wiki, target="Close", features=["Close", "Volume"])
    boundary, day = pd.Timestamp("2012-01-01"), pd.Timestamp("2012-09-28")
    dates = X.index.get_level_values("date")
    pipe = make_pipeline(MinMaxScaler(), SlidingWindowTransformer(window=10), RidgeAutoregressor())
    pipe.set_output(transform="pandas").fit(X[dates < boundary], y[dates < boundary])
    test = X[dates >= boundary]
    changed = test.copy()
    later = changed.index.get_level_values("date") > day
    changed.loc[later] = changed.loc[later] * 2.0 + 1.0
    known = test.index.get_level_values("date") <= day
    assert_array_equal(pipe.predict(changed)[known], pipe.predict(test)[known])
    assert not np.allclose(pipe.predict(changed)[~known], pipe.predict(test)[~known])


def test_a_row_before_its_series_fitted_start_is_named_by_series(wiki):
    dates = wiki.index.get_level_values("date")
    fitted = SlidingWindowTransformer(window=3).fit(wiki[dates >= "2010-01-01"])
    with pytest.raises(
        ValueError, match=r"^Ticker 'AAPL': X has a row labelled .* before the start"
    ):
        fitted.transform(wiki[(dates >= "2009-12-01") & (dates < "2010-01-01")])


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda f: f.iloc[[1, 0, 2, 3]], r"rows of Ticker 'FB' are not in time order: date "),
        (lambda f: f.iloc[[0, 0, 1, 2]], r"two rows for Ticker 'FB' on date 2012-05-18"),
        (lambda f: f.assign(Close=[np.nan, 1.0, 2.0, 3.0]), "NaN"),
    ],
    ids=["unsorted", "repeated", "missing"],
)
def test_a_bad_panel_is_a_clear_error(wiki, change, match):
    fb = wiki.loc[["FB"]].iloc[:4]
    with pytest.raises(ValueError, match=match):
        SlidingWindowTransformer(window=2).fit(change(fb))


def test_a_window_longer_than_every_series_is_an_error(wiki):
    with pytest.raises(ValueError, match=r"window=6 is longer than every series .* longest has 5"):
        SlidingWindowTransformer(window=6).fit(wiki.loc[["FB"]].iloc[:5])


def test_a_panel_and_a_single_series_are_not_mixed(wiki):
    with pytest.raises(ValueError, match="fitted on a panel .* but X is not one"):
        SlidingWindowTransformer(window=2).fit(wiki).transform(wiki.loc["FB"])
    with pytest.raises(ValueError, match="X is a panel .* fitted on one series"):
        SlidingWindowTransformer(window=2).fit(wiki.loc["FB"]).transform(wiki)
