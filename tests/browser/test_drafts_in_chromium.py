"""Nothing typed is lost when a session ends: the team's forms keep unsent entries on the
device and offer them back (static/scrutiny/drafts.js), in Chromium."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from scrutiny.web.evaluations.models import SignificantConcern
from scrutiny.web.inspections.models import Inspection

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Foster carers said the out-of-hours team answered quickly and knew the children."


def test_a_note_typed_as_the_session_expires_is_put_back_after_signing_in(
    visitor: Any, team: dict[str, Any], inspection: Inspection
) -> None:
    inspector = visitor()
    inspector.sign_in("inspector")
    form = f"/inspections/{inspection.pk}/evidence/new/"
    page = inspector.goto(form)
    page.get_by_label("Source", exact=True).select_option("focus_group")
    page.get_by_label("Evidence", exact=True).fill(NOTE)
    page.get_by_role("radio", name="Strength").focus()
    page.keyboard.press("Space")
    # The session ends while the inspector types (inactivity, or signed out elsewhere).
    inspector.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert not inspection.evidence.filter(text=NOTE).exists()

    inspector.sign_in("inspector")
    page = inspector.goto(form)
    offer = page.get_by_role("region", name="Entries not yet sent")
    expect(offer).to_contain_text("not sent")
    inspector.check()  # axe-core with the offer on the page
    offer.get_by_role("button", name="Put my entries back").click()
    expect(page.get_by_label("Evidence", exact=True)).to_have_value(NOTE)
    expect(page.get_by_role("radio", name="Strength")).to_be_checked()
    expect(offer).to_contain_text("Your entries are back")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Evidence E-\d+$"))).to_be_visible()
    assert inspection.evidence.filter(text=NOTE, kind="strength").count() == 1

    # Saved, so the device no longer holds it: an empty form offers nothing.
    page = inspector.goto(form)
    expect(page.get_by_label("Evidence", exact=True)).to_have_value("")
    expect(page.get_by_role("region", name="Entries not yet sent")).to_have_count(0)


def test_entries_left_unsent_are_offered_back_or_discarded(
    visitor: Any, team: dict[str, Any], inspection: Inspection
) -> None:
    concerns = SignificantConcern.objects.filter(inspection=inspection).count()
    person = visitor()
    person.sign_in("inspector")
    form = f"/inspections/{inspection.pk}/concerns/new/"
    page = person.goto(form)
    page.get_by_label("Summary").fill("Police and social work disagreed on the threshold.")
    # Away without saving (a link followed, the tab closed), then back.
    page = person.goto(f"/inspections/{inspection.pk}/")
    page = person.goto(form)
    offer = page.get_by_role("region", name="Entries not yet sent")
    offer.get_by_role("button", name="Discard them").click()
    expect(offer).to_contain_text("discarded")
    expect(page.get_by_label("Summary")).to_have_value("")
    page = person.goto(form)
    expect(page.get_by_role("region", name="Entries not yet sent")).to_have_count(0)
    assert SignificantConcern.objects.filter(inspection=inspection).count() == concerns
