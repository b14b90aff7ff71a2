"""Is there enough evidence behind each question and evaluation? Flags before sign-off.

A finding that rests on nothing, or on one kind of source only (say, focus groups and
nothing else), does not stand up to challenge: the methodology triangulates records,
surveys, meetings and documents. This module flags, from the bundle's evidence:

- a question or evaluated indicator with no evidence tagged to it;
- one whose evidence all comes from a single kind of source;
- a proposed evaluation whose rationale cites no evidence (when citations are known).

Flags are warnings for the team and the quality assurer; `signoff` refuses sign-off
while any stands unless the quality assurer records why it is acceptable.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from scrutiny.core.bundle import Bundle, Evidence
from scrutiny.core.methodology import Programme

SOURCE_LABELS: dict[str, str] = {
    "record_reading": "record reading",
    "survey": "surveys",
    "focus_group": "focus groups",
    "meeting": "meetings",
    "engagement": "engagement with children and families",
    "position_statement": "the position statement",
    "document": "documents",
    "observation": "observation",
}

FlagKind = Literal["no evidence", "one source", "uncited"]


@dataclass(frozen=True)
class Flag:
    """One warning: `subject` is "question 3" or "QI 2.1"; `message` is the sentence shown."""

    subject: str
    kind: FlagKind
    message: str


def evidence_for_question(bundle: Bundle, number: int) -> list[Evidence]:
    return [e for e in bundle.evidence if number in e.questions]


def evidence_for_indicator(
    bundle: Bundle, programme: Programme, indicator_id: str
) -> list[Evidence]:
    """Evidence tagged to the evaluated indicator itself or to an indicator it covers (9.1..9.4)."""
    evaluated = programme.evaluated_indicator(indicator_id)
    tags = {indicator_id, *(evaluated.covers if evaluated else ())}
    return [e for e in bundle.evidence if tags.intersection(e.indicators)]


def check_sufficiency(
    bundle: Bundle,
    programme: Programme,
    *,
    citations: Mapping[str, Collection[str]] | None = None,
) -> list[Flag]:
    """Every flag, questions first then evaluated indicators, in the programme's order.

    `citations` maps an evaluated indicator to the evidence ids its proposal's rationale
    cites; None when unknown (a bundle alone does not say), so no "uncited" flag is raised.
    """
    flags: list[Flag] = []
    for question in programme.questions:
        subject = f"question {question.number}"
        flags += _flags(subject, question.short, evidence_for_question(bundle, question.number))
    known = {e.id for e in bundle.evidence}
    for evaluated in programme.evaluated:
        subject = f"QI {evaluated.id}"
        flags += _flags(
            subject, evaluated.title, evidence_for_indicator(bundle, programme, evaluated.id)
        )
        if citations is None or evaluated.id not in bundle.proposed_evaluations:
            continue
        cited = [ref for ref in citations.get(evaluated.id, ()) if ref in known]
        if not cited:
            flags.append(
                Flag(
                    subject,
                    "uncited",
                    f"The proposed evaluation of {subject} ({evaluated.title}) cites no "
                    "evidence in its rationale",
                )
            )
    return flags


def _flags(subject: str, title: str, evidence: list[Evidence]) -> list[Flag]:
    if not evidence:
        return [Flag(subject, "no evidence", f"No evidence is tagged to {subject} ({title})")]
    sources = {e.source for e in evidence}
    if len(sources) == 1:
        (source,) = sources
        pieces = "the only piece" if len(evidence) == 1 else f"all {len(evidence)} pieces"
        return [
            Flag(
                subject,
                "one source",
                f"{pieces.capitalize()} of evidence tagged to {subject} ({title}) "
                f"{'comes' if len(evidence) == 1 else 'come'} from {SOURCE_LABELS[source]}: "
                "corroborate it from another kind of source",
            )
        ]
    return []
