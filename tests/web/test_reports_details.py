"""The parts of a published report beyond its statements, in the web editor: key facts,
the inspection team, the month of publication and a progress review's intention; the
new kinds of statement (evaluative text, the summary's strengths and priority areas,
the three parts of the area in context) through the editor, the partnership's
factual-accuracy comments and the checks before the report is final."""

import html
import io
from typing import Any

import docx
import pytest
from django.urls import reverse

from scrutiny.core.bundle import parse_bundle
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.bundle_io import bundle_import, inspection_bundle
from scrutiny.web.inspections.models import Inspection, Membership
from scrutiny.web.inspections.roles import Role
from scrutiny.web.reports import selectors
from scrutiny.web.reports.models import KeyFact, Statement, TeamMembers

from .conftest import demo_bytes
from .report_steps import report_of, share, statement, url
from .test_reports_downloads import download as download_file

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


DETAILS = {
    "publication_date": "18/2/2020",
    "key_facts": "Children aged 0 to 17 | 3,836 | National Records of Scotland | mid-2018\n"
    "\n"
    "Children on the child protection register | 21 | Scottish Government | 31 July 2018",
    "team": "Inspector | Care Inspectorate | 5\nYoung inspection volunteer | Care Inspectorate | 2",
    "progress_review_intention": "We will review the partnership's progress",
    "progress_review_timescale": "within a year",
}


