"""The naive forecast, the bar every model on a price series has to clear."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from skrnn._naive_start import SAME_DAY_RTOL, same_day_map
from skrnn._validation import check_targets, check_windows, window_regressor_tags


class PersistenceRegressor(RegressorMixin, BaseEstimator):
    """The naive forecast "tomorrow = today", in the units of ``y``.

    Predicts the newest observed value of one input feature: for a window
    ending on day ``t``, the price of day ``t``. On daily index closes this is
    very hard to beat, so every comparison of skrnn's networks should show it.

    With ``season=m`` it is the seasonal naive forecast instead: the value of
    the same point of the last season observed, ``m * ceil(horizon / m)`` rows
    before the forecast day (for monthly data with ``season=12`` and
    ``horizon=1``, next month's forecast is the value of that month a year
    earlier, 11 steps before the newest of the window). It is the fair bar on
    a seasonal series. ``season=1`` is the plain naive forecast.

    It sits in the same pipelines as the networks
    (``MinMaxScaler -> SlidingWindowTransformer -> PersistenceRegressor``) and
    answers in ``y``'s units although its input may be scaled: `fit` recovers
    the affine map from the input feature's units to ``y``'s from the training
    rows themselves, since ``y[t]`` is the feature ``horizon`` rows later, in
    the units of ``y``. That map is exact (an identity when the input is not
    scaled), so the prediction is the last observed price, not a regression.
    The training rows must therefore be consecutive days of one series with
    ``y`` the feature `horizon` rows ahead (as
    :func:`skrnn.datasets.make_forecast_xy` makes them); anything else is a
    ``ValueError`` at fit rather than a baseline that is quietly something else.

    Parameters
    ----------
    feature : int, default=0
        Index of the feature, in the last axis of `X`, that ``y`` forecasts.

    horizon : int, default=1
        How many rows ahead the first column of ``y`` lies (``horizon`` of
        :func:`~skrnn.datasets.make_forecast_xy`). With ``season=1`` only
        `fit` uses it.

    season : int, default=1
        Length of the season in rows (12 for monthly data with a yearly
        season). Above 1, ``y`` must have one output and the windows must be
        long enough to hold the value one season back: at least
        ``season * ceil(horizon / season) - horizon + 1`` steps.

    Attributes
    ----------
    coef_ : float
        Scale from the feature's units to ``y``'s units (1.0 when unscaled).

    intercept_ : float
        Offset from the feature's units to ``y``'s units (0.0 when unscaled).

    n_features_in_ : int
        Features per time step seen during fit (1 for 2-D `X`).

    See Also
    --------
    make_u2_scorer : Scores a model by its RMSE relative to this forecast's.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import PersistenceRegressor
    >>> prices = np.array([10.0, 11.0, 13.0, 12.0, 14.0, 15.0])
    >>> X, y = prices[:-1].reshape(-1, 1), prices[1:]   # one-step windows
    >>> naive = PersistenceRegressor().fit(X, y)
    >>> naive.predict(X)
    array([10., 11., 13., 12., 14.])
    >>> round(naive.coef_, 6), round(naive.intercept_, 6)
    (1.0, 0.0)

    The seasonal naive forecast of a quarterly series, from windows of four
    quarters: next quarter as the same quarter a year before.

    >>> quarters = np.array([1.0, 5.0, 3.0, 2.0, 1.5, 5.5, 3.5, 2.5, 2.0, 6.0])
    >>> windows = np.lib.stride_tricks.sliding_window_view(quarters[:-1], 4)
    >>> seasonal = PersistenceRegressor(season=4).fit(windows, quarters[4:])
    >>> seasonal.predict(windows)
    array([1. , 5. , 3. , 2. , 1.5, 5.5])
    """

    _parameter_constraints: dict = {
        "feature": [Interval(Integral, None, None, closed="neither")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "season": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, feature=0, *, horizon=1, season=1):
        self.feature = feature
        self.horizon = horizon
        self.season = season

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Recover the map from the feature's units to ``y``'s.

        Parameters
        ----------
        X : array-like of shape (n_samples, window, n_features) or (n_samples, window)
            Windows of consecutive days in time order, the newest step last.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The feature `horizon` rows later (first column), in its own units.

        Returns
        -------
        self : object
            The fitted baseline.
        """
        X = self._check_windows(X, reset=True)
        newest = self._step_value(X, 0)
        y = check_targets(self, X, y)
        if self.season > 1:
            if y.ndim == 2 and y.shape[1] > 1:
                raise ValueError(
                    f"season={self.season} forecasts one horizon, but y has {y.shape[1]} "
                    "columns; fit one PersistenceRegressor per horizon."
                )
            self._check_window_length(X)
        self._y_shape = y.shape[1:]
        target = y if y.ndim == 1 else y[:, 0]
        h = self.horizon
        if len(target) < h + 2:
            raise ValueError(
                f"PersistenceRegressor needs at least horizon + 2 = {h + 2} rows to "
                f"recover y's units; got n_samples={len(target)}."
            )
        slope, offset, mismatch = same_day_map(newest, target, h)
        if not mismatch <= SAME_DAY_RTOL:
            raise ValueError(
                f"y is not feature {self.feature} of X {h} row(s) later (they differ "
                f"by up to {mismatch:.3g} of y's magnitude after the best affine map "
                "between their units); PersistenceRegressor needs consecutive rows of "
                "one series with y the feature horizon rows ahead."
            )
        self.coef_, self.intercept_ = float(slope), float(offset)
        return self

    def predict(self, X):
        """The newest observed value of the feature (or one season back), in ``y``'s units.

        Parameters
        ----------
        X : array-like of shape (n_samples, window, n_features) or (n_samples, window)
            Windows whose newest step is known (with ``season > 1``: whose step
            one season before the forecast day is known).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The same forecast for every output (every horizon).
        """
        check_is_fitted(self)
        X = self._check_windows(X, reset=False)
        back = self._steps_back()
        if back:
            self._check_window_length(X)
        forecast = self.coef_ * self._step_value(X, back) + self.intercept_
        return (
            np.repeat(forecast[:, np.newaxis], self._y_shape[0], axis=1)
            if self._y_shape
            else forecast
        )

    def __sklearn_tags__(self):
        # Earlier steps of a window may be NaN; only the newest is read.
        return window_regressor_tags(super().__sklearn_tags__())

    def _check_windows(self, X, *, reset):
        X = check_windows(self, X, dtype=np.float64, reset=reset)
        if not -X.shape[2] <= self.feature < X.shape[2]:
            raise ValueError(
                f"feature={self.feature} is out of range for X with {X.shape[2]} "
                "feature(s) per time step."
            )
        return X

    def _steps_back(self):
        """How many steps before the newest the forecast value lies (0 unless seasonal)."""
        seasons = -(-self.horizon // self.season)  # ceil: the last season observed
        return self.season * seasons - self.horizon

    def _check_window_length(self, X):
        back = self._steps_back()
        if X.shape[1] <= back:
            raise ValueError(
                f"season={self.season} with horizon={self.horizon} reads the value {back} "
                f"step(s) before the newest of each window, but the windows have "
                f"{X.shape[1]} step(s); expected windows of at least {back + 1}."
            )

    def _step_value(self, X, back):
        """The feature `back` steps before the newest step, which must be known."""
        values = X[:, -1 - back, self.feature]
        if not np.isfinite(values).all():
            rows = np.flatnonzero(~np.isfinite(values))
            if back == 0:
                raise ValueError(
                    f"the newest step of X is not a finite number in rows "
                    f"{rows[:5].tolist()}; the naive forecast needs today's value."
                )
            raise ValueError(
                f"the step {back} before the newest of X (one season before the forecast "
                f"day) is not a finite number in rows {rows[:5].tolist()}; the seasonal "
                "naive forecast needs that value: the window reaches back before the "
                "series starts."
            )
        return values


def theil_u2(y_true, y_pred, y_naive):
    """Compute Theil's U2 in its RMSE-ratio form: the model's RMSE over the naive RMSE.

    Below 1 the model beats the naive forecast, above 1 it does worse.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        What happened.

    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The model's forecast.

    y_naive : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The naive forecast (today's value), broadcast against `y_true`.

    Returns
    -------
    u2 : float
        ``RMSE(y_true, y_pred) / RMSE(y_true, y_naive)``.

    Examples
    --------
    >>> from skrnn import theil_u2
    >>> theil_u2([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [0.0, 1.0, 2.0])
    0.0
    """
    y_true, y_pred, y_naive = (np.asarray(a, dtype=np.float64) for a in (y_true, y_pred, y_naive))
    if y_naive.ndim == 1 and y_true.ndim == 2:
        y_naive = y_naive[:, np.newaxis]
    naive_rmse = np.sqrt(np.mean((y_true - y_naive) ** 2))
    if naive_rmse == 0:
        raise ValueError("the naive forecast is exact on these rows, so U2 is undefined.")
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)) / naive_rmse)


