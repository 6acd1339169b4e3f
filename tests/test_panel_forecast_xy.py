"""Forecast pairs of panels (within each series) and covariates (past and known in advance)."""

import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from skrnn.datasets import load_sp500, load_wiki_stocks, make_forecast_xy

HORIZONS = [1, 2, 3, 4, 5]


@pytest.fixture(scope="module")
def panel():
    return load_wiki_stocks()


def tiny_panel(order="series"):
    """Two ragged series: a from Jan 1, b from Jan 3, both to Jan 8 (business days)."""
    dates = pd.bdate_range("2024-01-01", periods=6)
    rows = [("a", d, 10.0 + i, 100.0 + i) for i, d in enumerate(dates)]
    rows += [("b", d, 50.0 - i, 500.0 - i) for i, d in enumerate(dates[2:])]
    if order == "date":
        rows.sort(key=lambda row: (row[1], row[0]))
    frame = pd.DataFrame(rows, columns=["series", "date", "close", "volume"])
    return frame.set_index(["series", "date"])


def within_series_shift(panel, column, h):
    """The value `h` rows later in the same series, by pandas' own groupby."""
    return panel[column].groupby(level=0).shift(-h)


def test_each_row_is_paired_with_its_own_series_h_rows_later(panel):
    X, y = make_forecast_xy(panel, target="Close", horizon=HORIZONS)
    assert list(y.columns) == [f"Close_t+{h}" for h in HORIZONS]
    assert y.index.equals(X.index)
    for h in HORIZONS:
        expected = within_series_shift(panel, "Close", h).loc[X.index]
        assert_array_equal(y[f"Close_t+{h}"].to_numpy(), expected.to_numpy())


def test_each_series_loses_only_its_own_last_rows(panel):
    X, _ = make_forecast_xy(panel, target="Close", horizon=HORIZONS)
    sizes = panel.groupby(level=0).size()
    assert X.groupby(level=0).size().to_dict() == (sizes - 5).to_dict()
    for label, rows in panel.groupby(level=0):
        assert X.loc[label].index.equals(rows.index.droplevel(0)[:-5])


def test_rows_keep_the_frames_order():
    by_date = tiny_panel("date")
    X, y = make_forecast_xy(by_date, target="close", horizon=2)
    last_two = by_date.groupby(level=0).tail(2).index
    assert X.index.equals(by_date.index[~by_date.index.isin(last_two)])
    _, y_grouped = make_forecast_xy(tiny_panel(), target="close", horizon=2)
    pd.testing.assert_series_equal(y, y_grouped.loc[X.index])


def test_an_int_horizon_gives_a_series(panel):
    X, y = make_forecast_xy(panel, target="Close", horizon=3)
    assert isinstance(y, pd.Series) and y.name == "Close_t+3"
    assert X.shape == (12154 - 15, 1)


def test_past_covariates_are_the_values_of_the_day_of_the_forecast(panel):
    X, _ = make_forecast_xy(panel, target="Close", features=["Close", "Volume", "High", "Low"])
    pd.testing.assert_frame_equal(X, panel.loc[X.index, ["Close", "Volume", "High", "Low"]])


def test_known_future_columns_hold_the_values_of_the_days_forecast():
    panel = tiny_panel()
    X, _ = make_forecast_xy(panel, target="close", horizon=[1, 3], known_future="volume")
    assert list(X.columns) == ["close", "volume_t+1", "volume_t+3"]
    for h in (1, 3):
        expected = within_series_shift(panel, "volume", h).loc[X.index]
        assert_array_equal(X[f"volume_t+{h}"].to_numpy(), expected.to_numpy())
    # a's row of Jan 1 knows a's volume of Jan 2 and Jan 4; b's first row b's own.
    assert X.loc[("a", pd.Timestamp("2024-01-01")), ["volume_t+1", "volume_t+3"]].tolist() == [
        101.0, 103.0,
    ]  # fmt: skip
    assert X.loc[("b", pd.Timestamp("2024-01-03")), "volume_t+1"] == 499.0


