"""A linear autoregression on the networks' windows: the skip connection's rival."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.linear_model import Ridge
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from skrnn._validation import (
    check_targets,
    check_windows,
    target_standardization,
    window_regressor_tags,
)


class RidgeAutoregressor(RegressorMixin, BaseEstimator):
    """A linear autoregression on the windows, penalised toward today's value.

    The linear model of the last days, to judge the networks against next to
    the naive forecast. It reads the same windows as the networks
    (``MinMaxScaler -> SlidingWindowTransformer -> RidgeAutoregressor``) and
    predicts a linear function of every step and feature of the window. Its
    predictions are in ``y``'s units: as the networks do, it standardises
    ``y`` inside (mean and standard deviation of the training targets) and
    maps its predictions back, so that ``alpha`` weighs the same on every
    series whatever its units, with inputs min-max scaled to about [0, 1].

    **What the penalty shrinks.** Like the networks' skip connection, the
    model starts from the newest step: the ridge penalty (scikit-learn's
    :class:`~sklearn.linear_model.Ridge`) falls on how each earlier step
    differs from the newest one, never on the newest step itself nor on the
    intercept. As ``alpha`` grows the model tends to a least-squares line from
    the newest values (for a price, nearly the naive forecast), not to the
    mean of ``y`` nor to an average of the window: a ridge on the raw window
    shrinks toward those, and both lag a trending series (measured on four
    test periods of the bundled S&P 500 with windows of 5 and 20 days at
    ``alpha=1``: RMSE 1.22 to 1.40 times the naive forecast's, against 1.001
    to 1.006 with the penalty as here). With ``alpha=0`` it is ordinary least
    squares on the whole window, whichever steps the penalty would fall on.

    **Windows with missing steps.** A window that reaches back before the
    start of a series has leading NaN steps (see
    :class:`~skrnn.SlidingWindowTransformer`). Nothing is filled in and no
    row is dropped: as a recurrent network reads such a window as a shorter
    sequence, this model reads it with a regression on the steps it has.
    `fit` fits one regression per number of known steps ``k`` (1 to the
    window length), on the newest ``k`` steps of every training window that
    has at least ``k`` known steps; a window with ``k`` known steps is
    predicted by the ``k``-step regression. A complete window is predicted by
    the regression on all steps (`coef_`). Missing steps must be leading (the
    oldest) and missing in every feature; anything else is a ``ValueError``.

    Parameters
    ----------
    alpha : float, default=1.0
        Ridge penalty on the differences between each earlier step and the
        newest, for min-max scaled inputs and a standardised target (0 is
        ordinary least squares).

    Attributes
    ----------
    coef_ : ndarray of shape (window, n_features) or (n_outputs, window, n_features)
        Weight of each step (the newest last) and feature of a complete
        window, in ``y``'s units per unit of `X`.

    intercept_ : float or ndarray of shape (n_outputs,)
        Constant term of the complete-window regression, in ``y``'s units.

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
        """Fit one regression per number of known steps.

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
        y = check_targets(self, X, y)
        known = _known_steps(X)
        self.window_ = X.shape[1]
        if known.max() < self.window_:
            raise ValueError(
                f"RidgeAutoregressor needs at least one training window with all "
                f"{self.window_} steps known; the {X.shape[0]} windows given have at most "
                f"{known.max()}. Use more rows or a shorter window."
            )
        self._y_ndim = y.ndim
        y2d = y.reshape(y.shape[0], -1)
        self._y_center, self._y_scale = target_standardization(y2d)
        y_scaled = (y2d - self._y_center) / self._y_scale
        self._models = []
        for k in range(1, self.window_ + 1):
            rows = known >= k
            self._models.append(fit_steps(X[rows, X.shape[1] - k :], y_scaled[rows], self.alpha))
        coef, intercept = self._models[-1]
        coef = np.moveaxis(coef.reshape(*X.shape[1:], -1) * self._y_scale, -1, 0)
        intercept = intercept * self._y_scale + self._y_center
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
        y_scaled = np.empty((X.shape[0], self._y_center.size))
        for k in np.unique(known):
            rows = known == k
            coef, intercept = self._models[k - 1]
            y_scaled[rows] = _flat(X[rows], k) @ coef + intercept
        y_pred = y_scaled * self._y_scale + self._y_center
        return y_pred.ravel() if self._y_ndim == 1 else y_pred

    def __sklearn_tags__(self):
        # Leading NaN steps are the part of a window before the series starts.
        return window_regressor_tags(super().__sklearn_tags__())


def fit_steps(windows, y, alpha):
    """Coefficients ``(k * n_features, n_outputs)`` and intercept of complete `windows`.

    In the coordinates (newest step, each earlier step minus the newest), which
    span the same linear models as the raw steps, only the differences are
    penalised. The newest step is left free by partialling it out (the
    Frisch-Waugh-Lovell theorem, which holds for any penalty on the other
    coefficients): the ridge is fitted to what the newest step does not
    explain, and the newest step's weight by least squares on the rest.
    """
    n, k, n_features = windows.shape
    newest = windows[:, -1, :]
    changes = (windows[:, :-1, :] - newest[:, np.newaxis, :]).reshape(n, -1)
    newest_c, changes_c, y_c = (a - a.mean(axis=0) for a in (newest, changes, y))
    if changes.shape[1]:
        explained = newest_c @ np.linalg.lstsq(newest_c, np.c_[changes_c, y_c], rcond=None)[0]
        changes_r, y_r = np.hsplit(np.c_[changes_c, y_c] - explained, [changes.shape[1]])
        if alpha == 0:
            beta_changes = np.linalg.lstsq(changes_r, y_r, rcond=None)[0]
        else:
            ridge = Ridge(alpha=alpha, fit_intercept=False).fit(changes_r, y_r)
            beta_changes = ridge.coef_.reshape(y.shape[1], -1).T
    else:
        beta_changes = np.zeros((0, y.shape[1]))
    beta_newest = np.linalg.lstsq(newest_c, y_c - changes_c @ beta_changes, rcond=None)[0]
    # Back to the raw steps: each difference weighs its step, and minus the newest.
    earlier = beta_changes.reshape(k - 1, n_features, y.shape[1])
    coef = np.concatenate([earlier, (beta_newest - earlier.sum(axis=0))[np.newaxis]])
    coef = coef.reshape(k * n_features, -1)
    intercept = y.mean(axis=0) - windows.reshape(n, -1).mean(axis=0) @ coef
    return coef, intercept


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
