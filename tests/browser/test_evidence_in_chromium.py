"""An inspector captures a note by keyboard in Chromium: a suggested tag accepted, a file
attached, the note found by search, and the coverage view opened; axe-core on each page."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from scrutiny.web.evidence.models import EvidenceAttachment
from scrutiny.web.inspections.models import Inspection

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = (
    "Care leavers told us their throughcare worker helped them find a first tenancy "
    "and kept in touch after they moved."
)


def test_an_inspector_captures_tags_attaches_finds_and_checks_coverage(
    visitor: Any, team: dict[str, Any], inspection: Inspection, settings: Any, tmp_path: Path
) -> None:
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"
    plan = tmp_path / "pathway-plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    inspector = visitor()
    inspector.sign_in("inspector")
    page = inspector.page
    base = f"/inspections/{inspection.pk}/evidence/"

    inspector.goto(base)
    page.get_by_role("link", name="Add a note").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Add a note")).to_be_visible()
    inspector.check()

    # By keyboard: type into each field, tick with the space bar, press buttons with Enter.
    page.get_by_label("Source", exact=True).focus()
    page.keyboard.type("Focus")  # a select jumps to the option typed
    expect(page.get_by_label("Source", exact=True)).to_have_value("focus_group")
    page.keyboard.press("Tab")
    page.keyboard.type("Focus group with care leavers")
    page.get_by_label("Evidence", exact=True).focus()
    page.keyboard.type(NOTE)
    suggestions = page.locator("#tag-suggestions")
    expect(suggestions.get_by_role("heading", name="Suggested tags")).to_be_visible()
    accept = suggestions.get_by_role("button", name="4. Transition to adulthood")
    expect(accept).to_have_attribute("aria-pressed", "false")
    accept.focus()
    page.keyboard.press("Enter")
    expect(accept).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("checkbox", name="4. Transition to adulthood")).to_be_checked()
    inspector.check()
    page.get_by_role("radio", name="Strength").focus()
    page.keyboard.press("Space")
    page.get_by_label("Attach files (optional)").set_input_files(str(plan))
    page.get_by_role("button", name="Save note").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=re.compile(r"^Evidence E-\d+$"))).to_be_visible()
    expect(page.get_by_role("link", name="pathway-plan.pdf", exact=True)).to_be_visible()
    inspector.check()
    note = inspection.evidence.latest("position")
    assert list(note.questions.values_list("question", flat=True)) == [4]
    assert EvidenceAttachment.objects.get().file_name == "pathway-plan.pdf"

    inspector.goto(base)
    page.get_by_label("Search evidence").focus()
    page.keyboard.type("throughcare tenancy")
    results = page.locator("#evidence-results")
    expect(results).to_contain_text("1 evidence note containing “throughcare tenancy”")
    expect(results.get_by_role("link", name=note.ident)).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=throughcare"))
    inspector.check()

    page.get_by_role("link", name="Evidence per question and indicator").click()
    expect(page.get_by_role("heading", name="Evidence per question and indicator")).to_be_visible()
    inspector.check()
    page.get_by_role("link", name="4. Transition to adulthood").click()
    expect(page.get_by_role("heading", name="Evidence for question 4")).to_be_visible()
    inspector.check()
