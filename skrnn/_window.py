"""Sliding windows over a time-ordered table, one window per row."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data


class SlidingWindowTransformer(TransformerMixin, BaseEstimator):
    """Turn each row of a time series into the window of rows that ends at it.

    Row ``t`` of the output holds input rows ``t - window + 1 .. t``, the newest
    step last, so a recurrent regressor reads the recent past of every day. The
    number of rows never changes, which keeps ``y`` aligned inside a scikit-learn
    :class:`~sklearn.pipeline.Pipeline`: steps that reach back before the
    available history are NaN, and the skrnn regressors mask them (the network
    reads a shorter sequence).

    **Fold boundaries get real history.** The transformer remembers the series
    it was fitted on:

    - ``transform(X)`` on rows of the fitted series (in-sample prediction,
      ``fit(X).transform(X)``, or the last days of the training period) gives
      the windows cut from the fitted series: ``fit(X).transform(X)`` equals
      ``fit_transform(X)``, NaNs included, and ``transform(X[-3:])`` equals
      ``fit_transform(X)[-3:]``. Rows that start inside the fitted series and
      run past its end are treated the same way;
    - ``transform(X)`` on any other rows treats them as the continuation of the
      fitted series: the first windows take their earlier steps from the end of
      the fitted series. For the test fold of a
      :class:`~sklearn.model_selection.TimeSeriesSplit`, this makes every window
      equal to the window cut from the full series, as a forecaster would see it
      on the day after training.

    Rows are recognised by their values: a block of `X` equal to a block of the
    fitted rows is taken to be those rows. Two consequences to know. With
    ``TimeSeriesSplit(gap=g)`` and ``g > 0``, the test fold does not follow the
    training fold directly, so its first ``window - 1`` windows join the last
    training rows to the test rows and skip the ``g`` rows in between. Data that
    does not continue the fitted series (an unrelated series) is windowed as if
    it did; use ``continue_series=False``, or ``fit_transform`` on that data, to
    window it on its own.

    Parameters
    ----------
    window : int, default=5
        Number of time steps in each window (the lecture's ``sequence = 5``).

    continue_series : bool, default=True
        Whether ``transform`` takes history from the fitted series, for rows
        of it or rows that continue it (see above). If False, every call
        windows its rows on their own.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    history_ : ndarray of shape (min(window - 1, n_samples), `n_features_in_`)
        The last rows of the fitted series, the history that completes the
        first windows of a continuation.

    See Also
    --------
    LSTMRegressor : A regressor that reads these windows.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import SlidingWindowTransformer
    >>> X = np.arange(6.0).reshape(-1, 1)
    >>> windows = SlidingWindowTransformer(window=3).fit_transform(X)
    >>> windows.shape
    (6, 3, 1)
    >>> windows[:3, :, 0]
    array([[nan, nan,  0.],
           [nan,  0.,  1.],
           [ 0.,  1.,  2.]], dtype=float32)

    A continuation takes its first steps from the fitted series:

    >>> continued = SlidingWindowTransformer(window=3).fit(X[:4]).transform(X[4:])
    >>> continued[:, :, 0]
    array([[2., 3., 4.],
           [3., 4., 5.]], dtype=float32)
    """

    _parameter_constraints: dict = {
        "window": [Interval(Integral, 1, None, closed="left")],
        "continue_series": ["boolean"],
    }

    def __init__(self, window=5, *, continue_series=True):
        self.window = window
        self.continue_series = continue_series

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Remember the end of the series, the history of its continuation.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The series, rows in time order. NaN and infinite values are
            rejected: a missing price would silently shorten every window
            that contains it.

        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        X = validate_data(self, X, dtype=np.float64, reset=True)
        if self.window > X.shape[0]:
            raise ValueError(
                f"window={self.window} is longer than the series (n_samples="
                f"{X.shape[0]}); expected a window of at most {X.shape[0]} rows."
            )
        self.history_ = X[X.shape[0] - min(self.window - 1, X.shape[0]) :].copy()
        self._fitted_rows = X.copy()
        return self

    def transform(self, X):
        """Window every row of `X`, keeping the number of rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows in time order: the fitted rows themselves, or rows that
            continue the fitted series.

        Returns
        -------
        X_windows : ndarray of shape (n_samples, window, n_features), dtype float32
            ``X_windows[t, -1]`` is row ``t``; ``X_windows[t, -1 - k]`` is the
            row ``k`` steps earlier, NaN where the history does not reach.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if not self.continue_series:
            return _windows(X, self.window, history=None)
        start = _position_in(self._fitted_rows, X)
        if start is None:  # rows after the fitted series
            return _windows(X, self.window, history=self.history_)
        history = self._fitted_rows[max(0, start - self.window + 1) : start]
        return _windows(X, self.window, history=history)

    def fit_transform(self, X, y=None):
        """Fit to the series and window its own rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The series, rows in time order.

        y : None
            Ignored.

        Returns
        -------
        X_windows : ndarray of shape (n_samples, window, n_features), dtype float32
            The windows of `X`, NaN before the start of the series.
        """
        return self.fit(X).transform(X)

    def get_feature_names_out(self, input_features=None):
        """Names of the output values, in the order of ``X_windows.reshape(n, -1)``.

        Step-major: all features of the oldest step first. The newest step is
        named ``<feature>_lag0``, the one before ``<feature>_lag1``, and so on.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; defaults to `feature_names_in_` or
            ``x0 .. x(n_features_in_ - 1)``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``window * n_features_in_`` names.
        """
        check_is_fitted(self)
        names = self._input_names(input_features)
        return np.asarray(
            [f"{name}_lag{lag}" for lag in range(self.window - 1, -1, -1) for name in names],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Windows are float32, Keras' own float type, whatever the input.
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    def _input_names(self, input_features):
        fitted = getattr(self, "feature_names_in_", None)
        if input_features is None:
            if fitted is not None:
                return list(fitted)
            return [f"x{i}" for i in range(self.n_features_in_)]
        input_features = list(input_features)
        if len(input_features) != self.n_features_in_:
            raise ValueError(
                f"input_features has {len(input_features)} names, but "
                f"{self.n_features_in_} features were seen in fit."
            )
        if fitted is not None and input_features != list(fitted):
            raise ValueError(
                "input_features is not equal to feature_names_in_: "
                f"got {input_features}, expected {list(fitted)}."
            )
        return input_features


def _windows(X, window, history):
    """Windows of `X`, completed from `history` (earlier rows) where given."""
    n_history = 0 if history is None else history.shape[0]
    n_features = X.shape[1]
    # Pad so that every window can be cut: NaN where nothing earlier is known.
    padded = np.full((window - 1 + X.shape[0], n_features), np.nan, dtype=np.float32)
    if n_history:
        padded[window - 1 - n_history : window - 1] = history
    padded[window - 1 :] = X
    view = np.lib.stride_tricks.sliding_window_view(padded, window, axis=0)
    # sliding_window_view puts the window last: (n_samples, n_features, window).
    return np.ascontiguousarray(view.transpose(0, 2, 1))


def _position_in(fitted, X):
    """Where `X` starts in the fitted rows, following them while both last; or None."""
    candidates = np.flatnonzero((fitted == X[0]).all(axis=1)) if len(X) else []
    for start in candidates:
        overlap = min(len(X), len(fitted) - start)
        if np.array_equal(fitted[start : start + overlap], X[:overlap]):
            return int(start)
    return None
