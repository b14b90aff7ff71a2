from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from scrutiny.core.refusal import Refused
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_read
from scrutiny.web.downloads import name_download
from scrutiny.web.evidence.services import AttachmentRefused, Upload
from scrutiny.web.evidence.uploads import refused_upload, stage_attachments
from scrutiny.web.form_errors import run_service
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.partnership.forms import (
    ActionForm,
    CoordinatorForm,
    DecideForm,
    LinkInspectorForm,
    PairingForm,
    ProgressReviewForm,
    ReviewForm,
    SendForm,
    SubmitPlanForm,
)
from scrutiny.web.partnership.models import ActionPlan, SentDocument
from scrutiny.web.partnership.selectors import (
    access_sent_document_by_id,
    action_plan_for,
    asked_of_partnership,
    coordinators,
    follow_up,
    lead_document,
    priority_areas,
    reader_pairings,
    report_published,
    sent_documents,
    team_inspectors,
)
from scrutiny.web.partnership.services import (
    action_add,
    action_plan_review,
    action_plan_submit,
    coordinator_add,
    link_inspector_name,
    progress_review_open,
    reader_pairing_set,
    sent_document_accept,
    sent_document_create,
    sent_document_path,
    sent_document_return,
)
from scrutiny.web.reports.selectors import report_for, shared_with_partnership
from scrutiny.web.rules import inspection_permission
from scrutiny.web.surveys.uploads import human_size


def _can(inspection: Inspection, permission: str) -> bool:
    return permission in inspection.viewer_permissions  # type: ignore[attr-defined]


# --- the partnership's own pages ----------------------------------------------------------


@inspection_permission(roles.PARTNERSHIP_PAGES)
def home_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    """What is asked of the partnership and when, what it has sent, and where to go next."""
    report = report_for(inspection=inspection)
    return render(
        request,
        "partnership/home.html",
        {
            "inspection": inspection,
            "stages": asked_of_partnership(inspection=inspection),
            "documents": sent_documents(inspection=inspection),
            "lead": lead_document(inspection=inspection),
            "report": report,
            "report_shared": report is not None and shared_with_partnership(report),
            "published": report_published(inspection=inspection),
            "coordinators": coordinators(inspection=inspection),
        },
    )


@inspection_permission(roles.SEND_TO_TEAM)
@csrf_exempt  # checked by _send once the upload handler is in place (evidence/uploads.py)
def send_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    stage_attachments(request)
    return csrf_protect(_send)(request, inspection)


