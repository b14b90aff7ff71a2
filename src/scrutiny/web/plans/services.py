"""Changes to an inspection's plan. Each writes its audit row in the same transaction."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F

from scrutiny.core.methodology import load_programme
from scrutiny.core.refusal import Refused
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.plans.models import Plan, StageChange


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def plan_create(*, actor: Any, inspection: Inspection, notification_date: date) -> Plan:
    """The inspection's plan, dated from `notification_date` by the programme's timetable."""
    with transaction.atomic():
        plan = Plan.objects.create(inspection=inspection, notification_date=notification_date)
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="plan",
            object_id=plan.pk,
            summary=f"Created the timetable from notification on {notification_date:%d %B %Y}",
            after={"notification_date": notification_date.isoformat()},
        )
    return plan


def _lock(plan_id: int, expected_version: int) -> Plan:
    """The plan at `expected_version`, its version bumped, or StaleEdit."""
    updated = Plan.objects.filter(pk=plan_id, version=expected_version).update(
        version=F("version") + 1
    )
    if updated != 1:
        raise StaleEdit
    return Plan.objects.select_related("inspection").get(pk=plan_id)


def plan_notification_move(
    *, actor: Any, plan_id: int, expected_version: int, notification_date: date
) -> Plan:
    """Move the notification date: every date the team has not set itself moves with it."""
    with transaction.atomic():
        plan = _lock(plan_id, expected_version)
        before = plan.notification_date
        plan.notification_date = notification_date
        plan.save(update_fields=["notification_date"])
        audit_record(
            actor=actor,
            inspection=plan.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="plan",
            object_id=plan.pk,
            summary=f"Moved the notification date to {notification_date:%d %B %Y}",
            before={"notification_date": before.isoformat()},
            after={"notification_date": notification_date.isoformat()},
        )
    return plan


def stage_change_set(
    *,
    actor: Any,
    plan_id: int,
    expected_version: int,
    stage: str,
    start: date | None,
    end: date | None,
    done_on: date | None,
) -> Plan:
    """Set (or, with no dates, clear) the team's dates for a stage and when it was done."""
    with transaction.atomic():
        plan = _lock(plan_id, expected_version)
        timetable = load_programme(plan.inspection.programme).timetable
        found = timetable.stage(stage) if timetable else None
        if found is None:
            raise Refused([f"The programme's timetable has no stage {stage!r}."])
        reasons = []
        if end is not None and start is None:
            reasons.append("Give a start date with the end date.")
        if end is not None and start is not None and end < start:
            reasons.append("The end date is before the start date.")
        if found.milestone and end is not None:
            reasons.append(f"{found.title} is a single date: give no end date.")
        if done_on is not None and found.done_when is not None and not found.recordable:
            reasons.append(
                f"{found.title} is done when the work shows it; it cannot be recorded as done."
            )
        if reasons:
            raise Refused(reasons)
        change = StageChange.objects.filter(plan=plan, stage=stage).first()
        before = (
            {"start": _iso(change.start), "end": _iso(change.end), "done_on": _iso(change.done_on)}
            if change
            else {}
        )
        after = {"start": _iso(start), "end": _iso(end), "done_on": _iso(done_on)}
        if start is None and done_on is None:
            if change:
                change.delete()
            after = {}
        else:
            StageChange.objects.update_or_create(
                plan=plan, stage=stage, defaults={"start": start, "end": end, "done_on": done_on}
            )
        audit_record(
            actor=actor,
            inspection=plan.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="plan_stage",
            object_id=stage,
            summary=f"Changed the timetable's stage {found.title}"
            + ("" if after else " back to the programme's dates"),
            before=before or None,
            after=after or None,
        )
    return plan
