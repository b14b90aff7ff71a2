"""The audit trail: who changed what (before and after), who read children's data."""

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from scrutiny.web.audit.models import AppendOnly, AuditEvent
from scrutiny.web.audit.selectors import audit_values
from scrutiny.web.audit.services import audit_record
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import inspection_update, membership_add

pytestmark = pytest.mark.django_db


def test_it_records_before_and_after_of_a_change(
    people: dict[str, Any], inspection: Inspection
) -> None:
    inspection_update(
        actor=people["lead"],
        inspection_id=inspection.pk,
        expected_version=inspection.version,
        changes={"phase": "fieldwork", "partnership": inspection.partnership},
    )
    event = AuditEvent.objects.filter(inspection=inspection, action="change").get()
    assert event.actor == people["lead"]
    assert event.actor_name == "lead"
    assert event.before == {"phase": "scoping"}
    assert event.after == {"phase": "fieldwork"}


def test_it_writes_no_event_when_the_change_fails(
    people: dict[str, Any], inspection: Inspection
) -> None:
    before = AuditEvent.objects.count()
    # The lead is already in the team: the database refuses a second membership.
    with pytest.raises(IntegrityError):
        membership_add(
            actor=people["admin"], inspection=inspection, user=people["lead"], role="inspector"
        )
    assert AuditEvent.objects.count() == before


def test_it_refuses_to_change_or_delete_events(inspection: Inspection) -> None:
    event = audit_record(
        actor="test", inspection=inspection, action="view", object_type="x", summary="a read"
    )
    with pytest.raises(AppendOnly):
        event.summary = "rewritten"
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET summary = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_it_has_the_database_refuse_changes_that_bypass_the_orm(
    sql: str, inspection: Inspection
) -> None:
    event = audit_record(
        actor="test", inspection=inspection, action="view", object_type="x", summary="a read"
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "a read"


def test_it_has_the_database_refuse_a_delete_of_the_whole_trail(inspection: Inspection) -> None:
    count = AuditEvent.objects.count()
    assert count > 0
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == count


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_triggers_after_flush_empties_the_database() -> None:
    # Only `flush` (the test runner's, an operator's) empties the trail, as TRUNCATE
    # does on PostgreSQL; afterwards the database refuses deletes again.
    audit_record(actor="test", action="view", object_type="x", summary="before the flush")
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    event = audit_record(actor="test", action="view", object_type="x", summary="after")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    ("name", "object_type"),
    [
        ("records:list", "record_reading"),
        ("surveys:responses", "survey_response"),
        ("evidence:list", "evidence"),
    ],
)
def test_it_logs_who_viewed_childrens_data(
    name: str, object_type: str, client_for: Any, inspection: Inspection
) -> None:
    kwargs = {"inspection_id": inspection.pk}
    if name == "surveys:responses":
        kwargs["survey_id"] = "children_and_young_people"
    assert client_for("inspector").get(reverse(name, kwargs=kwargs)).status_code == 200
    event = AuditEvent.objects.filter(inspection=inspection, action="view").latest("id")
    assert (event.actor_name, event.object_type) == ("inspector", object_type)


def test_it_logs_the_reading_of_one_record(client_for: Any, inspection: Inspection) -> None:
    reading = inspection.record_readings.first()
    client_for("assurer").get(
        reverse("records:detail", kwargs={"inspection_id": inspection.pk, "reading_id": reading.pk})
    )
    event = AuditEvent.objects.latest("id")
    assert event.object_id == str(reading.pk)
    assert reading.record in event.summary


def test_it_logs_bundle_exports(client_for: Any, inspection: Inspection) -> None:
    client_for("lead").get(reverse("inspections:export", kwargs={"inspection_id": inspection.pk}))
    assert AuditEvent.objects.filter(
        inspection=inspection, action="export", actor_name="lead"
    ).exists()


def test_it_shows_the_trail_to_the_lead(client_for: Any, inspection: Inspection) -> None:
    page = client_for("lead").get(reverse("audit:list", kwargs={"inspection_id": inspection.pk}))
    assert "Imported bundle for JI-A" in page.content.decode()


