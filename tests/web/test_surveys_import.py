"""Survey import through the web: upload, mapping, answers, preview, all-or-nothing import."""

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.surveys.models import Answer, SurveyImport, SurveyResponse

SURVEY = "children_and_young_people"
QUESTIONS = [
    "Do you feel safe where you live?",
    "Do the adults who help you listen to what you have to say?",
    "Is there an adult you trust to talk to if you are worried?",
    "Do you get a say in decisions about your life?",
    "Has the help you get made your life better?",
    "Is there anything else you want to tell us?",
]
LIME_HEADER = ["id", "submitdate", "lastpage", "startlanguage", "seed", "Care group", *QUESTIONS]
GROUPS = ["Foster care", "Kinship care", "Residential care", ""]


@pytest.fixture(autouse=True)
def _files_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.SURVEY_UPLOADS_DIR = tmp_path / "uploads"
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"


def lime_rows(n: int = 12, *, feel_safe: str = "Yes") -> list[list[str]]:
    rows = [LIME_HEADER]
    for i in range(1, n + 1):
        answer = "No" if i % 4 == 0 else feel_safe
        rows.append(
            [
                str(i),
                "2019-02-01 10:00:00",
                "3",
                "en",
                "1",
                GROUPS[i % 4],
                answer,
                "Sometimes",
                "Y",
                "Not sure",
                "A lot",
                f"Note {i}",
            ]  # fmt: skip
        )
    return rows


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client: Any, inspection: Inspection, name: str, data: bytes) -> Any:
    """Upload, then let the worker read the file (as `manage.py db_worker` would)."""
    url = reverse("surveys:upload", args=[inspection.pk, SURVEY])
    response = client.post(url, {"export": _file(name, data)})
    run_ready_jobs()
    return response


