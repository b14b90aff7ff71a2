"""``open_table``: numbered rows of cells from a CSV, XLSX or ODS file, within limits."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, BinaryIO

from scrutiny.core.tabular.limits import Deadline, Limits, TableRefused, human_size
from scrutiny.core.tabular.packages import check_package
from scrutiny.core.tabular.sniff import ASK, SNIFF_BYTES, ZIP_MAGIC, FileFormat, sniff_text

# A cell as read: CSV gives text; spreadsheets give typed values.
Cell = str | int | float | bool | date | time | timedelta | None
Source = str | os.PathLike[str] | bytes
_CHECK_EVERY = 2000  # rows between checks of the time budget


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that could not be read; the rest of the file still is."""

    row: int
    message: str


@dataclass
class Table:
    """The file's rows, lazily: ``(row number as the spreadsheet shows it, cells)``."""

    format: FileFormat
    rows: Iterator[tuple[int, list[Cell]]]
    rows_total: int | None  # rows in the file, header included, when known cheaply
    encoding: str | None = None  # CSV only, as people name it: utf-8, utf-16, windows-1252
    delimiter: str | None = None  # CSV only
    problems: list[RowProblem] = field(default_factory=list)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet labels a column."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_text(value: Cell) -> str:
    """A cell as the text a spreadsheet shows (dates in ISO form)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


@contextmanager
def open_table(source: Source, *, limits: Limits | None = None) -> Iterator[Table]:
    """Open a table after the refusal checks; rows are read as the caller iterates.

    ``source`` is a path, or the file's bytes. Raises ``TableRefused`` before yielding
    when the file is not a table or exceeds a limit in its shape; while iterating, when
    a row exceeds a limit (rows, columns, cell length, time), naming the row.
    """
    limits = limits or Limits()
    deadline = Deadline(limits.max_seconds)
    with _open(source) as (f, size):
        if size == 0:
            raise TableRefused(f"The file is empty. {ASK}")
        if size > limits.max_file_bytes:
            raise TableRefused(
                f"The file is {human_size(size)}; files larger than "
                f"{human_size(limits.max_file_bytes)} are not accepted. Split it, or save "
                "only the rows and columns needed."
            )
        head = f.read(SNIFF_BYTES)
        f.seek(0)
        if head.startswith(ZIP_MAGIC):
            kind = check_package(f, limits, deadline)
            f.seek(0)
            yield _sheet(f, kind, limits, deadline)
        else:
            sniffed = sniff_text(head, complete=size <= len(head))
            assert sniffed.encoding is not None and sniffed.delimiter is not None
            total = _count_lines(f, _newline(sniffed.encoding, head), deadline)
            f.seek(0)
            yield _csv(f, sniffed.encoding, sniffed.delimiter, total, limits, deadline)


@contextmanager
def _open(source: Source) -> Iterator[tuple[BinaryIO, int]]:
    if isinstance(source, bytes):
        yield io.BytesIO(source), len(source)
        return
    path = Path(source)
    try:
        f = path.open("rb")
        size = os.fstat(f.fileno()).st_size
    except OSError as exc:
        raise TableRefused(f"The file could not be opened ({exc.strerror}).") from exc
    with f:
        yield f, size


def _newline(encoding: str, head: bytes) -> bytes:
    if encoding == "utf-16-be" or (encoding == "utf-16" and head.startswith(b"\xfe\xff")):
        return b"\x00\n"
    if encoding.startswith("utf-16"):
        return b"\n\x00"
    return b"\n"


def _count_lines(f: IO[bytes], newline: bytes, deadline: Deadline) -> int:
    """Physical lines, for progress only: a byte count, much faster than parsing."""
    count, ends_with_newline = 0, True
    while chunk := f.read(1 << 17):
        count += chunk.count(newline)
        ends_with_newline = chunk.endswith(newline)
        deadline.check()
    return count + (0 if ends_with_newline else 1)


# --- CSV --------------------------------------------------------------------------


class _Lines:
    """Decodes a CSV file line by line, so bad bytes are pinned to their row.

    A text stream decodes 8 KB blocks ahead of the parser and would blame the
    wrong row; this also lets the parser go on past one mis-encoded answer.
    """

    def __init__(self, f: IO[bytes], encoding: str):
        self._f = f
        self._encoding = encoding
        self.bad = False  # set when a line since the last reset did not decode

    def __iter__(self) -> Iterator[str]:
        if self._encoding.startswith("utf-16"):  # b"\n" splits UTF-16 characters
            yield from io.TextIOWrapper(
                self._f, encoding=self._encoding, newline="", errors="replace"
            )
            return
        first = True
        for raw in self._f:
            if first and self._encoding == "cp1252" and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            first = False
            try:
                yield raw.decode(self._encoding)
            except UnicodeDecodeError:
                self.bad = True
                yield raw.decode(self._encoding, errors="replace")


def _csv(
    f: IO[bytes], encoding: str, delimiter: str, total: int, limits: Limits, deadline: Deadline
) -> Table:
    # A stray quote must not swallow the file: no cell may be longer than the limit.
    csv.field_size_limit(max(limits.max_cell_chars + 1, 1024))
    lines = _Lines(f, encoding)
    reader = csv.reader(lines, delimiter=delimiter)
    problems: list[RowProblem] = []

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        # csv.reader counts physical lines; a free-text answer may span several, so
        # the spreadsheet's row number is the record count, not line_num.
        record = 0
        while True:
            record += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise TableRefused(
                        f"A cell is longer than {limits.max_cell_chars:,} characters, the limit "
                        "(often a quote mark that is never closed).",
                        row=record,
                    ) from exc
                problems.append(RowProblem(record, f"The row could not be read as CSV ({exc})."))
                continue
            if lines.bad:
                lines.bad = False
                if record == 1:
                    raise TableRefused(
                        "The header row is not readable text: save the file as 'CSV UTF-8'.",
                        row=1,
                    )
                problems.append(
                    RowProblem(record, "The text is not UTF-8: save the file as 'CSV UTF-8'.")
                )
                continue
            _check_row(record, cells, limits, deadline)
            yield record, list(cells)

    return Table(
        FileFormat.CSV,
        rows(),
        total,
        encoding={"utf-8-sig": "utf-8", "cp1252": "windows-1252"}.get(encoding, encoding),
        delimiter=delimiter,
        problems=problems,
    )


def _check_row(
    number: int, cells: list[str] | list[Cell], limits: Limits, deadline: Deadline
) -> None:
    if number > limits.max_rows + 1:
        raise TableRefused(
            f"The file has more than {limits.max_rows:,} rows, the limit. Split it.", row=number
        )
    if len(cells) > limits.max_columns:
        raise TableRefused(
            f"The row has {len(cells):,} cells; the limit is {limits.max_columns:,} columns.",
            row=number,
        )
    lengths = [len(c) if type(c) is str else 0 for c in cells]
    if lengths and max(lengths) > limits.max_cell_chars:
        i = next(i for i, n in enumerate(lengths) if n > limits.max_cell_chars)
        raise TableRefused(
            f"The cell is {lengths[i]:,} characters long; the limit is {limits.max_cell_chars:,}.",
            row=number,
            column=column_letter(i),
        )
    if number % _CHECK_EVERY == 0:
        deadline.check(number)


# --- XLSX and ODS -------------------------------------------------------------------


def _sheet(f: BinaryIO, kind: FileFormat, limits: Limits, deadline: Deadline) -> Table:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(f)
        if not book.sheet_names:
            raise TableRefused("The spreadsheet has no sheet.")
        # Exports put the responses on the first sheet (KoboToolbox adds repeat groups after).
        sheet = book.get_sheet_by_index(0)
    except TableRefused:
        raise
    except Exception as exc:  # calamine raises several types for a damaged workbook
        raise TableRefused(f"The spreadsheet could not be opened ({exc}). {ASK}") from exc
    deadline.check()
    start = sheet.start  # the first cell holding anything; None for an empty sheet
    first_row, first_col = (start[0], start[1]) if start else (0, 0)
    total = first_row + sheet.height if start else 0

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        pad: list[Cell] = [""] * first_col
        for offset, values in enumerate(sheet.iter_rows()):
            number = first_row + offset + 1
            cells: list[Cell] = [*pad, *values] if first_col else list(values)
            _check_row(number, cells, limits, deadline)
            yield number, cells

    return Table(kind, rows(), total)
