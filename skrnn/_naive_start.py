"""The naive forecast in the units of ``y``: the one map the baseline and the skip path share.

A window's newest step is in the input's units (often min-max scaled); ``y`` is in
its own (the price, or for the networks the standardised price). When ``y[t]`` is
the input feature ``h`` rows after row ``t`` (as
:func:`skrnn.datasets.make_forecast_xy` pairs them), the training rows hold the
same day twice, ``y[t]`` and the newest step of row ``t + h``, so they give the
exact affine map between the two units. That map is the naive forecast
"tomorrow = today" in ``y``'s units.
"""

import numpy as np

#: How closely y must follow the affine map of the feature to be that feature
#: later, relative to y's magnitude. Windows are float32 (about 7 significant
#: digits) and are scaled and standardised on the way: their round-off stays
#: below 1e-6; any real difference between two series is far above 1e-5.
SAME_DAY_RTOL = 1e-5

#: Lags tried when the horizon of y is not given: up to six weeks of trading
#: days. Beyond it a guessed horizon is more likely a coincidence than a fact.
MAX_GUESSED_HORIZON = 30


def same_day_map(newest, target, horizon, later=None):
    """The affine map from `newest` (the feature per row) to `target` (``y``),
    fitted on the rows that are the same day when ``y`` lies `horizon` rows
    ahead.

    Without `later`, the row `horizon` rows after row ``t`` is row ``t +
    horizon`` (one series in time order); `later` (a function of the lag,
    as :func:`skrnn._same_series.later_rows` of the windows) names it for
    each row, -1 for none, so that no pair crosses from one series of a
    panel into the next.

    Returns
    -------
    slope, offset : float
        The map.
    mismatch : float
        The largest difference between the mapped feature and ``y`` on those
        rows, relative to ``y``'s magnitude: below :data:`SAME_DAY_RTOL` when
        ``y`` is the feature `horizon` rows later.
    """
    if later is None:
        x, y = newest[horizon:], target[:-horizon]
    else:
        rows = later(horizon)
        paired = rows >= 0
        x, y = newest[rows[paired]], target[paired]
    if len(x) < 2 or np.ptp(x) == 0:  # a constant feature maps to no series: no map
        return 0.0, float(target.mean()), np.inf
    slope, offset = np.polyfit(x, y, deg=1)
    scale = max(np.ptp(y), np.abs(y).max(), 1e-12)
    return float(slope), float(offset), float(np.abs(slope * x + offset - y).max() / scale)


def naive_start(newest, target, horizon=None, later=None):
    """The map that starts a skip connection at the naive forecast of `target`.

    With a known `horizon`, or else the first lag up to
    :data:`MAX_GUESSED_HORIZON` at which ``y`` is the feature that many rows
    later, the exact same-day map. When ``y`` is not the feature later (another
    series, a transformed target), no exact map exists and the feature is
    matched to ``y`` in mean and standard deviation (the sign of their
    correlation kept).

    `later` finds the row a lag after each row, as in :func:`same_day_map`.

    Returns
    -------
    slope, offset : float
        The map.
    exact : bool
        Whether it is the exact same-day map.
    """
    lag, pairing = _exact(newest, target, horizon, later)
    if lag is not None:
        slope, offset, _ = same_day_map(newest, target, lag, pairing)
        return slope, offset, True
    if newest.std() == 0 or target.std() == 0:
        return 0.0, float(target.mean()), False
    sign = np.sign(np.corrcoef(newest, target)[0, 1]) or 1.0
    slope = sign * target.std() / newest.std()
    return float(slope), float(target.mean() - slope * newest.mean()), False


def exact_lag(newest, target, horizon=None, later=None):
    """The lag at which `target` is `newest` that many rows later: `horizon`
    if given and it is, else the first such lag up to
    :data:`MAX_GUESSED_HORIZON`; None if there is none. `later` finds the row
    a lag after each row, as in :func:`same_day_map`."""
    return _exact(newest, target, horizon, later)[0]


def _exact(newest, target, horizon, later):
    """The exact lag and the pairing of rows it holds on: rows in order (None) for
    one series, else `later`'s pairs within each series; ``(None, None)`` if none."""
    lags = [horizon] if horizon is not None else range(1, MAX_GUESSED_HORIZON + 1)
    for lag in lags:
        if lag > len(newest) - 2:
            break
        # Rows in order first: one series keeps every pair, repeated values included.
        for pairing in (None, later) if later is not None else (None,):
            if same_day_map(newest, target, lag, pairing)[2] <= SAME_DAY_RTOL:
                return lag, pairing
    return None, None


def closest_feature(features, target):
    """The column of `features` with the highest absolute correlation to `target`."""
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = [abs(np.corrcoef(column, target)[0, 1]) for column in features.T]
    return int(np.nanargmax(corr)) if not np.all(np.isnan(corr)) else 0
