"""Every page that shows children's data or evidence text logs the read (audit_read).

Each URL of an app that holds such data is in exactly one of two lists: READ_LOGGED
(opening it as a permitted persona must add a view or export row naming that person)
or SHOWS_NO_CHILDRENS_DATA (with the reason). A new URL in one of those apps fails
test_it_classifies_every_url_of_the_apps_holding_childrens_data until it is placed,
and removing any read log fails that URL's test below.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.reports.models import Report
from scrutiny.web.surveys.models import SurveyImport

from .test_access_matrix import MATRIX, url_kwargs, url_names

# The apps whose pages may show records, survey answers, evidence or concerns.
DATA_APPS = {
    "inspections",
    "records",
    "surveys",
    "evidence",
    "evaluations",
    "reports",
    "audit",
    "jobs",
}

# url name: the object type of the row it writes.
READ_LOGGED: dict[str, str] = {
    "inspections:export": "inspection",
    "records:list": "record_reading",
    "records:detail": "record_reading",
    "records:sample": "sample",
    "records:reading": "reading_draft",
    "records:compare": "record_reading",
    "records:agreement": "agreement",
    "records:agreement_item": "agreement",
    "records:results": "results",
    "records:results_export": "results",
    "surveys:responses": "survey_response",
    "surveys:results": "survey_results",
    "surveys:export": "survey_results",
    "surveys:import_values": "survey_import",
    "surveys:import_preview": "survey_import",
    "surveys:import": "survey_import",
    "evidence:list": "evidence",
    "evidence:bulk_tag": "evidence",
    "evidence:detail": "evidence",
    "evidence:edit": "evidence",
    "evidence:attachment": "evidence_attachment",
    "evaluations:workspace": "evaluation",
    "evaluations:indicator": "evidence",
    "evaluations:group": "evidence",
    "evaluations:concerns": "significant_concern",
    "evaluations:concern": "significant_concern",
    "evaluations:concern_action": "significant_concern",
    "reports:section": "evidence",
    "reports:statement_add": "evidence",
    "reports:statement_edit": "evidence",
    "reports:shared_draft": "report",
    "reports:preview": "report",
    "reports:download": "report",
    "audit:list": "audit_trail",
    "audit:csv": "audit_trail",
    # A job's file (a report build) names its own object type; this one names none.
    "jobs:job_file": "job_output",
}

SHOWS_NO_CHILDRENS_DATA: dict[str, str] = {
    "inspections:list": "inspection names and phases",
    "inspections:create": "an empty form",
    "inspections:import": "an upload form",
    "inspections:home": "progress counts",
    "inspections:edit": "the inspection's own details",
    "inspections:team": "the team's names and roles",
    "inspections:team_role": "one team member's name and role",
    "reports:details": "the area's key facts, the inspection team and the progress review",
    "inspections:team_remove": "a confirmation naming a team member",
    "records:sample_import": "an upload form",
    "records:assign": "pseudonymous record identifiers and who reads them",
    "records:second_readings": "pseudonymous record identifiers and who reads them",
    "surveys:list": "counts of responses",
    "surveys:upload": "an upload form and earlier files' names",
    "surveys:import_columns": "the file's column headings",
    "evidence:create": "an empty note form",
    "evidence:suggest": "tags for the text the person is typing",
    "evidence:coverage": "counts of notes",
    "evidence:coverage_question": "counts of notes",
    "evidence:coverage_indicator": "counts of notes",
    "evidence:attachment_remove": "a confirmation naming a file",
    "evaluations:judgement": "the survey's overall figures",
    "evaluations:moderation": "grades and flags, no note text",
    "evaluations:agree": "a confirmation form",
    "evaluations:sign_off": "a confirmation form",
    "evaluations:reopen": "a reason form",
    "evaluations:concern_raise": "an empty form",
    "reports:overview": "the report's own statements and its progress",
    "reports:statement_move": "a redirect",
    "reports:statement_delete": "a confirmation quoting the report's statement",
    "reports:statement_comment": "the partnership's comment form",
    "reports:key_fact_comment": "the partnership's comment form on a published figure",
    "reports:transition": "a confirmation of the report's next step",
    "reports:comments": "the partnership's comments on the report's statements",
    "reports:comment_resolve": "one comment on the report",
    "reports:template": "a Word template",
    "reports:template_remove": "a redirect",
    "jobs:job": "a job's progress and outcome",
    "jobs:site_job": "a site-wide job's progress (no inspection)",
}


def test_it_classifies_every_url_of_the_apps_holding_childrens_data() -> None:
    in_data_apps = {n for n in url_names() if n.partition(":")[0] in DATA_APPS}
    in_data_apps -= {"reports:organisation_template", "reports:organisation_template_remove"}
    assert not set(READ_LOGGED) & set(SHOWS_NO_CHILDRENS_DATA)
    assert sorted(in_data_apps) == sorted({*READ_LOGGED, *SHOWS_NO_CHILDRENS_DATA})


def _pending_import(client: Any, inspection: Inspection, stage: str) -> int:
    """A survey import driven through the web to the stage the page shows."""
    from .test_surveys_import import csv_bytes, finish, lime_rows, upload

    rows = lime_rows(6)
    if stage == "values":
        rows[2][6] = "Yes, mostly"  # an answer the import cannot match on its own
    if stage == "failed":
        rows[5][0] = "2"  # a repeated respondent id: the import fails with problems
    upload(client, inspection, "lime.csv", csv_bytes(rows))
    if stage == "failed":
        finish(client, inspection, None)
    return SurveyImport.objects.latest("id").pk


def _persona(name: str) -> str:
    method, allowed, status = MATRIX[name]
    for persona in ("lead", "inspector", "assurer", "partner"):
        if persona in allowed:
            return persona
    raise AssertionError(f"nobody in the team may open {name}")


@pytest.fixture(autouse=True)
def _surveys_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.SURVEY_UPLOADS_DIR = tmp_path / "uploads"
    settings.SURVEY_IMPORT_IN_BACKGROUND = False


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(READ_LOGGED))
def test_it_logs_the_read_of_every_page_showing_childrens_data(
    name: str, client_for: Callable[[str], Any], inspection: Inspection
) -> None:
    persona = _persona(name)
    client = client_for(persona)
    kwargs = url_kwargs(name, inspection)
    stage = {
        "surveys:import_values": "values",
        "surveys:import_preview": "ready",
        "surveys:import": "failed",
    }.get(name)
    if stage:
        kwargs["import_id"] = _pending_import(client_for("lead"), inspection, stage)
    if name == "reports:shared_draft":
        # The partnership reads the draft once it is shared: that read is the one pinned.
        Report.objects.filter(inspection=inspection).update(status=Report.Status.SHARED)
        persona, client = "partner", client_for("partner")
    url = reverse(name, kwargs=kwargs)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(url) if MATRIX[name][0] == "POST" else client.get(url)
    assert response.status_code == 200, response.status_code
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    logged = AuditEvent.objects.filter(
        id__gt=last,
        inspection=inspection,
        actor_name=persona,
        action__in=[AuditEvent.Action.VIEW, AuditEvent.Action.EXPORT],
    )
    assert list(logged.values_list("object_type", flat=True)) == [READ_LOGGED[name]]


def _only_read(inspection: Inspection, persona: str, last: int) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(
            id__gt=last, inspection=inspection, actor_name=persona, action="view"
        ).values_list("object_type", "summary")
    )


def _last() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.mark.django_db
def test_it_logs_the_read_of_a_submitted_reading(
    client_for: Callable[[str], Any], inspection: Inspection
) -> None:
    from scrutiny.web.records.models import Assignment

    kwargs = url_kwargs("records:reading", inspection)
    Assignment.objects.filter(pk=kwargs["assignment_id"]).update(status=Assignment.Status.SUBMITTED)
    last = _last()
    response = client_for("inspector").get(reverse("records:reading", kwargs=kwargs))
    assert response.status_code == 200
    [(object_type, summary)] = _only_read(inspection, "inspector", last)
    assert object_type == "reading_draft" and summary.startswith("Viewed the submitted reading")


@pytest.mark.django_db
def test_it_logs_each_refresh_of_the_results_figure(
    client_for: Callable[[str], Any], inspection: Inspection
) -> None:
    last = _last()
    url = reverse("records:results", kwargs={"inspection_id": inspection.pk})
    assert client_for("lead").get(url, HTTP_HX_REQUEST="true").status_code == 200
    assert _only_read(inspection, "lead", last) == [
        ("results", "Refreshed the immediate-response figure")
    ]


@pytest.mark.django_db
def test_it_logs_a_search_of_the_evidence_filtered_in_place(
    client_for: Callable[[str], Any], inspection: Inspection
) -> None:
    last = _last()
    url = reverse("evidence:list", kwargs={"inspection_id": inspection.pk})
    response = client_for("inspector").get(url, {"q": "care"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert _only_read(inspection, "inspector", last) == [
        ("evidence", "Viewed evidence (q=care, page 1)")
    ]
