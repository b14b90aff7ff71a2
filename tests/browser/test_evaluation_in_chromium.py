"""From evidence to a signed-off evaluation in Chromium, with axe-core on every page.

The lead inspector records the care-group evaluations and the proposals for the demo
inspection, sees the serious-failings limiter cap QI 2.1 once a concern is marked as a
serious failing, records the meeting's agreement, and a quality assurer signs off.
"""

from typing import Any

import pytest
from playwright.sync_api import expect

from scrutiny.core.bundle import dump_bundle
from scrutiny.core.demo import make_demo
from scrutiny.web.accounts.models import User
from scrutiny.web.evaluations.models import Moderation
from scrutiny.web.inspections.bundle_io import bundle_import
from scrutiny.web.inspections.models import Inspection, Membership, Role

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

GROUPS = ["Looked after at home", "Kinship care", "Foster care", "Residential care",
          "Short breaks", "Aftercare"]  # fmt: skip
PROPOSALS = {"1.1": "Good", "2.1": "Very good", "2.2": "Good", "9": "Good"}
MEANING = {"Very good": "Major strengths", "Good": "Important strengths"}


@pytest.fixture
def unevaluated(transactional_db: None) -> Inspection:
    """The demo inspection before the team has evaluated anything."""
    data = make_demo(seed=3, records=12)
    data["inspection"]["reference"] = "JI-EVAL"
    data["group_evaluations"] = {}
    data["proposed_evaluations"] = {}
    return bundle_import(actor="test", data=dump_bundle(data))


@pytest.fixture
def lead_and_assurer(unevaluated: Inspection) -> None:
    for username, role in (("lesley", Role.LEAD_INSPECTOR), ("quentin", Role.QUALITY_ASSURER)):
        user = User.objects.create_user(username=username, password=PASSWORD, is_demo=True)
        Membership.objects.create(inspection=unevaluated, user=user, role=role)


def choose(page: Any, point: str) -> None:
    # The design system draws its own radio over the input: click as a person would.
    page.get_by_label(f"{point} – {MEANING[point]}").check(force=True)


def tick(label: Any) -> None:
    label.click()
    box = label.page.locator(f"#{label.get_attribute('for')}")
    expect(box).to_be_checked()


def test_the_team_evaluates_and_a_quality_assurer_signs_off(
    visitor: Any, unevaluated: Inspection, lead_and_assurer: None
) -> None:
    base = f"/inspections/{unevaluated.pk}"
    lead = visitor()
    lead.sign_in("lesley")
    page = lead.goto(f"{base}/evaluation/")
    expect(page.get_by_role("heading", name="Evaluation workspace")).to_be_visible()
    expect(page.locator("#qi-2\\.1 [data-figure=status]")).to_have_text("Not proposed")

    for group in GROUPS:
        page.get_by_role("link", name=f"Evaluate {group.lower()}").click()
        lead.check()
        choose(page, "Good")
        page.get_by_label("Rationale").fill(f"Synthetic rationale for {group.lower()}")
        tick(page.locator(".ds_checkbox__label").first)
        page.get_by_role("button", name="Save evaluation").click()
        expect(page.get_by_role("status")).to_contain_text("saved")
    lead.check()

    for indicator, point in PROPOSALS.items():
        lead.goto(f"{base}/evaluation/qi/{indicator}/")
        choose(page, point)
        page.get_by_label("Rationale").fill(f"Synthetic rationale for QI {indicator}")
        for label in page.locator(".ds_checkbox__label").all():
            tick(label)
        page.get_by_role("button", name="Save proposal").click()
        expect(page.get_by_role("status")).to_contain_text(f"Proposal for QI {indicator} saved")
        lead.check()

    lead.goto(f"{base}/evaluation/")
    serious = page.locator("tr[data-rule=serious-failings] td").first
    expect(serious).to_have_text("No")
    expect(page.locator("#qi-2\\.1 [data-figure=final]")).to_have_text("Very good")

    lead.goto(f"{base}/concerns/")
    page.get_by_role("link", name="Raise a significant concern").click()
    lead.check()
    page.get_by_label("Summary").fill("No out-of-hours social work cover for child protection")
    page.get_by_label("What was found").fill("Seen in several records; synthetic.")
    page.get_by_role("button", name="Raise concern").click()
    lead.check()
    page.get_by_role("link", name="Decide whether it is a serious failing").click()
    lead.check()
    page.get_by_label("Yes, a serious failing").check(force=True)
    page.get_by_label("Reason").fill("Children at risk overnight go unprotected")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("serious failing saved")
    lead.check()

    lead.goto(f"{base}/evaluation/")
    expect(serious).to_have_text("Yes")
    expect(page.locator("#qi-2\\.1 [data-figure=cap]")).to_have_text("Weak")
    expect(page.locator("#qi-2\\.1 [data-figure=final]")).to_have_text("Weak")
    expect(page.locator("#final-explained-2\\.1")).to_contain_text(
        "Proposed very good, but serious-failings caps QI 2.1 at weak"
    )

    page.get_by_role("link", name="Moderation and sign-off").click()
    lead.check()
    page.get_by_role("link", name="Record the evaluation meeting's agreement").click()
    lead.check()
    page.get_by_label("Date of the evaluation meeting").fill("2019-05-02")
    page.get_by_label("Who was present").fill("Lesley Lead\nIain Inspector")
    page.get_by_role("button", name="Record agreement").click()
    expect(page.locator("#moderation-status")).to_contain_text("Evaluations agreed")
    lead.check()
    # Agreed inputs are locked: their forms show read only, with the reason.
    lead.goto(f"{base}/evaluation/groups/foster_care/")
    expect(page.locator("#locked")).to_contain_text("reopen them, giving a reason")
    expect(page.get_by_role("button", name="Save evaluation")).to_have_count(0)
    lead.check()
    lead.goto(f"{base}/evaluation/")
    expect(page.locator("#qi-2\\.1 [data-figure=status]")).to_have_text(
        "Agreed at the evaluation meeting"
    )

    assurer = visitor()
    assurer.sign_in("quentin")
    qa = assurer.goto(f"{base}/evaluation/moderation/")
    qa.get_by_role("link", name="Sign off the evaluations").click()
    assurer.check()
    qa.get_by_role("button", name="Sign off").click()
    expect(qa.locator("#moderation-status")).to_contain_text("Evaluations signed off")
    expect(qa.get_by_text("recomputing gives the signed-off result exactly")).to_be_visible()
    assurer.check()

    moderation = Moderation.objects.get(inspection=unevaluated)
    assert moderation.stage == "signed off"
    assert moderation.freeze["evaluation"]["indicators"]["2.1"]["final"] == "weak"
    assert len(lead.checked) + len(assurer.checked) >= 20
