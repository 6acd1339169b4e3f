"""A linear autoregression on the networks' windows: the skip connection's rival."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.linear_model import Ridge
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_array, check_consistent_length, check_is_fitted

from skrnn._validation import check_windows


class RidgeAutoregressor(RegressorMixin, BaseEstimator):
    """A linear autoregression: ridge regression on the flattened window.

    The linear model of the last days, to judge the networks against next to
    the naive forecast. It reads the same windows as the networks
    (``MinMaxScaler -> SlidingWindowTransformer -> RidgeAutoregressor``),
    flattens each window's steps and features into one row, and fits
    scikit-learn's :class:`~sklearn.linear_model.Ridge` to them. Its
    predictions are in ``y``'s units: as the networks do, it standardises
    ``y`` inside (mean and standard deviation of the training targets) and
    maps its predictions back, so that ``alpha`` weighs the same on every
    series whatever its units, with inputs min-max scaled to about [0, 1].

    **Windows with missing steps.** A window that reaches back before the
    start of a series has leading NaN steps (see
    :class:`~skrnn.SlidingWindowTransformer`). Nothing is filled in and no
    row is dropped: as a recurrent network reads such a window as a shorter
    sequence, this model reads it with a regression on the steps it has.
    `fit` fits one ridge regression per number of known steps ``k`` (1 to the
    window length), on the newest ``k`` steps of every training window that
    has at least ``k`` known steps; a window with ``k`` known steps is
    predicted by the ``k``-step regression. A complete window is predicted by
    the regression on all steps (`coef_`). Missing steps must be leading (the
    oldest) and missing in every feature; anything else is a ``ValueError``.

    Parameters
    ----------
    alpha : float, default=1.0
        Ridge penalty on the coefficients, for min-max scaled inputs and a
        standardised target (0 is ordinary least squares).

    Attributes
    ----------
    coef_ : ndarray of shape (window, n_features) or (n_outputs, window, n_features)
        Weight of each step (the newest last) and feature of a complete
        window, in ``y``'s units per unit of `X`.

    intercept_ : float or ndarray of shape (n_outputs,)
        Constant term of the complete-window regression, in ``y``'s units.

    estimators_ : list of :class:`~sklearn.linear_model.Ridge`
        ``estimators_[k - 1]`` reads the newest ``k`` steps, flattened, and
        predicts the standardised target; the last one reads whole windows.

    n_features_in_ : int
        Features per time step seen during fit (1 for 2-D `X`).

    window_ : int
        Time steps per window seen during fit; `predict` needs the same.

    See Also
    --------
    PersistenceRegressor : The naive forecast "tomorrow = today".
    LSTMRegressor : A recurrent network on the same windows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from skrnn import RidgeAutoregressor, SlidingWindowTransformer
    >>> from skrnn.datasets import load_sunspots, make_forecast_xy
    >>> X, y = make_forecast_xy(load_sunspots())
    >>> model = make_pipeline(
    ...     MinMaxScaler(), SlidingWindowTransformer(window=11), RidgeAutoregressor(alpha=0.1)
    ... ).fit(X.iloc[:231], y.iloc[:231])
    >>> model[-1].coef_.shape
    (11, 1)
    >>> model.predict(X.iloc[231:]).shape
    (77,)
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit one ridge regression per number of known steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, window, n_features) or (n_samples, window)
            Windows, the newest step last; leading steps may be NaN.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, for example the value ``horizon`` rows after the window ends.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        X = check_windows(self, X, dtype=np.float64, reset=True)
        if y is None:
            raise ValueError(
                "RidgeAutoregressor requires y to be passed, but the target y is None."
            )
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y", estimator=self)
        if y.ndim > 2:
            raise ValueError(
                f"y must be 1-D (n_samples,) or 2-D (n_samples, n_outputs); got shape {y.shape}."
            )
        check_consistent_length(X, y)
        known = _known_steps(X)
        self.window_ = X.shape[1]
        if known.max() < self.window_:
            raise ValueError(
                f"RidgeAutoregressor needs at least one training window with all "
                f"{self.window_} steps known; the {X.shape[0]} windows given have at most "
                f"{known.max()}. Use more rows or a shorter window."
            )
        self._y_center = y.mean(axis=0)
        scale = y.std(axis=0)
        # A constant target has nothing to scale: keep its units.
        self._y_scale = np.where(scale > 0, scale, 1.0)
        y_scaled = (y - self._y_center) / self._y_scale
        self.estimators_ = []
        for k in range(1, self.window_ + 1):
            rows = known >= k
            ridge = Ridge(alpha=self.alpha).fit(_flat(X[rows], k), y_scaled[rows])
            self.estimators_.append(ridge)
        full = self.estimators_[-1]
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        scale, center = np.reshape(self._y_scale, -1), np.reshape(self._y_center, -1)
        coef = full.coef_.reshape(n_outputs, *X.shape[1:]) * scale[:, np.newaxis, np.newaxis]
        intercept = np.reshape(full.intercept_, -1) * scale + center
        if y.ndim == 1:
            self.coef_, self.intercept_ = coef[0], float(intercept[0])
        else:
            self.coef_, self.intercept_ = coef, intercept
        return self

    def predict(self, X):
        """Predict each window's target, in ``y``'s units.

        Parameters
        ----------
        X : array-like of shape (n_samples, window, n_features) or (n_samples, window)
            Windows as long as the training windows; leading steps may be NaN.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, shaped like the ``y`` given to fit; one for every row.
        """
        check_is_fitted(self)
        X = check_windows(self, X, dtype=np.float64, reset=False)
        if X.shape[1] != self.window_:
            raise ValueError(
                f"X has windows of {X.shape[1]} steps, but RidgeAutoregressor was fitted "
                f"on windows of {self.window_}."
            )
        known = _known_steps(X)
        shape = np.shape(self._y_center)
        y_scaled = np.empty((X.shape[0], *shape))
        for k in np.unique(known):
            rows = known == k
            prediction = self.estimators_[k - 1].predict(_flat(X[rows], k))
            y_scaled[rows] = prediction.reshape(-1, *shape)
        return y_scaled * self._y_scale + self._y_center

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        # Leading NaN steps are the part of a window before the series starts.
        tags.input_tags.allow_nan = True
        tags.target_tags.multi_output = True
        return tags


