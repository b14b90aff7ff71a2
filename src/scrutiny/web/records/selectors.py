from django.db.models import Prefetch, QuerySet
from django.http import Http404

from scrutiny.web.records.models import Rating, RecordReading


def reading_list(*, inspection: object) -> QuerySet[RecordReading]:
    return RecordReading.objects.filter(inspection=inspection).order_by("position")


def access_reading_by_id(*, inspection: object, reading_id: int) -> RecordReading:
    """A reading of this inspection (already authorised), or 404: ids of other
    inspections' readings find nothing."""
    reading = (
        RecordReading.objects.filter(inspection=inspection, pk=reading_id)
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.order_by("id")))
        .first()
    )
    if reading is None:
        raise Http404
    return reading
