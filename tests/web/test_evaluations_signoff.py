"""Moderation through the web: agree at the meeting, sign off, lock, reopen; all audited."""

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from scrutiny.core.bundle import parse_bundle
from scrutiny.core.signoff import Freeze, recompute_matches
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evaluations import services
from scrutiny.web.evaluations.models import GroupEvaluation, Moderation, ProposedEvaluation
from scrutiny.web.inspections.bundle_io import bundle_export, inspection_bundle
from scrutiny.web.inspections.models import Inspection, Membership, Role

pytestmark = pytest.mark.django_db


def url(name: str, inspection: Inspection, **kwargs: Any) -> str:
    return reverse(f"evaluations:{name}", kwargs={"inspection_id": inspection.pk, **kwargs})


def version(inspection: Inspection) -> int:
    row = Moderation.objects.filter(inspection=inspection).first()
    return row.version if row else 1


def cite_everything(inspection: Inspection, actor: Any) -> None:
    """Proposals that cite evidence, so sufficiency raises no flag."""
    for proposal in ProposedEvaluation.objects.filter(inspection=inspection):
        notes = inspection.evidence.filter(indicators__indicator__startswith=proposal.indicator)
        services.proposal_record(
            actor=actor,
            inspection=inspection,
            indicator=proposal.indicator,
            value=proposal.value,
            rationale="Synthetic rationale",
            evidence_ids=list(notes.values_list("pk", flat=True)),
            expected_version=proposal.version,
        )


def agree(client: Any, inspection: Inspection) -> Any:
    return client.post(
        url("agree", inspection),
        {"held_on": "2019-05-02", "present": "lead\ninspector", "version": version(inspection)},
    )


def sign_off(client: Any, inspection: Inspection, because: str = "") -> Any:
    return client.post(
        url("sign_off", inspection),
        {"flags_accepted_because": because, "version": version(inspection)},
    )


def moderation_events(inspection: Inspection) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(inspection=inspection, object_type="moderation").order_by("id")
    )


