"""The documentation covers every public name and works offline.

The Sphinx build (``make docs``) checks the pages it builds; these
tests check, without Sphinx, that nothing public is missing from them: each
public name is listed in the API reference and has a doctested ``Examples``
section (run by ``--doctest-modules``). They also check the check that the
build runs on its pages, that no page loads anything from the network, and the
conversion that shows the README's results on the front page.
"""

import importlib
import importlib.util
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


def _sphinx_extension(name):
    """A module of docs/sphinxext, which the docs build loads."""
    path = API_RST.parent / "sphinxext" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _offline_check():
    """docs/sphinxext/skrnn_offline.py, which the docs build runs after writing the pages."""
    return _sphinx_extension("skrnn_offline")


NETWORK_PAGE = """<html><head>
<script src="https://cdn.example.org/mathjax.js"></script>
<link rel="stylesheet" href="//cdn.example.org/theme.css">
<link rel="preload" as="font" href="http://fonts.example.org/a.woff2">
<style>body { background: url('https://img.example.org/bg.png'); }</style>
</head><body>
<img src="_images/local.png" srcset="_images/local.png, https://img.example.org/fig@2x.png 2x">
<div style="background-image: url(//img.example.org/x.png)"></div>
</body></html>
"""
OFFLINE_PAGE = """<html><head>
<script src="_static/mathjax/tex-svg-full.js"></script>
<link rel="stylesheet" href="_static/skrnn.css">
<link rel="canonical" href="https://skrnn.example.org/index.html">
<style>/* from https://example.org */
.x { background: url("data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>"); }
</style>
</head><body>
<a href="https://scikit-learn.org/stable/">scikit-learn</a>
<img src="_images/fig.png" srcset="_images/fig.png, _images/fig_2_00x.png 2x">
<pre>&lt;script src="https://cdn.example.org/x.js"&gt;</pre>
</body></html>
"""


def test_offline_check_lists_every_network_resource(tmp_path):
    (tmp_path / "page.html").write_text(NETWORK_PAGE)
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "theme.css").write_text(
        '/* https://example.org */\n@import "https://fonts.example.org/css";\n'
        "@font-face { src: url(https://fonts.example.org/f.woff2); }\n"
    )
    problems = _offline_check().find_network_assets(tmp_path)
    assert problems == [
        "page.html:2: <script src> loads https://cdn.example.org/mathjax.js",
        'page.html:3: <link rel="stylesheet"> loads //cdn.example.org/theme.css',
        'page.html:4: <link rel="preload"> loads http://fonts.example.org/a.woff2',
        "page.html:5: <style> loads https://img.example.org/bg.png",
        "page.html:7: <img srcset> loads https://img.example.org/fig@2x.png",
        "page.html:8: <div style> loads //img.example.org/x.png",
        "_static/theme.css:2: url() or @import loads https://fonts.example.org/css",
        "_static/theme.css:3: url() or @import loads https://fonts.example.org/f.woff2",
    ]


def test_offline_check_accepts_local_resources_and_links(tmp_path):
    (tmp_path / "index.html").write_text(OFFLINE_PAGE)
    (tmp_path / "skrnn.css").write_text('/* https://example.org */\n.a { src: url("f.woff2"); }\n')
    assert _offline_check().find_network_assets(tmp_path) == []


README = API_RST.parents[1] / "README.md"
# skrnn compare's table before the Diebold-Mariano column was added.
OLD_TABLE = """\
model            best parameters                            CV RMSE   ± std  test RMSE  / naive
-----------------------------------------------------------------------------------------------
naive            -                                            13.96    4.05      28.76    1.000
LSTM (peephole)  window=20 units=16 layers=1 residual=True     15.43    3.62      28.83    1.002
"""


