"""The base of transformers that keep X's columns and append columns read off its index."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data


class AppendedColumnsTransformer(TransformerMixin, BaseEstimator):
    """Pass the columns of `X` through and append columns computed from its index.

    Subclasses (the calendar of the rows' dates, the identity of their
    series) define ``_appended(X)``, the new columns as an array, and
    ``_appended_names()``, their names.
    """

    def transform(self, X):
        """Append the new columns to the columns of `X`.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Rows indexed by date, or by (series, date).

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            The columns of `X`, then the new columns, named by
            :meth:`get_feature_names_out`.
        """
        check_is_fitted(self)
        appended = self._appended(X)
        values = validate_data(self, X, reset=False, dtype=np.float64)
        return np.hstack([values, appended])

    def get_feature_names_out(self, input_features=None):
        """Name the input columns, then the new columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; defaults to `feature_names_in_` or
            ``x0 .. x(n_features_in_ - 1)``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The input names, then the names of the new columns.
        """
        check_is_fitted(self)
        names = [*_check_feature_names_in(self, input_features), *self._appended_names()]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        return tags

    def _appended(self, X):
        raise NotImplementedError

    def _appended_names(self):
        raise NotImplementedError
