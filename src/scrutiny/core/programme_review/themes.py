"""Themes for a review of findings: the inspections' published key messages and priority
areas for improvement, gathered by quality indicator and by inspection question.

A statement bears on a question when it is that question's key message or cites
evidence tagged with it, and on an evaluated quality indicator when it cites evidence
tagged with one of the indicators it covers (scrutiny.core.programme_review.figures).
The same statement in several inspections (the same words, ignoring case, spacing and a
final full stop) is one theme, counted once per inspection. Drawing wider themes from
different wordings is the reviewers' work: the page gives them the material, grouped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scrutiny.core.programme_review.figures import PublishedStatement
from scrutiny.core.programme_review.overview import ProgrammeOverview


@dataclass(frozen=True)
class Theme:
    text: str  # the wording of the first inspection (by partnership) that used it
    partnerships: tuple[str, ...]  # the inspections that said it, by partnership


@dataclass(frozen=True)
class ThemeGroup:
    heading: str  # "Quality indicator 2.1: Impact on children and young people"
    anchor: str
    bearing: str  # how a table's caption says it: "bearing on quality indicator 2.1"
    key_messages: tuple[Theme, ...]  # most inspections first
    priority_areas: tuple[Theme, ...]


def same_words(text: str) -> str:
    """The key under which two wordings are the same statement."""
    return " ".join(text.split()).casefold().rstrip(".")


def _themes(
    overview: ProgrammeOverview, kind: str, bears: Callable[[PublishedStatement], bool]
) -> tuple[Theme, ...]:
    found: dict[str, tuple[str, list[str]]] = {}
    for f in overview.inspections:
        for s in f.statements:
            if s.kind != kind or not bears(s):
                continue
            text, partnerships = found.setdefault(same_words(s.text), (s.text, []))
            if f.partnership not in partnerships:  # once per inspection
                partnerships.append(f.partnership)
    themes = [Theme(text, tuple(p)) for text, p in found.values()]
    # Most inspections first; ties in the order the statements were first met.
    return tuple(sorted(themes, key=lambda t: -len(t.partnerships)))


def themes_by_indicator(overview: ProgrammeOverview) -> tuple[ThemeGroup, ...]:
    groups = []
    for evaluated in overview.programme.evaluated:
        # Leadership is one evaluation, "9": named by its title alone.
        heading = (
            f"Quality indicator {evaluated.id}: {evaluated.title}"
            if "." in evaluated.id
            else evaluated.title
        )

        def bears(s: PublishedStatement, ind: str = evaluated.id) -> bool:
            return ind in s.indicators

        named = (
            f"quality indicator {evaluated.id}"
            if "." in evaluated.id
            else evaluated.title[0].lower() + evaluated.title[1:]
        )
        groups.append(
            ThemeGroup(
                heading,
                f"themes-indicator-{evaluated.id.replace('.', '-')}",
                f"bearing on {named}",
                _themes(overview, "key message", bears),
                _themes(overview, "priority area", bears),
            )
        )
    return tuple(groups)


def themes_by_question(overview: ProgrammeOverview) -> tuple[ThemeGroup, ...]:
    noun = overview.programme.report.question_noun
    label = noun.split()[-1].capitalize()
    groups = []
    for question in overview.programme.questions:

        def bears(s: PublishedStatement, number: int = question.number) -> bool:
            return number in s.questions

        groups.append(
            ThemeGroup(
                f"{label} {question.number}: {question.short}",
                f"themes-{label.lower()}-{question.number}",
                f"bearing on {noun} {question.number}",
                _themes(overview, "key message", bears),
                _themes(overview, "priority area", bears),
            )
        )
    return tuple(groups)


def unplaced(overview: ProgrammeOverview) -> ThemeGroup:
    """Statements whose evidence names no evaluated quality indicator: listed, never lost."""
    return ThemeGroup(
        "Not linked to an evaluated quality indicator",
        "themes-indicator-none",
        "not linked to an evaluated quality indicator",
        _themes(overview, "key message", lambda s: not s.indicators),
        _themes(overview, "priority area", lambda s: not s.indicators),
    )
