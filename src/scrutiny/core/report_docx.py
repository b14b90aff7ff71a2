"""The report as a Word document the team can edit: real headings, lists and tables.

Built from the same layout as the HTML. Headings use Word's built-in heading styles
(so the navigation pane and a table of contents work), tables repeat their header row
and carry a caption, and each chart is a PNG with alt text on its drawing.

An organisation may supply its own template (`template=`): its styles, cover page,
headers and footers are kept. `{{title}}`, `{{partnership}}`, `{{reference}}`,
`{{version}}` and `{{status}}` (spaces inside allowed) anywhere in its body, headers or
footers are filled in, and the report follows the template's own body. Opening,
checking and completing a template is `scrutiny.core.word.template`'s work. A template
saved by Word holds only the styles it uses, so a style the report needs (Title,
Heading 1, List Bullet ...) that the template lacks is copied in from Word's built-in
definition, bullets and numbering included: the headings stay real headings whatever
the template. A template without a header or footer gets the house ones (the footer
numbers the pages).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from scrutiny.core.report import Report, Version
from scrutiny.core.report_charts import chart_png
from scrutiny.core.report_figures import DataTable
from scrutiny.core.report_layout import (
    ORGANISATION,
    Block,
    Contents,
    Figure,
    Heading,
    Items,
    Layout,
    Para,
    Table,
    layout,
    refs_text,
    version_label,
)
from scrutiny.core.word.properties import set_document_properties
from scrutiny.core.word.template import ensure_styles, fill_placeholders, open_template

_GREY = RGBColor(0x4D, 0x4D, 0x4D)


def render_docx(
    report: Report, *, version: Version = "public", template: Path | None = None
) -> bytes:
    doc_layout = layout(report, version)
    return render_layout_docx(
        doc_layout,
        properties=DocxProperties(
            subject=f"{report.partnership} · {report.reference}",
            keywords=version_label(version),
            status=report.status.capitalize(),
            header=f"{report.partnership} · inspection reference {report.reference}",
        ),
        template=template,
        placeholders=placeholder_values(report, doc_layout),
    )


@dataclass(frozen=True)
class DocxProperties:
    """What a document says of itself beyond its title: File > Info, and the house header."""

    subject: str
    keywords: str
    status: str
    header: str  # the house header's line (a template's own header is kept)


def render_layout_docx(
    doc_layout: Layout,
    *,
    properties: DocxProperties,
    template: Path | None = None,
    placeholders: dict[str, str] | None = None,
) -> bytes:
    """Any layout (an inspection's report, a programme's review of findings) as a Word
    document, in the house style or an organisation's template."""
    # A template is checked and made safe (links cut, missing parts added) by
    # `scrutiny.core.word.template`; it refuses one it cannot use, saying why.
    doc = open_template(template)[0] if template else Document()
    set_document_properties(
        doc,
        organisation=ORGANISATION,
        title=doc_layout.title,
        subject=properties.subject,
        keywords=properties.keywords,
        status=properties.status,
        language=doc_layout.lang,
    )
    if template:
        ensure_styles(doc, _NEEDED_STYLES)
        fill_placeholders(doc, placeholders or {"title": doc_layout.title})
        _house_header_and_footer(doc, properties.header, only_where_missing=True)
        if any(p.text.strip() for p in doc.paragraphs):  # a cover page: the report follows it
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    else:
        _house_style(doc, properties.header)
    for block in doc_layout.blocks:
        _block(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def placeholder_values(report: Report, doc_layout: Layout) -> dict[str, str]:
    """What each of the template's placeholders (KNOWN_PLACEHOLDERS) becomes."""
    return {
        "title": doc_layout.title,
        "partnership": report.partnership,
        "reference": report.reference,
        "version": version_label(doc_layout.version),
        "status": report.status.capitalize(),
    }


# The styles the report's blocks are written in (see _block and _table).
_NEEDED_STYLES = (
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Intense Quote",
    "List Bullet",
    "List Number",
    "Caption",
    "Table Grid",
)


def _house_style(doc: DocxDocument, header: str) -> None:
    """The look of a document made without a template: plain, readable, numbered pages."""
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"  # on every Windows and Mac; Roboto may not be
    normal.font.size = Pt(11)
    lang = OxmlElement("w:lang")  # Word checks spelling in British English
    lang.set(qn("w:val"), "en-GB")
    normal.element.get_or_add_rPr().append(lang)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.2)
    _house_header_and_footer(doc, header, only_where_missing=False)


def _house_header_and_footer(doc: DocxDocument, header: str, *, only_where_missing: bool) -> None:
    """The header's line (an inspection's partnership and reference) and "Page n of m" in
    the footer; with a template, only in a section that defines no header or footer of
    its own."""
    for section in doc.sections:
        if not only_where_missing or section.header.is_linked_to_previous:
            _house_header(section.header.paragraphs[0], header)
        if not only_where_missing or section.footer.is_linked_to_previous:
            _house_footer(section.footer.paragraphs[0])
        if only_where_missing:
            break  # later sections inherit the first one's when they define none


