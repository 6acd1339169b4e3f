"""The Diebold-Mariano test, checked against an independent implementation."""

import numpy as np
import pytest
from scipy import stats

from skrnn import diebold_mariano

# Thirty forecasts whose errors overlap (moving-average errors), rounded to cents.
Y_TRUE = [
    20.47, 19.79, 20.03, 18.33, 19.09, 17.55, 17.56, 17.44, 16.63, 19.50,
    18.90, 19.38, 20.47, 19.26, 20.60, 20.48, 21.49, 20.58, 19.55, 20.76,
    21.26, 21.40, 22.04, 22.56, 21.41, 19.20, 17.52, 15.73, 13.51, 12.86,
]  # fmt: skip
Y_PRED = [
    20.49, 19.66, 20.09, 18.37, 20.68, 18.07, 18.70, 18.64, 17.46, 19.77,
    17.32, 19.35, 19.53, 19.00, 21.28, 18.98, 23.25, 21.43, 20.53, 20.67,
    21.81, 19.92, 19.59, 22.11, 22.11, 19.64, 18.02, 15.81, 13.01, 12.78,
]  # fmt: skip
Y_REFERENCE = [
    20.44, 20.06, 20.45, 18.52, 20.12, 18.84, 18.25, 18.31, 17.60, 20.15,
    17.80, 18.29, 20.22, 19.95, 21.17, 18.48, 23.33, 21.26, 19.94, 19.59,
    21.82, 19.71, 20.11, 21.38, 20.98, 19.84, 17.85, 16.06, 12.64, 11.98,
]  # fmt: skip

# Reference values, computed once with statsmodels 0.15.0 and scipy 1.17.1 (neither
# skrnn's code nor its tests need statsmodels): Diebold and Mariano's statistic is the
# t value of the constant in
#   statsmodels.api.OLS(d, numpy.ones(30)).fit(cov_type="HAC", cov_kwds={
#       "maxlags": horizon - 1, "kernel": "uniform", "use_correction": False})
# for the loss differences d; it was multiplied by Harvey, Leybourne and Newbold's
# sqrt((n + 1 - 2h + h(h - 1)/n) / n), and the p-values taken from
# scipy.stats.t(df=29): 2 * sf(|s|) two-sided, cdf(s) for "less", sf(s) for "greater".
# (loss, horizon): (mean loss difference, statistic, two-sided, less, greater)
REFERENCE = {
    ("squared", 1): (-0.0567566666667, -0.348546632247, 0.729947474856, 0.364973737428,
                     0.635026262572),
    ("squared", 2): (-0.0567566666667, -1.70802866859, 0.0983160288211, 0.0491580144105,
                     0.950841985589),
    ("squared", 3): (-0.0567566666667, -0.545390771471, 0.589655432749, 0.294827716375,
                     0.705172283625),
    ("absolute", 1): (-0.111, -1.25188671546, 0.22061464015, 0.110307320075,
                      0.889692679925),
    ("absolute", 3): (-0.111, -1.92422491103, 0.0641894758748, 0.0320947379374,
                      0.967905262063),
}  # fmt: skip


@pytest.mark.parametrize(("loss", "horizon"), list(REFERENCE))
def test_statistic_and_pvalues_match_statsmodels_hac_reference(loss, horizon):
    mean, statistic, *pvalues = REFERENCE[loss, horizon]
    for alternative, pvalue in zip(["two-sided", "less", "greater"], pvalues, strict=True):
        result = diebold_mariano(
            Y_TRUE, Y_PRED, Y_REFERENCE, horizon=horizon, loss=loss, alternative=alternative
        )
        assert result.statistic == pytest.approx(statistic, rel=1e-9)
        assert result.pvalue == pytest.approx(pvalue, rel=1e-9)
        assert result.mean_loss_difference == pytest.approx(mean, rel=1e-9)


def test_non_positive_long_run_variance_is_an_error():
    # statsmodels' HAC variance for these rows is negative too (its t value is NaN).
    with pytest.raises(ValueError, match=r"long-run variance .* up to lag 1 is -.*not positive"):
        diebold_mariano(Y_TRUE, Y_PRED, Y_REFERENCE, horizon=2, loss="absolute")


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_one_step_test_is_a_one_sample_t_test_of_the_loss_differences(alternative):
    rng = np.random.RandomState(0)
    y_true = rng.normal(size=50)
    y_pred, y_reference = y_true + rng.normal(0, 0.9, 50), y_true + rng.normal(0, 1.0, 50)
    d = (y_true - y_pred) ** 2 - (y_true - y_reference) ** 2
    expected = stats.ttest_1samp(d, 0.0, alternative=alternative)
    result = diebold_mariano(y_true, y_pred, y_reference, alternative=alternative)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.pvalue == pytest.approx(expected.pvalue, rel=1e-12)


def test_swapping_the_forecasts_negates_the_statistic():
    forward = diebold_mariano(Y_TRUE, Y_PRED, Y_REFERENCE, horizon=3)
    backward = diebold_mariano(Y_TRUE, Y_REFERENCE, Y_PRED, horizon=3)
    assert backward.statistic == pytest.approx(-forward.statistic)
    assert backward.pvalue == pytest.approx(forward.pvalue)
    assert backward.mean_loss_difference == pytest.approx(-forward.mean_loss_difference)


def test_a_clearly_better_forecast_is_significant_and_a_worse_one_is_not_better():
    rng = np.random.RandomState(1)
    y_true = np.cumsum(rng.normal(size=300))
    naive = np.r_[0.0, y_true[:-1]]
    better = y_true + rng.normal(0, 0.5, 300)
    assert diebold_mariano(y_true, better, naive, alternative="less").pvalue < 1e-6
    assert diebold_mariano(y_true, naive, better, alternative="less").pvalue > 0.999


def test_accepts_lists_arrays_and_pandas_series():
    import pandas as pd

    as_arrays = diebold_mariano(np.array(Y_TRUE), np.array(Y_PRED), np.array(Y_REFERENCE))
    as_series = diebold_mariano(pd.Series(Y_TRUE), pd.Series(Y_PRED), pd.Series(Y_REFERENCE))
    assert as_series == as_arrays == diebold_mariano(Y_TRUE, Y_PRED, Y_REFERENCE)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(y_pred=Y_PRED[:-1]), r"same length; got \{'y_true': 30, 'y_pred': 29"),
        (dict(y_true=np.c_[Y_TRUE]), r"y_true must be 1-D .* shape \(30, 1\)"),
        (dict(y_reference=[np.nan] + Y_REFERENCE[1:]), r"y_reference has NaN .* rows \[0\]"),
        (dict(y_pred=Y_PRED[:3] + [np.inf] + Y_PRED[4:]), r"y_pred has NaN .* rows \[3\]"),
        (dict(y_pred=["a"] * 30), "y_pred must hold numbers"),
        (dict(y_reference=Y_PRED), "no variance"),
        (dict(y_true=Y_REFERENCE, y_pred=np.add(Y_REFERENCE, 1.0)), r"same amount \(1\)"),
        (dict(horizon=30), r"horizon=30 needs more than 30 forecasts .*; got n_samples=30"),
        (dict(horizon=0), "'horizon' parameter"),
        (dict(loss="mape"), "'loss' parameter"),
        (dict(alternative="smaller"), "'alternative' parameter"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs, match):
    arguments = dict(y_true=Y_TRUE, y_pred=Y_PRED, y_reference=Y_REFERENCE) | kwargs
    with pytest.raises(ValueError, match=match):
        diebold_mariano(**arguments)
