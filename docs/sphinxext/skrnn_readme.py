"""Parts of the README, as reST for the documentation.

The README's default run of ``skrnn compare`` (:func:`readme_results_rst`) is
shown on the front page; its list of changes (:func:`readme_changes_rst`) is
the changelog page.

The README shows what ``make demo`` printed: a paragraph, the terminal's table,
a paragraph on what it says, the two figures. The front page shows the same part
of the README, read from it at every build, so that the two cannot drift apart.
The part lies between two HTML comments, which GitHub does not display::

    <!-- begin: default run ... -->
    ...
    <!-- end: default run -->

It is Markdown. The conversion knows what that part holds: paragraphs (their
inline code becomes reST literals), one fenced block with the table that
``skrnn compare`` prints (it becomes a ``csv-table``, which wraps to the page
where the terminal's 145 columns would not fit) and images under ``docs/``.
Anything else (a link, a heading, a list, a table that does not parse) raises
``ValueError``, which fails the build: a change to that part of the README that
this conversion would garble does not pass unnoticed.
"""

import re
from pathlib import Path

BEGIN = "<!-- begin: default run"
END = "<!-- end: default run -->"

_IMAGE = re.compile(r"^!\[([^\]]*)\]\(docs/(images/[^)\s]+)\)$")
# Markdown this conversion does not handle: links, headings, lists, bold, HTML.
_UNSUPPORTED = re.compile(r"\[[^\]]*\]\(|^#|^\s*[-*+] |\*\*|<")
_INLINE_CODE = re.compile(r"(?<!`)`([^`]+)`(?!`)")
_NUMBER = r"(?:-?\d[\d.]*(?:e[+-]?\d+)?|nan|inf)"
#: Width of the model's name in the printed table (``f"{name:<16} "``).
_NAME_WIDTH = 16


def readme_results_rst(readme):
    """The part of `readme` (a path) between the markers, as reST text."""
    text = Path(readme).read_text(encoding="utf-8")
    begin, end = text.find(BEGIN), text.find(END)
    if begin < 0 or end < begin:
        raise ValueError(f"{readme} has no {BEGIN!r} ... {END!r} part")
    lines = text[text.index("\n", begin) + 1 : end].strip("\n").split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i].rstrip()
        if line.startswith("```"):
            close = lines.index("```", i + 1)
            out += results_table(lines[i + 1 : close])
            i = close + 1
            continue
        image = _IMAGE.match(line)
        if image:
            alt, path = image.groups()
            # A width makes Sphinx link the image to its full size, for a closer look.
            out += ["", f".. image:: /{path}", f"   :alt: {alt}", "   :width: 100%", ""]
        elif _UNSUPPORTED.search(line):
            raise ValueError(f"{readme}: cannot convert {line!r} to reST; extend skrnn_readme")
        else:
            out.append(_INLINE_CODE.sub(r"``\1``", line))
        i += 1
    return "\n".join(out) + "\n"


def results_table(lines):
    """A ``csv-table`` of the table ``skrnn compare`` prints: header, rule, one
    line per model, with the Diebold-Mariano verdicts last (none, the one
    against naive, or that and the one against the linear model)."""
    if len(lines) < 3:
        raise ValueError(f"not a table of skrnn compare: {lines!r}")
    header = re.split(r"\s{2,}", lines[0].strip())
    if header[:2] != ["model", "best parameters"] or set(lines[1]) != {"-"}:
        raise ValueError(f"not a table of skrnn compare: {lines[0]!r}")
    verdicts = sum(h.startswith(("Diebold-Mariano", "vs ")) for h in header)
    n_numbers = len(header) - 2 - verdicts
    row = re.compile(
        rf"^(?P<params>\S.*?)\s+(?P<numbers>{_NUMBER}(?:\s+{_NUMBER}){{{n_numbers - 1}}})"
        + (r"\s{2}(?P<verdict>\S.*)$" if verdicts else r"\s*$")
    )
    classes = "skrnn-results" + (" skrnn-verdict" if verdicts else "")
    classes += " skrnn-verdict2" if verdicts == 2 else ""
    out = [
        ".. csv-table::",
        "   :header: " + ", ".join(_cell(h) for h in header),
        f"   :class: {classes}",
        "",
    ]
    for line in lines[2:]:
        name = line[:_NAME_WIDTH].strip()
        match = row.match(line[_NAME_WIDTH + 1 :])
        if not name or match is None:
            raise ValueError(f"a line of the results table does not parse: {line!r}")
        cells = [name, match["params"], *match["numbers"].split()]
        if verdicts:
            cells += re.split(r"\s{2,}", match["verdict"].strip(), maxsplit=verdicts - 1)
        out.append("   " + ", ".join(_cell(c) for c in cells))
    return out


def _cell(value):
    if value == "-":  # alone in a cell, reST would read a bullet list
        return "\\-"
    if "," in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


CHANGES_HEADING = "## Changes"
_BULLET = re.compile(r"^- (\S.*)$")
_CONTINUATION = re.compile(r"^  (\S.*)$")


def readme_changes_rst(readme):
    """The README's ``## Changes`` section (up to the next ``##`` heading or
    the end), as reST: its paragraphs and its ``- `` lists, whose items go on
    on lines indented by two spaces. Anything else raises ``ValueError``."""
    lines = Path(readme).read_text(encoding="utf-8").split("\n")
    try:
        start = lines.index(CHANGES_HEADING) + 1
    except ValueError:
        raise ValueError(f"{readme} has no {CHANGES_HEADING!r} section") from None
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    out = []
    for line in lines[start:end]:
        line = line.rstrip()
        bullet, more = _BULLET.match(line), _CONTINUATION.match(line)
        text = bullet[1] if bullet else more[1] if more else line
        if _UNSUPPORTED.search(text) or text.startswith(" "):
            raise ValueError(f"{readme}: cannot convert {line!r} to reST; extend skrnn_readme")
        text = _INLINE_CODE.sub(r"``\1``", text)
        if bullet:
            # reST needs a blank line between a paragraph and a list.
            if out and out[-1] and not out[-1].startswith(("- ", "  ")):
                out.append("")
            out.append(f"- {text}")
        elif more:
            out.append(f"  {text}")
        else:
            out.append(text)
    return "\n".join(out).strip("\n") + "\n"
