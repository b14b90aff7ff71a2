"""A survey export imported in Chromium: upload, the worker reads it, the preview shows
what the tool says of each response and takes the team's decision; axe on every page."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from scrutiny.web.accounts.models import User
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.surveys.models import SurveyImport

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
KOBO = Path(__file__).parent.parent / "data/surveys/kobotoolbox-xml-values.csv"


def test_the_preview_shows_completeness_and_records_the_decision(
    visitor: Any, inspection: Inspection, settings: Any, tmp_path: Path
) -> None:
    settings.SURVEY_UPLOADS_DIR = tmp_path / "uploads"
    lead = User.objects.create_user(username="demo-lead", password=PASSWORD, is_demo=True)
    Membership.objects.create(inspection=inspection, user=lead, role=Role.LEAD_INSPECTOR)
    browser = visitor()
    browser.sign_in("demo-lead")
    browser.goto(f"/inspections/{inspection.pk}/surveys/children_and_young_people/import/")
    browser.page.get_by_label("Survey export").set_input_files(str(KOBO))
    browser.page.get_by_role("button", name="Upload").click()
    browser.page.wait_for_load_state("load")
    browser.check()  # the progress page, while the worker has not started
    run_ready_jobs()
    job = SurveyImport.objects.get()
    assert job.status == SurveyImport.Status.READY
    page = browser.goto(f"/inspections/{inspection.pk}/surveys/imports/{job.pk}/preview/")
    expect(page.get_by_text("Rejected by a reviewer", exact=True)).to_be_visible()
    page.get_by_text("Also count the 1 response rejected by a reviewer").click()  # its label
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state("load")
    expect(
        page.get_by_text("Say why the team decided to count these responses.").first
    ).to_be_visible()
    browser.check()
    page.get_by_label("Why the team decided to count them").fill("Checked with the reviewer")
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state("load")
    run_ready_jobs()
    page = browser.goto(f"/inspections/{inspection.pk}/surveys/imports/{job.pk}/")
    expect(page.get_by_text("Imported 5 responses")).to_be_visible()
    expect(page.get_by_text("Checked with the reviewer")).to_be_visible()