def test_known_future_columns_of_one_series():
    frame = load_sp500(ohlcv=True)
    X, y = make_forecast_xy(frame, horizon=[1, 5], features="Close", known_future=["Open"])
    assert list(X.columns) == ["Close", "Open_t+1", "Open_t+5"]
    assert_array_equal(X["Open_t+5"].to_numpy(), frame["Open"].to_numpy()[5:])
    assert_array_equal(y["Close_t+5"].to_numpy(), frame["Close"].to_numpy()[5:])


def _changed_after(frame, day, columns):
    """`frame` with the values of `columns` changed on every day after `day`."""
    changed = frame.copy()
    later = changed.index.get_level_values("date") > day
    changed.loc[later, columns] = changed.loc[later, columns] * 3.0 + 7.0
    return changed


@pytest.mark.parametrize("horizon", [1, HORIZONS])
def test_no_future_value_of_a_past_covariate_or_the_target_reaches_x(panel, horizon):
    day = pd.Timestamp("2012-06-01")
    columns = ["Close", "Volume", "High"]
    kwargs = dict(target="Close", horizon=horizon, features=columns, known_future="Open")
    X, _ = make_forecast_xy(panel, **kwargs)
    X_changed, _ = make_forecast_xy(_changed_after(panel, day, columns), **kwargs)
    known = X.index.get_level_values("date") <= day
    pd.testing.assert_frame_equal(X_changed[known], X[known])
    assert not X_changed[~known][columns].equals(X[~known][columns])


def test_a_known_future_value_reaches_only_the_rows_that_forecast_its_day():
    panel = tiny_panel()
    day = pd.Timestamp("2024-01-05")
    changed = panel.copy()
    changed.loc[("b", day), "volume"] = -1.0
    X, _ = make_forecast_xy(panel, target="close", horizon=[1, 2], known_future="volume")
    X_changed, _ = make_forecast_xy(changed, target="close", horizon=[1, 2], known_future="volume")
    differs = (X_changed != X).any(axis=1)
    assert list(X.index[differs]) == [
        ("b", pd.Timestamp("2024-01-03")),
        ("b", pd.Timestamp("2024-01-04")),
    ]


def test_another_series_joined_by_date_is_a_past_covariate(panel):
    index = panel.loc["IBM", ["Close"]].rename(columns={"Close": "IBM"})
    with_index = panel.join(index, on="date")
    X, _ = make_forecast_xy(with_index, target="Close", features=["Close", "IBM"])
    assert_array_equal(X.loc["MSFT", "IBM"].to_numpy(), index["IBM"].to_numpy()[:-1])


def test_another_series_missing_a_date_is_named_by_series_and_date(panel):
    index = panel.loc["GOOG", ["Close"]].rename(columns={"Close": "GOOG"})
    with pytest.raises(
        ValueError, match=r"column 'GOOG' has nan for Ticker 'AAPL' on date 2000-03-01"
    ):
        make_forecast_xy(panel.join(index, on="date"), target="Close", features=["Close", "GOOG"])


def test_the_target_cannot_be_known_in_advance(panel):
    with pytest.raises(ValueError, match="known_future names the target 'Close'"):
        make_forecast_xy(panel, target="Close", known_future=["Volume", "Close"])


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            lambda f: pd.concat([f, f.iloc[[2]]]),
            r"the frame has two rows for series 'a' on date 2024-01-03",
        ),
        (
            lambda f: f.iloc[[0, 2, 1, 3, 4, 5, 6, 7, 8, 9]],
            r"the frame's rows of series 'a' are not in time order: date 2024-01-02 comes "
            "after 2024-01-03",
        ),
        (
            lambda f: f.assign(volume=f["volume"].where(f["volume"] != 498.0)),
            r"column 'volume' has nan for series 'b' on date 2024-01-05",
        ),
        (
            lambda f: f.drop(index=f.loc["b"].index[:-2].map(lambda d: ("b", d))),
            r"series 'b' has 2 row\(s\), too few for horizon 2",
        ),
    ],
    ids=["duplicate", "unsorted", "missing", "too short"],
)
def test_a_bad_panel_is_named_by_series_and_date(change, match):
    with pytest.raises(ValueError, match=match):
        make_forecast_xy(
            change(tiny_panel()), target="close", horizon=2, features=["close", "volume"]
        )
