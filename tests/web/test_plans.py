"""The inspection's timetable: created from the programme, dated from the notification,
edited by the lead (audited), with statuses and the phase derived from the work."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from scrutiny.core.methodology import load_programme
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.plans.models import Plan, StageChange
from scrutiny.web.plans.selectors import timeline_for
from scrutiny.web.reports.models import Report

pytestmark = pytest.mark.django_db


def _url(name: str, inspection: Inspection, **kwargs: Any) -> str:
    return reverse(f"plans:{name}", kwargs={"inspection_id": inspection.pk, **kwargs})


def _dates(inspection: Inspection) -> dict[str, tuple[Any, Any]]:
    timeline = timeline_for(inspection=inspection)
    assert timeline is not None
    return {d.stage.id: (d.start, d.end) for d in timeline.stages}


@pytest.mark.parametrize("programme", ["care-and-protection-2018", "children-at-risk-of-harm-2021"])
def test_it_gives_a_new_inspection_of_either_programme_its_full_timetable(
    client_for: Any, programme: str
) -> None:
    admin = client_for("admin")
    # The programmes are offered by their titles, never by the files' ids.
    form = admin.get(reverse("inspections:create")).content.decode()
    title = load_programme(programme).short_title
    assert f'<option value="{programme}">{title}</option>' in form
    assert f">{programme}<" not in form
    admin.post(
        reverse("inspections:create"),
        {
            "reference": "JI-0042",
            "partnership": "Glenshire",
            "programme": programme,
            "start": "2026-01-05",
            "end": "",
            "phase": "scoping",
        },
    )
    inspection = Inspection.objects.get(reference="JI-0042")
    plan = Plan.objects.get(inspection=inspection)
    assert str(plan.notification_date) == "2026-01-05"
    timetable = load_programme(programme).timetable
    dates = _dates(inspection)
    assert list(dates) == [s.id for s in timetable.stages]
    publication = timetable.stage("publication")
    assert dates["publication"][0] == plan.notification_date + timedelta(weeks=publication.week - 1)
    event = AuditEvent.objects.get(inspection=inspection, object_type="plan")
    assert event.after == {"notification_date": "2026-01-05"} and event.actor_name == "admin"


def test_an_imported_inspection_gets_its_timetable_from_its_start(inspection: Inspection) -> None:
    assert inspection.plan.notification_date == inspection.start


def test_moving_the_notification_date_moves_every_date_not_set_by_the_team(
    inspection: Inspection, client_for: Any
) -> None:
    lead = client_for("lead")
    plan = inspection.plan
    response = lead.post(
        _url("stage", inspection, stage="qa_panel"),
        {"start": "2030-03-04", "version": plan.version},
    )
    assert response.status_code == 302
    before = _dates(inspection)
    plan.refresh_from_db()
    moved = plan.notification_date + timedelta(days=9)
    response = lead.post(
        _url("notification", inspection),
        {"notification_date": moved.isoformat(), "version": plan.version},
    )
    assert response.status_code == 302
    after = _dates(inspection)
    for stage, (start, end) in before.items():
        shift = timedelta(0) if stage == "qa_panel" else timedelta(days=9)
        assert after[stage] == (start + shift, end + shift), stage
    event = AuditEvent.objects.filter(object_type="plan", action="change").get()
    assert event.before["notification_date"] == inspection.start.isoformat()
    assert event.after["notification_date"] == moved.isoformat()
    assert event.actor_name == "lead"


def test_a_stale_notification_move_is_refused_and_keeps_the_entry(
    inspection: Inspection, client_for: Any
) -> None:
    response = client_for("lead").post(
        _url("notification", inspection),
        {"notification_date": "2031-01-06", "version": inspection.plan.version - 1},
    )
    assert response.status_code == 409
    assert b"2031-01-06" in response.content
    inspection.plan.refresh_from_db()
    assert inspection.plan.notification_date == inspection.start


def test_a_stage_change_is_audited_and_cleared_back_to_the_programme(
    inspection: Inspection, client_for: Any
) -> None:
    lead, plan = client_for("lead"), inspection.plan
    lead.post(
        _url("stage", inspection, stage="emerging_themes"),
        {"start": "2030-05-06", "done_on": "2030-05-06", "version": plan.version},
    )
    change = StageChange.objects.get(plan=plan, stage="emerging_themes")
    assert (str(change.start), str(change.done_on)) == ("2030-05-06", "2030-05-06")
    event = AuditEvent.objects.get(object_type="plan_stage", object_id="emerging_themes")
    assert event.after == {"start": "2030-05-06", "end": None, "done_on": "2030-05-06"}
    plan.refresh_from_db()
    lead.post(_url("stage", inspection, stage="emerging_themes"), {"version": plan.version})
    assert not StageChange.objects.filter(plan=plan).exists()


def test_it_refuses_recording_done_a_stage_the_work_completes(
    inspection: Inspection, client_for: Any
) -> None:
    # The form has no "done on" for such a stage; a crafted post is refused by the service.
    from scrutiny.core.refusal import Refused
    from scrutiny.web.plans.services import stage_change_set

    with pytest.raises(Refused, match="done when the work shows it"):
        stage_change_set(
            actor="test",
            plan_id=inspection.plan.pk,
            expected_version=inspection.plan.version,
            stage="publication",
            start=None,
            end=None,
            done_on=timezone.localdate(),
        )
    response = client_for("lead").post(
        _url("stage", inspection, stage="fieldwork"),
        {"start": "2030-05-06", "end": "2030-05-01", "version": inspection.plan.version},
    )
    assert response.status_code == 422
    assert b"The end date is before the start date." in response.content


def test_an_overdue_stage_shows_on_the_inspection_and_on_my_work(
    inspection: Inspection, client_for: Any
) -> None:
    # Notified six weeks ago: the partnership's co-ordinators (week 2) are overdue.
    Plan.objects.filter(inspection=inspection).update(
        notification_date=timezone.localdate() - timedelta(weeks=6)
    )
    for persona in ("lead", "inspector"):
        client = client_for(persona)
        home = client.get(reverse("inspections:home", args=[inspection.pk])).content.decode()
        assert "Overdue: Inspection and participation co-ordinators named" in home
        work = client.get(reverse("work:my_work")).content.decode()
        assert "Overdue: Inspection and participation co-ordinators named" in work
    page = client_for("inspector").get(_url("timetable", inspection)).content.decode()
    assert "Overdue" in page and "Only the lead inspector" in page


def test_the_timetable_says_who_each_stage_is_asked_of(
    inspection: Inspection, client_for: Any
) -> None:
    timeline = timeline_for(inspection=inspection)
    asked = {d.stage.id for d in timeline.asked_of("partnership")}
    assert asked == {"coordinators", "self_evaluation", "factual_accuracy", "action_plan"}
    page = client_for("lead").get(_url("timetable", inspection)).content.decode()
    assert page.count("The partnership</td>") == 4


def test_the_phase_follows_the_work(inspection: Inspection, client_for: Any) -> None:
    home = reverse("inspections:home", args=[inspection.pk])
    # The demo has readings and proposals, not yet agreed: evaluation.
    assert '<dd class="ds_summary-list__value">Evaluation</dd>' in (
        client_for("lead").get(home).content.decode()
    )
    Report.objects.filter(inspection=inspection).update(status=Report.Status.PUBLISHED)
    assert '<dd class="ds_summary-list__value">Published</dd>' in (
        client_for("lead").get(home).content.decode()
    )
    timeline = timeline_for(inspection=inspection)
    statuses = {d.stage.id: d.status.value for d in timeline.stages}
    assert statuses["publication"] == statuses["draft_shared"] == "done"


def test_a_stage_the_programme_lacks_is_404(inspection: Inspection, client_for: Any) -> None:
    assert client_for("lead").get(_url("stage", inspection, stage="lunch")).status_code == 404


def test_many_overdue_stages_are_counted_not_listed(
    inspection: Inspection, client_for: Any
) -> None:
    # The demo inspection was notified in 2019 and its report is not published.
    overdue = timeline_for(inspection=inspection).overdue
    assert len(overdue) > 3
    home = client_for("lead").get(reverse("inspections:home", args=[inspection.pk]))
    page = home.content.decode()
    assert f"{len(overdue)} stages of the timetable are overdue." in page
    assert page.count("Overdue: ") == 3


def test_it_says_the_timetable_does_not_follow_the_start_date(
    inspection: Inspection, client_for: Any
) -> None:
    lead, edit = client_for("lead"), reverse("inspections:edit", args=[inspection.pk])
    assert "move the notification date on the Timetable page" in lead.get(edit).content.decode()
    notified = inspection.plan.notification_date
    response = lead.post(
        edit,
        {
            "partnership": inspection.partnership,
            "start": "2030-01-07",
            "end": "",
            "version": inspection.version,
        },
    )
    assert response.status_code == 302
    inspection.plan.refresh_from_db()
    assert inspection.plan.notification_date == notified
