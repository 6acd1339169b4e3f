"""scikit-learn's own estimator checks, over tiny instances of every skrnn estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skrnn import (
    GRURegressor,
    LSTMRegressor,
    RidgeAutoregressor,
    RNNRegressor,
    SlidingWindowTransformer,
)

TINY = dict(units=3, layers=1, epochs=2, batch_size=64, random_state=0)

ESTIMATORS = [
    RNNRegressor(**TINY),
    LSTMRegressor(**TINY),
    GRURegressor(**TINY),
    SlidingWindowTransformer(window=2),
    RidgeAutoregressor(),
]

# Every entry is a debt: the check, and why skrnn does not pass it.
_TWO_D_IS_ONE_FEATURE = (
    "2-D X is (n_samples, window), one feature over `window` steps: n_features_in_ "
    "counts features per step, and a recurrent network reads windows of any length"
)
_REGRESSOR_XFAILS = {
    "check_estimator_tags_renamed": (
        "SciKeras 0.13's BaseWrapper still defines the pre-1.6 _more_tags; skrnn's "
        "base sets __sklearn_tags__"
    ),
    "check_mixin_order": (
        "SciKeras 0.13 declares KerasRegressor(BaseWrapper, RegressorMixin); skrnn's "
        "base sets the regressor tags itself"
    ),
    "check_regressors_train": (
        "the tiny instances (3 units, 2 epochs) that keep these checks fast do not "
        "reach R^2 > 0.5; fit quality is tested in test_recurrent.py"
    ),
    "check_n_features_in": _TWO_D_IS_ONE_FEATURE,
    "check_n_features_in_after_fitting": _TWO_D_IS_ONE_FEATURE,
    "check_estimators_partial_fit_n_features": _TWO_D_IS_ONE_FEATURE,
}
_RIDGE_TWO_D = (
    "2-D X is (n_samples, window), one feature over `window` steps: n_features_in_ "
    "counts features per step, as for the networks, and window_ the steps"
)
_RIDGE_XFAILS = {
    "check_n_features_in": _RIDGE_TWO_D,
    "check_n_features_in_after_fitting": _RIDGE_TWO_D,
    "check_estimators_pickle": (
        "NaN in a window is a missing leading step (before the series starts); the "
        "check puts NaN anywhere, which the model rejects"
    ),
}
_WINDOW_XFAILS = {
    "check_methods_sample_order_invariance": (
        "a window reads the rows before it: reordering rows changes the windows"
    ),
}


def _expected_failed_checks(estimator):
    if isinstance(estimator, SlidingWindowTransformer):
        return _WINDOW_XFAILS
    if isinstance(estimator, RidgeAutoregressor):
        return _RIDGE_XFAILS
    return _REGRESSOR_XFAILS


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
