"""What every survey tool's export has: a layout, metadata columns, header rows and,
for some, a field saying whether a response is finished or was rejected by a reviewer.

Each tool is one module beside this one; ``scrutiny.core.surveys.tools.TOOLS`` lists
them. Column names are compared casefolded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Layout(StrEnum):
    LIMESURVEY = "limesurvey"
    KOBOTOOLBOX = "kobotoolbox"
    ODK = "odk"
    QUALTRICS = "qualtrics"
    SURVEYMONKEY = "surveymonkey"
    MICROSOFT_FORMS = "microsoft_forms"
    UNKNOWN = "unknown"


class Status(StrEnum):
    """What the tool says of a response (from its own fields)."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"  # not finished: LimeSurvey no submit date, Qualtrics Finished false
    REJECTED = "rejected"  # a reviewer marked it not approved / rejected
    ON_HOLD = "on_hold"  # a reviewer put it on hold / marked it as having issues


@dataclass(frozen=True)
class Column:
    """One column of the export, as the mapping and the pages name it."""

    index: int
    name: str  # unique in the file: the header, with its letter when the header repeats
    header: str  # the first header row's text
    label: str  # the question as the tool labels it (a later header row), else the header
    letter: str

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.header,) if self.label == self.header else (self.header, self.label)


StatusReader = Callable[[Sequence[str]], Status]


def names(*groups: str) -> frozenset[str]:
    """Constant name sets, written '|'-separated to keep them readable."""
    return frozenset(name for group in groups for name in group.split("|"))


def low(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Tool:
    """A survey tool's export layout. Subclasses override what differs."""

    layout: Layout
    title: str
    # Columns the tool writes around the questions: never a question.
    metadata: frozenset[str] = frozenset()
    # Seeing several of these identifies the tool.
    signature: frozenset[str] = frozenset()
    # Which column names the respondent, best first. Never an email or a name.
    respondent: tuple[str, ...] = ()
    # Columns that hold personal data: proposed to be left out, never mapped.
    personal: frozenset[str] = frozenset()
    # Prefixes of columns that are never questions (quiz points, notes).
    ignored_prefixes: tuple[str, ...] = ()
    group_separator: str | None = None  # KoboToolbox '/', ODK Central '-'
    extra: dict[str, str] = field(default_factory=dict)

    def column_key(self, header: str) -> str:
        """The metadata name a header stands for (LimeSurvey's 'code. text' -> code)."""
        return low(header)

    def score(self, rows: Sequence[Sequence[str]]) -> float:
        """How sure this tool wrote the file: share of its signature columns seen."""
        if not rows or not self.signature:
            return 0.0
        seen = {self.column_key(h) for h in rows[0]} | {low(h) for h in rows[0]}
        return min(len(self.signature & seen) / min(len(self.signature), 4), 1.0)

    def header_rows(self, rows: Sequence[Sequence[str]]) -> int:
        """How many rows at the top are headings (the first always is)."""
        return 1

    def columns(self, rows: Sequence[Sequence[str]], count: int) -> list[Column]:
        """The columns, named from the header rows; repeated names get their letter."""
        header = [h.strip() for h in rows[0]]
        labels = self.labels(rows[:count], header)
        return unique_columns(header, labels)

    def labels(self, rows: Sequence[Sequence[str]], header: list[str]) -> list[str]:
        return header

    def status_reader(self, columns: Sequence[Column]) -> StatusReader | None:
        """Reads a response's status from the tool's own field; None: the tool has none."""
        return None

    def is_metadata(self, column: Column) -> bool:
        key = self.column_key(column.header)
        return key in self.metadata or key.startswith(self.ignored_prefixes)

    def is_personal(self, column: Column) -> bool:
        return self.column_key(column.header) in self.personal

    def keys(self, column: Column) -> list[str]:
        """The names a question column may go by: header, label, last group path part."""
        keys = list(column.texts)
        if self.group_separator:
            for text in column.texts:
                if self.group_separator in text:
                    keys.append(text.rsplit(self.group_separator, 1)[1])
        return keys


def find(columns: Sequence[Column], tool: Tool, wanted: Sequence[str]) -> Column | None:
    by_key: dict[str, Column] = {}
    for c in columns:
        by_key.setdefault(tool.column_key(c.header), c)
        by_key.setdefault(low(c.header), c)
    return next((by_key[w] for w in wanted if w in by_key), None)


def cell(cells: Sequence[str], column: Column) -> str:
    return cells[column.index].strip() if column.index < len(cells) else ""


def unique_columns(header: list[str], labels: list[str]) -> list[Column]:
    from scrutiny.core.tabular import column_letter

    counts: dict[str, int] = {}
    for h in header:
        counts[h] = counts.get(h, 0) + 1
    columns = []
    for i, h in enumerate(header):
        letter = column_letter(i)
        name = f"{h} (column {letter})" if counts[h] > 1 and h else h
        label = labels[i] if i < len(labels) and labels[i] else h
        columns.append(Column(index=i, name=name, header=h, label=label, letter=letter))
    return columns


_IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"\s*:')


def looks_like_import_ids(row: Sequence[str]) -> bool:
    cells = [c for c in row if c.strip()]
    return bool(cells) and sum(1 for c in cells if _IMPORT_ID.match(c)) >= len(cells) / 2
