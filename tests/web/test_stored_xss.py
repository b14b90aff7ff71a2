"""Stored XSS: words that people type (notes, source labels, file names, children's
free-text survey answers) are escaped on every page that shows them."""

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scrutiny.core.bundle import dump_bundle
from scrutiny.core.demo import make_demo
from scrutiny.web.accounts.models import User
from scrutiny.web.evidence.models import EvidenceAttachment
from scrutiny.web.inspections.bundle_io import bundle_import
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.surveys.models import SurveyImport

from .conftest import signed_in_client

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"Staff said {SCRIPT} and {IMG} in the meeting."
# What must never reach a page: the tags as markup, in any of the payloads.
RAW = ("<script>alert(1)", "<img src=x", "onerror=alert(1)>")
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMG = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


def assert_escaped(html: str, *, where: str, expect_shown: bool = True) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: unescaped {raw!r}"
    if expect_shown:
        assert ESCAPED_IMG in html or ESCAPED_SCRIPT in html, f"{where}: payload not shown at all"


@pytest.fixture
def hostile(db: None, settings: Any, tmp_path: Any) -> tuple[Inspection, Any]:
    """An inspection whose note, source label, attachment name and a child's free-text
    survey answer carry script, and its lead's client."""
    settings.SURVEY_UPLOADS_DIR = tmp_path / "uploads"
    data = make_demo(seed=5, records=12)
    data["inspection"]["reference"] = "JI-XSS"
    data["evidence"][4]["text"] = PAYLOAD  # E-005, tagged to question 2 and QI 2.1
    child = next(r for r in data["survey_responses"] if r["survey"] == "children_and_young_people")
    child["answers"]["anything_else"] = PAYLOAD
    inspection = bundle_import(actor="test", data=dump_bundle(data))
    lead = User.objects.create_user(username="xss-lead")
    Membership.objects.create(inspection=inspection, user=lead, role=Role.LEAD_INSPECTOR)
    client = signed_in_client(lead)
    note = inspection.evidence.get(ident="E-005")
    form = {
        "source": "meeting",
        "source_label": IMG,
        "text": PAYLOAD,
        "kind": "strength",
        "questions": ["2"],
        "indicators": ["2.1"],
        "version": note.version,
        "attachments": [SimpleUploadedFile(f"{IMG}.pdf", b"%PDF-1.4\n%%EOF\n")],
    }
    edit = reverse("evidence:edit", args=[inspection.pk, note.pk])
    assert client.post(edit, form).status_code == 302
    assert EvidenceAttachment.objects.get().file_name == f"{IMG}.pdf"
    return inspection, client


def test_evidence_pages_escape_notes_source_labels_and_file_names(
    hostile: tuple[Inspection, Any],
) -> None:
    inspection, client = hostile
    note = inspection.evidence.get(ident="E-005")
    attachment = EvidenceAttachment.objects.get()
    pk = inspection.pk
    pages = {
        "list": reverse("evidence:list", args=[pk]),
        "search": reverse("evidence:list", args=[pk]) + "?q=alert",
        "filtered": reverse("evidence:list", args=[pk]) + "?question=2&indicator=2.1",
        "detail": reverse("evidence:detail", args=[pk, note.pk]),
        "edit": reverse("evidence:edit", args=[pk, note.pk]),
        "remove file": reverse("evidence:attachment_remove", args=[pk, note.pk, attachment.pk]),
        "audit trail": reverse("audit:list", args=[pk]),
        "evaluation workspace, QI 2.1": reverse("evaluations:indicator", args=[pk, "2.1"]),
        "group evaluation form": reverse("evaluations:group", args=[pk, "foster_care"]),
    }
    for where, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, where
        assert_escaped(response.content.decode(), where=where)
    fragment = client.get(pages["search"], HTTP_HX_REQUEST="true").content.decode()
    assert_escaped(fragment, where="search results fragment")
    for where in ("coverage", "evaluation workspace"):
        path = reverse(
            "evidence:coverage" if where == "coverage" else "evaluations:workspace", args=[pk]
        )
        assert_escaped(client.get(path).content.decode(), where=where, expect_shown=False)


