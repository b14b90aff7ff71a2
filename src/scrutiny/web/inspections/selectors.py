"""Reads for inspection pages. Callers pass an inspection already authorised by
access_inspection_by_id, or a user whose visible inspections are listed."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from scrutiny.core.bundle import Bundle, BundleInvalid
from scrutiny.core.evaluation import Evaluation, evaluate
from scrutiny.core.methodology import Programme, load_programme
from scrutiny.core.signoff import Stage, status_words
from scrutiny.web.evaluations.models import Moderation
from scrutiny.web.inspections.access import inspections_visible_to
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection, Membership


def inspection_list(*, user: Any) -> QuerySet[Inspection]:
    return inspections_visible_to(user).order_by("-start", "reference")


def membership_list(*, inspection: Inspection) -> QuerySet[Membership]:
    return Membership.objects.filter(inspection=inspection).select_related("user")


@dataclass
class Progress:
    """What the inspection home page shows, all derived from one bundle read."""

    programme: Programme
    readings: int = 0
    records: int = 0
    reading_care_groups: list[tuple[str, int]] = field(default_factory=list)
    surveys: list[tuple[str, int]] = field(default_factory=list)
    evidence: int = 0
    evidence_by_question: list[tuple[int, str, int]] = field(default_factory=list)
    concerns: int = 0
    evaluation: Evaluation | None = None
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def inspection_progress(*, inspection: Inspection) -> Progress:
    programme = load_programme(inspection.programme)
    try:
        bundle: Bundle = inspection_bundle(inspection=inspection)
    except BundleInvalid as exc:
        # Stored data should always be valid; if not, say so rather than hide it.
        return Progress(programme=programme, problems=exc.problems)
    groups = Counter(r.care_group for r in bundle.record_readings)
    surveys = Counter(s.survey for s in bundle.survey_responses)
    questions = Counter(q for e in bundle.evidence for q in e.questions)
    evaluation = evaluate(bundle, programme)
    label = programme.scale.label
    stage = (
        Moderation.objects.filter(inspection=inspection).values_list("stage", flat=True).first()
        or Moderation.Stage.PROPOSED
    )

    def point(value: int | None) -> str | None:
        return None if value is None else label(value)

    evaluations = [
        {
            "id": ind.id,
            "title": ind.title,
            "proposed": point(ind.proposed),
            "cap": point(ind.cap),
            "final": point(ind.final),
            "status": ind.status,
            "status_words": status_words(ind.status, Stage(stage)),
            "limiters": [
                {"rule": c.rule, "cap": label(c.cap), "detail": c.detail} for c in ind.limiters
            ],
            "pending": list(ind.pending),
        }
        for ind in evaluation.indicators.values()
    ]
    return Progress(
        programme=programme,
        readings=len(bundle.record_readings),
        records=len({r.record for r in bundle.record_readings}),
        reading_care_groups=[
            (programme.care_group_label(g.id), groups.get(g.id, 0)) for g in programme.care_groups
        ]
        + [("Not care experienced", groups.get(None, 0))],
        surveys=[(s.title, surveys.get(s.id, 0)) for s in programme.surveys],
        evidence=len(bundle.evidence),
        evidence_by_question=[
            (q.number, q.text, questions.get(q.number, 0)) for q in programme.questions
        ],
        concerns=len(bundle.significant_concerns),
        evaluation=evaluation,
        evaluations=evaluations,
    )
