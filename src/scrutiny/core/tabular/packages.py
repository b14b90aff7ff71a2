"""Checking an XLSX or ODS (both zip packages) before any spreadsheet library opens it.

python-calamine reads fast, in native code that cannot be interrupted, and holds a
sheet as a dense grid: a 1 KB file that claims a cell at row 1,000,000 of column
ZZZ, or an ODS row "repeated" a million times, would take gigabytes. So every part is
expanded here first, as a stream with a running total (a zip bomb stops at its first
oversized part; a part that expands beyond its declared size fails its checksum), and
scanned for what would cost calamine too much:

- the package's shape: number of parts, declared sizes, compression ratios;
- document type declarations (``<!DOCTYPE``, ``<!ENTITY``): spreadsheets never write
  them; entity expansion ("billion laughs") starts there;
- how far each sheet reaches (rows, columns, cells), which is what calamine allocates.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

from scrutiny.core.tabular.limits import Deadline, Limits, TableRefused, human_size
from scrutiny.core.tabular.sniff import ASK, FileFormat

_CHUNK = 1024 * 1024
_RATIO_FLOOR = 1024 * 1024  # parts smaller than this may compress as they like
_DTD = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

# XLSX sheet XML: an ``r`` attribute holding digits only is a row's number (a cell's
# starts with its column letters), wherever it stands in the tag; cells in columns AA
# and beyond (so a sheet of up to 26 columns costs no matches); rows and cells at all
# are counted by bytes. Patterns start with a literal (fast to scan for), and every
# approximation errs towards counting more, so nothing big slips through.
_ROW_NUMBER = re.compile(rb'r="(\d{1,10})"')
_WIDE_CELL = re.compile(rb'r="([A-Z]{2,4})\d')
_ROW_TAGS = (b"<row", b":row")
_CELL_TAGS = (b"<c", b":c")


@dataclass
class Reach:
    """How far a sheet reaches: what calamine will allocate for it."""

    rows: int = 0
    columns: int = 0
    cells: int = 0


def column_number(letters: bytes | str) -> int:
    """A -> 1, Z -> 26, AA -> 27."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + (ord(ch) - 64)
    return n


def check_package(file: IO[bytes], limits: Limits, deadline: Deadline) -> FileFormat:
    """Refuse a package calamine should not open; say which kind of spreadsheet it is."""
    try:
        zf = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableRefused(f"The file is a damaged zip, Excel or OpenDocument file. {ASK}") from exc
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        kind = _kind(zf, names)
        if len(infos) > limits.max_parts:
            raise TableRefused(f"The spreadsheet has {len(infos):,} parts; a table has far fewer.")
        expanded = sum(i.file_size for i in infos)
        if expanded > limits.max_unpacked_bytes:
            raise TableRefused(
                f"The spreadsheet expands to {human_size(expanded)} when opened; the limit is "
                f"{human_size(limits.max_unpacked_bytes)}. Save it as CSV and upload that."
            )
        for info in infos:
            if info.file_size > _RATIO_FLOOR and (
                info.compress_size == 0
                or info.file_size / info.compress_size > limits.max_compression_ratio
            ):
                raise TableRefused(
                    f"A part of the spreadsheet ({info.filename}) expands "
                    f"{info.file_size // max(info.compress_size, 1):,} times when opened, as "
                    "no real spreadsheet does. Save it as CSV and upload that."
                )
        reach = Reach()
        for info in infos:
            if info.is_dir():
                continue
            if kind is FileFormat.ODS and info.filename == "content.xml":
                _scan_ods(zf, info, limits, deadline, reach)
            elif kind is FileFormat.XLSX and _is_sheet(info.filename):
                sheet = _scan_xlsx_sheet(zf, info, deadline)
                reach.rows = max(reach.rows, sheet.rows)
                reach.columns = max(reach.columns, sheet.columns)
                reach.cells = max(reach.cells, sheet.cells, sheet.rows * sheet.columns)
            elif info.filename.endswith((".xml", ".rels")):
                _scan_part(zf, info, deadline)
        _check_reach(reach, limits)
    return kind


def _kind(zf: zipfile.ZipFile, names: set[str]) -> FileFormat:
    if "xl/workbook.xml" in names:
        return FileFormat.XLSX
    if "content.xml" in names and "mimetype" in names:
        try:
            with zf.open("mimetype") as f:
                mime = f.read(200)
        except (zipfile.BadZipFile, OSError) as exc:
            raise TableRefused(f"The file is a damaged OpenDocument file. {ASK}") from exc
        if mime.strip() == _ODS_MIME:
            return FileFormat.ODS
        raise TableRefused(f"This file is an OpenDocument file but not a spreadsheet. {ASK}")
    if "word/document.xml" in names:
        raise TableRefused(f"This file is a Word document, not a table. {ASK}")
    if "ppt/presentation.xml" in names:
        raise TableRefused(f"This file is a PowerPoint presentation, not a table. {ASK}")
    raise TableRefused(f"This file is a zip archive, not a spreadsheet. {ASK}")


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, deadline: Deadline) -> IO[bytes]:
    try:
        return zf.open(info)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
        raise TableRefused(
            f"A part of the spreadsheet ({info.filename}) cannot be opened (damaged, "
            f"encrypted or compressed in an unusual way). {ASK}"
        ) from exc


