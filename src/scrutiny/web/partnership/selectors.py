"""Reads for the partnership's part and the follow-up, given an authorised inspection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from scrutiny.core.methodology import load_programme
from scrutiny.core.partnership import LeadDocument, lead_document_for
from scrutiny.core.timetable import DatedStage
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.partnership.models import ActionPlan, ProgressReview, ReaderPairing, SentDocument
from scrutiny.web.plans.selectors import timeline_for
from scrutiny.web.reports.models import Report, Statement

# The report's priority areas for improvement (issue 13 adds them as a part of their
# own); until a report has them, its areas for development stand in.
PRIORITY_PARTS = ("priority_areas",)
FALLBACK_PARTS = (Statement.Part.AREAS_FOR_DEVELOPMENT,)


def lead_document(*, inspection: Inspection) -> LeadDocument | None:
    timetable = load_programme(inspection.programme).timetable
    if timetable is None:
        return None
    return lead_document_for({s.id for s in timetable.stages})


def asked_of_partnership(*, inspection: Inspection) -> list[DatedStage]:
    """The timetable's stages asked of the partnership, dated, with their status."""
    timeline = timeline_for(inspection=inspection)
    return timeline.asked_of("partnership") if timeline else []


def sent_documents(*, inspection: Inspection) -> QuerySet[SentDocument]:
    return SentDocument.objects.filter(inspection=inspection).select_related(
        "sent_by", "decided_by", "evidence"
    )


def access_sent_document_by_id(*, inspection: Inspection, document_id: int) -> SentDocument:
    document = SentDocument.objects.filter(inspection=inspection, pk=document_id).first()
    if document is None:
        raise Http404
    return document


def coordinators(*, inspection: Inspection) -> QuerySet[Membership]:
    return Membership.objects.filter(
        inspection=inspection, role=Role.PARTNERSHIP_COORDINATOR
    ).select_related("user")


@dataclass
class ReaderRow:
    reader: Any
    inspector: Any | None


def reader_pairings(*, inspection: Inspection) -> list[ReaderRow]:
    """Every partnership reader of the inspection and the inspector they read with."""
    pairs = {
        p.reader_id: p.inspector
        for p in ReaderPairing.objects.filter(inspection=inspection).select_related("inspector")
    }
    return [
        ReaderRow(m.user, pairs.get(m.user_id))
        for m in Membership.objects.filter(
            inspection=inspection, role=Role.PARTNERSHIP_READER
        ).select_related("user")
    ]


def pairing_by_reader(*, inspection: Inspection) -> dict[int, Any]:
    """reader id -> the inspector they are paired with (for the sample page)."""
    return {
        p.reader_id: p.inspector
        for p in ReaderPairing.objects.filter(inspection=inspection).select_related("inspector")
    }


def team_inspectors(*, inspection: Inspection) -> QuerySet[Membership]:
    return Membership.objects.filter(
        inspection=inspection, role__in=[Role.LEAD_INSPECTOR, Role.INSPECTOR]
    ).select_related("user")


def report_published(*, inspection: Inspection) -> bool:
    return Report.objects.filter(inspection=inspection, status=Report.Status.PUBLISHED).exists()


def priority_areas(*, inspection: Inspection) -> list[Statement]:
    """The statements an action answers: the priority areas for improvement, or the areas
    for development where the report has no priority areas."""
    statements = Statement.objects.filter(inspection=inspection).order_by(
        "question", "position", "id"
    )
    parts = [p for p in PRIORITY_PARTS if p in Statement.Part.values]
    chosen = list(statements.filter(part__in=parts)) if parts else []
    return chosen or list(statements.filter(part__in=FALLBACK_PARTS))


def action_plan_for(*, inspection: Inspection) -> ActionPlan | None:
    return (
        ActionPlan.objects.filter(inspection=inspection)
        .select_related("link_inspector", "submitted_by", "reviewed_by")
        .first()
    )


@dataclass
class FollowUp:
    reviews: list[ProgressReview]  # progress reviews of this inspection
    review_of: ProgressReview | None  # the inspection this one reviews, if it is a review


def follow_up(*, inspection: Inspection) -> FollowUp:
    return FollowUp(
        reviews=list(ProgressReview.objects.filter(original=inspection).select_related("review")),
        review_of=ProgressReview.objects.filter(review=inspection)
        .select_related("original")
        .first(),
    )


def progress_links(*, inspections: list[Inspection]) -> dict[int, list[tuple[str, Inspection]]]:
    """For the inspections list: each inspection's progress reviews and what it reviews."""
    ids = [i.pk for i in inspections]
    links: dict[int, list[tuple[str, Inspection]]] = {}
    for link in ProgressReview.objects.filter(original_id__in=ids).select_related("review"):
        links.setdefault(link.original_id, []).append(("Progress review", link.review))
    for link in ProgressReview.objects.filter(review_id__in=ids).select_related("original"):
        links.setdefault(link.review_id, []).append(("Progress review of", link.original))
    return links
