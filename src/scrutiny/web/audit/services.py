"""Writing the audit trail. Callers run these inside their own transaction, so the
event and the change it describes are committed together or not at all."""

from typing import Any

from django.db import transaction

from scrutiny.web.audit.models import AuditEvent


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return actor.get_username()


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
    user = actor if actor is not None and not isinstance(actor, str) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=_actor_name(actor),
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
