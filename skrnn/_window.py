"""Sliding windows over a time-ordered table, one window per row."""

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from skrnn import _panel_window
from skrnn._panel import is_panel
from skrnn._time_labels import check_increasing, day, is_default_index, locate, rows_and_labels


class SlidingWindowTransformer(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Turn each row of a time series into the window of rows that ends at it.

    Row ``t`` of the output holds input rows ``t - window + 1 .. t``, the newest
    step last, so a recurrent regressor reads the recent past of every day. The
    number of rows never changes, which keeps ``y`` aligned inside a scikit-learn
    :class:`~sklearn.pipeline.Pipeline`: steps that reach back before the
    available history are NaN, and the skrnn regressors mask them (the network
    reads a shorter sequence).

    **Fold boundaries get real history.** The transformer keeps the series it
    was fitted on. Rows of that series are windowed from it, and rows after its
    end continue it: the first windows of a
    :class:`~sklearn.model_selection.TimeSeriesSplit` test fold, or of the days
    after the data, take their earlier steps from the end of the fitted
    series, as a forecaster would see them on the day after training. Every
    cross-validated window is then the window cut from the full series.

    **How rows are found: by their time labels.** Prices repeat, so a row is
    never recognised by its values. When `X` is a :class:`pandas.DataFrame`
    or :class:`pandas.Series` with an index, such as the
    :class:`~pandas.DatetimeIndex` of :func:`skrnn.datasets.make_forecast_xy`
    (kept through a scaler by ``set_output(transform="pandas")``), the index
    says which rows these are:

    - labels of fitted rows are those rows: windowed from the fitted series,
      NaN only before its start (their values must be the fitted ones);
    - labels after the fitted series' last label are new rows that continue
      it, in the order given;
    - labels that are unsorted or repeated, before the fitted series' first
      label, or inside the fitted period without being a fitted row are a
      ``ValueError``.

    Without labels (a NumPy array, or a DataFrame with the default index
    ``0 .. n - 1``, which is what pandas and ``set_output`` give rows that had
    no index), one rule applies, whatever the values:

    - an array that begins with the whole fitted series is that series,
      possibly followed by new rows: ``fit(X).transform(X)`` equals
      ``fit_transform(X)``, NaNs included;
    - any other array is new rows after the fitted series (a test fold, or
      the next days).

    So without labels, part of the fitted series (``transform(X[-3:])``) is
    read as three new days. When such an array equals the fitted series'
    last rows, the transformer cannot tell which was meant and warns: pass a
    DataFrame with a time index. An array that repeats the whole fitted
    series value for value is read as that series, never as new rows.

    **Panels: windows within each series.** When `X` is indexed by (series,
    date), as :func:`skrnn.datasets.load_panel_csv` and
    :func:`~skrnn.datasets.make_forecast_xy` give a panel, each series is
    windowed on its own, by the rules above: NaN before its own start, its
    rows found by their dates, new rows continuing its own fitted rows. No
    window reads another series' rows, whatever the order of the rows. A
    series with no fitted rows (one that starts in a test fold) is windowed
    from its own rows; a series may be shorter than the window (its steps
    before its start are NaN), but the window may not be longer than every
    fitted series. A transformer fitted on a panel transforms panels only.

    **A gap between folds.** The transformer cannot tell rows it never saw
    from days without data (weekends, holidays): new rows always continue the
    fitted series directly. With ``TimeSeriesSplit(gap=g)``, the first
    ``window - 1`` windows of a test fold therefore join the last training
    rows to the test rows, skipping the ``g`` rows between them.

    Parameters
    ----------
    window : int, default=5
        Number of time steps in each window (the lecture's ``sequence = 5``).

    continue_series : bool, default=True
        Whether ``transform`` takes history from the fitted series, for rows
        of it or rows that continue it (see above). If False, every call
        windows its rows on their own, with NaN before their first row.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    series_ : ndarray of shape (n_samples, `n_features_in_`), dtype float32
        The fitted series, whose rows window the fitted rows themselves and
        complete the first windows of a continuation (for a panel, the rows
        of all its series, in the order fitted).

    index_ : pandas.Index or None
        The time labels of the fitted rows (the index of the DataFrame or
        Series given to :term:`fit`; a (series, date)
        :class:`~pandas.MultiIndex` for a panel), or None when `X` had none.

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

    With a time index, rows are found by their dates, whatever their values:

    >>> import pandas as pd
    >>> days = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0],
    ...                  index=pd.bdate_range("2024-01-01", periods=7))
    >>> transformer = SlidingWindowTransformer(window=3).fit(days.iloc[:5])
    >>> transformer.transform(days.iloc[5:])[:, :, 0]   # the price did not move
    array([[4., 5., 5.],
           [5., 5., 6.]], dtype=float32)
    >>> transformer.transform(days.iloc[3:5])[:, :, 0]  # two of the fitted days
    array([[2., 3., 4.],
           [3., 4., 5.]], dtype=float32)

    A panel of two series, indexed by (series, date), is windowed within
    each series:

    >>> panel = pd.DataFrame(
    ...     {"close": [1.0, 2.0, 3.0, 10.0, 20.0]},
    ...     index=pd.MultiIndex.from_arrays(
    ...         [["a", "a", "a", "b", "b"], pd.to_datetime(
    ...             ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-02", "2024-01-03"])],
    ...         names=["series", "date"]))
    >>> SlidingWindowTransformer(window=2).fit_transform(panel)[:, :, 0]
    array([[nan,  1.],
           [ 1.,  2.],
           [ 2.,  3.],
           [nan, 10.],
           [10., 20.]], dtype=float32)
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
        """Keep the series and its time labels, the history of later windows.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or Series
            The series, rows in time order. A DataFrame's or Series' index is
            its time labels and must be strictly increasing. NaN and infinite
            values are rejected: a missing price would silently shorten every
            window that contains it.

        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        if is_panel(X):
            return _panel_window.fit(self, X)
        X, index = rows_and_labels(X)
        X = validate_data(self, X, dtype=np.float64, reset=True)
        if self.window > X.shape[0]:
            raise ValueError(
                f"window={self.window} is longer than the series (n_samples="
                f"{X.shape[0]}); expected a window of at most {X.shape[0]} rows."
            )
        if index is not None:
            check_increasing(index, "X")
        self.series_ = X.astype(np.float32)
        self.index_ = index
        return self

    def transform(self, X):
        """Window every row of `X`, keeping the number of rows.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or Series
            Rows in time order: rows of the fitted series, rows that continue
            it, or both (fitted rows first). How they are told apart is
            described in the class documentation.

        Returns
        -------
        X_windows : ndarray of shape (n_samples, window, n_features), dtype float32
            ``X_windows[t, -1]`` is row ``t``; ``X_windows[t, -1 - k]`` is the
            row ``k`` steps earlier, NaN where the history does not reach.
        """
        check_is_fitted(self)
        if _panel_window.fitted_on_panel(self):
            return _panel_window.transform(self, X)
        if is_panel(X):
            raise ValueError(
                "X is a panel indexed by (series, date), but this SlidingWindowTransformer "
                "was fitted on one series; expected rows of that series, or a transformer "
                "fitted on the panel."
            )
        X, labels = rows_and_labels(X)
        rows = validate_data(self, X, dtype=np.float64, reset=False).astype(np.float32)
        if not self.continue_series:
            return cut_windows(rows, np.arange(rows.shape[0]), self.window)
        if labels is not None and not is_default_index(labels) and self.index_ is not None:
            positions, new_rows = self._locate_by_label(labels, rows)
        else:
            positions, new_rows = self._locate_without_labels(rows)
        series = np.concatenate([self.series_, new_rows]) if len(new_rows) else self.series_
        return cut_windows(series, positions, self.window)

    def fit_transform(self, X, y=None):
        """Fit to the series and window its own rows.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or Series
            The series, rows in time order.

        y : None
            Ignored.

        Returns
        -------
        X_windows : ndarray of shape (n_samples, window, n_features), dtype float32
            The windows of `X`, NaN before the start of the series.
        """
        self.fit(X)
        if _panel_window.fitted_on_panel(self):
            return _panel_window.transform(self, X)
        return cut_windows(self.series_, np.arange(self.series_.shape[0]), self.window)

    def set_output(self, *, transform=None):
        """Accept a pipeline's output setting; the windows stay a NumPy array.

        Windows are 3-D, which a DataFrame cannot hold, so the output is an
        array whatever the setting. This method exists so that
        ``Pipeline.set_output(transform="pandas")`` can configure the steps
        before the transformer (a scaler that keeps the time index), and
        ``sklearn.set_config(transform_output="pandas")`` is ignored alike.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            The output container asked for; it does not change the output.

        Returns
        -------
        self : object
            The transformer, unchanged.
        """
        if transform not in (None, "default", "pandas", "polars"):
            raise ValueError(
                f"transform={transform!r} is not an output setting; expected "
                "'default', 'pandas', 'polars' or None."
            )
        return self

    def get_feature_names_out(self, input_features=None):
        """Name the output values, in the order of ``X_windows.reshape(n, -1)``.

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

    def _locate_by_label(self, labels, rows):
        """Positions of labelled rows in the fitted series extended by the new rows."""
        positions, n_fitted = locate(self.index_, labels)
        fitted = positions[:n_fitted]
        differ = np.flatnonzero((rows[:n_fitted] != self.series_[fitted]).any(axis=1))
        if differ.size:
            label = labels[differ[0]]
            raise ValueError(
                f"X's row labelled {day(label)} is a fitted row, but its values "
                f"{rows[differ[0]].tolist()} are not the fitted ones "
                f"{self.series_[fitted[differ[0]]].tolist()}; expected the fitted rows "
                "themselves (the same data, through the same scaler)."
            )
        return positions, rows[n_fitted:]

    def _locate_without_labels(self, rows):
        """Positions of unlabelled rows: the fitted series itself, or new rows after it."""
        fitted = self.series_
        n_fitted, n_rows = fitted.shape[0], rows.shape[0]
        if n_rows >= n_fitted and np.array_equal(rows[:n_fitted], fitted):
            return np.arange(n_rows), rows[n_fitted:]
        if n_rows < n_fitted and np.array_equal(rows, fitted[-n_rows:]):
            warnings.warn(
                f"X's {n_rows} row(s) equal the last {n_rows} row(s) of the fitted "
                "series. Without time labels they are read as new rows after it; if "
                "they are those fitted rows, fit and transform DataFrames indexed by "
                "time (for a pipeline: pipe.set_output(transform='pandas')).",
                UserWarning,
                stacklevel=3,
            )
        return n_fitted + np.arange(n_rows), rows

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


def cut_windows(series, positions, window):
    """The windows ending at `positions` of `series`, NaN before its start."""
    steps = positions[:, np.newaxis] + np.arange(1 - window, 1)
    windows = np.full((*steps.shape, series.shape[1]), np.nan, dtype=np.float32)
    known = steps >= 0
    windows[known] = series[steps[known]]
    return windows
