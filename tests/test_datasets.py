"""Loading price CSV files, the bundled series and forecast pairs."""

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skrnn.datasets import (
    load_airpassengers,
    load_elnino,
    load_lynx,
    load_nasdaq,
    load_seattle_weather,
    load_sp500,
    load_stock_csv,
    load_sunspots,
    load_unemployment,
    load_wineind,
    make_forecast_xy,
)

# The first rows of the lecture's Nikkei 225 file, as printed in the lecture.
LECTURE = """\
date,closed_price
2021/5/6,"29,331.37"
2021/5/7,"29,357.82"
2021/5/10,"29,518.34"
2021/5/11,"28,608.59"
2021/5/12,"28,147.51"
"""
LECTURE_DATES = pd.to_datetime(
    ["2021-05-06", "2021-05-07", "2021-05-10", "2021-05-11", "2021-05-12"]
)
LECTURE_PRICES = [29331.37, 29357.82, 29518.34, 28608.59, 28147.51]

YAHOO = """\
Date,Open,High,Low,Close,Adj Close,Volume
1999-01-04,1229.23,1248.81,1219.1,1228.1,1228.1,877000000
1999-01-05,1228.1,1246.11,1228.1,1244.78,1244.78,775000000
1999-01-06,1244.78,1272.5,1244.78,1272.34,1272.34,986900000
"""
YAHOO_COLUMNS = ["Open", "High", "Low", "Close", "Adj Close", "Volume"]


