"""The programme overview and its review of findings in Chromium, axe-core on every page:
the overview with its timelines, the page that offers to make the Word file, the job's
page while it waits and when it is done, and the downloaded HTML review on its own."""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from scrutiny.web.accounts.models import User
from scrutiny.web.jobs.services import run_ready_jobs

from .conftest import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.markup_only]


@pytest.fixture
def programme_manager(transactional_db: None) -> User:
    call_command("load_demo_programme", "--inspections", "2", "--records", "6")
    return User.objects.create_user(
        username="morag", password=PASSWORD, is_demo=True, is_programme_manager=True
    )


def test_it_passes_axe_from_the_overview_to_the_review_of_findings(
    programme_manager: User, visitor: Any, tmp_path: Path
) -> None:
    manager = visitor()
    manager.sign_in("morag")
    page = manager.goto("/programmes/")
    page.get_by_role("link", name="Joint inspections of services for children").first.click()
    expect(page.get_by_role("heading", name="Timelines kept or missed")).to_be_visible()
    manager.check()

    page.get_by_role("link", name="Review of findings (Word document)").click()
    expect(page.get_by_role("button", name="Make the Word document")).to_be_visible()
    manager.check()
    page.get_by_role("button", name="Make the Word document").click()
    expect(page.get_by_role("status")).to_contain_text("Waiting for the worker")
    manager.check()
    run_ready_jobs()
    download = page.get_by_role("link", name="Download review-of-findings")
    expect(download).to_be_visible()
    manager.check()
    with page.expect_download() as downloaded:
        download.click()
    assert downloaded.value.suggested_filename.endswith(".docx")

    page.get_by_role("link", name="Back to the programme overview").click()
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Review of findings (HTML page)").click()
    saved = tmp_path / "review.html"
    downloaded.value.save_as(saved)
    manager.goto(saved.as_uri())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review of findings")
    assert len(manager.checked) >= 7
