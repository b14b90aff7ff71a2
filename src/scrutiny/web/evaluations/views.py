"""Evaluation workspace, care groups, judgement, concerns log, moderation and sign-off.

Small views: authorise (rule decorator), validate the form, call one service, redirect.
Refusals from the core (Refused) and stale edits (StaleEdit) come back to the same page
with the person's entries kept and the reasons in the error summary.
"""

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from scrutiny.core.methodology import load_programme
from scrutiny.web.audit.services import audit_read
from scrutiny.web.evaluations import forms, selectors, services
from scrutiny.web.evaluations.models import GroupEvaluation
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.form_errors import run_service
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.rules import inspection_permission


def _read_only(form: Form, inspection: Inspection) -> list[str]:
    """While the evaluations are locked, an input's form shows what is recorded, read
    only, with the reason instead of a save button (a save would be refused anyway)."""
    reasons = selectors.inputs_lock_reasons(inspection=inspection)
    if reasons:
        for field in form.fields.values():
            field.disabled = True
    return reasons


def _form_page(
    request: HttpRequest, inspection: Inspection, status: int, **context: Any
) -> HttpResponse:
    return render(
        request,
        "evaluations/form_page.html",
        {"inspection": inspection, **context},
        status=status or (422 if context["form"].errors else 200),
    )


@inspection_permission(roles.VIEW_EVALUATIONS)
def workspace_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    workspace = selectors.evaluation_workspace(inspection=inspection)
    # The workspace quotes the care groups' rationales and the concerns' summaries.
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="evaluation",
        summary="Viewed the evaluation workspace",
    )
    return render(
        request,
        "evaluations/workspace.html",
        {"inspection": inspection, "w": workspace, "can": inspection.viewer_permissions},
    )


def _citable(page: selectors.IndicatorPage, proposal: Any) -> list[Evidence]:
    """The notes tagged to the indicator, and any the proposal already cites besides."""
    tagged = [n for _, by_source in page.evidence for _, notes in by_source for n in notes]
    seen = {n.pk for n in tagged}
    return tagged + [n for n in (proposal.evidence.all() if proposal else []) if n.pk not in seen]


@inspection_permission(roles.VIEW_EVALUATIONS)
def indicator_view(request: HttpRequest, inspection: Inspection, indicator: str) -> HttpResponse:
    page = selectors.indicator_page(inspection=inspection, indicator=indicator)
    # The page quotes evidence notes: a read of children's data.
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="evidence",
        object_id=f"QI {indicator}",
        summary=f"Viewed the evidence for QI {indicator} in the evaluation workspace",
    )
    can_propose = roles.PROPOSE in inspection.viewer_permissions
    proposal = page.proposal
    form = forms.ProposalForm(
        request.POST if request.method == "POST" else None,
        scale=load_programme(inspection.programme).scale,
        notes=_citable(page, proposal),
        initial={
            "value": proposal.value if proposal else None,
            "rationale": proposal.rationale if proposal else "",
            "evidence": sorted(page.cited),
            "version": proposal.version if proposal else 0,
        },
    )
    locked = _read_only(form, inspection)
    status = 0
    if request.method == "POST":
        if not can_propose:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            status = run_service(
                form,
                lambda: services.proposal_record(
                    actor=request.user,
                    inspection=inspection,
                    indicator=indicator,
                    value=d["value"],
                    rationale=d["rationale"],
                    evidence_ids=d["evidence"],
                    expected_version=d["version"],
                ),
            )
            if not status:
                messages.success(request, f"Proposal for QI {indicator} saved.")
                return redirect(
                    "evaluations:indicator", inspection_id=inspection.pk, indicator=indicator
                )
    return render(
        request,
        "evaluations/indicator.html",
        {
            "inspection": inspection,
            "page": page,
            "form": form,
            "can_propose": can_propose,
            "locked": locked,
        },
        status=status or (422 if form.errors else 200),
    )


