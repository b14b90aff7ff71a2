from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from scrutiny.core.methodology import load_programme
from scrutiny.core.refusal import Refused
from scrutiny.web.downloads import name_download
from scrutiny.web.form_errors import run_service
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.access import inspections_visible_to
from scrutiny.web.inspections.bundle_io import bundle_export
from scrutiny.web.inspections.forms import (
    BundleImportForm,
    InspectionCreateForm,
    InspectionEditForm,
    MembershipAddForm,
    MembershipRoleForm,
)
from scrutiny.web.inspections.jobs import bundle_import_enqueue, bundle_import_run
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.inspections.selectors import inspection_list, inspection_progress, membership_list
from scrutiny.web.inspections.services import (
    StaleEdit,
    inspection_create,
    inspection_update,
    membership_add,
    membership_remove,
    membership_role_change,
)
from scrutiny.web.jobs.selectors import access_job_by_id
from scrutiny.web.jobs.services import stage_upload
from scrutiny.web.partnership.selectors import follow_up, progress_links
from scrutiny.web.plans.selectors import inspection_phase, timeline_for
from scrutiny.web.reports.selectors import report_for, shared_with_partnership
from scrutiny.web.retention.selectors import erasures_of
from scrutiny.web.rules import administrator, inspection_permission, signed_in
from scrutiny.web.work.selectors import next_actions

BUNDLE_IMPORT = f"{bundle_import_run.__module__}.{bundle_import_run.__qualname__}"


@signed_in
def inspection_list_view(request: HttpRequest) -> HttpResponse:
    inspections = inspection_list(user=request.user)
    # The phase follows the work (scrutiny.web.plans), not the field typed at creation.
    # A progress review is listed with the inspection it follows up (scrutiny.web.partnership).
    links = progress_links(inspections=inspections)
    rows = [(i, inspection_phase(inspection=i), links.get(i.pk, [])) for i in inspections]
    return render(request, "inspections/list.html", {"inspections": inspections, "rows": rows})


@administrator
def inspection_create_view(request: HttpRequest) -> HttpResponse:
    form = InspectionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if Inspection.objects.filter(reference=form.cleaned_data["reference"]).exists():
            form.add_error("reference", "An inspection with this reference already exists.")
        else:
            inspection = inspection_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"Inspection {inspection.reference} created.")
            return redirect("inspections:team", inspection_id=inspection.pk)
    return render(request, "inspections/create.html", {"form": form})


@administrator
def bundle_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a bundle; the worker imports it (inspections/jobs.py) while this page
    follows the job, then sends the administrator on to the new inspection's team."""
    form = BundleImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    job = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bundle"]
        if upload.size > settings.BUNDLE_MAX_BYTES:
            problems = [
                f"(document): the file is {upload.size} bytes; the limit is "
                f"{settings.BUNDLE_MAX_BYTES}"
            ]
        else:
            staged = stage_upload(upload.chunks(), suffix=".json")
            job = bundle_import_enqueue(actor=request.user, staged=staged, file_name=upload.name)
            return redirect(job.next_url)
    elif request.GET.get("job", "").isdigit():
        job = access_job_by_id(
            user=request.user, inspection_id=None, job_id=int(request.GET["job"])
        )
        if job.handler != BUNDLE_IMPORT:
            raise Http404
        if request.htmx:
            if not job.finished:
                return render(request, "jobs/_progress.html", {"job": job})
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        if job.status == "done" and job.result:
            messages.success(request, job.result["summary"])
            return redirect("inspections:team", inspection_id=job.result["inspection"])
        if job.status == "failed":
            problems = [p["text"] for p in (job.result or {}).get("problems", [])] or [job.failure]
    status = 422 if problems else 200
    return render(
        request,
        "inspections/import.html",
        {"form": form, "problems": problems, "job": job},
        status=status,
    )


