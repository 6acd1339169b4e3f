"""Daily stock price data: CSV loaders, the bundled S&P 500 and forecast pairs.

- :func:`load_stock_csv` reads the lecture's CSV format (``date,closed_price``,
  ``YYYY/M/D`` dates, ``"29,331.37"`` prices) and Yahoo! Finance's export
  (``Date,Open,High,Low,Close,Adj Close,Volume``), reporting bad rows by line.
- :func:`load_sp500` returns the bundled S&P 500 daily data, 1999 to 2018.
- :func:`make_forecast_xy` pairs each day's features with a later price.

This module needs only NumPy and pandas.
"""

from skrnn.datasets._forecast import make_forecast_xy
from skrnn.datasets._stock import load_sp500, load_stock_csv

__all__ = ["load_stock_csv", "load_sp500", "make_forecast_xy"]