def _house_header(paragraph: Paragraph, text: str) -> None:
    paragraph.text = text
    paragraph.runs[0].font.size = Pt(8)
    paragraph.runs[0].font.color.rgb = _GREY


def _house_footer(footer: Paragraph) -> None:
    for piece in ("Page ", "PAGE", " of ", "NUMPAGES"):
        if piece.isupper():
            _field(footer, piece)
        else:
            footer.add_run(piece)
    for run in footer.runs:
        run.font.size = Pt(8)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word computes when it lays out the pages."""
    begin, instr, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, end):
        paragraph.add_run()._r.append(element)


def _style(doc: DocxDocument, name: str, fallback: str = "Normal") -> str:
    """A template may lack a built-in style: fall back rather than fail."""
    try:
        doc.styles[name]
        return name
    except KeyError:
        return fallback


def _block(doc: DocxDocument, block: Block) -> None:
    if isinstance(block, Heading):
        # Level 1 is the document title; the HTML's h2 and h3 are Word's headings 1 and 2.
        heading = doc.add_heading(
            _printable(block.text), level=0 if block.level == 1 else block.level - 1
        )
        if block.level == 2 and block.anchor.startswith("question-"):
            heading.paragraph_format.page_break_before = True
    elif isinstance(block, Para):
        style = {"lead": "Subtitle", "notice": "Intense Quote", "cover": "Subtitle"}.get(
            block.kind, "Normal"
        )
        paragraph = doc.add_paragraph(_printable(block.text), style=_style(doc, style))
        _right_to_left_if_needed(paragraph, block.text)
        if block.refs:
            _citation(paragraph, block.refs)
    elif isinstance(block, Items):
        style = _style(doc, "List Number" if block.ordered else "List Bullet")
        for item in block.items:
            paragraph = doc.add_paragraph(_printable(item.text), style=style)
            _right_to_left_if_needed(paragraph, item.text)
            if item.refs:
                _citation(paragraph, item.refs)
    elif isinstance(block, Table):
        _table(doc, block.table)
    elif isinstance(block, Figure):
        chart = block.chart
        run = doc.add_paragraph().add_run()
        picture = run.add_picture(io.BytesIO(chart_png(chart)), width=Cm(16))
        doc_pr = picture._inline.docPr
        doc_pr.set("title", chart.title)
        doc_pr.set("descr", chart.description)
        _table(doc, chart.table)
    elif isinstance(block, Contents):
        doc.add_heading("Contents", level=1)
        _contents(doc, block)
    else:
        raise AssertionError(f"unknown block {block!r}")


def _citation(paragraph: Paragraph, refs: tuple[str, ...]) -> None:
    run = paragraph.add_run(f" {refs_text(refs)}")
    run.italic = True
    run.font.color.rgb = _GREY


def _printable(text: str) -> str:
    """Text Word can hold. Input refuses control characters (scrutiny.core.bundle); this
    keeps a document from failing on one that slipped in some other way."""
    return _CONTROL.sub("", text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Hebrew, Arabic, Syriac, Thaana, NKo and their presentation forms.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _right_to_left_if_needed(paragraph: Paragraph, text: str) -> None:
    """A paragraph that starts in a right-to-left script is laid out right to left, as the
    HTML's dir="auto" does."""
    first = next((c for c in text if c.isalpha()), "")
    if first and _RTL.match(first):
        bidi = OxmlElement("w:bidi")
        paragraph._p.get_or_add_pPr().append(bidi)
        for run in paragraph.runs:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))


def _contents(doc: DocxDocument, block: Contents) -> None:
    """A real table-of-contents field whose shown result is the list of sections:
    readable as it is, and Word adds page numbers when the team updates fields."""
    paragraphs = [doc.add_paragraph(style=_style(doc, "TOC 1")) for _ in block.entries]
    if not paragraphs:
        return
    first, last = paragraphs[0], paragraphs[-1]
    begin, instr, separate = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-1" \\h \\z \\u '
    separate.set(qn("w:fldCharType"), "separate")
    for element in (begin, instr, separate):
        first.add_run()._r.append(element)
    for paragraph, (_, text) in zip(paragraphs, block.entries, strict=True):
        paragraph.add_run(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    last.add_run()._r.append(end)


def _table(doc: DocxDocument, data: DataTable) -> None:
    doc.add_paragraph(data.caption, style=_style(doc, "Caption"))
    table = doc.add_table(rows=1, cols=len(data.headers))
    table.style = _style(doc, "Table Grid", fallback="Normal Table")
    props = table._tbl.tblPr
    caption = OxmlElement("w:tblCaption")  # the table's name for screen readers
    caption.set(qn("w:val"), data.caption)
    props.append(caption)
    header = table.rows[0]
    # Repeat the header row on every page, and mark it as the header for screen readers.
    header_props = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for cell, text in zip(header.cells, data.headers, strict=True):
        cell.text = _printable(text)
        cell.paragraphs[0].runs[0].bold = True
    for row in data.rows:
        cells = table.add_row().cells
        for k, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = _printable(text)
            if k == 0:
                cell.paragraphs[0].runs[0].bold = True
    doc.add_paragraph()