def test_it_agrees_signs_off_and_freezes_with_every_step_audited(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    cite_everything(inspection, people["inspector"])
    assert agree(client_for("lead"), inspection).status_code == 302
    response = sign_off(client_for("assurer"), inspection)
    assert response.status_code == 302

    row = Moderation.objects.get(inspection=inspection)
    assert row.stage == "signed off" and row.signed_off_by == people["assurer"]
    frozen = Freeze.from_json(row.freeze)
    assert recompute_matches(frozen, inspection_bundle(inspection=inspection))
    assert frozen.evaluation["indicators"]["2.1"]["final"] == "adequate"

    agreed, signed = moderation_events(inspection)
    assert (agreed.actor, agreed.before, agreed.after["stage"]) == (
        people["lead"],
        {"stage": "proposed"},
        "agreed",
    )
    assert agreed.summary.startswith(
        "Evaluations agreed at the evaluation meeting on 2 May 2019 (present: lead, inspector)"
    )
    assert signed.actor == people["assurer"] and signed.at is not None
    assert signed.after == {
        "stage": "signed off",
        "programme_version": frozen.programme_version,
        "engine_version": frozen.engine_version,
        "inputs_sha256": frozen.inputs_sha256,
    }
    page = client_for("lead").get(url("moderation", inspection)).content.decode()
    assert frozen.inputs_sha256 in page
    assert (
        "Nothing has changed since sign-off: recomputing gives the signed-off result exactly"
        in page
    )


def test_it_refuses_sign_off_by_someone_who_once_proposed_even_after_another_resaved(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    # The assurer proposed 2.2 while an inspector; then the inspector re-saved every
    # proposal, so the assurer is no longer the last to have saved 2.2.
    proposal = ProposedEvaluation.objects.get(inspection=inspection, indicator="2.2")
    services.proposal_record(
        actor=people["assurer"],
        inspection=inspection,
        indicator="2.2",
        value=4,
        rationale="Mine",
        evidence_ids=[],
        expected_version=proposal.version,
    )
    cite_everything(inspection, people["inspector"])
    assert ProposedEvaluation.objects.get(indicator="2.2", inspection=inspection).proposed_by == (
        "inspector"
    )
    agree(client_for("lead"), inspection)
    response = sign_off(client_for("assurer"), inspection)
    assert response.status_code == 422
    assert (
        "You cannot sign off QI 2.2: you proposed or changed the proposed evaluation. A quality "
        "assurer independent of the evaluation must sign it off"
    ) in response.content.decode()
    assert "You cannot sign off QI 2.1" not in response.content.decode()
    assert Moderation.objects.get(inspection=inspection).stage == "agreed"
    assert len(moderation_events(inspection)) == 1


def test_it_refuses_sign_off_by_whoever_recorded_an_input_feeding_the_cap(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    # The assurer, earlier an inspector, evaluated a care group: that feeds QI 2.1's cap.
    row = GroupEvaluation.objects.get(inspection=inspection, care_group="aftercare")
    services.group_evaluation_record(
        actor=people["assurer"],
        inspection=inspection,
        care_group="aftercare",
        value=row.value,
        rationale="Pathway plans",
        evidence_ids=[],
        expected_version=row.version,
    )
    cite_everything(inspection, people["inspector"])
    agree(client_for("lead"), inspection)
    response = sign_off(client_for("assurer"), inspection)
    assert response.status_code == 422
    page = response.content.decode()
    assert "You cannot sign off QI 2.1: you evaluated a care group" in page
    assert "You cannot sign off QI 2.2" not in page


def test_it_refuses_sign_off_with_pending_reasons(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    cite_everything(inspection, people["inspector"])
    agree(client_for("lead"), inspection)
    # After the meeting, a reading of an unevaluated care group reaches the sample.
    reading = inspection.record_readings.first()
    sampled = set(inspection.record_readings.values_list("care_group", flat=True))
    missing = next(
        g.care_group for g in inspection.group_evaluations.all() if g.care_group not in sampled
    )
    inspection.group_evaluations.filter(care_group=missing).delete()
    reading.care_group = missing
    reading.save()

    page = client_for("assurer").get(url("moderation", inspection)).content.decode()
    assert "Changed since the meeting agreed the evaluations (2):" in page
    response = sign_off(client_for("assurer"), inspection)
    assert response.status_code == 422
    text = response.content.decode()
    assert "QI 2.1 is pending: The record sample includes care groups" in text
    assert "The evaluation inputs changed after the evaluation meeting agreed them" in text
    assert Moderation.objects.get(inspection=inspection).stage == "agreed"


def test_it_needs_the_assurers_reason_to_accept_flagged_evidence(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    agree(client_for("lead"), inspection)  # imported proposals cite nothing
    assurer = client_for("assurer")
    refused = sign_off(assurer, inspection)
    assert refused.status_code == 422
    assert "cites no evidence in its rationale" in refused.content.decode()
    assert (
        sign_off(assurer, inspection, because="Citations are in the meeting notes").status_code
        == 302
    )
    row = Moderation.objects.get(inspection=inspection)
    assert row.flags_accepted_because == "Citations are in the meeting notes"


def test_it_locks_signed_off_evaluations_until_reopened_with_a_reason(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    cite_everything(inspection, people["inspector"])
    lead = client_for("lead")
    agree(lead, inspection)
    sign_off(client_for("assurer"), inspection)
    proposal = ProposedEvaluation.objects.get(inspection=inspection, indicator="9")
    response = lead.post(
        url("indicator", inspection, indicator="9"),
        {"value": 2, "rationale": "Changed my mind", "version": proposal.version},
    )
    assert response.status_code == 422
    assert "signed off by assurer and locked" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.value != 2

    blank = lead.post(url("reopen", inspection), {"reason": " ", "version": version(inspection)})
    assert blank.status_code == 422
    reopened = lead.post(
        url("reopen", inspection), {"reason": "A new concern", "version": version(inspection)}
    )
    assert reopened.status_code == 302
    row = Moderation.objects.get(inspection=inspection)
    assert row.stage == "proposed" and row.freeze is None and row.signed_off_by is None
    last = moderation_events(inspection)[-1]
    assert last.actor == people["lead"]
    assert last.summary == "Evaluations reopened (they were signed off): A new concern"
    response = lead.post(
        url("indicator", inspection, indicator="9"),
        {"value": 2, "rationale": "Changed my mind", "version": proposal.version},
    )
    assert response.status_code == 302


def test_it_keeps_concerns_open_after_sign_off_but_locks_the_serious_failing_flag(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    cite_everything(inspection, people["inspector"])
    agree(client_for("lead"), inspection)
    sign_off(client_for("assurer"), inspection)
    # A child at risk cannot wait for a reopening: raising a concern is never locked.
    client_for("inspector").post(
        url("concern_raise", inspection), {"summary": "Night staffing gap", "description": ""}
    )
    concern = inspection.significant_concerns.get(summary="Night staffing gap")
    # Whether it is a serious failing caps QI 2.1: that waits for a reopening.
    action = url("concern_action", inspection, concern_id=concern.pk, action="serious-failing")
    form = client_for("lead").get(action).content.decode()
    assert "Read only." in form and "reopen them, giving a reason" in form
    refused = client_for("lead").post(
        action, {"serious": "yes", "reason": "Systemic", "version": concern.version}
    )
    assert refused.status_code == 422
    concern.refresh_from_db()
    assert not concern.serious_failing
    page = client_for("assurer").get(url("workspace", inspection)).content.decode()
    assert "Nothing has changed since sign-off: recomputing gives the signed-off result" in page
    frozen = Freeze.from_json(Moderation.objects.get(inspection=inspection).freeze)
    exported = parse_bundle(bundle_export(actor="test", inspection=inspection))
    assert recompute_matches(frozen, exported)


def test_it_lets_only_a_quality_assurer_sign_off_even_past_the_view(
    people: dict[str, Any], inspection: Inspection
) -> None:
    services.evaluations_agree(
        actor=people["lead"],
        inspection=inspection,
        held_on=date(2019, 5, 2),
        present=["lead"],
        expected_version=1,
    )
    with pytest.raises(services.Refused) as caught:
        services.evaluations_sign_off(
            actor=people["inspector"],
            inspection=inspection,
            flags_accepted_because="ok",
            expected_version=2,
        )
    assert "Only a quality assurer may sign off the evaluations" in caught.value.reasons


def test_it_refuses_a_stale_moderation_form(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    cite_everything(inspection, people["inspector"])
    agree(client_for("lead"), inspection)
    response = client_for("assurer").post(
        url("sign_off", inspection), {"flags_accepted_because": "", "version": 1}
    )
    assert response.status_code == 409
    assert "Someone else changed this" in response.content.decode()


def test_it_does_not_let_a_proposer_sign_off_after_a_role_change(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    cite_everything(inspection, people["inspector"])
    agree(client_for("lead"), inspection)
    Membership.objects.filter(inspection=inspection, user=people["inspector"]).update(
        role=Role.QUALITY_ASSURER
    )
    response = sign_off(client_for("inspector"), inspection)
    assert response.status_code == 422
    for qi in ("1.1", "2.1", "2.2", "9"):
        assert f"You cannot sign off QI {qi}: you proposed or changed" in response.content.decode()