class _U2Scorer:
    """``scoring=`` callable: minus Theil's U2, the naive forecast read from X."""

    def __init__(self, feature):
        self.feature = feature

    def __call__(self, estimator, X, y_true, sample_weight=None):
        if sample_weight is not None:
            raise ValueError("the U2 scorer does not take sample weights.")
        values = np.asarray(X, dtype=np.float64)
        today = values[:, self.feature] if values.ndim == 2 else values[:, -1, self.feature]
        return -theil_u2(y_true, estimator.predict(X), today)

    def __repr__(self):
        return f"make_u2_scorer(feature={self.feature})"


def make_u2_scorer(feature=0):
    """A scorer for ``GridSearchCV(scoring=...)``: minus Theil's U2.

    scikit-learn maximises scores, so the scorer returns ``-U2``: -0.9 means the
    model's RMSE is 90 % of the naive forecast's. The naive forecast is read
    from the `X` the search scores with: column `feature` of a 2-D `X` (the
    input of a pipeline: the prices of day ``t``), or the newest step of that
    feature in a 3-D `X` of windows. It must be in the units of ``y``, as the
    raw prices at the input of a pipeline are.

    Parameters
    ----------
    feature : int, default=0
        The column of `X` that ``y`` forecasts.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y) -> -U2``.

    Examples
    --------
    >>> from skrnn import make_u2_scorer
    >>> make_u2_scorer()
    make_u2_scorer(feature=0)
    """
    return _U2Scorer(feature)
