"""The identity of each row's series, as input columns of a network over many series."""

import numpy as np
import pandas as pd
from sklearn.base import _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import validate_data

from skrnn._appended import AppendedColumnsTransformer
from skrnn._panel import check_panel, series_name


class SeriesEncoder(AppendedColumnsTransformer):
    """Append one column per series of a panel, 1 on the rows of that series.

    A network trained on all series of a panel (a global network) learns
    what they share; given the series' identity as well, it can also learn
    what sets each apart (its level of volatility, its own rhythm). This
    transformer reads each row's series from the first level of the
    (series, date) index of `X` and appends a one-hot column per series seen
    in :term:`fit`, named ``f"{level}_{series}"`` after the index's series
    level. The windows after it carry the identity at every step.

    Whether the network gets it is then an ordinary choice of the pipeline:
    ``GridSearchCV`` compares ``{"seriesencoder": [encoder, "passthrough"]}``
    with ``encoder = SeriesEncoder().set_output(transform="pandas")``: the
    steps after it need the index, so the encoder must output a DataFrame
    (a pipeline's ``set_output`` does not reach the estimators of a grid).

    Parameters
    ----------
    handle_unknown : {"ignore", "error"}, default="ignore"
        What a row of a series not seen in :term:`fit` gets: zeros in every
        identity column (a global network forecasts it from what all series
        share), or a ``ValueError`` naming the series.

    Attributes
    ----------
    categories_ : ndarray of shape (n_series,)
        The series seen in :term:`fit`, in sorted order: the order of the
        columns.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    SeriesScaledRegressor : Makes series of different levels comparable.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn import SeriesEncoder
    >>> index = pd.MultiIndex.from_tuples(
    ...     [("AAPL", "2024-01-02"), ("AAPL", "2024-01-03"), ("IBM", "2024-01-02")],
    ...     names=["Ticker", "date"])
    >>> X = pd.DataFrame({"close": [185.6, 184.3, 158.0]}, index=index)
    >>> SeriesEncoder().set_output(transform="pandas").fit_transform(X)
                       close  Ticker_AAPL  Ticker_IBM
    Ticker date
    AAPL   2024-01-02  185.6          1.0         0.0
           2024-01-03  184.3          1.0         0.0
    IBM    2024-01-02  158.0          0.0         1.0
    """

    _parameter_constraints: dict = {"handle_unknown": [StrOptions({"ignore", "error"})]}

    def __init__(self, *, handle_unknown="ignore"):
        self.handle_unknown = handle_unknown

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the series of the panel.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Rows indexed by (series, date).

        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        labels = check_panel(X, type(self).__name__).index.get_level_values(0)
        validate_data(self, X, reset=True)
        unique = pd.Index(pd.unique(labels))
        try:
            unique = unique.sort_values()
        except TypeError:  # labels of several kinds: the order they come in
            pass
        self.categories_ = unique.to_numpy()
        self._series_name = series_name(X.index)
        return self

    def _appended(self, X):
        labels = check_panel(X, type(self).__name__).index.get_level_values(0)
        codes = pd.Index(self.categories_).get_indexer(labels)
        if self.handle_unknown == "error" and (codes < 0).any():
            raise ValueError(
                f"X has rows of {self._series_name} {labels[codes < 0][0]!r}, which was not "
                f"seen in fit (seen: {list(self.categories_)}); expected known series, or "
                "handle_unknown='ignore'."
            )
        return (codes[:, np.newaxis] == np.arange(len(self.categories_))).astype(np.float64)

    def _appended_names(self):
        return [f"{self._series_name}_{label}" for label in self.categories_]