def _send(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    lead = lead_document(inspection=inspection)
    kinds = [(SentDocument.Kind.DOCUMENT.value, "A document the team asked for")]
    if lead is not None:
        kinds.insert(0, (lead.stage, f"The {lead.title} ({lead.limit})"))
    data = request.POST if request.method == "POST" else None
    form = SendForm(data, request.FILES if data is not None else None, kinds=kinds)
    status = 200
    if data is not None:
        status = 422
        refused = refused_upload(request)
        if refused is not None:
            form.is_valid()
            form.add_error(
                "file",
                f"The file is larger than {human_size(settings.ATTACHMENT_MAX_BYTES)}, "
                "the most the team accepts. Nothing was sent.",
            )
            status = 413
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                sent_document_create(
                    actor=request.user,
                    inspection=inspection,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    upload=Upload(upload.path, upload.name, upload.sha256),
                )
            except AttachmentRefused as exc:
                form.add_error("file", f"{exc} Nothing was sent.")
            except Refused as exc:
                for reason in exc.reasons:
                    form.add_error("file", reason)
            else:
                messages.success(
                    request, f"{form.cleaned_data['title']} is sent to the inspection team."
                )
                return redirect("partnership:home", inspection_id=inspection.pk)
    return render(
        request,
        "partnership/send.html",
        {"inspection": inspection, "form": form, "lead": lead},
        status=status,
    )


@inspection_permission(roles.NAME_COORDINATORS)
def coordinators_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    form = CoordinatorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            status = run_service(
                form,
                lambda: coordinator_add(
                    actor=request.user, inspection=inspection, email=form.cleaned_data["email"]
                ),
            )
            if status == 0:
                messages.success(request, "Co-ordinator added. They see the partnership's pages.")
                return redirect("partnership:coordinators", inspection_id=inspection.pk)
    return render(
        request,
        "partnership/coordinators.html",
        {
            "inspection": inspection,
            "form": form,
            "coordinators": coordinators(inspection=inspection),
        },
        status=status,
    )


@inspection_permission(roles.READ_SENT_FILE)
def file_view(request: HttpRequest, inspection: Inspection, document_id: int) -> HttpResponse:
    """The file, only through this access-checked view, always as a download."""
    document = access_sent_document_by_id(inspection=inspection, document_id=document_id)
    try:
        handle = sent_document_path(document).open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="sent_document",
        object_id=document.pk,
        action=AuditEvent.Action.EXPORT,
        summary=f"Downloaded {document.file_name[:120]} sent by the partnership",
    )
    response = FileResponse(handle, content_type=document.content_type)
    name_download(response, document.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the team's side: documents received, readers paired ----------------------------------


@inspection_permission(roles.RECEIVE_DOCUMENTS)
def documents_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    return render(
        request,
        "partnership/documents.html",
        {"inspection": inspection, "documents": sent_documents(inspection=inspection)},
    )


@inspection_permission(roles.RECEIVE_DOCUMENTS)
def decide_view(request: HttpRequest, inspection: Inspection, document_id: int) -> HttpResponse:
    document = access_sent_document_by_id(inspection=inspection, document_id=document_id)
    form = DecideForm(request.POST or None, initial={"version": document.version})
    status = 200
    if request.method == "POST" and document.status == SentDocument.Status.SENT:
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            accept = data["decision"] == "accept"
            status = run_service(
                form,
                lambda: (
                    sent_document_accept(
                        actor=request.user,
                        inspection=inspection,
                        document_id=document.pk,
                        expected_version=data["version"],
                        summary=data["summary"],
                    )
                    if accept
                    else sent_document_return(
                        actor=request.user,
                        inspection=inspection,
                        document_id=document.pk,
                        expected_version=data["version"],
                        reason=data["reason"],
                    )
                ),
            )
            if status == 0:
                messages.success(
                    request,
                    f"{document.title}: "
                    + ("accepted into evidence." if accept else "returned to the partnership."),
                )
                return redirect("partnership:documents", inspection_id=inspection.pk)
    return render(
        request,
        "partnership/decide.html",
        {"inspection": inspection, "document": document, "form": form},
        status=status,
    )


@inspection_permission(roles.MANAGE_READINGS)
def readers_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    rows = reader_pairings(inspection=inspection)
    form = PairingForm(
        request.POST or None,
        readers=[(r.reader.pk, r.reader.get_full_name() or r.reader.username) for r in rows],
        inspectors=[
            (m.user.pk, m.user.get_full_name() or m.user.username)
            for m in team_inspectors(inspection=inspection)
        ],
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            status = run_service(
                form,
                lambda: reader_pairing_set(
                    actor=request.user,
                    inspection=inspection,
                    reader_id=form.cleaned_data["reader"],
                    inspector_id=form.cleaned_data["inspector"],
                ),
            )
            if status == 0:
                messages.success(request, "Pairing saved.")
                return redirect("partnership:readers", inspection_id=inspection.pk)
    return render(
        request,
        "partnership/readers.html",
        {"inspection": inspection, "rows": rows, "form": form},
        status=status,
    )


# --- after publication: the action plan and the progress review ---------------------------


def _areas(inspection: Inspection) -> list[tuple[int, str]]:
    return [(s.pk, s.text[:160]) for s in priority_areas(inspection=inspection)]


@inspection_permission(roles.VIEW_ACTION_PLAN)
def action_plan_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    plan = action_plan_for(inspection=inspection)
    published = report_published(inspection=inspection)
    editable = (
        published
        and _can(inspection, roles.SEND_TO_TEAM)
        and (plan is None or plan.status in (ActionPlan.Status.DRAFT, ActionPlan.Status.RETURNED))
    )
    reviewer = (
        plan is not None
        and plan.link_inspector_id == request.user.pk
        and plan.status == ActionPlan.Status.SUBMITTED
    )
    return render(
        request,
        "partnership/action_plan.html",
        {
            "inspection": inspection,
            "plan": plan,
            "actions": list(plan.actions.select_related("statement")) if plan else [],
            "areas": priority_areas(inspection=inspection),
            "published": published,
            "editable": editable,
            "reviewer": reviewer,
            "submit_form": SubmitPlanForm(initial={"version": plan.version if plan else 1}),
            "follow_up": follow_up(inspection=inspection),
        },
    )


@inspection_permission(roles.SEND_TO_TEAM)
def action_add_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    if not report_published(inspection=inspection):
        return redirect("partnership:action_plan", inspection_id=inspection.pk)
    form = ActionForm(request.POST or None, areas=_areas(inspection))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            status = run_service(
                form,
                lambda: action_add(
                    actor=request.user,
                    inspection=inspection,
                    statement_id=data["statement"],
                    text=data["text"],
                    owner=data["owner"],
                    due=data["due"],
                    status=data["status"],
                ),
            )
            if status == 0:
                messages.success(request, "Action added to the plan.")
                return redirect("partnership:action_plan", inspection_id=inspection.pk)
    return render(
        request,
        "partnership/action_form.html",
        {"inspection": inspection, "form": form},
        status=status,
    )


@inspection_permission(roles.SEND_TO_TEAM)
@require_POST
def action_plan_submit_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    form = SubmitPlanForm(request.POST)
    if form.is_valid():
        try:
            action_plan_submit(
                actor=request.user,
                inspection=inspection,
                expected_version=form.cleaned_data["version"],
            )
        except Refused as exc:
            for reason in exc.reasons:
                messages.error(request, reason)
        except StaleEdit:
            messages.error(request, StaleEdit.message)
        else:
            messages.success(request, "The action plan is submitted to the link inspector.")
    else:
        messages.error(request, "The plan could not be submitted: reload the page and try again.")
    return redirect("partnership:action_plan", inspection_id=inspection.pk)


@inspection_permission(roles.REVIEW_ACTION_PLAN)
def action_plan_review_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    plan = action_plan_for(inspection=inspection)
    form = ReviewForm(request.POST or None, initial={"version": plan.version if plan else 1})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            status = run_service(
                form,
                lambda: action_plan_review(
                    actor=request.user,
                    inspection=inspection,
                    expected_version=data["version"],
                    accept=data["decision"] == "accept",
                    comments=data["comments"],
                ),
            )
            if status == 0:
                messages.success(request, "Your review is recorded and the partnership can see it.")
                return redirect("partnership:action_plan", inspection_id=inspection.pk)
    return render(
        request,
        "partnership/review.html",
        {"inspection": inspection, "plan": plan, "form": form},
        status=status,
    )


@inspection_permission(roles.MANAGE_FOLLOW_UP)
def link_inspector_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    plan = action_plan_for(inspection=inspection)
    form = LinkInspectorForm(
        request.POST or None,
        inspectors=[
            (m.user.pk, m.user.get_full_name() or m.user.username)
            for m in team_inspectors(inspection=inspection)
        ],
        initial={"user": plan.link_inspector_id if plan else None},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            status = run_service(
                form,
                lambda: link_inspector_name(
                    actor=request.user, inspection=inspection, user_id=form.cleaned_data["user"]
                ),
            )
            if status == 0:
                messages.success(request, "Link inspector named.")
                return redirect("partnership:action_plan", inspection_id=inspection.pk)
    return render(
        request,
        "partnership/link_inspector.html",
        {"inspection": inspection, "form": form},
        status=status,
    )


@inspection_permission(roles.MANAGE_FOLLOW_UP)
def progress_review_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    form = ProgressReviewForm(request.POST or None, initial={"start": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            opened = []
            status = run_service(
                form,
                lambda: opened.append(
                    progress_review_open(
                        actor=request.user, inspection=inspection, start=form.cleaned_data["start"]
                    )
                ),
            )
            if status == 0:
                review = opened[0].review
                messages.success(
                    request,
                    f"Progress review {review.reference} opened, linked to {inspection.reference}.",
                )
                return redirect("inspections:home", inspection_id=review.pk)
    return render(
        request,
        "partnership/progress_review.html",
        {
            "inspection": inspection,
            "form": form,
            "published": report_published(inspection=inspection),
            "follow_up": follow_up(inspection=inspection),
        },
        status=status,
    )
