"""The audit trail: who changed what (before and after), who read children's data."""

import csv
import io
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from scrutiny.web.audit.models import AppendOnly, AuditEvent
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


def test_the_database_refuses_updates_that_bypass_the_orm(inspection: Inspection) -> None:
    event = audit_record(
        actor="test", inspection=inspection, action="view", object_type="x", summary="a read"
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET summary = 'rewritten' WHERE id = %s", [event.pk]
        )
    assert AuditEvent.objects.get(pk=event.pk).summary == "a read"


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
