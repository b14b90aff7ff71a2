"""The sample: upload, preview, confirm; all or nothing; balanced assignment; progress."""

import io
from collections import Counter
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.records.models import Assignment, SampledRecord

from .test_records_support import SAMPLE_CSV, Parsed, add_sample, assign, sample_import

pytestmark = pytest.mark.django_db


def upload(client: Any, inspection: Inspection, name: str, content: bytes) -> Any:
    """Upload; the file is checked by a job; the page then shows its outcome."""
    url = reverse("records:sample_import", kwargs={"inspection_id": inspection.pk})
    queued = client.post(url, {"sample": SimpleUploadedFile(name, content)})
    assert queued.status_code == 302
    waiting = client.get(queued["Location"]).content.decode()
    assert "Checking " + name in waiting and "Waiting for the worker" in waiting
    run_ready_jobs()
    return client.get(queued["Location"])


def confirm(client: Any, inspection: Inspection) -> Any:
    """Confirm the last checked file; storing is a job too."""
    url = reverse("records:sample_import", kwargs={"inspection_id": inspection.pk})
    checked = Job.objects.filter(inspection=inspection, title__startswith="Checking").first()
    queued = client.post(url, {"action": "confirm", "job": checked.pk if checked else ""})
    if queued.status_code != 302:
        return queued
    run_ready_jobs()
    return client.get(queued["Location"])


def test_it_previews_then_imports_only_on_confirmation(
    client_for: Any, inspection: Inspection
) -> None:
    lead = client_for("lead")
    preview = upload(lead, inspection, "sample.csv", SAMPLE_CSV.encode())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Check the 4 records before importing" in page
    assert "S-004" in page and "Kinship care" in page
    assert not SampledRecord.objects.exists()  # nothing stored before confirmation
    assert confirm(lead, inspection).status_code == 302
    stored = list(SampledRecord.objects.values_list("record", "care_group", "age_band", "area"))
    assert stored == [
        ("S-001", "foster_care", "5-11", "North"),
        ("S-002", None, "0-4", "South"),
        ("S-003", "kinship_care", "12-15", "North"),
        ("S-004", "residential", "16-17", "East"),
    ]
    event = AuditEvent.objects.get(object_type="sample", action="import")
    assert event.actor_name == "lead" and event.after["records"][0] == "S-001"


def test_a_malformed_file_imports_nothing_and_names_each_bad_row_and_column(
    client_for: Any, inspection: Inspection
) -> None:
    bad = (
        "Record id,Care group,Age band,Legal status,Area\n"
        "S-001,Foster care,5-11,Looked after,North\n"
        "Jane Smith,Foster care,5-11,Looked after,North\n"
        "S-003,Fostering,5-11,Looked after,North\n"
        "S-001,Residential,5-11,Looked after,North\n"
        ",Residential,5-11,Looked after,North\n"
    )
    response = upload(client_for("lead"), inspection, "sample.csv", bad.encode())
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was imported: the file has 4 problems" in page
    assert (
        "Row 3, column &#x27;Record id&#x27;: &#x27;Jane Smith&#x27; is not a pseudonymous" in page
    )
    assert "Row 4, column &#x27;Care group&#x27;: &#x27;Fostering&#x27; is not a care group" in page
    assert "Row 5, column &#x27;Record id&#x27;: &#x27;S-001&#x27; is listed twice" in page
    assert "Row 6, column &#x27;Record id&#x27;: is empty" in page
    # A later confirmation cannot import anything either: the check failed.
    assert confirm(client_for("lead"), inspection).status_code == 404
    assert not SampledRecord.objects.exists()


def test_it_reads_an_excel_workbook(client_for: Any, inspection: Inspection) -> None:
    book = Workbook()
    sheet = book.active
    for line in SAMPLE_CSV.splitlines():
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    lead = client_for("lead")
    assert upload(lead, inspection, "sample.xlsx", out.getvalue()).status_code == 200
    confirm(lead, inspection)
    assert SampledRecord.objects.count() == 4


def test_a_record_already_in_the_sample_refuses_the_whole_file(
    client_for: Any, inspection: Inspection
) -> None:
    add_sample(inspection, records=1)  # S-001
    lead = client_for("lead")
    upload(lead, inspection, "sample.csv", SAMPLE_CSV.encode())
    response = confirm(lead, inspection)
    assert response.status_code == 422
    assert "Row 2, column &#x27;Record id&#x27;: &#x27;S-001&#x27; is already in the sample" in (
        response.content.decode()
    )
    assert SampledRecord.objects.count() == 1


def test_it_balances_the_load_and_keeps_existing_assignments(
    client_for: Any, inspection: Inspection, people: dict[str, Any]
) -> None:
    add_sample(inspection, records=3)
    assign(inspection, people["inspector"])  # the inspector already holds 3
    add_sample_more = [f"S-{n:03d}" for n in range(4, 12)]
    sample_import(
        actor="test",
        inspection=inspection,
        records=[Parsed(n, r, None, "", "", "") for n, r in enumerate(add_sample_more, 2)],
    )
    url = reverse("records:assign", kwargs={"inspection_id": inspection.pk})
    readers = [people["lead"], people["inspector"], people["assurer"]]
    response = client_for("lead").post(url, {"readers": [str(u.pk) for u in readers]})
    assert response.status_code == 302
    load = Counter(Assignment.objects.values_list("reader__username", flat=True))
    # 8 new records: lead and assurer catch up with the inspector's 3 first, then the
    # last two go one each in the team's order (assurer, inspector, lead).
    assert load == {"assurer": 4, "inspector": 4, "lead": 3}
    assert set(
        Assignment.objects.filter(
            sampled_record__record__in=["S-001", "S-002", "S-003"]
        ).values_list("reader__username", flat=True)
    ) == {"inspector"}


def test_the_sample_page_shows_progress_to_managers_and_only_own_records_to_readers(
    client_for: Any, inspection: Inspection, people: dict[str, Any]
) -> None:
    add_sample(inspection, records=4)
    assign(inspection, people["inspector"], people["lead"])
    url = reverse("records:sample", kwargs={"inspection_id": inspection.pk})
    lead_page = client_for("lead").get(url).content.decode()
    assert "Progress by reader" in lead_page
    assert all(f"S-00{n}" in lead_page for n in range(1, 5))
    reader_page = client_for("inspector").get(url).content.decode()
    mine = Assignment.objects.filter(reader=people["inspector"])
    theirs = Assignment.objects.filter(reader=people["lead"])
    assert all(a.sampled_record.record in reader_page for a in mine)
    assert not any(a.sampled_record.record in reader_page for a in theirs)
    assert "Progress by reader" not in reader_page
