from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.selectors import (
    actor_full_name,
    audit_event_list,
    audit_events_csv,
    audit_values,
)
from scrutiny.web.audit.services import audit_read
from scrutiny.web.downloads import name_download
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.rules import inspection_permission


@inspection_permission(roles.VIEW_AUDIT)
def audit_list_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    page = Paginator(audit_event_list(inspection=inspection), 50).get_page(request.GET.get("page"))
    # Rows first: the read logged below must not push the page's last event off it.
    rows = [(e, actor_full_name(e), audit_values(e.before), audit_values(e.after)) for e in page]
    # The trail quotes before/after values (record readings, evidence, answers).
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="audit_trail",
        summary=f"Viewed the audit trail, page {page.number}",
    )
    return render(
        request, "audit/list.html", {"inspection": inspection, "page": page, "rows": rows}
    )


@inspection_permission(roles.VIEW_AUDIT)
def audit_csv_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    # The trail names records and quotes before/after values, so exporting it is logged.
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="audit_trail",
        summary="Exported the audit trail as CSV",
        action=AuditEvent.Action.EXPORT,
    )
    content = audit_events_csv(events=audit_event_list(inspection=inspection).iterator())
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name_download(response, f"{inspection.reference}-audit.csv")
    return response
