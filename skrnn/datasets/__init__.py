"""Data: CSV loaders, the bundled series and forecast pairs.

- :func:`load_stock_csv` reads the lecture's CSV format (``date,closed_price``,
  ``YYYY/M/D`` dates, ``"29,331.37"`` prices), Yahoo! Finance's export
  (``Date,Open,High,Low,Close,Adj Close,Volume``) and any ``date,value`` file
  with ISO dates, reporting bad rows by line.
- :func:`load_sp500` returns the bundled S&P 500 daily data, 1999 to 2018: close
  to a random walk, where the naive forecast is hard to beat.
- :func:`load_sunspots` and :func:`load_lynx` (yearly, cyclical),
  :func:`load_unemployment` (quarterly, the business cycle), :func:`load_elnino`,
  :func:`load_airpassengers` and :func:`load_wineind` (monthly, seasonal) and
  :func:`load_seattle_weather` (daily, seasonal) return bundled series with
  structure a model can learn; :func:`load_nasdaq` a second index of daily closes.
- :func:`load_panel_csv` reads many series from one long table (a series
  column, a date column and the values) into a frame indexed by (series,
  date), reporting bad rows by line, series and date; :func:`load_wiki_stocks`
  returns the bundled panel of five stocks, ragged as real panels are.
- :func:`make_forecast_xy` pairs each day's features with a later value.

This module needs only NumPy and pandas.
"""

from skrnn.datasets._forecast import make_forecast_xy
from skrnn.datasets._panel import load_panel_csv, load_wiki_stocks
from skrnn.datasets._series import (
    load_airpassengers,
    load_elnino,
    load_lynx,
    load_nasdaq,
    load_seattle_weather,
    load_sunspots,
    load_unemployment,
    load_wineind,
)
from skrnn.datasets._stock import load_sp500, load_stock_csv

__all__ = [
    "load_stock_csv",
    "load_sp500",
    "load_nasdaq",
    "load_sunspots",
    "load_lynx",
    "load_unemployment",
    "load_elnino",
    "load_airpassengers",
    "load_wineind",
    "load_seattle_weather",
    "load_panel_csv",
    "load_wiki_stocks",
    "make_forecast_xy",
]
