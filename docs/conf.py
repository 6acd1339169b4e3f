"""Sphinx configuration of skrnn's documentation.

Build with ``make docs`` (every gallery example executed, warnings are errors),
or, while editing, without running the examples::

    .venv/bin/sphinx-build -W --keep-going -b html -D plot_gallery=0 docs /tmp/docs_build
"""

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import sphinx.util.logging

# Before anything imports TensorFlow or matplotlib: TensorFlow's C++ start-up
# chatter is noise in the build log, and the build has no display. The Keras
# backend is left to the environment (TensorFlow by default), like skrnn does.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import skrnn  # noqa: E402

HERE = Path(__file__).resolve().parent
# skrnn_gallery (the figure scraper), skrnn_offline (the network check) and
# skrnn_readme (the README's results on the front page, its changes on the changelog)
sys.path.insert(0, str(HERE / "sphinxext"))

import skrnn_readme  # noqa: E402

# -- Project -------------------------------------------------------------------

project = "skrnn"
author = "The skrnn developers"
copyright = "The skrnn developers"  # noqa: A001
release = skrnn.__version__
version = ".".join(release.split(".")[:2])

# -- General -------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    # Last: after the build, fails it if a page loads anything from the network.
    "skrnn_offline",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_inventories",
    "sphinxext",
    "**.ipynb_checkpoints",
    # Left by builds that wrote sphinx-gallery's timing pages (see below).
    "sg_execution_times.rst",
    "auto_examples/sg_execution_times.rst",
]
root_doc = "index"
# Single backticks are parameter names in numpydoc docstrings (`X`, `y`): code.
default_role = "literal"
# Page tables of contents list methods as "fit()", not "LSTMRegressor.fit()".
toc_object_entries_show_parents = "hide"

# Every cross-reference must resolve: a broken link to the API, to
# scikit-learn or to Keras is an error under -W, not a silently plain word.
nitpicky = True
nitpick_ignore = []

# -- autodoc / autosummary / numpydoc ------------------------------------------

autosummary_generate = True  # writes generated/*.rst (git-ignored)
autodoc_typehints = "none"  # skrnn documents its types in the docstrings


def _hidden_members(cls):
    """Public members of `cls` that its page does not list.

    scikit-learn gives a class a ``set_{method}_request`` for each method whose
    metadata a parent class could route (SciKeras' ``fit`` takes
    ``sample_weight``), even when the class's own method takes none: such a
    method has no parameter to request and, as its docstring says, does nothing.
    """
    hidden = []
    for name in dir(cls):
        if re.fullmatch(r"set_\w+_request", name):
            if list(inspect.signature(getattr(cls, name)).parameters) == ["self"]:
                hidden.append(name)
    return hidden


# Read by _templates/autosummary/class.rst: per class, public members not to list.
autosummary_context = {
    "skrnn_hidden_members": {
        f"skrnn.{name}": _hidden_members(getattr(skrnn, name))
        for name in skrnn.__all__
        if inspect.isclass(getattr(skrnn, name))
    }
}
# Class pages list the methods through the template, not numpydoc.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
# Link the types of parameters, but only the ones named here (xref_ignore="all"):
# words such as "of", "shape" or "default" stay text.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
numpydoc_xref_aliases = {
    # Python and NumPy: numpydoc's own defaults, except "bool", which numpydoc
    # links to a section label of the Python docs; the class is a plain target.
    # (With xref_ignore="all", an alias must be a role: a dotted name that maps
    # to itself would stay text.)
    "bool": ":class:`python:bool`",
    "boolean": ":class:`python:bool`",
    "object": ":class:`python:object`",
    "array-like": ":term:`array-like`",
    "estimator": ":term:`estimator`",
    "pathlib.Path": ":class:`pathlib.Path`",
    "DataFrame": ":class:`pandas.DataFrame`",
    "pandas.DataFrame": ":class:`pandas.DataFrame`",
    "Series": ":class:`pandas.Series`",
    "pandas.Series": ":class:`pandas.Series`",
    "matplotlib.figure.Figure": ":class:`matplotlib.figure.Figure`",
    "keras.Model": ":class:`keras.Model`",
    "PeepholeLSTMCell": ":class:`~skrnn.layers.PeepholeLSTMCell`",
}