def post(client: Any, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    response = client.post(url, data, **kwargs)
    run_ready_jobs()
    return response


def _file(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def finish(client: Any, inspection: Inspection, response: Any) -> Any:
    """Follow the import to its end: confirm the preview (mapping steps must be done)."""
    job = SurveyImport.objects.latest("id")
    assert job.status == SurveyImport.Status.READY, (job.status, job.unmapped, job.problems)
    url = reverse("surveys:import_preview", args=[inspection.pk, job.pk])
    assert client.get(url).status_code == 200
    post(client, url, {"action": "import"})
    return client.get(reverse("surveys:import", args=[inspection.pk, job.pk]))


def responses(inspection: Inspection) -> list[SurveyResponse]:
    return list(SurveyResponse.objects.filter(inspection=inspection, survey=SURVEY))


def test_it_imports_a_limesurvey_export_without_manual_mapping(
    client_for: Any, inspection: Inspection
) -> None:
    lead = client_for("lead")
    response = upload(lead, inspection, "lime.csv", csv_bytes(lime_rows()))
    assert response.status_code == 302
    page = finish(lead, inspection, response).content.decode()
    assert "Imported 12 responses" in page
    stored = responses(inspection)
    assert len(stored) == 12
    first = next(r for r in stored if r.respondent == "1")
    assert first.care_group == "kinship_care"
    answers = dict(first.answers.values_list("item", "value"))
    assert answers["feel_safe"] == "yes" and answers["trusted_adult"] == "yes"
    assert answers["anything_else"] == "Note 1"
    job = SurveyImport.objects.get()
    assert (job.layout, job.responses_imported, job.staged_name) == ("limesurvey", 12, "")
    assert AuditEvent.objects.filter(action="import", object_type="survey_import").exists()


def test_it_recognises_kobotoolbox_and_microsoft_forms_exports(
    client_for: Any, inspection: Inspection
) -> None:
    ids = ["feel_safe", "listened_to", "trusted_adult", "involved_in_plans",
           "help_made_difference", "anything_else"]  # fmt: skip
    kobo = [
        ["start", "end", "about_you/care_group", *(f"group_x/{i}" for i in ids), "_id", "_uuid",
         "_submission_time", "_validation_status", "_index"],  # fmt: skip
        *[
            ["2019-02-01T10:00:00", "2019-02-01T10:07:00", "foster_care", "yes", "no",
             "not_sure", "sometimes", "a_lot", "", 100 + n, f"uuid-{n}", "2019-02-01", "", n]
            for n in range(6)
        ],
    ]  # fmt: skip
    forms = [
        ["ID", "Start time", "Completion time", "Email", "Name", "Where do you live now?",
         *QUESTIONS],  # fmt: skip
        *[
            [n, "2/1/19 10:00", "2/1/19 10:04", "anonymous", "", "With foster carers", "Yes",
             "Yes", "No", "Sometimes", "A little", "Fine"]
            for n in range(1, 8)
        ],
    ]  # fmt: skip
    lead = client_for("lead")
    for name, data, layout, count in (
        ("kobo.xlsx", xlsx_bytes(kobo), "kobotoolbox", 6),
        ("forms.xlsx", xlsx_bytes(forms), "microsoft_forms", 7),
    ):
        upload(lead, inspection, name, data)
        job = SurveyImport.objects.latest("id")
        assert job.layout == layout
        finish(lead, inspection, None)
        assert len(responses(inspection)) == count


def test_an_unrecognised_file_asks_for_the_columns_and_remembers_them(
    client_for: Any, inspection: Inspection
) -> None:
    rows = [["Respondent", "Placement", "Safe at home?", "Comments"]] + [
        [f"R{n}", "Foster care", "Yes", "ok"] for n in range(6)
    ]
    lead = client_for("lead")
    response = upload(lead, inspection, "own.csv", csv_bytes(rows))
    job = SurveyImport.objects.latest("id")
    columns = reverse("surveys:import_columns", args=[inspection.pk, job.pk])
    assert lead.get(response["Location"])["Location"] == columns
    page = lead.get(columns).content.decode()
    assert "Safe at home?" in page
    post(
        lead,
        columns,
        {
            "respondent": "Respondent",
            "care_group": "Placement",
            "item-feel_safe": "Safe at home?",
            "item-anything_else": "Comments",
        },  # fmt: skip
    )
    finish(lead, inspection, None)
    assert len(responses(inspection)) == 6

    # A corrected file with the same columns goes straight on with the remembered mapping.
    rows[1][2] = "No"
    upload(lead, inspection, "own-corrected.csv", csv_bytes(rows))
    job = SurveyImport.objects.latest("id")
    assert job.status == SurveyImport.Status.READY
    assert job.column_mapping["items"] == {
        "Safe at home?": "feel_safe",
        "Comments": "anything_else",
    }


def test_it_asks_for_answers_it_cannot_match_and_remembers_them(
    client_for: Any, inspection: Inspection
) -> None:
    rows = lime_rows(6)
    rows[2][6] = "Yes, mostly"
    rows[3][5] = "Supported lodgings"
    lead = client_for("lead")
    upload(lead, inspection, "lime.csv", csv_bytes(rows))
    job = SurveyImport.objects.latest("id")
    assert job.status == SurveyImport.Status.VALUES
    assert job.unmapped == {
        "feel_safe": {"Yes, mostly": 1},
        "care_group": {"Supported lodgings": 1},
    }
    url = reverse("surveys:import_values", args=[inspection.pk, job.pk])
    page = lead.get(url).content.decode()
    assert "Yes, mostly" in page and "Supported lodgings" in page
    refused = lead.post(url, {})
    assert refused.status_code == 422
    fields = {f"value-{n}": "" for n in (1, 2)}
    form = refused.context["form"]
    for name, item, _raw in form.targets:
        fields[name] = "mostly" if item == "feel_safe" else "aftercare"
    post(lead, url, fields)
    finish(lead, inspection, None)
    by_id = {r.respondent: r for r in responses(inspection)}
    assert by_id["2"].answers.get(item="feel_safe").value == "mostly"
    assert by_id["3"].care_group == "aftercare"


def test_a_bad_row_imports_nothing_and_names_row_and_column(
    client_for: Any, inspection: Inspection
) -> None:
    before = sorted(SurveyResponse.objects.values_list("id", flat=True))
    rows = lime_rows(8)
    rows[5][0] = "2"  # row 6 repeats the respondent id of row 3
    rows[7][0] = ""  # row 8 has no respondent id
    lead = client_for("lead")
    upload(lead, inspection, "lime.csv", csv_bytes(rows))
    page = finish(lead, inspection, None).content.decode()
    assert "Nothing was imported" in page
    assert "The respondent id &#x27;2&#x27; is also on row 3." in page
    job = SurveyImport.objects.latest("id")
    assert job.status == SurveyImport.Status.FAILED
    assert [(p["row"], p["letter"], p["column"]) for p in job.problems] == [
        (6, "A", "id"),
        (8, "A", "id"),
    ]
    assert sorted(SurveyResponse.objects.values_list("id", flat=True)) == before


def test_re_importing_the_same_file_is_detected(client_for: Any, inspection: Inspection) -> None:
    lead = client_for("lead")
    data = csv_bytes(lime_rows())
    upload(lead, inspection, "lime.csv", data)
    finish(lead, inspection, None)
    again = upload(lead, inspection, "lime-again.csv", data)
    page = lead.get(again["Location"]).content.decode()
    assert "already imported" in page and "Nothing was imported" in page
    assert SurveyImport.objects.latest("id").status == SurveyImport.Status.FAILED
    assert len(responses(inspection)) == 12


def test_a_corrected_file_supersedes_the_earlier_import_and_keeps_its_history(
    client_for: Any, inspection: Inspection
) -> None:
    lead = client_for("lead")
    from_bundle = len(responses(inspection))
    assert from_bundle > 0
    upload(lead, inspection, "lime.csv", csv_bytes(lime_rows(12)))
    finish(lead, inspection, None)
    first = SurveyImport.objects.get()
    assert first.responses_replaced == from_bundle
    upload(lead, inspection, "lime-corrected.csv", csv_bytes(lime_rows(10)))
    finish(lead, inspection, None)
    first.refresh_from_db()
    second = SurveyImport.objects.latest("id")
    assert first.superseded_by == second
    assert (second.responses_imported, second.responses_replaced) == (10, 12)
    assert len(responses(inspection)) == 10
    assert not Answer.objects.filter(response__survey_import=first).exists()
    history = lead.get(reverse("surveys:upload", args=[inspection.pk, SURVEY])).content.decode()
    assert "lime.csv" in history and "superseded by lime-corrected.csv" in history
    assert "lime-corrected.csv" in history and "(current)" in history


def test_the_progress_page_polls_while_the_import_runs(
    client_for: Any, inspection: Inspection
) -> None:
    job = SurveyImport.objects.create(
        inspection=inspection,
        survey=SURVEY,
        file_name="big.csv",
        size=1,
        content_hash="sha256:x",
        layout="limesurvey",
        status=SurveyImport.Status.IMPORTING,
        phase="Checking every row",
        rows_done=23000,
        rows_total=100000,
    )
    url = reverse("surveys:import", args=[inspection.pk, job.pk])
    lead = client_for("lead")
    page = lead.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page  # inside <noscript>
    assert 'hx-trigger="every 1s"' in page
    assert "23000 of 100000 rows (23%)" in page
    fragment = lead.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'value="23"' in fragment
    SurveyImport.objects.filter(pk=job.pk).update(status=SurveyImport.Status.DONE)
    done = lead.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == url


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "The file is empty"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "This file is a PNG image"),
        ("scan.csv", b"%PDF-1.7\n" + b"x" * 100, "This file is a PDF document"),
        ("header-only.csv", b"id,Do you feel safe where you live?\n", "no responses"),
        ("zip.csv", b"PK\x03\x04" + b"\x00" * 100, "damaged zip, Excel or OpenDocument file"),
    ],
)
def test_it_refuses_what_is_not_a_survey_export(
    name: str, data: bytes, message: str, client_for: Any, inspection: Inspection
) -> None:
    before = SurveyResponse.objects.count()
    lead = client_for("lead")
    response = upload(lead, inspection, name, data)
    page = lead.get(response["Location"]).content.decode()
    assert message in page and "Nothing was imported" in page
    # Whatever the refusal, it never shows where the server keeps the file.
    assert str(_uploads()) not in page and "/tmp" not in page
    assert SurveyImport.objects.get().status == SurveyImport.Status.FAILED
    assert SurveyResponse.objects.count() == before
    assert not any(Path(p).is_file() for p in Path(str(_uploads())).glob("*"))


