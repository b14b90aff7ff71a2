"""Values worked out from an inspection's stored data, kept in the process until that
data changes.

Pages that show evaluations read every row the engine reads (`inspection_bundle_data`)
and validate them into a Bundle: the larger part of their server time, repeated on each
page although the data changes far less often than it is read. The data's version is
the number of change events the audit trail holds for the inspection: every write to
the inspection's data leaves its audit row in the same transaction (house rule, pinned
by tests/web/test_service_audit.py), and audit rows are never changed or deleted (the
database's triggers refuse it), so the count only grows, and grows when a change
commits, whatever order concurrent writers took their row ids in. The version is read
before the data, so a value is never kept under a version older than the data it came
from.

Left out of the count: reads (they change nothing) and the kinds of change that write
nothing the engine reads, listed in audit.models.NOT_ENGINE_DATA; a test runs every
service and fails if one changed what the engine reads without moving the count
(test_service_audit.py). A reader's autosaved draft is the common one: counting it
would make every page miss while 100 readers type. ADR 24 says why.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db import connection

from scrutiny.core.methodology import Programme
from scrutiny.web.audit.models import NOT_ENGINE_DATA, READS, AuditEvent
from scrutiny.web.inspections.models import Inspection

T = TypeVar("T")


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)  # constants of the code, never input


# The partial index audit_inspection_changes's own condition, written out with its values:
# SQLite uses a partial index only when the query repeats its terms with literal values
# (bound parameters hide them), and then counts from the index alone.
_COUNT = (
    f"SELECT COUNT(*) FROM {AuditEvent._meta.db_table} WHERE inspection_id = %s AND "  # noqa: S608
    f'(NOT ("action" IN ({_listed(READS)})) '
    f'AND NOT ("object_type" IN ({_listed(NOT_ENGINE_DATA)})))'
)

_KEPT: "OrderedDict[Hashable, Any]" = OrderedDict()
_KEPT_MAX = 32  # a handful of values for each of the few inspections open at once
_LOCK = threading.Lock()


def inspection_data_version(*, inspection: Inspection) -> int:
    """How many changes to the inspection's engine data the audit trail holds."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNT, [inspection.pk])
        return int(cursor.fetchone()[0])


def kept_for_version(
    *, inspection: Inspection, programme: Programme, name: str, build: Callable[[], T]
) -> T:
    """`build()`, or what it gave before for the same version of the inspection's data
    and the same loaded `programme` (values are validated against it).

    Keyed by the inspection's id and creation time as well (a restored or re-created
    database can reuse an id, never both). Callers treat the value as read-only.
    """
    version = inspection_data_version(inspection=inspection)
    key = (name, inspection.pk, inspection.created_at, version)
    with _LOCK:
        kept = _KEPT.get(key)
        if kept is not None and kept[0] is programme:
            _KEPT.move_to_end(key)
            return kept[1]  # type: ignore[no-any-return]
    value = build()
    with _LOCK:
        _KEPT[key] = (programme, value)
        while len(_KEPT) > _KEPT_MAX:
            _KEPT.popitem(last=False)
    return value


def forget_kept() -> None:
    """Empty the store (each test starts with nothing kept: tests/conftest.py)."""
    with _LOCK:
        _KEPT.clear()