# -- Math ----------------------------------------------------------------------

# The pages must render their formulas with no network, so MathJax is not taken
# from its CDN (Sphinx's default) but from _static: MathJax 3's single-file
# TeX-to-SVG build with every TeX extension included, so that it fetches neither
# fonts nor extensions (_static/mathjax/README.md says where it comes from).
mathjax_path = "mathjax/tex-svg-full.js"

# -- intersphinx ---------------------------------------------------------------

# The documentation must build offline: intersphinx does not download
# objects.inv from the projects' sites (a failed download is an error under
# -W). Each project has a small inventory in _inventories/, written by
# _inventories/make_inventories.py with the names skrnn's pages and docstrings
# refer to and each project's real URLs; the first element of each pair is the
# base of those URLs, so the links point at the real documentation. To link a
# new name, add it to make_inventories.py, rerun it and commit the .inv files.
# Keras has no Sphinx documentation: its inventory points at keras.io.
intersphinx_mapping = {
    "python": ("https://docs.python.org/3/", "_inventories/python.inv"),
    "numpy": ("https://numpy.org/doc/stable/", "_inventories/numpy.inv"),
    "pandas": ("https://pandas.pydata.org/docs/", "_inventories/pandas.inv"),
    "sklearn": ("https://scikit-learn.org/stable/", "_inventories/sklearn.inv"),
    "matplotlib": ("https://matplotlib.org/stable/", "_inventories/matplotlib.inv"),
    "keras": ("https://keras.io/api/", "_inventories/keras.inv"),
    "joblib": ("https://joblib.readthedocs.io/en/stable/", "_inventories/joblib.inv"),
    "distributed": ("https://distributed.dask.org/en/stable/", "_inventories/distributed.inv"),
}

# -- sphinx-gallery ------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Every plot_*.py is executed (the default pattern): the gallery shows real
    # output. -D plot_gallery=0 skips execution while editing the docs.
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "matplotlib_animations": False,
    # The Figures skrnn.plotting builds without pyplot (first: see
    # sphinxext/skrnn_gallery.py), then pyplot's figures.
    "image_scrapers": ("skrnn_gallery.unmanaged_figure_scraper", "matplotlib"),
    # Each figure also at twice its resolution, which screens of high pixel
    # density (most laptops) pick through the <img> srcset.
    "image_srcset": ["2x"],
    # API pages list the examples that use each object.
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("skrnn",),
    "show_memory": False,
    "remove_config_comments": True,
    # No sg_execution_times pages: sphinx-gallery's table of timings loads
    # jQuery and DataTables from CDNs. Each example states its running time.
    "write_computation_times": False,
}

