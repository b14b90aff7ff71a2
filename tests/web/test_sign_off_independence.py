"""Independent sign-off through the web app's own records, input by input.

The core (`signoff.independence_reasons`) refuses anyone shown to have had a hand in an
indicator's evaluation; `evaluations.selectors.involvement` reads that from the audit
trail. Each case here has the quality assurer, earlier a member of the team, record one
kind of input that feeds QI 2.1's cap through its real service; sign-off is then refused
for QI 2.1 with the reason, and not for QI 2.2, which that input does not feed. Without
these, the trail's mapping of an input to a person could break for one kind unseen.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scrutiny.core.methodology import load_programme
from scrutiny.core.refusal import Refused
from scrutiny.web.evaluations import services
from scrutiny.web.evaluations.models import SignificantConcern, TeamJudgement
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.records import services as records
from scrutiny.web.surveys import services as surveys
from scrutiny.web.surveys.models import SurveyImport

from .test_evaluation_locks import LIME, agree, assignment, cite_everything, read_twice
from .test_evaluation_locks import moderation_version as version

pytestmark = pytest.mark.django_db

People = dict[str, Any]


@pytest.fixture(autouse=True)
def _files_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.SURVEY_UPLOADS_DIR = tmp_path / "uploads"
    settings.SURVEY_IMPORT_IN_BACKGROUND = False


def import_survey(inspection: Inspection, tmp_path: Path, *, uploader: Any, starter: Any) -> None:
    (tmp_path / "uploads").mkdir(exist_ok=True)
    path = tmp_path / "uploads" / "lime.csv"
    path.write_text(LIME)
    job = surveys.survey_upload(
        actor=uploader,
        inspection=inspection,
        survey=load_programme(inspection.programme).survey("children_and_young_people"),
        path=path,
        file_name="lime.csv",
    )
    run_ready_jobs()
    job.refresh_from_db()
    surveys.survey_import_start(actor=starter, job=job)
    run_ready_jobs()
    job.refresh_from_db()
    assert job.status == SurveyImport.Status.DONE


def _team_judgement(inspection: Inspection, people: People, tmp_path: Path) -> None:
    row = TeamJudgement.objects.get(inspection=inspection)
    services.team_judgement_record(
        actor=people["assurer"],
        inspection=inspection,
        judgement=row.judgement,
        decision=row.decision,
        reason="The engagement events said the same",
        expected_version=row.version,
    )


def _serious_failing(inspection: Inspection, people: People, tmp_path: Path) -> None:
    concern = SignificantConcern.objects.filter(inspection=inspection).first()
    assert concern is not None
    services.concern_mark_serious_failing(
        actor=people["assurer"],
        concern=concern,
        serious=concern.serious_failing,
        reason="Looked at again: the same decision, for a new reason",
        expected_version=concern.version,
    )


def _submitted_reading(inspection: Inspection, people: People, tmp_path: Path) -> None:
    a = assignment(inspection, {**people, "inspector": people["assurer"]})
    programme = load_programme(inspection.programme)
    records.reading_submit(
        actor=people["assurer"],
        assignment=a,
        expected_version=a.version,
        ratings={i.id: 4 for i in programme.reading_items},
        notes={},
        programme=programme,
    )


def _agreed_reading(inspection: Inspection, people: People, tmp_path: Path) -> None:
    first, second = read_twice(inspection)
    records.agreed_reading_record(
        actor=people["assurer"],
        inspection=inspection,
        first=first,
        second=second,
        ratings={r.item: r.value for r in second.ratings.all()},
        expected_version=None,
        programme=load_programme(inspection.programme),
    )


def _survey_uploaded(inspection: Inspection, people: People, tmp_path: Path) -> None:
    import_survey(inspection, tmp_path, uploader=people["assurer"], starter=people["lead"])


def _survey_started(inspection: Inspection, people: People, tmp_path: Path) -> None:
    # Another uploaded the file; deciding to import it, and so what is counted, is a
    # hand in the survey figures the cap reads all the same.
    import_survey(inspection, tmp_path, uploader=people["lead"], starter=people["assurer"])


INPUTS: dict[str, tuple[Callable[[Inspection, People, Path], None], str]] = {
    "team judgement": (_team_judgement, "recorded the team's judgement"),
    "serious failing": (
        _serious_failing,
        "decided whether a significant concern is a serious failing",
    ),
    "submitted reading": (_submitted_reading, "recorded a reading of a record"),
    "agreed reading": (_agreed_reading, "recorded a reading of a record"),
    "survey file uploaded": (_survey_uploaded, "imported survey responses"),
    "survey import started": (_survey_started, "imported survey responses"),
}


@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_it_refuses_sign_off_to_whoever_recorded_an_input_feeding_the_cap(
    kind: str, people: People, inspection: Inspection, tmp_path: Path
) -> None:
    record, words = INPUTS[kind]
    record(inspection, people, tmp_path)
    cite_everything(inspection, people["inspector"])
    agree(inspection, people)
    with pytest.raises(Refused) as refused:
        services.evaluations_sign_off(
            actor=people["assurer"],
            inspection=inspection,
            flags_accepted_because="Accepted for the test",
            expected_version=version(inspection),
        )
    reasons = refused.value.reasons
    assert (
        f"You cannot sign off QI 2.1: you {words}. A quality assurer independent of the "
        "evaluation must sign it off"
    ) in reasons
    assert not any(r.startswith("You cannot sign off QI 2.2") for r in reasons)


def test_it_refuses_sign_off_to_whoever_recorded_the_meetings_agreement(
    people: People, inspection: Inspection
) -> None:
    cite_everything(inspection, people["inspector"])
    agree(inspection, {**people, "lead": people["assurer"]})
    with pytest.raises(Refused) as refused:
        services.evaluations_sign_off(
            actor=people["assurer"],
            inspection=inspection,
            flags_accepted_because="Accepted for the test",
            expected_version=version(inspection),
        )
    for qi in ("1.1", "2.1", "2.2", "9"):
        assert (
            f"You cannot sign off QI {qi}: you recorded the evaluation meeting's agreement. A "
            "quality assurer independent of the evaluation must sign it off"
        ) in refused.value.reasons
