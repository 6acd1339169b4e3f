"""Is one forecast really more accurate than another? The Diebold-Mariano test."""

from numbers import Integral
from typing import NamedTuple

import numpy as np
from scipy import stats
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

_LOSSES = {"squared": np.square, "absolute": np.abs}


class DieboldMarianoResult(NamedTuple):
    """What :func:`diebold_mariano` returns."""

    statistic: float
    """The test statistic, with the small-sample correction; negative when the
    forecast's mean loss is lower than the reference's."""

    pvalue: float
    """The p-value of the statistic under the `alternative` asked for."""

    mean_loss_difference: float
    """Mean over the rows of the forecast's loss minus the reference's."""


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "y_reference": ["array-like"],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "loss": [StrOptions(set(_LOSSES))],
        "alternative": [StrOptions({"two-sided", "less", "greater"})],
    },
    prefer_skip_nested_validation=True,
)
def diebold_mariano(
    y_true, y_pred, y_reference, *, horizon=1, loss="squared", alternative="two-sided"
):
    """Test whether a forecast is more accurate than a reference forecast.

    The Diebold-Mariano test (Diebold and Mariano, 1995) with the small-sample
    correction of Harvey, Leybourne and Newbold (1997). It asks whether the
    mean of the loss differences ``d[t] = L(y_true[t] - y_pred[t]) -
    L(y_true[t] - y_reference[t])`` over the ``n`` rows is zero. Forecasts
    ``horizon`` steps ahead have errors that overlap for up to ``horizon - 1``
    steps, so the variance of the mean is the long-run variance of ``d``: its
    autocovariances up to lag ``horizon - 1`` with equal weights (Diebold and
    Mariano's estimator). The statistic ``mean(d) / sqrt(variance / n)`` is
    multiplied by ``sqrt((n + 1 - 2 h + h (h - 1) / n) / n)`` and compared
    with Student's t distribution with ``n - 1`` degrees of freedom, as Harvey
    et al. recommend. For ``horizon=1`` this equals a one-sample t test of
    ``d``.

    The rows must be consecutive forecasts in time order (a test period), each
    forecast made ``horizon`` steps before the value it forecasts.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        What happened.

    y_pred : array-like of shape (n_samples,)
        The forecast under test, for example a network's.

    y_reference : array-like of shape (n_samples,)
        The forecast it is compared with, for example the naive forecast.

    horizon : int, default=1
        How many steps ahead both forecasts were made; at most ``n_samples - 1``.

    loss : {"squared", "absolute"}, default="squared"
        The loss of one error: its square (the loss RMSE summarises) or its
        absolute value (MAE's).

    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        The alternative hypothesis about the mean loss difference. "less": the
        forecast is more accurate than the reference (lower expected loss);
        "greater": less accurate; "two-sided": either.

    Returns
    -------
    result : DieboldMarianoResult
        A named tuple ``(statistic, pvalue, mean_loss_difference)`` of floats.

    Raises
    ------
    ValueError
        If the arrays are not 1-D, differ in length, hold NaN or infinite
        values, if `horizon` is not below their length, or if the loss
        differences have no variance (for example identical forecasts, whose
        difference no test can judge) or a long-run variance that is not
        positive.

    See Also
    --------
    theil_u2 : How much lower the forecast's RMSE is than the naive one's.
    PersistenceRegressor : The naive forecast, the usual reference.

    References
    ----------
    .. [1] F. X. Diebold and R. S. Mariano, "Comparing predictive accuracy",
       Journal of Business & Economic Statistics 13(3), 253-263, 1995.
    .. [2] D. Harvey, S. Leybourne and P. Newbold, "Testing the equality of
       prediction mean squared errors", International Journal of Forecasting
       13(2), 281-291, 1997.

    Examples
    --------
    A forecast that is off by 0.5 each day, against one that is off by 1 or 2:

    >>> from skrnn import diebold_mariano
    >>> y_true = [10.0, 11.0, 12.0, 11.0, 13.0, 14.0, 13.0, 15.0]
    >>> y_pred = [10.5, 10.5, 12.5, 11.5, 12.5, 14.5, 12.5, 15.5]
    >>> y_naive = [9.0, 10.0, 11.0, 12.0, 11.0, 13.0, 14.0, 13.0]
    >>> result = diebold_mariano(y_true, y_pred, y_naive, alternative="less")
    >>> round(result.statistic, 3), round(result.pvalue, 4)
    (-3.055, 0.0092)
    >>> result.mean_loss_difference
    -1.5
    """
    arrays = {
        name: _as_series(name, values)
        for name, values in (("y_true", y_true), ("y_pred", y_pred), ("y_reference", y_reference))
    }
    lengths = {name: values.size for name, values in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"y_true, y_pred and y_reference must have the same length; got {lengths}."
        )
    n = lengths["y_true"]
    if horizon >= n:
        raise ValueError(
            f"horizon={horizon} needs more than {horizon} forecasts (its errors overlap "
            f"for {horizon - 1} steps); got n_samples={n}."
        )
    truth = arrays["y_true"]
    error = _LOSSES[loss]
    d = error(truth - arrays["y_pred"]) - error(truth - arrays["y_reference"])
    return loss_difference_test(d, horizon, alternative, f"{loss} losses")


def loss_difference_test(d, horizon, alternative, what="losses"):
    """The Diebold-Mariano test of the loss differences `d` (at least ``horizon +
    1`` of them, in time order): a ValueError when it is undefined."""
    n = d.size
    mean = float(d.mean())
    centred = d - mean
    if not np.any(centred):
        raise ValueError(
            f"the two forecasts' {what} differ by the same amount ({mean:.6g}) on "
            "every row (identical forecasts differ by 0), so their difference has no "
            "variance and the test is undefined."
        )
    autocovariances = [centred[lag:] @ centred[: n - lag] / n for lag in range(horizon)]
    variance = autocovariances[0] + 2 * sum(autocovariances[1:])
    if not variance > 0:
        raise ValueError(
            f"the long-run variance of the loss differences up to lag {horizon - 1} is "
            f"{variance:.6g}, not positive (their autocovariances at lags 1 to "
            f"{horizon - 1} are strongly negative), so the test is undefined for "
            f"horizon={horizon} on these {n} rows."
        )
    correction = np.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)
    statistic = float(mean / np.sqrt(variance / n) * correction)
    t = stats.t(df=n - 1)
    if alternative == "less":
        pvalue = t.cdf(statistic)
    elif alternative == "greater":
        pvalue = t.sf(statistic)
    else:
        pvalue = 2 * t.sf(abs(statistic))
    return DieboldMarianoResult(statistic, float(pvalue), mean)


def _as_series(name, values):
    """`values` as a 1-D float64 array of finite numbers, or a ValueError naming `name`."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold numbers; got {values!r:.60}.") from None
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (n_samples,), one forecast series at a time; got shape "
            f"{array.shape}."
        )
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(
            f"{name} has NaN or infinite values at rows {bad[:5].tolist()}"
            f"{' ...' if bad.size > 5 else ''}; expected finite numbers."
        )
    return array
