"""Covariates known in advance: accepted only with their values for the days ahead."""

import io

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from skrnn._future_rows import check_known_ahead, split_future_rows, with_known_ahead
from skrnn._same_series import later_rows
from skrnn.datasets import load_panel_csv, load_stock_csv

PANEL = """series,date,close,volume,event
a,2024-01-01,1,5,0
a,2024-01-02,2,6,1
a,2024-01-03,3,7,0
a,2024-01-04,,,1
a,2024-01-05,,,0
b,2024-01-02,10,1,0
b,2024-01-03,11,2,0
b,2024-01-04,,,1
b,2024-01-05,,,1
"""


def _read(text, known, steps, series_column="series"):
    kept, future = split_future_rows(
        io.StringIO(text), target="close", known=known, date_column="date",
        series_column=series_column,
    )  # fmt: skip
    if series_column is None:
        frame = load_stock_csv(kept, price_column="close")
    else:
        frame = load_panel_csv(kept, series_column=series_column)
    check_known_ahead(frame, future, known, steps)
    return frame, future


def test_the_lines_ahead_give_the_known_columns_of_the_last_rows():
    frame, future = _read(PANEL, ["event"], steps=2)
    assert len(frame) == 5 and not frame["close"].isna().any()
    extended = with_known_ahead(frame, future, ["event"], [1, 2])
    assert extended.index.equals(frame.index)
    assert_array_equal(extended.loc["a", "event_t+1"], [1, 0, 1])
    assert_array_equal(extended.loc["a", "event_t+2"], [0, 1, 0])
    assert_array_equal(extended.loc["b", "event_t+2"], [1, 1])


def test_a_column_without_lines_ahead_is_refused_naming_the_series():
    short = PANEL.replace("b,2024-01-05,,,1\n", "")
    with pytest.raises(ValueError, match=r"series 'b' are given for 1 day\(s\) after .*2024-01-03"):
        _read(short, ["event"], steps=2)


def test_a_past_covariate_declared_known_ahead_is_refused():
    # Nobody knows tomorrow's volume: the lines ahead leave it empty.
    with pytest.raises(ValueError, match=r"needs a date and a number in each known-future"):
        _read(PANEL, ["volume"], steps=1)


def test_a_single_series_reads_its_lines_ahead():
    text = "date,close,event\n2024-01-01,1,0\n2024-01-02,2,1\n2024-01-03,,1\n"
    frame, future = _read(text, ["event"], steps=1, series_column=None)
    extended = with_known_ahead(frame, future, ["event"], [1])
    assert_array_equal(extended["event_t+1"], [1, 1])


def test_without_known_columns_the_file_is_read_as_it_is():
    text = "date,close\n2024-01-01,1\n2024-01-02,\n"
    kept, future = split_future_rows(
        io.StringIO(text), target="close", known=[], date_column="date"
    )
    assert future is None
    with pytest.raises(ValueError, match="line 3"):
        load_stock_csv(kept, price_column="close")


# -- rows of one series a few steps apart, read from the windows ----------------------


def test_later_rows_pair_rows_within_each_series_in_any_order():
    from skrnn import SlidingWindowTransformer

    dates = pd.bdate_range("2024-01-01", periods=6)
    index = pd.MultiIndex.from_product([["a", "b"], dates], names=["series", "date"])
    X = pd.DataFrame({"x": np.r_[np.arange(6.0), 100 + np.arange(6.0)]}, index=index)
    shuffled = X.sort_index(level="date")  # interleaved by date
    windows = SlidingWindowTransformer(window=3).fit_transform(shuffled)
    later = later_rows(windows, 2)
    values = shuffled["x"].to_numpy()
    paired = later >= 0
    assert paired.sum() == 8  # 4 pairs in each series of 6 rows
    assert_array_equal(values[later[paired]], values[paired] + 2)


def test_later_rows_beyond_the_window_are_found_step_by_step():
    from skrnn import SlidingWindowTransformer

    dates = pd.bdate_range("2024-01-01", periods=8)
    index = pd.MultiIndex.from_product([["a", "b"], dates], names=["series", "date"])
    X = pd.DataFrame({"x": np.r_[np.arange(8.0), 100 + np.arange(8.0)]}, index=index)
    shuffled = X.sort_index(level="date")
    later = later_rows(SlidingWindowTransformer(window=2).fit_transform(shuffled), 5)
    values = shuffled["x"].to_numpy()
    paired = later >= 0
    assert paired.sum() == 6  # 3 pairs in each series of 8 rows
    assert_array_equal(values[later[paired]], values[paired] + 5)


def test_later_rows_take_rows_in_order_when_windows_are_too_short():
    windows = np.arange(5.0, dtype=np.float32).reshape(5, 1, 1)
    assert_array_equal(later_rows(windows, 1), [1, 2, 3, 4, -1])
