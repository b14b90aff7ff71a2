from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from scrutiny.core.methodology import load_programme
from scrutiny.web.audit.services import audit_read
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.records.selectors import access_reading_by_id, reading_list
from scrutiny.web.rules import inspection_permission


@inspection_permission(roles.VIEW_RECORDS)
def reading_list_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    page = Paginator(reading_list(inspection=inspection), 50).get_page(request.GET.get("page"))
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="record_reading",
        summary=f"Viewed the list of record readings (page {page.number})",
    )
    programme = load_programme(inspection.programme)
    return render(
        request,
        "records/list.html",
        {"inspection": inspection, "page": page, "programme": programme},
    )


@inspection_permission(roles.VIEW_RECORDS)
def reading_detail_view(
    request: HttpRequest, inspection: Inspection, reading_id: int
) -> HttpResponse:
    reading = access_reading_by_id(inspection=inspection, reading_id=reading_id)
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="record_reading",
        object_id=reading.pk,
        summary=f"Viewed the reading of record {reading.record}",
    )
    programme = load_programme(inspection.programme)
    items = {item.id: item.title for item in programme.reading_items}
    ratings = [
        (
            items.get(r.item, r.item),
            "Not applicable" if r.value is None else programme.scale.label(r.value),
        )
        for r in reading.ratings.all()
    ]
    return render(
        request,
        "records/detail.html",
        {
            "inspection": inspection,
            "reading": reading,
            "ratings": ratings,
            "care_group": programme.care_group_label(reading.care_group),
        },
    )
