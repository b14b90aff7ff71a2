"""Changes to evaluations, concerns and their moderation.

House rules: every function here writes its audit row in the same transaction as the
change; edits carry the version the person started from and are refused (StaleEdit)
if someone saved in between; what may happen is decided by the domain core
(scrutiny.core.signoff), which raises Refused with its reasons.

Every input the engine reads is locked while the evaluations are agreed or signed off
(`ensure_inputs_editable`); reopening, with a reason, is the only way back. Raising,
escalating and resolving a significant concern stay open at all times, since a child at
risk now cannot wait for a reopening: the engine reads a concern only once it is a
serious failing, and that decision is locked like every other input.
"""

import re
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone

from scrutiny.core import signoff
from scrutiny.core.methodology import load_programme
from scrutiny.core.sufficiency import check_sufficiency
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import actor_name, audit_record
from scrutiny.web.evaluations.models import (
    GroupEvaluation,
    Moderation,
    ProposedEvaluation,
    SignificantConcern,
    TeamJudgement,
)
from scrutiny.web.evaluations.selectors import (
    core_moderation,
    ensure_inputs_editable,
    evidence_citations,
    involvement,
)
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.inspections.access import role_in
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.work.notifications import notify_sign_off

Refused = signoff.Refused


def _bump(model: type[Model], pk: int, expected_version: int, **changes: Any) -> None:
    # The version check is part of the UPDATE, so two racing saves cannot both pass.
    updated = model._default_manager.filter(pk=pk, version=expected_version).update(
        version=F("version") + 1, **changes
    )
    if updated != 1:
        raise StaleEdit


def _moderation_row(inspection: Inspection) -> Moderation:
    row, _ = Moderation.objects.get_or_create(inspection=inspection)
    return row


def _point(inspection: Inspection, value: int | None) -> str:
    return (
        "not evaluated" if value is None else load_programme(inspection.programme).scale.name(value)
    )


def _cite(row: ProposedEvaluation | GroupEvaluation, evidence_ids: list[int]) -> list[str]:
    notes = Evidence.objects.filter(inspection_id=row.inspection_id, pk__in=evidence_ids)
    row.evidence.set(notes)
    return sorted(notes.values_list("ident", flat=True))


def proposal_record(
    *,
    actor: Any,
    inspection: Inspection,
    indicator: str,
    value: int,
    rationale: str,
    evidence_ids: list[int],
    expected_version: int,
) -> ProposedEvaluation:
    """Propose a point for an evaluated indicator. `expected_version` 0: none existed."""
    if load_programme(inspection.programme).evaluated_indicator(indicator) is None:
        raise ValueError(f"{inspection.programme} does not evaluate {indicator!r}")
    with transaction.atomic():
        ensure_inputs_editable(inspection=inspection)
        row = ProposedEvaluation.objects.filter(inspection=inspection, indicator=indicator).first()
        before = None
        if row is None:
            if expected_version != 0:
                raise StaleEdit
            try:
                with transaction.atomic():
                    row = ProposedEvaluation.objects.create(
                        inspection=inspection,
                        indicator=indicator,
                        value=value,
                        rationale=rationale,
                        proposed_by=actor_name(actor),
                    )
            except IntegrityError:
                raise StaleEdit from None
        else:
            before = {
                "value": _point(inspection, row.value),
                "rationale": row.rationale,
                "evidence": sorted(row.evidence.values_list("ident", flat=True)),
            }
            _bump(
                ProposedEvaluation,
                row.pk,
                expected_version,
                value=value,
                rationale=rationale,
                proposed_by=actor_name(actor),
            )
            row.refresh_from_db()
        after = {
            "value": _point(inspection, value),
            "rationale": rationale,
            "evidence": _cite(row, evidence_ids),
        }
        was = f" (was {before['value']})" if before and before["value"] != after["value"] else ""
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE if before else AuditEvent.Action.CREATE,
            object_type="proposed_evaluation",
            object_id=indicator,
            summary=f"Proposed QI {indicator}: {after['value']}{was}",
            before=before,
            after=after,
        )
    return row


