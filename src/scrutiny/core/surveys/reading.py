"""Opening a survey export: the table, the tool that wrote it, its heading rows and
columns, then the responses as a stream (heading rows and blank lines never among them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from scrutiny.core.surveys.problems import NotASurveyExport, Problem
from scrutiny.core.surveys.tools import Column, Status, StatusReader, Tool, recognise
from scrutiny.core.tabular import Cell, TableRefused, cell_text, open_table
from scrutiny.core.tabular import Limits as TableLimits
from scrutiny.core.tabular.reading import RowProblem

ASK = "Upload the survey export as CSV, Excel (.xlsx) or OpenDocument (.ods)."
_HEAD_ROWS = 3  # Qualtrics writes the most heading rows


@dataclass(frozen=True)
class Limits:
    """What a survey import agrees to read. The file's shape is refused before reading."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_rows: int = 500_000
    max_columns: int = 2000
    max_cell_chars: int = 32_767
    max_unpacked_bytes: int = 1024 * 1024 * 1024
    max_seconds: float = 600.0
    max_free_text_chars: int = 10_000
    # Problems listed one by one; beyond this they are counted per column.
    max_listed_problems: int = 10_000

    def table(self) -> TableLimits:
        return TableLimits(
            max_file_bytes=self.max_file_bytes,
            max_rows=self.max_rows,
            max_columns=self.max_columns,
            max_cell_chars=self.max_cell_chars,
            max_unpacked_bytes=self.max_unpacked_bytes,
            max_seconds=self.max_seconds,
        )


DEFAULT_LIMITS = Limits()


@dataclass
class SurveyFile:
    """An opened export. ``rows`` yields ``(row number, cells as text)`` per response."""

    format: str
    encoding: str | None
    delimiter: str | None
    tool: Tool
    recognised: float  # how sure the layout is (0 for unknown)
    header_rows: int
    columns: list[Column]
    rows: Iterator[tuple[int, list[str]]]
    rows_total: int | None  # data rows, when known cheaply: for progress only
    status_of: StatusReader | None = None
    unread: list[RowProblem] = field(default_factory=list)  # rows the reader could not read

    @property
    def problems(self) -> list[Problem]:
        return [Problem(p.message, p.row) for p in self.unread]

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def status(self, cells: list[str]) -> Status:
        return self.status_of(cells) if self.status_of else Status.COMPLETE


def _texts(cells: list[Cell]) -> list[str]:
    # CSV cells are text already; only spreadsheet cells need converting.
    return [c if type(c) is str else cell_text(c) for c in cells]


def _refused(exc: TableRefused) -> NotASurveyExport:
    message = exc.message.replace("not a table", "not a survey export")
    return NotASurveyExport(message, row=exc.row, column_letter=exc.column)


@contextmanager
def open_survey(
    path: str | os.PathLike[str] | bytes, *, limits: Limits = DEFAULT_LIMITS
) -> Iterator[SurveyFile]:
    """Open an export after the refusal checks; responses are read lazily.

    Raises ``NotASurveyExport`` (one message naming the row and column when it is
    about one) for a file that is not a survey export or exceeds a limit.
    """
    try:
        with open_table(path, limits=limits.table()) as table:
            rows = ((n, _texts(cells)) for n, cells in table.rows)
            head: list[tuple[int, list[str]]] = []
            try:
                for number, cells in rows:
                    if not head and not any(c.strip() for c in cells):
                        if number > 1:
                            continue
                        raise NotASurveyExport(
                            f"The first row is empty: a survey export starts with a header "
                            f"row. {ASK}",
                            row=1,
                        )
                    head.append((number, cells))
                    if len(head) == _HEAD_ROWS:
                        break
                if not head:
                    raise NotASurveyExport(f"The file holds no rows. {ASK}")
                header = [c.strip() for c in head[0][1]]
                while header and not header[-1]:
                    header.pop()
                if not any(header):
                    raise NotASurveyExport(
                        f"The first row is empty: a survey export starts with a header row. {ASK}",
                        row=head[0][0],
                    )
                heads = [[*cells[: len(header)]] for _, cells in head]
                heads[0] = header
                tool, score = recognise(heads)
                count = tool.header_rows(heads)
                columns = tool.columns(heads, count)
            except TableRefused as exc:
                raise _refused(exc) from exc

            def responses() -> Iterator[tuple[int, list[str]]]:
                try:
                    for number, cells in head[count:]:
                        if any(c.strip() for c in cells):
                            yield number, cells
                    for number, cells in rows:
                        if any(c.strip() for c in cells):
                            yield number, cells
                except TableRefused as exc:
                    raise _refused(exc) from exc

            total = table.rows_total - head[0][0] - count + 1 if table.rows_total else None
            survey_file = SurveyFile(
                format=table.format.value,
                encoding=table.encoding,
                delimiter=table.delimiter,
                tool=tool,
                recognised=score,
                header_rows=count,
                columns=columns,
                rows=responses(),
                rows_total=max(total, 0) if total is not None else None,
                status_of=tool.status_reader(columns),
                unread=table.problems,  # filled as the rows are read
            )
            yield survey_file
    except TableRefused as exc:
        raise _refused(exc) from exc
