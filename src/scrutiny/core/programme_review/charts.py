"""The overview's charts, each a table first (the report's Chart and DataTable), so the
page, the review of findings and a screen reader's user get the same figures."""

from __future__ import annotations

from scrutiny.core.programme_review.overview import ProgrammeOverview
from scrutiny.core.report_figures import Chart, DataTable
from scrutiny.core.statistics import percent


def evaluations_chart(overview: ProgrammeOverview) -> Chart:
    """How the inspections' evaluations of each indicator fall on the scale."""
    scale = overview.programme.scale
    series = (
        tuple(scale.label(v) for v, _ in overview.indicators[0].counts)
        if overview.indicators
        else ()
    )
    categories, rows, values = [], [], []
    for ind in overview.indicators:
        total = sum(n for _, n in ind.counts)
        label = f"{ind.id} {ind.title}"
        categories.append(label)
        rows.append(
            (
                label,
                str(total),
                *(f"{n} ({percent(n / total)})" if total else "0" for _, n in ind.counts),
            )
        )
        values.append(tuple(100 * n / total if total else 0.0 for _, n in ind.counts))
    inspections = len(overview.inspections)
    return Chart(
        id="chart-programme-evaluations",
        title="Evaluations across the programme",
        description=(
            f"Stacked bar chart of the evaluations of {len(categories)} quality indicators "
            f"across {inspections} inspection{'s' if inspections != 1 else ''}, each bar "
            "showing the share of inspections at each point of the six-point scale. The "
            "figures are in the table that follows."
        ),
        categories=tuple(categories),
        series=series,
        values=tuple(values),
        table=DataTable(
            caption="Inspections by evaluation, for each quality indicator (final evaluations only)",
            headers=("Quality indicator", "Inspections evaluated", *series),
            rows=tuple(rows),
        ),
    )


def limiters_table(overview: ProgrammeOverview) -> DataTable:
    return DataTable(
        caption="How often each limiter applied",
        headers=("Limiter", "Quality indicator", "Inspections where it applied"),
        rows=tuple(
            (lim.title, lim.indicator, f"{lim.applied} of {lim.of}") for lim in overview.limiters
        ),
    )


def partnerships_table(overview: ProgrammeOverview) -> DataTable:
    scale = overview.programme.scale
    ids = [ind.id for ind in overview.indicators]
    return DataTable(
        caption="Each partnership's evaluations",
        headers=("Partnership", "Year", *(f"QI {i}" for i in ids)),
        rows=tuple(
            (
                f.partnership,
                str(f.year),
                *(
                    scale.label(v) if (v := f.evaluations.get(i)) is not None else "Not final"
                    for i in ids
                ),
            )
            for f in overview.inspections
        ),
    )
