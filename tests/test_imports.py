"""Imports flow one way: each module of skrnn imports only its own layer and the ones below.

Read from the source, imports inside functions included, so that a shared rule
always lives below every module that uses it, and no module reaches into
another's private helpers.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skrnn"

# From the bottom up. A module may import its own layer and the layers below.
LAYERS = [
    # Rules and helpers that import nothing else of skrnn.
    [
        "skrnn._backend",
        "skrnn._naive_start",
        "skrnn._panel",
        "skrnn._quiet",
        "skrnn._report",
        "skrnn._seeding",
        "skrnn._same_series",
        "skrnn._significance",
        "skrnn._time_labels",
        "skrnn._validation",
    ],
    # Data loaders, layers, the engine and the estimators; `skrnn` itself is the
    # estimators' public face.
    [
        "skrnn",
        "skrnn.datasets",
        "skrnn.datasets._forecast",
        "skrnn.datasets._series",
        "skrnn.datasets._stock",
        "skrnn._peephole",
        "skrnn.layers",
        "skrnn._engine",
        "skrnn._base",
        "skrnn._recurrent",
        "skrnn._window",
        "skrnn._baseline",
        "skrnn._linear",
        "skrnn._skip",
        # Panels and covariates: windows within each series, the calendar, splits by date.
        "skrnn.datasets._panel",
        "skrnn._panel_window",
        "skrnn._appended",
        "skrnn._calendar",
        "skrnn._series_identity",
        "skrnn._series_scale",
        "skrnn._per_series",
        "skrnn._split",
        "skrnn._future_rows",
    ],
    # What combines estimators: forecasting, model selection, plots, files, clusters.
    [
        "skrnn._cross_validation",
        "skrnn._forecast_tables",
        "skrnn._panel_forecast",
        "skrnn._conformal",
        "skrnn._persistence",
        "skrnn._persistence._file",
        "skrnn._persistence._networks",
        "skrnn._persistence._tree",
        "skrnn._persistence._trusted",
        "skrnn._cluster",
        "skrnn.forecasting",
        "skrnn._comparison",
        "skrnn._panel_compare",
        "skrnn.model_selection",
        "skrnn.plotting",
    ],
    # The command line, on top of everything.
    ["skrnn.cli"],
]
LAYER = {module: level for level, modules in enumerate(LAYERS) for module in modules}


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(path):
    """``(module, name)`` for each skrnn import of the file (name None for ``import m``)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "skrnn":
                    yield alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "skrnn":
                continue
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                # `from skrnn import _engine` imports a module, not a name.
                yield (submodule, None) if submodule in MODULES else (node.module, alias.name)


def test_every_module_has_a_layer():
    assert MODULES, PACKAGE
    assert sorted(set(MODULES) - set(LAYER)) == []
    assert sorted(set(LAYER) - set(MODULES)) == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_layer_and_below(module):
    above = [
        imported
        for imported, _ in _imports(MODULES[module])
        if LAYER.get(imported, len(LAYERS)) > LAYER[module]
    ]
    assert above == [], f"{module} (layer {LAYER[module]}) imports {above}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_no_private_name_of_another(module):
    # What modules share is the interface of a module meant for sharing (a private
    # module's unprefixed names), never another module's private helpers.
    private = [
        f"{imported}.{name}"
        for imported, name in _imports(MODULES[module])
        if name is not None and name.startswith("_") and name != "__version__"
    ]
    assert private == [], f"{module} imports the private {private}"


def test_the_rules_find_an_inversion(tmp_path):
    """The checks above read real imports: a higher import in a function is found."""
    source = tmp_path / "module.py"
    source.write_text(
        "def f():\n    from skrnn.model_selection import _grid\n    from skrnn import _engine\n"
    )
    assert list(_imports(source)) == [("skrnn.model_selection", "_grid"), ("skrnn._engine", None)]
