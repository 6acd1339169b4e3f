"""Forecasts of the days after the data, with conformal prediction intervals."""

import math
from numbers import Integral, Real

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, _fit_context
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from skrnn._cross_validation import (
    fit_predict,
    longest_window,
    time_ordered_folds,
    trained_series_only,
)
from skrnn._forecast_tables import (
    check_window_labels,
    forecast_table,
    rows_to_forecast_from,
)
from skrnn._panel import check_panel, is_panel, is_panel_index, series_groups, series_name
from skrnn._panel_forecast import panel_forecast_table, panel_rows_to_forecast_from, series_ends
from skrnn._time_labels import check_dated, locate
from skrnn._validation import check_horizons


class ConformalForecaster(MetaEstimatorMixin, RegressorMixin, BaseEstimator):
    """Forecast the days after the data, with intervals from out-of-sample errors.

    Wraps a forecasting pipeline (for example ``MinMaxScaler ->
    SlidingWindowTransformer -> LSTMRegressor``, or the naive forecast
    :class:`~skrnn.PersistenceRegressor` in the same pipeline) trained on the
    pairs of :func:`~skrnn.datasets.make_forecast_xy`, and gives its
    forecasts of the days after a frame's last date, dated, with prediction
    intervals at the levels asked for (:meth:`forecast`).

    **Out-of-sample errors.** :meth:`fit` trains a clone of the pipeline on
    each training fold of ``TimeSeriesSplit(cv)`` and records its errors on
    the test fold, days it never saw; then it trains the pipeline on all
    rows. An interval at level 80 is the forecast plus or minus the 80 %
    quantile of those errors (split conformal prediction on time-series
    folds, one quantile per horizon).

    **Scaled by the volatility.** Each error is divided by the volatility of
    its day, the root of an exponentially weighted mean of the squared
    day-to-day changes of column `feature` (half-life
    `volatility_halflife` rows), which is known on the day the forecast is
    made; an interval is the quantile times today's volatility. It widens in
    turbulent weeks and narrows in calm ones: intervals of constant width,
    calibrated on calm years, cover far less than they promise in a
    turbulent one.

    **Adapted on the days after training.** On the days after the training
    end (the rows of `X` in :meth:`predict_interval`, the frame in
    :meth:`forecast`), the width of each interval follows how the earlier
    ones did, once their day has come: a miss widens the next ones, a hit
    narrows them by a little, at the rate `adapt_rate` (quantile tracking
    [2]_, on the logarithm of the scaled errors). This keeps the share of
    hits close to the level when the market changes character;
    ``adapt_rate=0`` turns it off.

    The coverage measured on the bundled S&P 500 data is in the user guide.
    Each interval covers its own day; the path of several days as a whole is
    covered less often.

    **Direct forecasts.** A pipeline trained on ``make_forecast_xy(frame,
    horizon=[1, 2, 3, 4, 5])`` has one output per horizon, and each output
    is that horizon's forecast from the same day: the direct strategy, no
    forecast is fed back as an input. The forecaster reaches exactly the
    horizons the pipeline was trained for, and no further.

    **Panels.** With `X` indexed by (series, date), as
    :func:`~skrnn.datasets.make_forecast_xy` pairs a panel, the folds split
    by date (an int `cv` is :class:`~skrnn.model_selection.PanelSplit`), the
    volatility and the adaptation run within each series, and the scaled
    errors of all series make one set of quantiles per horizon: divided by
    its own series' volatility, an error is free of that series' scale.
    :meth:`forecast` forecasts each series from its own last day. A series
    with fewer training rows in a fold than the pipeline's longest window
    plus 2 (one that starts late in a ragged panel) sits that fold out, in
    its training and its test rows.

    Parameters
    ----------
    estimator : estimator
        The forecasting pipeline, unfitted or fitted (it is cloned). Its input
        is `X` as :func:`~skrnn.datasets.make_forecast_xy` returns it, a
        DataFrame indexed by date; a :class:`~skrnn.SlidingWindowTransformer`
        in it must receive those dates (``pipe.set_output(transform="pandas")``),
        so that the first new day continues the training days. A fitted
        search's ``best_estimator_`` is the tuned pipeline.

    horizon : int or list of int, default=1
        The horizon(s) of ``y``, as given to
        :func:`~skrnn.datasets.make_forecast_xy`: an int for a 1-D ``y``, a
        list for one column of ``y`` per horizon.

    cv : int or cross-validation generator, default=5
        The folds whose test rows give the out-of-sample errors: an int is
        ``TimeSeriesSplit(n_splits=cv)`` (for a panel,
        ``PanelSplit(n_splits=cv)``). Every test row must come after every
        training row of its fold, and no row may be tested twice.

    volatility_halflife : float or None, default=10
        Half-life, in rows, of the exponentially weighted volatility that
        scales the errors (10 trading days is close to RiskMetrics' daily
        decay of 0.94). None leaves the errors unscaled: intervals of
        constant width.

    adapt_rate : float, default=0.05
        Step of the adaptation on the days after training: an interval at
        level ``p`` (in percent) that missed multiplies the width of the
        later ones of its horizon and level by ``exp(adapt_rate * p / 100)``,
        one that held by ``exp(-adapt_rate * (1 - p / 100))``; the two balance
        when the share of hits is ``p``. 0 keeps the widths calibrated at fit.
        With a positive rate, ``y`` must be column `feature` of `X`
        ``horizon`` rows later, as :func:`~skrnn.datasets.make_forecast_xy`
        pairs them, since the hits are read from that column.

    feature : int or str, default=0
        The column of `X` (position or name) that ``y`` forecasts: its
        day-to-day changes measure the volatility, and its later values tell
        whether an interval held. It is the first column of the `X` of
        :func:`~skrnn.datasets.make_forecast_xy` by default.

    n_jobs : int or None, default=None
        Fits of the folds and of the final pipeline run in parallel: None
        means 1 unless in a :func:`joblib.parallel_config` context, -1 one
        per core.

    Attributes
    ----------
    estimator_ : estimator
        The pipeline trained on all rows; it makes the forecasts.

    horizons_ : list of int
        The horizons of the outputs, in order.

    conformity_scores_ : ndarray of shape (n_calibration, n_horizons)
        The out-of-sample errors in absolute value, each divided by the
        volatility of its day (or unscaled with ``volatility_halflife=None``).

    residuals_ : pandas.DataFrame of shape (n_calibration, n_horizons)
        The out-of-sample errors ``y - forecast`` in ``y``'s units, indexed
        by the date of the row, one column per horizon.

    training_end_ : pandas.Timestamp or pandas.Period
        The last date of the training rows (of all series, for a panel).
        Forecasts need a frame that contains it (each series' own last
        training day, for a panel).

    n_features_in_ : int
        Number of columns of `X` seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns of `X` seen during :term:`fit`.

    See Also
    --------
    skrnn.forecasting.forecast : Dated point forecasts from any fitted pipeline or search.
    save_model : Keep the fitted forecaster in one file.

    References
    ----------
    .. [1] J. Lei, M. G'Sell, A. Rinaldo, R. J. Tibshirani, L. Wasserman,
       "Distribution-free predictive inference for regression", Journal of
       the American Statistical Association 113 (2018): split conformal
       prediction, and errors scaled by a local spread.
    .. [2] A. N. Angelopoulos, E. J. Candès, R. J. Tibshirani, "Conformal PID
       control for time series prediction", Advances in Neural Information
       Processing Systems 36 (2023).

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from skrnn import PersistenceRegressor, SlidingWindowTransformer
    >>> from skrnn.datasets import load_sp500, make_forecast_xy
    >>> from skrnn.forecasting import ConformalForecaster
    >>> frame = load_sp500().iloc[-500:]
    >>> X, y = make_forecast_xy(frame, horizon=[1, 2, 3])
    >>> naive = make_pipeline(
    ...     MinMaxScaler(), SlidingWindowTransformer(window=5), PersistenceRegressor()
    ... ).set_output(transform="pandas")
    >>> forecaster = ConformalForecaster(naive, horizon=[1, 2, 3]).fit(X, y)
    >>> forecaster.conformity_scores_.shape   # 5 test folds of 82 rows
    (410, 3)
    >>> table = forecaster.forecast(frame, level=[80, 95])
    >>> table.index.strftime("%a %Y-%m-%d").tolist()  # business days after 2018-12-31
    ['Tue 2019-01-01', 'Wed 2019-01-02', 'Thu 2019-01-03']
    >>> list(table.columns)
    ['horizon', 'forecast', 'lower_80', 'upper_80', 'lower_95', 'upper_95']
    >>> table["forecast"].tolist()   # the naive forecast: the last close
    [2506.85, 2506.85, 2506.85]
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "horizon": [Interval(Integral, 1, None, closed="left"), list, tuple, np.ndarray],
        "cv": ["cv_object"],
        "volatility_halflife": [Interval(Real, 0, None, closed="neither"), None],
        "adapt_rate": [Interval(Real, 0, 1, closed="both")],
        "feature": [Interval(Integral, None, None, closed="neither"), str],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        estimator,
        *,
        horizon=1,
        cv=5,
        volatility_halflife=10,
        adapt_rate=0.05,
        feature=0,
        n_jobs=None,
    ):
        self.estimator = estimator
        self.horizon = horizon
        self.cv = cv
        self.volatility_halflife = volatility_halflife
        self.adapt_rate = adapt_rate
        self.feature = feature
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Record out-of-sample errors on time-series folds, then train on all rows.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            The inputs, one row per day in time order, indexed by date (a
            :class:`~pandas.DatetimeIndex` or :class:`~pandas.PeriodIndex`),
            or by (series, date) for a panel, as
            :func:`~skrnn.datasets.make_forecast_xy` returns them.

        y : Series of shape (n_samples,) or DataFrame of shape (n_samples, n_horizons)
            The targets, one column per horizon of `horizon`.

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        horizons, single = check_horizons(self.horizon)
        panel = is_panel(X)
        if panel:
            check_panel(X, type(self).__name__)
        else:
            check_dated(X, "X")
        validate_data(self, X, skip_check_array=True, reset=True)
        targets = _check_targets(y, X, horizons, single)
        values = self._feature_values(X)
        if not np.isfinite(values).all():
            raise ValueError(
                f"column {self._feature_name(X)!r} of X (feature={self.feature!r}) holds "
                "NaN or infinite values; expected finite prices."
            )
        if self.adapt_rate > 0:
            self._check_target_is_feature(X, values, targets, horizons)
        folds = time_ordered_folds(self.cv, X)
        if panel:
            # A series with too few rows before a fold's boundary sits that fold out.
            folds = trained_series_only(folds, X.index, longest_window(self.estimator) + 2)
        tasks = [delayed(fit_predict)(self.estimator, X, y, train, test) for train, test in folds]
        tasks.append(delayed(fit_predict)(self.estimator, X, y, np.arange(len(X))))
        *fold_predictions, estimator = Parallel(n_jobs=self.n_jobs)(tasks)
        check_window_labels(estimator)

        tested = np.concatenate([test for _, test in folds])
        predicted = np.concatenate([p.reshape(len(p), -1) for p in fold_predictions])
        if predicted.shape[1] != len(horizons):
            raise ValueError(
                f"the estimator predicts {predicted.shape[1]} output(s) per row, but "
                f"horizon={self.horizon!r} has {len(horizons)}; expected one output per horizon."
            )
        residuals = targets[tested] - predicted
        scale = self._volatility(X.index, values)[tested]
        usable = np.isfinite(scale) & (scale > 0)
        if not usable.any():
            raise ValueError(
                "no out-of-sample error can be scaled by the volatility: column "
                f"{self._feature_name(X)!r} of X never changes on the test folds' days; "
                "use volatility_halflife=None for unscaled errors."
            )
        self.estimator_ = estimator
        self.horizons_ = horizons
        self._single = single
        self.residuals_ = pd.DataFrame(
            residuals[usable], index=X.index[tested[usable]], columns=horizons
        ).rename_axis(columns="horizon")
        self.conformity_scores_ = np.abs(residuals[usable]) / scale[usable, np.newaxis]
        self.training_end_ = max(X.index.get_level_values(1)) if panel else X.index[-1]
        self._index = X.index
        self._values = values
        return self

    def predict(self, X):
        """The forecasts of the rows of `X` by the pipeline trained on all rows.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Inputs as in :meth:`fit`: training rows, rows after them, or both.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_horizons)
            Forecasts in ``y``'s units, shaped like ``y``.
        """
        check_is_fitted(self)
        return self.estimator_.predict(X)

    def predict_interval(self, X, level=(80, 95)):
        """Forecast the rows of `X` with their prediction intervals.

        The interval of a day after the training end uses what is known on
        that day: the volatility up to it, and (with ``adapt_rate > 0``)
        whether the intervals of the earlier days after the training end
        held, for those whose forecast day has come (see ``adapt_rate``).

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            Inputs indexed by date, as in :meth:`fit`: training rows, the rows
            that follow them, or both, in time order. Rows after the training
            end continue the training rows directly, as in
            :class:`~skrnn.SlidingWindowTransformer`.

        level : float or sequence of float, default=(80, 95)
            Confidence levels in percent, each strictly between 0 and 100.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_horizons)
            Forecasts, shaped like ``y``.

        y_interval : ndarray of shape (n_samples, 2, n_levels) or \
