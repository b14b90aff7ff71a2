"""Reads for the programme-wide picture. Only aggregates leave here: the figures of each
inspection (counts, shares, evaluations), never a reading, an answer or a note.

Each inspection's figures come from the domain core evaluating its stored bundle, the
same path as `scrutiny evaluate`, so the overview adds up the inspections' own figures.
A published inspection cannot change without its report being reopened (which changes
the report's status and version), so its figures are cached under those.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404

from scrutiny.core.methodology import Programme, available_programmes, load_programme
from scrutiny.core.programme_review import (
    InspectionFigures,
    ProgrammeOverview,
    inspection_figures,
    programme_overview,
)
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection
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
    key = f"programme-figures:{inspection.pk}:{report.version}:{programme.version}"
    figures = cache.get(key)
    if figures is None:
        figures = inspection_figures(
            inspection_bundle(inspection=inspection), programme, year=_year(inspection)
        )
        cache.set(key, figures, timeout=None)
    return figures


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
    figures = [figures_of(inspection=i, programme=programme) for i in inspections]
    all_years = sorted({f.year for f in figures})
    chosen = set(years)
    if chosen:
        figures = [f for f in figures if f.year in chosen]
    return programme_overview(figures, programme), all_years


def parse_years(values: Iterable[Any]) -> list[int]:
    return sorted({int(v) for v in values if str(v).isdigit() and 1900 < int(v) < 3000})
