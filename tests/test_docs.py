"""The documentation covers every public name.

The Sphinx build (``make docs``) checks the pages it builds; these
tests check, without Sphinx, that nothing public is missing from them: each
public name is listed in the API reference and has a doctested ``Examples``
section (run by ``--doctest-modules``).
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest

API_RST = Path(__file__).resolve().parents[1] / "docs" / "api.rst"
PUBLIC_MODULES = [
    "skrnn",
    "skrnn.model_selection",
    "skrnn.forecasting",
    "skrnn.datasets",
    "skrnn.plotting",
    "skrnn.layers",
]


def _public_names():
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            yield module_name, name


PUBLIC_NAMES = list(_public_names())


def _documented_names():
    """``{module: {names}}`` listed under autosummary directives in api.rst."""
    documented = {}
    module = None
    in_autosummary = False
    for line in API_RST.read_text().splitlines():
        directive = re.match(r"\.\. (module|currentmodule):: (\S+)", line)
        if directive:
            module = directive.group(2)
            continue
        if line.startswith(".. autosummary::"):
            in_autosummary = True
            continue
        if in_autosummary and line and not line.startswith(" "):
            in_autosummary = False
        entry = re.fullmatch(r"   (\w+)", line)
        if in_autosummary and entry:
            documented.setdefault(module, set()).add(entry.group(1))
    return documented


def test_public_modules_export_names():
    for module_name in PUBLIC_MODULES:
        assert importlib.import_module(module_name).__all__, module_name


@pytest.mark.parametrize(("module_name", "name"), PUBLIC_NAMES)
def test_public_name_is_in_api_reference(module_name, name):
    assert name in _documented_names().get(module_name, set()), (
        f"{module_name}.{name} is public but not listed in docs/api.rst"
    )


def test_api_reference_lists_only_public_names():
    public = set(PUBLIC_NAMES)
    for module_name, names in _documented_names().items():
        for name in names:
            assert (module_name, name) in public, (
                f"docs/api.rst lists {module_name}.{name}, which is not in __all__"
            )


@pytest.mark.parametrize(("module_name", "name"), PUBLIC_NAMES)
def test_public_docstring_has_doctested_examples(module_name, name):
    obj = getattr(importlib.import_module(module_name), name)
    doc = inspect.getdoc(obj) or ""
    sections = re.split(r"\n(?=\S[^\n]*\n-{3,}\n)", doc)
    examples = [section for section in sections if section.startswith("Examples\n")]
    assert examples, f"{module_name}.{name} has no Examples section"
    assert ">>> " in examples[0], f"{module_name}.{name}: Examples has no doctest"
