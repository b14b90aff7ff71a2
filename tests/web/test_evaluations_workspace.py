"""The evaluation workspace shows exactly what `scrutiny evaluate` computes.

Each test changes the inspection through the services, exports it as a bundle, runs
the command line on the file and checks every figure of its JSON on the page.
"""

import html
import re
from typing import Any

import orjson
import pytest
from django.urls import reverse

from scrutiny.cli import main as scrutiny_main
from scrutiny.web.evaluations import services
from scrutiny.web.inspections.bundle_io import bundle_export
from scrutiny.web.inspections.models import Inspection

pytestmark = pytest.mark.django_db


def cli_evaluate_bytes(inspection: Inspection, tmp_path: Any, capfdbinary: Any) -> dict[str, Any]:
    path = tmp_path / "exported.json"
    path.write_bytes(bundle_export(actor="test", inspection=inspection))
    capfdbinary.readouterr()
    assert scrutiny_main(["evaluate", str(path), "--json"]) == 0
    return orjson.loads(capfdbinary.readouterr().out)


def page_text(client: Any, inspection: Inspection) -> str:
    response = client.get(reverse("evaluations:workspace", kwargs={"inspection_id": inspection.pk}))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def cell(page: str, indicator: str, figure: str) -> str:
    row = re.search(rf'<tr id="qi-{re.escape(indicator)}">(.*?)</tr>', page, re.S)
    assert row, indicator
    found = re.search(rf'<td data-figure="{figure}">(.*?)</td>', row.group(1), re.S)
    assert found, (indicator, figure)
    return found.group(1).strip()


def assert_page_agrees(page: str, cli: dict[str, Any]) -> int:
    """Every figure of the command line's JSON is on the page. Returns how many were checked."""
    checked = 0
    for indicator, ind in cli["indicators"].items():
        assert cell(page, indicator, "proposed").lower() == (ind["proposed"] or "none yet")
        assert cell(page, indicator, "cap").lower() == (ind["cap"] or "no cap")
        assert cell(page, indicator, "final").lower() == (ind["final"] or "–")
        # No meeting has agreed anything yet: a settled proposal is not called final.
        assert (
            cell(page, indicator, "status")
            == {
                "final": "Proposed, not yet agreed",
                "pending": "Pending",
                "not proposed": "Not proposed",
            }[ind["status"]]
        )
        checked += 4
        for check in ind["checks"]:
            row = re.search(rf'<tr data-rule="{check["rule"]}">(.*?)</tr>', page, re.S)
            assert row, check["rule"]
            cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
            applies, cap, detail, margin = (re.sub(r"<.*?>", "", c).strip() for c in cells)
            assert applies == ("Yes" if check["applies"] else "No")
            assert cap.lower() == check["cap"]
            assert detail == check["detail"]
            assert margin == (check["margin"] or "No numeric threshold")
            checked += 4
        for reason in ind["pending"]:
            assert f"<li>{reason}</li>" in page
            checked += 1
    for key, figures in cli["statistics"].items():
        item = re.search(rf'<li data-statistic="{key}">(.*?)</li>', page, re.S)
        assert item, key
        counts = [v for k, v in figures.items() if k != "share"]
        assert f"{counts[1]} of {counts[0]} " in item.group(1)
        if figures["share"] is not None:
            assert f"({figures['share'] * 100:.1f}%)" in item.group(1)
        checked += 1
    return checked


def test_it_agrees_with_the_command_line_on_the_imported_demo(
    client_for: Any, inspection: Inspection, tmp_path: Any, capfdbinary: Any
) -> None:
    cli = cli_evaluate_bytes(inspection, tmp_path, capfdbinary)
    assert cli["indicators"]["2.1"]["cap"] == "adequate"  # looked after at home is adequate
    assert assert_page_agrees(page_text(client_for("lead"), inspection), cli) > 20


