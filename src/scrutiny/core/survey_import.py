"""Reading survey exports (CSV, XLSX) into the bundle's ``survey_responses``.

Inspection teams receive one row per respondent and one column per question from
LimeSurvey, KoboToolbox or Microsoft Forms. This module:

1. refuses anything that is not a survey export before reading it (size from the
   file system, magic bytes, NUL bytes, undecodable text, zip bombs);
2. recognises the export layout and proposes which file column holds which survey
   item, the respondent id and the care group (``propose_mapping``);
3. proposes how the answers found in the file map to the programme's options
   (``propose_value_mapping``);
4. imports all-or-nothing (``import_survey``): every row is read as a stream and
   validated; either every response comes back, or a ``SurveyImportError`` names
   every problem by row (as the spreadsheet shows it: header = row 1) and column.

Django-free: the web layer saves the upload to a temporary file, remembers the
mappings per survey (both are plain pydantic models) and stores the responses.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from difflib import SequenceMatcher
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypedDict

from pydantic import BaseModel, ConfigDict

from scrutiny.core.digest import file_sha256

# --- the shapes we read against --------------------------------------------------


class SurveyItem(Protocol):
    """One question of a programme survey. Empty ``options`` means free text."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def options(self) -> Sequence[str]: ...


class SurveyDefinition(Protocol):
    """A programme survey (``load_programme(...).surveys`` entries fit this)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def items(self) -> Sequence[SurveyItem]: ...


class SurveyResponse(TypedDict):
    """One entry of the bundle's ``survey_responses``."""

    survey: str
    respondent: str
    care_group: str | None
    answers: dict[str, str]


CARE_GROUPS = (
    "looked_after_at_home",
    "kinship_care",
    "foster_care",
    "residential",
    "short_breaks",
    "aftercare",
)

ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Limits:
    """What we agree to read. Checked before reading, so a huge file costs nothing."""

    max_file_bytes: int = 200 * 1024 * 1024
    # Sum of the XLSX members' uncompressed sizes: a zip bomb expands far beyond it.
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    max_columns: int = 2000
    max_cell_chars: int = 32_767  # Excel's own cell limit
    max_free_text_chars: int = 10_000
    # Problems listed one by one; beyond this they are counted per column, so a file
    # whose every cell is wrong cannot exhaust memory through its error report.
    max_listed_problems: int = 10_000


DEFAULT_LIMITS = Limits()
PROGRESS_EVERY_ROWS = 1000


# --- problems ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the file. ``row`` counts as the spreadsheet does."""

    message: str
    row: int | None = None
    column: str | None = None  # the header text as in the file
    column_letter: str | None = None  # A, B, ... AA as a spreadsheet labels it

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column is not None:
            letter = f" {self.column_letter}" if self.column_letter else ""
            where.append(f"column{letter} ({self.column})")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class SurveyImportError(Exception):
    """The import stored nothing. ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem], *, unlisted: dict[str, int] | None = None):
        self.problems = list(problems)
        self.unlisted = dict(unlisted or {})  # column -> count of problems not listed
        lines = [str(p) for p in self.problems[:20]]
        more = len(self.problems) - len(lines) + sum(self.unlisted.values())
        if more:
            lines.append(f"... and {more} more problems")
        super().__init__("\n".join(lines))

    @property
    def total(self) -> int:
        return len(self.problems) + sum(self.unlisted.values())


class NotASurveyExport(SurveyImportError):
    """The file was refused before any row was read."""

    def __init__(self, message: str):
        super().__init__([Problem(message)])


# --- refusing what is not a survey export --------------------------------------

# Magic numbers of files people upload by mistake, so the refusal can say what it is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Excel 97-2003 (.xls) or Office file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)
_ZIP_MAGIC = b"PK\x03\x04"
_SNIFF_BYTES = 64 * 1024
_WHAT_WE_READ = "Upload the survey export as CSV or Excel (.xlsx)."


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class _Sniffed:
    format: FileFormat
    encoding: str = "utf-8-sig"
    delimiter: str = ","


def _human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{n} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _sniff(path: Path, limits: Limits) -> _Sniffed:
    """Decide from the first bytes what the file is; refuse anything else at once."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotASurveyExport(f"The file could not be opened ({exc.strerror}).") from exc
    if size == 0:
        raise NotASurveyExport(f"The file is empty. {_WHAT_WE_READ}")
    if size > limits.max_file_bytes:
        raise NotASurveyExport(
            f"The file is {_human_size(size)}; survey exports larger than "
            f"{_human_size(limits.max_file_bytes)} are not accepted. Split it, or export "
            "only the survey's responses."
        )
    with path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
    if head.startswith(_ZIP_MAGIC):
        _check_xlsx(path, limits)
        return _Sniffed(FileFormat.XLSX)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise NotASurveyExport(f"This file is {what}, not a survey export. {_WHAT_WE_READ}")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # Excel's "Unicode text" export
        text = head.decode(encoding, errors="ignore")
    else:
        if b"\x00" in head:
            raise NotASurveyExport(
                f"This file is not text, so not a survey export. {_WHAT_WE_READ}"
            )
        encoding, text = _decode_head(head, complete=size <= len(head))
    if not text.strip():
        raise NotASurveyExport(f"The file holds no text. {_WHAT_WE_READ}")
    return _Sniffed(FileFormat.CSV, encoding, _delimiter(text))


