"""One inspection's timetable: dates from its notification date, and where each stage stands.

Nothing here is typed by a person except the notification date, a stage's changed
dates and the date the team records a stage without a signal as done. Whether a stage
is done, in progress, due or overdue is derived from those and from the facts of the
work (signals) the caller passes in, on the day the caller passes in.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from scrutiny.core.timetable.model import SIGNAL_TEXT, Stage, Timetable

# A stage this close to its date is "due" and listed among the week's deadlines.
DUE_WITHIN = timedelta(days=7)


class StageStatus(Enum):
    DONE = "done"
    OVERDUE = "overdue"
    NOW = "now"
    DUE = "due"
    UPCOMING = "upcoming"
    # An only-if stage (a progress review) whose date has passed without it.
    IF_NEEDED = "if needed"

    @property
    def label(self) -> str:
        return {
            StageStatus.DONE: "Done",
            StageStatus.OVERDUE: "Overdue",
            StageStatus.NOW: "In progress",
            StageStatus.DUE: "Due within a week",
            StageStatus.UPCOMING: "Upcoming",
            StageStatus.IF_NEEDED: "Only if needed",
        }[self]


@dataclass(frozen=True)
class StageDates:
    """Dates the team set for a stage instead of the programme's."""

    start: date
    end: date | None = None


@dataclass(frozen=True)
class DatedStage:
    stage: Stage
    start: date
    end: date
    # The dates the programme's weeks give, before the team's change.
    planned_start: date
    planned_end: date
    overridden: bool
    status: StageStatus
    # Why it is done: the signal, or the date the team recorded.
    done_because: str = ""

    @property
    def done_text(self) -> str:
        """Why it is done, as the pages say it."""
        if self.stage.done_when and self.done_because == self.stage.done_when:
            return SIGNAL_TEXT[self.done_because]
        return self.done_because[:1].upper() + self.done_because[1:]

    @property
    def open(self) -> bool:
        return self.status not in (StageStatus.DONE, StageStatus.IF_NEEDED)


def _planned(stage: Stage, *, notification: date, anchors: Mapping[str, date]) -> tuple[date, date]:
    if stage.after is None:
        start = notification + timedelta(weeks=stage.week - 1)
        end = (
            start
            if stage.end_week is None
            else notification + timedelta(weeks=stage.end_week, days=-1)
        )
        return start, end
    anchor = anchors[stage.after]
    start = anchor + timedelta(weeks=stage.week)
    end = start if stage.end_week is None else anchor + timedelta(weeks=stage.end_week)
    return start, end


def _status(stage: Stage, start: date, end: date, *, done: bool, today: date) -> StageStatus:
    if done:
        return StageStatus.DONE
    if today > end:
        return StageStatus.IF_NEEDED if stage.only_if else StageStatus.OVERDUE
    if start <= today:
        return StageStatus.NOW
    if start - today <= DUE_WITHIN:
        return StageStatus.DUE
    return StageStatus.UPCOMING


def schedule(
    timetable: Timetable,
    *,
    notification: date,
    today: date,
    overrides: Mapping[str, StageDates] | None = None,
    signals: Set[str] = frozenset(),
    completed: Mapping[str, date] | None = None,
    signal_dates: Mapping[str, date] | None = None,
) -> list[DatedStage]:
    """Every stage with its dates and status, in the programme's order.

    Moving `notification` moves every stage the team has not dated itself, and every
    stage that follows one that moved. A stage that follows another (`after`) counts
    from the day that one happened once it has (`signal_dates`: the day the work showed
    a signal; `completed`: the day the team recorded), else from its date: the action
    plan is due six weeks after the report's actual publication, early or late.
    """
    overrides = overrides or {}
    completed = completed or {}
    signal_dates = signal_dates or {}
    anchors: dict[str, date] = {}
    dated: list[DatedStage] = []
    for stage in timetable.stages:
        planned_start, planned_end = _planned(stage, notification=notification, anchors=anchors)
        start, end = planned_start, planned_end
        own = overrides.get(stage.id)
        if own is not None:
            start = own.start
            end = own.end if own.end is not None else start + (planned_end - planned_start)
        anchors[stage.id] = end
        done_because = ""
        if stage.done_when is not None and stage.done_when in signals:
            done_because = stage.done_when
            anchors[stage.id] = signal_dates.get(stage.done_when, end)
        elif stage.id in completed:
            on = completed[stage.id]
            anchors[stage.id] = on
            # As every other date on the pages reads: "23 September 2026".
            done_because = f"recorded as done on {on.day} {on:%B %Y}"
        dated.append(
            DatedStage(
                stage=stage,
                start=start,
                end=end,
                planned_start=planned_start,
                planned_end=planned_end,
                overridden=own is not None,
                status=_status(stage, start, end, done=bool(done_because), today=today),
                done_because=done_because,
            )
        )
    return dated


# The inspection's phase, from the furthest point the work has reached (the names are
# the web app's phases). A phase follows the work, not the calendar: a team running late
# is still in fieldwork however the dates say otherwise.
_PHASE_BY_SIGNAL: tuple[tuple[str, str], ...] = (
    ("report_published", "published"),
    ("report_final", "reporting"),
    ("draft_shared", "reporting"),
    ("evaluations_signed_off", "reporting"),
    ("evaluations_agreed", "evaluation"),
    ("evaluations_proposed", "evaluation"),
    ("all_records_read", "fieldwork"),
    ("records_read", "fieldwork"),
)


def phase_from_work(signals: Set[str]) -> str:
    """ "scoping", "fieldwork", "evaluation", "reporting" or "published"."""
    return next((phase for signal, phase in _PHASE_BY_SIGNAL if signal in signals), "scoping")
