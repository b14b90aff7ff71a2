"""Each persona's journey in Chromium from signing in to their next action: they land on
My work, follow what waits for them, and every page on the way passes axe-core."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scrutiny.web.accounts.models import User
from scrutiny.web.evaluations.models import Moderation
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.plans.models import Plan
from scrutiny.web.reports.models import Report
from tests.web.test_records_support import add_sample, assign

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = {
    "lead": Role.LEAD_INSPECTOR,
    "inspector": Role.INSPECTOR,
    "volunteer": Role.YOUNG_INSPECTION_VOLUNTEER,
    "assurer": Role.QUALITY_ASSURER,
    "partner": Role.PARTNERSHIP_CONTACT,
}


@pytest.fixture
def cast(inspection: Inspection) -> dict[str, User]:
    people = {
        name: User.objects.create_user(username=name, password=PASSWORD, is_demo=True)
        for name in [*ROLES, "admin"]
    }
    User.objects.filter(username="admin").update(is_administrator=True)
    for name, role in ROLES.items():
        Membership.objects.create(inspection=inspection, user=people[name], role=role)
    add_sample(inspection, records=3)
    assign(inspection, people["inspector"])
    # Notified six weeks ago: the partnership's co-ordinators (week 2) are overdue.
    Plan.objects.filter(inspection=inspection).update(
        notification_date=timezone.localdate() - timedelta(weeks=6)
    )
    return people


def test_the_inspector_lands_on_my_work_and_opens_a_record_to_read(
    visitor: Any, cast: dict[str, User]
) -> None:
    inspector = visitor()
    inspector.sign_in("inspector")
    page = inspector.page
    assert page.url.endswith("/my-work/")
    inspector.check()
    expect(page.get_by_role("heading", name="Records to read (3)")).to_be_visible()
    page.get_by_role("link", name="Record S-001").click()
    inspector.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("S-001")
    # Once the reader is in the long form, its save status stays in view at the foot.
    status = page.locator("#save-status")
    for _ in range(3):
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(100)
        expect(status).to_be_in_viewport()


def test_the_lead_records_an_overdue_stage_from_my_work(
    visitor: Any, cast: dict[str, User]
) -> None:
    lead = visitor()
    lead.sign_in("lead")
    page = lead.page
    lead.check()
    expect(
        page.get_by_text("Overdue: Inspection and participation co-ordinators named")
    ).to_be_visible()
    page.get_by_role("link", name="Record it or change its date").first.click()
    lead.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Inspection and participation co-ordinators named"
    )
    # A wrong date first (typed where no date picker helps): the error summary takes focus.
    page.evaluate(
        "(() => { const f = document.querySelector('#id_done_on'); f.type = 'text'; "
        "f.value = 'yesterday'; })()"
    )
    page.get_by_role("button", name="Save").click()
    lead.check()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    expect(page.get_by_role("alert")).to_contain_text("Enter the date it was done as a real date")
    page.evaluate("document.querySelector('#id_done_on').type = 'date'")
    page.get_by_label("Date it was done").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save").click()
    lead.check()
    assert page.url.endswith("/timetable/")
    row = page.get_by_role("row", name="Inspection and participation co-ordinators named")
    expect(row).to_contain_text("Done")
    page.get_by_role("link", name="Overview").click()
    lead.check()
    expect(page.get_by_role("heading", name="What's next for you")).to_be_visible()


def test_the_quality_assurer_goes_from_my_work_to_the_sign_off(
    visitor: Any, cast: dict[str, User], inspection: Inspection
) -> None:
    Moderation.objects.update_or_create(
        inspection=inspection, defaults={"stage": Moderation.Stage.AGREED}
    )
    assurer = visitor()
    assurer.sign_in("assurer")
    assurer.check()
    assurer.page.get_by_role("link", name="Sign off the evaluations").click()
    assurer.check()
    assert assurer.page.url.endswith("/evaluation/moderation/sign-off/")


def test_the_partnership_contact_goes_from_my_work_to_the_shared_draft(
    visitor: Any, cast: dict[str, User], inspection: Inspection
) -> None:
    Report.objects.filter(inspection=inspection).update(status=Report.Status.SHARED)
    partner = visitor()
    partner.sign_in("partner")
    partner.check()
    partner.page.get_by_role("link", name="Read the draft and comment").click()
    partner.check()
    assert partner.page.url.endswith("/report/draft/")


def test_the_volunteer_finds_the_timetable_and_the_team(
    visitor: Any, cast: dict[str, User], inspection: Inspection
) -> None:
    volunteer = visitor()
    volunteer.sign_in("volunteer")
    page = volunteer.page
    volunteer.check()
    page.get_by_role("link", name=f"{inspection.reference} {inspection.partnership}").click()
    volunteer.check()
    expect(page.get_by_role("heading", name="The team")).to_be_visible()
    page.get_by_role("link", name="Timetable").first.click()
    volunteer.check()
    expect(page.get_by_text("Only the lead inspector or a site administrator")).to_be_visible()


def test_the_administrator_creates_an_inspection_and_its_timetable(
    visitor: Any, cast: dict[str, User]
) -> None:
    admin = visitor()
    admin.sign_in("admin")
    page = admin.page
    admin.check()
    expect(page.get_by_text("You are not a member of any inspection yet.")).to_be_visible()
    admin.goto("/inspections/new/")
    page.get_by_role("button", name="Create inspection").click()
    admin.check()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    expect(page.get_by_role("alert")).to_contain_text("Enter the reference")
    page.get_by_role("link", name="Enter the community planning partnership").click()
    assert page.evaluate("document.activeElement.id") == "id_partnership"
    page.get_by_label("Reference").fill("JI-0777")
    page.get_by_label("Community planning partnership").fill("Glenshire")
    page.get_by_label("Start date").fill("2030-01-07")
    page.get_by_role("button", name="Create inspection").click()
    admin.check()
    page.get_by_role("button", name="Add to team").click()
    admin.check()
    expect(page.get_by_role("alert")).to_contain_text(
        "Choose the person's role in this inspection."
    )
    page.get_by_role("link", name="Timetable").first.click()
    admin.check()
    expect(page.get_by_role("row", name="Publication of the report")).to_contain_text("2030")


def test_it_takes_the_programme_manager_from_my_work_to_the_programmes(
    visitor: Any, cast: dict[str, User]
) -> None:
    User.objects.create_user(
        username="manager", password=PASSWORD, is_demo=True, is_programme_manager=True
    )
    manager = visitor()
    manager.sign_in("manager")
    page = manager.page
    assert page.url.endswith("/my-work/")
    manager.check()
    page.get_by_role("link", name="open the programmes").click()
    manager.check()
    assert page.url.endswith("/programmes/")
