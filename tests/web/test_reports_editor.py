"""The report editor: statements per question, each citing evidence, flagged when it cites none."""

import html
import re
from typing import Any

import pytest

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.reports import services
from scrutiny.web.reports.models import Citation, Comment, Statement

from .report_steps import cite_the_uncited, make_final, note, statement, url

pytestmark = pytest.mark.django_db


def idents(s: Statement) -> list[str]:
    return list(s.citations.order_by("position").values_list("evidence__ident", flat=True))


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_it_lists_a_questions_statements_with_the_evidence_beside_each(
    client_for: Any, inspection: Inspection
) -> None:
    page = text(client_for("lead").get(url("section", inspection, section="question-1")))
    q1_s1 = statement(inspection, "Q1-S1")
    assert q1_s1.text in page
    # The cited note opens beside its statement, in the same list item.
    item = re.search(
        rf'<li class="app_statement" id="statement-{q1_s1.pk}">(.*?)</li>\s*<li', page, re.S
    )
    assert item and "Evidence cited (1)" in item.group(1)
    assert note(inspection, "E-001").text in item.group(1)
    for heading in (
        "Key messages for question 1",
        "Strengths for question 1",
        "Areas for development for question 1",
    ):
        assert heading in page


def test_it_flags_a_statement_that_cites_no_evidence(
    client_for: Any, inspection: Inspection
) -> None:
    page = text(client_for("lead").get(url("section", inspection, section="question-5")))
    uncited = statement(inspection, "Q5-A2")
    item = re.search(rf'id="statement-{uncited.pk}">(.*?)</li>', page, re.S)
    assert item and "No evidence cited" in item.group(1)
    assert page.count("No evidence cited") == 1


def test_it_adds_a_statement_citing_notes_tagged_to_the_question(
    client_for: Any, inspection: Inspection
) -> None:
    add = url("statement_add", inspection, section="question-1", part="strengths")
    form = text(client_for("lead").get(add))
    # Offered: the notes tagged to question 1, not those of other questions.
    assert note(inspection, "E-004").text in form
    assert note(inspection, "E-005").text not in form
    response = client_for("lead").post(
        add,
        {
            "text": "Police and social work  shared information\nthe same day.",
            "evidence": [note(inspection, "E-002").pk, note(inspection, "E-004").pk],
            "other_evidence": "E-024",
        },
    )
    assert response.status_code == 302
    new = Statement.objects.get(inspection=inspection, ident="Q1-S3")
    assert (new.part, new.question, new.position) == ("strengths", 1, 2)
    assert new.text == "Police and social work shared information the same day."
    assert idents(new) == ["E-002", "E-004", "E-024"]
    event = AuditEvent.objects.filter(object_type="report_statement", object_id="Q1-S3").get()
    assert event.actor_name == "lead" and event.action == "create"
    assert event.after["evidence"] == ["E-002", "E-004", "E-024"]


def test_it_names_an_evidence_id_it_cannot_find_and_writes_nothing(
    client_for: Any, inspection: Inspection
) -> None:
    before = Statement.objects.count()
    response = client_for("lead").post(
        url("statement_add", inspection, section="question-2", part="strengths"),
        {"text": "A new strength", "other_evidence": "E-002, E-404"},
    )
    assert response.status_code == 422
    page = text(response)
    assert "Other evidence notes, by their ids: No evidence note E-404 in this inspection" in page
    assert 'value="E-002, E-404"' in page  # the entry is kept
    assert Statement.objects.count() == before


def test_it_refuses_an_empty_statement(client_for: Any, inspection: Inspection) -> None:
    response = client_for("inspector").post(
        url("statement_add", inspection, section="context", part="context"), {"text": "   "}
    )
    assert response.status_code == 422
    assert "Statement: Write the statement." in text(response)


def test_it_refuses_a_stale_edit_and_keeps_the_persons_entries(
    client_for: Any, inspection: Inspection
) -> None:
    s = statement(inspection, "Q1-S1")
    edit = url("statement_edit", inspection, statement_id=s.pk)
    form = {
        "text": "First wording",
        "evidence": [note(inspection, "E-001").pk],
        "version": s.version,
    }
    assert client_for("lead").post(edit, form).status_code == 302
    stale = client_for("inspector").post(edit, {**form, "text": "Second wording"})
    assert stale.status_code == 409
    page = text(stale)
    assert "Someone else changed this since you opened it" in page
    assert "Second wording" in page
    s.refresh_from_db()
    assert (s.text, s.version) == ("First wording", 2)


def test_an_edit_keeps_the_order_of_citations_already_made(inspection: Inspection) -> None:
    s = statement(inspection, "K-1")  # cites E-001, E-002, E-005
    ids = {i: note(inspection, i).pk for i in ("E-001", "E-002", "E-005", "E-003")}
    services.statement_update(
        actor="test",
        statement=s,
        expected_version=s.version,
        text=s.text,
        plain=s.plain,
        evidence_ids=[ids["E-003"], ids["E-005"], ids["E-001"]],
    )
    assert idents(s) == ["E-001", "E-005", "E-003"]
    event = AuditEvent.objects.filter(object_type="report_statement", action="change").get()
    assert event.before == {"evidence": ["E-001", "E-002", "E-005"]}
    assert event.after == {"evidence": ["E-001", "E-005", "E-003"]}


