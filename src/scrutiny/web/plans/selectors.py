"""Reads for the timetable: the plan's dates and statuses, and the facts of the work.

Callers pass an inspection already authorised by access_inspection_by_id.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from scrutiny.core.methodology import load_programme
from scrutiny.core.timetable import DatedStage, StageStatus, Timetable, phase_from_work, schedule
from scrutiny.core.timetable.schedule import StageDates
from scrutiny.web.evaluations.models import Moderation, ProposedEvaluation
from scrutiny.web.inspections.models import Inspection, Phase
from scrutiny.web.partnership.models import ActionPlan, ProgressReview, SentDocument
from scrutiny.web.plans.models import Plan
from scrutiny.web.records.models import Assignment, RecordReading
from scrutiny.web.reports.models import Report
from scrutiny.web.surveys.models import SurveyResponse


def today() -> date:
    return timezone.localdate()


def work_signals(*, inspection: Inspection, on: date, plan: Plan | None = None) -> set[str]:
    """The facts of the work that complete stages (scrutiny.core.timetable.model.Signal)."""
    signals: set[str] = set()
    if plan is not None and plan.notification_date <= on:
        signals.add("notified")
    if SurveyResponse.objects.filter(inspection=inspection).exists():
        signals.add("surveys_returned")
    # The partnership's self-evaluation or position statement, sent through its pages and
    # not returned (sent by other means, the team records the stage done).
    if (
        SentDocument.objects.filter(inspection=inspection)
        .exclude(kind=SentDocument.Kind.DOCUMENT)
        .exclude(status=SentDocument.Status.RETURNED)
        .exists()
    ):
        signals.add("lead_document_sent")
    if RecordReading.objects.filter(inspection=inspection).exists():
        signals.add("records_read")
    assignments = Assignment.objects.filter(inspection=inspection)
    if (
        assignments.exists()
        and not assignments.exclude(status=Assignment.Status.SUBMITTED).exists()
    ):
        signals.add("all_records_read")
    if ProposedEvaluation.objects.filter(inspection=inspection).exists():
        signals.add("evaluations_proposed")
    stage = Moderation.objects.filter(inspection=inspection).values_list("stage", flat=True).first()
    if stage in (Moderation.Stage.AGREED, Moderation.Stage.SIGNED_OFF):
        signals.add("evaluations_agreed")
    if stage == Moderation.Stage.SIGNED_OFF:
        signals.add("evaluations_signed_off")
    plan_status = (
        ActionPlan.objects.filter(inspection=inspection).values_list("status", flat=True).first()
    )
    if plan_status in (ActionPlan.Status.SUBMITTED, ActionPlan.Status.ACCEPTED):
        signals.add("action_plan_submitted")
    if ProgressReview.objects.filter(original=inspection).exists():
        signals.add("progress_review_opened")
    status = Report.objects.filter(inspection=inspection).values_list("status", flat=True).first()
    if status in (Report.Status.SHARED, Report.Status.FINAL, Report.Status.PUBLISHED):
        signals.add("draft_shared")
    if status in (Report.Status.FINAL, Report.Status.PUBLISHED):
        signals.add("report_final")
    if status == Report.Status.PUBLISHED:
        signals.add("report_published")
    return signals


def signal_dates(*, inspection: Inspection) -> dict[str, date]:
    """The days the work showed the signals other stages count from: the report's
    publication, for the action plan and the progress review."""
    published = (
        Report.objects.filter(inspection=inspection, status=Report.Status.PUBLISHED)
        .values_list("published_at", flat=True)
        .first()
    )
    return {"report_published": timezone.localdate(published)} if published else {}


def inspection_phase(*, inspection: Inspection, signals: set[str] | None = None) -> str:
    """The phase's label, from how far the work has got (never typed)."""
    if signals is None:
        signals = work_signals(inspection=inspection, on=today())
    return Phase(phase_from_work(signals)).label


@dataclass
class ChartRow:
    """One stage as the chart beside the table draws it (SVG user units)."""

    title: str
    status: str
    x: float
    width: float
    y: int
    milestone: bool


@dataclass
class Timeline:
    plan: Plan
    timetable: Timetable
    stages: list[DatedStage]
    phase: str
    today: date
    chart: list[ChartRow] = field(default_factory=list)
    chart_height: int = 0
    today_x: float | None = None

    @property
    def overdue(self) -> list[DatedStage]:
        return [s for s in self.stages if s.status is StageStatus.OVERDUE]

    @property
    def this_week(self) -> list[DatedStage]:
        return [s for s in self.stages if s.status in (StageStatus.DUE, StageStatus.NOW)]

    @property
    def attention(self) -> list[DatedStage]:
        """Overdue stages and those due this week, in the programme's order."""
        return [
            s
            for s in self.stages
            if s.status in (StageStatus.OVERDUE, StageStatus.DUE, StageStatus.NOW)
        ]

    @property
    def next_stage(self) -> DatedStage | None:
        return next((s for s in self.stages if s.open), None)

    def asked_of(self, who: str) -> list[DatedStage]:
        return [s for s in self.stages if s.stage.asked_of == who]


# The chart: stage titles in the first LABEL_WIDTH units, the weeks in the rest.
CHART_WIDTH = 1000
LABEL_WIDTH = 380
ROW_HEIGHT = 26


def _chart(stages: list[DatedStage], today_on: date) -> tuple[list[ChartRow], int, float | None]:
    # Only-if stages (a progress review a year on) would squash the rest: they stay in
    # the table, not the chart.
    shown = [s for s in stages if not s.stage.only_if]
    if not shown:
        return [], 0, None
    first = min(s.start for s in shown)
    last = max(s.end for s in shown)
    span = max((last - first).days + 1, 1)
    scale = (CHART_WIDTH - LABEL_WIDTH - 10) / span

    def x(day: date) -> float:
        return round(LABEL_WIDTH + (day - first).days * scale, 1)

    rows = [
        ChartRow(
            title=s.stage.title,
            status=s.status.value.replace(" ", "-"),
            x=x(s.start),
            width=round(max((s.end - s.start).days + 1, 1) * scale, 1),
            y=i * ROW_HEIGHT,
            milestone=s.stage.milestone,
        )
        for i, s in enumerate(shown)
    ]
    today_x = x(today_on) if first <= today_on <= last else None
    return rows, len(rows) * ROW_HEIGHT, today_x


def timeline_for(*, inspection: Inspection, on: date | None = None) -> Timeline | None:
    """The inspection's timetable with dates and statuses; None without a plan or a
    programme timetable."""
    plan = Plan.objects.filter(inspection=inspection).first()
    timetable = load_programme(inspection.programme).timetable
    if plan is None or timetable is None:
        return None
    on = on or today()
    signals = work_signals(inspection=inspection, on=on, plan=plan)
    changes = list(plan.stage_changes.all())
    stages = schedule(
        timetable,
        notification=plan.notification_date,
        today=on,
        overrides={c.stage: StageDates(start=c.start, end=c.end) for c in changes if c.start},
        signals=signals,
        completed={c.stage: c.done_on for c in changes if c.done_on},
        signal_dates=signal_dates(inspection=inspection),
    )
    chart, height, today_x = _chart(stages, on)
    return Timeline(
        plan=plan,
        timetable=timetable,
        stages=stages,
        phase=Phase(phase_from_work(signals)).label,
        today=on,
        chart=chart,
        chart_height=height,
        today_x=today_x,
    )
