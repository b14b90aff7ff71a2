"""Retention in Chromium, axe-core on every page: an administrator erases what is due on
a published inspection, then lists where a record id is still stored (subject access);
the team sees on the inspection's page what was erased and when."""

from typing import Any

import pytest
from playwright.sync_api import expect

from scrutiny.web.accounts.models import User
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.records.models import RecordReading
from tests.web.test_retention import published

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_erases_what_is_due_and_lists_a_record_id(
    visitor: Any, team: dict[str, User], inspection: Inspection
) -> None:
    published(inspection, days_ago=800)  # past every keep time of the default policy
    record = RecordReading.objects.filter(inspection=inspection).first().record
    admin = visitor()
    admin.sign_in("admin")
    admin.goto("/retention/")
    admin.page.get_by_role("link", name="Find every stored item that mentions").click()
    admin.page.get_by_label("Record or respondent id").fill(record)
    admin.page.get_by_role("button", name="List the items").click()
    admin.check()
    expect(admin.page.get_by_role("cell", name="Record reading").first).to_be_visible()

    admin.page.get_by_role("link", name="Retention").first.click()
    admin.check()
    expect(admin.page.get_by_role("cell", name=inspection.reference).first).to_be_visible()
    admin.page.get_by_role("button", name="Erase it now").click()
    admin.check()
    run_ready_jobs()  # the worker, as `manage.py db_worker` would
    admin.goto("/retention/")
    expect(admin.page.get_by_text("Nothing is due.")).to_be_visible()

    admin.page.get_by_role("link", name="Find every stored item that mentions").click()
    admin.page.get_by_label("Record or respondent id").fill(record)
    admin.page.get_by_role("button", name="List the items").click()
    # Only the append-only audit trail names it now: the row of the first search.
    expect(admin.page.get_by_role("heading", name=f"1 item mentions {record}")).to_be_visible()
    expect(admin.page.get_by_role("cell", name="Audit event", exact=False)).to_be_visible()

    inspector = visitor()
    inspector.sign_in("inspector")
    inspector.goto(f"/inspections/{inspection.pk}/")
    expect(inspector.page.get_by_role("heading", name="Personal data erased")).to_be_visible()
    expect(inspector.page.get_by_text("record ids replaced")).to_be_visible()
