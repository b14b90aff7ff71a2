"""Each person's notification choices. Written with its audit row in one transaction."""

from typing import Any

from django.db import transaction

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.work.models import NotificationSettings
from scrutiny.web.work.notifications import KINDS


def notification_settings_update(
    *, actor: Any, user: Any, expected_version: int, choices: dict[str, bool]
) -> NotificationSettings:
    with transaction.atomic():
        row, _ = NotificationSettings.objects.select_for_update().get_or_create(user=user)
        if row.version != expected_version:
            raise StaleEdit
        before = {k: getattr(row, k) for k in KINDS}
        for kind in KINDS:
            setattr(row, kind, bool(choices[kind]))
        row.version += 1
        row.save()
        after = {k: getattr(row, k) for k in KINDS}
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            object_type="notification_settings",
            object_id=row.pk,
            summary=f"Changed the e-mail notifications of {user.get_username()}",
            before=before,
            after=after,
        )
    return row
