"""The significant concerns log, care-group evaluations and the team's judgement.

Every change writes an audit row saying who and when, and what the bundle holds of it
survives export and import byte for byte.
"""

from typing import Any

import pytest
from django.urls import reverse

from scrutiny.core.bundle import parse_bundle
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evaluations.models import GroupEvaluation, SignificantConcern, TeamJudgement
from scrutiny.web.inspections.bundle_io import bundle_export, bundle_import
from scrutiny.web.inspections.models import Inspection

pytestmark = pytest.mark.django_db


def url(name: str, inspection: Inspection, **kwargs: Any) -> str:
    return reverse(f"evaluations:{name}", kwargs={"inspection_id": inspection.pk, **kwargs})


def last_event(inspection: Inspection, object_type: str) -> AuditEvent:
    return AuditEvent.objects.filter(inspection=inspection, object_type=object_type).latest("id")


def test_it_raises_escalates_marks_and_resolves_a_concern_auditing_each_step(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    response = client_for("inspector").post(
        url("concern_raise", inspection),
        {"summary": "No out-of-hours social work cover", "description": "Seen in 3 records"},
    )
    concern = SignificantConcern.objects.get(inspection=inspection, ident="SC-2")
    assert response.status_code == 302
    assert (concern.raised_by, concern.status, concern.position) == ("inspector", "open", 1)
    raised = last_event(inspection, "significant_concern")
    assert raised.actor == people["inspector"] and raised.action == "create"

    lead = client_for("lead")
    steps = [
        ("escalate", {"escalated_to": "Lead contact for concerns", "note": "Passed on"}),
        ("serious-failing", {"serious": "yes", "reason": "Children unprotected at night"}),
        ("resolve", {"resolution": "Rota in place"}),
    ]
    for action, data in steps:
        concern.refresh_from_db()
        response = lead.post(
            url("concern_action", inspection, concern_id=concern.pk, action=action),
            {**data, "version": concern.version},
        )
        assert response.status_code == 302, action
    concern.refresh_from_db()
    assert concern.status == "resolved" and concern.serious_failing
    assert concern.escalated_to == "Lead contact for concerns"
    events = AuditEvent.objects.filter(
        inspection=inspection, object_type="significant_concern", object_id="SC-2"
    ).order_by("id")
    assert [(e.actor_name, e.action) for e in events] == [
        ("inspector", "create"),
        ("lead", "change"),
        ("lead", "change"),
        ("lead", "change"),
    ]
    marked = events[2]
    assert marked.before == {"serious_failing": False, "serious_failing_reason": ""}
    assert marked.after == {
        "serious_failing": True,
        "serious_failing_reason": "Children unprotected at night",
    }
    assert all(e.at is not None for e in events)
    # The serious failing caps 2.1 even when resolved: it was found.
    page = client_for("lead").get(url("workspace", inspection)).content.decode()
    assert "1 significant concern (SC-2) is recorded as a serious failing" in page


def test_it_needs_a_reason_to_mark_a_serious_failing(
    client_for: Any, inspection: Inspection
) -> None:
    concern = inspection.significant_concerns.first()
    response = client_for("lead").post(
        url("concern_action", inspection, concern_id=concern.pk, action="serious-failing"),
        {"serious": "yes", "reason": "", "version": concern.version},
    )
    assert response.status_code == 422
    concern.refresh_from_db()
    assert not concern.serious_failing


def test_it_refuses_a_stale_concern_edit_and_overwrites_nothing(
    client_for: Any, inspection: Inspection
) -> None:
    concern = inspection.significant_concerns.first()
    lead = client_for("lead")
    action = url("concern_action", inspection, concern_id=concern.pk, action="resolve")
    lead.post(action, {"resolution": "First", "version": concern.version})
    response = lead.post(action, {"resolution": "Second", "version": concern.version})
    assert response.status_code == 409
    concern.refresh_from_db()
    assert concern.resolution == "First"


def test_it_gives_404_for_another_inspections_concern(
    client_for: Any, inspection: Inspection, other_inspection: Inspection
) -> None:
    theirs = other_inspection.significant_concerns.first()
    response = client_for("lead").get(url("concern", inspection, concern_id=theirs.pk))
    assert response.status_code == 404


def test_it_records_a_group_evaluation_citing_evidence(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    note = inspection.evidence.first()
    row = GroupEvaluation.objects.get(inspection=inspection, care_group="foster_care")
    response = client_for("lead").post(
        url("group", inspection, care_group="foster_care"),
        {"value": 3, "rationale": "Placement moves", "evidence": [note.pk], "version": row.version},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.value, row.rationale, row.recorded_by) == (3, "Placement moves", "lead")
    assert list(row.evidence.all()) == [note]
    event = last_event(inspection, "group_evaluation")
    assert event.actor == people["lead"]
    assert event.summary == "Evaluated the wellbeing of foster care: adequate"
    assert event.after["evidence"] == [note.ident]


def test_it_needs_a_rationale_for_a_group_evaluation(
    client_for: Any, inspection: Inspection
) -> None:
    row = GroupEvaluation.objects.get(inspection=inspection, care_group="foster_care")
    response = client_for("lead").post(
        url("group", inspection, care_group="foster_care"),
        {"value": 3, "rationale": "", "version": row.version},
    )
    assert response.status_code == 422
    assert "Give the rationale for this evaluation." in response.content.decode()


def judgement(inspection: Inspection) -> TeamJudgement:
    return TeamJudgement.objects.get(
        inspection=inspection, judgement="children_not_safe_concerning"
    )


def test_it_records_the_feel_safe_judgement_with_its_reason(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    # The demo bundle carries the decision "no" without a reason (the format has none).
    imported = judgement(inspection)
    assert (imported.decision, imported.reason, imported.decided_by) == (False, "", "")
    response = client_for("lead").post(
        url("judgement", inspection),
        {"decision": "yes", "reason": "Engagement echoed it", "version": imported.version},
    )
    assert response.status_code == 302
    row = judgement(inspection)
    assert (row.decision, row.reason, row.decided_by) == (True, "Engagement echoed it", "lead")
    assert row.decided_at is not None and row.version == imported.version + 1
    event = last_event(inspection, "team_judgement")
    assert event.actor == people["lead"]
    assert event.before == {"decision": "not a concerning number", "reason": ""}
    assert event.after == {"decision": "a concerning number", "reason": "Engagement echoed it"}
    page = client_for("lead").get(url("workspace", inspection)).content.decode()
    assert "Engagement echoed it" in page
    assert "The team judged the number of children and young people" in page


def test_it_refuses_a_judgement_without_a_reason(client_for: Any, inspection: Inspection) -> None:
    response = client_for("lead").post(
        url("judgement", inspection),
        {"decision": "yes", "reason": "", "version": judgement(inspection).version},
    )
    assert response.status_code == 422
    assert judgement(inspection).decision is False


def test_it_round_trips_what_the_bundle_holds_after_web_changes(
    client_for: Any, inspection: Inspection
) -> None:
    lead = client_for("lead")
    lead.post(url("concern_raise", inspection), {"summary": "New concern", "description": "x"})
    row = GroupEvaluation.objects.get(inspection=inspection, care_group="aftercare")
    lead.post(
        url("group", inspection, care_group="aftercare"),
        {"value": 2, "rationale": "Few pathway plans", "version": row.version},
    )
    lead.post(
        url("indicator", inspection, indicator="2.2"),
        {
            "value": 3,
            "rationale": "Families",
            "version": inspection.proposed_evaluations.get(indicator="2.2").version,
        },
    )
    response = lead.post(
        url("judgement", inspection),
        {"decision": "yes", "reason": "Why", "version": judgement(inspection).version},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    first = bundle_export(actor="test", inspection=inspection)
    exported = parse_bundle(first)
    assert exported.significant_concerns[-1].summary == "New concern"
    assert exported.group_evaluations["aftercare"] == 2
    assert exported.proposed_evaluations["2.2"] == 3
    assert exported.team_judgements == {"children_not_safe_concerning": True}

    inspection.delete()
    again = bundle_import(actor="test", data=first)
    assert bundle_export(actor="test", inspection=again) == first
