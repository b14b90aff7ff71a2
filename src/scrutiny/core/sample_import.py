"""The list of sampled case records, read from CSV or XLSX, and who reads which record.

The sample file has one row per record and five columns (header names in any case,
spaces or underscores): *Record id* (pseudonymous), *Care group* (one of the
programme's care groups by id or label, blank when the child is not care experienced),
*Age band*, *Legal status* and *Area*. Other columns are ignored and listed, so a
column of names pasted in by mistake is never stored.

The import is all-or-nothing: `parse_sample` returns every row validated, or raises
`SampleImportError` carrying every problem, each naming its row as the spreadsheet
shows it (the header is row 1) and its column as the file names it.

At most `max_bytes + 1` bytes are ever read, so a huge upload costs nothing; the
file is read by the same reader as survey exports (`scrutiny.core.tabular`: CSV,
XLSX, ODS), which refuses zip bombs, entity declarations and oversized sheets before
python-calamine opens them.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import BinaryIO, Literal

from scrutiny.core.tabular import Limits as TableLimits
from scrutiny.core.tabular import Table, TableRefused, open_table

# Column key -> the header spellings accepted, normalised (see `_normalise`).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "record": ("record id", "record", "pseudonymous record id", "record reference"),
    "care_group": ("care group",),
    "age_band": ("age band", "age group"),
    "legal_status": ("legal status",),
    "area": ("area", "locality"),
}
_COLUMN_NAMES = {
    "record": "Record id",
    "care_group": "Care group",
    "age_band": "Age band",
    "legal_status": "Legal status",
    "area": "Area",
}
# Letters, digits and a few separators; at least one digit, because a pseudonymous
# id has one and a child's name has none.
_RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NO_CARE_GROUP = {"", "none"}

_ASK = "Upload the sample as CSV (comma-separated, UTF-8), Excel (.xlsx) or OpenDocument (.ods)."


@dataclass(frozen=True)
class SampleLimits:
    """How much we agree to read. An inspection samples about a hundred records."""

    max_bytes: int = 2 * 1024 * 1024
    max_rows: int = 2000
    # The sum of an XLSX's parts once expanded: a zip bomb expands far beyond it.
    max_unpacked_bytes: int = 50 * 1024 * 1024
    max_cell_chars: int = 100
    max_seconds: float = 60.0

    def table(self) -> TableLimits:
        """The reader's budgets: rows and cells beyond these are refused while reading."""
        return TableLimits(
            max_file_bytes=self.max_bytes,
            # Blank rows are not records; the sample's own limit is checked on records.
            max_rows=self.max_rows * 2 + 100,
            max_columns=200,
            max_unpacked_bytes=self.max_unpacked_bytes,
            max_seconds=self.max_seconds,
        )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; `row` counts as the spreadsheet does (header = 1)."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"Row {self.row}" if self.row is not None else "",
                f"column '{self.column}'" if self.column is not None else "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


class SampleImportError(ValueError):
    """Nothing was imported; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class SampledRecord:
    row: int
    record: str
    care_group: str | None
    age_band: str
    legal_status: str
    area: str


@dataclass(frozen=True)
class SampleImport:
    """The validated sample, in file order, for a preview before anything is stored."""

    format: Literal["csv", "xlsx", "ods"]
    records: tuple[SampledRecord, ...]
    ignored_columns: tuple[str, ...]


def parse_sample(
    stream: BinaryIO,
    *,
    care_groups: Mapping[str, str],
    limits: SampleLimits = SampleLimits(),  # noqa: B008 - frozen, so sharing is safe
) -> SampleImport:
    """Read and validate a sample file (CSV or XLSX, told apart by content, not name).

    `care_groups` maps the programme's care-group ids to their labels; either is
    accepted in the file, in any case. Raises SampleImportError naming every problem.
    """
    data = _read_at_most(stream, limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise SampleImportError(
            [
                Problem(
                    f"The file is larger than {limits.max_bytes:,} bytes, the limit for a sample."
                )
            ]
        )
    if not data.strip():
        raise SampleImportError([Problem(f"The file is empty. {_ASK}")])
    try:
        with open_table(data, limits=limits.table()) as table:
            kind: Literal["csv", "xlsx", "ods"] = table.format.value
            return _validate(kind, _rows(table), care_groups, limits)
    except TableRefused as exc:
        message = exc.message.replace("not a table", "not a sample list")
        column = f"column {exc.column}" if exc.column else None
        raise SampleImportError([Problem(message, exc.row, column)]) from exc


# --- reading ---------------------------------------------------------------------


def _read_at_most(stream: BinaryIO, size: int) -> bytes:
    # A raw stream may return fewer bytes than asked before its end; keep asking.
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = stream.read(min(left, 64 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# A row as read: its spreadsheet number and cells, or a problem reading it.
_Row = tuple[int, list[object] | Problem]


def _rows(table: Table) -> Iterator[_Row]:
    """The table's rows, with the rows it could not read (CSV errors) in their place."""
    reported = 0
    for number, cells in table.rows:
        while reported < len(table.problems):
            problem = table.problems[reported]
            reported += 1
            yield problem.row, Problem(problem.message)
        yield number, list(cells)
    for problem in table.problems[reported:]:
        yield problem.row, Problem(problem.message)


