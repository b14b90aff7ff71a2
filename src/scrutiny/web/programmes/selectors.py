"""Reads for the programme-wide picture. Only aggregates leave here: the figures of each
inspection (counts, shares, evaluations), never a reading, an answer or a note.

Each inspection's figures come from the domain core evaluating its stored bundle, the
same path as `scrutiny evaluate`, so the overview adds up the inspections' own figures.
A published inspection cannot change without its report being reopened (which changes
the report's status and version), so its figures are cached under those.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from scrutiny.core.methodology import Programme, available_programmes, load_programme
from scrutiny.core.programme_review import (
    InspectionFigures,
    ProgrammeOverview,
    inspection_figures,
    programme_overview,
)
from scrutiny.core.programme_review.review import review_layout
from scrutiny.core.programme_review.timelines import MilestoneOutcome, milestone_outcomes
from scrutiny.core.timetable.schedule import StageDates
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.models import Job
from scrutiny.web.partnership.models import ActionPlan
from scrutiny.web.plans.models import Plan
from scrutiny.web.reports.models import Report


@dataclass(frozen=True)
class ProgrammeSummary:
    programme: Programme
    published: int
    in_progress: int


def programme_list() -> list[ProgrammeSummary]:
    out = []
    for programme_id in available_programmes():
        programme = load_programme(programme_id)
        rows = Inspection.objects.filter(programme=programme_id)
        published = rows.filter(report__status=Report.Status.PUBLISHED).count()
        out.append(ProgrammeSummary(programme, published, rows.count() - published))
    return out


def access_programme_by_id(*, programme_id: str) -> Programme:
    if programme_id not in available_programmes():
        raise Http404
    return load_programme(programme_id)


def _year(inspection: Inspection) -> int:
    """An inspection counts in the year its fieldwork began."""
    return inspection.start.year


def programme_inspections(
    *, programme: Programme, include_unpublished: bool = False
) -> QuerySet[Inspection]:
    rows = Inspection.objects.filter(programme=programme.id).select_related("report")
    if not include_unpublished:
        rows = rows.filter(report__status=Report.Status.PUBLISHED)
    return rows.order_by("partnership", "start", "id")


def figures_of(*, inspection: Inspection, programme: Programme) -> InspectionFigures:
    report = getattr(inspection, "report", None)
    published = report is not None and report.status == Report.Status.PUBLISHED
    if not published:
        return inspection_figures(
            inspection_bundle(inspection=inspection), programme, year=_year(inspection)
        )
    # The shape of the figures is in the key: a cache that outlives a release never hands
    # back figures of an older shape.
    key = f"programme-figures-2:{inspection.pk}:{report.version}:{programme.version}"
    figures = cache.get(key)
    if figures is None:
        figures = inspection_figures(
            inspection_bundle(inspection=inspection), programme, year=_year(inspection)
        )
        cache.set(key, figures, timeout=None)
    return figures


# The timetable's stage that the partnership's action plan, once submitted, completes.
ACTION_PLAN_STAGE = "action_plan"


def milestones_of(
    *,
    inspection: Inspection,
    plan: Plan | None,
    programme: Programme,
    today: date,
    action_plan_submitted: datetime | None = None,
) -> tuple[MilestoneOutcome, ...] | None:
    """Whether the inspection kept its plan's key milestones; None without a plan.

    A milestone the work completes (a signal) was done on the day the report moved: its
    draft shared, made final, published. The action plan was done when the partnership
    submitted it here, or on the day the team recorded it done (the team's date wins:
    a plan sent by other means). The plan is not in the bundle, so this is not cached
    with the figures: it changes with the plan, and with the day (a milestone falls due)."""
    timetable = programme.timetable
    if plan is None or timetable is None:
        return None
    report = getattr(inspection, "report", None)
    moved = {
        "draft_shared": report.shared_at if report else None,
        "report_final": report.finalised_at if report else None,
        "report_published": report.published_at if report else None,
    }
    done = {
        stage.id: timezone.localdate(moved[stage.done_when])
        for stage in timetable.stages
        if stage.done_when in moved and moved[stage.done_when] is not None
    }
    if action_plan_submitted is not None:
        done[ACTION_PLAN_STAGE] = timezone.localdate(action_plan_submitted)
    changes = list(plan.stage_changes.all())
    done |= {c.stage: c.done_on for c in changes if c.done_on}
    return milestone_outcomes(
        timetable,
        notification=plan.notification_date,
        today=today,
        done=done,
        overrides={c.stage: StageDates(start=c.start, end=c.end) for c in changes if c.start},
    )


def overview_for(
    *,
    programme: Programme,
    years: Iterable[int] = (),
    include_unpublished: bool = False,
) -> tuple[ProgrammeOverview, list[int]]:
    """The overview of the chosen years (all when none), and every year there is."""
    inspections = list(
        programme_inspections(programme=programme, include_unpublished=include_unpublished)
    )
    plans = {
        p.inspection_id: p
        for p in Plan.objects.filter(inspection__in=inspections).prefetch_related("stage_changes")
    }
    submitted = dict(
        ActionPlan.objects.filter(
            inspection__in=inspections, submitted_at__isnull=False
        ).values_list("inspection_id", "submitted_at")
    )
    today = timezone.localdate()
    figures = [
        replace(
            figures_of(inspection=i, programme=programme),
            milestones=milestones_of(
                inspection=i,
                plan=plans.get(i.pk),
                programme=programme,
                today=today,
                action_plan_submitted=submitted.get(i.pk),
            ),
        )
        for i in inspections
    ]
    all_years = sorted({f.year for f in figures})
    chosen = set(years)
    if chosen:
        figures = [f for f in figures if f.year in chosen]
    return programme_overview(figures, programme), all_years


# The review of findings' formats: (content type, the name people know it by).
REVIEW_FORMATS = {
    "html": ("text/html; charset=utf-8", "HTML page"),
    "pdf": ("application/pdf", "PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
}


@dataclass(frozen=True)
class ReviewFile:
    content: bytes
    content_type: str
    file_name: str


def review_file_name(*, programme: Programme, years: Iterable[int], file_type: str) -> str:
    words = "".join(c if c.isalnum() else "-" for c in programme.short_title.lower())
    span = "-".join(str(y) for y in sorted(set(years)))
    name = "-".join(part for part in ("review-of-findings", *words.split("-"), span) if part)
    return f"{name}.{file_type}"


def review_file(*, programme: Programme, years: Iterable[int], file_type: str) -> ReviewFile:
    """The review of findings of the programme's published inspections of `years` (all
    when none), in one of REVIEW_FORMATS. Aggregates of published reports only."""
    years = list(years)
    overview, _ = overview_for(programme=programme, years=years)
    doc = review_layout(overview, years=years)
    description = f"{programme.title}: a review of findings across published inspections"
    if file_type == "html":
        from scrutiny.core.report_html import render_layout_html

        content = render_layout_html(doc, description=description).encode("utf-8")
    elif file_type == "pdf":
        from scrutiny.core.report_pdf import render_layout_pdf

        content = render_layout_pdf(doc, description=description)
    elif file_type == "docx":
        from scrutiny.core.report_docx import DocxProperties, render_layout_docx

        content = render_layout_docx(
            doc,
            properties=DocxProperties(
                subject=programme.title,
                keywords="Review of findings; joint inspections",
                status="Draft",
                header=f"{programme.short_title} · review of findings",
            ),
        )
    else:
        raise Http404
    return ReviewFile(
        content,
        REVIEW_FORMATS[file_type][0],
        review_file_name(programme=programme, years=years, file_type=file_type),
    )


def parse_years(values: Iterable[Any]) -> list[int]:
    return sorted({int(v) for v in values if str(v).isdigit() and 1900 < int(v) < 3000})


# What a review job's permission says (jobs/models.py): a programme reader's work, not an
# inspection permission from roles.py (the job has no inspection).
REVIEW_PERMISSION = "programme.review"


def access_review_job_by_id(*, user: Any, programme_id: str, job_id: int) -> Job:
    """A review build of this programme; 404 for any other job, missing and forbidden
    alike. The caller has checked that the person reads programmes: every programme
    reader may follow any build of its review, which holds nothing but the published
    inspections' aggregates, the same for everyone who asks."""
    if not (user.is_administrator or user.is_programme_manager):
        raise Http404
    job = Job.objects.filter(pk=job_id, inspection=None, permission=REVIEW_PERMISSION).first()
    if job is None or not isinstance(job.params, dict):
        raise Http404
    if job.params.get("programme") != programme_id:
        raise Http404
    return job
