"""The partnership's lead document and its length limit.

2018–20 programme: the joint self-evaluation, structured on the five questions, at most
about 30 pages. 2021 programme on: the position statement, at most 5,000 words. Which one
an inspection asks for follows from its programme's timetable (the stage
`self_evaluation` or `position_statement`).

Lengths are read from the file, within budgets: a PDF's pages are counted from its page
tree; its words from the text of at most MAX_PAGES_READ pages. A Word document's words
are counted in word/document.xml (read up to MAX_XML_BYTES); its pages are Word's own
count in docProps/app.xml when present, else estimated at WORDS_PER_PAGE.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

SELF_EVALUATION_MAX_PAGES = 30
POSITION_STATEMENT_MAX_WORDS = 5000
# A page of a typed report: used only when a Word document carries no page count.
WORDS_PER_PAGE = 500
MAX_PAGES_READ = 200
MAX_XML_BYTES = 20 * 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@dataclass(frozen=True)
class LeadDocument:
    stage: str  # the timetable's stage id
    title: str  # "position statement", in running text
    max_words: int | None = None
    max_pages: int | None = None

    @property
    def limit(self) -> str:
        if self.max_words is not None:
            return f"at most {self.max_words:,} words"
        return f"at most {self.max_pages} pages"


SELF_EVALUATION = LeadDocument(
    "self_evaluation", "joint self-evaluation", max_pages=SELF_EVALUATION_MAX_PAGES
)
POSITION_STATEMENT = LeadDocument(
    "position_statement", "position statement", max_words=POSITION_STATEMENT_MAX_WORDS
)


def lead_document_for(stage_ids: set[str]) -> LeadDocument | None:
    """The lead document a programme asks for, from its timetable's stage ids."""
    if POSITION_STATEMENT.stage in stage_ids:
        return POSITION_STATEMENT
    if SELF_EVALUATION.stage in stage_ids:
        return SELF_EVALUATION
    return None


class DocumentTooLong(ValueError):
    """The document is over its limit, or its length cannot be read; the message says which."""


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("word/document.xml")
        if info.file_size > MAX_XML_BYTES:
            raise DocumentTooLong("The Word document is too large to count its words.")
        root = ElementTree.fromstring(zf.read(info))
    paragraphs = []
    for p in root.iter(f"{_W}p"):
        paragraphs.append("".join(t.text or "" for t in p.iter(f"{_W}t")))
    return "\n".join(paragraphs)


def _docx_pages(path: Path) -> int | None:
    with zipfile.ZipFile(path) as zf:
        try:
            info = zf.getinfo("docProps/app.xml")
        except KeyError:
            return None
        if info.file_size > 1024 * 1024:
            return None
        root = ElementTree.fromstring(zf.read(info))
    for el in root.iter():
        if el.tag.endswith("}Pages") and (el.text or "").strip().isdigit():
            return int((el.text or "").strip())
    return None


def _pdf(path: Path) -> tuple[int, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = len(reader.pages)
        text = "\n".join((page.extract_text() or "") for page in reader.pages[:MAX_PAGES_READ])
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentTooLong("The PDF could not be read to count its length.") from exc
    return pages, text


def measure(path: Path, content_type: str) -> tuple[int | None, int]:
    """(pages, words) of a PDF or Word document; pages None when only estimated."""
    if content_type == "application/pdf":
        pages, text = _pdf(path)
        return pages, count_words(text)
    try:
        words = count_words(_docx_text(path))
        return _docx_pages(path), words
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise DocumentTooLong("The Word document could not be read to count its words.") from exc


def check_lead_document(path: Path, content_type: str, document: LeadDocument) -> str:
    """Refuse a document over its limit (DocumentTooLong); else say its length."""
    if content_type not in ("application/pdf", DOCX):
        raise DocumentTooLong(
            f"Send the {document.title} as a PDF or a Word document (.docx), not an image."
        )
    pages, words = measure(path, content_type)
    if document.max_words is not None and words > document.max_words:
        raise DocumentTooLong(
            f"The {document.title} has {words:,} words; it may have "
            f"{document.limit}. Shorten it and send it again."
        )
    if document.max_pages is not None:
        counted = pages if pages is not None else -(-words // WORDS_PER_PAGE)
        if counted > document.max_pages:
            how = "" if pages is not None else f" (estimated at {WORDS_PER_PAGE} words a page)"
            raise DocumentTooLong(
                f"The {document.title} has {counted} pages{how}; it may have "
                f"{document.limit}. Shorten it, or send the detail as supporting documents."
            )
    if pages is not None:
        return f"{pages} page{'s' if pages != 1 else ''}, {words:,} words"
    return f"{words:,} words"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
