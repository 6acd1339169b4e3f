"""Check that no page of the HTML build loads anything from the network.

skrnn's documentation is meant to be read from disk as well as from a server:
every script, stylesheet, font and image a page uses is part of the build
(MathJax included, see ``_static/mathjax``). After an HTML build, this
extension reads every built ``.html`` and ``.css`` file and warns about each
place that would fetch a resource from another site (an error under ``-W``, as
in ``make docs``):

- in HTML, the ``src`` of ``<script>``, ``<img>``, ``<iframe>``, media and
  embedded elements, the ``srcset`` of ``<img>`` and ``<source>``, the ``href``
  of a ``<link>`` that loads something (``rel="stylesheet"``, ``icon``,
  ``preload``...), and ``url()`` / ``@import`` in ``<style>`` elements and
  ``style`` attributes;
- in CSS files, ``url()`` and ``@import``.

A URL is a network one when it has the ``http:``, ``https:``, ``ftp:``,
``ws:`` or ``wss:`` scheme, or none with a leading ``//`` (protocol-relative).
Links a reader follows (``<a href>``, ``<link rel="canonical">``...) are
fine. JavaScript files are not read: what a script fetches when it runs is
out of reach of a text check.

:func:`find_network_assets` does the check and needs only the standard
library, so that the test suite can run it without Sphinx.
"""

import re
import time
from html.parser import HTMLParser
from pathlib import Path

_NETWORK_URL = re.compile(r"^\s*(?:(?:https?|ftp|wss?):)?//", re.IGNORECASE)

# Attributes that make the browser fetch their URL when the page loads.
_LOADING_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),  # SVG inlined in the page
    "use": ("href", "xlink:href"),
}
# <link> relations whose href is fetched, not merely pointed at.
_LOADING_RELATIONS = {
    "stylesheet",
    "icon",
    "apple-touch-icon",
    "mask-icon",
    "manifest",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
}

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)"""
    r"""|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)


def _srcset_urls(value):
    # "a.png, b.png 2x": each candidate is a URL and an optional descriptor.
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]


def css_network_urls(css):
    """``(offset, url)`` of each network URL that a piece of CSS loads.

    Comments are left out: stylesheets often name their project's site in
    their licence header.
    """
    # Comments are blanked, not removed, so that offsets stay those of `css`.
    css = _CSS_COMMENT.sub(lambda match: re.sub(r"\S", " ", match.group()), css)
    found = []
    for match in _CSS_URL.finditer(css):
        url = next(group for group in match.groups() if group is not None)
        if _NETWORK_URL.match(url):
            found.append((match.start(), url))
    return found


class _PageScanner(HTMLParser):
    """Collects ``(line, what, url)`` for each network resource of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        attrs = {name: value or "" for name, value in attrs}
        for name in _LOADING_ATTRIBUTES.get(tag, ()):
            value = attrs.get(name, "")
            urls = _srcset_urls(value) if name == "srcset" else [value]
            self._add(line, f"<{tag} {name}>", urls)
        if tag == "link" and _LOADING_RELATIONS & set(attrs.get("rel", "").lower().split()):
            self._add(line, f'<link rel="{attrs["rel"]}">', [attrs.get("href", "")])
        if "style" in attrs:
            urls = [url for _, url in css_network_urls(attrs["style"])]
            self._add(line, f"<{tag} style>", urls)
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            first_line = self.getpos()[0]
            for offset, url in css_network_urls(data):
                self.found.append((first_line + data.count("\n", 0, offset), "<style>", url))

    def _add(self, line, what, urls):
        self.found.extend((line, what, url) for url in urls if _NETWORK_URL.match(url))


def find_network_assets(outdir, pages=None):
    """Every network resource that the built pages under `outdir` load.

    Parameters
    ----------
    outdir : str or pathlib.Path
        The output folder of an HTML build.
    pages : iterable of pathlib.Path, default=None
        The HTML files to read, relative to `outdir`; every ``.html`` file
        under `outdir` by default. Every ``.css`` file is read.

    Returns
    -------
    list of str
        One ``"path:line: what loads url"`` line per resource, the path relative
        to `outdir`, sorted; empty when the pages need no network.
    """
    outdir = Path(outdir)
    pages = outdir.rglob("*.html") if pages is None else (outdir / page for page in pages)
    problems = []
    for path in sorted(pages):
        scanner = _PageScanner()
        scanner.feed(path.read_text(encoding="utf-8", errors="replace"))
        scanner.close()
        relative = path.relative_to(outdir).as_posix()
        problems += [f"{relative}:{line}: {what} loads {url}" for line, what, url in scanner.found]
    for path in sorted(outdir.rglob("*.css")):
        css = path.read_text(encoding="utf-8", errors="replace")
        relative = path.relative_to(outdir).as_posix()
        for offset, url in css_network_urls(css):
            line = css.count("\n", 0, offset) + 1
            problems.append(f"{relative}:{line}: url() or @import loads {url}")
    return problems


def _note_start(app):
    app.builder.skrnn_build_started = time.time()


def _current_pages(app):
    """The built pages this build stands for, relative to its output folder.

    An output folder keeps the pages of documents that have since been removed
    or excluded; they are not part of the site any more, so they are not read.
    The pages of current documents are, whether or not this build rewrote
    them, and so are the pages without a source (the index, the search page)
    that this build wrote.
    """
    outdir = Path(app.outdir)
    documents = {Path(app.builder.get_outfilename(doc)) for doc in app.env.found_docs}
    started = app.builder.skrnn_build_started
    return [
        path.relative_to(outdir)
        for path in outdir.rglob("*.html")
        if path in documents or path.stat().st_mtime >= started
    ]


def _check_built_pages(app, exception):
    """Warn about each network resource: an error under ``-W``, as in ``make docs``."""
    from sphinx.util import logging

    if exception is not None or app.builder.format != "html":
        return
    logger = logging.getLogger(__name__)
    for problem in find_network_assets(app.outdir, _current_pages(app)):
        location, _, what = problem.partition(": ")
        logger.warning(
            "%s from the network: the documentation must work offline",
            what,
            location=str(Path(app.outdir) / location),
            type="skrnn",
            subtype="offline",
        )


def setup(app):
    app.connect("builder-inited", _note_start)
    app.connect("build-finished", _check_built_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
