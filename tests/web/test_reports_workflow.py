"""From draft to published: the partnership's factual-accuracy review, the check that
every statement cites evidence, and each move of the report audited."""

import html
import re
from typing import Any

import pytest

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.reports import services
from scrutiny.web.reports.models import Comment, Report, Statement

from .report_steps import cite_the_uncited, make_final, report_of, share, statement, url
from .test_reports_downloads import download

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def transition(client: Any, inspection: Inspection, slug: str, **data: Any) -> Any:
    return client.post(
        url("transition", inspection, transition=slug),
        {"version": report_of(inspection).version, **data},
    )


def test_it_lists_each_statement_without_evidence_before_the_report_can_be_final(
    client_for: Any, inspection: Inspection
) -> None:
    uncited = statement(inspection, "Q5-A2")
    lead = client_for("lead")
    page = text(lead.get(url("transition", inspection, transition="final")))
    assert "Before the report can be made final" in page
    listed = f"Question 5: areas for development: “{uncited.text}” cites no evidence."
    assert listed in page
    # Each item links to the statement's editor.
    assert url("statement_edit", inspection, statement_id=uncited.pk) in page
    assert listed in text(lead.get(url("overview", inspection)))
    refused = transition(lead, inspection, "final")
    assert refused.status_code == 422
    assert listed in text(refused)
    assert report_of(inspection).status == "draft"