def write(tmp_path, text, name="prices.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def assert_reports(excinfo, path, line, value):
    """The error names the file, the 1-based line and the offending value."""
    message = str(excinfo.value)
    assert path.name in message, message
    assert f"line {line}:" in message, message
    if value:
        assert repr(value) in message, message
    else:
        assert "empty value" in message, message


# --- load_stock_csv: formats ----------------------------------------------------


def test_lecture_format_parses_thousands_separators_and_slash_dates(tmp_path):
    frame = load_stock_csv(write(tmp_path, LECTURE))

    assert isinstance(frame.index, pd.DatetimeIndex)
    assert frame.index.name == "date"
    assert list(frame.index) == list(LECTURE_DATES)
    assert list(frame.columns) == ["closed_price"]
    assert frame["closed_price"].dtype == np.float64
    assert frame["closed_price"].tolist() == LECTURE_PRICES


def test_yahoo_export_keeps_its_columns_as_float(tmp_path):
    frame = load_stock_csv(write(tmp_path, YAHOO))

    assert list(frame.columns) == YAHOO_COLUMNS
    assert (frame.dtypes == np.float64).all()
    assert frame.index.name == "date"
    assert list(frame.index) == list(pd.to_datetime(["1999-01-04", "1999-01-05", "1999-01-06"]))
    assert frame.loc["1999-01-05"].tolist() == [
        1228.1, 1246.11, 1228.1, 1244.78, 1244.78, 775000000.0
    ]  # fmt: skip


def test_unsorted_rows_are_sorted_ascending_with_their_values(tmp_path):
    text = 'date,closed_price\n2021/5/10,"3.0"\n2021/5/6,1\n2021-05-07,2\n'
    frame = load_stock_csv(write(tmp_path, text))

    assert frame.index.is_monotonic_increasing
    assert list(frame.index) == list(LECTURE_DATES[:3])
    assert frame["closed_price"].tolist() == [1.0, 2.0, 3.0]


def test_path_str_and_file_like_objects_read_the_same(tmp_path):
    path = write(tmp_path, LECTURE)
    expected = load_stock_csv(path)

    pd.testing.assert_frame_equal(load_stock_csv(str(path)), expected)
    pd.testing.assert_frame_equal(load_stock_csv(io.StringIO(LECTURE)), expected)
    pd.testing.assert_frame_equal(load_stock_csv(io.BytesIO(LECTURE.encode())), expected)
    with open(path, encoding="utf-8") as f:
        pd.testing.assert_frame_equal(load_stock_csv(f), expected)


def test_large_numbers_signs_and_padded_dates_parse(tmp_path):
    text = 'date,closed_price,volume\n2021/05/06,"1,234,567.5",-3\n2021/5/7,12,1e3\n'
    frame = load_stock_csv(write(tmp_path, text))

    assert frame["closed_price"].tolist() == [1234567.5, 12.0]
    assert frame["volume"].tolist() == [-3.0, 1000.0]


def test_crlf_byte_order_mark_spaces_and_blank_lines_are_tolerated(tmp_path):
    path = tmp_path / "windows.csv"
    path.write_bytes(
        b'\xef\xbb\xbfdate , closed_price\r\n2021/5/6, "29,331.37"\r\n\r\n'
        b'2021/5/7,"29,357.82"\r\n\r\n'
    )
    frame = load_stock_csv(path)

    assert frame["closed_price"].tolist() == LECTURE_PRICES[:2]


# --- load_stock_csv: column matching --------------------------------------------


def test_default_columns_match_ignoring_case(tmp_path):
    frame = load_stock_csv(write(tmp_path, "DATE,Closed_Price\n2021/5/6,1\n"))

    assert list(frame.columns) == ["Closed_Price"]  # the file's name is kept
    assert frame.index.name == "date"


def test_default_price_column_falls_back_to_close(tmp_path):
    frame = load_stock_csv(write(tmp_path, "date,close,volume\n2021/5/6,1,2\n"))

    assert list(frame.columns) == ["close", "volume"]


def test_explicit_columns_are_used_and_never_fall_back_to_close(tmp_path):
    path = write(tmp_path, YAHOO)
    frame = load_stock_csv(path, date_column="Date", price_column="adj close")
    assert list(frame.columns) == YAHOO_COLUMNS

    with pytest.raises(ValueError, match="price column 'Price'") as excinfo:
        load_stock_csv(path, price_column="Price")
    assert "'Price' or 'Close'" not in str(excinfo.value)


def test_missing_column_names_expected_and_existing_columns(tmp_path):
    path = write(tmp_path, "day,price\n2021/5/6,1\n")
    with pytest.raises(ValueError) as excinfo:
        load_stock_csv(path)
    message = str(excinfo.value)
    assert path.name in message
    assert "line 1:" in message
    assert "'date'" in message and "'closed_price'" in message  # expected
    assert "['day', 'price']" in message  # what the file has


def test_ambiguous_column_names_are_an_error(tmp_path):
    path = write(tmp_path, "date,CLOSE,close\n2021/5/6,1,2\n")
    with pytest.raises(ValueError, match="ambiguous"):
        load_stock_csv(path)


def test_non_numeric_extra_column_is_reported(tmp_path):
    path = write(tmp_path, "date,closed_price,ticker\n2021/5/6,1,N225\n")
    with pytest.raises(ValueError) as excinfo:
        load_stock_csv(path)
    assert_reports(excinfo, path, 2, "N225")


# --- load_stock_csv: bad files ---------------------------------------------------

GOOD_ROWS = 'date,closed_price\n2021/5/6,"29,331.37"\n2021/5/7,"29,357.82"\n'


@pytest.mark.parametrize(
    "text, line, value",
    [
        pytest.param(GOOD_ROWS + '2021/5/10,"abc"\n', 4, "abc", id="text-price"),
        pytest.param(GOOD_ROWS + "2021/5/10,\n", 4, "", id="empty-price"),
        pytest.param(GOOD_ROWS + '2021/5/10,""\n', 4, "", id="empty-quoted-price"),
        pytest.param(GOOD_ROWS + "2021/5/10,nan\n", 4, "nan", id="nan-price"),
        pytest.param(GOOD_ROWS + "2021/5/10,1e999\n", 4, "1e999", id="infinite-price"),
        pytest.param(GOOD_ROWS + '2021/5/10,"29.331,37"\n', 4, "29.331,37", id="decimal-comma"),
        pytest.param(GOOD_ROWS + '2021/5/10,"1,22,8"\n', 4, "1,22,8", id="misplaced-separator"),
        pytest.param(GOOD_ROWS + "10/5/2021,1\n", 4, "10/5/2021", id="day-first-date"),
        pytest.param(GOOD_ROWS + "2021/2/30,1\n", 4, "2021/2/30", id="impossible-date"),
        pytest.param(GOOD_ROWS + ",1\n", 4, "", id="empty-date"),
        pytest.param(GOOD_ROWS + "2021/5/10,29,518.34\n", 4, "2021/5/10,29,518.34", id="unquoted"),
        pytest.param(GOOD_ROWS + "2021/5/10\n", 4, "2021/5/10", id="too-few-fields"),
        pytest.param(GOOD_ROWS + "\n\n2021/5/10,x\n", 6, "x", id="after-blank-lines"),
    ],
)
def test_bad_value_names_file_line_and_value(tmp_path, text, line, value):
    path = write(tmp_path, text)
    with pytest.raises(ValueError) as excinfo:
        load_stock_csv(path)
    assert_reports(excinfo, path, line, value)


def test_null_in_yahoo_export_is_reported_not_dropped(tmp_path):
    text = YAHOO.replace(
        "1999-01-05,1228.1,1246.11,1228.1,1244.78,1244.78,775000000",
        "1999-01-05,null,null,null,null,null,null",
    )
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match="Yahoo! Finance writes null") as excinfo:
        load_stock_csv(path)
    assert_reports(excinfo, path, 3, "null")


