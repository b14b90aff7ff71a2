from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from scrutiny.core.evaluation import Alert, evaluate
from scrutiny.core.methodology import Programme, Survey, SurveyShare
from scrutiny.core.report_charts import chart_svg
from scrutiny.core.report_figures import Chart, DataTable
from scrutiny.core.suppression import (
    SuppressedTable,
    by_answer,
    by_care_group,
    distribution,
)
from scrutiny.web.evaluations.models import TeamJudgement
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.surveys.models import Answer, SurveyImport, SurveyResponse

# A running import whose row has not been touched for this long has died (the server
# restarted): its transaction was never committed, so nothing was stored.
STALE_AFTER = timedelta(minutes=10)
RUNNING = (
    SurveyImport.Status.INSPECTING,
    SurveyImport.Status.SCANNING,
    SurveyImport.Status.IMPORTING,
)
# Items that say what kind of respondent answered; the programme file has no flag for
# it yet, so it is named here (staff: the service they work in).
RESPONDENT_TYPE_ITEMS = ("role",)


def survey_counts(*, inspection: object) -> dict[str, int]:
    rows = (
        SurveyResponse.objects.filter(inspection=inspection, pending=False)
        .values("survey")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["survey"]: row["n"] for row in rows}


def response_list(*, inspection: object, survey: str) -> QuerySet[SurveyResponse]:
    return (
        SurveyResponse.objects.filter(inspection=inspection, survey=survey, pending=False)
        .order_by("position")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("id")))
    )


def access_survey_import_by_id(*, inspection: object, import_id: int) -> SurveyImport:
    """An import of this (already authorised) inspection, or 404."""
    job = (
        SurveyImport.objects.filter(inspection=inspection, pk=import_id)
        .select_related("inspection", "created_by", "superseded_by", "job", "inclusion_by")
        .first()
    )
    if job is None:
        raise Http404
    return job


def is_stale(job: SurveyImport) -> bool:
    """A running step whose job has failed (its worker stopped for good, or it crashed),
    or whose row has not moved for too long: nothing from it was stored."""
    if job.status not in RUNNING:
        return False
    queued = job.job
    if queued is not None and queued.status == "failed":
        return True
    return timezone.now() - job.updated_at > STALE_AFTER


def import_history(*, inspection: object, survey: str) -> QuerySet[SurveyImport]:
    return SurveyImport.objects.filter(inspection=inspection, survey=survey).select_related(
        "created_by", "superseded_by"
    )


def bundle_response_count(*, inspection: object, survey: str) -> int:
    """Responses that came in a bundle or through the API rather than from a file import.
    Beside a current file import these came after it: the import replaced every earlier
    response."""
    return SurveyResponse.objects.filter(
        inspection=inspection, survey=survey, survey_import=None, pending=False
    ).count()


# --- results ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResultTable:
    table: SuppressedTable
    svg: str  # the chart drawn from the table (only from its displayed figures)


@dataclass(frozen=True)
class ItemResults:
    id: str
    text: str
    tables: list[ResultTable]  # overall first, then each breakdown


@dataclass(frozen=True)
class FeelSafe:
    """The feel-safe figure against its alert level, as the engine evaluates it, and
    the team's judgement on it. The words come from the core (`Alert.sentence`), so the
    survey pages and the limiter panel say the same of the same figure."""

    alert: Alert
    statistic: SurveyShare
    judgement: TeamJudgement | None


def _responses(*, inspection: object, survey: Survey) -> list[dict[str, Any]]:
    """Each response as the core's suppression reads it: care group and answers."""
    by_response: dict[int, dict[str, Any]] = {}
    for pk, care_group in SurveyResponse.objects.filter(
        inspection=inspection, survey=survey.id, pending=False
    ).values_list("id", "care_group"):
        by_response[pk] = {"care_group": care_group, "answers": {}}
    options = {i.id for i in survey.items if not i.free_text}
    for response_id, item, value in Answer.objects.filter(
        response__inspection=inspection,
        response__survey=survey.id,
        response__pending=False,
        item__in=options,
    ).values_list("response_id", "item", "value"):
        if value is not None:
            by_response[response_id]["answers"][item] = value
    return list(by_response.values())


def survey_results(
    *, inspection: object, programme: Programme, survey: Survey
) -> list[ItemResults]:
    """Per option item: the distribution overall, by care group and by respondent type,
    every figure suppressed by the core's rule, and a chart drawn from what is shown."""
    responses = _responses(inspection=inspection, survey=survey)
    groups = {g.id: g.label for g in programme.care_groups}
    groupings = []
    if any(r["care_group"] for r in responses):
        groupings.append(by_care_group(groups))
    for item in survey.items:
        if item.id in RESPONDENT_TYPE_ITEMS and item.options:
            groupings.append(by_answer(item.id, item.options, title=f"By {item.text.lower()}"))
    results = []
    for item in survey.items:
        if item.free_text:
            continue  # free text is read response by response, never counted or charted
        own = [g for g in groupings if g.name != item.id]
        d = distribution(
            responses, item=item.id, options=item.options, title=item.text, groupings=own
        )
        tables = [d.overall, *d.breakdowns.values()]
        results.append(
            ItemResults(
                id=item.id,
                text=item.text,
                tables=[
                    ResultTable(t, chart_svg(_chart(t, f"chart-{survey.id}-{item.id}-{n}")))
                    for n, t in enumerate(tables)
                ],
            )
        )
    return results


def _chart(table: SuppressedTable, chart_id: str) -> Chart:
    """The report's chart model fed only displayed figures: hidden cells are None."""
    return Chart(
        id=chart_id,
        title=table.title,
        description=(
            f"Stacked bar chart of the share giving each answer, for {len(table.rows)} "
            f"group{'s' if len(table.rows) != 1 else ''} of respondents. Small numbers are "
            "hidden. The figures are in the table beside the chart."
        ),
        categories=tuple(r.label for r in table.rows),
        series=tuple(o.capitalize() for o in table.columns),
        values=tuple(tuple(c.percent for c in r.cells) for r in table.rows),
        table=DataTable(
            caption=table.title,
            headers=("Respondents", "Answered", *table.columns),
            rows=tuple(
                (r.label, r.total.display, *(c.display for c in r.cells)) for r in table.rows
            ),
        ),
    )


def feel_safe(*, inspection: Inspection, programme: Programme) -> FeelSafe | None:
    """The survey figure a pending rule holds against its alert level, from the engine."""
    evaluation = evaluate(inspection_bundle(inspection=inspection), programme)
    for alert in evaluation.alerts:
        statistic = alert.share.statistic
        if isinstance(statistic, SurveyShare):
            judgement = TeamJudgement.objects.filter(
                inspection=inspection, judgement=alert.judgement
            ).first()
            return FeelSafe(alert=alert, statistic=statistic, judgement=judgement)
    return None


def results_rows(*, results: list[ItemResults]) -> list[list[str]]:
    """The results as CSV rows: displayed figures only, never a raw small count."""
    rows: list[list[str]] = [
        ["Item", "Table", "Respondents", "Answered", "Answer", "Number", "Percentage"]
    ]
    for item in results:
        for rt in item.tables:
            t = rt.table
            for r in t.rows:
                for option, cell in zip(t.columns, r.cells, strict=True):
                    rows.append(
                        [
                            item.id,
                            t.title,
                            r.label,
                            r.total.display,
                            option,
                            cell.display,
                            cell.percent_display,
                        ]  # fmt: skip
                    )
    return rows
