"""The organisation's retention policy, erasure runs, and subject access (administrators)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from scrutiny.web.audit.services import audit_read
from scrutiny.web.form_errors import run_service
from scrutiny.web.retention import forms
from scrutiny.web.retention.models import Kind
from scrutiny.web.retention.selectors import erasures_done, subject_access
from scrutiny.web.retention.services import (
    erasure_enqueue,
    erasures_due,
    retention_policy,
    retention_policy_update,
)
from scrutiny.web.rules import administrator


@administrator
def policy_view(request: HttpRequest) -> HttpResponse:
    policy = retention_policy()
    initial = {kind: policy.months(kind) for kind in Kind.values} | {"version": policy.version}
    form = forms.RetentionPolicyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        status = run_service(
            form,
            lambda: retention_policy_update(
                actor=request.user,
                expected_version=data["version"],
                months={kind: data[kind] for kind in Kind.values},
            ),
        )
        if not status:
            messages.success(request, "The retention policy is saved.")
            return redirect("retention:policy")
    elif form.errors:
        status = 422
    return render(
        request,
        "retention/policy.html",
        {
            "form": form,
            "due": erasures_due(),
            "done": erasures_done(),
            "policy": policy,
            "sweep_minutes": settings.JOBS_SWEEP_EVERY_SECONDS // 60,
        },
        status=status,
    )


@administrator
@require_POST
def erase_view(request: HttpRequest) -> HttpResponse:
    """Erase what is due now, rather than at the next periodic sweep."""
    return redirect(erasure_enqueue(actor=request.user))


@administrator
def subject_access_view(request: HttpRequest) -> HttpResponse:
    form = forms.SubjectAccessForm(request.GET or None)
    mentions = None
    if form.is_valid():
        identifier = form.cleaned_data["record"]
        mentions = subject_access(identifier=identifier)
        # Finding where a child's id is stored reads children's data.
        audit_read(
            actor=request.user,
            inspection=None,
            object_type="subject_access",
            object_id=identifier[:80],
            summary=f"Listed every stored item mentioning {identifier[:100]} "
            f"({len(mentions)} found)",
        )
    return render(
        request,
        "retention/subject_access.html",
        {"form": form, "mentions": mentions},
        status=422 if form.errors else 200,
    )
