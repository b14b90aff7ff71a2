"""Second readings: chosen by the lead or quality assurer, read blind, compared item by
item, and the pair's agreed reading is the one the engine uses."""

import random
import re
from typing import Any

import pytest
from django.urls import reverse

from scrutiny.core.statistics import agreed_readings
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection, Membership
from scrutiny.web.records.models import Assignment, RecordReading
from scrutiny.web.records.services import second_readings_choose

from .test_records_support import (
    add_sample,
    assign,
    choose_second,
    full_ratings,
    programme_of,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sampled(inspection: Inspection, people: dict[str, Any]) -> Inspection:
    add_sample(inspection, records=10)
    assign(inspection, people["inspector"], people["lead"])
    return inspection


def test_a_random_share_goes_to_readers_other_than_the_first(
    sampled: Inspection, people: dict[str, Any]
) -> None:
    readers = [people["inspector"], people["lead"], people["assurer"]]
    made = second_readings_choose(
        actor="test",
        inspection=sampled,
        readers=readers,
        programme=programme_of(sampled),
        share=0.25,
        rng=random.Random(7),
    )
    assert len(made) == 3  # 25% of 10, rounded up
    for second in made:
        first = Assignment.objects.get(sampled_record=second.sampled_record, kind="first")
        assert second.reader != first.reader
    # Drawing again never picks a record twice.
    again = second_readings_choose(
        actor="test", inspection=sampled, readers=readers, programme=programme_of(sampled), share=1
    )
    assert len(again) == 7
    assert Assignment.objects.filter(kind="second").count() == 10


def test_the_lead_hand_picks_records_on_the_page(
    client_for: Any, sampled: Inspection, people: dict[str, Any]
) -> None:
    url = reverse("records:second_readings", kwargs={"inspection_id": sampled.pk})
    record = Assignment.objects.get(sampled_record__record="S-002", kind="first")
    response = client_for("assurer").post(
        url, {"how": "picked", "records": [str(record.sampled_record_id)]}
    )
    assert response.status_code == 302
    second = Assignment.objects.get(kind="second")
    assert second.sampled_record.record == "S-002" and second.reader != record.reader
    refused = client_for("assurer").post(url, {"how": "share", "share": ""})
    assert refused.status_code == 422
    assert "Enter the share of records to read again" in refused.content.decode()


def readings_url(inspection: Inspection) -> str:
    return reverse("records:list", kwargs={"inspection_id": inspection.pk})


def test_the_second_reader_reads_blind_until_they_submit(
    client_for: Any, sampled: Inspection, people: dict[str, Any]
) -> None:
    first = Assignment.objects.filter(reader=people["inspector"]).first()
    record = first.sampled_record.record
    first_reading = submit(first, full_ratings(sampled, 4))
    [second] = choose_second(sampled, people["lead"], people["assurer"], records=[record])
    assert second.reader == people["assurer"]
    # Make the assurer an ordinary reader for this test: managers see every reading.
    Membership.objects.filter(user=people["assurer"]).update(role="inspector")
    assurer = client_for("assurer")
    detail = reverse(
        "records:detail", kwargs={"inspection_id": sampled.pk, "reading_id": first_reading.pk}
    )
    compare = reverse("records:compare", kwargs={"inspection_id": sampled.pk, "record": record})
    assert assurer.get(detail).status_code == 404
    assert record not in assurer.get(readings_url(sampled)).content.decode()
    reading_form = reverse(
        "records:reading", kwargs={"inspection_id": sampled.pk, "assignment_id": second.pk}
    )
    form_page = assurer.get(reading_form).content.decode()
    assert "the first reading is hidden until you submit yours" in form_page
    assert not re.search(r'name="rating-[^"]+" value="[^"]+"[^>]*checked', form_page)

    submit(second, full_ratings(sampled, 4, chronology=2))
    assert assurer.get(detail).status_code == 200
    page = assurer.get(compare)
    assert page.status_code == 200
    assert "They differ on 1 item" in page.content.decode()
    # Someone outside the pair still sees nothing of it.
    assert client_for("volunteer").get(compare).status_code == 404


def test_the_agreed_reading_is_the_one_the_engine_uses(
    client_for: Any, sampled: Inspection, people: dict[str, Any]
) -> None:
    first = Assignment.objects.filter(reader=people["inspector"]).first()
    record = first.sampled_record.record
    submit(first, full_ratings(sampled, 4, immediate_response=2))
    [second] = choose_second(sampled, people["lead"], people["assurer"], records=[record])
    submit(second, full_ratings(sampled, 4, immediate_response=4))
    url = reverse("records:compare", kwargs={"inspection_id": sampled.pk, "record": record})
    sample = reverse("records:sample", kwargs={"inspection_id": sampled.pk})
    assert f'href="{url}">Compare' in client_for("lead").get(sample).content.decode()
    page = client_for("lead").get(url).content.decode()
    # Items on which both agree come prefilled; the differing one waits for the pair.
    assert 'id="id_agreed-chronology"' in page and "Differs" in page
    data = {f"agreed-{item}": "4" for item in full_ratings(sampled)}
    data["agreed-immediate_response"] = "3"
    data["version"] = ""
    assert client_for("lead").post(url, data).status_code == 302
    agreed = RecordReading.objects.get(record=record, agreed=True)
    assert agreed.reader == "inspector + assurer"
    assert dict(agreed.ratings.values_list("item", "value"))["immediate_response"] == 3
    chosen = [
        r
        for r in agreed_readings(inspection_bundle(inspection=sampled).record_readings)
        if r.record == record
    ]
    assert chosen[0].ratings["immediate_response"] == 3
    assert RecordReading.objects.filter(record=record, agreed=False).count() == 2

    # A second edit from a page opened before the first is refused, never merged.
    stale = client_for("assurer").post(url, {**data, "agreed-immediate_response": "6"})
    assert stale.status_code == 409
    fresh = {**data, "agreed-immediate_response": "5", "version": str(agreed.version)}
    assert client_for("lead").post(url, fresh).status_code == 302
    agreed.refresh_from_db()
    assert dict(agreed.ratings.values_list("item", "value"))["immediate_response"] == 5
    assert agreed.version == 2