def test_first_bad_value_in_the_file_is_reported(tmp_path):
    text = "Date,Open,Close\n2021-05-06,1,2\n2021-05-07,2,oops\n2021-05-10,bad,3\n"
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match="1 more bad value") as excinfo:
        load_stock_csv(path)
    assert_reports(excinfo, path, 3, "oops")


def test_duplicate_date_names_both_lines(tmp_path):
    path = write(tmp_path, GOOD_ROWS + "2021/5/10,1\n2021-05-06,2\n")
    with pytest.raises(ValueError, match="duplicate date") as excinfo:
        load_stock_csv(path)
    assert_reports(excinfo, path, 5, "2021-05-06")
    assert "line 2" in str(excinfo.value)


def test_empty_file_is_an_error(tmp_path):
    path = write(tmp_path, "")
    with pytest.raises(ValueError, match="is empty") as excinfo:
        load_stock_csv(path)
    assert path.name in str(excinfo.value)


def test_header_only_file_is_an_error(tmp_path):
    path = write(tmp_path, "date,closed_price\n")
    with pytest.raises(ValueError, match="no data rows") as excinfo:
        load_stock_csv(path)
    assert path.name in str(excinfo.value)


def test_missing_file_raises_file_not_found_naming_it(tmp_path):
    path = tmp_path / "nikkei_stock_price.csv"
    with pytest.raises(FileNotFoundError, match="nikkei_stock_price.csv"):
        load_stock_csv(path)


def test_file_like_object_is_named_in_errors(tmp_path):
    with pytest.raises(ValueError, match="<file-like object>, line 2:"):
        load_stock_csv(io.StringIO("date,closed_price\n2021/5/6,abc\n"))


# --- load_sp500 ------------------------------------------------------------------


def test_bundled_sp500_has_5031_days_from_1999_to_2018():
    frame = load_sp500()

    assert frame.shape == (5031, 1)
    assert list(frame.columns) == ["closed_price"]
    assert frame.index[0] == pd.Timestamp("1999-01-04")
    assert frame.index[-1] == pd.Timestamp("2018-12-31")
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert frame["closed_price"].dtype == np.float64


def test_bundled_ohlcv_has_yahoo_columns_and_the_same_closes():
    ohlcv = load_sp500(ohlcv=True)
    close = load_sp500()["closed_price"]

    assert ohlcv.shape == (5031, 6)
    assert list(ohlcv.columns) == YAHOO_COLUMNS
    assert ohlcv.index.equals(close.index)
    np.testing.assert_array_equal(ohlcv["Close"].to_numpy(), close.to_numpy())


def test_load_sp500_returns_a_new_frame_each_call():
    frame = load_sp500()
    frame.iloc[0, 0] = -1.0
    assert load_sp500().iloc[0, 0] != -1.0


# --- the series with structure -------------------------------------------------------


@pytest.mark.parametrize(
    ("load", "column", "shape", "first", "last", "step"),
    [
        (load_sunspots, "sunspots", (309, 1), "1700-01-01", "2008-01-01", pd.DateOffset(years=1)),
        (load_elnino, "temperature", (732, 1), "1950-01-01", "2010-12-01", pd.DateOffset(months=1)),
        (load_lynx, "lynx", (114, 1), "1821-01-01", "1934-01-01", pd.DateOffset(years=1)),
        (load_unemployment, "unemployment", (203, 1), "1959-01-01", "2009-07-01",
         pd.DateOffset(months=3)),
        (load_airpassengers, "passengers", (144, 1), "1949-01-01", "1960-12-01",
         pd.DateOffset(months=1)),
        (load_wineind, "sales", (176, 1), "1980-01-01", "1994-08-01", pd.DateOffset(months=1)),
        (load_seattle_weather, "temp_max", (1461, 1), "2012-01-01", "2015-12-31",
         pd.DateOffset(days=1)),
    ],
)  # fmt: skip
def test_bundled_series_have_every_period_once_without_gaps(load, column, shape, first, last, step):
    frame = load()

    assert frame.shape == shape
    assert list(frame.columns) == [column]
    assert frame[column].dtype == np.float64
    assert frame.index.name == "date"
    expected = pd.date_range(first, periods=shape[0], freq=step, name="date")
    assert frame.index.equals(expected)
    assert frame.index[-1] == pd.Timestamp(last)
    assert np.isfinite(frame[column]).all()


