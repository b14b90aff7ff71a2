from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from scrutiny.core.methodology import load_programme
from scrutiny.web.audit.services import audit_read
from scrutiny.web.evidence.forms import EvidenceEditForm, EvidenceFilterForm
from scrutiny.web.evidence.selectors import access_evidence_by_id, evidence_list
from scrutiny.web.evidence.services import evidence_update
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.rules import inspection_permission


@inspection_permission(roles.VIEW_EVIDENCE)
def evidence_list_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    programme = load_programme(inspection.programme)
    form = EvidenceFilterForm(request.GET or None, questions=programme.questions)
    question = form.cleaned_data["question"] if form.is_valid() else None
    page = Paginator(evidence_list(inspection=inspection, question=question), 25).get_page(
        request.GET.get("page")
    )
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="evidence",
        summary=f"Viewed evidence (question {question or 'all'}, page {page.number})",
    )
    context = {
        "inspection": inspection,
        "form": form,
        "page": page,
        "question": question,
        "query": f"question={question}" if question else "",
        "can_edit": roles.EDIT_EVIDENCE in inspection.viewer_permissions,
    }
    # htmx filters the list in place; without JavaScript the same form reloads the page.
    template = "evidence/_results.html" if request.htmx else "evidence/list.html"
    return render(request, template, context)


@inspection_permission(roles.VIEW_EVIDENCE)
def evidence_detail_view(
    request: HttpRequest, inspection: Inspection, evidence_id: int
) -> HttpResponse:
    note = access_evidence_by_id(inspection=inspection, evidence_id=evidence_id)
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="evidence",
        object_id=note.ident,
        summary=f"Viewed evidence {note.ident}",
    )
    programme = load_programme(inspection.programme)
    return render(
        request,
        "evidence/detail.html",
        {
            "inspection": inspection,
            "note": note,
            "care_group": programme.care_group_label(note.care_group) if note.care_group else "",
            "can_edit": roles.EDIT_EVIDENCE in inspection.viewer_permissions,
        },
    )


@inspection_permission(roles.EDIT_EVIDENCE)
def evidence_edit_view(
    request: HttpRequest, inspection: Inspection, evidence_id: int
) -> HttpResponse:
    note = access_evidence_by_id(inspection=inspection, evidence_id=evidence_id)
    form = EvidenceEditForm(
        request.POST or None,
        initial={"text": note.text, "kind": note.kind, "version": note.version},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            evidence_update(
                actor=request.user,
                evidence=note,
                expected_version=form.cleaned_data["version"],
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
            )
        except StaleEdit:
            form.add_error(None, StaleEdit.message)
            status = 409
        else:
            messages.success(request, f"Evidence {note.ident} saved.")
            return redirect("evidence:detail", inspection_id=inspection.pk, evidence_id=note.pk)
    return render(
        request,
        "evidence/edit.html",
        {"inspection": inspection, "note": note, "form": form},
        status=status,
    )
