from django.db.models import Prefetch, QuerySet
from django.http import Http404

from scrutiny.web.evidence.models import Evidence, EvidenceIndicator, EvidenceQuestion


def evidence_list(*, inspection: object, question: int | None = None) -> QuerySet[Evidence]:
    notes = (
        Evidence.objects.filter(inspection=inspection)
        .order_by("position")
        .prefetch_related(
            Prefetch("questions", queryset=EvidenceQuestion.objects.order_by("id")),
            Prefetch("indicators", queryset=EvidenceIndicator.objects.order_by("id")),
        )
    )
    if question is not None:
        notes = notes.filter(questions__question=question)
    return notes


def access_evidence_by_id(*, inspection: object, evidence_id: int) -> Evidence:
    """A note of this (already authorised) inspection, or 404."""
    note = evidence_list(inspection=inspection).filter(pk=evidence_id).first()
    if note is None:
        raise Http404
    return note
