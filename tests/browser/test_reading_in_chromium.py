"""Reading a record in Chromium: keyboard only, the network lost and back, nothing lost;
the lead's record-reading pages, each checked with axe-core."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from scrutiny.core.methodology import load_programme
from scrutiny.core.sample_import import SampledRecord as Parsed
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.records.models import Assignment, RecordReading
from scrutiny.web.records.services import assignments_balance, reading_submit, sample_import

pytestmark = pytest.mark.django_db(transaction=True)

# The keys pressed for the reading tool's items, in order: 1..6 rate, n / 0 not applicable.
KEYS = "4524n65432104566543n"
VALUE = {"n": None, "0": None, **{str(v): v for v in range(1, 7)}}


def sample_for(inspection: Inspection, reader: Any, records: int = 3) -> list[Assignment]:
    programme = load_programme(inspection.programme)
    sample_import(
        actor="test",
        inspection=inspection,
        records=[
            Parsed(
                row=n + 1,
                record=f"S-{n:03d}",
                care_group="foster_care",
                age_band="5-11",
                legal_status="Looked after",
                area="North",
            )
            for n in range(1, records + 1)
        ],
    )
    assignments_balance(actor="test", inspection=inspection, readers=[reader], programme=programme)
    return list(Assignment.objects.filter(reader=reader).order_by("pk"))


def focused(page: Page, script: str) -> bool:
    return bool(
        page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")
    )


def tab_until(page: Page, script: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches (a keyboard user's path)."""
    for _ in range(limit):
        if focused(page, script):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {script}")


ON_ITEM = "el.type === 'radio' && el.closest('[data-rating-item]')?.dataset.ratingItem === '{}'"


def test_a_reader_completes_a_reading_by_keyboard_through_a_network_outage(
    visitor: Any, team: dict[str, Any], inspection: Inspection
) -> None:
    assignment = sample_for(inspection, team["inspector"])[0]
    items = [i.id for i in load_programme(inspection.programme).reading_items]
    assert len(items) == len(KEYS)
    reader = visitor()
    reader.sign_in("inspector")
    reader.goto(f"/inspections/{inspection.pk}/records/sample/")
    page = reader.page
    page.get_by_role("link", name="Start reading (first reading of record S-001)").click()
    expect(page.get_by_role("heading", name="Reading record S-001")).to_be_visible()
    reader.check()
    status = page.locator("#save-status")

    # The first half online: each number key rates the item and moves to the next.
    tab_until(page, ON_ITEM.format(items[0]))
    for key in KEYS[:8]:
        page.keyboard.press(key)
    assert focused(page, ON_ITEM.format(items[8]))
    expect(status).to_contain_text("All changes saved", timeout=10_000)

    # The network drops: the reader goes on, with an evidence note, by keyboard.
    reader.context.set_offline(True)
    for key in KEYS[8:14]:
        page.keyboard.press(key)
    page.keyboard.press("Tab")  # to "Evidence note" of the next item
    assert focused(page, "el.tagName === 'SUMMARY'")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("Plan reviewed late; no record of the child's views.")
    page.keyboard.press("Tab")  # the kind of note: arrow to "Strength", then "Area for development"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_until(page, ON_ITEM.format(items[14]))
    for key in KEYS[14:17]:
        page.keyboard.press(key)
    expect(status).to_contain_text("You are offline", timeout=10_000)
    assignment.refresh_from_db()
    assert len(assignment.ratings) == 8  # the server has only what was sent before
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('scrutiny:reading'))")

    # The network comes back: what was kept on the device is sent without a click.
    reader.context.set_offline(False)
    expect(status).to_contain_text("All changes saved", timeout=20_000)
    assignment.refresh_from_db()
    assert len(assignment.ratings) == 17
    note = assignment.notes[items[14]]
    assert note["text"] == "Plan reviewed late; no record of the child's views."
    assert note["kind"] == "area_for_development"

    # Offline again, the last items rated, then the tab is lost before anything is sent.
    reader.context.set_offline(True)
    for key in KEYS[17:]:
        page.keyboard.press(key)
    assert focused(page, "el.id === 'submit-reading'")
    page.close()
    reader.context.set_offline(False)
    page = reader.page = reader.context.new_page()
    reader.goto(f"/inspections/{inspection.pk}/records/read/{assignment.pk}/")
    expect(page.locator("#save-status")).to_contain_text("All changes saved", timeout=20_000)
    assignment.refresh_from_db()
    assert assignment.ratings == {item: VALUE[key] for item, key in zip(items, KEYS, strict=True)}

    # Submit by keyboard.
    tab_until(page, "el.id === 'submit-reading'", limit=400)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Reading of record S-001 submitted")).to_be_visible()
    reader.check()
    assert not page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('scrutiny:'))")
    reading = RecordReading.objects.get(record="S-001")
    stored = dict(reading.ratings.values_list("item", "value"))
    assert stored == {item: VALUE[key] for item, key in zip(items, KEYS, strict=True)}
    assert reading.programme_version == load_programme(inspection.programme).version