# -- HTML ----------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skrnn {release}"
html_static_path = ["_static"]
html_css_files = ["skrnn.css"]
html_show_sourcelink = False
html_theme_options = {
    # No icon links or version switcher: both would fetch from the network.
    "navbar_start": ["navbar-logo"],
    "navbar_center": ["navbar-nav"],
    "navbar_end": ["theme-switcher"],
    "navbar_persistent": ["search-button"],
    "header_links_before_dropdown": 5,
    "secondary_sidebar_items": ["page-toc"],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {
    # The landing page has no sidebar: its toctree is the navbar.
    "index": [],
    # A page with no sub-pages would show an empty "Section Navigation"; without
    # the sidebar, its text and code blocks get the width.
    "getting_started": [],
    "install": [],
    "cli": [],
    "faq": [],
    "changelog": [],
}
html_context = {"default_mode": "light"}


# -- The command line's help ---------------------------------------------------


# cli.rst includes the output of ``skrnn compare --help`` and ``skrnn forecast
# --help``, written here at each build so that the page always shows the
# installed command's options. 78 columns: argparse wraps to $COLUMNS, and the
# page's code blocks fit that.
def _write_cli_help(command):
    help_text = subprocess.run(
        [sys.executable, "-m", "skrnn.cli", command, "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "78"},
    ).stdout
    path = HERE / "generated" / f"skrnn_{command}_help.txt"
    path.parent.mkdir(exist_ok=True)
    # Rewritten only when it changes, so that Sphinx does not rebuild cli.rst.
    if not path.exists() or path.read_text() != help_text:
        path.write_text(help_text)


for _command in ("compare", "forecast"):
    _write_cli_help(_command)


# -- The README's results and changes ----------------------------------------------

# The front page shows the README's default run of ``skrnn compare`` from the
# README itself (sphinxext/skrnn_readme.py), so that the two cannot drift apart.


# The changelog page shows the README's list of changes, read the same way.


def _write_readme_part(convert, name):
    text = convert(HERE.parent / "README.md")
    path = HERE / "generated" / name
    path.parent.mkdir(exist_ok=True)
    # Rewritten only when it changes, so that Sphinx does not rebuild the page.
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


_write_readme_part(skrnn_readme.readme_results_rst, "readme_results.inc")
_write_readme_part(skrnn_readme.readme_changes_rst, "readme_changes.inc")


# -- Docstring guard -----------------------------------------------------------

# In reST, a bare word ending in "_" is a link to a target of that name, so the
# type "ndarray of shape (n_samples, n_features_in_)" would be a broken link
# (scikit-learn's attribute names end in "_"). In the type of a numpydoc
# "name : type" line, such words are put in backquotes (code, as elsewhere).
_PARAM_LINE = re.compile(r"^(\s*[\w*\\, ]+ : )(.*)$")
_BARE_NAME_ = re.compile(r"(?<![\w`*|<])([A-Za-z]\w*_)(?![\w`])")


def _quote_trailing_underscore_names(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        match = _PARAM_LINE.match(line)
        if match:
            head, kind = match.groups()
            lines[i] = head + _BARE_NAME_.sub(r"`\1`", kind)


# -- Signatures of the Keras layers -------------------------------------------

# keras.layers.Layer defines __new__(cls, *args, **kwargs), and autodoc reads a
# class's signature from __new__ before __init__ (Python's own inspect.signature
# takes the one the class itself defines), so the layers of skrnn.layers would show
# "(*args, **kwargs)". Such a class gets the signature of its own __init__.


def _constructor_signature(app, what, name, obj, options, signature, return_annotation):
    if what == "class" and signature == "(*args, **kwargs)" and "__init__" in vars(obj):
        return str(inspect.signature(obj)), return_annotation
    return None


# -- Gallery guard -------------------------------------------------------------

# sphinx-gallery prints what an example writes to stderr, warnings included, in
# the page, and does not count them as build warnings. A Python warning in an
# example's output is a mistake in the example (or a deprecation in skrnn) that
# a reader would see: report it as a Sphinx warning, an error under -W.
_PYTHON_WARNING = re.compile(r"^\s+\S+:\d+: (\w*Warning): (.*)$")
_gallery_logger = sphinx.util.logging.getLogger("skrnn.gallery")


def _report_warnings_in_examples(app, docname, source):
    if not docname.startswith(sphinx_gallery_conf["gallery_dirs"] + "/plot_"):
        return
    for lineno, line in enumerate(source[0].splitlines(), start=1):
        match = _PYTHON_WARNING.match(line)
        if match:
            category, message = match.groups()
            _gallery_logger.warning(
                "the example's output shows a %s: %s",
                category,
                message,
                location=(docname, lineno),
            )


def setup(app):
    # Before numpydoc (priority 500) turns the docstring into reST.
    app.connect("autodoc-process-docstring", _quote_trailing_underscore_names, priority=400)
    # Before numpydoc (priority 500), which returns the signature it was given.
    app.connect("autodoc-process-signature", _constructor_signature, priority=400)
    app.connect("source-read", _report_warnings_in_examples)
