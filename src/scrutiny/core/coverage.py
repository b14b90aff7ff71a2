"""How much evidence of each kind, from which sources, stands behind each inspection
question and each quality indicator.

The team looks at this through fieldwork to see where evidence is thin: a question or
indicator with nothing tagged to it, or one resting on a single kind of source, is
flagged with the same rule as ``sufficiency`` applies before sign-off (triangulation:
records, surveys, meetings and documents should corroborate one another).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from scrutiny.core.methodology import Programme

KINDS = ("strength", "area_for_development", "context")
FlagKind = Literal["no evidence", "one source"]


@dataclass(frozen=True)
class Note:
    """What coverage needs of one evidence note."""

    source: str
    kind: str
    questions: Sequence[int]
    indicators: Sequence[str]


@dataclass(frozen=True)
class TargetCoverage:
    """The evidence tagged to one question ("question", "3") or indicator ("indicator", "2.1")."""

    target: Literal["question", "indicator"]
    id: str
    title: str
    uncertain: bool = False  # the programme marks the indicator's title uncertain
    # (source, kind) -> number of notes
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_kind(self, kind: str) -> int:
        return sum(n for (_, k), n in self.counts.items() if k == kind)

    def sources(self) -> list[str]:
        """The kinds of source with evidence here, most notes first."""
        per_source: Counter[str] = Counter()
        for (source, _), n in self.counts.items():
            per_source[source] += n
        return [s for s, _ in sorted(per_source.items(), key=lambda p: (-p[1], p[0]))]

    def count(self, source: str, kind: str) -> int:
        return self.counts.get((source, kind), 0)

    @property
    def flag(self) -> FlagKind | None:
        if not self.counts:
            return "no evidence"
        if len(self.sources()) == 1:
            return "one source"
        return None


@dataclass(frozen=True)
class Coverage:
    questions: tuple[TargetCoverage, ...]
    indicators: tuple[TargetCoverage, ...]


def coverage(notes: Iterable[Note], programme: Programme) -> Coverage:
    """Counts per question and per indicator, in the programme's order; a note tagged to
    two indicators counts once for each."""
    questions = {
        str(q.number): TargetCoverage("question", str(q.number), q.short)
        for q in programme.questions
    }
    indicators = {
        i.id: TargetCoverage("indicator", i.id, i.title, uncertain=i.uncertain)
        for i in programme.indicators
    }
    for note in notes:
        for number in set(note.questions):
            if str(number) in questions:
                questions[str(number)].counts[(note.source, note.kind)] += 1
        for indicator in set(note.indicators):
            if indicator in indicators:
                indicators[indicator].counts[(note.source, note.kind)] += 1
    return Coverage(tuple(questions.values()), tuple(indicators.values()))
