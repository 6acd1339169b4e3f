"""Bundled series with structure a model can learn: the sunspot cycle and El Nino."""

from importlib import resources

from skrnn.datasets._stock import load_stock_csv

__all__ = ["load_elnino", "load_sunspots"]


def _load_bundled(filename, column):
    resource = resources.files("skrnn.datasets") / "data" / filename
    with resources.as_file(resource) as path:
        return load_stock_csv(path, price_column=column)


def load_sunspots():
    """Load the yearly sunspot numbers, 1700 to 2008.

    The yearly mean of the international (Wolf) sunspot number, as compiled by
    NOAA's National Geophysical Data Center and shipped with statsmodels
    (``statsmodels.datasets.sunspots``, declared public domain there): 309
    years, no gaps. It is this number's first version, from before the 2015
    recalibration of the series. Solar activity rises and falls over a cycle
    of about eleven years whose length and height vary from cycle to cycle:
    a series that is cyclical but not seasonal, where the naive forecast "next
    year = this year" is a weak bar (it lags every turn of the cycle) and a
    forecast with a fixed period of eleven years is weaker still.

    Each value is dated by the first day of its year (``1700-01-01`` is the
    mean of 1700). The file ``skrnn/datasets/data/sunspots.csv``
    (``date,sunspots``) is installed with the package and read with
    :func:`load_stock_csv`.

    Returns
    -------
    frame : pandas.DataFrame of shape (309, 1)
        A float64 column ``sunspots`` indexed by a
        :class:`~pandas.DatetimeIndex` named ``"date"``, one row per year,
        sorted ascending. A new frame on every call.

    See Also
    --------
    load_elnino : A monthly series with a yearly season.
    make_forecast_xy : Turn the frame into forecasting inputs and targets.

    Examples
    --------
    >>> from skrnn.datasets import load_sunspots, make_forecast_xy
    >>> frame = load_sunspots()
    >>> frame.shape
    (309, 1)
    >>> list(frame.columns)
    ['sunspots']
    >>> frame.index[0], frame.index[-1]
    (Timestamp('1700-01-01 00:00:00'), Timestamp('2008-01-01 00:00:00'))
    >>> X, y = make_forecast_xy(frame, horizon=1)
    >>> X.shape, y.name
    ((308, 1), 'sunspots_t+1')
    """
    return _load_bundled("sunspots.csv", "sunspots")


def load_elnino():
    """Load the monthly sea surface temperature of the Nino 1+2 region, 1950 to 2010.

    The monthly mean sea surface temperature, in degrees Celsius, of the
    eastern tropical Pacific off Peru and Ecuador (0-10 degrees South, 90-80
    degrees West), from NOAA's ERSST.V3B reconstruction as published by the
    Climate Prediction Center and shipped with statsmodels
    (``statsmodels.datasets.elnino``, declared public domain there): 732
    months, no gaps. The water warms every southern summer and cools every
    winter (a season of twelve months), and El Nino years warm it for months
    on end: a seasonal series with slow swings on top.

    Each value is dated by the first day of its month (``1950-01-01`` is the
    mean of January 1950). The file ``skrnn/datasets/data/elnino.csv``
    (``date,temperature``) is installed with the package and read with
    :func:`load_stock_csv`.

    Returns
    -------
    frame : pandas.DataFrame of shape (732, 1)
        A float64 column ``temperature`` indexed by a
        :class:`~pandas.DatetimeIndex` named ``"date"``, one row per month,
        sorted ascending. A new frame on every call.

    See Also
    --------
    load_sunspots : A yearly series with a cycle of varying length.
    make_forecast_xy : Turn the frame into forecasting inputs and targets.

    Examples
    --------
    >>> from skrnn.datasets import load_elnino, make_forecast_xy
    >>> frame = load_elnino()
    >>> frame.shape
    (732, 1)
    >>> list(frame.columns)
    ['temperature']
    >>> frame.index[0], frame.index[-1]
    (Timestamp('1950-01-01 00:00:00'), Timestamp('2010-12-01 00:00:00'))
    >>> X, y = make_forecast_xy(frame, horizon=1)
    >>> X.shape, y.name
    ((731, 1), 'temperature_t+1')
    """
    return _load_bundled("elnino.csv", "temperature")