def _decode_head(head: bytes, *, complete: bool) -> tuple[str, str]:
    try:
        return "utf-8-sig", head.decode("utf-8-sig") if complete else _decode_cut(head)
    except UnicodeDecodeError:
        pass
    # Older Excel on Windows saves "CSV" in Windows-1252. Text in it has few control
    # characters; binary data decoded that way has many.
    try:
        text = head.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise NotASurveyExport(
            f"The file is not readable text. {_WHAT_WE_READ} (Save as 'CSV UTF-8'.)"
        ) from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > len(text) // 100:
        raise NotASurveyExport(f"This file is not text, so not a survey export. {_WHAT_WE_READ}")
    return "cp1252", text


def _decode_cut(head: bytes) -> str:
    # Up to 3 trailing bytes may be the start of a character cut by the sniffed block.
    for cut in range(4):
        try:
            return head[: len(head) - cut].decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
    return head.decode("utf-8-sig")  # raises, naming the bad byte


def _delimiter(text: str) -> str:
    """KoboToolbox exports ';' by default, most others ','; pick what splits the header."""
    header = text.splitlines()[0] if text.splitlines() else ""
    best, best_fields = ",", 1
    for candidate in (",", ";", "\t"):
        fields = len(next(csv.reader([header], delimiter=candidate), []))
        if fields > best_fields:
            best, best_fields = candidate, fields
    return best


def _check_xlsx(path: Path, limits: Limits) -> None:
    """An XLSX is a zip: look at its directory only, so a zip bomb is never expanded."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise NotASurveyExport(f"The file is a damaged zip or Excel file. {_WHAT_WE_READ}") from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        what = "a Word document" if "word/document.xml" in names else "a zip archive"
        raise NotASurveyExport(f"This file is {what}, not an Excel survey export. {_WHAT_WE_READ}")
    if len(infos) > 10_000:
        raise NotASurveyExport("The Excel file has too many parts to be a survey export.")
    expanded = sum(i.file_size for i in infos)
    if expanded > limits.max_uncompressed_bytes:
        raise NotASurveyExport(
            f"The Excel file expands to {_human_size(expanded)} when opened; the limit is "
            f"{_human_size(limits.max_uncompressed_bytes)}. Export the responses as CSV."
        )


def content_hash(path: str | os.PathLike[str]) -> str:
    """``sha256:<hex>`` of the file's bytes: the same file uploaded twice is the same import."""
    return f"sha256:{file_sha256(path)}"


# --- reading rows as a stream --------------------------------------------------


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet labels a column."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Table:
    """A header and a stream of ``(row number, cells)``. Use ``open_table``."""

    format: FileFormat
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    rows_total: int | None  # data rows, when known cheaply: for progress only
    problems: list[Problem] = field(default_factory=list)  # rows the reader could not read