def test_sunspot_numbers_are_the_published_yearly_means():
    sunspots = load_sunspots()["sunspots"]
    # The first year, the highest (1957) and the last, as published by NOAA NGDC.
    assert sunspots["1700-01-01"] == 5.0
    assert sunspots.idxmax() == pd.Timestamp("1957-01-01")
    assert sunspots.max() == 190.2
    assert sunspots["2008-01-01"] == 2.9
    assert (sunspots >= 0).all()


def test_elnino_temperatures_are_the_published_monthly_means():
    temperature = load_elnino()["temperature"]
    assert temperature["1950-01-01"] == 23.11
    assert temperature["2010-12-01"] == 22.07
    # The 1997-98 El Nino, the warmest months of the record.
    assert temperature.idxmax() == pd.Timestamp("1998-03-01")
    # A yearly season: on average March is the warmest month, September the
    # coolest, more than 5 degrees apart.
    by_month = temperature.groupby(temperature.index.month).mean()
    assert by_month.idxmax() == 3 and by_month.idxmin() == 9
    assert by_month.max() - by_month.min() > 5.0


def test_the_new_series_hold_their_sources_values():
    # First and last values, and a landmark, as the packages they come from ship them.
    lynx = load_lynx()["lynx"]
    assert lynx.iloc[[0, -1]].tolist() == [269.0, 3396.0] and lynx.max() == 6991.0
    passengers = load_airpassengers()["passengers"]
    assert passengers.iloc[[0, -1]].tolist() == [112.0, 432.0]
    assert passengers.idxmax() == pd.Timestamp("1960-07-01")
    sales = load_wineind()["sales"]
    assert sales.iloc[[0, -1]].tolist() == [15136.0, 23356.0]
    by_month = sales.groupby(sales.index.month).mean()
    assert by_month.idxmax() == 12 and by_month.idxmin() == 1
    unemployment = load_unemployment()["unemployment"]
    assert unemployment.iloc[[0, -1]].tolist() == [5.8, 9.6]
    temp_max = load_seattle_weather()["temp_max"]
    assert temp_max.iloc[[0, -1]].tolist() == [12.8, 5.6]
    # Warmest in summer: July and August above December and January by far.
    by_month = temp_max.groupby(temp_max.index.month).mean()
    assert by_month[[7, 8]].min() > by_month[[12, 1]].max() + 10


def test_bundled_nasdaq_has_the_sp500_days():
    nasdaq = load_nasdaq()
    assert nasdaq.shape == (5031, 1) and list(nasdaq.columns) == ["close"]
    assert nasdaq.index.equals(load_sp500().index)
    assert nasdaq["close"].iloc[[0, -1]].tolist() == [2208.05, 6635.28]


NEW_SERIES = [load_lynx, load_unemployment, load_airpassengers, load_wineind,
              load_seattle_weather, load_nasdaq]  # fmt: skip


@pytest.mark.parametrize("load", [load_sunspots, load_elnino, *NEW_SERIES])
def test_bundled_series_are_a_new_frame_each_call(load):
    frame = load()
    frame.iloc[0, 0] = -1.0
    assert load().iloc[0, 0] != -1.0


@pytest.mark.parametrize("load", [load_sunspots, load_elnino, *NEW_SERIES])
def test_bundled_series_make_forecast_pairs_without_naming_the_column(load):
    frame = load()
    X, y = make_forecast_xy(frame, horizon=1)
    assert len(X) == len(frame) - 1
    np.testing.assert_array_equal(y.to_numpy(), frame.iloc[1:, 0].to_numpy())


# --- make_forecast_xy --------------------------------------------------------------


@pytest.mark.parametrize("horizon", [1, 2, 5])
def test_forecast_target_is_the_price_horizon_rows_later(horizon):
    frame = load_sp500()
    X, y = make_forecast_xy(frame, horizon=horizon)
    price = frame["closed_price"].to_numpy()

    assert len(X) == len(y) == len(frame) - horizon
    assert list(X.columns) == ["closed_price"]
    assert isinstance(y, pd.Series) and y.name == f"closed_price_t+{horizon}"
    assert X.index.equals(frame.index[: len(frame) - horizon])
    assert y.index.equals(X.index)
    np.testing.assert_array_equal(X["closed_price"].to_numpy(), price[:-horizon])
    np.testing.assert_array_equal(y.to_numpy(), price[horizon:])


