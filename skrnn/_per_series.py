"""One model per series of a panel: the local models a global network is compared with."""

from numbers import Integral

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, _fit_context, clone
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.validation import check_is_fitted

from skrnn._panel import check_panel, is_panel, series_groups, series_name


class PerSeriesRegressor(MetaEstimatorMixin, RegressorMixin, BaseEstimator):
    """Fit a clone of an estimator on each series of a panel, and predict each with its own.

    The local counterpart of a global network: every series gets its own
    model, fitted on its rows alone, exactly as if the series were the only
    data (the rows of a series reach its model indexed by date alone). This
    is how the naive forecast and a linear autoregression serve as
    per-series baselines on a panel, and how per-series networks are
    compared with one network over all series.

    Parameters
    ----------
    estimator : estimator object
        A regressor or pipeline for one series, such as ``MinMaxScaler ->
        SlidingWindowTransformer -> PersistenceRegressor``.

    n_jobs : int or None, default=None
        Series fitted at once, through joblib (``None`` is one, ``-1`` all
        cores, or the backend of :class:`joblib.parallel_config`).

    Attributes
    ----------
    estimators_ : dict
        The fitted clone of each series, by the series' label.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`.

    See Also
    --------
    SeriesScaledRegressor : One model for all series, each in units of its size.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> from skrnn import PerSeriesRegressor
    >>> index = pd.MultiIndex.from_product(
    ...     [["up", "down"], pd.bdate_range("2024-01-01", periods=3)],
    ...     names=["series", "date"])
    >>> X = pd.DataFrame({"close": [1.0, 2.0, 3.0, 3.0, 2.0, 1.0]}, index=index)
    >>> y = pd.Series([2.0, 3.0, 4.0, 2.0, 1.0, 0.0], index=index)
    >>> model = PerSeriesRegressor(LinearRegression()).fit(X, y)
    >>> sorted(model.estimators_)
    ['down', 'up']
    >>> model.predict(X).round(6)
    array([2., 3., 4., 2., 1., 0.])
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "n_jobs": [None, Integral],
    }

    def __init__(self, estimator, *, n_jobs=None):
        self.estimator = estimator
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit one clone of the estimator on the rows of each series.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Rows indexed by (series, date).

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, row by row with `X`.

        Returns
        -------
        self : object
            The fitted meta-estimator.
        """
        X = check_panel(X, type(self).__name__)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)}; expected one y per row.")
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        name = series_name(X.index)
        groups = series_groups(X.index)
        fitted = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_one)(clone(self.estimator), name, label, _rows(X, p), _rows(y, p))
            for label, p in groups
        )
        self.estimators_ = dict(zip((label for label, _ in groups), fitted, strict=True))
        return self

    def predict(self, X):
        """Predict the rows of each series with that series' model.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Rows indexed by (series, date), of series seen in :term:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predictions, row by row with `X`.
        """
        check_is_fitted(self)
        X = check_panel(X, type(self).__name__)
        name = series_name(X.index)
        y_pred = None
        for label, positions in series_groups(X.index):
            if label not in self.estimators_:
                raise ValueError(
                    f"X has rows of {name} {label!r}, which had no rows in fit; a model per "
                    f"series forecasts only the series it was fitted on ({list(self.estimators_)})."
                )
            own = np.asarray(self.estimators_[label].predict(_rows(X, positions)), np.float64)
            if y_pred is None:
                y_pred = np.empty((len(X), *own.shape[1:]))
            y_pred[positions] = own
        return y_pred

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _fit_one(estimator, name, label, X, y):
    try:
        return estimator.fit(X, y)
    except ValueError as exc:
        raise ValueError(f"{name} {label!r}: {exc}") from exc


def _rows(data, positions):
    """The rows of one series, indexed by their dates alone (arrays by position)."""
    if isinstance(data, (pd.DataFrame, pd.Series)):
        rows = data.iloc[positions]
        return rows.set_axis(rows.index.droplevel(0)) if is_panel(rows) else rows
    return np.asarray(data)[positions]
