"""Reads of evidence notes, given an already-authorised inspection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from scrutiny.core.coverage import Coverage, Note, coverage
from scrutiny.core.methodology import Programme, load_programme
from scrutiny.core.suggest import (
    Suggester,
    Suggestions,
    TaggedNote,
    best_suggester,
    programme_targets,
)
from scrutiny.web.evidence.models import (
    Evidence,
    EvidenceAttachment,
    EvidenceIndicator,
    EvidenceQuestion,
)
from scrutiny.web.inspections.models import Inspection

# Filter value for "not about one care group".
NO_CARE_GROUP = "none"
# A search is at most this many words of at most SEARCH_LENGTH_MAX characters in all.
SEARCH_WORDS_MAX = 12
SEARCH_LENGTH_MAX = 200


@dataclass(frozen=True)
class EvidenceFilters:
    """What the evidence list is narrowed to; every filter given must hold."""

    text: str = ""
    question: int | None = None
    indicator: str | None = None
    source: str | None = None
    kind: str | None = None
    care_group: str | None = None  # a care group id, or NO_CARE_GROUP

    def described(self) -> str:
        parts = []
        if self.text:
            parts.append(f"containing “{self.text}”")
        if self.question is not None:
            parts.append(f"tagged to question {self.question}")
        if self.indicator:
            parts.append(f"tagged to QI {self.indicator}")
        return " ".join(parts)

    @property
    def active(self) -> bool:
        return any(
            (self.text, self.question, self.indicator, self.source, self.kind, self.care_group)
        )


def evidence_list(
    *, inspection: object, question: int | None = None, filters: EvidenceFilters | None = None
) -> QuerySet[Evidence]:
    """The inspection's notes, in order, narrowed by ``filters`` (search and filters)."""
    filters = filters or EvidenceFilters(question=question)
    notes = (
        Evidence.objects.filter(inspection=inspection)
        .order_by("position")
        .prefetch_related(
            Prefetch("questions", queryset=EvidenceQuestion.objects.order_by("question")),
            Prefetch("indicators", queryset=EvidenceIndicator.objects.order_by("id")),
            Prefetch("attachments", queryset=EvidenceAttachment.objects.order_by("id")),
        )
    )
    # Every word must appear somewhere: in the note, its id, its source's label or the
    # name of a file attached to it. The files are a subquery, not a join per word:
    # 64 words once made 64 joins, beyond SQLite's limit (a 500). The form bounds the
    # words too (SEARCH_WORDS_MAX), so a search stays a small query.
    for word in dict.fromkeys(filters.text.split()):
        files = EvidenceAttachment.objects.filter(file_name__icontains=word)
        notes = notes.filter(
            Q(text__icontains=word)
            | Q(ident__iexact=word)
            | Q(source_label__icontains=word)
            | Q(pk__in=files.values("evidence_id"))
        )
    if filters.question is not None:
        notes = notes.filter(questions__question=filters.question)
    if filters.indicator:
        notes = notes.filter(indicators__indicator=filters.indicator)
    if filters.source:
        notes = notes.filter(source=filters.source)
    if filters.kind:
        notes = notes.filter(kind=filters.kind)
    if filters.care_group == NO_CARE_GROUP:
        notes = notes.filter(care_group__isnull=True)
    elif filters.care_group:
        notes = notes.filter(care_group=filters.care_group)
    # Joins through tags and attachments can repeat a note.
    return notes.distinct()


def access_evidence_by_id(*, inspection: object, evidence_id: int) -> Evidence:
    """A note of this (already authorised) inspection, or 404."""
    note = evidence_list(inspection=inspection).filter(pk=evidence_id).first()
    if note is None:
        raise Http404
    return note