(n_samples, n_horizons, 2, n_levels)
            ``y_interval[..., 0, k]`` and ``y_interval[..., 1, k]`` are the lower
            and upper bounds at ``level[k]``.
        """
        check_is_fitted(self)
        levels = _check_levels(level)
        quantiles = self._quantiles(levels)
        y_pred = np.asarray(self.predict(X), dtype=np.float64)
        center = y_pred.reshape(len(y_pred), -1)
        scale, factor = np.empty(len(X)), np.ones((len(X), *quantiles.shape))
        if is_panel_index(self._index):
            check_panel(X, type(self).__name__)
            fitted = dict(series_groups(self._index))
            for label, rows in series_groups(X.index):
                own = fitted.get(label, [])
                scale[rows], factor[rows] = self._widths(
                    self._index[own].droplevel(0) if len(own) else None,
                    self._values[own],
                    X.iloc[rows].droplevel(0),
                    center[rows],
                    quantiles,
                    levels,
                )
        else:
            check_dated(X, "X")
            scale, factor = self._widths(self._index, self._values, X, center, quantiles, levels)
        half_width = quantiles * factor * scale[:, None, None]
        y_interval = np.stack([center[..., None] - half_width, center[..., None] + half_width], 2)
        return y_pred, (y_interval[:, 0] if self._single else y_interval)

    def forecast(self, frame, *, level=None, freq=None):
        """Forecast the days after the frame's last date, dated, with intervals.

        Parameters
        ----------
        frame : DataFrame
            The prices up to today, indexed by date (by (series, date) for a
            panel): the columns the forecaster was fitted on (others are
            ignored), from the last training day (`training_end_`; each
            series' own, for a panel) or earlier to the last known day. Days after the
            training end continue the training series, as new data would, and
            adapt the intervals (see ``adapt_rate``).

        level : float, sequence of float or None, default=None
            Confidence levels in percent (e.g. ``[80, 95]``); None gives the
            forecasts alone.

        freq : str, DateOffset or None, default=None
            The step between forecast dates. None takes the frame index's own
            ``freq`` when it has one, else business days
            (:class:`~pandas.tseries.offsets.BusinessDay`), which do not know holidays: pass
            a :class:`~pandas.tseries.offsets.CustomBusinessDay` with the exchange's
            holidays to skip them.

        Returns
        -------
        forecasts : DataFrame
            One row per horizon, indexed by the forecast date: ``horizon`` (rows
            after the frame's last date), ``forecast``, and ``lower_<level>``
            and ``upper_<level>`` for each level. For a panel, one row per
            series and horizon, indexed by (series, forecast date), each
            series forecast from its own last date.
        """
        check_is_fitted(self)
        panel = is_panel_index(self._index)
        if panel:
            ends = series_ends(self._index)
            rows = panel_rows_to_forecast_from(frame, self.feature_names_in_, ends)
        else:
            rows = rows_to_forecast_from(frame, self.feature_names_in_, self.training_end_)
        if level is None:
            point, bounds, levels = np.asarray(self.predict(rows), dtype=np.float64), None, []
        else:
            levels = _check_levels(level)
            point, bounds = self.predict_interval(rows, levels)
            bounds = bounds.reshape(len(rows), len(self.horizons_), 2, len(levels))
        if panel:
            return panel_forecast_table(rows.index, self.horizons_, point, bounds, levels, freq)
        return forecast_table(
            frame.index, self.horizons_, point, None if bounds is None else bounds[-1], levels, freq
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    # -- private helpers -------------------------------------------------------

    def _feature_name(self, X):
        return self.feature if isinstance(self.feature, str) else X.columns[self.feature]

    def _feature_values(self, X):
        if isinstance(self.feature, str):
            if self.feature not in X.columns:
                raise ValueError(
                    f"feature={self.feature!r} is not a column of X; expected one of "
                    f"{list(X.columns)}."
                )
            column = X[self.feature]
        else:
            if not -X.shape[1] <= self.feature < X.shape[1]:
                raise ValueError(
                    f"feature={self.feature} is out of range for X with {X.shape[1]} column(s)."
                )
            column = X.iloc[:, self.feature]
        return column.to_numpy(dtype=np.float64, na_value=np.nan)

    def _check_target_is_feature(self, X, values, targets, horizons):
        """The hits of the adaptation are read from `feature`: it must be what y forecasts
        (within each series, for a panel)."""
        groups = series_groups(X.index) if is_panel(X) else [(None, np.arange(len(X)))]
        for label, rows in groups:
            own, later = values[rows], targets[rows]
            for j, h in enumerate(horizons):
                if h < len(own) and not np.array_equal(later[:-h, j], own[h:]):
                    where = "" if label is None else f" in {series_name(X.index)} {label!r}"
                    raise ValueError(
                        f"y is not column {self._feature_name(X)!r} of X {h} row(s) "
                        f"later{where}, so the adaptation cannot tell whether an interval "
                        "held; expected the pairs of make_forecast_xy with feature= the "
                        "target column, or adapt_rate=0."
                    )

    def _volatility(self, index, values):
        """The volatility of each row, within its own series for a panel."""
        if not is_panel_index(index):
            return _volatility(values, self.volatility_halflife)
        scale = np.empty(len(values))
        for _, rows in series_groups(index):
            scale[rows] = _volatility(values[rows], self.volatility_halflife)
        return scale

    def _widths(self, fitted_index, fitted_values, X, center, quantiles, levels):
        """The volatility and the adaptation factor of each row of one series' `X`
        (indexed by date), continuing its fitted rows (None: a series not fitted)."""
        if fitted_index is None:
            positions, series = np.arange(len(X)), self._feature_values(X)
            n_fitted_values = 0
        else:
            positions, n_fitted = locate(fitted_index, X.index)
            series = np.concatenate([fitted_values, self._feature_values(X)[n_fitted:]])
            n_fitted_values = len(fitted_values)
        scale = _volatility(series, self.volatility_halflife)[positions]
        factor = np.ones((len(X), *quantiles.shape))
        n_new = int(np.sum(positions >= n_fitted_values))
        if n_new and self.adapt_rate > 0:
            factor[-n_new:] = self._adapted_factors(
                center[-n_new:], scale[-n_new:], series[-n_new:], quantiles, levels
            )
        return scale, factor

    def _quantiles(self, levels):
        """Conformal quantiles of the scores, shape (n_horizons, n_levels)."""
        n = len(self.conformity_scores_)
        # The ceil((n + 1) * level)-th smallest score; the tolerance keeps an exact
        # product such as 20 * 0.95 from rounding up.
        ranks = [math.ceil((n + 1) * level / 100 - 1e-9) for level in levels]
        if max(ranks) > n:
            needed = math.ceil(max(levels) / (100 - max(levels)) - 1e-9)
            raise ValueError(
                f"a {max(levels):g} % interval needs at least {needed} out-of-sample "
                f"errors, and the forecaster has {n}; lower the level, or fit on more rows."
            )
        ordered = np.sort(self.conformity_scores_, axis=0)
        return ordered[np.array(ranks) - 1].T

    def _adapted_factors(self, center, scale, values, quantiles, levels):
        """Quantile tracking over the new rows, in time order: the factor of each row.

        The forecast made on new row ``s`` for horizon ``h`` comes true on row
        ``s + h``; from that row on, a miss multiplies the factor of that
        horizon and level by ``exp(rate * level)``, a hit by
        ``exp(-rate * (1 - level))`` (levels as fractions), which balance when
        the share of hits is the level.
        """
        coverage = np.array(levels) / 100
        horizons = np.asarray(self.horizons_)
        rows = np.arange(len(horizons))
        log_factor = np.zeros(quantiles.shape)
        used = np.empty((len(center), *quantiles.shape))
        lower, upper = np.empty_like(used), np.empty_like(used)
        for t in range(len(center)):
            made = t - horizons  # the row whose forecast of each horizon comes true today
            due = made >= 0
            if due.any():
                j, s = rows[due], made[due]
                missed = (values[t] < lower[s, j]) | (values[t] > upper[s, j])
                log_factor[j] += self.adapt_rate * (missed - (1 - coverage))
            used[t] = np.exp(log_factor)
            half = quantiles * used[t] * scale[t]
            lower[t], upper[t] = center[t][:, None] - half, center[t][:, None] + half
        return used


def _volatility(values, halflife):
    """Root of the exponentially weighted mean of squared day-to-day changes, per row.

    Row ``t`` uses the changes up to row ``t`` only (NaN at row 0, which has none).
    """
    if halflife is None:
        return np.ones(len(values))
    changes = np.diff(values, prepend=np.nan)
    return np.sqrt(pd.Series(changes**2).ewm(halflife=halflife).mean().to_numpy())


def _check_targets(y, X, horizons, single):
    """`y` as a 2-D float array, checked against `X` and the horizons."""
    values = np.asarray(y, dtype=np.float64)
    if values.ndim not in (1, 2) or len(values) != len(X):
        raise ValueError(f"y has shape {values.shape}; expected {len(X)} rows (one per row of X).")
    expected = "a 1-D y" if single else f"a y with {len(horizons)} column(s)"
    if (values.ndim == 1) != single or (values.ndim == 2 and values.shape[1] != len(horizons)):
        raise ValueError(
            f"y has shape {values.shape}, but horizon={horizons[0] if single else horizons} "
            f"expects {expected}, as make_forecast_xy gives for the same horizon."
        )
    if not np.isfinite(values).all():
        raise ValueError("y holds NaN or infinite values; expected finite targets.")
    return values.reshape(len(values), -1)


def _check_levels(level):
    """The confidence levels as a list of floats strictly between 0 and 100."""
    levels = [level] if np.ndim(level) == 0 else list(level)
    if not levels:
        raise ValueError("level is empty; expected one or more levels in percent, e.g. [80, 95].")
    for value in levels:
        if (
            isinstance(value, (bool, np.bool_))
            or not isinstance(value, Real)
            or not 0 < value < 100
        ):
            raise ValueError(
                f"level {value!r} is not a percentage strictly between 0 and 100; "
                "expected e.g. level=[80, 95]."
            )
    return [float(value) for value in levels]