def _uploads() -> Path:
    from django.conf import settings

    return Path(settings.SURVEY_UPLOADS_DIR)


class CountingStream:
    """A request body that says it is 2 GB and counts what the server reads of it."""

    def __init__(self, head: bytes, declared: int) -> None:
        self.head = head
        self.declared = declared
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.declared - self.read_bytes
        chunk = self.head[self.read_bytes : self.read_bytes + size]
        if len(chunk) < size:
            chunk += b"a" * min(size - len(chunk), self.declared - self.read_bytes - len(chunk))
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(min(size, 1024) if size and size > 0 else 1024)


def test_a_2_gb_file_is_refused_from_its_size_without_reading_it(
    client_for: Any, inspection: Inspection
) -> None:
    lead = client_for("lead")
    url = reverse("surveys:upload", args=[inspection.pk, SURVEY])
    token = lead.get(url).context["csrf_token"]
    boundary = "BoUnDaRy"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="export"; '
        f'filename="huge.csv"\r\nContent-Type: text/csv\r\n\r\nid,feel_safe\r\n'
    ).encode()
    declared = 2 * 1024**3
    body = CountingStream(head, declared)
    response = lead.generic(
        "POST",
        url,
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(declared),
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert response.status_code == 422
    assert "The file is 2.0 GB; survey exports larger than 200.0 MB are not accepted" in (
        response.content.decode()
    )
    assert body.read_bytes < 1024 * 1024  # the first chunk at most, never the file
    assert not SurveyImport.objects.exists()


def test_only_the_import_roles_can_import(client_for: Any, inspection: Inspection) -> None:
    data = csv_bytes(lime_rows())
    for persona in ("assurer", "volunteer", "partner", "outsider"):
        assert upload(client_for(persona), inspection, "lime.csv", data).status_code == 404
    assert not SurveyImport.objects.exists()


# --- completeness: which responses count is the team's decision ---------------------


def kobo_with_reviews() -> bytes:
    """A KoboToolbox export written by its own engine (tests/data/README.md)."""
    return (Path(__file__).parent.parent / "data/surveys/kobotoolbox-xml-values.csv").read_bytes()


def test_by_default_only_complete_approved_responses_are_imported(
    client_for: Any, inspection: Inspection
) -> None:
    lead = client_for("lead")
    upload(lead, inspection, "kobo.csv", kobo_with_reviews())
    job = SurveyImport.objects.latest("id")
    assert job.status == SurveyImport.Status.READY
    assert (
        job.completeness["rows"],
        job.completeness["rejected"],
        job.completeness["on_hold"],
    ) == (
        6,
        1,
        1,
    )
    preview = lead.get(reverse("surveys:import_preview", args=[inspection.pk, job.pk]))
    page = preview.content.decode()
    assert "Rejected by a reviewer" in page and "On hold" in page
    assert "Returns to import" in page
    done = finish(lead, inspection, None).content.decode()
    assert "Imported 4 responses" in done
    assert "1 rejected by a reviewer (left out)" in done
    assert len(responses(inspection)) == 4
    assert not AuditEvent.objects.filter(summary__startswith="Decided to count").exists()


def test_counting_rejected_responses_needs_a_reason_and_is_recorded_and_shown(
    client_for: Any, inspection: Inspection
) -> None:
    lead = client_for("lead")
    upload(lead, inspection, "kobo.csv", kobo_with_reviews())
    job = SurveyImport.objects.latest("id")
    url = reverse("surveys:import_preview", args=[inspection.pk, job.pk])
    refused = post(lead, url, {"action": "import", "rejected": "on"})
    assert refused.status_code == 422
    assert "Say why the team decided to count these responses." in refused.content.decode()
    assert not SurveyResponse.objects.filter(survey_import=job).exists()

    post(lead, url, {"action": "import", "rejected": "on", "reason": "Reviewed again on site"})
    job.refresh_from_db()
    assert job.status == SurveyImport.Status.DONE
    assert (job.include_rejected, job.include_on_hold, job.responses_imported) == (True, False, 5)
    assert job.inclusion_reason == "Reviewed again on site" and job.inclusion_at is not None
    event = AuditEvent.objects.get(summary__startswith="Decided to count rejected responses")
    assert event.after["rejected"] is True and event.after["returns"] == 5
    assert event.after["returns_by_default"] == 4
    results = lead.get(reverse("surveys:results", args=[inspection.pk, SURVEY])).content.decode()
    assert "5 returns" in results
    assert "The team decided to count more than the complete responses" in results
    assert "Reviewed again on site" in results


def test_the_reports_return_count_is_the_imported_responses(
    client_for: Any, inspection: Inspection
) -> None:
    from scrutiny.core.methodology import load_programme
    from scrutiny.core.report import build_report
    from scrutiny.web.inspections.bundle_io import inspection_bundle

    rows = lime_rows(12)
    rows[3][1] = ""  # never submitted, with answers
    rows[5][1] = ""  # never submitted, and no answer at all
    rows[5][5:] = [""] * 7
    rows[7][5:] = [""] * 7  # submitted, but answering nothing
    lead = client_for("lead")
    upload(lead, inspection, "lime.csv", csv_bytes(rows))
    job = SurveyImport.objects.latest("id")
    assert (job.completeness["incomplete"], job.completeness["empty"]) == (2, 2)
    finish(lead, inspection, None)
    assert len(responses(inspection)) == 9
    bundle = inspection_bundle(inspection=inspection)
    report = build_report(bundle, load_programme(bundle.programme))
    returns = dict(report.survey_returns)
    assert returns["children and young people"] == "9"


def test_a_staged_file_gone_missing_ends_the_import_with_no_internals_shown(
    client_for: Any, inspection: Inspection
) -> None:
    lead = client_for("lead")
    url = reverse("surveys:upload", args=[inspection.pk, SURVEY])
    response = lead.post(url, {"export": _file("lime.csv", csv_bytes(lime_rows()))})
    for staged in _uploads().glob("*"):
        staged.unlink()  # say, a disk tidied by hand before the worker got to it
    run_ready_jobs()
    page = lead.get(response["Location"]).content.decode()
    assert "stopped on an unexpected error" in page
    assert str(_uploads()) not in page and "No such file" not in page
    job = SurveyImport.objects.get()
    assert (job.status, job.staged_name) == (SurveyImport.Status.FAILED, "")
    assert job.job.status == "failed"


def test_an_import_whose_worker_died_on_its_last_attempt_leaves_nothing(
    client_for: Any, inspection: Inspection
) -> None:
    """The worker was killed while storing, and again on the retry: the sweep ends the
    import as failed and deletes the rows its store had left pending, and its file."""
    import os
    import subprocess
    import sys

    from django_tasks_db.models import DBTaskResult

    from scrutiny.web.jobs.models import Job
    from scrutiny.web.jobs.tasks import sweep

    lead = client_for("lead")
    upload(lead, inspection, "lime.csv", csv_bytes(lime_rows()))
    imp = SurveyImport.objects.get()
    assert imp.status == SurveyImport.Status.READY
    current = sorted(SurveyResponse.objects.values_list("pk", flat=True))
    # Confirmed, queued, not run: the worker takes it.
    url = reverse("surveys:import_preview", args=[inspection.pk, imp.pk])
    lead.post(url, {"action": "import"})
    imp.refresh_from_db()
    assert imp.status == SurveyImport.Status.IMPORTING and any(_uploads().iterdir())
    # What its killed store left: a batch of rows written, still pending.
    left = SurveyResponse.objects.create(
        inspection=inspection, position=9999, survey=SURVEY, respondent="C-77",
        survey_import=imp, pending=True,
    )  # fmt: skip
    Answer.objects.create(response=left, item="feel_safe", value="yes")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    Job.objects.filter(pk=imp.job_id).update(
        status="running", attempts=2, max_attempts=2, worker=f"{os.uname().nodename}:{dead}"
    )
    DBTaskResult.objects.filter(status="READY").update(status="RUNNING")

    sweep.call()
    assert Job.objects.get(pk=imp.job_id).status == "failed"
    assert not SurveyResponse.objects.filter(survey_import=imp).exists()
    assert not Answer.objects.filter(response_id=left.pk).exists()
    assert sorted(SurveyResponse.objects.values_list("pk", flat=True)) == current
    imp.refresh_from_db()
    assert (imp.status, imp.staged_name, imp.problems) == (SurveyImport.Status.FAILED, "", [])
    assert not any(_uploads().iterdir())
    page = lead.get(reverse("surveys:import", args=[inspection.pk, imp.pk])).content.decode()
    assert "The import stopped before it finished" in page and "Correct the file" not in page
    assert AuditEvent.objects.filter(
        object_type="survey_import", object_id=str(imp.pk), summary__contains="stopped before"
    ).exists()


def test_the_import_history_names_who_uploaded_by_full_name(
    client_for: Any, people: dict[str, Any], inspection: Inspection
) -> None:
    lead = people["lead"]
    lead.first_name, lead.last_name = "Lesley", "Lead"
    lead.save()
    client = client_for("lead")
    upload(client, inspection, "lime.csv", csv_bytes(lime_rows()))
    page = client.get(reverse("surveys:upload", args=[inspection.pk, SURVEY])).content.decode()
    assert "<td>Lesley Lead</td>" in page and "<td>lead</td>" not in page
