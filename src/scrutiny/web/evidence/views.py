from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from scrutiny.core.coverage import TargetCoverage
from scrutiny.core.methodology import Programme, indicator_text, load_programme
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_read
from scrutiny.web.downloads import name_download
from scrutiny.web.evidence.forms import (
    BulkTagForm,
    EvidenceEditForm,
    EvidenceFilterForm,
    EvidenceNoteForm,
)
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.evidence.selectors import (
    TagSuggestions,
    access_attachment_by_id,
    access_evidence_by_id,
    evidence_choices,
    evidence_coverage,
    evidence_list,
    indicator_label,
    note_tags,
    tag_suggestions,
)
from scrutiny.web.evidence.services import (
    AttachmentRefused,
    EvidenceRefused,
    Tags,
    Upload,
    attachment_path,
    attachment_remove,
    evidence_bulk_tag,
    evidence_create,
    evidence_update,
)
from scrutiny.web.evidence.uploads import FILES_PER_SAVE, refused_upload, stage_attachments
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.rules import inspection_permission
from scrutiny.web.surveys.uploads import human_size

FILTER_FIELDS = ("q", "question", "indicator", "source", "kind", "care_group")


def _query(params: QueryDict) -> str:
    """The list's search and filters as a query string (for pagination and going back);
    anything else in ``params`` is dropped."""
    return urlencode([(k, v) for k in FILTER_FIELDS for v in params.getlist(k) if v])


# --- list, search, bulk tagging ------------------------------------------------------


def _list_context(
    request: HttpRequest, inspection: Inspection, programme: Programme, bulk: BulkTagForm | None
) -> dict[str, Any]:
    form = EvidenceFilterForm(request.GET or None, programme=programme)
    filters = form.filters()
    page = Paginator(evidence_list(inspection=inspection, filters=filters), 25).get_page(
        request.GET.get("page")
    )
    can_edit = roles.EDIT_EVIDENCE in inspection.viewer_permissions
    query = _query(request.GET)
    if can_edit and bulk is None:
        bulk = BulkTagForm(programme=programme, notes=evidence_choices(inspection=inspection))
    return {
        "inspection": inspection,
        "form": form,
        "filters": filters,
        "page": page,
        "question": filters.question,
        "query": query,
        "can_edit": can_edit,
        "bulk": bulk,
        "ticked": set(bulk.data.getlist("bulk-notes") if bulk and bulk.is_bound else []),
    }


def _log_list(request: HttpRequest, inspection: Inspection, context: dict[str, Any]) -> None:
    # The search and filters are logged too: who looked for what.
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="evidence",
        summary=f"Viewed evidence ({context['query'] or 'all'}, page {context['page'].number})",
    )


@inspection_permission(roles.VIEW_EVIDENCE)
def evidence_list_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    programme = load_programme(inspection.programme)
    context = _list_context(request, inspection, programme, None)
    _log_list(request, inspection, context)
    # htmx filters the list in place; without JavaScript the same form reloads the page.
    template = "evidence/_results.html" if request.htmx else "evidence/list.html"
    return render(request, template, context)


@inspection_permission(roles.EDIT_EVIDENCE)
@require_POST
def evidence_bulk_tag_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    programme = load_programme(inspection.programme)
    form = BulkTagForm(
        request.POST, programme=programme, notes=evidence_choices(inspection=inspection)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = evidence_bulk_tag(
                actor=request.user,
                inspection=inspection,
                evidence_ids=data["notes"],
                add=Tags(data["questions"], data["indicators"]),
                kind=data["kind"] or None,
            )
        except EvidenceRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            chosen = len(data["notes"])
            messages.success(
                request,
                f"Tagged {changed} of the {chosen} chosen note{'s' if chosen != 1 else ''}"
                + (f" ({chosen - changed} already had those tags)." if changed < chosen else "."),
            )
            back = _query(QueryDict(data["back"]))
            url = reverse("evidence:list", args=[inspection.pk])
            return redirect(f"{url}?{back}" if back else url)
    # The list as it was, with the refusal beside the bulk form and the ticks kept.
    request.GET = QueryDict(_query(QueryDict(form.data.get("bulk-back", ""))))
    context = _list_context(request, inspection, programme, form)
    _log_list(request, inspection, context)
    return render(request, "evidence/list.html", context)


# --- one note ---------------------------------------------------------------------


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
            "indicators": [
                indicator_label(programme, i["indicator"])
                for i in note.indicators.values("indicator")
            ],
            "can_edit": roles.EDIT_EVIDENCE in inspection.viewer_permissions,
        },
    )


