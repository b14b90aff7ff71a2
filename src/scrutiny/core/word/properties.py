"""The document properties of every DOCX Scrutiny writes (File > Info in Word).

They are public: search engines index them and readers see them. They name the
organisation as author, the report's title and its language (en-GB), never the library
that wrote the file ("python-docx" is its default author) and nothing a template brought
with it: its author, comments, manager, company, the path of the template it was made
from or the base address of its links.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from lxml import etree

_EXTENDED = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
_EP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
# What a template's extended properties may say about where and by whom it was made.
_NOT_KEPT = ("Manager", "Template", "HyperlinkBase", "TotalTime", "HeadingPairs", "TitlesOfParts")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def set_document_properties(
    doc: DocxDocument,
    *,
    organisation: str,
    title: str,
    subject: str,
    keywords: str,
    status: str,
    language: str = "en-GB",
    now: dt.datetime | None = None,
) -> None:
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0, tzinfo=None)
    props = doc.core_properties
    props.author = organisation
    props.last_modified_by = organisation
    props.title = title
    props.subject = subject
    props.keywords = keywords
    props.language = language
    props.content_status = status
    for cleared in ("category", "comments", "identifier", "version"):
        setattr(props, cleared, "")
    props.created = now
    props.modified = now
    props.revision = 1
    last_printed = props._element.find(qn("cp:lastPrinted"))
    if last_printed is not None:
        props._element.remove(last_printed)
    for part in doc.part.package.iter_parts():
        if part.content_type == _EXTENDED:
            _extended(part, organisation)


def _extended(part: Any, organisation: str) -> None:
    try:
        root = etree.fromstring(part.blob, _PARSER)
    except etree.XMLSyntaxError:
        root = etree.Element(f"{{{_EP_NS}}}Properties", nsmap={None: _EP_NS})
    for name in _NOT_KEPT:
        for element in root.findall(f"{{{_EP_NS}}}{name}"):
            root.remove(element)
    company = root.find(f"{{{_EP_NS}}}Company")
    if company is None:
        company = etree.SubElement(root, f"{{{_EP_NS}}}Company")
    company.text = organisation
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