def test_it_asks_for_plain_wording_only_beside_key_messages(
    client_for: Any, inspection: Inspection
) -> None:
    key = statement(inspection, "Q1-K1")
    strength = statement(inspection, "Q1-S1")
    client = client_for("lead")
    assert "Plain wording for children and young people" in text(
        client.get(url("statement_edit", inspection, statement_id=key.pk))
    )
    assert "Plain wording" not in text(
        client.get(url("statement_edit", inspection, statement_id=strength.pk))
    )
    response = client.post(
        url("statement_edit", inspection, statement_id=key.pk),
        {
            "text": key.text,
            "plain": "Staff  noticed quickly.",
            "evidence": [c.evidence_id for c in key.citations.all()],
            "version": key.version,
        },
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.plain == "Staff noticed quickly."


def test_it_moves_a_statement_within_its_list(client_for: Any, inspection: Inspection) -> None:
    second = statement(inspection, "Q2-S2")
    move = url("statement_move", inspection, statement_id=second.pk)
    response = client_for("inspector").post(move, {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith("/report/sections/question-2/#list-strengths")
    order = Statement.objects.filter(inspection=inspection, question=2, part="strengths").order_by(
        "position"
    )
    assert [s.ident for s in order] == ["Q2-S2", "Q2-S1", "Q2-S3"]
    # With htmx the list comes back alone, redrawn, for the page to swap in place.
    fragment = client_for("inspector").post(
        move, {"direction": "down"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.startswith('<div id="list-strengths">') and "<html" not in body
    assert [s.ident for s in order.all()] == ["Q2-S1", "Q2-S2", "Q2-S3"]
    event = AuditEvent.objects.filter(
        object_type="report_statement", summary__startswith="Moved"
    ).first()
    assert event.before == {"order": ["Q2-S2", "Q2-S1", "Q2-S3"]}


def test_a_move_leaves_an_edit_open_elsewhere_to_save(inspection: Inspection) -> None:
    s = statement(inspection, "Q2-S3")
    opened_at = s.version
    assert services.statement_move(actor="test", statement=s, direction="up")
    assert not services.statement_move(
        actor="test", statement=statement(inspection, "Q2-S1"), direction="up"
    )
    services.statement_update(
        actor="test",
        statement=s,
        expected_version=opened_at,
        text="Changed",
        plain=None,
        evidence_ids=[],
    )


def test_it_deletes_a_statement_after_confirmation(client_for: Any, inspection: Inspection) -> None:
    s = statement(inspection, "Q3-S3")
    delete = url("statement_delete", inspection, statement_id=s.pk)
    assert s.text in text(client_for("lead").get(delete))
    assert client_for("lead").post(delete, {"version": s.version}).status_code == 302
    assert not Statement.objects.filter(pk=s.pk).exists()
    assert not Citation.objects.filter(statement_id=s.pk).exists()
    event = AuditEvent.objects.filter(object_type="report_statement", action="delete").get()
    assert event.before["text"] == s.text and event.before["evidence"] == ["E-015"]


def test_it_will_not_delete_a_statement_the_partnership_is_waiting_on(
    inspection: Inspection,
) -> None:
    s = statement(inspection, "Q3-S1")
    Comment.objects.create(
        inspection=inspection,
        statement=s,
        statement_text=s.text,
        where="Question 3: strengths",
        text="Not accurate",
    )
    with pytest.raises(services.Refused, match="resolve the comment"):
        services.statement_delete(actor="test", statement=s, expected_version=s.version)
    assert Statement.objects.filter(pk=s.pk).exists()


def test_a_final_report_is_locked_until_it_is_reopened(
    client_for: Any, inspection: Inspection
) -> None:
    cite_the_uncited(inspection)
    make_final(inspection)
    s = statement(inspection, "Q1-S1")
    page = text(client_for("lead").get(url("section", inspection, section="question-1")))
    assert "The report is final: its statements are locked" in page
    assert "Edit or cite evidence" not in page
    response = client_for("lead").post(
        url("statement_edit", inspection, statement_id=s.pk),
        {"text": "Changed", "version": s.version},
    )
    assert response.status_code == 422
    assert "The report is final: reopen it before changing its statements." in text(response)
    s.refresh_from_db()
    assert s.text != "Changed"


def test_the_team_reads_the_editor_but_only_inspectors_write(
    client_for: Any, inspection: Inspection
) -> None:
    for persona in ("volunteer", "assurer"):
        page = text(client_for(persona).get(url("section", inspection, section="question-2")))
        assert statement(inspection, "Q2-S1").text in page
        assert "Edit or cite evidence" not in page and "Add a strength" not in page
    assert "Add a strength" in text(
        client_for("inspector").get(url("section", inspection, section="question-2"))
    )


def test_reading_the_editor_is_recorded(client_for: Any, inspection: Inspection) -> None:
    client_for("assurer").get(url("section", inspection, section="question-4"))
    event = AuditEvent.objects.filter(
        action="view", object_type="evidence", object_id="question-4"
    ).get()
    assert event.actor_name == "assurer"


def test_a_new_report_begins_with_the_first_statement(
    client_for: Any, other_inspection: Inspection
) -> None:
    """An inspection imported without a report section gains one with its first statement."""
    from scrutiny.web.reports.models import Report

    Report.objects.filter(inspection=other_inspection).delete()
    Statement.objects.filter(inspection=other_inspection).delete()
    services.statement_create(
        actor="test",
        inspection=other_inspection,
        part="context",
        question=None,
        text="The area is rural.",
        plain=None,
        evidence_ids=[],
    )
    s = Statement.objects.get(inspection=other_inspection)
    assert (s.ident, Report.objects.get(inspection=other_inspection).status) == ("C-1", "draft")