def _cell_text(value: Any) -> str:
    """XLSX cells arrive typed; compare them as the text the spreadsheet shows."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


@contextmanager
def open_table(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Table]:
    """Open a CSV or XLSX export after the refusal checks; rows are read lazily."""
    path = Path(path)
    sniffed = _sniff(path, limits)
    if sniffed.format is FileFormat.XLSX:
        with _open_xlsx(path, limits) as table:
            yield table
    else:
        with _open_csv(path, sniffed, limits) as table:
            yield table


def _refuse_header(header: list[str], limits: Limits) -> list[str]:
    header = [h.strip() for h in header]
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise NotASurveyExport(
            f"The first row is empty: a survey export starts with a header row. {_WHAT_WE_READ}"
        )
    if len(header) > limits.max_columns:
        raise NotASurveyExport(
            f"The file has {len(header)} columns; the limit is {limits.max_columns}."
        )
    return header


class _Lines:
    """Decodes a CSV file line by line, so bad bytes are pinned to their row.

    A text stream decodes 8 KB blocks ahead of the parser and would blame the
    wrong row; this also lets the parser go on past one mis-encoded answer.
    """

    def __init__(self, f: BinaryIO, encoding: str):
        self._f = f
        self._encoding = encoding
        self.bad = False  # set when a line since the last reset did not decode

    def __iter__(self) -> Iterator[str]:
        if self._encoding == "utf-16":  # b"\n" splits UTF-16 characters; decode as a stream
            yield from io.TextIOWrapper(self._f, encoding="utf-16", newline="", errors="replace")
            return
        for raw in self._f:
            try:
                yield raw.decode(self._encoding)
            except UnicodeDecodeError:
                self.bad = True
                yield raw.decode(self._encoding, errors="replace")


@contextmanager
def _open_csv(path: Path, sniffed: _Sniffed, limits: Limits) -> Iterator[Table]:
    csv.field_size_limit(limits.max_cell_chars * 4)  # a stray quote must not swallow the file
    rows_total = _count_csv_records(path, sniffed) - 1
    with path.open("rb") as f:
        lines = _Lines(f, sniffed.encoding)
        reader = csv.reader(lines, delimiter=sniffed.delimiter)
        problems: list[Problem] = []
        try:
            header = _refuse_header(next(reader, []), limits)
        except csv.Error as exc:
            raise NotASurveyExport(f"The header row could not be read ({exc}).") from exc
        if lines.bad:
            raise NotASurveyExport("The header row is not UTF-8 text: save as 'CSV UTF-8'.")

        def rows() -> Iterator[tuple[int, list[str]]]:
            # csv.reader counts physical lines; a free-text answer may span several,
            # so the spreadsheet's row number is the record count, not line_num.
            record = 1
            while True:
                record += 1
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    problems.append(Problem(f"The row could not be read as CSV ({exc}).", record))
                    continue
                if lines.bad:
                    lines.bad = False
                    problems.append(
                        Problem("The text is not UTF-8: save the file as 'CSV UTF-8'.", record)
                    )
                    continue
                yield record, cells

        yield Table(FileFormat.CSV, header, rows(), max(rows_total, 0), problems)


def _count_csv_records(path: Path, sniffed: _Sniffed) -> int:
    """One fast pass so progress can show a total (the C csv parser reads ~1M rows/s)."""
    count = 0
    with path.open("rb") as f:
        try:
            for _ in csv.reader(_Lines(f, sniffed.encoding), delimiter=sniffed.delimiter):
                count += 1
        except csv.Error:
            pass  # the real pass reports it with its row number
    return count


_XLSX_ROW = re.compile(rb"<(?:\w{1,16}:)?row[\s>/]")


def _count_xlsx_rows(path: Path, sheet_part: str) -> int:
    """Count <row> elements in the sheet's XML without parsing it: a byte scan is some
    hundred times faster than openpyxl's parse, so progress can show a total."""
    count, tail, overlap = 0, b"", 32
    with zipfile.ZipFile(path) as zf, zf.open(sheet_part) as f:
        while chunk := f.read(1024 * 1024):
            buf = tail + chunk
            cut = max(len(buf) - overlap, 0)  # matches starting later are counted next time
            count += sum(1 for m in _XLSX_ROW.finditer(buf) if m.start() < cut)
            tail = buf[cut:]
    return count + sum(1 for _ in _XLSX_ROW.finditer(tail))


@contextmanager
def _open_xlsx(path: Path, limits: Limits) -> Iterator[Table]:
    import openpyxl  # openpyxl parses with defusedxml when it is installed, as it is here

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise NotASurveyExport(f"The Excel file could not be opened ({exc}).") from exc
    try:
        if not wb.worksheets:
            raise NotASurveyExport("The Excel file has no worksheet.")
        # Exports put the responses on the first sheet (KoboToolbox adds repeat groups after).
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        first = next(it, None)
        if first is None:
            raise NotASurveyExport(f"The first worksheet is empty. {_WHAT_WE_READ}")
        header = _refuse_header([_cell_text(v) for v in first], limits)
        # The sheet's own dimension is written by Excel; some tools omit it.
        max_row = getattr(ws, "max_row", None)
        rows_total = max_row - 1 if isinstance(max_row, int) and max_row > 1 else None
        sheet_part = getattr(ws, "_worksheet_path", None)
        if rows_total is None and isinstance(sheet_part, str):
            rows_total = max(_count_xlsx_rows(path, sheet_part) - 1, 0)

        def rows() -> Iterator[tuple[int, list[str]]]:
            for number, values in enumerate(it, start=2):
                yield number, [_cell_text(v) for v in values]

        yield Table(FileFormat.XLSX, header, rows(), rows_total)
    finally:
        wb.close()


