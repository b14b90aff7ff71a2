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


def limiter_figures_table(overview: ProgrammeOverview) -> DataTable:
    """Each time a limiter applied, the figures behind it, as the inspection's public
    report gives them."""
    return DataTable(
        caption="The figures behind each limiter that applied",
        headers=("Limiter", "Partnership", "The figures"),
        rows=tuple(
            (lim.title, partnership, detail)
            for lim in overview.limiters
            for partnership, detail in lim.details
        ),
    )


def timelines_chart(overview: ProgrammeOverview) -> Chart:
    """How many inspections kept each key milestone of their plans, and how many missed it.
    Counts of inspections, not of people: nothing is hidden."""
    # Missed last, so the palette draws it in the unfavourable colour.
    series = ("Kept", "Not yet due", "Missed")
    categories, rows, values = [], [], []
    for tally in overview.milestones:
        counts = (tally.kept, tally.not_yet_due, tally.missed)
        planned = tally.planned
        categories.append(tally.title)
        rows.append(
            (
                tally.title,
                str(planned),
                *(f"{n} ({percent(n / planned)})" if planned else "0" for n in counts),
            )
        )
        values.append(tuple(100 * n / planned if planned else 0.0 for n in counts))
    without = overview.milestones[0].without_plan if overview.milestones else 0
    return Chart(
        id="chart-programme-timelines",
        title="Timelines kept or missed",
        description=(
            f"Stacked bar chart of {len(categories)} key milestones of the inspections' "
            "plans, each bar showing the share of inspections with a plan that kept the "
            "milestone, for which it is not yet due, or that missed it. The figures are in "
            "the table that follows."
        ),
        categories=tuple(categories),
        series=series,
        values=tuple(values),
        table=DataTable(
            caption="Inspections that kept or missed each key milestone of their plans"
            + (f" ({without} without a plan are not counted)" if without else ""),
            headers=("Milestone", "Inspections with a plan", *series),
            rows=tuple(rows),
        ),
    )