def group_evaluation_record(
    *,
    actor: Any,
    inspection: Inspection,
    care_group: str,
    value: int | None,
    rationale: str,
    evidence_ids: list[int],
    expected_version: int,
) -> GroupEvaluation | None:
    """Evaluate a care group's wellbeing; `value` None withdraws the evaluation."""
    programme = load_programme(inspection.programme)
    if care_group not in {g.id for g in programme.care_groups}:
        raise ValueError(f"{inspection.programme} has no care group {care_group!r}")
    label = programme.care_group_label(care_group).lower()
    with transaction.atomic():
        ensure_inputs_editable(inspection=inspection)
        row = GroupEvaluation.objects.filter(inspection=inspection, care_group=care_group).first()
        before = None
        if row is not None:
            before = {
                "value": _point(inspection, row.value),
                "rationale": row.rationale,
                "evidence": sorted(row.evidence.values_list("ident", flat=True)),
            }
        if row is None and value is None:
            return None
        if row is None:
            if expected_version != 0:
                raise StaleEdit
            try:
                with transaction.atomic():
                    row = GroupEvaluation.objects.create(
                        inspection=inspection,
                        care_group=care_group,
                        value=value,
                        rationale=rationale,
                        recorded_by=actor_name(actor),
                    )
            except IntegrityError:
                raise StaleEdit from None
        elif value is None:
            if row.version != expected_version:
                raise StaleEdit
            row.delete()
            audit_record(
                actor=actor,
                inspection=inspection,
                action=AuditEvent.Action.DELETE,
                object_type="group_evaluation",
                object_id=care_group,
                summary=f"Withdrew the wellbeing evaluation of {label}",
                before=before,
            )
            return None
        else:
            _bump(
                GroupEvaluation,
                row.pk,
                expected_version,
                value=value,
                rationale=rationale,
                recorded_by=actor_name(actor),
            )
            row.refresh_from_db()
        after = {
            "value": _point(inspection, value),
            "rationale": rationale,
            "evidence": _cite(row, evidence_ids),
        }
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE if before else AuditEvent.Action.CREATE,
            object_type="group_evaluation",
            object_id=care_group,
            summary=f"Evaluated the wellbeing of {label}: {after['value']}",
            before=before,
            after=after,
        )
    return row


def team_judgement_record(
    *,
    actor: Any,
    inspection: Inspection,
    judgement: str,
    decision: bool | None,
    reason: str,
    expected_version: int,
) -> TeamJudgement | None:
    """Record the team's answer to one of the programme's judgements, with the reason,
    who and when; `decision` None withdraws it (not yet decided).

    `expected_version` is the record's (0: none existed), so two people judging at once
    cannot overwrite each other.
    """
    programme = load_programme(inspection.programme)
    found = next((j for j in programme.judgements if j.id == judgement), None)
    if found is None:
        raise ValueError(f"{inspection.programme} has no judgement {judgement!r}")
    if decision is not None and not reason.strip():
        raise Refused(["Give the reason for the team's judgement"])
    words = {True: "a concerning number", False: "not a concerning number", None: "undecided"}
    with transaction.atomic():
        ensure_inputs_editable(inspection=inspection)
        row = TeamJudgement.objects.filter(inspection=inspection, judgement=judgement).first()
        if (row.version if row else 0) != expected_version:
            raise StaleEdit
        before = None if row is None else {"decision": words[row.decision], "reason": row.reason}
        if row is None and decision is None:
            return None
        if decision is None:
            assert row is not None
            row.delete()
        elif row is None:
            try:
                with transaction.atomic():
                    row = TeamJudgement.objects.create(
                        inspection=inspection,
                        judgement=judgement,
                        decision=decision,
                        reason=reason.strip(),
                        decided_by=actor_name(actor),
                        decided_at=timezone.now(),
                    )
            except IntegrityError:
                raise StaleEdit from None
        else:
            _bump(
                TeamJudgement,
                row.pk,
                expected_version,
                decision=decision,
                reason=reason.strip(),
                decided_by=actor_name(actor),
                decided_at=timezone.now(),
            )
            row.refresh_from_db()
        audit_record(
            actor=actor,
            inspection=inspection,
            action=(
                AuditEvent.Action.DELETE
                if decision is None
                else AuditEvent.Action.CHANGE
                if before
                else AuditEvent.Action.CREATE
            ),
            object_type="team_judgement",
            object_id=judgement,
            summary=f"Judged: {found.question} {words[decision].capitalize()}",
            before=before,
            after=None
            if decision is None
            else {"decision": words[decision], "reason": reason.strip()},
        )
    return None if decision is None else row


