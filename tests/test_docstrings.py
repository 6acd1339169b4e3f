"""numpydoc's validation of every public docstring, as scikit-learn's own test_docstrings.py.

It catches what a reader of the API pages would stumble on: a parameter documented
in another place than the signature has it, an undocumented or misspelt parameter, a
missing type or description, a summary that is not one sentence.
"""

import importlib
import inspect

import numpydoc.validate
import pytest

import skrnn
from tests.test_docs import PUBLIC_MODULES

PUBLIC_NAMES = skrnn.__all__

# Checks skrnn does not follow, each with the reason (numpydoc's codes).
IGNORED = {
    "ES01": "an extended summary is optional: many methods say all in one line",
    "SA01": "See Also sections only where there is something to see",
    "EX01": "methods are shown in their class's Examples (test_docs.py checks those)",
    "RT02": "scikit-learn's style names the returned value (self : object)",
}


# Methods of skrnn's Keras layers that Keras defines and calls itself (build, call,
# get_config, from_config...): their contract is Keras', documented on keras.io, and
# the layers' pages do not list them (docs/_templates/autosummary/keras_layer.rst).
KERAS_OWN = "a Keras layer method that Keras calls; its documentation is Keras'"


def _overrides_keras(cls, attr):
    return any(
        attr in vars(base) for base in cls.__mro__[1:] if base.__module__.startswith("keras")
    )


def _owner(cls, attr):
    """The class of `cls`'s method resolution order that defines `attr`."""
    return next(base for base in cls.__mro__ if attr in vars(base))


def _public_methods(cls):
    """``(name, owner)`` of every public method of `cls`, inherited ones included."""
    for attr in sorted(dir(cls)):
        if attr.startswith("_") or not callable(getattr(cls, attr, None)):
            continue
        yield attr, _owner(cls, attr)


def _import_paths():
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            path = f"{obj.__module__}.{obj.__qualname__}"
            yield path, None
            if not inspect.isclass(obj):
                continue
            for attr, owner in _public_methods(obj):
                # Methods skrnn writes, inherited from its own bases too; scikit-learn's
                # own (get_params, get_metadata_routing) are documented by scikit-learn.
                if not owner.__module__.startswith("skrnn"):
                    continue
                skip = KERAS_OWN if _overrides_keras(obj, attr) else None
                yield f"{path}.{attr}", skip


def _params():
    for path, skip in sorted(dict(_import_paths()).items()):
        marks = [pytest.mark.skip(reason=skip)] if skip else []
        yield pytest.param(path, marks=marks, id=path)


@pytest.mark.parametrize("import_path", list(_params()))
def test_docstring(import_path):
    result = numpydoc.validate.validate(import_path)
    errors = [f"{code}: {message}" for code, message in result["errors"] if code not in IGNORED]
    assert not errors, f"{import_path}:\n" + "\n".join(errors)


def test_inherited_methods_are_validated():
    paths = dict(_import_paths())
    for method in ("fit", "predict", "partial_fit", "score"):
        assert f"skrnn._recurrent.LSTMRegressor.{method}" in paths
    assert "skrnn._window.SlidingWindowTransformer.transform" in paths


@pytest.mark.parametrize(
    "name", [name for name in PUBLIC_NAMES if inspect.isclass(getattr(skrnn, name, None))]
)
def test_no_public_member_comes_from_scikeras(name):
    cls = getattr(skrnn, name)
    from_scikeras = [
        attr
        for attr in dir(cls)
        if not attr.startswith("_")
        and hasattr(cls, attr)
        and _owner(cls, attr).__module__.startswith("scikeras")
    ]
    assert from_scikeras == []
    # Meta-estimators (PerSeriesRegressor, SeriesScaledRegressor) need the model they wrap.
    required = inspect.signature(cls).parameters.get("estimator")
    wraps = required is not None and required.default is inspect.Parameter.empty
    instance = cls(skrnn.PersistenceRegressor()) if wraps else cls()
    assert [attr for attr in dir(instance) if not hasattr(instance, attr)] == []