def preview(
    path: str | os.PathLike[str], *, rows: int = 10, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the first few ``(row number, cells)``, for the mapping step."""
    with open_table(path, limits=limits) as table:
        return table.header, list(itertools.islice(table.rows, rows))


# --- recognising layouts and proposing a column mapping -------------------------


class Layout(StrEnum):
    LIMESURVEY = "limesurvey"
    KOBOTOOLBOX = "kobotoolbox"
    MICROSOFT_FORMS = "microsoft_forms"
    UNKNOWN = "unknown"


def _names(*groups: str) -> frozenset[str]:
    """Constant name sets, written '|'-separated to keep them readable."""
    return frozenset(name for group in groups for name in group.split("|"))


# Columns each tool writes around the questions. Matching several of them identifies
# the tool; none of them is ever a question.
_LAYOUT_COLUMNS: dict[Layout, frozenset[str]] = {
    Layout.LIMESURVEY: _names(
        "id|submitdate|lastpage|startlanguage|seed|startdate|datestamp|ipaddr|refurl|token",
        "response id|date submitted|last page|start language|date started|date last action",
        "ip address|referrer url",
    ),
    Layout.KOBOTOOLBOX: _names(
        "start|end|today|deviceid|username|audit|_id|_uuid|_submission_time|_validation_status",
        "_notes|_status|_submitted_by|__version__|_tags|_index|meta/instanceid|meta/rootuuid",
        "_xform_id_string|_attachments|_geolocation|formhub/uuid",
    ),
    Layout.MICROSOFT_FORMS: _names(
        "id|start time|completion time|email|name|last modified time|total points",
        "quiz feedback|grade posted time",
    ),
}
_SIGNATURES: dict[Layout, frozenset[str]] = {
    Layout.LIMESURVEY: _names(
        "submitdate|lastpage|startlanguage|seed|date submitted|last page|start language"
    ),
    Layout.KOBOTOOLBOX: _names("_uuid|_submission_time|_index|_id|_validation_status|__version__"),
    Layout.MICROSOFT_FORMS: _names("start time|completion time|email|name"),
}
# Which column names the respondent, best first. Never Email or Name: personal data.
_RESPONDENT_COLUMNS: dict[Layout, tuple[str, ...]] = {
    Layout.LIMESURVEY: ("id", "response id"),
    Layout.KOBOTOOLBOX: ("_uuid", "meta/instanceid", "_id"),
    Layout.MICROSOFT_FORMS: ("id",),
    Layout.UNKNOWN: ("respondent", "respondent id", "respondent_id", "response id", "id"),
}
# Headers people give the care-group question (normalised).
_CARE_GROUP_HEADERS = _names(
    "care group|caregroup|care setting|living situation|placement|placement type",
    "type of care|care type|where do you live now|care status",
)
# Ignored wherever they appear: quiz scoring in Forms, Kobo note/calculated fields.
_IGNORED_PREFIXES = ("points - ", "feedback - ", "_")


def _norm(text: str) -> str:
    """Compare labels and answers ignoring case, punctuation, markup and spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"<[^>]*>", " ", text)  # LimeSurvey exports question HTML as is
    text = re.sub(r"['\u2018\u2019`]", "", text)  # don't -> dont
    return re.sub(r"[\W_]+", " ", text).strip()


def detect_layout(header: Sequence[str]) -> tuple[Layout, float]:
    """Which tool wrote this header, and how sure (share of its signature columns seen)."""
    seen = {h.strip().casefold() for h in header}
    best, best_score = Layout.UNKNOWN, 0.0
    for layout, signature in _SIGNATURES.items():
        score = len(signature & seen) / min(len(signature), 4)
        if score > best_score:
            best, best_score = layout, min(score, 1.0)
    if best_score < 0.5:
        return Layout.UNKNOWN, 0.0
    return best, best_score


