"""Writing the audit trail. Callers run these inside their own transaction, so the
event and the change it describes are committed together or not at all."""

from typing import Any

from django.db import transaction

from scrutiny.web.audit.models import AuditEvent

# An actor is a user, None (the system) or a label such as 'cli:alice' or 'demo loader'.


def actor_name(actor: Any) -> str:
    """How the audit trail and the pages name the actor."""
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return actor.get_username()


def acting_user(actor: Any) -> Any:
    """The user behind the actor, or None for the system or a label."""
    return None if actor is None or isinstance(actor, str) else actor


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    summary: str,
    inspection: Any = None,
    object_id: str | int = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event. `actor` is a user, None (system) or a label such as 'cli:alice'."""
    return AuditEvent.objects.create(
        actor=acting_user(actor),
        actor_name=actor_name(actor),
        inspection=inspection,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        before=before,
        after=after,
    )


def audit_read(
    *,
    actor: Any,
    inspection: Any,
    object_type: str,
    summary: str,
    object_id: str | int = "",
    action: str = AuditEvent.Action.VIEW,
) -> AuditEvent:
    """Record that someone viewed or exported children's data."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            inspection=inspection,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary,
        )