def _read(f: IO[bytes], info: zipfile.ZipInfo) -> bytes:
    try:
        return f.read(_CHUNK)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise TableRefused(
            f"A part of the spreadsheet ({info.filename}) is damaged: it does not expand to "
            f"what the file says. {ASK}"
        ) from exc


def _refuse_dtd(buf: bytes, info: zipfile.ZipInfo) -> None:
    if any(marker in buf for marker in _DTD):
        raise TableRefused(
            f"A part of the spreadsheet ({info.filename}) declares its own XML entities, as "
            "spreadsheet programs never do (it could expand without end). Save it as CSV "
            "and upload that."
        )


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, deadline: Deadline) -> None:
    tail = b""
    with _chunks(zf, info, deadline) as f:
        while chunk := _read(f, info):
            _refuse_dtd(tail + chunk, info)
            tail = chunk[-16:]
            deadline.check()


def _scan_xlsx_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, deadline: Deadline) -> Reach:
    reach = Reach()
    counted_rows = 0
    tail = b""
    overlap = 64  # longer than any match, so none is cut between chunks
    with _chunks(zf, info, deadline) as f:
        while True:
            chunk = _read(f, info)
            buf = tail + chunk
            # Matches starting in the last bytes are counted with the next chunk.
            cut = max(len(buf) - overlap, 0) if chunk else len(buf)
            head, tail = buf[:cut], buf[cut:]
            _refuse_dtd(buf, info)
            numbers = _ROW_NUMBER.findall(head)
            if numbers:
                reach.rows = max(reach.rows, max(map(int, numbers)))
            wide = _WIDE_CELL.findall(head)
            if wide:
                reach.columns = max(reach.columns, max(map(column_number, set(wide))))
            counted_rows += sum(head.count(tag) for tag in _ROW_TAGS)
            reach.cells += sum(head.count(tag) for tag in _CELL_TAGS)
            deadline.check()
            if not chunk:
                break
    reach.rows = max(reach.rows, counted_rows)
    if reach.cells and not reach.columns:
        reach.columns = 26  # every cell is within A-Z (or numbered by position)
    return reach


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _scan_ods(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, deadline: Deadline, reach: Reach
) -> None:
    """Expand ODS repetitions as calamine would, counting only what holds content."""
    parser = expat.ParserCreate(namespace_separator=" ")
    state = {"row": 0, "row_repeat": 1, "col": 0, "row_has": False, "row_width": 0, "depth": 0}
    cell_stack: list[tuple[int, bool]] = []  # (columns repeated, has content)

    def entity(*_: object) -> None:
        raise TableRefused(
            "The spreadsheet declares its own XML entities, as spreadsheet programs never do. "
            "Save it as CSV and upload that."
        )

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == f"{_TABLE} table":
            state["row"] = 0
        elif name == f"{_TABLE} table-row":
            state["row_repeat"] = _count(attrs.get(f"{_TABLE} number-rows-repeated"))
            state["col"] = 0
            state["row_has"] = False
            state["row_width"] = 0
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
            repeat = _count(attrs.get(f"{_TABLE} number-columns-repeated"))
            cell_stack.append((repeat, f"{_OFFICE} value-type" in attrs))
        elif cell_stack and not cell_stack[-1][1]:
            cell_stack[-1] = (cell_stack[-1][0], True)  # a paragraph or other content

    def end(name: str) -> None:
        if name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell") and cell_stack:
            repeat, has = cell_stack.pop()
            state["col"] += repeat
            if has:
                state["row_has"] = True
                state["row_width"] = state["col"]
                reach.cells += repeat * state["row_repeat"]
        elif name == f"{_TABLE} table-row":
            state["row"] += state["row_repeat"]
            if state["row_has"]:
                reach.rows = max(reach.rows, state["row"])
                reach.columns = max(reach.columns, state["row_width"])

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = entity
    parser.StartDoctypeDeclHandler = entity
    try:
        with _chunks(zf, info, deadline) as f:
            while chunk := _read(f, info):
                parser.Parse(chunk, False)
                deadline.check()
                _check_reach(reach, limits)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise TableRefused(f"The spreadsheet's content is damaged ({exc}). {ASK}") from exc


def _count(value: str | None) -> int:
    try:
        return max(int(value), 1) if value else 1
    except ValueError:
        return 1


def _check_reach(reach: Reach, limits: Limits) -> None:
    if reach.rows > limits.max_rows + 1:
        raise TableRefused(
            f"The spreadsheet reaches row {reach.rows:,}; the limit is {limits.max_rows:,} rows. "
            "Delete what lies below the table, or split it."
        )
    if reach.columns > limits.max_columns:
        raise TableRefused(
            f"The spreadsheet reaches column {reach.columns:,}; the limit is "
            f"{limits.max_columns:,} columns. Delete what lies beside the table."
        )
    if reach.cells > limits.max_cells or reach.rows * reach.columns > limits.max_cells * 4:
        raise TableRefused(
            f"The spreadsheet holds more than {limits.max_cells:,} cells, the limit. Split it, or "
            "save only the columns needed."
        )