@inspection_permission(roles.PROPOSE)
def group_view(request: HttpRequest, inspection: Inspection, care_group: str) -> HttpResponse:
    programme = load_programme(inspection.programme)
    group = next((g for g in programme.care_groups if g.id == care_group), None)
    if group is None:
        raise Http404
    row = GroupEvaluation.objects.filter(inspection=inspection, care_group=care_group).first()
    notes = list(Evidence.objects.filter(inspection=inspection).order_by("position"))
    # The form lists every evidence note's full text to cite.
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="evidence",
        object_id=care_group,
        summary=f"Viewed the evidence to evaluate the wellbeing of {group.label.lower()}",
    )
    form = forms.GroupEvaluationForm(
        request.POST if request.method == "POST" else None,
        scale=programme.scale,
        notes=notes,
        initial={
            "value": row.value if row else None,
            "rationale": row.rationale if row else "",
            "evidence": [e.pk for e in row.evidence.all()] if row else [],
            "version": row.version if row else 0,
        },
    )
    locked = _read_only(form, inspection)
    status = 0
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        status = run_service(
            form,
            lambda: services.group_evaluation_record(
                actor=request.user,
                inspection=inspection,
                care_group=care_group,
                value=d["value"] or None,
                rationale=d["rationale"],
                evidence_ids=d["evidence"],
                expected_version=d["version"],
            ),
        )
        if not status:
            messages.success(request, f"Evaluation of {group.label.lower()} saved.")
            return redirect("evaluations:workspace", inspection_id=inspection.pk)
    return _form_page(
        request,
        inspection,
        status,
        form=form,
        heading=f"Wellbeing of {group.label.lower()}",
        intro=group.description,
        citing=True,
        submit="Save evaluation",
        locked=locked,
    )


@inspection_permission(roles.MODERATE)
def judgement_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    workspace = selectors.evaluation_workspace(inspection=inspection)
    judgement = workspace.judgement
    if judgement is None:
        raise Http404  # the programme leaves no judgement to the team
    record = judgement["record"]
    decided = judgement["decision"]
    form = forms.JudgementForm(
        request.POST if request.method == "POST" else None,
        initial={
            "decision": "" if decided is None else ("yes" if decided else "no"),
            "reason": record.reason if record else "",
            "version": record.version if record else 0,
        },
    )
    form.fields["decision"].label = judgement["question"]
    locked = _read_only(form, inspection)
    status = 0
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        decision = {"yes": True, "no": False}.get(d["decision"])
        status = run_service(
            form,
            lambda: services.team_judgement_record(
                actor=request.user,
                inspection=inspection,
                judgement=judgement["id"],
                decision=decision,
                reason=d["reason"],
                expected_version=d["version"],
            ),
        )
        if not status:
            messages.success(request, "The team's judgement is saved.")
            return redirect("evaluations:workspace", inspection_id=inspection.pk)
    figures = judgement["figures"]
    return _form_page(
        request,
        inspection,
        status,
        form=form,
        heading="Do children feel safe? The team's judgement",
        intro=f"{figures[:1].upper()}{figures[1:]}. {judgement['help']}",
        submit="Save judgement",
        locked=locked,
    )


@inspection_permission(roles.VIEW_CONCERNS)
def concern_list_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    # A concern's summary is about a child's safety.
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="significant_concern",
        summary="Viewed the significant concerns",
    )
    return render(
        request,
        "evaluations/concerns.html",
        {
            "inspection": inspection,
            "concerns": selectors.concern_list(inspection=inspection),
            "can": inspection.viewer_permissions,
        },
    )


@inspection_permission(roles.RAISE_CONCERN)
def concern_raise_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    form = forms.ConcernRaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        concern = services.concern_raise(
            actor=request.user, inspection=inspection, **form.cleaned_data
        )
        messages.success(request, f"Significant concern {concern.ident} raised.")
        return redirect("evaluations:concern", inspection_id=inspection.pk, concern_id=concern.pk)
    return _form_page(
        request,
        inspection,
        0,
        form=form,
        heading="Raise a significant concern",
        intro="The lead inspector sees every concern at once and decides on escalation.",
        submit="Raise concern",
    )


@inspection_permission(roles.VIEW_CONCERNS)
def concern_view(request: HttpRequest, inspection: Inspection, concern_id: int) -> HttpResponse:
    concern = selectors.access_concern_by_id(inspection=inspection, concern_id=concern_id)
    _concern_read(request, inspection, concern, "Viewed")
    return render(
        request,
        "evaluations/concern.html",
        {"inspection": inspection, "concern": concern, "can": inspection.viewer_permissions},
    )


def _concern_read(request: HttpRequest, inspection: Inspection, concern: Any, how: str) -> None:
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="significant_concern",
        object_id=concern.pk,
        summary=f"{how} significant concern {concern.ident}",
    )