def _accept(data: QueryDict, accepted: str) -> QueryDict:
    """The form's data with one suggested tag ("question:4", "indicator:5.2") ticked."""
    kind, _, value = accepted.partition(":")
    field = {"question": "questions", "indicator": "indicators"}.get(kind)
    data = data.copy()
    if field and value and value not in data.getlist(field):
        data.appendlist(field, value)
    return data


def _uploads(form: EvidenceNoteForm) -> list[Upload]:
    return [Upload(f.path, f.name, f.sha256) for f in form.cleaned_data.get("attachments") or []]


def _note_page(
    request: HttpRequest,
    inspection: Inspection,
    *,
    note: Evidence | None,
) -> HttpResponse:
    """Quick capture (note None) and edit share one page: save, or suggest tags."""
    programme = load_programme(inspection.programme)
    form_class = EvidenceNoteForm if note is None else EvidenceEditForm
    initial: dict[str, Any] = {}
    if note is not None:
        initial = {
            "source": note.source,
            "source_label": note.source_label,
            "date": note.date,
            "text": note.text,
            "kind": note.kind,
            "care_group": note.care_group or "",
            "version": note.version,
            **{k: [str(v) for v in vs] for k, vs in note_tags(note).items()},
        }
    data = request.POST if request.method == "POST" else None
    if note is not None and data is None:
        # The edit form shows the note as the detail page does: logged the same way.
        audit_read(
            actor=request.user,
            inspection=inspection,
            object_type="evidence",
            object_id=note.ident,
            summary=f"Opened evidence {note.ident} to edit",
        )
    action = data.get("action", "save") if data is not None else None
    accepted = data.get("accept") if data is not None else None
    if data is not None and accepted:
        data, action = _accept(data, accepted), "suggest"
    form = form_class(data, request.FILES or None, programme=programme, initial=initial)
    status = 200
    suggestions = None
    refused = refused_upload(request) if data is not None else None
    if refused is not None:
        size, whole = refused
        form.is_valid()
        limit = human_size(settings.ATTACHMENT_MAX_BYTES)
        form.add_error(
            "attachments",
            f"The files together are {human_size(size)}: attach up to {FILES_PER_SAVE} files "
            f"of up to {limit} each. Nothing was saved"
            if whole
            else f"A file is larger than {limit}, the most an attachment may be. Nothing was saved",
        )
        status = 413
    elif action == "suggest":
        form.is_valid()
        text = form.data.get("text", "")
        suggestions = tag_suggestions(
            inspection=inspection, text=text, leave_out=note.pk if note else None
        )
        if request.FILES:
            messages.info(
                request,
                "Files are not kept when you ask for suggestions: choose them again before you save.",
            )
    elif data is not None and form.is_valid():
        d = form.cleaned_data
        tags = Tags(d["questions"], d["indicators"])
        try:
            if note is None:
                saved = evidence_create(
                    actor=request.user,
                    inspection=inspection,
                    source=d["source"],
                    source_label=d["source_label"],
                    text=d["text"],
                    kind=d["kind"],
                    date=d["date"],
                    care_group=d["care_group"] or None,
                    tags=tags,
                    attachments=_uploads(form),
                )
            else:
                saved = evidence_update(
                    actor=request.user,
                    evidence=note,
                    expected_version=d["version"],
                    text=d["text"],
                    kind=d["kind"],
                    changes={
                        "source": d["source"],
                        "source_label": d["source_label"],
                        "date": d["date"],
                        "care_group": d["care_group"] or None,
                        "tags": tags,
                    },
                    attachments=_uploads(form),
                )
        except StaleEdit:
            form.add_error(None, StaleEdit.message)
            status = 409
        except AttachmentRefused as exc:
            form.add_error("attachments", str(exc))
            status = 400
        except EvidenceRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = 400
        else:
            verb = "added" if note is None else "saved"
            messages.success(request, f"Evidence {saved.ident} {verb}.")
            return redirect("evidence:detail", inspection_id=inspection.pk, evidence_id=saved.pk)
    elif data is not None:
        status = 400
    return render(
        request,
        "evidence/create.html" if note is None else "evidence/edit.html",
        {
            "inspection": inspection,
            "note": note,
            "form": form,
            "suggestions": suggestions,
            "suggested": _suggested(
                suggestions,
                programme,
                questions=form.data.getlist("questions") if form.is_bound else [],
                indicators=form.data.getlist("indicators") if form.is_bound else [],
            ),
        },
        status=status,
    )