@inspection_permission(roles.VIEW)
def inspection_home_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    can = inspection.viewer_permissions
    progress = inspection_progress(inspection=inspection) if roles.PROGRESS in can else None
    report = report_for(inspection=inspection) if roles.READ_SHARED_DRAFT in can else None
    timeline = timeline_for(inspection=inspection) if roles.VIEW_PLAN in can else None
    evaluations = progress.evaluations if progress else []
    return render(
        request,
        "inspections/home.html",
        {
            "inspection": inspection,
            "phase": timeline.phase if timeline else inspection_phase(inspection=inspection),
            "timeline": timeline,
            # Read-only for the team's other members: who is in it and as what.
            "team": membership_list(inspection=inspection)
            if roles.PROGRESS in can and roles.MANAGE_TEAM not in can
            else None,
            "actions": next_actions(
                user=request.user, inspection=inspection, evaluations=evaluations, timeline=timeline
            ),
            "progress": progress,
            "programme": load_programme(inspection.programme),
            "evaluations": evaluations,
            "role_label": Role(inspection.viewer_role).label if inspection.viewer_role else None,
            "report": report,
            "report_shared": report is not None and shared_with_partnership(report),
            "follow_up": follow_up(inspection=inspection),
            "visible": set(inspections_visible_to(request.user).values_list("pk", flat=True)),
            "erasures": erasures_of(inspection=inspection),
        },
    )


@inspection_permission(roles.EDIT)
def inspection_edit_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    initial = {
        name: getattr(inspection, name) for name in ("partnership", "start", "end", "version")
    }
    form = InspectionEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        try:
            inspection_update(
                actor=request.user,
                inspection_id=inspection.pk,
                expected_version=version,
                changes=changes,
            )
        except StaleEdit:
            form.add_error(None, StaleEdit.message)
            status = 409
        else:
            messages.success(request, "Inspection details saved.")
            return redirect("inspections:home", inspection_id=inspection.pk)
    return render(
        request, "inspections/edit.html", {"inspection": inspection, "form": form}, status=status
    )


@inspection_permission(roles.MANAGE_TEAM)
def team_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    form = MembershipAddForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        user = (
            get_user_model()
            .objects.filter(username=form.cleaned_data["username"], is_active=True)
            .first()
        )
        if user is None:
            form.add_error("username", "There is no active user with this username.")
        elif Membership.objects.filter(inspection=inspection, user=user).exists():
            form.add_error("username", "This person is already in the team.")
        else:
            status = run_service(
                form,
                lambda: membership_add(
                    actor=request.user,
                    inspection=inspection,
                    user=user,
                    role=form.cleaned_data["role"],
                ),
            )
            if not status:
                messages.success(request, f"{user.get_username()} added to the team.")
                return redirect("inspections:team", inspection_id=inspection.pk)
    return render(
        request,
        "inspections/team.html",
        {
            "inspection": inspection,
            "form": form,
            "memberships": membership_list(inspection=inspection),
        },
        status=status,
    )


@inspection_permission(roles.MANAGE_TEAM)
def team_remove_view(
    request: HttpRequest, inspection: Inspection, membership_id: int
) -> HttpResponse:
    """GET asks to confirm; POST removes."""
    # Scoped to this inspection: another inspection's membership id gives 404.
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, inspection=inspection
    )
    refused: list[str] = []
    if request.method == "POST":
        name = membership.user.get_username()
        try:
            membership_remove(
                actor=request.user, inspection=inspection, membership_id=membership_id
            )
        except Refused as exc:
            refused = exc.reasons
        else:
            messages.success(request, f"{name} removed from the team.")
            return redirect("inspections:team", inspection_id=inspection.pk)
    return render(
        request,
        "inspections/team_remove.html",
        {"inspection": inspection, "membership": membership, "refused": refused},
        status=422 if refused else 200,
    )


@inspection_permission(roles.MANAGE_TEAM)
def team_role_view(
    request: HttpRequest, inspection: Inspection, membership_id: int
) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, inspection=inspection
    )
    form = MembershipRoleForm(request.POST or None, initial={"role": membership.role})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            status = run_service(
                form,
                lambda: membership_role_change(
                    actor=request.user,
                    inspection=inspection,
                    membership_id=membership.pk,
                    role=form.cleaned_data["role"],
                ),
            )
            if status == 0:
                messages.success(
                    request,
                    f"{membership.user.get_username()} is now "
                    f"{Role(form.cleaned_data['role']).label.lower()}.",
                )
                return redirect("inspections:team", inspection_id=inspection.pk)
    return render(
        request,
        "inspections/team_role.html",
        {"inspection": inspection, "membership": membership, "form": form},
        status=status,
    )


@inspection_permission(roles.EXPORT_BUNDLE)
def bundle_export_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    content = bundle_export(actor=request.user, inspection=inspection)
    response = HttpResponse(content, content_type="application/json")
    name_download(response, f"{inspection.reference}.json")
    return response