def _header_keys(header: str, layout: Layout) -> list[str]:
    """The names a question column may go by: whole header, Kobo's last path part,
    LimeSurvey's 'code. text' halves."""
    keys = [header]
    if "/" in header and layout is not Layout.MICROSOFT_FORMS:
        keys.append(header.rsplit("/", 1)[1])
    code_text = re.match(r"^\s*\[?([A-Za-z][\w]*)\]?[.:]\s+(.+)$", header)
    if code_text:
        keys += [code_text.group(1), code_text.group(2)]
    return [k for k in (_norm(k) for k in keys) if k]


class ColumnMapping(BaseModel):
    """Which file column holds what. Columns are named by their header text.

    The web layer stores one per survey (``model_dump_json``) and offers it again
    when a later export has the same header.
    """

    model_config = ConfigDict(frozen=True)

    items: dict[str, str]  # file column -> survey item id
    respondent: str | None = None  # None: respondents are numbered by row
    care_group: str | None = None


@dataclass(frozen=True)
class ProposedMapping:
    layout: Layout
    mapping: ColumnMapping
    # 1.0: the layout was recognised and every item matched its column exactly; the
    # web layer asks the inspector to confirm anything less.
    confidence: float
    item_scores: dict[str, float]  # item id -> how well its column matched
    unmapped_items: list[str]  # survey items with no column
    unmapped_columns: list[str]  # columns that are neither a question nor metadata


_MIN_SIMILARITY = 0.75


def propose_mapping(header: Sequence[str], survey: SurveyDefinition) -> ProposedMapping:
    """Recognise the export layout and match columns to the survey's items."""
    layout, layout_score = detect_layout(header)
    metadata = _LAYOUT_COLUMNS.get(layout, frozenset())
    lowered = {h.strip().casefold(): h for h in header}

    respondent = next(
        (lowered[c] for c in _RESPONDENT_COLUMNS[layout] if c in lowered and lowered[c]), None
    )
    care_group = next(
        (h for h in header if _CARE_GROUP_HEADERS & set(_header_keys(h, layout))), None
    )

    candidates: list[tuple[float, str, str]] = []  # (score, column, item id)
    for column in header:
        low = column.strip().casefold()
        if not column or low in metadata or column in (respondent, care_group):
            continue
        if low.startswith(_IGNORED_PREFIXES):
            continue
        keys = _header_keys(column, layout)
        if not keys:
            continue  # only markup or punctuation (say "<br>"): nothing to match it by
        for item in survey.items:
            targets = {_norm(item.id), _norm(item.text)}
            if targets & set(keys):
                score = 1.0
            else:
                score = max(
                    SequenceMatcher(None, key, target).ratio() for key in keys for target in targets
                )
            if score >= _MIN_SIMILARITY:
                candidates.append((score, column, item.id))

    # Best matches first, each column and item used once, so two similar questions
    # ("Do you feel safe?", "Do you feel listened to?") cannot claim the same column.
    items: dict[str, str] = {}
    scores: dict[str, float] = {}
    for score, column, item_id in sorted(candidates, key=lambda c: -c[0]):
        if column in items or item_id in scores:
            continue
        items[column] = item_id
        scores[item_id] = round(score, 3)

    ids = [item.id for item in survey.items]
    unmapped_items = [i for i in ids if i not in scores]
    unmapped_columns = [
        h
        for h in header
        if h
        and h not in items
        and h not in (respondent, care_group)
        and h.strip().casefold() not in metadata
        and not h.strip().casefold().startswith(_IGNORED_PREFIXES)
    ]
    item_confidence = sum(scores.values()) / len(ids) if ids else 0.0
    known_layout = 1.0 if layout is not Layout.UNKNOWN else 0.9
    confidence = round(item_confidence * known_layout * (layout_score or 1.0), 3)
    return ProposedMapping(
        layout=layout,
        mapping=ColumnMapping(items=items, respondent=respondent, care_group=care_group),
        confidence=confidence,
        item_scores=scores,
        unmapped_items=unmapped_items,
        unmapped_columns=unmapped_columns,
    )


# --- answer values ---------------------------------------------------------------

