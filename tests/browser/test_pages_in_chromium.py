"""Real people's paths through the app in Chromium, with axe-core on every page."""

import re
from typing import Any

import orjson
import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from scrutiny.core.demo import make_demo
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.services import run_ready_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_the_lead_signs_in_with_two_factors_and_walks_the_inspection(
    visitor: Any, team: dict[str, Any], inspection: Inspection
) -> None:
    device = TOTPDevice.objects.create(user=team["lead"], name="phone", confirmed=True)
    lead = visitor()
    lead.sign_in("lead")
    expect(lead.page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    lead.check()
    lead.page.get_by_label("Security code").fill(code_for(device))
    lead.page.get_by_role("button", name="Continue").click()
    expect(lead.page.get_by_role("heading", name="My work")).to_be_visible()
    lead.check()

    lead.page.get_by_role("link", name=inspection.reference).click()
    expect(lead.page.get_by_role("heading", name=inspection.partnership)).to_be_visible()
    expect(lead.page.get_by_text("Records read")).to_be_visible()
    expect(
        lead.page.get_by_role("table", name="Quality indicator evaluations and limiters")
    ).to_be_visible()
    lead.check()

    base = f"/inspections/{inspection.pk}"
    reading = inspection.record_readings.first()
    note = inspection.evidence.first()
    for path in (
        f"{base}/records/",
        f"{base}/records/{reading.pk}/",
        f"{base}/surveys/",
        f"{base}/surveys/children_and_young_people/",
        f"{base}/evidence/",
        f"{base}/evidence/{note.pk}/",
        f"{base}/evidence/{note.pk}/edit/",
        f"{base}/team/",
        f"{base}/edit/",
        f"{base}/audit/",
    ):
        response = lead.page.goto(path)
        assert response is not None and response.status == 200, path
        lead.check()
    assert len(lead.checked) == 14  # sign-in, code, My work, home and the ten pages above


def test_import_errors_are_listed_on_an_accessible_page(
    visitor: Any, team: dict[str, Any], tmp_path: Any
) -> None:
    data = make_demo(seed=4, records=5)
    data["inspection"]["reference"] = "JI-BROKEN"
    data["record_readings"][1]["ratings"]["immediate_response"] = "goood"
    data["proposed_evaluations"]["2.1"] = "brilliant"
    path = tmp_path / "broken.json"
    path.write_bytes(orjson.dumps(data))

    admin = visitor()
    admin.sign_in("admin")
    admin.goto("/inspections/import/")
    admin.page.get_by_label("Inspection bundle (JSON)").set_input_files(str(path))
    admin.page.get_by_role("button", name="Import").click()
    # The worker imports it; the page follows the job, then shows its outcome.
    expect(admin.page.get_by_role("status")).to_contain_text("Waiting for the worker")
    admin.check()
    run_ready_jobs()
    summary = admin.page.get_by_role("alert")
    expect(summary).to_contain_text("Nothing was imported")
    expect(summary).to_contain_text("record_readings[1].ratings.immediate_response")
    expect(summary).to_contain_text("proposed_evaluations")
    admin.check()
    assert not Inspection.objects.filter(reference="JI-BROKEN").exists()


def test_a_wrong_password_shows_an_accessible_error(visitor: Any, team: dict[str, Any]) -> None:
    someone = visitor()
    someone.sign_in("inspector", "not the password")
    expect(someone.page.get_by_role("alert")).to_contain_text("not right")
    someone.check()


def test_the_second_of_two_browsers_is_refused(
    visitor: Any, team: dict[str, Any], inspection: Inspection
) -> None:
    TOTPDevice.objects.create(user=team["lead"], name="phone", confirmed=True)
    team["lead"].is_demo = True  # this test is about editing, not signing in
    team["lead"].save()
    first, second = visitor(), visitor()
    first.sign_in("lead")
    second.sign_in("admin")
    edit = f"/inspections/{inspection.pk}/edit/"
    first.goto(edit)
    second.goto(edit)

    first.page.get_by_label("End date").fill("2019-09-30")
    first.page.get_by_role("button", name="Save").click()
    expect(first.page.get_by_text("Inspection details saved.")).to_be_visible()

    second.page.get_by_label("Community planning partnership").fill("Overwritten Council")
    second.page.get_by_role("button", name="Save").click()
    expect(second.page.get_by_role("alert")).to_contain_text(
        "Someone else changed this since you opened it"
    )
    # The refused entry is kept on the page for the person to reapply.
    expect(second.page.get_by_label("Community planning partnership")).to_have_value(
        "Overwritten Council"
    )
    second.check()
    inspection.refresh_from_db()
    assert str(inspection.end) == "2019-09-30"
    assert inspection.partnership != "Overwritten Council"


def test_the_evidence_filter_updates_in_place(
    visitor: Any, team: dict[str, Any], inspection: Inspection
) -> None:
    inspector = visitor()
    inspector.sign_in("inspector")
    page = inspector.goto(f"/inspections/{inspection.pk}/evidence/")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Inspection question").select_option("2")
    expect(page.locator("#evidence-results")).to_contain_text("tagged to question 2")
    # htmx swapped the results in: the page itself was not reloaded.
    assert page.evaluate("window.notReloaded") is True
    assert re.search(r"question=2", page.url)
    inspector.check()


def test_the_skip_link_is_the_first_stop_for_the_keyboard(
    visitor: Any, team: dict[str, Any]
) -> None:
    someone = visitor()
    someone.sign_in("inspector")
    page = someone.page
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_pages_reflow_at_400_percent_zoom(
    visitor: Any, team: dict[str, Any], inspection: Inspection
) -> None:
    # WCAG 1.4.10: at 320 CSS pixels wide nothing but a data table may scroll sideways.
    inspector = visitor()
    inspector.page.set_viewport_size({"width": 320, "height": 800})
    inspector.sign_in("inspector")
    for path in (f"/inspections/{inspection.pk}/", f"/inspections/{inspection.pk}/evidence/"):
        page = inspector.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(
            "() => [...document.querySelectorAll('main *')]"
            ".filter(e => e.getBoundingClientRect().right > 322 && !e.closest('.app_table-wrapper'))"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
        )
        assert width <= 320, f"{path} is {width}px wide: {wide}"