def test_refused_entries_come_back_escaped(hostile: tuple[Inspection, Any]) -> None:
    inspection, client = hostile
    create = reverse("evidence:create", args=[inspection.pk])

    refused = client.post(create, {"source": "meeting", "source_label": IMG, "text": PAYLOAD})
    suggested = client.post(
        create, {"source": "meeting", "text": PAYLOAD, "kind": "context", "action": "suggest"}
    )
    fragment = client.post(reverse("evidence:suggest", args=[inspection.pk]), {"text": PAYLOAD})
    bulk = client.post(
        reverse("evidence:bulk_tag", args=[inspection.pk]), {"bulk-back": f"q={IMG}"}
    )

    assert refused.status_code == 400
    assert_escaped(refused.content.decode(), where="refused capture")
    assert_escaped(suggested.content.decode(), where="suggest without JavaScript")
    assert_escaped(fragment.content.decode(), where="suggestions fragment", expect_shown=False)
    assert_escaped(bulk.content.decode(), where="refused bulk tagging", expect_shown=False)


def test_survey_pages_escape_childrens_free_text(hostile: tuple[Inspection, Any]) -> None:
    inspection, client = hostile
    survey = "children_and_young_people"
    responses = client.get(reverse("surveys:responses", args=[inspection.pk, survey]))
    pages = [responses]
    pages += [
        client.get(reverse("surveys:responses", args=[inspection.pk, survey]), {"page": n})
        for n in range(2, responses.context["page"].paginator.num_pages + 1)
    ]
    shown = "".join(p.content.decode() for p in pages)
    assert_escaped(shown, where="survey responses")
    results = client.get(reverse("surveys:results", args=[inspection.pk, survey]))
    assert_escaped(results.content.decode(), where="survey results", expect_shown=False)


def test_survey_import_pages_escape_what_the_file_says(hostile: tuple[Inspection, Any]) -> None:
    inspection, client = hostile
    rows = [["Respondent", "Placement", "Safe at home?", IMG]] + [
        [f"R{n}", "Foster care", SCRIPT if n == 1 else "Yes", PAYLOAD] for n in range(6)
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    upload = client.post(
        reverse("surveys:upload", args=[inspection.pk, "children_and_young_people"]),
        {"export": SimpleUploadedFile("export.csv", out.getvalue().encode())},
    )
    run_ready_jobs()  # the worker reads the file
    job = SurveyImport.objects.latest("id")
    columns_url = reverse("surveys:import_columns", args=[inspection.pk, job.pk])
    assert client.get(upload["Location"])["Location"] == columns_url
    columns = client.get(columns_url)
    assert_escaped(columns.content.decode(), where="survey import: columns")
    client.post(
        columns_url,
        {"respondent": "Respondent", "care_group": "Placement", "item-feel_safe": "Safe at home?",
         "item-anything_else": IMG},
    )  # fmt: skip
    run_ready_jobs()
    values = client.get(reverse("surveys:import_values", args=[inspection.pk, job.pk]))
    assert values.status_code == 200
    assert_escaped(values.content.decode(), where="survey import: answers to match")


def test_report_pages_escape_statements_cited_notes_and_comments(
    hostile: tuple[Inspection, Any],
) -> None:
    from scrutiny.web.reports import selectors, services
    from scrutiny.web.reports.models import Statement

    inspection, lead = hostile
    pk = inspection.pk
    # A key message of question 2 in the team's words and plain wording, citing E-005.
    key = Statement.objects.get(inspection=inspection, ident="Q2-K1")
    services.statement_update(
        actor="test",
        statement=key,
        expected_version=key.version,
        text=PAYLOAD,
        plain=IMG,
        evidence_ids=[inspection.evidence.get(ident="E-005").pk],
    )
    key.refresh_from_db()
    report = services.report_share(
        actor="test",
        inspection=inspection,
        expected_version=selectors.report_for(inspection=inspection).version,
    )
    assert report.status == "shared"
    partner = User.objects.create_user(username="xss-partner")
    Membership.objects.create(inspection=inspection, user=partner, role=Role.PARTNERSHIP_CONTACT)
    comment = services.comment_add(actor=partner, statement=key, text=PAYLOAD)

    def page(name: str, client: Any = lead, **kwargs: Any) -> str:
        response = client.get(reverse(f"reports:{name}", kwargs={"inspection_id": pk, **kwargs}))
        assert response.status_code == 200, name
        return response.content.decode()

    team_pages = {
        "question 2 editor": page("section", section="question-2"),
        "statement editor": page("statement_edit", statement_id=key.pk),
        "overview": page("overview"),
        "public version": page("preview", report_version="public"),
        "internal version": page("preview", report_version="internal"),
        "young people's version": page("preview", report_version="young-people"),
        "comments": page("comments"),
        "resolve a comment": page("comment_resolve", comment_id=comment.pk),
        "HTML download": page("download", report_version="internal", file_type="html"),
    }
    for where, html in team_pages.items():
        assert_escaped(html, where=where, expect_shown=where != "overview")
    assert_escaped(page("shared_draft", signed_in_client(partner)), where="partnership's draft")
