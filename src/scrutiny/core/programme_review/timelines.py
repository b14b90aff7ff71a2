"""Timelines kept or missed: whether each key milestone of an inspection's plan was done
by its due date.

A milestone is *kept* when it was done on or before the date its plan gives it, *missed*
when it was done later, or is not done and its date has passed, and *not yet due*
otherwise. The due date is the plan's: the programme's timetable dated from the
inspection's notification, with the team's own dates where it set them. A milestone that
follows another (the action plan, six weeks after publication) is due that long after
the other was actually done, as the methodology counts it, unless the team dated it
itself.

The counts are of inspections, not of people, so no small number is hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from scrutiny.core.timetable import Timetable, schedule
from scrutiny.core.timetable.schedule import StageDates

# The programme's stage ids of the milestones the overview follows (never printed: each
# is shown by its title from the programme file).
KEY_MILESTONES: tuple[str, ...] = ("draft_shared", "publication", "action_plan")


class Kept(Enum):
    KEPT = "kept"
    MISSED = "missed"
    NOT_YET_DUE = "not yet due"

    @property
    def label(self) -> str:
        return {Kept.KEPT: "Kept", Kept.MISSED: "Missed", Kept.NOT_YET_DUE: "Not yet due"}[self]


@dataclass(frozen=True)
class MilestoneOutcome:
    stage: str  # the programme's stage id: for grouping only, never printed
    title: str
    due: date
    done: date | None
    outcome: Kept


def outcome(*, due: date, done: date | None, today: date) -> Kept:
    """The rule, once: done on or before the due date is kept; done after it, or not done
    once it has passed, is missed."""
    if done is not None:
        return Kept.KEPT if done <= due else Kept.MISSED
    return Kept.MISSED if today > due else Kept.NOT_YET_DUE


def milestone_outcomes(
    timetable: Timetable,
    *,
    notification: date,
    today: date,
    done: Mapping[str, date],
    overrides: Mapping[str, StageDates] | None = None,
    milestones: Sequence[str] = KEY_MILESTONES,
) -> tuple[MilestoneOutcome, ...]:
    """Each of `milestones` the timetable has, with its due date, the date it was done
    (`done`, by stage id) and whether it was kept."""
    overrides = overrides or {}
    dated = {
        d.stage.id: d
        for d in schedule(timetable, notification=notification, today=today, overrides=overrides)
    }
    out = []
    for stage_id in milestones:
        d = dated.get(stage_id)
        if d is None:
            continue
        due = d.end
        follows = d.stage.after
        if follows is not None and follows in done and stage_id not in overrides:
            weeks = d.stage.end_week if d.stage.end_week is not None else d.stage.week
            due = done[follows] + timedelta(weeks=weeks)
        finished = done.get(stage_id)
        out.append(
            MilestoneOutcome(
                stage_id, d.stage.title, due, finished, outcome(due=due, done=finished, today=today)
            )
        )
    return tuple(out)