# The significant concerns log.

_CONCERN_FIELDS = (
    "summary",
    "description",
    "status",
    "serious_failing",
    "serious_failing_reason",
    "escalated_to",
    "escalation_note",
    "resolution",
)


def _concern_state(concern: SignificantConcern) -> dict[str, Any]:
    return {name: getattr(concern, name) for name in _CONCERN_FIELDS}


def _next_ident(inspection: Inspection) -> str:
    numbers = [
        int(m.group(1))
        for ident in SignificantConcern.objects.filter(inspection=inspection).values_list(
            "ident", flat=True
        )
        if (m := re.fullmatch(r"SC-(\d+)", ident))
    ]
    return f"SC-{max(numbers, default=0) + 1}"


def concern_raise(
    *, actor: Any, inspection: Inspection, summary: str, description: str
) -> SignificantConcern:
    with transaction.atomic():
        last = (
            SignificantConcern.objects.filter(inspection=inspection).order_by("-position").first()
        )
        concern = SignificantConcern.objects.create(
            inspection=inspection,
            position=last.position + 1 if last else 0,
            ident=_next_ident(inspection),
            summary=summary,
            description=description,
            raised_by=actor_name(actor),
            raised_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="significant_concern",
            object_id=concern.ident,
            summary=f"Raised significant concern {concern.ident}: {summary}",
            after=_concern_state(concern),
        )
    return concern


