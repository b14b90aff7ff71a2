"""Changes to inspections and their teams. Each writes its audit row in the same transaction."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F

from scrutiny.core.bundle import reference_problem
from scrutiny.core.refusal import Refused
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import acting_user, audit_record
from scrutiny.web.inspections.models import Inspection, Membership, Role


class StaleEdit(Exception):
    """Someone else saved the object after this edit began; nothing was written."""

    message = (
        "Someone else changed this since you opened it, so your changes were not saved. "
        "Your entries are kept below: check the latest version, then save again."
    )


# The inspection's own details. No input to the evaluation engine is among them: those
# change only through the evaluations app's services, which guard the moderation lock.
EDITABLE_FIELDS = ("partnership", "start", "end", "phase")


def _snapshot(inspection: Inspection, fields: tuple[str, ...]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value

    return {name: plain(getattr(inspection, name)) for name in fields}


def inspection_create(
    *,
    actor: Any,
    reference: str,
    partnership: str,
    programme: str,
    start: date,
    end: date | None = None,
    phase: str = "scoping",
) -> Inspection:
    problem = reference_problem(reference)
    if problem:
        raise Refused([f"The reference may have {problem}."])
    with transaction.atomic():
        inspection = Inspection.objects.create(
            reference=reference,
            partnership=partnership,
            programme=programme,
            start=start,
            end=end,
            phase=phase,
        )
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="inspection",
            object_id=inspection.pk,
            summary=f"Created inspection {reference}",
            after=_snapshot(inspection, ("reference", "programme", *EDITABLE_FIELDS)),
        )
        # Imported here: the plans app builds on this one. Every new inspection gets the
        # programme's timetable, dated from its start until the team moves it.
        from scrutiny.web.plans.services import plan_create

        plan_create(actor=actor, inspection=inspection, notification_date=start)
    return inspection


def inspection_update(
    *, actor: Any, inspection_id: int, expected_version: int, changes: dict[str, Any]
) -> Inspection:
    """Apply `changes` if the inspection is still at `expected_version`, else StaleEdit."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = Inspection.objects.select_for_update().get(pk=inspection_id)
        if current.version != expected_version:
            raise StaleEdit
        before = _snapshot(current, tuple(changes))
        # The version check is repeated in the UPDATE itself, so two racing saves
        # cannot both pass it even where select_for_update does not lock (SQLite).
        updated = Inspection.objects.filter(pk=inspection_id, version=expected_version).update(
            version=F("version") + 1, **changes
        )
        if updated != 1:
            raise StaleEdit
        inspection = Inspection.objects.get(pk=inspection_id)
        after = _snapshot(inspection, tuple(changes))
        changed = {k for k in changes if before[k] != after[k]}
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="inspection",
            object_id=inspection.pk,
            summary=f"Changed {', '.join(sorted(changed)) or 'nothing'} of {inspection.reference}",
            before={k: before[k] for k in sorted(changed)},
            after={k: after[k] for k in sorted(changed)},
        )
    return inspection


def membership_add(*, actor: Any, inspection: Inspection, user: Any, role: str) -> Membership:
    # A site administrator reads no case data unless made a member, and not by themself:
    # the case role must come from someone else (another administrator or the lead).
    if acting_user(actor) is not None and acting_user(actor).pk == user.pk:
        raise Refused(["You cannot add yourself to a team: ask another administrator."])
    with transaction.atomic():
        membership = Membership.objects.create(inspection=inspection, user=user, role=role)
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="membership",
            object_id=membership.pk,
            summary=f"Added {user.get_username()} as {membership.get_role_display()}",
            after={"user": user.get_username(), "role": role},
        )
    return membership


def membership_remove(*, actor: Any, inspection: Inspection, membership_id: int) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_related("user").get(
            pk=membership_id, inspection=inspection
        )
        if _last_lead(membership):
            raise Refused(
                [
                    f"{membership.user.get_username()} is the only lead inspector: add another "
                    "lead inspector before removing them."
                ]
            )
        before = {"user": membership.user.get_username(), "role": membership.role}
        membership.delete()
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.DELETE,
            object_type="membership",
            object_id=membership_id,
            summary=f"Removed {before['user']} from the team",
            before=before,
        )


def _last_lead(membership: Membership) -> bool:
    return (
        membership.role == Role.LEAD_INSPECTOR
        and not Membership.objects.filter(
            inspection=membership.inspection_id, role=Role.LEAD_INSPECTOR
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def membership_role_change(
    *, actor: Any, inspection: Inspection, membership_id: int, role: str
) -> Membership:
    """Give a team member another role; an inspection keeps at least one lead inspector.
    Nobody changes their own role: an administrator given a small part by another
    administrator would otherwise make themself lead inspector (membership_add's rule)."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("user")
            .get(pk=membership_id, inspection=inspection)
        )
        before = membership.role
        if before == role:
            return membership
        if acting_user(actor) is not None and acting_user(actor).pk == membership.user_id:
            raise Refused(
                ["You cannot change your own role: ask another administrator or lead inspector."]
            )
        if _last_lead(membership):
            raise Refused(
                [
                    f"{membership.user.get_username()} is the only lead inspector: add another "
                    "lead inspector before changing this role."
                ]
            )
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="membership",
            object_id=membership.pk,
            summary=f"Made {membership.user.get_username()} {membership.get_role_display()}",
            before={"user": membership.user.get_username(), "role": before},
            after={"user": membership.user.get_username(), "role": role},
        )
    return membership
