import csv
import io
import json
from collections.abc import Iterable

from django.db.models import QuerySet

from scrutiny.web.audit.models import AuditEvent


def audit_event_list(*, inspection: object) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(inspection=inspection)
        .select_related("actor")
        .order_by("-at", "-id")
    )


def actor_full_name(event: AuditEvent) -> str:
    """Who, by full name (house rules), the username beside it: the trail must name one
    account unambiguously. The username alone when no name is set or the account is gone."""
    full = event.actor.get_full_name() if event.actor else ""
    return f"{full} ({event.actor_name})" if full else event.actor_name


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; quote them."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def audit_values(value: object) -> str:
    """Before/after values as one line of text for the trail page.

    Built here, not in the template: `{% for k, v in data.items %}` looks the key
    `items` up first, so an event whose data has a key named `items` (a survey
    import's mapping does) broke the page. Anything an event may hold renders.
    """
    if value is None or value == {}:
        return ""
    if isinstance(value, dict):
        return "; ".join(
            f"{key}: {item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)}"
            for key, item in value.items()
        )
    return value if isinstance(value, str) else _json(value)


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
                    # JSON, not Python's repr: a spreadsheet or a script reads it back.
                    _json(e.before),
                    _json(e.after),
                )
            ]
        )
    return out.getvalue()