def test_it_saves_the_key_facts_team_and_progress_review_with_an_audit_row(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    lead = client_for("lead")
    version = report_of(inspection).details_version
    response = lead.post(url("details", inspection), {**DETAILS, "version": version})
    assert response.status_code == 302
    facts = list(KeyFact.objects.filter(inspection=inspection).values_list("figure", "value"))
    assert facts == [
        ("Children aged 0 to 17", "3,836"),
        ("Children on the child protection register", "21"),
    ]
    assert list(
        TeamMembers.objects.filter(inspection=inspection).values_list("role", "number")
    ) == [
        ("Inspector", 5),
        ("Young inspection volunteer", 2),
    ]
    event = AuditEvent.objects.filter(summary__startswith="Changed the report's key facts").get()
    assert event.actor_name == "lead"
    assert event.before["team"][0] == ["Lead inspector", "Care Inspectorate", 1]
    assert event.after["progress_review"] == [
        "We will review the partnership's progress",
        "within a year",
    ]
    # The bundle carries them, and the public report prints them.
    bundle = inspection_bundle(inspection=inspection)
    assert bundle.report.publication_date.isoformat() == "2020-02-18"
    assert bundle.report.key_facts[1].source == "Scottish Government"
    public = text(lead.get(url("preview", inspection, report_version="public")))
    assert "February 2020" in public and "National Records of Scotland" in public
    assert "Young inspection volunteer" in public
    # A stale form is refused and keeps the entries.
    stale = lead.post(url("details", inspection), {**DETAILS, "team": "", "version": version})
    assert stale.status_code == 409 or "changed" in text(stale).lower()
    assert TeamMembers.objects.filter(inspection=inspection).count() == 2


def test_it_names_each_bad_line_and_keeps_the_stored_details(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    before = KeyFact.objects.filter(inspection=inspection).count()
    response = client_for("lead").post(
        url("details", inspection),
        {
            **DETAILS,
            "key_facts": "Children | 3,836 | Source\nOK | 1 | S | D",
            "team": "Inspector | Care Inspectorate | five",
            "progress_review_timescale": "",
            "version": report_of(inspection).details_version,
        },
    )
    page = text(response)
    assert response.status_code == 422
    assert "Line 1: give 4 parts separated by |: figure, value, source, date" in page
    assert "Inspector, Care Inspectorate: the number must be a whole number from 1 to 200." in page
    assert "Say when the progress review will be." in page
    assert KeyFact.objects.filter(inspection=inspection).count() == before


def test_it_edits_the_new_kinds_of_statement_and_strips_control_characters(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    lead = client_for("lead")
    for section, part in (
        ("question-2", "prose"),
        ("key-messages", "priority_areas"),
        ("key-messages", "summary_strengths"),
        ("context", "social_and_economic"),
    ):
        assert lead.get(url("section", inspection, section=section)).status_code == 200
        response = lead.post(
            url("statement_add", inspection, section=section, part=part),
            {"text": "Bad\x01 character 👍", "evidence": [], "version": 0},
        )
        assert response.status_code == 302, (part, text(response)[:2000])
        added = Statement.objects.filter(inspection=inspection, part=part).order_by("-id")[0]
        assert added.text == "Bad character 👍"
    # A statement of a part that belongs to a question cannot be added outside one.
    assert (
        lead.get(url("statement_add", inspection, section="key-messages", part="prose")).status_code
        == 404
    )
    download = download_file(lead, inspection, "public", "docx")
    assert download.status_code == 200
    paragraphs = [p.text for p in docx.Document(io.BytesIO(download.content)).paragraphs]
    assert "Bad character 👍" in paragraphs


def test_the_partnership_comments_on_evaluative_text_for_factual_accuracy(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    share(inspection)
    partner = client_for("partner")
    draft = text(partner.get(url("shared_draft", inspection)))
    prose = statement(inspection, "Q1-P1")
    assert prose.text in draft
    comment_url = url("statement_comment", inspection, statement_id=prose.pk)
    assert comment_url in draft
    response = partner.post(comment_url, {"text": "The figure is for 2018, not 2019."})
    assert response.status_code == 302
    assert prose.comments.get().where == "Question 1: evaluative text"


def test_the_partnership_comments_on_a_key_fact_and_the_comment_outlives_its_row(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    share(inspection)
    fact = KeyFact.objects.filter(inspection=inspection).order_by("position")[0]
    partner = client_for("partner")
    comment_url = url("key_fact_comment", inspection, key_fact_id=fact.pk)
    assert comment_url in text(partner.get(url("shared_draft", inspection)))
    assert partner.post(comment_url, {"text": ""}).status_code == 422
    response = partner.post(comment_url, {"text": "This is the 2019 figure, not 2020."})
    assert response.status_code == 302 and response.url.endswith(f"#key-fact-{fact.pk}")
    comment = fact.comments.get()
    assert comment.where == "Key facts" and comment.statement_text.startswith(fact.figure)
    assert "This is the 2019 figure" in text(client_for("lead").get(url("comments", inspection)))
    # The team saves the table whole: the row goes, the comment and what it was about stay.
    KeyFact.objects.filter(pk=fact.pk).delete()
    draft = text(partner.get(url("shared_draft", inspection)))
    assert "Comments on key facts the team has since changed" in draft
    assert "This is the 2019 figure" in draft
    # The row is gone: its comment page is not found.
    assert partner.get(url("key_fact_comment", inspection, key_fact_id=fact.pk)).status_code == 404


def test_it_will_not_make_a_weak_report_final_without_the_progress_review_intention(
    client_for: Any, people: dict[str, Any]
) -> None:
    data = parse_bundle(demo_bytes(reference="JI-W", seed=2)).model_dump(mode="json")
    del data["report"]["progress_review"]
    weak = bundle_import(actor="test", data=__import__("orjson").dumps(data))
    Membership.objects.create(inspection=weak, user=people["lead"], role=Role.LEAD_INSPECTOR)
    blockers = [b.text for b in selectors.final_blockers(inspection=weak)]
    assert (
        "What happens next: an evaluation is weak or unsatisfactory, and the team has not "
        "recorded its intention about a progress review and its timescale." in blockers
    )
    page = text(client_for("lead").get(url("overview", weak)))
    assert "has not recorded its intention about a progress review" in page


def test_a_2021_inspection_opens_and_speaks_of_children_at_risk_of_harm(
    client_for: Any, people: dict[str, Any]
) -> None:
    from scrutiny.core.bundle import dump_bundle
    from scrutiny.core.demo import make_demo

    data = make_demo(seed=7, records=12, programme_id="children-at-risk-of-harm-2021")
    data["inspection"]["reference"] = "JI-2021"
    later = bundle_import(actor="test", data=dump_bundle(data))
    Membership.objects.create(inspection=later, user=people["lead"], role=Role.LEAD_INSPECTOR)
    lead = client_for("lead")
    workspace = lead.get(reverse("evaluations:workspace", kwargs={"inspection_id": later.pk}))
    assert workspace.status_code == 200
    assert "Do children feel safe?" not in text(workspace)  # no published limiter asks it
    assert (
        lead.get(reverse("evaluations:judgement", kwargs={"inspection_id": later.pk})).status_code
        == 404
    )
    editor = text(lead.get(url("section", later, section="question-4")))
    assert "Statement 4: Collaborative strategic leadership" in editor
    public = text(lead.get(url("preview", later, report_version="public")))
    assert "at risk of harm in Anytown and Westshire" in public
    assert "care and protection" not in public and "Our four inspection statements" in public
