"""The report in Chromium, with axe-core on every page, the downloaded HTML report too.

The lead inspector writes a strength citing evidence, reorders it in place, cites
evidence for the one statement without any, and shares the draft. The partnership
contact reads the draft and comments on the new statement; the lead resolves the
comment and makes the report final.
"""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from scrutiny.web.accounts.models import User
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.reports.models import Comment, Report, Statement

from .conftest import PASSWORD

FRENCH_TEMPLATE = (
    Path(__file__).parents[1] / "data" / "word-templates" / "docxtpl" / "header_footer_tpl.docx"
)

pytestmark = pytest.mark.django_db(transaction=True)

NEW = "Police, health and social work met the same day in every urgent case we read."


@pytest.fixture
def lead_and_partner(inspection: Inspection) -> None:
    for username, role in (("lesley", Role.LEAD_INSPECTOR), ("pat", Role.PARTNERSHIP_CONTACT)):
        user = User.objects.create_user(username=username, password=PASSWORD, is_demo=True)
        Membership.objects.create(inspection=inspection, user=user, role=role)


def tick(label: Any) -> None:
    # The design system draws its own box over the input: click the label, as a person would.
    label.click()
    expect(label.page.locator(f"#{label.get_attribute('for')}")).to_be_checked()


def test_the_team_writes_the_report_and_the_partnership_checks_it(
    visitor: Any, inspection: Inspection, lead_and_partner: None, tmp_path: Path, settings: Any
) -> None:
    settings.REPORT_TEMPLATES_DIR = tmp_path / "report-templates"
    base = f"/inspections/{inspection.pk}"
    lead = visitor()
    lead.sign_in("lesley")
    page = lead.goto(f"{base}/")
    page.get_by_role("navigation", name="Inspection pages").get_by_role(
        "link", name="Report"
    ).click()
    expect(page.get_by_role("heading", name="The report", exact=True)).to_be_visible()
    expect(page.locator("#before-final + p")).to_contain_text("1 thing to put right")
    lead.check()

    # Question 1: the evidence behind a statement opens beside it.
    page.get_by_role("navigation", name="Sections of the report").get_by_role(
        "link", name="Question 1"
    ).click()
    lead.check()
    first = page.locator(".app_statement").first
    first.locator("summary").click()
    expect(first.locator(".app_statement__evidence li").first).to_contain_text("E-")
    lead.check()

    # A new strength, citing a note tagged to question 1.
    page.get_by_role("link", name="Add a strength").click()
    lead.check()
    page.get_by_label("Statement", exact=True).fill(NEW)
    tick(page.locator(".ds_checkbox__label").first)
    page.get_by_role("button", name="Save the strength").click()
    expect(page.get_by_role("status").first).to_contain_text("The strength is added")
    strengths = page.locator("#list-strengths .app_statement")
    expect(strengths.last).to_contain_text(NEW)
    expect(strengths.last).to_contain_text("Evidence cited (1)")
    lead.check()

    # Moved up in place (htmx): the list is redrawn without leaving the page.
    url_before = page.url
    strengths.last.get_by_role("button", name="Move up").click()
    expect(strengths.nth(1)).to_contain_text(NEW)
    assert page.url == url_before
    lead.check()

    # The one statement without evidence (question 5) cites a note.
    page.get_by_role("navigation", name="Sections of the report").get_by_role(
        "link", name="Question 5"
    ).click()
    uncited = page.locator(".app_statement", has_text="No evidence cited")
    expect(uncited).to_have_count(1)
    lead.check()
    uncited.get_by_role("link", name="Edit or cite evidence").click()
    lead.check()
    tick(page.locator(".ds_checkbox__label").first)
    page.get_by_role("button", name="Save the area for development").click()
    expect(page.locator(".app_statement", has_text="No evidence cited")).to_have_count(0)
    lead.check()

    # Share the draft.
    lead.goto(f"{base}/report/")
    expect(page.locator("#before-final + p")).to_contain_text("Every statement cites evidence")
    page.get_by_role("link", name="Share the draft with the partnership").click()
    lead.check()
    page.get_by_role("button", name="Share the draft").click()
    expect(page.locator("#report-status")).to_contain_text("Draft shared with the partnership")
    lead.check()

    # The partnership contact reads it and comments on the new strength.
    partner = visitor()
    partner.sign_in("pat")
    home = partner.goto(f"{base}/")
    home.get_by_role("link", name="read the draft and comment on its statements").click()
    expect(home.get_by_role("heading", name="Draft report for factual accuracy")).to_be_visible()
    expect(home.get_by_text("E-001")).to_have_count(0)
    partner.check()
    statement = home.locator(".app_statement", has_text=NEW)
    statement.get_by_role("link", name="Comment on this statement").click()
    partner.check()
    home.get_by_label("Your comment on this statement").fill(
        "Not every case: two urgent cases in March met the next day."
    )
    home.get_by_role("button", name="Send the comment").click()
    expect(home.get_by_role("status").first).to_contain_text("Your comment is sent")
    expect(home.locator(".app_statement", has_text=NEW)).to_contain_text("Not resolved yet")
    partner.check()
    partner.goto(f"{base}/report/read/public/")

    # Making it final is refused until the comment is resolved.
    page = lead.goto(f"{base}/report/status/final/")
    expect(page.locator("#blockers")).to_contain_text("is not resolved")
    page.get_by_role("button", name="Make the report final").click()
    expect(page.get_by_role("alert")).to_contain_text("is not resolved")
    lead.check()
    assert Report.objects.get(inspection=inspection).status == "shared"
    page.locator("#blockers").get_by_role("link").first.click()
    expect(
        page.get_by_role("heading", name="Resolve a comment from the partnership")
    ).to_be_visible()
    lead.check()
    page.get_by_label("How the team resolved the comment").fill(
        "Changed to 'in most urgent cases'."
    )
    page.get_by_role("button", name="Save the resolution").click()
    expect(page.get_by_role("status").first).to_contain_text("is resolved")
    lead.check()

    lead.goto(f"{base}/report/status/final/")
    page.get_by_role("button", name="Make the report final").click()
    expect(page.locator("#report-status")).to_contain_text("Final")
    lead.check()
    report = Report.objects.get(inspection=inspection)
    assert report.status == "final"
    comment = Comment.objects.get(inspection=inspection)
    assert comment.resolved_by.username == "lesley"
    assert Statement.objects.get(inspection=inspection, text=NEW).citations.count() == 1

    # Every version read in the app, and the downloaded HTML report on its own.
    for version in ("public", "internal", "young-people"):
        lead.goto(f"{base}/report/read/{version}/")
    lead.goto(f"{base}/report/template/")
    # A real French Word template: kept, and its placeholders Scrutiny does not fill named.
    page.get_by_label("Word template (.docx)").set_input_files(str(FRENCH_TEMPLATE))
    page.get_by_role("button", name="Upload the template").click()
    expect(page.get_by_role("status").last).to_contain_text("{{date}}, {{company_name}}")
    lead.check()
    lead.goto(f"{base}/report/comments/")
    lead.goto(f"{base}/report/draft/")
    lead.goto(f"{base}/report/")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="HTML of the public version").click()
    saved = tmp_path / "report.html"
    downloaded.value.save_as(saved)
    lead.goto(saved.as_uri())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report of a joint inspection")

    # A PDF is made by the worker: the page follows the job, then offers the file.
    lead.goto(f"{base}/report/")
    page.get_by_role("link", name="PDF of the public version").click()
    expect(page.get_by_role("button", name="Make the PDF")).to_be_visible()
    lead.check()
    page.get_by_role("button", name="Make the PDF").click()
    expect(page.get_by_role("status")).to_contain_text("Waiting for the worker")
    lead.check()
    run_ready_jobs()
    download = page.get_by_role("link", name=f"Download {inspection.reference}-report-public.pdf")
    expect(download).to_be_visible()
    lead.check()
    with page.expect_download() as downloaded:
        download.click()
    assert downloaded.value.suggested_filename == f"{inspection.reference}-report-public.pdf"
    assert len(lead.checked) + len(partner.checked) >= 33
