"""The report as a tagged PDF, printed by WeasyPrint from the same HTML as the web page.

`pdf/ua-1` makes WeasyPrint write a tagged PDF (headings, lists, tables and figures
in the structure tree, the document's language and title) for screen-reader users;
page numbers and the contents list's page references come from the print stylesheet.
The document's properties name the organisation (author and producer), the title and
the language; WeasyPrint would name itself as the producer, which a finisher replaces.
"""

from __future__ import annotations

from typing import Any

from scrutiny.core.report import Report, Version
from scrutiny.core.report_html import render_html, render_layout_html
from scrutiny.core.report_layout import ORGANISATION, Layout


def render_pdf(report: Report, *, version: Version = "public") -> bytes:
    return _pdf(render_html(report, version=version))


def render_layout_pdf(doc: Layout, *, description: str) -> bytes:
    """Any layout (an inspection's report, a programme's review of findings) as a PDF."""
    return _pdf(render_layout_html(doc, description=description))


def _pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only PDF output needs.
    from weasyprint import HTML

    # No base URL: the page is self-contained and must never fetch anything.
    pdf: bytes = HTML(string=html, base_url=None).write_pdf(
        pdf_variant="pdf/ua-1", finisher=_organisation_as_producer
    )
    return pdf


def _organisation_as_producer(document: Any, pdf: Any) -> None:
    """The Info dictionary's and the XMP metadata's Producer name the organisation."""
    import pydyf  # type: ignore[import-untyped]
    from weasyprint import __version__

    pdf.info["Producer"] = pydyf.String(ORGANISATION)
    library = f"WeasyPrint {__version__}".encode()
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [chunk.replace(library, ORGANISATION.encode()) for chunk in obj.stream]
