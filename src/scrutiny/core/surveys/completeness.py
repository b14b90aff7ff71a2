"""Which responses count as returns: a decision, not an accident.

The tool's own fields say whether a response was finished and whether a reviewer
rejected it or put it on hold; the mapping says whether it answers any of the
survey's items. By default only complete, non-rejected, non-held responses with at
least one answer are imported. Including the others is the team's recorded decision
(``Inclusion``). A response answering nothing is never a return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from scrutiny.core.surveys.tools import Status


class Inclusion(BaseModel):
    """Which responses the team decided to count beyond the complete ones."""

    model_config = ConfigDict(frozen=True)

    incomplete: bool = False
    rejected: bool = False
    on_hold: bool = False

    def includes(self, status: Status) -> bool:
        if status is Status.COMPLETE:
            return True
        return bool(getattr(self, status.value))

    @property
    def any(self) -> bool:
        return self.incomplete or self.rejected or self.on_hold

    def describe(self) -> str:
        chosen = [
            name
            for name, on in (
                ("incomplete", self.incomplete),
                ("rejected", self.rejected),
                ("on-hold", self.on_hold),
            )
            if on
        ]
        return " and ".join(chosen)


@dataclass
class Completeness:
    """The file's responses, by what the tool says of them and whether they answer."""

    rows: int = 0  # responses in the file, heading rows and blank lines not counted
    complete: int = 0
    incomplete: int = 0
    rejected: int = 0
    on_hold: int = 0
    empty: int = 0  # answering none of the mapped items, whatever their status
    counted: int = 0  # what an import with the given inclusion stores
    by_status_empty: dict[str, int] = field(default_factory=dict)

    def add(self, status: Status, *, answered: bool, inclusion: Inclusion) -> bool:
        """Count one response; say whether it is imported."""
        self.rows += 1
        setattr(self, status.value, getattr(self, status.value) + 1)
        if not answered:
            self.empty += 1
            self.by_status_empty[status.value] = self.by_status_empty.get(status.value, 0) + 1
            return False
        if inclusion.includes(status):
            self.counted += 1
            return True
        return False

    def counted_with(self, inclusion: Inclusion) -> int:
        """Returns an import would count with another inclusion decision."""
        total = 0
        for status in Status:
            if inclusion.includes(status):
                total += getattr(self, status.value) - self.by_status_empty.get(status.value, 0)
        return total

    def to_json(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "complete": self.complete,
            "incomplete": self.incomplete,
            "rejected": self.rejected,
            "on_hold": self.on_hold,
            "empty": self.empty,
            "empty_by_status": dict(self.by_status_empty),
            "counted": self.counted,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Completeness:
        def n(key: str) -> int:
            value = data.get(key, 0)
            return value if isinstance(value, int) else 0

        by = data.get("empty_by_status", {})
        return cls(
            rows=n("rows"),
            complete=n("complete"),
            incomplete=n("incomplete"),
            rejected=n("rejected"),
            on_hold=n("on_hold"),
            empty=n("empty"),
            counted=n("counted"),
            by_status_empty={str(k): int(v) for k, v in by.items()} if isinstance(by, dict) else {},
        )


def answered(answers: Mapping[str, str | None]) -> bool:
    """A response is a return when it answers at least one item."""
    return any(v not in (None, "") for v in answers.values())


def count_returns(responses: Iterable[object]) -> dict[str, int]:
    """Returns per survey: responses with at least one answer (bundle entries)."""
    counts: dict[str, int] = {}
    for r in responses:
        survey = getattr(r, "survey", None) or (r.get("survey") if isinstance(r, dict) else None)
        answers = getattr(r, "answers", None)
        if answers is None and isinstance(r, dict):
            answers = r.get("answers")
        if isinstance(survey, str) and isinstance(answers, Mapping) and answered(answers):
            counts[survey] = counts.get(survey, 0) + 1
    return counts
