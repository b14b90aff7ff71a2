"""The report as a tagged PDF, printed by WeasyPrint from the same HTML as the web page.

`pdf/ua-1` makes WeasyPrint write a tagged PDF (headings, lists, tables and figures
in the structure tree, the document's language and title) for screen-reader users;
page numbers and the contents list's page references come from the print stylesheet.
"""

from __future__ import annotations

from scrutiny.core.report import Report, Version
from scrutiny.core.report_html import render_html


def render_pdf(report: Report, *, version: Version = "public") -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only PDF output needs.
    from weasyprint import HTML

    html = render_html(report, version=version)
    # No base URL: the page is self-contained and must never fetch anything.
    pdf: bytes = HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
