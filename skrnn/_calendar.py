"""The calendar of the days forecast: covariates known in advance, from the dates alone."""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import validate_data

from skrnn._appended import AppendedColumnsTransformer
from skrnn._panel import is_panel
from skrnn._validation import check_horizons

#: Each calendar feature: how to read it off dates, and its values in one cycle.
_FEATURES = {
    "dayofweek": (lambda dates: dates.day_of_week, range(7)),
    "dayofmonth": (lambda dates: dates.day, range(1, 32)),
    "dayofyear": (lambda dates: dates.day_of_year, range(1, 367)),
    "weekofyear": (lambda dates: dates.isocalendar().week.to_numpy(), range(1, 54)),
    "month": (lambda dates: dates.month, range(1, 13)),
    "quarter": (lambda dates: dates.quarter, range(1, 5)),
}


class CalendarFeatures(AppendedColumnsTransformer):
    """Add the calendar of the day each row forecasts: day of week, month, ...

    The calendar is a covariate known in advance: on the day a forecast is
    made, the day of the week and the month of the day forecast are already
    known. This transformer reads the dates of the rows from the index of
    `X` (a :class:`~pandas.DatetimeIndex`, or the dates of a (series, date)
    panel) and appends, for each horizon ``h``, the calendar of the date
    ``h`` steps of `freq` later: the day forecast, dated as skrnn dates its
    forecasts. The input columns pass through unchanged, in front.

    It holds no data, so it sits anywhere before the window transformer in a
    pipeline, and its options are hyperparameters like any other:
    ``GridSearchCV`` can tune the `encoding`, or compare a pipeline with and
    without it (``{"calendarfeatures": [calendar, "passthrough"]}``, with
    ``calendar = CalendarFeatures().set_output(transform="pandas")``: the
    steps after it read the index, and a pipeline's ``set_output`` does not
    reach the estimators of a grid).

    The new columns come after the columns of `X`, for each horizon ``h``
    each feature's: ``f"{feature}_{value}_t+{h}"`` for a one-hot column,
    ``f"{feature}_sin_t+{h}"`` and ``f"{feature}_cos_t+{h}"`` on the circle,
    ``f"{feature}_t+{h}"`` for a number.

    **Dates after a holiday.** Business days (the default step for daily
    data) do not know holidays: the row before a holiday is said to forecast
    the holiday, as skrnn's forecasts would date it. Pass a
    :class:`~pandas.tseries.offsets.CustomBusinessDay` with an exchange's
    holidays as `freq` for the exact calendar of a market.

    Parameters
    ----------
    horizon : int or list of int, default=1
        The horizon(s) forecast, as given to
        :func:`~skrnn.datasets.make_forecast_xy`: the calendar of each day
        forecast is added.

    features : tuple of str, default=("dayofweek", "month")
        The calendar features, among ``"dayofweek"`` (0 is Monday),
        ``"dayofmonth"``, ``"dayofyear"``, ``"weekofyear"`` (ISO), ``"month"``
        and ``"quarter"``.

    encoding : {"onehot", "cyclic", "ordinal"}, default="onehot"
        How each feature becomes numbers: one column per value of its cycle
        (seven for the day of the week; a value absent from the training rows
        keeps its column), two columns on the unit circle (sine and cosine,
        so that December is next to January), or the number itself.

    freq : str, DateOffset or None, default=None
        The step between a row's date and the next one forecast. None takes
        the index's own ``freq`` when it has one, else the frequency pandas
        infers from the dates seen in :term:`fit` (``"MS"`` for monthly
        data), else business days.

    Attributes
    ----------
    freq_ : pandas.DateOffset
        The step used.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    skrnn.datasets.make_forecast_xy : Its ``known_future`` pairs a user's own
        columns known in advance with the days forecast.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn import CalendarFeatures
    >>> X = pd.DataFrame({"close": [10.0, 11.0, 12.0]},
    ...                  index=pd.to_datetime(["2024-01-04", "2024-01-05", "2024-01-08"]))
    >>> calendar = CalendarFeatures(features=("dayofweek",), encoding="ordinal")
    >>> calendar.set_output(transform="pandas").fit_transform(X)
                close  dayofweek_t+1
    2024-01-04   10.0            4.0
    2024-01-05   11.0            0.0
    2024-01-08   12.0            1.0

    Friday's row forecasts Monday. Two horizons, on the unit circle:

    >>> calendar = CalendarFeatures(horizon=[1, 2], features=("month",), encoding="cyclic")
    >>> calendar.fit(X).get_feature_names_out()
    array(['close', 'month_sin_t+1', 'month_cos_t+1', 'month_sin_t+2',
           'month_cos_t+2'], dtype=object)
    """

    _parameter_constraints: dict = {
        "horizon": [Interval(Integral, 1, None, closed="left"), list, tuple],
        "features": [tuple, list],
        "encoding": [StrOptions({"onehot", "cyclic", "ordinal"})],
        "freq": [str, pd.offsets.BaseOffset, None],
    }

    def __init__(self, horizon=1, *, features=("dayofweek", "month"), encoding="onehot", freq=None):
        self.horizon = horizon
        self.features = features
        self.encoding = encoding
        self.freq = freq

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the options and find the step between dates.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Rows indexed by date, or by (series, date).

        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self._horizons()
        self._features()
        dates = _dates(X)
        validate_data(self, X, reset=True)
        self.freq_ = self._find_freq(X.index, dates)
        return self

    def _appended(self, X):
        dates = _dates(X)
        blocks = []
        for h in self._horizons():
            forecast_dates = self._forecast_dates(dates, h)
            for feature in self._features():
                read, cycle = _FEATURES[feature]
                blocks.append(self._encode(np.asarray(read(forecast_dates)), cycle))
        return np.hstack(blocks)

    def _appended_names(self):
        return [
            f"{part}_t+{h}"
            for h in self._horizons()
            for feature in self._features()
            for part in self._column_names(feature)
        ]

    def _horizons(self):
        return check_horizons(self.horizon)[0]

    def _features(self):
        features = [self.features] if isinstance(self.features, str) else list(self.features)
        unknown = [f for f in features if f not in _FEATURES]
        if not features or unknown or len(set(features)) < len(features):
            raise ValueError(
                f"features={self.features!r} is not a non-empty list of distinct calendar "
                f"features; expected names among {list(_FEATURES)}."
            )
        return features

    def _column_names(self, feature):
        if self.encoding == "onehot":
            return [f"{feature}_{value}" for value in _FEATURES[feature][1]]
        if self.encoding == "cyclic":
            return [f"{feature}_sin", f"{feature}_cos"]
        return [feature]

    def _encode(self, values, cycle):
        if self.encoding == "onehot":
            return (values[:, np.newaxis] == np.asarray(cycle)).astype(np.float64)
        if self.encoding == "cyclic":
            angle = 2 * np.pi * (values - cycle.start) / len(cycle)
            return np.column_stack([np.sin(angle), np.cos(angle)])
        return values.astype(np.float64)[:, np.newaxis]

    def _forecast_dates(self, dates, h):
        """The dates `h` steps of ``freq_`` after `dates`, each distinct date once."""
        unique = dates.unique()
        with warnings.catch_warnings():
            # Offsets with holidays are added date by date, which pandas warns is slow.
            warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
            later = pd.DatetimeIndex(unique + h * self.freq_)
        return later[unique.get_indexer(dates)]

    def _find_freq(self, index, dates):
        if self.freq is not None:
            return pd.tseries.frequencies.to_offset(self.freq)
        own = getattr(index, "freq", None)
        if own is not None:
            return own
        unique = dates.unique().sort_values()
        inferred = pd.DatetimeIndex(unique, freq="infer").freq if len(unique) >= 3 else None
        return inferred if inferred is not None else pd.offsets.BDay()


def _dates(X):
    """The dates of the rows of `X`, from its index."""
    index = getattr(X, "index", None)
    if is_panel(X):
        index = index.get_level_values(1)
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError(
            "CalendarFeatures reads the dates of the rows from X's index, but X "
            f"{'has no index' if index is None else f'is indexed by {type(index).__name__}'}; "
            "expected a DataFrame indexed by date or by (series, date), as "
            "make_forecast_xy returns it (in a pipeline: set_output(transform='pandas'))."
        )
    return index
