"""Panels from long CSV files: the reader's checks and the bundled panel of five stocks."""

import gzip
import hashlib
import io
import pathlib

import numpy as np
import pandas as pd
import pytest

from skrnn.datasets import load_panel_csv, load_wiki_stocks

ROOT = pathlib.Path(__file__).resolve().parents[1]

GROUPED = """Ticker,Date,Close,Volume
AAPL,2000-03-01,130.31,9616100
AAPL,2000-03-02,122.0,2779100
AAPL,2000-03-03,128.0,2887200
IBM,2000-03-02,108.0,5590900
IBM,2000-03-03,110.0,6000000
"""
# The same rows, date by date.
BY_DATE = """Ticker,Date,Close,Volume
AAPL,2000-03-01,130.31,9616100
IBM,2000-03-02,108.0,5590900
AAPL,2000-03-02,122.0,2779100
AAPL,2000-03-03,128.0,2887200
IBM,2000-03-03,110.0,6000000
"""
KEYS = dict(series_column="Ticker", date_column="Date")


def read(text, **kwargs):
    return load_panel_csv(io.StringIO(text), **{**KEYS, **kwargs})


def test_a_long_file_becomes_a_frame_indexed_by_series_and_date():
    panel = read(GROUPED)
    assert panel.index.names == ["Ticker", "date"]
    assert list(panel.columns) == ["Close", "Volume"]
    assert (panel.dtypes == np.float64).all()
    assert panel.index.get_level_values("date").dtype == "datetime64[ns]"
    assert panel.loc[("IBM", pd.Timestamp("2000-03-03")), "Close"] == 110.0
    # A ragged panel: IBM starts a day later, with no row for its missing day.
    assert panel.groupby(level=0).size().to_dict() == {"AAPL": 3, "IBM": 2}


def test_lines_of_series_may_interleave():
    pd.testing.assert_frame_equal(read(BY_DATE), read(GROUPED))


def test_series_are_grouped_in_sorted_order():
    text = GROUPED.replace("AAPL", "ZZZ")
    panel = read(text)
    assert list(panel.index.get_level_values(0).unique()) == ["IBM", "ZZZ"]
    assert panel.index.is_monotonic_increasing


def test_columns_selects_and_orders_the_values_and_skips_the_rest():
    text = GROUPED.replace("Ticker,Date,Close,Volume", "Ticker,Date,Close,Sector").replace(
        "9616100", "tech"
    )
    panel = read(text, columns=["Close"])
    assert list(panel.columns) == ["Close"]
    panel = read(GROUPED, columns=["volume", "close"])  # case ignored
    assert list(panel.columns) == ["Volume", "Close"]


def test_a_gzip_file_is_read_as_its_text(tmp_path):
    path = tmp_path / "panel.csv.gz"
    path.write_bytes(gzip.compress(GROUPED.encode()))
    pd.testing.assert_frame_equal(load_panel_csv(path, **KEYS), read(GROUPED))
    pd.testing.assert_frame_equal(
        load_panel_csv(io.BytesIO(gzip.compress(GROUPED.encode())), **KEYS), read(GROUPED)
    )