# Answers that mean the same thing in the exports we have seen (normalised). "1"/"0"
# are deliberately absent: tools use numbers as answer codes too.
_SYNONYMS: tuple[frozenset[str], ...] = (
    _names("yes|y|true|yes i do|yes always"),
    _names("no|n|false|no i dont|never"),
    _names("not sure|dont know|do not know|i dont know|unsure|dk|im not sure|i am not sure"),
    _names("mostly|most of the time|mostly yes|usually"),
    _names("prefer not to say|rather not say|id rather not say"),
)
_CARE_GROUP_SYNONYMS: dict[str, str | None] = {
    "looked after at home": "looked_after_at_home",
    "at home": "looked_after_at_home",
    "at home with parents": "looked_after_at_home",
    "home supervision": "looked_after_at_home",
    "kinship care": "kinship_care",
    "kinship": "kinship_care",
    "with family or friends": "kinship_care",
    "foster care": "foster_care",
    "foster": "foster_care",
    "with foster carers": "foster_care",
    "residential": "residential",
    "residential care": "residential",
    "childrens house": "residential",
    "residential school": "residential",
    "secure care": "residential",
    "short breaks": "short_breaks",
    "short break": "short_breaks",
    "respite": "short_breaks",
    "aftercare": "aftercare",
    "after care": "aftercare",
    "throughcare and aftercare": "aftercare",
    "continuing care": "aftercare",
    "not care experienced": None,
    "none": None,
    "none of these": None,
    "not looked after": None,
}


def match_option(value: str, options: Sequence[str]) -> str | None:
    """The option a raw answer means, or None when it is not clear."""
    key = _norm(value)
    if not key:
        return None
    by_norm = {_norm(o): o for o in options}
    if key in by_norm:
        return by_norm[key]
    for group in _SYNONYMS:
        if key in group:
            hits = [o for n, o in by_norm.items() if n in group]
            if len(hits) == 1:
                return hits[0]
    return None


_NO_GROUP = object()


def match_care_group(value: str) -> str | None | object:
    """A care group id, None (not care experienced), or ``_NO_GROUP`` when unknown."""
    key = _norm(value)
    if key.replace(" ", "_") in CARE_GROUPS:
        return key.replace(" ", "_")
    return _CARE_GROUP_SYNONYMS.get(key, _NO_GROUP)


class ValueMapping(BaseModel):
    """Raw answers (as in the file) mapped to options; None records no answer.

    Only what the automatic matching gets wrong or cannot see needs to be here.
    """

    model_config = ConfigDict(frozen=True)

    answers: dict[str, dict[str, str | None]] = {}  # item id -> raw value -> option
    care_groups: dict[str, str | None] = {}  # raw value -> care group id or None


@dataclass(frozen=True)
class ProposedValueMapping:
    mapping: ValueMapping  # every distinct answer that matched automatically
    unmapped: dict[str, dict[str, int]]  # item id (or "care_group") -> raw value -> count


_MAX_DISTINCT = 500  # more distinct values than this is free text mapped as options


def propose_value_mapping(
    path: str | os.PathLike[str],
    *,
    survey: SurveyDefinition,
    mapping: ColumnMapping,
    limits: Limits = DEFAULT_LIMITS,
    on_progress: ProgressCallback | None = None,
) -> ProposedValueMapping:
    """Read the distinct answers of each option column and match them to options."""
    items = {item.id: item for item in survey.items}
    answers: dict[str, dict[str, str | None]] = {}
    unmapped: dict[str, dict[str, int]] = {}
    care: dict[str, str | None] = {}
    with open_table(path, limits=limits) as table:
        index = _column_index(table.header, mapping)
        option_columns = [
            (i, items[item_id])
            for col, (i, item_id) in index.items()
            if col != mapping.respondent and item_id in items and items[item_id].options
        ]
        care_i = index[mapping.care_group][0] if mapping.care_group in index else None
        done = 0
        for _, cells in table.rows:
            for i, item in option_columns:
                raw = cells[i].strip() if i < len(cells) else ""
                if not raw or raw in answers.get(item.id, {}):
                    continue
                seen = unmapped.setdefault(item.id, {})
                if raw in seen:
                    seen[raw] += 1
                    continue
                option = match_option(raw, item.options)
                if option is not None:
                    answers.setdefault(item.id, {})[raw] = option
                elif len(seen) < _MAX_DISTINCT:
                    seen[raw] = 1
            if care_i is not None and care_i < len(cells):
                raw = cells[care_i].strip()
                if raw and raw not in care:
                    group = match_care_group(raw)
                    if group is _NO_GROUP:
                        seen = unmapped.setdefault("care_group", {})
                        seen[raw] = seen.get(raw, 0) + 1
                    else:
                        care[raw] = group  # type: ignore[assignment]
            done += 1
            if on_progress and done % PROGRESS_EVERY_ROWS == 0:
                on_progress(done, table.rows_total)
        if on_progress:
            on_progress(done, table.rows_total)
    return ProposedValueMapping(
        mapping=ValueMapping(answers=answers, care_groups=care),
        unmapped={k: v for k, v in unmapped.items() if v},
    )


