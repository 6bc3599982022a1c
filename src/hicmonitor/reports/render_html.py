"""Self-contained HTML rendering of a report document (also the input of the PDF renderer).

The page has no external reference at all: the CSS is inline, the font is embedded as a
``data:`` URL and figures are ``data:`` images, so the file can be mailed or archived alone.
"""

from __future__ import annotations

import base64
from functools import cache
from importlib.resources import files
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from hicmonitor.format_nl import long_date
from hicmonitor.reports.model import (
    Document,
    Figure,
    Footnote,
    footnotes,
    format_number,
    is_numeric,
)
from hicmonitor.reports.placeholders import segments

FONTS = (
    ("NotoSans-Regular.ttf", "normal", "normal"),
    ("NotoSans-Bold.ttf", "bold", "normal"),
    ("NotoSans-Italic.ttf", "normal", "italic"),
    ("NotoSans-BoldItalic.ttf", "bold", "italic"),
)


def css_string(text: str) -> str:
    """A CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _resource(*parts: str) -> bytes:
    node = files("hicmonitor.reports")
    for p in parts:
        node = node.joinpath(p)
    return node.read_bytes()


@cache
def font_face_css(embed: bool = True) -> str:
    """``@font-face`` rules for the package's fonts: embedded as data URLs (self-contained
    HTML), or as ``file:`` URLs of the package files (the PDF, where WeasyPrint embeds the
    font itself and need not tokenise half a megabyte of base64)."""
    rules = []
    folder = files("hicmonitor.reports").joinpath("fonts")
    for name, weight, style in FONTS:
        if embed:
            data = base64.b64encode(_resource("fonts", name)).decode("ascii")
            src = f"data:font/ttf;base64,{data}"
        else:
            src = Path(str(folder.joinpath(name))).resolve().as_uri()
        rules.append(
            '@font-face { font-family: "HIC Noto Sans"; '
            f"src: url({src}) format('truetype'); "
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("hicmonitor.reports", "templates"),
        autoescape=True,
        trim_blocks=False,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("document.html.j2")


def highlighter(concept: bool):  # noqa: ANN201
    """The template's ``ph`` filter: text escaped, its placeholders in ``<mark>`` (concept)."""

    def ph(text: object, whole: bool = False) -> Markup:
        value = "" if text is None else str(text)
        if not concept:
            return Markup(escape(value))
        out = []
        for piece, marked in segments(value, whole):
            if marked:
                out.append(Markup('<mark class="plaatshouder">{}</mark>').format(piece))
            else:
                out.append(escape(piece))
        return Markup("").join(out)

    return ph


def _image_src(fig: Figure) -> str:
    if fig.svg is not None:
        return "data:image/svg+xml;base64," + base64.b64encode(fig.svg.encode("utf-8")).decode()
    return "data:image/png;base64," + base64.b64encode(fig.png).decode()


def build_html(doc: Document, *, paged: bool) -> str:
    """The document as one HTML string; ``paged`` selects the print (PDF) layout."""
    css = [font_face_css(embed=not paged), _resource("templates", "base.css").decode("utf-8")]
    css.append(_resource("templates", "print.css" if paged else "screen.css").decode("utf-8"))
    if paged and doc.logo:
        # the ministry's beeldmerk above the text on the first page (a running element)
        # centred on the page, not on the text column (the right margin is 42 mm wider)
        css.append(
            "@page :first { @top-center { content: element(beeldmerk); padding-left: 42mm } }"
        )
    elif paged and doc.header.sender:
        # the ministry's name above the text on the first page (a page-margin box)
        css.append(
            f"@page :first {{ @top-center {{ content: {css_string(doc.header.sender[0])} }} }}"
        )
    notes = footnotes(doc)
    numbers = {id(fn): i for i, fn in enumerate(notes, start=1)}

    def fn_number(fn: Footnote) -> int:
        return numbers[id(fn)]

    logo = None
    if doc.logo:
        mime = "image/png" if doc.logo.startswith(b"\x89PNG") else "image/jpeg"
        logo = f"data:{mime};base64," + base64.b64encode(doc.logo).decode("ascii")
    return _template().render(
        doc=doc,
        ph=highlighter(doc.concept),
        logo=logo,
        created=(doc.created.isoformat() if doc.created else doc.date.isoformat()),
        print=paged,
        css="\n".join(css),
        notes=notes,
        fn_number=fn_number,
        fmt=format_number,
        num=is_numeric,
        image_src=_image_src,
        long_date=long_date,
    )


def render_html(doc: Document, target: Path) -> Path:
    """Write the self-contained HTML file."""
    target.write_text(build_html(doc, paged=False), encoding="utf-8")
    return target