def test_it_makes_the_report_final_once_every_statement_cites_evidence(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    cite_the_uncited(inspection)
    response = transition(client_for("lead"), inspection, "final")
    assert response.status_code == 302
    report = report_of(inspection)
    assert (report.status, report.finalised_by) == ("final", people["lead"])
    event = AuditEvent.objects.filter(object_type="report", summary__contains="made final").get()
    assert (event.actor_name, event.before, event.after) == (
        "lead",
        {"status": "draft"},
        {"status": "final"},
    )


def test_the_partnership_reads_nothing_until_the_draft_is_shared(
    client_for: Any, inspection: Inspection
) -> None:
    partner = client_for("partner")
    page = text(partner.get(url("shared_draft", inspection)))
    assert "has not shared the draft report with you yet" in page
    assert statement(inspection, "K-1").text not in page
    for name, kwargs in (
        ("preview", {"report_version": "public"}),
        ("download", {"report_version": "public", "file_type": "html"}),
        ("statement_comment", {"statement_id": statement(inspection, "K-1").pk}),
    ):
        assert partner.get(url(name, inspection, **kwargs)).status_code == 404, name


def test_the_partnership_sees_the_shared_draft_without_evidence_or_case_data(
    client_for: Any, inspection: Inspection
) -> None:
    share(inspection)
    page = text(client_for("partner").get(url("shared_draft", inspection)))
    statements = Statement.objects.filter(inspection=inspection)
    assert all(s.text in page for s in statements)
    # No evidence ids, nor links to the notes; no statement, record or respondent ids.
    # (A note's text may match a statement's word for word: the demo's often do.)
    for e in inspection.evidence.all():
        assert re.search(rf"\b{re.escape(e.ident)}\b", page) is None
    assert "/evidence/" not in page
    assert not any(re.search(rf"\b{re.escape(s.ident)}\b", page) for s in statements)
    for r in inspection.record_readings.all():
        assert re.search(rf"\b{re.escape(r.record)}\b", page) is None
    for r in inspection.survey_responses.all():
        assert re.search(rf"\b{re.escape(r.respondent)}\b", page) is None
    assert "Comment on this statement" in page
    # The home page points the partnership to it.
    home = text(client_for("partner").get(f"/inspections/{inspection.pk}/"))
    assert "read the draft and comment on its statements" in home
    # The internal version stays with the team.
    internal = url("download", inspection, report_version="internal", file_type="html")
    assert client_for("partner").get(internal).status_code == 404
    assert client_for("partner").get(url("overview", inspection)).status_code == 404


def test_the_partnership_comments_and_the_team_resolves_each_comment(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    share(inspection)
    s = statement(inspection, "Q4-A1")
    partner, lead = client_for("partner"), client_for("lead")
    sent = partner.post(
        url("statement_comment", inspection, statement_id=s.pk),
        {"text": "The figure is from 2018; the 2019 figure is higher."},
    )
    assert sent.status_code == 302
    comment = Comment.objects.get(statement=s)
    assert (comment.author, comment.statement_text, comment.where) == (
        people["partner"],
        s.text,
        "Question 4: areas for development",
    )
    # The team sees it on the statement and in the list; final is refused until resolved.
    section = text(lead.get(url("section", inspection, section="question-4")))
    assert "1 comment from the partnership to resolve" in section
    cite_the_uncited(inspection)
    refused = transition(lead, inspection, "final")
    assert refused.status_code == 422
    assert "the partnership's comment “The figure is from 2018" in text(refused)

    # The team corrects the statement, then records the resolution.
    services.statement_update(
        actor=people["lead"],
        statement=s,
        expected_version=s.version,
        text="Fewer care leavers were in education, training or employment than nationally.",
        plain=None,
        evidence_ids=[c.evidence_id for c in s.citations.all()],
    )
    resolve = url("comment_resolve", inspection, comment_id=comment.pk)
    page = text(lead.get(resolve))
    assert comment.statement_text in page and "The statement now reads" in page
    empty = lead.post(resolve, {"version": comment.version, "resolution": "  "})
    assert empty.status_code == 422
    done = lead.post(
        resolve, {"version": comment.version, "resolution": "Updated to the 2019 comparison."}
    )
    assert done.status_code == 302
    comment.refresh_from_db()
    assert (comment.resolved_by, comment.resolution) == (
        people["lead"],
        "Updated to the 2019 comparison.",
    )
    event = AuditEvent.objects.filter(object_type="report_comment", action="change").get()
    assert event.after == {"resolution": "Updated to the 2019 comparison.", "resolved_by": "lead"}

    # The partnership sees the resolution beside the statement, and the earlier wording.
    draft = text(partner.get(url("shared_draft", inspection)))
    assert "Updated to the 2019 comparison." in draft
    assert f"Made on the earlier wording: “{comment.statement_text}”" in draft
    assert transition(lead, inspection, "final").status_code == 302


def test_a_stale_resolution_is_refused(client_for: Any, inspection: Inspection) -> None:
    share(inspection)
    s = statement(inspection, "K-2")
    comment = services.comment_add(actor="partner", statement=s, text="Not accurate")
    services.comment_resolve(actor="lead", comment=comment, expected_version=1, resolution="First")
    with pytest.raises(StaleEdit):
        services.comment_resolve(
            actor="inspector", comment=comment, expected_version=1, resolution="Second"
        )
    comment.refresh_from_db()
    assert comment.resolution == "First"


def test_comments_close_when_the_draft_is_not_shared(inspection: Inspection) -> None:
    with pytest.raises(services.Refused, match="comments are closed"):
        services.comment_add(actor="partner", statement=statement(inspection, "K-1"), text="x")
    assert not Comment.objects.exists()


def test_only_the_partnership_comments(client_for: Any, inspection: Inspection) -> None:
    share(inspection)
    comment = url("statement_comment", inspection, statement_id=statement(inspection, "K-1").pk)
    assert client_for("lead").get(comment).status_code == 404
    assert client_for("partner").get(comment).status_code == 200


def test_it_publishes_a_final_report_and_the_partnership_reads_it(
    client_for: Any, inspection: Inspection
) -> None:
    cite_the_uncited(inspection)
    lead = client_for("lead")
    assert transition(lead, inspection, "publish").status_code == 422  # a draft is not final
    make_final(inspection)
    assert transition(lead, inspection, "publish").status_code == 302
    assert report_of(inspection).status == "published"
    partner = client_for("partner")
    page = text(partner.get(url("shared_draft", inspection)))
    assert "The published report" in page and "Comments on the draft are closed." in page
    pdf = download(partner, inspection, "public", "pdf")  # built by a job, then downloaded
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_it_returns_a_shared_draft_to_draft_with_a_reason(
    client_for: Any, inspection: Inspection
) -> None:
    share(inspection)
    lead = client_for("lead")
    no_reason = transition(lead, inspection, "reopen", reason="")
    assert no_reason.status_code == 422
    assert "Say why the report goes back to draft." in text(no_reason)
    assert (
        transition(
            lead, inspection, "reopen", reason="The partnership contact has changed"
        ).status_code
        == 302
    )
    assert report_of(inspection).status == "draft"
    event = AuditEvent.objects.filter(
        object_type="report", summary__contains="returned to draft"
    ).get()
    assert event.after == {"status": "draft", "reason": "The partnership contact has changed"}
    assert "has not shared" in text(client_for("partner").get(url("shared_draft", inspection)))


def test_a_transition_from_an_old_page_is_refused(client_for: Any, inspection: Inspection) -> None:
    lead = client_for("lead")
    opened = report_of(inspection).version
    share(inspection)
    stale = lead.post(
        url("transition", inspection, transition="reopen"), {"version": opened, "reason": "x"}
    )
    assert stale.status_code == 409
    assert "Someone else changed this since you opened it" in text(stale)
    assert report_of(inspection).status == "shared"


def test_a_report_with_no_statements_cannot_be_shared_or_made_final(
    other_inspection: Inspection,
) -> None:
    Statement.objects.filter(inspection=other_inspection).delete()
    version = Report.objects.get(inspection=other_inspection).version
    with pytest.raises(services.Refused, match="nothing to share"):
        services.report_share(actor="test", inspection=other_inspection, expected_version=version)
    with pytest.raises(services.Refused, match="no statements yet"):
        services.report_make_final(
            actor="test", inspection=other_inspection, expected_version=version
        )


def test_the_home_page_points_each_person_to_the_report(
    client_for: Any, inspection: Inspection
) -> None:
    home = f"/inspections/{inspection.pk}/"
    overview = f'href="{url("overview", inspection)}"'
    lead = text(client_for("lead").get(home))
    assert overview in lead and "Draft: " in lead
    partner = text(client_for("partner").get(home))
    assert overview not in partner
    assert "Nothing has been shared with you in this inspection yet" in partner
    assert f'href="{url("shared_draft", inspection)}"' in partner  # "Draft report" in the nav
    # The administrator manages the Word template but reads no report.
    admin = text(client_for("admin").get(home))
    assert url("template", inspection) in admin and overview not in admin


def test_a_stale_delete_is_refused_and_the_statement_kept(
    client_for: Any, inspection: Inspection
) -> None:
    s = statement(inspection, "Q2-A1")
    opened = s.version
    services.statement_update(
        actor="test",
        statement=s,
        expected_version=opened,
        text="Reworded",
        plain=None,
        evidence_ids=[],
    )
    response = client_for("lead").post(
        url("statement_delete", inspection, statement_id=s.pk), {"version": opened}
    )
    assert response.status_code == 409
    assert "Someone else changed this since you opened it" in text(response)
    assert Statement.objects.filter(pk=s.pk, text="Reworded").exists()


def test_the_overview_links_the_editor_only_for_those_who_may_edit(
    client_for: Any, inspection: Inspection
) -> None:
    uncited = statement(inspection, "Q5-A2")
    editor = url("statement_edit", inspection, statement_id=uncited.pk)
    for persona in ("lead", "inspector"):
        page = client_for(persona).get(url("overview", inspection)).content.decode()
        assert f'href="{editor}"' in page, persona
    for persona in ("volunteer", "assurer"):
        client = client_for(persona)
        page = text(client.get(url("overview", inspection)))
        # They still read what stops the report being final, without a link they cannot use.
        assert "cites no evidence" in page and f'href="{editor}"' not in page, persona
        assert client.get(editor).status_code == 404
