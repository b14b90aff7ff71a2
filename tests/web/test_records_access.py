"""Who sees which reading: readers their own assigned records, partnership contacts none."""

from typing import Any

import pytest
from django.urls import reverse

from scrutiny.web.inspections.models import Inspection
from scrutiny.web.records.models import Assignment

from .test_records_support import add_sample, assign, full_ratings, submit

pytestmark = pytest.mark.django_db

RECORD_PAGES = [
    "records:list",
    "records:sample",
    "records:results",
    "records:agreement",
    "records:sample_import",
    "records:assign",
    "records:second_readings",
]


def test_partnership_contacts_see_no_reading_at_all(
    client_for: Any, inspection: Inspection, people: dict[str, Any]
) -> None:
    add_sample(inspection, records=2)
    assign(inspection, people["inspector"])
    reading = submit(Assignment.objects.first(), full_ratings(inspection))
    partner = client_for("partner")
    kwargs = {"inspection_id": inspection.pk}
    for name in RECORD_PAGES:
        assert partner.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    detail = reverse("records:detail", kwargs={**kwargs, "reading_id": reading.pk})
    assert partner.get(detail).status_code == 404
    export = reverse("records:results_export", kwargs={**kwargs, "fmt": "csv"})
    assert partner.get(export).status_code == 404
    home = partner.get(reverse("inspections:home", kwargs=kwargs)).content.decode()
    assert reading.record not in home and "records/" not in home


def test_a_reader_lists_only_readings_of_records_assigned_to_them(
    client_for: Any, inspection: Inspection, people: dict[str, Any]
) -> None:
    add_sample(inspection, records=4)
    assign(inspection, people["inspector"], people["lead"])
    for a in Assignment.objects.all():
        submit(a, full_ratings(inspection))
    url = reverse("records:list", kwargs={"inspection_id": inspection.pk})
    page = client_for("inspector").get(url).content.decode()
    mine = Assignment.objects.filter(reader=people["inspector"])
    theirs = Assignment.objects.filter(reader=people["lead"])
    assert all(f">{a.sampled_record.record}<" in page for a in mine)
    assert not any(f">{a.sampled_record.record}<" in page for a in theirs)
    # The readings imported with the bundle are the team's, not this reader's.
    assert "R-001" not in page
    lead_page = client_for("lead").get(url).content.decode()
    assert all(f">{a.sampled_record.record}<" in lead_page for a in theirs)


def test_nobody_sees_a_draft_but_its_reader(
    client_for: Any, inspection: Inspection, people: dict[str, Any]
) -> None:
    add_sample(inspection, records=1)
    assign(inspection, people["inspector"])
    a = Assignment.objects.get()
    url = reverse("records:reading", kwargs={"inspection_id": inspection.pk, "assignment_id": a.pk})
    client_for("inspector").post(
        url, {"version": 1, "action": "save", "note-chronology": "Draft thoughts on S-001"}
    )
    for persona in ("lead", "assurer"):
        for name in RECORD_PAGES[:4]:
            page = client_for(persona).get(reverse(name, kwargs={"inspection_id": inspection.pk}))
            assert "Draft thoughts" not in page.content.decode(), (persona, name)
        assert client_for(persona).get(url).status_code == 404


def test_it_names_readers_by_full_name_on_the_reading_pages(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    from scrutiny.web.records.models import RecordReading

    inspector = people["inspector"]
    inspector.first_name, inspector.last_name = "Ines", "Inspector"
    inspector.save()
    reading = RecordReading.objects.filter(inspection=inspection).order_by("id").first()
    assert reading is not None
    RecordReading.objects.filter(pk=reading.pk).update(reader="inspector")
    lead = client_for("lead")
    listed = lead.get(reverse("records:list", args=[inspection.pk])).content.decode()
    assert "<td>Ines Inspector</td>" in listed and "<td>inspector</td>" not in listed
    detail = lead.get(reverse("records:detail", args=[inspection.pk, reading.pk]))
    assert f"Record {reading.record}, read by Ines Inspector" in detail.content.decode()
