"""The partnership's journeys in Chromium (issue 14, items 3 to 5): the partnership
contact from signing in through sending its self-evaluation and writing the action plan,
the team accepting the document and reviewing the plan, and a partnership reader reading
the one record assigned to them. axe-core runs on every page on the way."""

from datetime import timedelta
from typing import Any

import docx
import pytest
import weasyprint
from django.utils import timezone
from playwright.sync_api import expect

from scrutiny.web.accounts.models import User
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.partnership.models import ActionPlan, ReaderPairing, SentDocument
from scrutiny.web.plans.models import Plan
from scrutiny.web.reports.models import Report
from tests.web.test_records_support import add_sample, assign

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = {
    "lead": Role.LEAD_INSPECTOR,
    "inspector": Role.INSPECTOR,
    "partner": Role.PARTNERSHIP_CONTACT,
    "reader": Role.PARTNERSHIP_READER,
}


@pytest.fixture
def cast(inspection: Inspection) -> dict[str, User]:
    people = {
        name: User.objects.create_user(username=name, password=PASSWORD, is_demo=True)
        for name in ROLES
    }
    for name, role in ROLES.items():
        Membership.objects.create(inspection=inspection, user=people[name], role=role)
    User.objects.create_user(
        username="coord", email="coord@example.org", password=PASSWORD, is_demo=True
    )
    return people


def test_the_partnership_contact_sends_its_self_evaluation_and_writes_the_action_plan(
    visitor: Any, cast: dict[str, User], inspection: Inspection, tmp_path: Any
) -> None:
    partner = visitor()
    partner.sign_in("partner")
    page = partner.page
    partner.check()
    partner.goto(f"/inspections/{inspection.pk}/")
    page.get_by_role("link", name="The partnership's part").first.click()
    partner.check()
    expect(page.get_by_role("table", name="Stages asked of the partnership")).to_contain_text(
        "Joint self-evaluation due"
    )
    page.get_by_role("link", name="Send the joint self-evaluation or a document").click()
    partner.check()
    page.get_by_role("button", name="Send").click()
    partner.check()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    expect(page.get_by_role("alert")).to_contain_text("Choose the file to send.")
    pdf = tmp_path / "self-evaluation.pdf"
    pdf.write_bytes(weasyprint.HTML(string="<p>How good are we now?</p>").write_pdf())
    page.get_by_label("The joint self-evaluation (at most 30 pages)").check(force=True)
    page.get_by_label("Title").fill("Joint self-evaluation 2026")
    page.get_by_label("The file").set_input_files(str(pdf))
    page.get_by_role("button", name="Send").click()
    partner.check()
    expect(page.get_by_role("table", name="Documents sent by the partnership")).to_contain_text(
        "Sent, waiting for the team"
    )
    page.get_by_role("link", name="Name the partnership's co-ordinators").click()
    partner.check()
    page.get_by_label("Their e-mail address").fill("coord@example.org")
    page.get_by_role("button", name="Add co-ordinator").click()
    partner.check()
    expect(page.get_by_text("Co-ordinator added.")).to_be_visible()

    # The team accepts the self-evaluation into evidence.
    inspector = visitor()
    inspector.sign_in("inspector")
    inspector.check()
    inspector.page.get_by_role("link", name="Open the documents").first.click()
    inspector.check()
    inspector.page.get_by_role("link", name="Accept or return").click()
    inspector.check()
    inspector.page.get_by_label("Accept it into evidence").check(force=True)
    inspector.page.get_by_role("button", name="Record the decision").click()
    inspector.check()
    assert SentDocument.objects.get().evidence is not None

    # After publication: the action plan, reviewed by the link inspector.
    Report.objects.filter(inspection=inspection).update(status=Report.Status.PUBLISHED)
    lead = visitor()
    lead.sign_in("lead")
    lead.goto(f"/inspections/{inspection.pk}/action-plan/")
    lead.page.get_by_role("link", name="name the link inspector").click()
    lead.check()
    lead.page.get_by_label("Link inspector").select_option(label="inspector")
    lead.page.get_by_role("button", name="Name them").click()
    lead.check()
    lead.page.get_by_role("link", name="Open a progress review").click()
    lead.check()
    lead.page.get_by_label("Start of the progress review").fill("2027-09-06")
    lead.page.get_by_role("button", name="Open the progress review").click()
    lead.check()
    # The progress review is an inspection of its own, linked both ways.
    expect(lead.page.get_by_text(f"Inspection {inspection.reference}-PR1")).to_be_visible()
    lead.page.get_by_role("link", name=inspection.reference, exact=True).click()
    lead.check()
    expect(lead.page.get_by_role("link", name=f"{inspection.reference}-PR1")).to_be_visible()

    partner.goto(f"/inspections/{inspection.pk}/")
    page.get_by_role("link", name="Write the action plan").first.click()
    partner.check()
    areas = page.locator("h3")
    for n in range(areas.count()):
        page.get_by_role("link", name="Add an action").click()
        partner.check()
        page.get_by_label("Priority area for improvement").select_option(index=n + 1)
        page.get_by_label("The action").fill("Audit every child's plan each quarter.")
        page.get_by_label("Owner").fill("Chief social work officer")
        page.get_by_label("Due by").fill("2027-03-31")
        page.get_by_role("button", name="Add the action").click()
        partner.check()
    page.get_by_role("button", name="Submit the action plan to the link inspector").click()
    partner.check()
    assert ActionPlan.objects.get().status == ActionPlan.Status.SUBMITTED

    inspector.goto("/my-work/")
    inspector.page.get_by_role("link", name="Review the action plan").first.click()
    inspector.check()
    inspector.page.get_by_label("Accept the action plan").check(force=True)
    inspector.page.get_by_role("button", name="Record the review").click()
    inspector.check()
    assert ActionPlan.objects.get().status == ActionPlan.Status.ACCEPTED