# --- importing -----------------------------------------------------------------


@dataclass(frozen=True)
class SurveyImport:
    """A complete, validated import, ready to store in one transaction."""

    survey: str
    responses: list[SurveyResponse]
    content_hash: str  # compare with earlier imports to detect a re-upload
    layout: Layout
    rows_read: int  # data rows in the file, including blank ones skipped


def _column_index(header: list[str], mapping: ColumnMapping) -> dict[str, tuple[int, str]]:
    """file column -> (position, item id or role). Refuses mappings the file cannot honour."""
    positions: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        positions.setdefault(h, []).append(i)
    problems: list[Problem] = []
    wanted = [(c, item) for c, item in mapping.items.items()]
    if mapping.respondent:
        wanted.append((mapping.respondent, "respondent"))
    if mapping.care_group:
        wanted.append((mapping.care_group, "care_group"))
    index: dict[str, tuple[int, str]] = {}
    for column, role in wanted:
        found = positions.get(column, [])
        if not found:
            problems.append(
                Problem("The mapping names this column but the file has no such column.", 1, column)
            )
        elif len(found) > 1:
            letters = ", ".join(column_letter(i) for i in found)
            problems.append(
                Problem(
                    f"Several columns ({letters}) have this header; rename them apart.", 1, column
                )
            )
        else:
            index[column] = (found[0], role)
    if problems:
        raise SurveyImportError(problems)
    return index


class _Problems:
    """Collects problems, listing up to a limit and counting the rest per column."""

    def __init__(self, limit: int):
        self.listed: list[Problem] = []
        self.unlisted: dict[str, int] = {}
        self.limit = limit

    def add(self, problem: Problem) -> None:
        if len(self.listed) < self.limit:
            self.listed.append(problem)
        else:
            key = problem.column or "(whole row)"
            self.unlisted[key] = self.unlisted.get(key, 0) + 1

    def __bool__(self) -> bool:
        return bool(self.listed)


def import_survey(
    path: str | os.PathLike[str],
    *,
    survey: SurveyDefinition,
    mapping: ColumnMapping | None = None,
    value_mapping: ValueMapping | None = None,
    limits: Limits = DEFAULT_LIMITS,
    on_progress: ProgressCallback | None = None,
) -> SurveyImport:
    """Read every row; return every response, or raise naming every problem.

    Without ``mapping`` the proposed one is used, but only if the layout was
    recognised with full confidence; otherwise the caller must confirm a mapping.
    """
    with open_table(path, limits=limits) as table:  # refuses before anything is read
        file_hash = content_hash(path)
        proposal = propose_mapping(table.header, survey)
        if mapping is None:
            if proposal.confidence < 1.0:
                raise SurveyImportError(
                    [
                        Problem(
                            "The columns could not all be matched to the survey's questions "
                            f"automatically (unmatched: {', '.join(proposal.unmapped_items)}); "
                            "confirm the column mapping.",
                        )
                    ]
                )
            mapping = proposal.mapping
        if not mapping.items:
            raise SurveyImportError([Problem("No column is mapped to a question of the survey.")])
        items = {item.id: item for item in survey.items}
        unknown = [
            Problem(f"'{i}' is not a question of the survey '{survey.id}'.", 1, c)
            for c, i in mapping.items.items()
            if i not in items
        ]
        if len(set(mapping.items.values())) < len(mapping.items):
            unknown.append(Problem("Two columns are mapped to the same question."))
        if unknown:
            raise SurveyImportError(unknown)
        responses, problems, rows_read = _read_responses(
            table, survey, mapping, value_mapping or ValueMapping(), limits, on_progress
        )
        for p in table.problems:
            problems.add(p)
    if problems or problems.unlisted:
        listed = sorted(problems.listed, key=lambda p: (p.row or 0, p.column_letter or ""))
        raise SurveyImportError(listed, unlisted=problems.unlisted)
    if not responses:
        raise SurveyImportError([Problem("The file has a header row but no responses.")])
    return SurveyImport(survey.id, responses, file_hash, proposal.layout, rows_read)


