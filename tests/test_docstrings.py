"""numpydoc's validation of every public docstring, as scikit-learn's own test_docstrings.py.

It catches what a reader of the API pages would stumble on: a parameter documented
in another place than the signature has it, an undocumented or misspelt parameter, a
missing type or description, a summary that is not one sentence.
"""

import importlib
import inspect

import numpydoc.validate
import pytest

from tests.test_docs import PUBLIC_MODULES

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


def _import_paths():
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            path = f"{obj.__module__}.{obj.__qualname__}"
            yield path, None
            if not inspect.isclass(obj):
                continue
            for attr, member in sorted(vars(obj).items()):
                # Methods skrnn writes; scikit-learn generates set_*_request itself.
                if attr.startswith("_") or not callable(getattr(obj, attr)):
                    continue
                if not getattr(member, "__module__", "").startswith("skrnn"):
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