def access_attachment_by_id(
    *, inspection: object, evidence_id: int, attachment_id: int
) -> EvidenceAttachment:
    """A file attached to this note of this (already authorised) inspection, or 404:
    an attachment id from another inspection or another note is not found."""
    attachment = (
        EvidenceAttachment.objects.select_related("evidence", "evidence__inspection")
        .filter(pk=attachment_id, evidence_id=evidence_id, evidence__inspection=inspection)
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def evidence_choices(*, inspection: object) -> list[tuple[str, str]]:
    """(pk, "E-012") for every note, for forms that pick notes."""
    return [
        (str(pk), ident)
        for pk, ident in Evidence.objects.filter(inspection=inspection)
        .order_by("position")
        .values_list("pk", "ident")
    ]


def _tag_maps(inspection: object) -> tuple[dict[int, list[int]], dict[int, list[str]]]:
    """Each note's questions and indicators, by note pk, in two queries."""
    questions: dict[int, list[int]] = {}
    for evidence_id, number in EvidenceQuestion.objects.filter(
        evidence__inspection=inspection
    ).values_list("evidence_id", "question"):
        questions.setdefault(evidence_id, []).append(number)
    indicators: dict[int, list[str]] = {}
    for evidence_id, indicator in EvidenceIndicator.objects.filter(
        evidence__inspection=inspection
    ).values_list("evidence_id", "indicator"):
        indicators.setdefault(evidence_id, []).append(indicator)
    return questions, indicators


def evidence_coverage(*, inspection: Inspection, programme: Programme) -> Coverage:
    """Counts per question and per indicator by source and kind."""
    questions, indicators = _tag_maps(inspection)
    notes = [
        Note(source, kind, questions.get(pk, []), indicators.get(pk, []))
        for pk, source, kind in Evidence.objects.filter(inspection=inspection).values_list(
            "pk", "source", "kind"
        )
    ]
    return coverage(notes, programme)


def tagged_notes(*, inspection: Inspection, leave_out: int | None = None) -> list[TaggedNote]:
    """The team's tagging so far, for suggestions to learn from: every note with at least
    one tag, except ``leave_out`` (the note being edited must not suggest its own tags)."""
    questions, indicators = _tag_maps(inspection)
    notes = Evidence.objects.filter(inspection=inspection).order_by("position")
    return [
        TaggedNote(text, tuple(questions.get(pk, ())), tuple(indicators.get(pk, ())))
        for pk, text in notes.values_list("pk", "text")
        if pk != leave_out and (questions.get(pk) or indicators.get(pk))
    ]


@dataclass(frozen=True)
class TagSuggestions:
    suggestions: Suggestions
    method: str  # "embedding" or "lexical"
    fallback_reason: str | None  # why the embedding model is not in use


# Shown at most: enough to find the right tag, few enough to read at a glance.
QUESTION_SUGGESTIONS = 3
INDICATOR_SUGGESTIONS = 5


def tag_suggestions(
    *, inspection: Inspection, text: str, leave_out: int | None = None
) -> TagSuggestions | None:
    """Ranked questions and indicators for a note being written; None for a note too
    short to suggest anything from."""
    if len(text.split()) < 3:
        return None
    programme = load_programme(inspection.programme)
    suggester: Suggester = best_suggester(
        programme_targets(programme), tagged_notes(inspection=inspection, leave_out=leave_out)
    )
    found = suggester.suggest(text, limit=max(QUESTION_SUGGESTIONS, INDICATOR_SUGGESTIONS))
    return TagSuggestions(
        Suggestions(
            questions=found.questions[:QUESTION_SUGGESTIONS],
            indicators=found.indicators[:INDICATOR_SUGGESTIONS],
        ),
        method=suggester.method,
        fallback_reason=getattr(suggester, "fallback_reason", None),
    )


def indicator_label(programme: Programme, indicator_id: str) -> str:
    """The indicator's label with its uncertain-title mark, or the bare id if unknown."""
    indicator = programme.indicator(indicator_id)
    return indicator.label if indicator else indicator_id


def note_tags(note: Evidence) -> dict[str, Any]:
    return {
        "questions": [q.question for q in note.questions.all()],
        "indicators": [i.indicator for i in note.indicators.all()],
    }