def test_readme_results_become_a_table_with_every_model():
    rst = _sphinx_extension("skrnn_readme").readme_results_rst(README)
    part = README.read_text().split("<!-- begin: default run")[1].split("<!-- end")[0]
    fence = part.split("```")[1].strip().splitlines()
    rows = [line for line in rst.splitlines() if line.startswith("   ") and "," in line]
    assert ".. csv-table::" in rst
    assert [row.split(",")[0].strip() for row in rows[1:]] == [
        line[:16].strip() for line in fence[2:]
    ]
    assert ".. image:: /images/predictions.png" in rst
    assert "`" not in rst.replace("``", "")  # inline code became reST literals


def test_results_table_reads_the_table_without_the_verdict_column():
    table = _sphinx_extension("skrnn_readme").results_table(OLD_TABLE.splitlines())
    assert table[1] == "   :header: model, best parameters, CV RMSE, ± std, test RMSE, / naive"
    assert table[4:] == [
        "   naive, \\-, 13.96, 4.05, 28.76, 1.000",
        "   LSTM (peephole), window=20 units=16 layers=1 residual=True, 15.43, 3.62, 28.83, 1.002",
    ]


def test_readme_conversion_refuses_what_it_cannot_convert(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "<!-- begin: default run -->\nSee [the docs](https://example.org).\n"
        "<!-- end: default run -->\n"
    )
    with pytest.raises(ValueError, match="cannot convert"):
        _sphinx_extension("skrnn_readme").readme_results_rst(readme)
    readme.write_text("no markers\n")
    with pytest.raises(ValueError, match="has no"):
        _sphinx_extension("skrnn_readme").readme_results_rst(readme)
    with pytest.raises(ValueError, match="does not parse"):
        _sphinx_extension("skrnn_readme").results_table([*OLD_TABLE.splitlines(), "GRU  oops"])


CHANGES = """\
# skrnn

## Changes

Since the first version:

- `compare` returns a table
  of the models.
- The window is `window=5`.

## Licence
"""


def test_readme_changes_become_a_list_up_to_the_next_section(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(CHANGES)
    rst = _sphinx_extension("skrnn_readme").readme_changes_rst(readme)
    assert rst == (
        "Since the first version:\n\n"
        "- ``compare`` returns a table\n"
        "  of the models.\n"
        "- The window is ``window=5``.\n"
    )
    # The README itself converts, every item of its list included.
    rst = _sphinx_extension("skrnn_readme").readme_changes_rst(README)
    section = README.read_text().split("## Changes\n")[1].split("\n## ")[0]
    assert rst.count("\n- ") == section.count("\n- ") > 0


def test_readme_changes_refuse_what_they_cannot_convert(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(CHANGES.replace("of the models.", "of [models](https://example.org)."))
    with pytest.raises(ValueError, match="cannot convert"):
        _sphinx_extension("skrnn_readme").readme_changes_rst(readme)
    readme.write_text("# skrnn\n")
    with pytest.raises(ValueError, match="no '## Changes' section"):
        _sphinx_extension("skrnn_readme").readme_changes_rst(readme)


def test_results_table_reads_both_verdicts():
    lines = """\
model            best parameters                                             CV RMSE   ± std  test RMSE      MAE  MAPE %  / naive  / linear  fit s  Diebold-Mariano test vs naive    vs linear
----------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------
naive            -                                                             13.96    4.05      28.76    20.15    0.75    1.000     0.994    0.0  -                                no better than linear (p = 0.61)
GRU              window=20 units=16 layers=1 residual=True, kept its start     13.96    4.05      28.76    20.15    0.75    1.000     0.994    0.3  same as naive                    no better than linear (p = 0.61)
""".splitlines()  # noqa: E501
    table = _sphinx_extension("skrnn_readme").results_table(lines)
    assert table[2] == "   :class: skrnn-results skrnn-verdict skrnn-verdict2"
    assert table[4:] == [
        "   naive, \\-, 13.96, 4.05, 28.76, 20.15, 0.75, 1.000, 0.994, 0.0, \\-, "
        "no better than linear (p = 0.61)",
        '   GRU, "window=20 units=16 layers=1 residual=True, kept its start", 13.96, 4.05, '
        "28.76, 20.15, 0.75, 1.000, 0.994, 0.3, same as naive, no better than linear (p = 0.61)",
    ]
