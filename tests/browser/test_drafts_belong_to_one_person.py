"""Unsent drafts belong to the person who typed them (static/scrutiny/drafts.js): another
person signing in on the same browser is never offered them, in Chromium."""

from typing import Any

import pytest
from playwright.sync_api import expect

from scrutiny.web.accounts.models import User
from scrutiny.web.inspections.models import Inspection, Membership, Role

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "The child's social worker said the family moved twice this year."


def colleague(inspection: Inspection) -> User:
    user = User.objects.create_user(username="colleague", password=PASSWORD, is_demo=True)
    Membership.objects.create(inspection=inspection, user=user, role=Role.INSPECTOR)
    return user


def drafts_on_the_device(page: Any) -> list[str]:
    return page.evaluate(
        "Object.entries(localStorage).filter(([k]) => k.startsWith('scrutiny:'))"
        ".map(([k, v]) => k + ' ' + v)"
    )


def type_a_note(person: Any, inspection: Inspection) -> Any:
    page = person.goto(f"/inspections/{inspection.pk}/evidence/new/")
    page.get_by_label("Evidence", exact=True).fill(NOTE)
    assert any(NOTE in d for d in drafts_on_the_device(page))
    return page


def test_signing_out_clears_the_drafts_so_the_next_person_is_offered_nothing(
    visitor: Any, team: dict[str, Any], inspection: Inspection
) -> None:
    colleague(inspection)
    browser = visitor()
    browser.sign_in("inspector")
    page = type_a_note(browser, inspection)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert drafts_on_the_device(page) == []

    browser.sign_in("colleague")
    page = browser.goto(f"/inspections/{inspection.pk}/evidence/new/")
    expect(page.get_by_label("Evidence", exact=True)).to_have_value("")
    expect(page.get_by_role("region", name="Entries not yet sent")).to_have_count(0)
    assert not any(NOTE in d for d in drafts_on_the_device(page))


def test_a_draft_left_by_an_ended_session_is_not_offered_to_another_person(
    visitor: Any, team: dict[str, Any], inspection: Inspection
) -> None:
    colleague(inspection)
    browser = visitor()
    browser.sign_in("inspector")
    page = type_a_note(browser, inspection)
    # The session ends without signing out (timed out, the laptop shut).
    browser.context.clear_cookies(name="sessionid")

    browser.sign_in("colleague")
    page = browser.goto(f"/inspections/{inspection.pk}/evidence/new/")
    expect(page.get_by_label("Evidence", exact=True)).to_have_value("")
    expect(page.get_by_role("region", name="Entries not yet sent")).to_have_count(0)
    # Not only hidden: another person's notes about a child do not stay on the device.
    assert not any(NOTE in d for d in drafts_on_the_device(page))
