"""PDF rendering with WeasyPrint: tagged, language ``nl``, PDF/A-2a (accessible variant).

The paged layout comes from ``templates/print.css``: A4, the sender column on the right of
page 1, and on every later page the same column repeating directorate, date and kenmerk
(a CSS running element in the ``@right-top`` page-margin box). Footnotes use CSS
``float: footnote``. The font (Noto Sans, SIL OFL 1.1) is embedded from the package.
"""

from __future__ import annotations

import logging
from pathlib import Path

from hicmonitor.reports.model import Document
from hicmonitor.reports.render_html import build_html

PDF_VARIANT = "pdf/a-2a"  # PDF/A-2 level A: tagged structure, embedded fonts, Unicode text


def render_pdf(doc: Document, target: Path) -> Path:
    """Write ``doc`` as a tagged PDF/A-2a file."""
    import weasyprint  # heavy import, only when a PDF is asked for

    # WeasyPrint logs CSS it ignores and font-subsetting notes as warnings; they are not the
    # user's concern (the tests check the output itself)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    html = weasyprint.HTML(string=build_html(doc, paged=True), base_url=None)
    html.write_pdf(
        target,
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        custom_metadata=True,
    )
    return target
