"""The pieces of a comparison that the one-series and the panel comparisons share.

The pipelines every model of :func:`skrnn.model_selection.compare` is fitted
in, the calendar steps they may begin with, the columns of ``X`` and the table
of each model's candidates and fold scores.
"""

import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler


def forecast_features(frame, target, covariates):
    """The columns of ``X``: the target (found as make_forecast_xy finds it), then
    the covariates (checked by make_forecast_xy)."""
    from skrnn.datasets._forecast import target_column

    target = target_column(frame, target)
    if covariates is None:
        return [target]
    return [target, *([covariates] if isinstance(covariates, str) else covariates)]


def calendar_steps(calendar, horizon):
    """The pipeline steps that add the calendar of each step's day (none without
    `calendar`): on the circle, two columns per feature and step."""
    from skrnn import CalendarFeatures

    if not calendar:
        return []
    return [("calendarfeatures", CalendarFeatures(horizon=horizon, encoding="cyclic"))]


def pipeline(window, regressor, before=()):
    """``[before ->] MinMaxScaler -> SlidingWindowTransformer -> regressor``."""
    from skrnn import SlidingWindowTransformer

    # Pandas output keeps the dates through the scaler: the windows find rows by date.
    return Pipeline([
        *before,
        ("minmaxscaler", MinMaxScaler()),
        ("slidingwindowtransformer", SlidingWindowTransformer(window=window)),
        ("regressor", regressor),
    ]).set_output(transform="pandas")  # fmt: skip


def cv_table(candidates, fold_scores, pvalues=None, metric="rmse"):
    """One row per candidate: its grid values, its score (`metric`) on each fold,
    their mean and standard deviation."""
    table = pd.DataFrame(candidates, index=range(len(candidates)))
    for k in range(fold_scores.shape[1]):
        table[f"fold{k}_{metric}"] = fold_scores[:, k]
    table[f"mean_{metric}"] = fold_scores.mean(axis=1)
    table[f"std_{metric}"] = fold_scores.std(axis=1)
    if pvalues is not None:
        table["pvalue_vs_reference"] = pvalues
    return table
