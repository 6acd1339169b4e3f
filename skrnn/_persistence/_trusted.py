"""The classes and functions a model file may name: the one list, and how names resolve.

A model file names the class of each object in it, and the functions it refers
to (a search's scorer holds a metric function). :func:`~skrnn.forecasting.load_model`
rebuilds an object only when its class is on :data:`TRUSTED` (or among the
names its caller passes as ``trusted=``), and refers to a function only on the
same terms; any other name is refused before anything is imported. Classes are
rebuilt as pickle rebuilds a plain object (``cls.__new__(cls)``, then
``__setstate__`` or the instance's ``__dict__``), and functions are only
referred to, never called while loading.

Names are the public ones where there is one (``skrnn.GRURegressor``, not the
private module that defines it), so that a file outlives a reorganisation of
the modules. Exact classes only: a subclass of a trusted class is another class,
with code of its own, and needs trusting in its own right.

Keras networks are not on this list: they are stored in Keras' own format and
loaded in Keras' safe mode (see :mod:`skrnn._persistence._networks`). pandas and
NumPy values (arrays, frames, indexes, timestamps, random states) are not either:
the file stores their data, and the loader builds them with their public
constructors (see :mod:`skrnn._persistence._tree`).
"""

import functools
import importlib

#: The classes and functions a model file may name, and the only ones.
TRUSTED = frozenset(
    {
        # skrnn's estimators, and the scorer of make_u2_scorer
        "skrnn.CalendarFeatures",
        "skrnn.GRURegressor",
        "skrnn.LSTMRegressor",
        "skrnn.PerSeriesRegressor",
        "skrnn.PersistenceRegressor",
        "skrnn.RNNRegressor",
        "skrnn.RidgeAutoregressor",
        "skrnn.SeriesEncoder",
        "skrnn.SeriesScaledRegressor",
        "skrnn.SlidingWindowTransformer",
        "skrnn.forecasting.ConformalForecaster",
        "skrnn.model_selection.PanelSplit",
        "skrnn._baseline._U2Scorer",
        # scikit-learn: composition, scalers, linear models, searches and their splits
        "sklearn.pipeline.Pipeline",
        "sklearn.pipeline.FeatureUnion",
        "sklearn.compose.TransformedTargetRegressor",
        "sklearn.preprocessing.MaxAbsScaler",
        "sklearn.preprocessing.MinMaxScaler",
        "sklearn.preprocessing.RobustScaler",
        "sklearn.preprocessing.StandardScaler",
        "sklearn.linear_model.LinearRegression",
        "sklearn.linear_model.Ridge",
        "sklearn.model_selection.GridSearchCV",
        "sklearn.model_selection.RandomizedSearchCV",
        "sklearn.model_selection.TimeSeriesSplit",
        # a fitted search's scorer_, and the metric functions the scorers refer to
        "sklearn.metrics._scorer._PassthroughScorer",
        "sklearn.metrics._scorer._Scorer",
        "sklearn.metrics.d2_absolute_error_score",
        "sklearn.metrics.explained_variance_score",
        "sklearn.metrics.max_error",
        "sklearn.metrics.mean_absolute_error",
        "sklearn.metrics.mean_absolute_percentage_error",
        "sklearn.metrics.mean_gamma_deviance",
        "sklearn.metrics.mean_poisson_deviance",
        "sklearn.metrics.mean_squared_error",
        "sklearn.metrics.mean_squared_log_error",
        "sklearn.metrics.median_absolute_error",
        "sklearn.metrics.r2_score",
        "sklearn.metrics.root_mean_squared_error",
        "sklearn.metrics.root_mean_squared_log_error",
    }
)


class Refused(ValueError):
    """A model file names something it may not hold; nothing of it was run.

    The message reads on from the file's path: ``f"{path} {message}"``.
    """


def extra_names(trusted):
    """The dotted names of the classes and functions a caller vouches for."""
    if trusted is None:
        return frozenset()
    if isinstance(trusted, str) or not hasattr(trusted, "__iter__"):
        raise ValueError(
            f"trusted={trusted!r} is not a list; expected a list of classes or functions "
            "(or their dotted names, such as 'mypackage.MyEstimator')."
        )
    names = set()
    for item in trusted:
        if isinstance(item, str):
            names.add(item)
        elif callable(item) and hasattr(item, "__qualname__"):
            names.add(f"{item.__module__}.{item.__qualname__}")
        else:
            raise ValueError(
                f"trusted holds {item!r}; expected classes or functions, or their dotted "
                "names such as 'mypackage.MyEstimator'."
            )
    return frozenset(names)


def name_of(target, where):
    """The name a file gives the class or function `target` (found at `where`)."""
    short = getattr(target, "__name__", None)
    for name in TRUSTED:
        if name.rsplit(".", 1)[-1] == short and _resolve_or_none(name) is target:
            return name
    module = getattr(target, "__module__", None)
    qualname = getattr(target, "__qualname__", None)
    name = f"{module}.{qualname}"
    if (
        module is None
        or qualname is None
        or "<" in qualname
        or _resolve_or_none(name) is not target
    ):
        raise ValueError(
            f"{where} is {target!r}, which save_model cannot name: a model file refers to "
            "classes and functions by an importable name (not a lambda, nor one defined "
            "inside a function)."
        )
    return name


def resolve(name, extra, where, *, must_be_class=False):
    """The class or function `name` of a file, if trusted; :class:`Refused` otherwise."""
    if not isinstance(name, str) or (name not in TRUSTED and name not in extra):
        kind = "class" if must_be_class else "class or function"
        raise Refused(
            f"names the {kind} {name!r} (at {where}), which is not one that a skrnn model "
            "file may hold, so load_model refused the file. If you trust the file and "
            f"{name!r}, pass trusted=[{name!r}] to load_model."
        )
    target = _resolve_or_none(name)
    if target is None:
        raise ValueError(f"names {name!r} (at {where}), which cannot be imported here.")
    if must_be_class and not isinstance(target, type):
        raise Refused(f"names {name!r} as the class of an object (at {where}); it is not one.")
    return target


def _resolve_or_none(name):
    try:
        return _resolve(name)
    except (ImportError, AttributeError, ValueError):
        return None


@functools.cache
def _resolve(name):
    """Import the longest module prefix of `name`, then look up the rest as attributes."""
    parts = name.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            target = getattr(target, attribute)
        return target
    raise ValueError(f"{name!r} is not a dotted name of a module's member.")