def _suggested(
    suggestions: TagSuggestions | None,
    programme: Programme,
    *,
    questions: list[str],
    indicators: list[str],
) -> list[tuple[str, list[dict[str, Any]]]]:
    """The suggestion buttons, labelled, each knowing whether its tag is already ticked."""
    if suggestions is None:
        return []
    found = suggestions.suggestions
    labels = {str(q.number): f"{q.number}. {q.short}" for q in programme.questions}
    return [
        (
            "Questions",
            [
                {
                    "field": "questions",
                    "id": s.id,
                    "accept": f"question:{s.id}",
                    "label": labels.get(s.id, s.id),
                    "ticked": s.id in questions,
                }
                for s in found.questions
            ],
        ),
        (
            "Quality indicators",
            [
                {
                    "field": "indicators",
                    "id": s.id,
                    "accept": f"indicator:{s.id}",
                    "label": indicator_label(programme, s.id),
                    "ticked": s.id in indicators,
                }
                for s in found.indicators
            ],
        ),
    ]


@inspection_permission(roles.EDIT_EVIDENCE)
@csrf_exempt  # checked by _note_page's caller after the upload handler is in place
def evidence_create_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    stage_attachments(request)
    return csrf_protect(_create)(request, inspection)


def _create(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    return _note_page(request, inspection, note=None)


@inspection_permission(roles.EDIT_EVIDENCE)
@csrf_exempt  # checked after the upload handler is in place (see uploads.py)
def evidence_edit_view(
    request: HttpRequest, inspection: Inspection, evidence_id: int
) -> HttpResponse:
    note = access_evidence_by_id(inspection=inspection, evidence_id=evidence_id)
    stage_attachments(request)
    return csrf_protect(_edit)(request, inspection, note)


def _edit(request: HttpRequest, inspection: Inspection, note: Evidence) -> HttpResponse:
    return _note_page(request, inspection, note=note)


@inspection_permission(roles.EDIT_EVIDENCE)
@require_POST
def evidence_suggest_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    """The suggestions fragment, asked for by htmx as the person writes (POST: the note's
    text stays out of URLs and server logs)."""
    leave_out = None
    if request.POST.get("note", "").isdigit():
        leave_out = access_evidence_by_id(
            inspection=inspection, evidence_id=int(request.POST["note"])
        ).pk
    suggestions = tag_suggestions(
        inspection=inspection, text=request.POST.get("text", ""), leave_out=leave_out
    )
    programme = load_programme(inspection.programme)
    return render(
        request,
        "evidence/_suggestions.html",
        {
            "inspection": inspection,
            "suggestions": suggestions,
            "suggested": _suggested(
                suggestions,
                programme,
                questions=request.POST.getlist("questions"),
                indicators=request.POST.getlist("indicators"),
            ),
        },
    )


# --- coverage ---------------------------------------------------------------------


def _target_name(row: TargetCoverage) -> str:
    if row.target == "question":
        return f"{row.id}. {row.title}"
    return indicator_text(row.id, row.title, uncertain=row.uncertain)


@inspection_permission(roles.VIEW_EVIDENCE)
def evidence_coverage_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    programme = load_programme(inspection.programme)
    found = evidence_coverage(inspection=inspection, programme=programme)
    base = reverse("evidence:list", args=[inspection.pk])
    source_labels = dict(Evidence.Source.choices)

    def rows(targets: tuple[TargetCoverage, ...]) -> list[dict[str, Any]]:
        out = []
        for row in targets:
            param = "question" if row.target == "question" else "indicator"
            name = (
                "evidence:coverage_question"
                if param == "question"
                else "evidence:coverage_indicator"
            )
            out.append(
                {
                    "name": _target_name(row),
                    "url": reverse(name, args=[inspection.pk, row.id]),
                    "list_url": f"{base}?{urlencode({param: row.id})}",
                    "kinds": [
                        (row.by_kind(kind), f"{base}?{urlencode({param: row.id, 'kind': kind})}")
                        for kind, _ in Evidence.Kind.choices
                    ],
                    "total": row.total,
                    "sources": [source_labels[s] for s in row.sources()],
                    "flag": row.flag,
                }
            )
        return out

    return render(
        request,
        "evidence/coverage.html",
        {
            "inspection": inspection,
            "kinds": Evidence.Kind.choices,
            "sections": [
                ("Inspection questions", rows(found.questions), "questions"),
                ("Quality indicators", rows(found.indicators), "indicators"),
            ],
        },
    )


def _coverage_target(
    request: HttpRequest, inspection: Inspection, target: str, target_id: str
) -> HttpResponse:
    programme = load_programme(inspection.programme)
    found = evidence_coverage(inspection=inspection, programme=programme)
    rows = found.questions if target == "question" else found.indicators
    row = next((r for r in rows if r.id == target_id), None)
    if row is None:
        raise Http404
    base = reverse("evidence:list", args=[inspection.pk])

    def url(**params: str) -> str:
        return f"{base}?{urlencode({target: row.id, **params})}"

    kinds = Evidence.Kind.choices
    table = [
        (
            label,
            [(row.count(source, kind), url(source=source, kind=kind)) for kind, _ in kinds],
            sum(row.count(source, kind) for kind, _ in kinds),
        )
        for source, label in Evidence.Source.choices
    ]
    return render(
        request,
        "evidence/coverage_target.html",
        {
            "inspection": inspection,
            "row": row,
            "title": (f"question {row.id}" if target == "question" else f"QI {row.id}"),
            "subject": _target_name(row)
            if target == "indicator"
            else f"question {_target_name(row)}",
            "table": table,
            "kinds": kinds,
            "all_url": url(),
            "kind_urls": [(label, row.by_kind(kind), url(kind=kind)) for kind, label in kinds],
        },
    )


@inspection_permission(roles.VIEW_EVIDENCE)
def evidence_coverage_question_view(
    request: HttpRequest, inspection: Inspection, question: int
) -> HttpResponse:
    return _coverage_target(request, inspection, "question", str(question))


@inspection_permission(roles.VIEW_EVIDENCE)
def evidence_coverage_indicator_view(
    request: HttpRequest, inspection: Inspection, indicator: str
) -> HttpResponse:
    return _coverage_target(request, inspection, "indicator", indicator)


# --- attachments ------------------------------------------------------------------


@inspection_permission(roles.VIEW_EVIDENCE)
def attachment_download_view(
    request: HttpRequest, inspection: Inspection, evidence_id: int, attachment_id: int
) -> HttpResponse:
    """The file, only through this access-checked view, always as a download."""
    attachment = access_attachment_by_id(
        inspection=inspection, evidence_id=evidence_id, attachment_id=attachment_id
    )
    try:
        handle = attachment_path(attachment).open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="evidence_attachment",
        object_id=attachment.pk,
        action=AuditEvent.Action.EXPORT,
        summary=f"Downloaded {attachment.file_name[:120]} of evidence {attachment.evidence.ident}",
    )
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
    )
    name_download(response, attachment.file_name)
    # Never shown inline, never guessed at, never kept by a shared cache.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@inspection_permission(roles.EDIT_EVIDENCE)
def attachment_remove_view(
    request: HttpRequest, inspection: Inspection, evidence_id: int, attachment_id: int
) -> HttpResponse:
    attachment = access_attachment_by_id(
        inspection=inspection, evidence_id=evidence_id, attachment_id=attachment_id
    )
    if request.method == "POST":
        name = attachment.file_name
        attachment_remove(actor=request.user, attachment=attachment)
        messages.success(request, f"Removed {name} from evidence {attachment.evidence.ident}.")
        return redirect("evidence:detail", inspection_id=inspection.pk, evidence_id=evidence_id)
    return render(
        request,
        "evidence/attachment_remove.html",
        {"inspection": inspection, "attachment": attachment, "note": attachment.evidence},
    )
