import csv
import io
import json
from collections.abc import Iterable

from django.db.models import QuerySet

from scrutiny.web.audit.models import AuditEvent


def audit_event_list(*, inspection: object) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(inspection=inspection).order_by("-at", "-id")


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; quote them."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def audit_events_csv(*, events: Iterable[AuditEvent]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at", "who", "action", "object", "object id", "summary", "before", "after"])
    for e in events:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    e.at.isoformat(),
                    e.actor_name,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.summary,
                    "" if e.before is None else e.before,
                    "" if e.after is None else e.after,
                )
            ]
        )
    return out.getvalue()
