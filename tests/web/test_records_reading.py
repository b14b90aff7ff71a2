"""The reading form: drafts saved as the reader goes, submitted when complete, missing
items named, concurrent edits refused, every change audited."""

import json
import re
from html import escape
from typing import Any

import pytest
from django.urls import reverse

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.records.models import Assignment, RecordReading

from .test_records_support import add_sample, assign, programme_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(inspection: Inspection, people: dict[str, Any]) -> Assignment:
    add_sample(inspection, records=2)
    assign(inspection, people["inspector"])
    return Assignment.objects.filter(reader=people["inspector"]).first()


def url(a: Assignment) -> str:
    return reverse(
        "records:reading", kwargs={"inspection_id": a.inspection_id, "assignment_id": a.pk}
    )


def form(a: Assignment, ratings: dict[str, str], action: str = "save", **extra: Any) -> dict:
    data = {"version": a.version, "action": action, **extra}
    data.update({f"rating-{item}": value for item, value in ratings.items()})
    return data


def every_item(inspection: Inspection, value: str = "4") -> dict[str, str]:
    return {i.id: value for i in programme_of(inspection).reading_items}


def test_it_shows_a_form_built_from_the_programmes_items(client_for: Any, mine: Assignment) -> None:
    page = client_for("inspector").get(url(mine)).content.decode()
    for item in programme_of(mine.inspection).reading_items:
        assert f'name="rating-{item.id}"' in page
        assert escape(item.title) in page
    assert 'value="na"' in page and "Not applicable" in page
    assert "records/reading.js" in page and '<script type="module"' in page


def test_it_saves_a_draft_by_plain_post(client_for: Any, mine: Assignment) -> None:
    response = client_for("inspector").post(
        url(mine),
        form(
            mine,
            {"immediate_response": "2", "chronology": "na"},
            **{
                "note-chronology": "No chronology on file for R-1.",
                "kind-chronology": "area_for_development",
                "questions-chronology": ["1", "2"],
                "indicators-chronology": ["5.2"],
            },
        ),
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.ratings == {"immediate_response": 2, "chronology": None}
    assert mine.notes["chronology"] == {
        "text": "No chronology on file for R-1.",
        "kind": "area_for_development",
        "questions": [1, 2],
        "indicators": ["5.2"],
    }
    assert (mine.status, mine.version) == ("draft", 2)
    event = AuditEvent.objects.filter(object_type="reading_draft", action="change").get()
    assert event.after["ratings"] == {"chronology": None, "immediate_response": 2}


def test_it_autosaves_and_answers_json(client_for: Any, mine: Assignment) -> None:
    response = client_for("inspector").post(url(mine), form(mine, {"chronology": "5"}, "autosave"))
    assert response.status_code == 200
    assert json.loads(response.content)["version"] == 2
    mine.refresh_from_db()
    assert mine.ratings == {"chronology": 5}


def test_it_refuses_a_concurrent_edit_and_keeps_the_first(
    client_for: Any, mine: Assignment
) -> None:
    laptop, tablet = client_for("inspector"), client_for("inspector")
    # Both open the reading at version 1.
    assert laptop.get(url(mine)).status_code == tablet.get(url(mine)).status_code == 200
    assert laptop.post(url(mine), form(mine, {"chronology": "5"})).status_code == 302
    stale = tablet.post(url(mine), form(mine, {"chronology": "1", "immediate_response": "3"}))
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Someone else changed this since you opened it" in page
    # The refused entry is still on the page, checked, so nothing typed is lost.
    assert re.search(r'name="rating-immediate_response" value="3"[^>]*checked', page)
    mine.refresh_from_db()
    assert mine.ratings == {"chronology": 5}  # never merged with the refused save
    autosave = tablet.post(url(mine), {**form(mine, {"chronology": "1"}, "autosave"), "version": 1})
    assert autosave.status_code == 409
    assert "Someone else changed this" in json.loads(autosave.content)["error"]
    mine.refresh_from_db()
    assert (mine.ratings, mine.version) == ({"chronology": 5}, 2)


def test_it_names_the_missing_items_and_submits_nothing(client_for: Any, mine: Assignment) -> None:
    ratings = every_item(mine.inspection)
    del ratings["immediate_response"], ratings["chronology"]
    response = client_for("inspector").post(url(mine), form(mine, ratings, "submit"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "2 items not rated" in page
    titles = {i.id: i.title for i in programme_of(mine.inspection).reading_items}
    for item in ("immediate_response", "chronology"):
        assert f'<a href="#item-{item}">{escape(titles[item])}: Rate this item' in page
    assert not RecordReading.objects.filter(record=mine.sampled_record.record).exists()
    mine.refresh_from_db()
    assert mine.status == "draft" and len(mine.ratings) == len(ratings)  # the draft is kept


def test_it_submits_a_complete_reading_with_its_programme_version(
    client_for: Any, mine: Assignment
) -> None:
    ratings = every_item(mine.inspection, "4") | {"immediate_response": "2", "chronology": "na"}
    response = client_for("inspector").post(
        url(mine),
        form(
            mine,
            ratings,
            "submit",
            **{
                "note-immediate_response": "Delay of 3 days.",
                "kind-immediate_response": "area_for_development",
                "questions-immediate_response": ["1"],
                "indicators-immediate_response": ["2.1"],
            },
        ),
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    reading = mine.reading
    assert mine.status == "submitted"
    assert reading.reader == "inspector"
    assert reading.programme_version == programme_of(mine.inspection).version
    values = dict(reading.ratings.values_list("item", "value"))
    assert values["immediate_response"] == 2 and values["chronology"] is None
    note = Evidence.objects.get(ident=f"RR-{reading.pk}-immediate_response")
    assert (note.source, note.kind, note.text) == (
        "record_reading",
        "area_for_development",
        "Delay of 3 days.",
    )
    assert list(note.questions.values_list("question", flat=True)) == [1]
    assert list(note.indicators.values_list("indicator", flat=True)) == ["2.1"]
    assert AuditEvent.objects.filter(object_type="record_reading", action="create").exists()
    # Once submitted, the form is closed: a late autosave is refused, not applied.
    late = client_for("inspector").post(url(mine), form(mine, {"chronology": "6"}, "autosave"))
    assert late.status_code == 200 and b"submitted" in late.content
    assert dict(reading.ratings.values_list("item", "value"))["chronology"] is None


def test_only_the_assigned_reader_opens_the_form(client_for: Any, mine: Assignment) -> None:
    for persona in ("lead", "assurer", "partner", "volunteer", "outsider"):
        assert client_for(persona).get(url(mine)).status_code == 404, persona


def test_each_opening_of_the_form_is_audited(client_for: Any, mine: Assignment) -> None:
    client_for("inspector").get(url(mine))
    event = AuditEvent.objects.filter(action="view", object_type="reading_draft").get()
    assert event.actor_name == "inspector" and mine.sampled_record.record in event.summary


def test_a_draft_begun_under_an_older_tool_keeps_its_retired_items(
    client_for: Any, mine: Assignment
) -> None:
    Assignment.objects.filter(pk=mine.pk).update(
        programme_version="0.9.0", ratings={"retired_item": 3, "chronology": 4}
    )
    page = client_for("inspector").get(url(mine)).content.decode()
    assert "retired_item (from an earlier version of the reading tool)" in page
    assert re.search(r'name="rating-retired_item" value="3"[^>]*checked', page)
    assert "version 0.9.0 (the programme is now at version" in page