def test_several_horizons_give_one_column_each():
    frame = load_stock_csv(io.StringIO(LECTURE))
    X, y = make_forecast_xy(frame, horizon=[1, 3])

    assert X.shape == (2, 1) and y.shape == (2, 2)
    assert list(y.columns) == ["closed_price_t+1", "closed_price_t+3"]
    assert y.index.equals(X.index) and list(X.index) == list(LECTURE_DATES[:2])
    assert y["closed_price_t+1"].tolist() == LECTURE_PRICES[1:3]
    assert y["closed_price_t+3"].tolist() == LECTURE_PRICES[3:5]


def test_list_of_one_horizon_gives_a_dataframe():
    _, y = make_forecast_xy(load_stock_csv(io.StringIO(LECTURE)), horizon=[2])
    assert isinstance(y, pd.DataFrame) and list(y.columns) == ["closed_price_t+2"]


def test_features_and_default_target_on_yahoo_columns():
    frame = load_stock_csv(io.StringIO(YAHOO))
    X, y = make_forecast_xy(frame, features=["Open", "Volume"])

    assert list(X.columns) == ["Open", "Volume"]
    assert y.name == "Close_t+1"  # the default target falls back to Close
    assert y.tolist() == [1244.78, 1272.34]


def test_explicit_target_and_single_column_frame():
    frame = load_stock_csv(io.StringIO(YAHOO))
    _, y = make_forecast_xy(frame, target="Adj Close", features="High")
    assert y.name == "Adj Close_t+1"

    single = pd.DataFrame({"price": [1.0, 2.0, 3.0]})
    X, y = make_forecast_xy(single)
    assert y.tolist() == [2.0, 3.0] and list(X.columns) == ["price"]


def test_forecast_pairs_do_not_modify_the_frame():
    frame = load_stock_csv(io.StringIO(LECTURE))
    before = frame.copy()
    X, _ = make_forecast_xy(frame, horizon=2)
    X.iloc[0, 0] = 0.0
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(horizon=0), "less than 1"),
        (dict(horizon=-2), "less than 1"),
        (dict(horizon=1.5), "not an integer"),
        (dict(horizon=1.0), "not an integer"),
        (dict(horizon=True), "not an integer"),
        (dict(horizon="1"), "not an integer"),
        (dict(horizon=[]), "empty"),
        (dict(horizon=[1, 0]), "less than 1"),
        (dict(horizon=[2, 2]), "more than once"),
        (dict(horizon=5), "5 row.*at least 6 rows"),
        (dict(horizon=[1, 7]), "too few for horizon 7"),
        (dict(target="Price"), r"'Price' is not a column.*\['closed_price'\]"),
        (dict(features=["closed_price", "Volume"]), "'Volume' is not a column"),
        (dict(features=[]), "features is empty"),
    ],
)
def test_forecast_argument_errors_say_what_was_expected(kwargs, match):
    frame = load_stock_csv(io.StringIO(LECTURE))
    with pytest.raises(ValueError, match=match):
        make_forecast_xy(frame, **kwargs)


def test_nan_in_used_columns_is_an_error():
    frame = load_stock_csv(io.StringIO(YAHOO))
    frame.loc["1999-01-05", "Volume"] = np.nan

    with pytest.raises(ValueError, match="'Volume' has nan at row 1"):
        make_forecast_xy(frame, features=["Open", "Volume"])
    X, _ = make_forecast_xy(frame, features=["Open"])  # an unused column may hold NaN
    assert len(X) == 2


def test_non_numeric_column_is_an_error():
    frame = pd.DataFrame({"price": [1.0, 2.0, 3.0], "name": ["a", "b", "c"]})
    with pytest.raises(ValueError, match="'name' has dtype"):
        make_forecast_xy(frame, target="price", features=["price", "name"])


def test_unsorted_dates_are_an_error():
    frame = load_stock_csv(io.StringIO(LECTURE)).iloc[::-1]
    with pytest.raises(ValueError, match="not strictly increasing"):
        make_forecast_xy(frame)


def test_default_target_needs_a_price_column():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match=r"target=None.*\['a', 'b'\]"):
        make_forecast_xy(frame)


def test_frame_must_be_a_dataframe():
    with pytest.raises(TypeError, match="to_frame"):
        make_forecast_xy(pd.Series([1.0, 2.0, 3.0]))


# --- the module itself -------------------------------------------------------------


def test_datasets_do_not_import_keras():
    """skrnn.datasets needs only NumPy and pandas, so loading data is fast."""
    code = """
import sys
from skrnn.datasets import load_elnino, load_sp500, load_sunspots, make_forecast_xy
make_forecast_xy(load_sp500())
load_sunspots(), load_elnino()
heavy = {"keras", "tensorflow", "jax", "torch", "scikeras", "sklearn", "matplotlib"}
print(sorted(heavy & {name.split(".")[0] for name in sys.modules}))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
