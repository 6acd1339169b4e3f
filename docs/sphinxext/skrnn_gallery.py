"""sphinx-gallery helpers for skrnn's documentation.

:func:`skrnn.plotting.plot_learning_history` and
:func:`skrnn.plotting.plot_predictions` build a :class:`matplotlib.figure.Figure`
directly, without pyplot, so that they leave pyplot's state alone. Sphinx-gallery's
own matplotlib scraper only sees the figures pyplot manages (``plt.get_fignums()``),
so an example that writes ``fig = plot_predictions(...)`` and stops there would
show no image. :func:`unmanaged_figure_scraper` finds those figures among the
example's variables. (An example may also hand the figure to pyplot with
``plt.figure(fig)``, matplotlib >= 3.11; then the matplotlib scraper shows it,
and this one leaves it alone.)

docs/conf.py names the scraper by its import path (a string), which keeps the
Sphinx configuration picklable, and runs it before the matplotlib scraper.
"""

from pathlib import PurePosixPath

# Key of block_vars (one dict per example file) holding every Figure already
# looked at: the objects themselves, since an id can be reused once a figure is
# garbage collected.
_SEEN = "_skrnn_seen_figures"


def unmanaged_figure_scraper(block, block_vars, gallery_conf, **kwargs):
    """Save the new Figures that pyplot does not manage, after each code block.

    Each is saved at 1x and at the densities of ``image_srcset`` (2x for
    skrnn's pages), like the figures of sphinx-gallery's matplotlib scraper.

    A figure is new when the example's variables did not hold it after an
    earlier block. Figures that pyplot manages (``figure.canvas.manager`` set)
    are left to the matplotlib scraper, which runs next and closes them, and
    are remembered, so that they are not saved again once closed.
    """
    from matplotlib.figure import Figure
    from sphinx_gallery.scrapers import figure_rst

    seen = block_vars.setdefault(_SEEN, [])
    figures = []
    for value in list(block_vars["example_globals"].values()):
        candidates = value if isinstance(value, (list, tuple)) else [value]
        for fig in candidates:
            if not isinstance(fig, Figure) or any(fig is old for old in seen):
                continue
            seen.append(fig)
            if getattr(fig.canvas, "manager", None) is None:
                figures.append(fig)
    image_paths, srcset_paths = [], []
    for fig, image_path in zip(figures, block_vars["image_path_iterator"], strict=False):
        image_path = PurePosixPath(image_path)
        fig.savefig(image_path, **kwargs)
        srcset_paths.append({0: image_path, **_save_srcset(fig, image_path, gallery_conf, kwargs)})
        image_paths.append(image_path)
    return figure_rst(image_paths, gallery_conf["src_dir"], srcsetpaths=srcset_paths)


def _save_srcset(fig, image_path, gallery_conf, kwargs):
    """Save `fig` again at each density of ``image_srcset`` (e.g. 2x), as
    sphinx-gallery's matplotlib scraper does, and return ``{density: path}``."""
    import matplotlib

    dpi = kwargs.get("dpi", matplotlib.rcParams["savefig.dpi"])
    if dpi == "figure":
        dpi = fig.dpi
    paths = {}
    for density in gallery_conf["image_srcset"]:
        suffix = f"{density:.2f}".replace(".", "_")
        path = image_path.with_name(f"{image_path.stem}_{suffix}x{image_path.suffix}")
        fig.savefig(path, **{**kwargs, "dpi": density * dpi})
        paths[density] = path
    return paths
