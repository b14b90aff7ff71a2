"""One guarded path for every input to the evaluation engine.

Once the evaluation meeting agrees the evaluations, and after sign-off, no input the
engine reads changes: proposals, group evaluations, the team's judgement, whether a
concern is a serious failing, readings and survey responses. Each is refused with the
reason, and its form shows read only; reopening with a reason is the only way back.
What may still change (concerns' handling, evidence, the report, the inspection's own
details) leaves the sign-off fingerprint verifying.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from scrutiny.core.bundle import parse_bundle
from scrutiny.core.methodology import load_programme
from scrutiny.core.refusal import Refused
from scrutiny.core.sample_import import SampledRecord
from scrutiny.core.signoff import Freeze, recompute_matches
from scrutiny.web.evaluations import services
from scrutiny.web.evaluations.models import (
    GroupEvaluation,
    Moderation,
    ProposedEvaluation,
    SignificantConcern,
    TeamJudgement,
)
from scrutiny.web.evidence import services as evidence
from scrutiny.web.inspections.bundle_io import bundle_export, inspection_bundle
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import inspection_update
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.records import services as records
from scrutiny.web.records.models import Assignment, RecordReading
from scrutiny.web.reports import services as reports
from scrutiny.web.reports.models import Statement
from scrutiny.web.surveys import services as surveys
from scrutiny.web.surveys.models import SurveyImport

pytestmark = pytest.mark.django_db

# A LimeSurvey export of the children's survey (every question, so no mapping step).
LIME = (
    "id,submitdate,lastpage,startlanguage,seed,Care group,"
    "Do you feel safe where you live?,"
    "Do the adults who help you listen to what you have to say?,"
    "Is there an adult you trust to talk to if you are worried?,"
    "Do you get a say in decisions about your life?,"
    "Has the help you get made your life better?,"
    "Is there anything else you want to tell us?\n"
    "1,2019-02-01 10:00:00,3,en,1,Foster care,Yes,Sometimes,Y,Not sure,A lot,\n"
    "2,2019-02-01 10:00:00,3,en,1,,No,Sometimes,Y,Not sure,A lot,\n"
)


@pytest.fixture(autouse=True)
def _files_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.SURVEY_UPLOADS_DIR = tmp_path / "uploads"
    settings.SURVEY_IMPORT_IN_BACKGROUND = False


def cite_everything(inspection: Inspection, actor: Any) -> None:
    for proposal in ProposedEvaluation.objects.filter(inspection=inspection):
        notes = inspection.evidence.filter(indicators__indicator__startswith=proposal.indicator)
        services.proposal_record(
            actor=actor,
            inspection=inspection,
            indicator=proposal.indicator,
            value=proposal.value,
            rationale="Synthetic rationale",
            evidence_ids=list(notes.values_list("pk", flat=True)),
            expected_version=proposal.version,
        )


def moderation_version(inspection: Inspection) -> int:
    row = Moderation.objects.filter(inspection=inspection).first()
    return row.version if row else 1


def agree(inspection: Inspection, people: dict[str, Any]) -> None:
    services.evaluations_agree(
        actor=people["lead"],
        inspection=inspection,
        held_on=date(2019, 5, 2),
        present=["lead", "inspector"],
        expected_version=moderation_version(inspection),
    )


def sign_off(inspection: Inspection, people: dict[str, Any]) -> None:
    services.evaluations_sign_off(
        actor=people["assurer"],
        inspection=inspection,
        flags_accepted_because="",
        expected_version=moderation_version(inspection),
    )


def reopen(inspection: Inspection, people: dict[str, Any]) -> None:
    services.evaluations_reopen(
        actor=people["lead"],
        inspection=inspection,
        reason="New evidence",
        expected_version=moderation_version(inspection),
    )


def uploaded(inspection: Inspection, people: dict[str, Any], tmp_path: Path) -> SurveyImport:
    (tmp_path / "uploads").mkdir(exist_ok=True)
    path = tmp_path / "uploads" / f"lime-{SurveyImport.objects.count()}.csv"
    path.write_text(LIME)
    job = surveys.survey_upload(
        actor=people["lead"],
        inspection=inspection,
        survey=load_programme(inspection.programme).survey("children_and_young_people"),
        path=path,
        file_name="lime.csv",
    )
    run_ready_jobs()  # the worker reads the file, as `manage.py db_worker` would
    job.refresh_from_db()
    assert job.status == SurveyImport.Status.READY
    return job


def assignment(inspection: Inspection, people: dict[str, Any]) -> Assignment:
    records.sample_import(
        actor="test",
        inspection=inspection,
        records=[SampledRecord(1, "S-001", "foster_care", "5-11", "Looked after", "North")],
    )
    records.assignments_balance(
        actor="test",
        inspection=inspection,
        readers=[people["inspector"]],
        programme=load_programme(inspection.programme),
    )
    return Assignment.objects.get(inspection=inspection, sampled_record__record="S-001")


def read_twice(inspection: Inspection) -> tuple[RecordReading, RecordReading]:
    for record in RecordReading.objects.filter(inspection=inspection).values_list(
        "record", flat=True
    ):
        pair = list(RecordReading.objects.filter(inspection=inspection, record=record))
        if len(pair) == 2:
            return pair[0], pair[1]
    raise AssertionError("the demo reads some records twice")


# Each input kind: prepare(inspection, people, tmp_path) -> the change to attempt.
Change = Callable[[], Any]
INPUTS: dict[str, Callable[[Inspection, dict[str, Any], Path], Change]] = {}


def input_kind(name: str) -> Callable[[Any], Any]:
    def register(prepare: Any) -> Any:
        INPUTS[name] = prepare
        return prepare

    return register


@input_kind("proposal")
def _(inspection: Inspection, people: dict[str, Any], tmp_path: Path) -> Change:
    def change() -> Any:
        row = ProposedEvaluation.objects.get(inspection=inspection, indicator="9")
        return services.proposal_record(
            actor=people["inspector"],
            inspection=inspection,
            indicator="9",
            value=1,
            rationale="Changed",
            evidence_ids=[],
            expected_version=row.version,
        )

    return change


@input_kind("group evaluation")
def _(inspection: Inspection, people: dict[str, Any], tmp_path: Path) -> Change:
    def change() -> Any:
        row = GroupEvaluation.objects.get(inspection=inspection, care_group="aftercare")
        return services.group_evaluation_record(
            actor=people["inspector"],
            inspection=inspection,
            care_group="aftercare",
            value=1,
            rationale="Changed",
            evidence_ids=[],
            expected_version=row.version,
        )

    return change


@input_kind("team judgement")
def _(inspection: Inspection, people: dict[str, Any], tmp_path: Path) -> Change:
    def change() -> Any:
        row = TeamJudgement.objects.get(inspection=inspection)
        return services.team_judgement_record(
            actor=people["lead"],
            inspection=inspection,
            judgement=row.judgement,
            decision=True,
            reason="Changed",
            expected_version=row.version,
        )

    return change


@input_kind("serious failing")
def _(inspection: Inspection, people: dict[str, Any], tmp_path: Path) -> Change:
    def change() -> Any:
        concern = SignificantConcern.objects.filter(inspection=inspection).first()
        return services.concern_mark_serious_failing(
            actor=people["lead"],
            concern=concern,
            serious=not concern.serious_failing,
            reason="Changed",
            expected_version=concern.version,
        )

    return change


@input_kind("submitted reading")
def _(inspection: Inspection, people: dict[str, Any], tmp_path: Path) -> Change:
    a = assignment(inspection, people)
    ratings = {i.id: 4 for i in load_programme(inspection.programme).reading_items}

    def change() -> Any:
        a.refresh_from_db()
        return records.reading_submit(
            actor=people["inspector"],
            assignment=a,
            expected_version=a.version,
            ratings=ratings,
            notes={},
            programme=load_programme(inspection.programme),
        )

    return change


@input_kind("agreed reading")
def _(inspection: Inspection, people: dict[str, Any], tmp_path: Path) -> Change:
    first, second = read_twice(inspection)
    ratings = {r.item: r.value for r in second.ratings.all()}

    def change() -> Any:
        return records.agreed_reading_record(
            actor=people["lead"],
            inspection=inspection,
            first=first,
            second=second,
            ratings=ratings,
            expected_version=None,
            programme=load_programme(inspection.programme),
        )

    return change


@input_kind("survey import")
def _(inspection: Inspection, people: dict[str, Any], tmp_path: Path) -> Change:
    job = uploaded(inspection, people, tmp_path)

    def change() -> None:
        surveys.survey_import_start(actor=people["lead"], job=job)
        run_ready_jobs()

    return change


@input_kind("survey responses sent")
def _(inspection: Inspection, people: dict[str, Any], tmp_path: Path) -> Change:
    from scrutiny.core.surveys import Entry

    survey = load_programme(inspection.programme).survey("children_and_young_people")
    assert survey is not None

    def change() -> Any:
        return surveys.survey_responses_add(
            actor=people["inspector"],
            inspection=inspection,
            survey=survey,
            entries=[Entry(answers={"feel_safe": "no"}, care_group="foster_care")],
        )

    return change


def engine_inputs(inspection: Inspection) -> bytes:
    """Everything the engine reads, as the bundle holds it."""
    data = inspection_bundle(inspection=inspection).model_dump(mode="json")
    return repr({k: v for k, v in data.items() if k not in ("evidence", "report")}).encode()


@pytest.fixture(params=["agreed", "signed off"])
def locked(request: Any, people: dict[str, Any], inspection: Inspection) -> tuple[str, Inspection]:
    cite_everything(inspection, people["inspector"])
    return request.param, inspection


@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_every_input_is_locked_while_agreed_and_after_sign_off(
    kind: str,
    locked: tuple[str, Inspection],
    people: dict[str, Any],
    tmp_path: Path,
) -> None:
    stage, inspection = locked
    change = INPUTS[kind](inspection, people, tmp_path)
    agree(inspection, people)
    if stage == "signed off":
        sign_off(inspection, people)
    before = engine_inputs(inspection)
    with pytest.raises(Refused) as refused:
        change()
    (reason,) = refused.value.reasons
    assert reason.endswith("reopen them, giving a reason, to change them")
    assert ("signed off by" if stage == "signed off" else "agreed at the evaluation") in reason
    assert engine_inputs(inspection) == before

    # Reopening, with a reason, is the one way back.
    reopen(inspection, people)
    change()
    assert engine_inputs(inspection) != before


def test_a_survey_import_started_before_the_meeting_stores_nothing_after_it(
    people: dict[str, Any], inspection: Inspection, tmp_path: Path
) -> None:
    job = uploaded(inspection, people, tmp_path)
    surveys.survey_import_start(actor=people["lead"], job=job)  # queued, not yet run
    before = engine_inputs(inspection)
    cite_everything(inspection, people["inspector"])
    agree(inspection, people)
    run_ready_jobs()
    job.refresh_from_db()
    assert job.status == SurveyImport.Status.FAILED
    assert "reopen them, giving a reason" in job.problems[0]["message"]
    assert engine_inputs(inspection) == before


FORMS = {
    "proposal": ("indicator", {"indicator": "9"}, "Save proposal"),
    "group evaluation": ("group", {"care_group": "aftercare"}, "Save evaluation"),
    "team judgement": ("judgement", {}, "Save judgement"),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_locked_forms_show_read_only_with_the_reason(
    form: str, locked: tuple[str, Inspection], people: dict[str, Any], client_for: Any
) -> None:
    stage, inspection = locked
    agree(inspection, people)
    if stage == "signed off":
        sign_off(inspection, people)
    name, kwargs, button = FORMS[form]
    url = reverse(f"evaluations:{name}", kwargs={"inspection_id": inspection.pk, **kwargs})
    page = client_for("lead").get(url).content.decode()
    assert "Read only." in page and "reopen them, giving a reason, to change them" in page
    assert button not in page
    assert " disabled" in page


def test_the_serious_failing_form_is_read_only_but_escalation_stays_open(
    people: dict[str, Any], inspection: Inspection, client_for: Any
) -> None:
    cite_everything(inspection, people["inspector"])
    agree(inspection, people)
    concern = SignificantConcern.objects.filter(inspection=inspection).first()

    def action(name: str) -> str:
        return reverse(
            "evaluations:concern_action",
            kwargs={"inspection_id": inspection.pk, "concern_id": concern.pk, "action": name},
        )

    lead = client_for("lead")
    assert "Read only." in lead.get(action("serious-failing")).content.decode()
    assert "Read only." not in lead.get(action("escalate")).content.decode()
    escalated = lead.post(
        action("escalate"),
        {"escalated_to": "Lead officer", "note": "Passed on", "version": concern.version},
    )
    assert escalated.status_code == 302


def signed_off_fingerprint(inspection: Inspection) -> Freeze:
    return Freeze.from_json(Moderation.objects.get(inspection=inspection).freeze)


def verifies(inspection: Inspection) -> bool:
    exported = parse_bundle(bundle_export(actor="test", inspection=inspection))
    return recompute_matches(signed_off_fingerprint(inspection), exported)


def test_the_fingerprint_verifies_after_every_change_still_permitted_after_sign_off(
    people: dict[str, Any], inspection: Inspection, client_for: Any, tmp_path: Path
) -> None:
    cite_everything(inspection, people["inspector"])
    agree(inspection, people)
    sign_off(inspection, people)
    assert verifies(inspection)
    lead, inspector = people["lead"], people["inspector"]

    # A concern's whole handling, short of deciding it is a serious failing.
    concern = services.concern_raise(
        actor=inspector, inspection=inspection, summary="Night staffing", description="x"
    )
    concern = services.concern_escalate(
        actor=lead, concern=concern, escalated_to="Lead officer", note="x", expected_version=1
    )
    services.concern_resolve(
        actor=lead, concern=concern, resolution="Done", expected_version=concern.version
    )
    # Evidence and the report are not inputs.
    note = inspection.evidence.first()
    evidence.evidence_update(
        actor=inspector,
        evidence=note,
        expected_version=note.version,
        text="Reworded",
        kind=note.kind,
    )
    evidence.evidence_create(
        actor=inspector,
        inspection=inspection,
        source="meeting",
        text="Late note",
        kind="strength",
        date=None,
        care_group=None,
        tags=evidence.Tags(questions=[1], indicators=["2.1"]),
    )
    statement = Statement.objects.filter(inspection=inspection).order_by("id").first()
    reports.statement_update(
        actor=inspector,
        statement=statement,
        expected_version=statement.version,
        text="Reworded statement",
        plain=statement.plain,
        evidence_ids=[],
    )
    # A reading kept as a draft, and a survey file uploaded but not imported, are not
    # inputs until submitted or imported (both refused while signed off).
    a = assignment(inspection, people)
    records.reading_save(
        actor=inspector,
        assignment=a,
        expected_version=a.version,
        ratings={"immediate_response": 1},
        notes={"immediate_response": "A draft"},
    )
    surveys.survey_import_cancel(actor=lead, job=uploaded(inspection, people, tmp_path))
    # Nor are the inspection's own details; its edit form has no evaluation input left.
    inspection_update(
        actor=lead,
        inspection_id=inspection.pk,
        expected_version=Inspection.objects.get(pk=inspection.pk).version,
        changes={"phase": "reporting", "partnership": "Renamed partnership"},
    )
    assert verifies(inspection)
    page = client_for("assurer").get(
        reverse("evaluations:workspace", kwargs={"inspection_id": inspection.pk})
    )
    assert "Nothing has changed since sign-off: recomputing gives the signed-off result" in (
        page.content.decode()
    )


def test_reopening_changing_and_signing_off_again_gives_a_new_fingerprint_that_verifies(
    people: dict[str, Any], inspection: Inspection
) -> None:
    cite_everything(inspection, people["inspector"])
    agree(inspection, people)
    sign_off(inspection, people)
    first = signed_off_fingerprint(inspection)
    reopen(inspection, people)
    judgement = TeamJudgement.objects.get(inspection=inspection)
    services.team_judgement_record(
        actor=people["lead"],
        inspection=inspection,
        judgement=judgement.judgement,
        decision=True,
        reason="Engagement echoed the survey",
        expected_version=judgement.version,
    )
    agree(inspection, people)
    sign_off(inspection, people)
    second = signed_off_fingerprint(inspection)
    assert second.inputs_sha256 != first.inputs_sha256
    assert second.evaluation["indicators"]["2.1"]["final"] == "weak"
    assert verifies(inspection)


def test_the_reading_pages_say_why_a_reading_cannot_be_submitted_or_agreed_now(
    people: dict[str, Any], inspection: Inspection, client_for: Any
) -> None:
    a = assignment(inspection, people)
    first, _ = read_twice(inspection)
    cite_everything(inspection, people["inspector"])
    agree(inspection, people)
    reading = client_for("inspector").get(
        reverse("records:reading", kwargs={"inspection_id": inspection.pk, "assignment_id": a.pk})
    )
    page = reading.content.decode()
    assert "Your draft can be saved but not submitted." in page
    assert "reopen them, giving a reason, to change them" in page
    assert 'id="submit-reading"' not in page and "Save draft" in page
    compare = (
        client_for("lead")
        .get(
            reverse(
                "records:compare", kwargs={"inspection_id": inspection.pk, "record": first.record}
            )
        )
        .content.decode()
    )
    assert "Read only." in compare and "Record the agreed reading" not in compare


def test_people_are_shown_by_full_name_and_an_unagreed_proposal_is_not_called_final(
    people: dict[str, Any], inspection: Inspection, client_for: Any
) -> None:
    lead = people["lead"]
    lead.first_name, lead.last_name = "Lesley", "Lead"
    lead.save()
    judgement = TeamJudgement.objects.get(inspection=inspection)
    services.team_judgement_record(
        actor=lead,
        inspection=inspection,
        judgement=judgement.judgement,
        decision=False,
        reason="Engagement was reassuring",
        expected_version=judgement.version,
    )
    url = reverse("evaluations:workspace", kwargs={"inspection_id": inspection.pk})
    page = client_for("assurer").get(url).content.decode()
    assert "recorded by Lesley Lead" in page and "(lead," not in page
    assert '<td data-figure="status">Final</td>' not in page
    assert '<td data-figure="status">Proposed, not yet agreed</td>' in page
    cite_everything(inspection, people["inspector"])
    agree(inspection, people)
    moderation = (
        client_for("assurer")
        .get(reverse("evaluations:moderation", kwargs={"inspection_id": inspection.pk}))
        .content.decode()
    )
    assert "Lesley Lead" in moderation
    page = client_for("assurer").get(url).content.decode()
    assert '<td data-figure="status">Agreed at the evaluation meeting</td>' in page


def test_the_survey_import_page_is_read_only_with_the_reason_while_locked(
    people: dict[str, Any], inspection: Inspection, client_for: Any, tmp_path: Path
) -> None:
    job = uploaded(inspection, people, tmp_path)
    cite_everything(inspection, people["inspector"])
    agree(inspection, people)
    before = engine_inputs(inspection)
    url = reverse("surveys:import_preview", args=[inspection.pk, job.pk])
    lead = client_for("lead")
    page = lead.get(url).content.decode()
    assert "Read only." in page and "reopen them, giving a reason, to change them" in page
    assert 'value="import"' not in page and 'value="cancel"' in page
    # A form sent from an older page is still refused by the service, and says why.
    sent = lead.post(url, {"action": "import"}, follow=True)
    assert "Nothing was imported." in sent.content.decode()
    assert engine_inputs(inspection) == before