def _flat(X, k):
    """The newest `k` steps of each window, one row of ``k * n_features`` values."""
    return X[:, X.shape[1] - k :, :].reshape(X.shape[0], -1)


def _known_steps(X):
    """Per window, how many of its newest steps are known (the rest must be NaN)."""
    if np.isinf(X).any():
        raise ValueError("X contains infinite values; expected finite numbers or NaN.")
    missing = np.isnan(X)
    missing_step = missing.all(axis=2)
    partial = (missing.any(axis=2) & ~missing_step).any(axis=1)
    if partial.any():
        rows = np.flatnonzero(partial)
        raise ValueError(
            f"X has time steps where only some features are NaN (rows {rows[:5].tolist()}"
            f"{' ...' if rows.size > 5 else ''}); a step is either missing (all NaN) or "
            "known (all finite)."
        )
    # Leading NaN steps only: once a step is known, every newer one must be.
    n_missing = np.argmin(missing_step, axis=1)
    n_missing[missing_step.all(axis=1)] = X.shape[1]
    gaps = missing_step.sum(axis=1) != n_missing
    if gaps.any():
        rows = np.flatnonzero(gaps)
        raise ValueError(
            f"X has missing steps after a known step (rows {rows[:5].tolist()}"
            f"{' ...' if rows.size > 5 else ''}); only the oldest steps of a window may be "
            "NaN, where it reaches back before the series starts."
        )
    known = X.shape[1] - n_missing
    if (known == 0).any():
        rows = np.flatnonzero(known == 0)
        raise ValueError(
            f"X has windows that are NaN everywhere (rows {rows[:5].tolist()}"
            f"{' ...' if rows.size > 5 else ''}); each window needs at least its newest "
            "step known."
        )
    return known
