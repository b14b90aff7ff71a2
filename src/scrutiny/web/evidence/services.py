from typing import Any

from django.db import transaction
from django.db.models import F

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.inspections.services import StaleEdit


def evidence_update(
    *, actor: Any, evidence: Evidence, expected_version: int, text: str, kind: str
) -> Evidence:
    """Change a note's text and kind, refusing the save if it changed meanwhile."""
    with transaction.atomic():
        before = Evidence.objects.filter(pk=evidence.pk).values("text", "kind", "version").get()
        updated = Evidence.objects.filter(pk=evidence.pk, version=expected_version).update(
            text=text, kind=kind, version=F("version") + 1
        )
        if updated != 1:
            raise StaleEdit
        changed = sorted(k for k, v in (("text", text), ("kind", kind)) if before[k] != v)
        audit_record(
            actor=actor,
            inspection=evidence.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="evidence",
            object_id=evidence.ident,
            summary=f"Changed {', '.join(changed) or 'nothing'} of evidence {evidence.ident}",
            before={k: before[k] for k in changed},
            after={k: {"text": text, "kind": kind}[k] for k in changed},
        )
    return Evidence.objects.get(pk=evidence.pk)
