"""Creating inspections and managing their teams."""

from typing import Any

import pytest
from django.urls import reverse

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.models import Inspection, Membership, Role

pytestmark = pytest.mark.django_db


def test_the_administrator_creates_an_inspection(client_for: Any) -> None:
    response = client_for("admin").post(
        reverse("inspections:create"),
        {
            "reference": "JI-0042",
            "partnership": "Glenshire",
            "programme": "care-and-protection-2018",
            "start": "2019-05-06",
            "end": "",
            "phase": "scoping",
        },
    )
    inspection = Inspection.objects.get(reference="JI-0042")
    assert response["Location"] == reverse(
        "inspections:team", kwargs={"inspection_id": inspection.pk}
    )
    assert (inspection.partnership, str(inspection.start)) == ("Glenshire", "2019-05-06")
    event = AuditEvent.objects.get(inspection=inspection, action="create", object_type="inspection")
    assert event.after["reference"] == "JI-0042" and event.actor_name == "admin"


def test_it_names_each_bad_field_when_creating(client_for: Any) -> None:
    response = client_for("admin").post(
        reverse("inspections:create"),
        {
            "reference": "JI-A",
            "partnership": "",
            "programme": "no-such-programme",
            "start": "31/02/2019",
            "phase": "scoping",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_partnership">Enter the community planning partnership</a>' in page
    assert "Enter the start date as a real date, for example 27/03/2026" in page
    assert "This field is required." not in page
    assert 'href="#id_programme"' in page and 'href="#id_start"' in page
    assert Inspection.objects.filter(reference="JI-A").count() == 1  # only the fixture's


def test_the_lead_adds_and_removes_a_team_member(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    team = reverse("inspections:team", kwargs={"inspection_id": inspection.pk})
    lead = client_for("lead")
    assert lead.post(team, {"username": "outsider", "role": Role.INSPECTOR}).status_code == 302
    membership = Membership.objects.get(inspection=inspection, user=people["outsider"])
    assert membership.role == Role.INSPECTOR
    # Now the outsider can open inspection A.
    home = reverse("inspections:home", kwargs={"inspection_id": inspection.pk})
    assert client_for("outsider").get(home).status_code == 200
    lead.post(
        reverse(
            "inspections:team_remove",
            kwargs={"inspection_id": inspection.pk, "membership_id": membership.pk},
        )
    )
    assert client_for("outsider").get(home).status_code == 404
    actions = list(
        AuditEvent.objects.filter(inspection=inspection, object_type="membership")
        .order_by("id")
        .values_list("action", "actor_name")
    )
    assert actions == [("create", "lead"), ("delete", "lead")]


def test_it_refuses_unknown_people_and_duplicates(client_for: Any, inspection: Inspection) -> None:
    team = reverse("inspections:team", kwargs={"inspection_id": inspection.pk})
    unknown = client_for("lead").post(team, {"username": "nobody", "role": Role.INSPECTOR})
    assert b"There is no active user with this username." in unknown.content
    duplicate = client_for("lead").post(team, {"username": "inspector", "role": Role.INSPECTOR})
    assert b"already in the team" in duplicate.content
