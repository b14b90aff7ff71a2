"""What is wrong with a survey export, each problem naming its row and column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the file. ``row`` counts as the spreadsheet does."""

    message: str
    row: int | None = None
    column: str | None = None  # the column's name (its header text)
    column_letter: str | None = None  # A, B, ... AA as a spreadsheet labels it

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column is not None:
            letter = f" {self.column_letter}" if self.column_letter else ""
            where.append(f"column{letter} ({self.column})")
        elif self.column_letter is not None:
            where.append(f"column {self.column_letter}")
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
    """The file was refused before any response was read."""

    def __init__(self, message: str, *, row: int | None = None, column_letter: str | None = None):
        super().__init__([Problem(message, row, None, column_letter)])


class Problems:
    """Collects problems, listing up to a limit and counting the rest per column, so a
    file whose every cell is wrong cannot exhaust memory through its error report."""

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
        return bool(self.listed) or bool(self.unlisted)

    def error(self) -> SurveyImportError:
        listed = sorted(self.listed, key=lambda p: (p.row or 0, p.column_letter or ""))
        return SurveyImportError(listed, unlisted=self.unlisted)
