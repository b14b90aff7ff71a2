"""Pages that guide: confirmation before removing a member, changing a role, no default
role, the reader's own list and next record, and who can act when a page is empty."""

from typing import Any

import pytest
from django.urls import reverse

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.records.models import Assignment

from .test_records_support import add_sample, assign

pytestmark = pytest.mark.django_db


def _member(inspection: Inspection, username: str) -> Membership:
    return Membership.objects.get(inspection=inspection, user__username=username)


def test_removing_a_member_asks_first(client_for: Any, inspection: Inspection) -> None:
    member = _member(inspection, "volunteer")
    url = reverse("inspections:team_remove", args=[inspection.pk, member.pk])
    lead = client_for("lead")
    page = lead.get(url).content.decode()
    assert "Remove volunteer from the team?" in page
    assert "Yes, remove volunteer" in page
    assert Membership.objects.filter(pk=member.pk).exists()  # asking removes nothing
    team = lead.get(reverse("inspections:team", args=[inspection.pk])).content.decode()
    assert f'href="{url}"' in team and '<form method="post" action="' + url not in team
    assert lead.post(url).status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_the_add_member_form_has_no_default_role(client_for: Any, inspection: Inspection) -> None:
    team = reverse("inspections:team", args=[inspection.pk])
    page = client_for("lead").get(team).content.decode()
    assert '<option value="" selected>Choose a role</option>' in page
    response = client_for("lead").post(team, {"username": "outsider"})
    assert "Choose the person&#x27;s role in this inspection." in response.content.decode()
    assert not Membership.objects.filter(inspection=inspection, user__username="outsider").exists()


def test_the_lead_changes_a_role_and_it_is_audited(client_for: Any, inspection: Inspection) -> None:
    member = _member(inspection, "inspector")
    url = reverse("inspections:team_role", args=[inspection.pk, member.pk])
    assert client_for("lead").post(url, {"role": Role.QUALITY_ASSURER}).status_code == 302
    assert _member(inspection, "inspector").role == Role.QUALITY_ASSURER
    event = AuditEvent.objects.get(object_type="membership", action="change")
    assert event.before["role"] == Role.INSPECTOR and event.after["role"] == Role.QUALITY_ASSURER


def test_it_keeps_one_lead_inspector(client_for: Any, inspection: Inspection) -> None:
    lead = _member(inspection, "lead")
    url = reverse("inspections:team_role", args=[inspection.pk, lead.pk])
    response = client_for("admin").post(url, {"role": Role.INSPECTOR})
    assert response.status_code == 422
    assert "is the only lead inspector" in response.content.decode()
    assert _member(inspection, "lead").role == Role.LEAD_INSPECTOR


def test_the_reader_opens_their_own_list_and_goes_on_to_the_next_record(
    client_for: Any, inspection: Inspection, people: dict[str, Any]
) -> None:
    add_sample(inspection, records=2)
    assign(inspection, people["inspector"])
    inspector = client_for("inspector")
    home = inspector.get(reverse("inspections:home", args=[inspection.pk])).content.decode()
    sample = reverse("records:sample", args=[inspection.pk])
    assert f'href="{sample}"' in home and "Record readings" in home
    first, second = Assignment.objects.filter(reader=people["inspector"]).order_by(
        "sampled_record__position"
    )
    Assignment.objects.filter(pk=first.pk).update(status=Assignment.Status.SUBMITTED)
    page = inspector.get(reverse("records:reading", args=[inspection.pk, first.pk])).content
    next_url = reverse("records:reading", args=[inspection.pk, second.pk])
    assert f'href="{next_url}"'.encode() in page
    assert f"Read your next record: {second.sampled_record.record}".encode() in page


def test_empty_states_say_who_can_act(client_for: Any, inspection: Inspection) -> None:
    page = client_for("lead").get(reverse("inspections:list")).content.decode()
    assert "Only a site administrator can create an inspection" in page
    sample = client_for("inspector").get(reverse("records:sample", args=[inspection.pk]))
    assert "The lead inspector or a quality assurer imports the sample" in sample.content.decode()


def test_it_will_not_remove_the_only_lead_inspector(
    client_for: Any, inspection: Inspection
) -> None:
    lead = _member(inspection, "lead")
    url = reverse("inspections:team_remove", args=[inspection.pk, lead.pk])
    response = client_for("admin").post(url)
    assert response.status_code == 422
    assert "is the only lead inspector: add another lead inspector" in response.content.decode()
    assert Membership.objects.filter(pk=lead.pk).exists()


def test_it_says_no_evaluation_is_proposed_yet_and_who_proposes(
    client_for: Any, inspection: Inspection
) -> None:
    from scrutiny.web.audit.services import audit_record
    from scrutiny.web.evaluations.models import ProposedEvaluation

    workspace = reverse("evaluations:workspace", args=[inspection.pk])
    assert "Evaluations proposed." in client_for("assurer").get(workspace).content.decode()
    ProposedEvaluation.objects.filter(inspection=inspection).delete()
    # As a service would, so the evaluation pages see the change (house rules, Tests).
    audit_record(
        actor="test",
        inspection=inspection,
        action=AuditEvent.Action.DELETE,
        object_type="proposed_evaluation",
        summary="Withdrew every proposal",
    )
    page = client_for("assurer").get(workspace).content.decode()
    assert "Evaluations proposed." not in page
    assert "No evaluation is proposed yet. The lead inspector and the inspectors propose" in (
        page.replace("</strong>", "")
    )
