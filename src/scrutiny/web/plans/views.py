from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from scrutiny.web.form_errors import run_service
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.plans.forms import NotificationForm, StageForm
from scrutiny.web.plans.selectors import timeline_for
from scrutiny.web.plans.services import plan_notification_move, stage_change_set
from scrutiny.web.rules import inspection_permission


def _timeline_or_404(inspection: Inspection):  # type: ignore[no-untyped-def]
    timeline = timeline_for(inspection=inspection)
    if timeline is None:
        raise Http404
    return timeline


@inspection_permission(roles.VIEW_PLAN)
def timetable_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    timeline = timeline_for(inspection=inspection)
    return render(
        request,
        "plans/timetable.html",
        {
            "inspection": inspection,
            "timeline": timeline,
            "can_edit": roles.EDIT_PLAN in inspection.viewer_permissions,  # type: ignore[attr-defined]
        },
    )


@inspection_permission(roles.EDIT_PLAN)
def notification_edit_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    timeline = _timeline_or_404(inspection)
    plan = timeline.plan
    form = NotificationForm(
        request.POST or None,
        initial={"notification_date": plan.notification_date, "version": plan.version},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            status = run_service(
                form,
                lambda: plan_notification_move(
                    actor=request.user,
                    plan_id=plan.pk,
                    expected_version=form.cleaned_data["version"],
                    notification_date=form.cleaned_data["notification_date"],
                ),
            )
            if status == 0:
                messages.success(request, "Notification date moved, and the timetable with it.")
                return redirect("plans:timetable", inspection_id=inspection.pk)
    return render(
        request,
        "plans/notification.html",
        {"inspection": inspection, "form": form},
        status=status,
    )


@inspection_permission(roles.EDIT_PLAN)
def stage_edit_view(request: HttpRequest, inspection: Inspection, stage: str) -> HttpResponse:
    timeline = _timeline_or_404(inspection)
    dated = next((s for s in timeline.stages if s.stage.id == stage), None)
    if dated is None:
        raise Http404
    plan = timeline.plan
    change = plan.stage_changes.filter(stage=stage).first()
    form = StageForm(
        request.POST or None,
        milestone=dated.stage.milestone,
        signal=dated.stage.done_when is not None and not dated.stage.recordable,
        initial={
            "start": change.start if change else None,
            "end": change.end if change else None,
            "done_on": change.done_on if change else None,
            "version": plan.version,
        },
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            status = run_service(
                form,
                lambda: stage_change_set(
                    actor=request.user,
                    plan_id=plan.pk,
                    expected_version=data["version"],
                    stage=stage,
                    start=data.get("start"),
                    end=data.get("end"),
                    done_on=data.get("done_on"),
                ),
            )
            if status == 0:
                messages.success(request, f"{dated.stage.title}: saved.")
                return redirect("plans:timetable", inspection_id=inspection.pk)
    return render(
        request,
        "plans/stage.html",
        {"inspection": inspection, "form": form, "dated": dated},
        status=status,
    )