# --- validating ------------------------------------------------------------------


def _normalise(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


def _blank(cells: list[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _map_header(
    cells: list[object],
) -> tuple[dict[str, tuple[int, str]], list[str], list[Problem]]:
    """Column key -> (index, header as written); ignored headers; problems."""
    lookup = {spelling: key for key, spellings in _COLUMNS.items() for spelling in spellings}
    found: dict[str, tuple[int, str]] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for index, cell in enumerate(cells):
        header = "" if cell is None else str(cell).strip()
        key = lookup.get(_normalise(header))
        if key is None:
            if header:
                ignored.append(header)
        elif key in found:
            problems.append(Problem(f"this column repeats the column '{found[key][1]}'", 1, header))
        else:
            found[key] = (index, header)
    for key, name in _COLUMN_NAMES.items():
        if key not in found:
            problems.append(
                Problem(
                    f"the column '{name}' is missing: the first row must be the header, naming "
                    f"the columns {', '.join(_COLUMN_NAMES.values())}",
                    1,
                    name,
                )
            )
    return found, ignored, problems


def _care_group_lookup(care_groups: Mapping[str, str]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for group_id, label in care_groups.items():
        lookup[_normalise(group_id)] = group_id
        lookup[_normalise(label)] = group_id
        lookup[_normalise(label).replace(" ", "")] = group_id  # "After care" = "Aftercare"
    return lookup


def _text(value: object) -> str | None:
    """A cell as the text the spreadsheet shows, spaces tidied; None for a date."""
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Line breaks typed into a cell (Alt+Enter) and runs of spaces become one space.
    return " ".join(str(value).split())


def _validate(
    kind: Literal["csv", "xlsx", "ods"],
    rows: Iterator[_Row],
    care_groups: Mapping[str, str],
    limits: SampleLimits,
) -> SampleImport:
    problems: list[Problem] = []
    header: list[object] | None = None
    for number, cells in rows:
        if isinstance(cells, Problem):
            problems.append(Problem(cells.message, number))
        elif not _blank(cells):
            if number != 1:
                problems.append(Problem("the header must be the first row of the file", number))
            header = cells
            break
    if header is None:
        raise SampleImportError(problems or [Problem(f"The file is empty. {_ASK}")])
    columns, ignored, header_problems = _map_header(header)
    problems += header_problems  # rows are still checked against the columns found
    check = _RowCheck(columns, care_groups, limits, problems)
    records: list[SampledRecord] = []
    data_rows = 0
    for number, cells in rows:
        if isinstance(cells, Problem):
            problems.append(Problem(cells.message, number))
            continue
        if _blank(cells):
            continue  # spreadsheets leave empty rows at the end; they mean nothing
        data_rows += 1
        if data_rows > limits.max_rows:
            raise SampleImportError(
                [Problem(f"The file has more than {limits.max_rows:,} records, the limit.")]
            )
        record = check.row(number, cells)
        if record is not None:
            records.append(record)
    if problems:
        raise SampleImportError(problems)
    if not records:
        raise SampleImportError([Problem("The file has a header row but no records below it.")])
    return SampleImport(format=kind, records=tuple(records), ignored_columns=tuple(ignored))


class _RowCheck:
    """Checks data rows one by one, adding every problem to the shared list."""

    def __init__(
        self,
        columns: dict[str, tuple[int, str]],
        care_groups: Mapping[str, str],
        limits: SampleLimits,
        problems: list[Problem],
    ) -> None:
        self.columns = columns
        self.groups = _care_group_lookup(care_groups)
        self.group_labels = ", ".join(care_groups.values())
        self.limits = limits
        self.problems = problems
        self.first_seen: dict[str, int] = {}  # record id, casefolded -> its row

    def row(self, number: int, cells: list[object]) -> SampledRecord | None:
        """The row as a record, or None when it has a problem (already added)."""
        before = len(self.problems)
        values = self._texts(number, cells)
        record = values.get("record")
        if record is not None:
            self._record_id(number, record)
        group = self._care_group(number, values.get("care_group"))
        if len(self.problems) > before or len(values) < len(_COLUMNS) or record is None:
            return None
        return SampledRecord(
            row=number,
            record=record,
            care_group=group,
            age_band=values["age_band"],
            legal_status=values["legal_status"],
            area=values["area"],
        )

    def _problem(self, number: int, key: str, message: str) -> None:
        self.problems.append(Problem(message, number, self.columns[key][1]))

    def _texts(self, number: int, cells: list[object]) -> dict[str, str]:
        values: dict[str, str] = {}
        for key, (index, _name) in self.columns.items():
            text = _text(cells[index] if index < len(cells) else None)
            if text is None:
                self._problem(
                    number,
                    key,
                    "is a date: format the column as text (Excel turns an age band such as "
                    "5-11 into a date)",
                )
            elif len(text) > self.limits.max_cell_chars:
                self._problem(
                    number, key, f"is longer than {self.limits.max_cell_chars} characters"
                )
            elif _CONTROL.search(text):
                self._problem(number, key, "contains control characters")
            else:
                values[key] = text
        return values

    def _record_id(self, number: int, record: str) -> None:
        if not record:
            self._problem(number, "record", "is empty: every record needs its pseudonymous id")
        elif not _RECORD_ID.fullmatch(record) or not any(ch.isdigit() for ch in record):
            self._problem(
                number,
                "record",
                f"'{record}' is not a pseudonymous record id: use letters, digits, spaces and "
                ". _ / - with at least one digit (never a child's name)",
            )
        elif record.casefold() in self.first_seen:
            first = self.first_seen[record.casefold()]
            self._problem(
                number, "record", f"'{record}' is listed twice: it is also in row {first}"
            )
        else:
            self.first_seen[record.casefold()] = number

    def _care_group(self, number: int, raw: str | None) -> str | None:
        if raw is None or _normalise(raw) in _NO_CARE_GROUP:
            return None
        key = _normalise(raw)
        group = self.groups.get(key) or self.groups.get(key.replace(" ", ""))
        if group is None:
            self._problem(
                number,
                "care_group",
                f"'{raw}' is not a care group: use one of {self.group_labels}, or leave it "
                "blank for a child who is not care experienced",
            )
        return group


# --- assigning records to readers -----------------------------------------------------


def balance_assignments(
    records: Sequence[str],
    readers: Sequence[str],
    *,
    existing_load: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """Assign each record to a reader, evening out the load; deterministic.

    Records are taken in the order given; each goes to the reader with the fewest
    records so far, counting `existing_load` (records they already have), ties going
    to the reader listed first. Readers starting level end within one record of each
    other; a reader who starts ahead gets fewer until the others catch up.
    Returns record -> reader.
    """
    if not readers:
        raise ValueError("there are no readers to assign records to")
    if len(set(readers)) != len(readers):
        raise ValueError("a reader is listed twice")
    if len(set(records)) != len(records):
        raise ValueError("a record is listed twice")
    load = dict(existing_load or {})
    if any(n < 0 for n in load.values()):
        raise ValueError("an existing load cannot be negative")
    heap = [(load.get(reader, 0), position, reader) for position, reader in enumerate(readers)]
    heapq.heapify(heap)
    assignments: dict[str, str] = {}
    for record in records:
        count, position, reader = heapq.heappop(heap)
        assignments[record] = reader
        heapq.heappush(heap, (count + 1, position, reader))
    return assignments
