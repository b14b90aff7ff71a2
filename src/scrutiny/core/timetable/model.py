"""The shape of a programme file's `[timetable]`: phases, stages and milestones in weeks.

Weeks are counted as the methodology counts them: week 1 is the week of the
notification. A stage names its first week (`week`) and, if it lasts, its last
(`end_week`); a milestone has no `end_week`. A stage may instead follow another
(`after`): its weeks then count from that stage's date (the action plan is due six
weeks after publication, however publication moves).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Who a stage is asked of: the inspection team, or the partnership being inspected
# (its co-ordinators, its self-evaluation, its action plan).
AskedOf = Literal["team", "partnership"]

# The fixed vocabulary of facts from the work that complete a stage. The web layer
# computes them from its tables; a stage without one is completed by the team recording
# the date it happened.
Signal = Literal[
    "notified",  # the notification date has come
    "surveys_returned",  # survey responses are in
    "lead_document_sent",  # the self-evaluation or position statement is in, not returned
    "records_read",  # at least one record reading is in
    "all_records_read",  # every assigned reading of the sample is submitted
    "evaluations_proposed",
    "evaluations_agreed",
    "evaluations_signed_off",
    "draft_shared",
    "report_final",
    "report_published",
    "action_plan_submitted",  # submitted to the link inspector or accepted, not returned
    "progress_review_opened",
]

# How the pages say that a signal completed a stage (never the signal's id).
SIGNAL_TEXT: dict[str, str] = {
    "notified": "The notification date has come",
    "surveys_returned": "Survey responses are in",
    "lead_document_sent": "The partnership has sent it to the team",
    "records_read": "Record readings are in",
    "all_records_read": "Every assigned reading is submitted",
    "evaluations_proposed": "The team has proposed its evaluations",
    "evaluations_agreed": "The evaluation meeting has agreed the evaluations",
    "evaluations_signed_off": "A quality assurer has signed off the evaluations",
    "draft_shared": "The draft report is shared with the partnership",
    "report_final": "The report is final",
    "report_published": "The report is published",
    "action_plan_submitted": "The partnership has submitted its action plan",
    "progress_review_opened": "A progress review is opened",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TimetablePhase(_Frozen):
    id: str
    title: str
    week: Annotated[int, Field(ge=1)]
    end_week: Annotated[int, Field(ge=1)] | None = None


class Stage(_Frozen):
    id: str
    title: str
    phase: str
    week: Annotated[int, Field(ge=0)]
    end_week: Annotated[int, Field(ge=0)] | None = None
    after: str | None = None
    asked_of: AskedOf = "team"
    done_when: Signal | None = None
    # The team may record it done as well: what the partnership sends by other means (a
    # statement by e-mail, an action plan on paper) leaves no signal here.
    recordable: bool = False
    # The public texts give no week for it: the number is our estimate, shown as such.
    uncertain: bool = False
    # A stage that happens only in some inspections, and when ("Where key areas are weak").
    only_if: str = ""
    description: str = ""

    @property
    def milestone(self) -> bool:
        return self.end_week is None


class Timetable(_Frozen):
    weeks: Annotated[int, Field(ge=1)]
    phases: tuple[TimetablePhase, ...]
    stages: tuple[Stage, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Timetable:
        problems: list[str] = []
        phase_ids = {p.id for p in self.phases}
        seen: set[str] = set()
        for s in self.stages:
            where = f"timetable.stages.{s.id}"
            if s.id in seen:
                problems.append(f"{where}: the id is used twice")
            if s.phase not in phase_ids:
                problems.append(f"{where}.phase: no phase {s.phase!r}")
            if s.after is not None and s.after not in seen:
                problems.append(f"{where}.after: {s.after!r} is not an earlier stage")
            if s.after is None and s.week < 1:
                problems.append(f"{where}.week: weeks count from 1, the notification's week")
            if s.recordable and s.done_when is None:
                problems.append(f"{where}.recordable: only a stage with done_when needs it")
            if s.end_week is not None and s.end_week < s.week:
                problems.append(f"{where}.end_week: before its week {s.week}")
            last = s.end_week if s.end_week is not None else s.week
            if s.after is None and last > self.weeks:
                problems.append(f"{where}: week {last} is past the timetable's {self.weeks}")
            seen.add(s.id)
        if self.stages and (self.stages[0].week, self.stages[0].after) != (1, None):
            problems.append("timetable.stages: the first stage is the notification, in week 1")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def phase_title(self, phase_id: str) -> str:
        return next((p.title for p in self.phases if p.id == phase_id), phase_id)
