"""Bundled real series: with structure a model can learn, and a second index of closes."""

from importlib import resources

from skrnn.datasets._stock import load_stock_csv

__all__ = [
    "load_airpassengers",
    "load_elnino",
    "load_lynx",
    "load_nasdaq",
    "load_seattle_weather",
    "load_sunspots",
    "load_unemployment",
    "load_wineind",
]


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


def load_lynx():
    """Load the yearly Canadian lynx trappings, 1821 to 1934.

    The number of lynx skins collected in Canada each year by the Hudson's Bay
    Company, the series of Brockwell and Davis (1991) and of R's
    ``datasets::lynx``, as shipped with pmdarima
    (``pmdarima.datasets.load_lynx``, MIT licence): 114 years, no gaps. The
    trappings rise and crash over a cycle of about ten years, rising for more
    years than they fall (70 rises, 43 falls): the classic short cyclical
    series of the forecasting literature, usually modelled on a log10 scale
    (``numpy.log10(load_lynx())``), where linear autoregressions leave a
    nonlinear part unexplained.

    Each value is dated by the first day of its year. The file
    ``skrnn/datasets/data/lynx.csv`` (``date,lynx``) is installed with the
    package and read with :func:`load_stock_csv`.

    Returns
    -------
    frame : pandas.DataFrame of shape (114, 1)
        A float64 column ``lynx`` (skins) indexed by a
        :class:`~pandas.DatetimeIndex` named ``"date"``, one row per year,
        sorted ascending. A new frame on every call.

    See Also
    --------
    load_sunspots : A longer yearly series with a cycle.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import load_lynx
    >>> frame = load_lynx()
    >>> frame.shape, frame.index[0].year, frame.index[-1].year
    ((114, 1), 1821, 1934)
    >>> float(np.log10(frame["lynx"]).max().round(2))
    3.84
    """
    return _load_bundled("lynx.csv", "lynx")


def load_airpassengers():
    """Load the monthly international airline passengers, 1949 to 1960.

    Box and Jenkins' airline series (series G of *Time Series Analysis,
    Forecasting and Control*): monthly totals of international airline
    passengers in thousands, as shipped with pmdarima
    (``pmdarima.datasets.load_airpassengers``, MIT licence): 144 months, no
    gaps. A trend and a yearly season (summer peaks) whose swing grows with
    the level, usually modelled on a log scale.

    Each value is dated by the first day of its month. The file
    ``skrnn/datasets/data/airpassengers.csv`` (``date,passengers``) is
    installed with the package and read with :func:`load_stock_csv`.

    Returns
    -------
    frame : pandas.DataFrame of shape (144, 1)
        A float64 column ``passengers`` (thousands) indexed by a
        :class:`~pandas.DatetimeIndex` named ``"date"``, one row per month,
        sorted ascending. A new frame on every call.

    See Also
    --------
    load_wineind : Another monthly series with a yearly season.

    Examples
    --------
    >>> from skrnn.datasets import load_airpassengers
    >>> frame = load_airpassengers()
    >>> frame.shape, str(frame.index[0].date()), str(frame.index[-1].date())
    ((144, 1), '1949-01-01', '1960-12-01')
    """
    return _load_bundled("airpassengers.csv", "passengers")


def load_wineind():
    """Load the monthly Australian wine sales, January 1980 to August 1994.

    Total monthly sales of wine by Australian winemakers in bottles of at
    most one litre, the series of R's ``forecast::wineind``, as shipped with
    pmdarima (``pmdarima.datasets.load_wineind``, MIT licence): 176 months, no
    gaps.
    A strong yearly season (a December peak, a January trough) on a slowly
    rising level.

    Each value is dated by the first day of its month. The file
    ``skrnn/datasets/data/wineind.csv`` (``date,sales``) is installed with
    the package and read with :func:`load_stock_csv`.

    Returns
    -------
    frame : pandas.DataFrame of shape (176, 1)
        A float64 column ``sales`` indexed by a
        :class:`~pandas.DatetimeIndex` named ``"date"``, one row per month,
        sorted ascending. A new frame on every call.

    See Also
    --------
    load_airpassengers : Another monthly series with a yearly season.

    Examples
    --------
    >>> from skrnn.datasets import load_wineind
    >>> frame = load_wineind()
    >>> frame.shape, str(frame.index[0].date()), str(frame.index[-1].date())
    ((176, 1), '1980-01-01', '1994-08-01')
    """
    return _load_bundled("wineind.csv", "sales")