def test_the_partnership_reader_reads_their_record_and_sees_nothing_else(
    visitor: Any, cast: dict[str, User], inspection: Inspection
) -> None:
    add_sample(inspection, records=2)
    assign(inspection, cast["reader"], cast["inspector"])
    ReaderPairing.objects.create(
        inspection=inspection, reader=cast["reader"], inspector=cast["inspector"]
    )
    reader = visitor()
    reader.sign_in("reader")
    page = reader.page
    assert page.url.endswith("/my-work/")
    reader.check()
    page.get_by_role("link", name="Record S-").first.click()
    reader.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("S-")
    # Every team page is refused.
    response = page.goto(f"/inspections/{inspection.pk}/records/sample/")
    assert response is not None and response.status == 404
    lead = visitor()
    lead.sign_in("lead")
    lead.goto(f"/inspections/{inspection.pk}/partnership/readers/")
    expect(
        lead.page.get_by_role("table", name="Partnership readers and their inspectors")
    ).to_contain_text("inspector")
    lead.goto(f"/inspections/{inspection.pk}/records/sample/")
    expect(lead.page.get_by_text("inspector (partnership reader)")).to_be_visible()


def test_it_takes_the_partnership_from_its_position_statement_to_its_co_ordinator(
    visitor: Any, cast: dict[str, User], inspection: Inspection, tmp_path: Any
) -> None:
    """A 2021 inspection, notified six weeks ago: the position statement (week 5) is
    overdue until the contact sends it; the co-ordinator the contact names sees the
    partnership's pages and none of the team's."""
    Inspection.objects.filter(pk=inspection.pk).update(programme="children-at-risk-of-harm-2021")
    Plan.objects.filter(inspection=inspection).update(
        notification_date=timezone.localdate() - timedelta(weeks=6)
    )
    statement = docx.Document()
    statement.add_heading("Position statement", level=1)
    statement.add_paragraph("Where we are, and how we know it. " * 40)
    path = tmp_path / "position-statement.docx"
    statement.save(str(path))

    partner = visitor()
    partner.sign_in("partner")
    page = partner.page
    partner.check()
    expect(page.get_by_text("Overdue: Position statement due")).to_be_visible()
    page.get_by_role("link", name="See what is asked of the partnership").first.click()
    partner.check()
    asked = page.get_by_role("table", name="Stages asked of the partnership")
    expect(asked.get_by_role("row", name="Position statement due")).to_contain_text("Overdue")
    page.get_by_role("link", name="Send the position statement or a document").click()
    partner.check()
    page.get_by_label("The position statement (at most 5,000 words)").check(force=True)
    page.get_by_label("Title").fill("Position statement, autumn")
    page.get_by_label("The file").set_input_files(str(path))
    page.get_by_role("button", name="Send").click()
    partner.check()
    expect(asked.get_by_role("row", name="Position statement due")).to_contain_text("Done")
    partner.goto("/my-work/")
    expect(page.get_by_text("Overdue: Position statement due")).to_have_count(0)
    partner.goto(f"/inspections/{inspection.pk}/partnership/coordinators/")
    page.get_by_label("Their e-mail address").fill("coord@example.org")
    page.get_by_role("button", name="Add co-ordinator").click()
    partner.check()

    coordinator = visitor()
    coordinator.sign_in("coord")
    assert coordinator.page.url.endswith("/my-work/")
    coordinator.check()
    coordinator.page.get_by_role("link", name=f"{inspection.reference} ").first.click()
    coordinator.check()
    coordinator.page.get_by_role("link", name="The partnership's part").first.click()
    coordinator.check()
    expect(
        coordinator.page.get_by_role("table", name="Documents sent by the partnership")
    ).to_contain_text("Position statement, autumn")
    for team_page in ("timetable/", "team/", "evidence/", "partnership/coordinators/"):
        response = coordinator.page.goto(f"/inspections/{inspection.pk}/{team_page}")
        assert response is not None and response.status == 404, team_page