def test_it_agrees_after_a_serious_failing_and_new_proposals(
    client_for: Any, people: dict[str, Any], inspection: Inspection, tmp_path: Any, capfdbinary: Any
) -> None:
    lead = people["lead"]
    services.proposal_record(
        actor=lead,
        inspection=inspection,
        indicator="2.1",
        value=5,
        rationale="Strong relationships",
        evidence_ids=[],
        expected_version=inspection.proposed_evaluations.get(indicator="2.1").version,
    )
    concern = services.concern_raise(
        actor=lead, inspection=inspection, summary="No out-of-hours cover", description=""
    )
    services.concern_mark_serious_failing(
        actor=lead,
        concern=concern,
        serious=True,
        reason="Children left unprotected",
        expected_version=1,
    )
    cli = cli_evaluate_bytes(inspection, tmp_path, capfdbinary)
    assert [c["rule"] for c in cli["indicators"]["2.1"]["limiters"]] == [
        "serious-failings",
        "group-wellbeing",
    ]
    assert cli["indicators"]["2.1"]["final"] == "weak"
    page = page_text(client_for("assurer"), inspection)
    assert assert_page_agrees(page, cli) > 20
    assert "Proposed very good, but serious-failings caps QI 2.1 at weak" in page


def test_it_agrees_while_an_evaluation_is_pending(
    client_for: Any, people: dict[str, Any], inspection: Inspection, tmp_path: Any, capfdbinary: Any
) -> None:
    # Withdraw the evaluation of a group present in the record sample.
    sampled = inspection.record_readings.exclude(care_group=None).first().care_group
    row = inspection.group_evaluations.get(care_group=sampled)
    services.group_evaluation_record(
        actor=people["lead"],
        inspection=inspection,
        care_group=sampled,
        value=None,
        rationale="",
        evidence_ids=[],
        expected_version=row.version,
    )
    cli = cli_evaluate_bytes(inspection, tmp_path, capfdbinary)
    assert cli["indicators"]["2.1"]["status"] == "pending"
    page = page_text(client_for("inspector"), inspection)
    assert assert_page_agrees(page, cli) > 20
    assert "<strong>Pending</strong>: in the sample, not evaluated" in page


def test_it_shows_evidence_by_kind_and_source_and_the_scale_on_the_indicator_page(
    client_for: Any, inspection: Inspection
) -> None:
    response = client_for("lead").get(
        reverse(
            "evaluations:indicator", kwargs={"inspection_id": inspection.pk, "indicator": "2.1"}
        )
    )
    page = html.unescape(response.content.decode())
    tagged = inspection.evidence.filter(indicators__indicator="2.1")
    assert tagged.exists()
    for note in tagged:
        assert note.text in page
        assert f"<h3>{note.get_kind_display()}</h3>" in page
        assert f"<h4>{note.get_source_display()} (" in page
    # The scale's meaning sits beside each choice.
    assert "Weak – Important weaknesses – priority action required" in page
    assert "Immediate response to child protection concerns rated weak or unsatisfactory:" in page


def test_it_logs_viewing_an_indicators_evidence(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    from scrutiny.web.audit.models import AuditEvent

    client_for("inspector").get(
        reverse("evaluations:indicator", kwargs={"inspection_id": inspection.pk, "indicator": "9"})
    )
    event = AuditEvent.objects.filter(inspection=inspection, action="view").first()
    assert event.actor == people["inspector"]
    assert event.summary == "Viewed the evidence for QI 9 in the evaluation workspace"


def test_it_gives_404_for_an_unknown_indicator_or_group(
    client_for: Any, inspection: Inspection
) -> None:
    lead = client_for("lead")
    base = {"inspection_id": inspection.pk}
    assert (
        lead.get(reverse("evaluations:indicator", kwargs={**base, "indicator": "5.2"})).status_code
        == 404
    )
    assert (
        lead.get(reverse("evaluations:group", kwargs={**base, "care_group": "pets"})).status_code
        == 404
    )