_CONCERN_ACTIONS = {
    "escalate": (forms.ConcernEscalateForm, "Escalate", services.concern_escalate),
    "serious-failing": (
        forms.ConcernSeriousFailingForm,
        "Serious failing",
        services.concern_mark_serious_failing,
    ),
    "resolve": (forms.ConcernResolveForm, "Resolve", services.concern_resolve),
}


@inspection_permission(roles.MODERATE)
def concern_action_view(
    request: HttpRequest, inspection: Inspection, concern_id: int, action: str
) -> HttpResponse:
    concern = selectors.access_concern_by_id(inspection=inspection, concern_id=concern_id)
    if action not in _CONCERN_ACTIONS:
        raise Http404
    form_class, verb, service = _CONCERN_ACTIONS[action]
    if request.method != "POST":
        _concern_read(request, inspection, concern, f"Opened to {verb.lower()}")
    initial: dict[str, Any] = {"version": concern.version}
    if action == "serious-failing":
        initial |= {
            "serious": "yes" if concern.serious_failing else "no",
            "reason": concern.serious_failing_reason,
        }
    form = form_class(request.POST or None, initial=initial)
    # Whether a concern is a serious failing caps QI 2.1: locked with the other inputs.
    locked = _read_only(form, inspection) if action == "serious-failing" else []
    status = 0
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        expected = d.pop("version")
        status = run_service(
            form,
            lambda: service(actor=request.user, concern=concern, expected_version=expected, **d),
        )
        if not status:
            messages.success(request, f"Significant concern {concern.ident}: {verb.lower()} saved.")
            return redirect(
                "evaluations:concern", inspection_id=inspection.pk, concern_id=concern.pk
            )
    return _form_page(
        request,
        inspection,
        status,
        form=form,
        heading=f"{verb}: significant concern {concern.ident}",
        intro=concern.summary,
        submit="Save",
        current="concerns",
        locked=locked,
    )


@inspection_permission(roles.VIEW_EVALUATIONS)
def moderation_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    workspace = selectors.evaluation_workspace(inspection=inspection)
    return render(
        request,
        "evaluations/moderation.html",
        {"inspection": inspection, "w": workspace, "can": inspection.viewer_permissions},
    )


def _moderation_action(
    request: HttpRequest,
    inspection: Inspection,
    form_class: type[Form],
    heading: str,
    intro: str,
    submit: str,
    call: Any,
) -> HttpResponse:
    row = selectors.moderation_for(inspection=inspection)
    form = form_class(request.POST or None, initial={"version": row.version})
    status = 0
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        status = run_service(form, lambda: call(d))
        if not status:
            messages.success(request, f"{heading}: done.")
            return redirect("evaluations:moderation", inspection_id=inspection.pk)
    workspace = selectors.evaluation_workspace(inspection=inspection)
    return _form_page(
        request,
        inspection,
        status,
        form=form,
        heading=heading,
        intro=intro,
        submit=submit,
        flags=workspace.flags if form_class is forms.SignOffForm else [],
    )


@inspection_permission(roles.MODERATE)
def agree_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    return _moderation_action(
        request,
        inspection,
        forms.AgreeForm,
        "Record the evaluation meeting's agreement",
        "Record the evaluations as agreed at the evaluation meeting. They are then locked "
        "until signed off or reopened.",
        "Record agreement",
        lambda d: services.evaluations_agree(
            actor=request.user,
            inspection=inspection,
            held_on=d["held_on"],
            present=d["present"],
            expected_version=d["version"],
        ),
    )


@inspection_permission(roles.SIGN_OFF)
def sign_off_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    return _moderation_action(
        request,
        inspection,
        forms.SignOffForm,
        "Sign off the evaluations",
        "Signing off freezes the evaluations: the programme version, the engine version and "
        "a fingerprint of everything they rest on are kept, and any later change shows "
        "against them.",
        "Sign off",
        lambda d: services.evaluations_sign_off(
            actor=request.user,
            inspection=inspection,
            flags_accepted_because=d["flags_accepted_because"],
            expected_version=d["version"],
        ),
    )


@inspection_permission(roles.REOPEN)
def reopen_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    return _moderation_action(
        request,
        inspection,
        forms.ReopenForm,
        "Reopen the evaluations",
        "Reopening unlocks the evaluations for change. They must then be agreed and signed "
        "off again.",
        "Reopen",
        lambda d: services.evaluations_reopen(
            actor=request.user,
            inspection=inspection,
            reason=d["reason"],
            expected_version=d["version"],
        ),
    )