def load_unemployment():
    """Load the quarterly US unemployment rate, 1959 to the third quarter of 2009.

    The civilian unemployment rate in percent, from the US Bureau of Labor
    Statistics, as compiled in statsmodels' US macroeconomic data
    (``statsmodels.datasets.macrodata``, column ``unemp``, declared public
    domain there): 203 quarters, no gaps. It follows the business cycle,
    rising fast in recessions and falling slowly in recoveries: a cycle of
    varying length with an asymmetry that a linear model cannot follow.

    Each value is dated by the first day of its quarter. The file
    ``skrnn/datasets/data/unemployment.csv`` (``date,unemployment``) is
    installed with the package and read with :func:`load_stock_csv`.

    Returns
    -------
    frame : pandas.DataFrame of shape (203, 1)
        A float64 column ``unemployment`` (percent) indexed by a
        :class:`~pandas.DatetimeIndex` named ``"date"``, one row per quarter,
        sorted ascending. A new frame on every call.

    See Also
    --------
    load_sunspots : A yearly series with a cycle of varying length.

    Examples
    --------
    >>> from skrnn.datasets import load_unemployment
    >>> frame = load_unemployment()
    >>> frame.shape, str(frame.index[0].date()), str(frame.index[-1].date())
    ((203, 1), '1959-01-01', '2009-07-01')
    """
    return _load_bundled("unemployment.csv", "unemployment")


def load_seattle_weather():
    """Load the daily highest temperature in Seattle, 2012 to 2015.

    The daily maximum temperature in degrees Celsius at Seattle, from NOAA's
    records (public domain) as shipped with vega_datasets
    (``vega_datasets.data.seattle_weather``, column ``temp_max``, MIT
    licence): 1,461 days, no gaps. A yearly season with day-to-day weather on
    top.

    Each value is dated by its day. The file
    ``skrnn/datasets/data/seattle_weather.csv`` (``date,temp_max``) is
    installed with the package and read with :func:`load_stock_csv`.

    Returns
    -------
    frame : pandas.DataFrame of shape (1461, 1)
        A float64 column ``temp_max`` indexed by a
        :class:`~pandas.DatetimeIndex` named ``"date"``, one row per day,
        sorted ascending. A new frame on every call.

    See Also
    --------
    load_elnino : A monthly temperature series with a yearly season.

    Examples
    --------
    >>> from skrnn.datasets import load_seattle_weather
    >>> frame = load_seattle_weather()
    >>> frame.shape, str(frame.index[0].date()), str(frame.index[-1].date())
    ((1461, 1), '2012-01-01', '2015-12-31')
    """
    return _load_bundled("seattle_weather.csv", "temp_max")


def load_nasdaq():
    """Load the daily NASDAQ Composite closes, 1999-01-04 to 2018-12-31.

    Yahoo! Finance's daily closes of the NASDAQ Composite index (ticker
    ``^IXIC``) as shipped in the ``arch`` Python package (module
    ``arch.data.nasdaq``, NCSA licence, copyright Kevin Sheppard), rounded to
    cents: 5,031 trading days, the same days as :func:`load_sp500`. Like the
    S&P 500, close to a random walk: a second index on which the naive
    forecast "tomorrow = today" is very hard to beat.

    The file ``skrnn/datasets/data/nasdaq.csv`` (``date,close``) is installed
    with the package and read with :func:`load_stock_csv`.

    Returns
    -------
    frame : pandas.DataFrame of shape (5031, 1)
        A float64 column ``close`` indexed by a
        :class:`~pandas.DatetimeIndex` named ``"date"``, one row per trading
        day, sorted ascending. A new frame on every call.

    See Also
    --------
    load_sp500 : The S&P 500 closes of the same days.

    Examples
    --------
    >>> from skrnn.datasets import load_nasdaq
    >>> frame = load_nasdaq()
    >>> frame.shape, str(frame.index[0].date()), str(frame.index[-1].date())
    ((5031, 1), '1999-01-04', '2018-12-31')
    """
    return _load_bundled("nasdaq.csv", "close")