def test_a_broken_gzip_file_is_a_clear_error():
    with pytest.raises(ValueError, match="starts as gzip data but cannot be decompressed"):
        load_panel_csv(io.BytesIO(gzip.compress(GROUPED.encode())[:30]), **KEYS)


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        # A second line for one series and date.
        (
            "IBM,2000-03-03,110.0",
            "IBM,2000-03-02,110.0",
            r"line 6: a second line for Ticker 'IBM' on date 2000-03-02 \(the first is line 5\)",
        ),
        # A series that goes back in time.
        (
            "AAPL,2000-03-03,128.0",
            "AAPL,2000-02-28,128.0",
            r"line 4: Ticker 'AAPL' goes back in time, to date 2000-02-28 after 2000-03-02 "
            r"\(line 3\); expected each series' dates in increasing order",
        ),
        # A missing value.
        (
            "AAPL,2000-03-02,122.0",
            "AAPL,2000-03-02,",
            r"line 3 \(Ticker 'AAPL', date 2000-03-02\): column 'Close' has an empty value",
        ),
        (
            "IBM,2000-03-03,110.0",
            "IBM,2000-03-03,null",
            r"line 6 \(Ticker 'IBM', date 2000-03-03\): column 'Close' has the missing value "
            "'null'",
        ),
        # A value that is not a number.
        (
            "2887200",
            "lots",
            r"line 4 \(Ticker 'AAPL', date 2000-03-03\): column 'Volume' has 'lots', which is "
            "not a finite number",
        ),
        # A date that is not a date.
        (
            "IBM,2000-03-02",
            "IBM,March 2",
            r"line 5 \(Ticker 'IBM'\): column 'Date' has 'March 2', which is not a date",
        ),
        # A line without its series.
        (
            "IBM,2000-03-02",
            ",2000-03-02",
            r"line 5 \(date 2000-03-02\): column 'Ticker' is empty; expected the name",
        ),
    ],
)
def test_a_bad_line_is_named_by_line_series_and_date(old, new, match):
    assert old in GROUPED
    with pytest.raises(ValueError, match=match):
        read(GROUPED.replace(old, new))


def test_the_first_bad_line_is_reported_with_a_count_of_the_rest():
    text = GROUPED.replace("122.0", "").replace("110.0", "x")
    with pytest.raises(ValueError, match=r"^<file-like object>, line 3 .*\(1 more bad value"):
        read(text)


def test_a_value_missing_in_a_column_not_read_is_no_error():
    panel = read(GROUPED.replace("2779100", ""), columns=["Close"])
    assert panel.shape == (5, 1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(series_column="Name"), r"line 1: expected a series column 'Name' .*series_column="),
        (dict(date_column="Day"), r"line 1: expected a date column 'Day' .*date_column="),
        (dict(columns=["Open"]), r"column 'Open' is not in the header"),
        (dict(columns=["Date"]), r"'Date' is the series or the date column"),
        (dict(columns=[]), r"columns is empty"),
        (dict(date_column="Ticker"), r"cannot be both the series and the date column"),
    ],
)
def test_missing_or_misnamed_columns_are_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        read(GROUPED, **kwargs)


def test_a_file_with_only_keys_is_an_error():
    with pytest.raises(ValueError, match="no column besides the series and the date"):
        read("Ticker,Date\nAAPL,2000-03-01\n")


def test_the_bundled_panel_is_the_file_described_in_the_readme():
    data = (ROOT / "data" / "wiki_stocks.csv.gz").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest in (ROOT / "data" / "README.md").read_text()
    assert digest == "5abadf99b2d394f920120a27de6f0df129859d71d4cfb0bf661bcc99446ab1fd"


def test_the_bundled_panel_is_ragged_and_complete():
    panel = load_wiki_stocks()
    assert panel.shape == (12154, 6)
    assert list(panel.columns) == ["Open", "High", "Low", "Close", "Volume", "Adj Close"]
    spans = panel.reset_index("date").groupby(level=0)["date"].agg(["min", "max", "size"])
    assert spans.loc["GOOG", "min"] == pd.Timestamp("2004-08-19")
    assert spans.loc["FB", "min"] == pd.Timestamp("2012-05-18")
    assert (spans["max"] == pd.Timestamp("2013-03-01")).all()
    assert spans["size"].to_dict() == {
        "AAPL": 3270, "FB": 196, "GOOG": 2148, "IBM": 3270, "MSFT": 3270,
    }  # fmt: skip
    assert np.isfinite(panel.to_numpy()).all()
    assert panel.index.is_unique and panel.index.is_monotonic_increasing
    # The first line of the file, as it is written there.
    assert panel.iloc[0].tolist() == [118.56, 132.06, 118.5, 130.31, 9616100.0, 4.186662803811]
    assert load_wiki_stocks() is not load_wiki_stocks()
