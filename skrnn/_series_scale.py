"""Series of different levels made comparable: each divided by its own scale."""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, _fit_context, clone
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.validation import check_is_fitted

from skrnn._panel import check_panel, series_name


class SeriesScaledRegressor(MetaEstimatorMixin, RegressorMixin, BaseEstimator):
    """Fit a regressor on series divided by their own scale; predict in their units.

    A stock at 20 and a stock at 600 are the same problem at two scales, but
    a network trained on both (a global network) sees two levels it must
    learn apart, and a min-max scaler over the panel squeezes the cheap stock
    into a corner of the range. This meta-estimator divides, series by
    series, each column of `X` by its scale, and ``y`` by the scale of the
    column it forecasts, fits `estimator` on the result, and multiplies its
    predictions back: every series is read in units of its own size.

    A series' scale of a column is the mean absolute value of that column
    over the series' *training* rows, so nothing of a test period reaches
    the fit (a scale of 0 is taken as 1). A series not seen in
    :term:`fit` (one that starts in a test fold) is scaled by its first row
    given to :meth:`predict`, a value known on every day it forecasts.

    This scale is one number per series. It leaves each series' trend: a
    stock that doubles over the test period reads as 2.0 where training saw
    1.0. A window normalised by its own newest value removes that too; the
    two combine (this outside, the window's normalisation inside the
    network).

    Parameters
    ----------
    estimator : estimator object
        A regressor or pipeline that reads the scaled `X` (a DataFrame with
        the index and columns of `X`) and forecasts the scaled ``y``.

    target : str or None, default=None
        The column of `X` whose units ``y`` is in: ``y`` is divided by its
        scale. None finds it from the name of ``y`` (``Close_t+1`` is in the
        units of ``Close``, as :func:`~skrnn.datasets.make_forecast_xy`
        names it), or takes `X`'s only column.

    columns : list of str or None, default=None
        The columns of `X` to divide by their scale; None for all. Leave out
        columns without a level of their own, such as a 0/1 indicator.

    Attributes
    ----------
    estimator_ : estimator object
        The clone of `estimator` fitted on the scaled data.

    scales_ : pandas.DataFrame of shape (n_series, n_scaled_columns)
        Per series seen in :term:`fit` (the rows, by label), the scale of
        each scaled column and of `target_`.

    target_ : str
        The column of `X` whose units ``y`` is in.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`.

    See Also
    --------
    PerSeriesRegressor : One model per series instead of one for all.
    SeriesEncoder : The series' identity as an input.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> from skrnn import SeriesScaledRegressor
    >>> index = pd.MultiIndex.from_product(
    ...     [["cheap", "dear"], pd.bdate_range("2024-01-01", periods=3)],
    ...     names=["series", "date"])
    >>> X = pd.DataFrame({"close": [10.0, 11.0, 12.0, 300.0, 330.0, 360.0]}, index=index)
    >>> y = pd.Series([11.0, 12.0, 13.0, 330.0, 360.0, 390.0], index=index, name="close_t+1")
    >>> model = SeriesScaledRegressor(LinearRegression()).fit(X, y)
    >>> model.scales_
            close
    series
    cheap    11.0
    dear    330.0
    >>> model.predict(X).round(2)
    array([ 11.,  12.,  13., 330., 360., 390.])
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "target": [str, None],
        "columns": [list, tuple, None],
    }

    def __init__(self, estimator, *, target=None, columns=None):
        self.estimator = estimator
        self.target = target
        self.columns = columns

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Learn each series' scales and fit the estimator on the scaled data.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Rows indexed by (series, date); numeric columns.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets in the units of the `target` column.

        Returns
        -------
        self : object
            The fitted meta-estimator.
        """
        X = check_panel(X, type(self).__name__)
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.target_ = self._find_target(X, y)
        scaled = self._scaled_columns(X)
        keys = _series_keys(X)
        magnitude = X[list(dict.fromkeys([*scaled, self.target_]))].abs()
        scales = magnitude.groupby(keys, sort=True).mean()
        self.scales_ = scales.where(scales > 0, 1.0).rename_axis(series_name(X.index))
        factors = self._factors(X, keys)
        y_scaled = _divide(y, factors[self.target_].to_numpy())
        self.estimator_ = clone(self.estimator).fit(self._scale(X, factors), y_scaled)
        return self

    def predict(self, X):
        """Predict with the fitted estimator, in the units of ``y``.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Rows with the columns seen in :term:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The estimator's predictions times the scale of each row's
            series.
        """
        check_is_fitted(self)
        X = check_panel(X, type(self).__name__)
        if list(X.columns) != list(self.feature_names_in_):
            raise ValueError(
                f"X has columns {list(X.columns)}, but {type(self).__name__} was fitted on "
                f"{list(self.feature_names_in_)}; expected the same columns in the same order."
            )
        factors = self._factors(X, _series_keys(X))
        y_pred = np.asarray(self.estimator_.predict(self._scale(X, factors)), dtype=np.float64)
        target = factors[self.target_].to_numpy()
        return y_pred * (target if y_pred.ndim == 1 else target[:, np.newaxis])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _find_target(self, X, y):
        if self.target is not None:
            if self.target not in X.columns:
                raise ValueError(
                    f"target={self.target!r} is not a column of X; expected one of "
                    f"{list(X.columns)}."
                )
            return self.target
        names = [y.name] if isinstance(y, pd.Series) else list(getattr(y, "columns", []))
        found = {str(name).rsplit("_t+", 1)[0] for name in names if "_t+" in str(name)}
        if len(found) == 1 and next(iter(found)) in X.columns:
            return next(iter(found))
        if X.shape[1] == 1:
            return X.columns[0]
        raise ValueError(
            f"target=None finds the column of X that y forecasts from y's name "
            f"({names or 'y has none'}) or X's only column, but X has columns "
            f"{list(X.columns)}; pass target= to name the column y is in the units of."
        )

    def _scaled_columns(self, X):
        if self.columns is None:
            return list(X.columns)
        missing = [c for c in self.columns if c not in X.columns]
        if missing:
            raise ValueError(
                f"columns {missing} are not columns of X; expected names among {list(X.columns)}."
            )
        return list(self.columns)

    def _factors(self, X, keys):
        """The scale of each row's series, per column: fitted, or the series' first row."""
        factors = self.scales_.reindex(keys)
        factors.index = X.index
        unseen = factors.isna().any(axis=1).to_numpy()
        if unseen.any():
            first = (
                X.loc[unseen, self.scales_.columns].abs().groupby(keys[unseen]).transform("first")
            )
            factors.loc[unseen] = first.where(first > 0, 1.0).to_numpy()
        return factors

    def _scale(self, X, factors):
        scaled = X.copy()
        columns = [c for c in self.scales_.columns if c in self._scaled_columns(X)]
        scaled[columns] = X[columns].to_numpy() / factors[columns].to_numpy()
        return scaled


def _series_keys(X):
    return pd.Index(X.index.get_level_values(0))


def _divide(y, factors):
    """`y` divided row by row, in its own container."""
    if isinstance(y, (pd.Series, pd.DataFrame)):
        return y.div(factors, axis=0)
    y = np.asarray(y, dtype=np.float64)
    return y / (factors if y.ndim == 1 else factors[:, np.newaxis])