def test_submitting_an_incomplete_reading_names_the_missing_items(
    visitor: Any, team: dict[str, Any], inspection: Inspection
) -> None:
    assignment = sample_for(inspection, team["inspector"], records=1)[0]
    reader = visitor()
    reader.sign_in("inspector")
    page = reader.goto(f"/inspections/{inspection.pk}/records/read/{assignment.pk}/")
    page.get_by_role(
        "group", name="2. The immediate response to child protection concerns"
    ).get_by_text("Weak").click()
    page.get_by_role("button", name="Submit reading").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("19 items not rated")
    expect(summary).to_contain_text("Recognition of concerns: Rate this item")
    reader.check()
    assert not RecordReading.objects.filter(record="S-001").exists()


def test_the_leads_pages_are_accessible(
    visitor: Any, team: dict[str, Any], inspection: Inspection, tmp_path: Any
) -> None:
    assessor = team["admin"]  # a second reader from the team
    Membership.objects.create(inspection=inspection, user=assessor, role=Role.QUALITY_ASSURER)
    first, *_ = sample_for(inspection, team["inspector"], records=2)
    programme = load_programme(inspection.programme)
    reading_submit(
        actor=team["inspector"],
        assignment=first,
        expected_version=1,
        ratings={i.id: 4 for i in programme.reading_items},
        notes={},
        programme=programme,
    )
    team["lead"].is_demo = True  # this test is about the pages, not signing in
    team["lead"].save()
    lead = visitor()
    lead.sign_in("lead")
    base = f"/inspections/{inspection.pk}/records"
    page = lead.goto(f"{base}/sample/")
    expect(page.get_by_role("table", name="Progress by reader")).to_be_visible()

    bad = tmp_path / "sample.csv"
    bad.write_text(
        "Record id,Care group,Age band,Legal status,Area\n"
        "S-100,Foster care,5-11,Looked after,North\n"
        "Jane Smith,Fostering,5-11,Looked after,North\n"
    )
    lead.goto(f"{base}/sample/import/")
    page.get_by_label("Sample file (CSV or Excel)").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    # The worker checks the file; the page shows the job waiting, then its outcome.
    expect(page.get_by_role("status")).to_contain_text("Waiting for the worker")
    lead.check()
    run_ready_jobs()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nothing was imported")
    expect(summary).to_contain_text("Row 3, column 'Record id'")
    expect(summary).to_contain_text("Row 3, column 'Care group'")
    lead.check()

    lead.goto(f"{base}/sample/second-readings/")
    # The design system draws the box on the label, so a pointer clicks the label.
    page.locator("label", has_text="Records I pick").click()
    page.locator("label", has_text="S-001").click()
    page.get_by_role("button", name="Choose records").click()
    expect(page.get_by_text("1 record chosen for a second reading.")).to_be_visible()
    lead.check()
    second = Assignment.objects.get(kind="second")
    reading_submit(
        actor=second.reader,
        assignment=second,
        expected_version=1,
        ratings={i.id: 5 if i.id == "chronology" else 4 for i in programme.reading_items},
        notes={},
        programme=programme,
    )

    for path in (
        f"{base}/sample/assign/",
        f"{base}/agreement/",
        f"{base}/agreement/chronology/",
        f"{base}/results/",
        f"{base}/",
        f"{base}/compare/S-001/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        lead.check()
    page.get_by_label("Agreed rating of chronology").select_option("5")
    page.get_by_role("button", name="Record the agreed reading").click()
    expect(page.get_by_text("Agreed reading of record S-001 recorded.")).to_be_visible()
    lead.check()


def test_entries_made_after_the_session_expires_survive_signing_in_again(
    visitor: Any, team: dict[str, Any], inspection: Inspection
) -> None:
    assignment = sample_for(inspection, team["inspector"], records=1)[0]
    reader = visitor()
    reader.sign_in("inspector")
    form = f"/inspections/{inspection.pk}/records/read/{assignment.pk}/"
    page = reader.goto(form)
    tab_until(page, ON_ITEM.format("recognising_concerns"))
    page.keyboard.press("5")
    expect(page.locator("#save-status")).to_contain_text("All changes saved", timeout=10_000)
    # The session ends (expiry, or signed out elsewhere); the CSRF cookie stays, as it does.
    reader.context.clear_cookies(name="sessionid")
    page.keyboard.press("2")
    expect(page.locator("#save-status")).to_contain_text("signed out", timeout=10_000)
    assignment.refresh_from_db()
    assert assignment.ratings == {"recognising_concerns": 5}
    reader.sign_in("inspector")
    page = reader.goto(form)
    expect(page.locator("#save-status")).to_contain_text("All changes saved", timeout=10_000)
    reader.check()
    assignment.refresh_from_db()
    assert assignment.ratings == {"recognising_concerns": 5, "immediate_response": 2}