def test_it_exports_the_trail_as_csv_with_formulas_defused(
    client_for: Any, inspection: Inspection
) -> None:
    audit_record(
        actor="test",
        inspection=inspection,
        action="change",
        object_type="evidence",
        summary='=HYPERLINK("http://evil")',
        after={"text": "+1"},
    )
    response = client_for("assurer").get(
        reverse("audit:csv", kwargs={"inspection_id": inspection.pk})
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["at", "who", "action"]
    summaries = [row[5] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in summaries
    assert AuditEvent.objects.filter(action="export", object_type="audit_trail").exists()


# What an event's before/after may hold: the JSON field takes any JSON value, and keys
# such as `items` or `keys` once made the template call a dict method instead.
AWKWARD_VALUES: list[Any] = [
    {"items": [{"survey": "staff"}], "keys": 2, "values": None, "get": "x"},
    {"mapping": {"Do you feel safe?": "feel_safe"}, "count": 3, "flag": True},
    ["a", "list"],
    "plain text",
    12,
    {},
]


def written_object_types() -> list[str]:
    """Every object type the code writes to the trail (a literal in a call's arguments)."""
    web = Path(__file__).parents[2] / "src" / "scrutiny" / "web"
    found = set()
    for source in web.rglob("*.py"):
        found |= set(re.findall(r'object_type="([a-z_]+)"', source.read_text()))
    found |= {"record_reading", "sample", "agreement", "results", "reading_draft"}  # _seen()
    return sorted(found)


def test_it_renders_every_kind_of_event_on_the_trail_page(
    client_for: Any, inspection: Inspection
) -> None:
    kinds = written_object_types()
    assert len(kinds) > 20
    for n, object_type in enumerate(kinds):
        value = AWKWARD_VALUES[n % len(AWKWARD_VALUES)]
        audit_record(
            actor="test",
            inspection=inspection,
            action=list(AuditEvent.Action)[n % len(AuditEvent.Action)],
            object_type=object_type,
            summary=f"{object_type} event",
            before=value,
            after=value,
        )
    for action in AuditEvent.Action:
        for value in AWKWARD_VALUES:
            audit_record(
                actor="test",
                inspection=inspection,
                action=action,
                object_type="anything",
                summary=f"{action} event",
                before=value,
                after=value,
            )
    client = client_for("lead")
    url = reverse("audit:list", kwargs={"inspection_id": inspection.pk})
    pages = AuditEvent.objects.filter(inspection=inspection).count() // 50 + 1
    html = ""
    for number in range(1, pages + 1):
        response = client.get(url, {"page": number})
        assert response.status_code == 200
        html += response.content.decode()
    for action in AuditEvent.Action:
        assert f"{action} event" in html
    for object_type in kinds:
        assert f"{object_type} event" in html
    # PostgreSQL's jsonb keeps keys in its own order: look for each one.
    for part in ["items: [{&quot;survey&quot;: &quot;staff&quot;}]", "keys: 2", "values: null"]:
        assert part in html
    assert "mapping: {&quot;Do you feel safe?&quot;: &quot;feel_safe&quot;}" in html


def test_it_opens_the_trail_page_after_a_web_survey_import(
    client_for: Any, inspection: Inspection, settings: Any, tmp_path: Any
) -> None:
    from .test_surveys_import import csv_bytes, finish, lime_rows, upload

    settings.SURVEY_UPLOADS_DIR = tmp_path / "uploads"
    settings.SURVEY_IMPORT_IN_BACKGROUND = False
    lead = client_for("lead")
    finish(lead, inspection, upload(lead, inspection, "lime.csv", csv_bytes(lime_rows())))
    assert AuditEvent.objects.filter(object_type="survey_import").count() >= 2
    page = lead.get(reverse("audit:list", kwargs={"inspection_id": inspection.pk}))
    assert page.status_code == 200
    assert "survey" in page.content.decode()


def test_it_writes_before_and_after_as_json_in_the_csv(
    client_for: Any, inspection: Inspection
) -> None:
    audit_record(
        actor="test",
        inspection=inspection,
        action="change",
        object_type="evidence",
        summary="a change",
        before={"text": "old", "tags": ["2.1"], "agreed": False, "grade": None},
        after={"text": "new", "tags": [], "agreed": True, "grade": 4},
    )
    response = client_for("lead").get(reverse("audit:csv", kwargs={"inspection_id": inspection.pk}))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    row = next(r for r in rows if r["summary"] == "a change")
    assert json.loads(row["before"]) == {
        "text": "old",
        "tags": ["2.1"],
        "agreed": False,
        "grade": None,
    }
    assert json.loads(row["after"]) == {"text": "new", "tags": [], "agreed": True, "grade": 4}


def test_it_logs_who_read_the_trail(client_for: Any, inspection: Inspection) -> None:
    client_for("assurer").get(reverse("audit:list", kwargs={"inspection_id": inspection.pk}))
    event = AuditEvent.objects.latest("id")
    assert (event.actor_name, event.action, event.object_type) == ("assurer", "view", "audit_trail")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


# No deadline: the machine is shared with browser tests.
@hypothesis_settings(deadline=None)
@given(
    value=json_values | st.dictionaries(st.sampled_from(["items", "keys", "values"]), json_values)
)
def test_it_describes_any_json_an_event_may_hold(value: Any) -> None:
    text = audit_values(value)
    assert isinstance(text, str)
    if isinstance(value, dict):
        for key in value:
            assert f"{key}: " in text


def test_it_names_people_on_the_trail_page_by_full_name(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    lead = people["lead"]
    lead.first_name, lead.last_name = "Lesley", "Lead"
    lead.save()
    inspection_update(
        actor=lead,
        inspection_id=inspection.pk,
        expected_version=inspection.version,
        changes={"phase": "fieldwork"},
    )
    page = client_for("assurer").get(reverse("audit:list", kwargs={"inspection_id": inspection.pk}))
    html = page.content.decode()
    assert "<td>Lesley Lead (lead)</td>" in html
    assert "<td>lead</td>" not in html
    # Someone without a name set, or an import's actor, keeps what the trail stored.
    assert "<td>test</td>" in html