def _read_responses(
    table: Table,
    survey: SurveyDefinition,
    mapping: ColumnMapping,
    values: ValueMapping,
    limits: Limits,
    on_progress: ProgressCallback | None,
) -> tuple[list[SurveyResponse], _Problems, int]:
    items = {item.id: item for item in survey.items}
    index = _column_index(table.header, mapping)
    width = len(table.header)
    columns = [
        (pos, column, column_letter(pos), items[role])
        for column, (pos, role) in index.items()
        if role in items
    ]
    resp_pos = index[mapping.respondent][0] if mapping.respondent else None
    care_pos = index[mapping.care_group][0] if mapping.care_group else None
    # Matching is memoised per distinct raw value: 100,000 rows hold few distinct answers.
    option_cache: dict[tuple[str, str], str | None | object] = {}
    care_cache: dict[str, str | None | object] = {}
    first_row_of: dict[str, int] = {}
    responses: list[SurveyResponse] = []
    problems = _Problems(limits.max_listed_problems)
    done = 0

    def at(pos: int) -> tuple[str, str]:
        return table.header[pos], column_letter(pos)

    for row, cells in table.rows:
        done += 1
        if on_progress and done % PROGRESS_EVERY_ROWS == 0:
            on_progress(done, table.rows_total)
        if not any(c.strip() for c in cells):
            continue  # blank lines trail many exports
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems.add(
                Problem(f"The row has {len(cells)} values but the header has {width} columns.", row)
            )
            continue
        if resp_pos is None:
            respondent = f"row-{row}"
        else:
            respondent = cells[resp_pos].strip() if resp_pos < len(cells) else ""
            if not respondent:
                problems.add(Problem("The respondent id is empty.", row, *at(resp_pos)))
            elif respondent in first_row_of:
                problems.add(
                    Problem(
                        f"The respondent id '{respondent}' is also on row "
                        f"{first_row_of[respondent]}.",
                        row,
                        *at(resp_pos),
                    )
                )
            else:
                first_row_of[respondent] = row
        care_group: str | None = None
        if care_pos is not None:
            raw = cells[care_pos].strip() if care_pos < len(cells) else ""
            if raw:
                if raw not in care_cache:
                    care_cache[raw] = (
                        values.care_groups[raw]
                        if raw in values.care_groups
                        else match_care_group(raw)
                    )
                group = care_cache[raw]
                if group is _NO_GROUP or (group is not None and group not in CARE_GROUPS):
                    problems.add(
                        Problem(
                            f"'{raw}' is not a care group ({', '.join(CARE_GROUPS)}); map it.",
                            row,
                            *at(care_pos),
                        )
                    )
                else:
                    care_group = group
        answers: dict[str, str] = {}
        for pos, column, letter, item in columns:
            raw = cells[pos].strip() if pos < len(cells) else ""
            if not raw:
                continue  # an absent answer is not counted
            if not item.options:
                if len(raw) > limits.max_free_text_chars:
                    problems.add(
                        Problem(
                            f"The answer is {len(raw)} characters long; the limit is "
                            f"{limits.max_free_text_chars}.",
                            row,
                            column,
                            letter,
                        )
                    )
                else:
                    answers[item.id] = raw
                continue
            key = (item.id, raw)
            if key not in option_cache:
                manual = values.answers.get(item.id, {})
                option_cache[key] = (
                    manual[raw] if raw in manual else (match_option(raw, item.options) or _NO_GROUP)
                )
            option = option_cache[key]
            if option is None:
                continue  # mapped by the inspector to "no answer"
            if option is _NO_GROUP or option not in item.options:
                shown = raw if len(raw) <= 60 else raw[:57] + "..."
                problems.add(
                    Problem(
                        f"'{shown}' is not one of the answers to '{item.id}' "
                        f"({', '.join(item.options)}); map it to one.",
                        row,
                        column,
                        letter,
                    )
                )
                continue
            answers[item.id] = option  # type: ignore[assignment]
        if not problems:
            responses.append(
                {
                    "survey": survey.id,
                    "respondent": respondent,
                    "care_group": care_group,
                    "answers": answers,
                }
            )
        elif responses:
            responses.clear()  # nothing will be stored: free the memory early
    if on_progress:
        on_progress(done, table.rows_total)
    return responses, problems, done