def _concern_change(
    *,
    locked: bool = False,
    actor: Any,
    concern: SignificantConcern,
    expected_version: int,
    summary: str,
    changes: dict[str, Any],
) -> SignificantConcern:
    with transaction.atomic():
        if locked:
            ensure_inputs_editable(inspection=concern.inspection)
        before = _concern_state(SignificantConcern.objects.get(pk=concern.pk))
        _bump(SignificantConcern, concern.pk, expected_version, **changes)
        concern.refresh_from_db()
        after = _concern_state(concern)
        changed = sorted(k for k in after if after[k] != before[k])
        audit_record(
            actor=actor,
            inspection=concern.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="significant_concern",
            object_id=concern.ident,
            summary=summary,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return concern


def concern_escalate(
    *, actor: Any, concern: SignificantConcern, escalated_to: str, note: str, expected_version: int
) -> SignificantConcern:
    return _concern_change(
        actor=actor,
        concern=concern,
        expected_version=expected_version,
        summary=f"Escalated significant concern {concern.ident} to {escalated_to}",
        changes={
            "status": SignificantConcern.Status.ESCALATED,
            "escalated_to": escalated_to,
            "escalation_note": note,
        },
    )


def concern_mark_serious_failing(
    *, actor: Any, concern: SignificantConcern, serious: bool, reason: str, expected_version: int
) -> SignificantConcern:
    """Mark (or unmark) a concern as a serious failing; both need a reason. It caps QI
    2.1, so it is locked with the other inputs while the evaluations are agreed."""
    if not reason.strip():
        raise Refused(["Give the reason for this decision"])
    verb = "Marked" if serious else "No longer marked"
    return _concern_change(
        locked=True,
        actor=actor,
        concern=concern,
        expected_version=expected_version,
        summary=f"{verb} significant concern {concern.ident} as a serious failing: {reason}",
        changes={"serious_failing": serious, "serious_failing_reason": reason.strip()},
    )


def concern_resolve(
    *, actor: Any, concern: SignificantConcern, resolution: str, expected_version: int
) -> SignificantConcern:
    return _concern_change(
        actor=actor,
        concern=concern,
        expected_version=expected_version,
        summary=f"Resolved significant concern {concern.ident}",
        changes={"status": SignificantConcern.Status.RESOLVED, "resolution": resolution},
    )


# Moderation: agree, sign off, reopen. The core decides; this stores and audits.


def _transition(
    *,
    actor: Any,
    inspection: Inspection,
    expected_version: int,
    moved: tuple[signoff.Moderation, signoff.Transition],
    row: Moderation,
    extra: dict[str, Any] | None = None,
) -> Moderation:
    after, transition = moved
    meeting = after.meeting
    fields: dict[str, Any] = {
        "stage": after.stage.value,
        "meeting_held_on": meeting.held_on if meeting else None,
        "meeting_present": list(meeting.present) if meeting else [],
        "agreed_by": meeting.recorded_by if meeting else "",
        "agreed_snapshot": meeting.snapshot.to_json() if meeting else None,
        "flags_accepted_because": after.flags_accepted_because,
        "freeze": after.freeze.to_json() if after.freeze else None,
        "signed_off_by": None,
        "signed_off_at": None,
        **(extra or {}),
    }
    _bump(Moderation, row.pk, expected_version, **fields)
    frozen = after.freeze or (meeting.snapshot if meeting else None)
    audit_record(
        actor=actor,
        inspection=inspection,
        action=AuditEvent.Action.CHANGE,
        object_type="moderation",
        object_id=inspection.pk,
        summary=transition.summary,
        before={"stage": transition.before.value},
        after={
            "stage": transition.after.value,
            **(
                {
                    "programme_version": frozen.programme_version,
                    "engine_version": frozen.engine_version,
                    "inputs_sha256": frozen.inputs_sha256,
                }
                if frozen
                else {}
            ),
        },
    )
    row.refresh_from_db()
    return row


def evaluations_agree(
    *, actor: Any, inspection: Inspection, held_on: date, present: list[str], expected_version: int
) -> Moderation:
    programme = load_programme(inspection.programme)
    with transaction.atomic():
        row = _moderation_row(inspection)
        moved = signoff.agree(
            core_moderation(row),
            by=actor_name(actor),
            held_on=held_on,
            present=present,
            bundle=inspection_bundle(inspection=inspection),
            programme=programme,
        )
        agreed = _transition(
            actor=actor,
            inspection=inspection,
            expected_version=expected_version,
            moved=moved,
            row=row,
        )
        notify_sign_off(inspection=inspection)
        return agreed


def evaluations_sign_off(
    *, actor: Any, inspection: Inspection, flags_accepted_because: str, expected_version: int
) -> Moderation:
    programme = load_programme(inspection.programme)
    with transaction.atomic():
        row = _moderation_row(inspection)
        bundle = inspection_bundle(inspection=inspection)
        moved = signoff.sign_off(
            core_moderation(row),
            by=actor_name(actor),
            role=role_in(user=actor, inspection=inspection),
            involvement=involvement(inspection=inspection),
            bundle=bundle,
            programme=programme,
            flags=check_sufficiency(
                bundle, programme, citations=evidence_citations(inspection=inspection)
            ),
            flags_accepted_because=flags_accepted_because,
        )
        return _transition(
            actor=actor,
            inspection=inspection,
            expected_version=expected_version,
            moved=moved,
            row=row,
            extra={"signed_off_by": actor, "signed_off_at": timezone.now()},
        )


def evaluations_reopen(
    *, actor: Any, inspection: Inspection, reason: str, expected_version: int
) -> Moderation:
    with transaction.atomic():
        row = _moderation_row(inspection)
        moved = signoff.reopen(core_moderation(row), by=actor_name(actor), reason=reason)
        return _transition(
            actor=actor,
            inspection=inspection,
            expected_version=expected_version,
            moved=moved,
            row=row,
        )
