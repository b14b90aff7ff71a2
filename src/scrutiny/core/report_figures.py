"""The report's charts as data: shares of record ratings and survey answers, suppressed.

Each chart is a table first; the drawing (`report_charts`) only pictures the table, so
a reader of either gets the same figures. Counts below five are shown as "fewer than 5"
(with no percentage), and counts from which a small one could be worked out are "not
shown". The rule is the app's shared one (`scrutiny.core.suppression`), so the report
and the web pages hide the same cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scrutiny.core.bundle import Bundle, RecordReading
from scrutiny.core.methodology import Programme, ReadingShare
from scrutiny.core.statistics import Share
from scrutiny.core.suppression import DISCLOSURE_THRESHOLD, distribution, suppression_note

# Counts of people or records below this are shown as "fewer than 5": with so few,
# a reader who knows the area might recognise a child.
SUPPRESS_BELOW = DISCLOSURE_THRESHOLD
SUPPRESSED = f"fewer than {SUPPRESS_BELOW}"
SUPPRESSION_NOTE = suppression_note(SUPPRESS_BELOW)

# How the record-reading chart bands the six-point scale (best first).
RATING_BANDS: tuple[tuple[str, frozenset[int]], ...] = (
    ("Good or better", frozenset({4, 5, 6})),
    ("Adequate", frozenset({3})),
    ("Weak or unsatisfactory", frozenset({1, 2})),
)


@dataclass(frozen=True)
class DataTable:
    caption: str
    headers: tuple[str, ...]  # the first heads the row-header column
    rows: tuple[tuple[str, ...], ...]  # the first cell of each row is its header


@dataclass(frozen=True)
class Chart:
    """A horizontal stacked bar chart of shares, and the table it is drawn from."""

    id: str
    title: str
    description: str  # the alt text: what the chart shows and where its data are
    categories: tuple[str, ...]
    series: tuple[str, ...]
    # Percent per category and series; None where a small count is hidden.
    values: tuple[tuple[float | None, ...], ...]
    table: DataTable


def suppress(count: int) -> str:
    """A single count of people or records as the report shows it."""
    return SUPPRESSED if count < SUPPRESS_BELOW else str(count)


def _row(
    label: str, options: Sequence[str], answers: Sequence[str]
) -> tuple[tuple[str, ...], tuple[float | None, ...]]:
    """A table row (label, total, a cell per option) and the chart's percentages for it."""
    responses = [{"answers": {"item": a}} for a in answers]
    row = distribution(responses, item="item", options=options, title=label).overall.rows[0]
    cells = tuple(
        f"{c.display} ({c.percent_display})" if c.percent is not None else c.display
        for c in row.cells
    )
    return (label, row.total.display, *cells), tuple(c.percent for c in row.cells)


def record_reading_chart(agreed: list[RecordReading], programme: Programme) -> Chart:
    categories, rows, values = [], [], []
    for item in programme.reading_items:
        bands = [_band(r.ratings.get(item.id)) for r in agreed]
        row, vals = _row(item.title, _BAND_NAMES, [b for b in bands if b is not None])
        categories.append(item.title)
        rows.append(row)
        values.append(vals)
    series = _BAND_NAMES
    best = _extreme(categories, values, highest=True)
    worst = _extreme(categories, values, highest=False)
    summary = (
        f" The highest share rated good or better was for {best}; the lowest for {worst}."
        if best
        else ""
    )
    return Chart(
        id="chart-record-reading",
        title="How the children's records we read were rated",
        description=(
            f"Stacked bar chart of {len(categories)} reading-tool items, each showing the share "
            f"of records rated good or better, adequate, and weak or unsatisfactory.{summary} "
            "The figures are in the table that follows."
        ),
        categories=tuple(categories),
        series=series,
        values=tuple(values),
        table=DataTable(
            caption="Records rated, by reading-tool item (agreed readings; items not applicable to a record are not counted)",
            headers=("Reading-tool item", "Records rated", *series),
            rows=tuple(rows),
        ),
    )


_BAND_NAMES = tuple(band for band, _ in RATING_BANDS)


def _band(rating: int | None) -> str | None:
    return next((band for band, points in RATING_BANDS if rating in points), None)


def _extreme(
    categories: list[str], values: list[tuple[float | None, ...]], *, highest: bool
) -> str | None:
    """The item with the highest (or lowest) shown share in the first band, for alt text."""
    shown = [(v[0], c) for c, v in zip(categories, values, strict=True) if v[0] is not None]
    if not shown:
        return None
    share, category = (max if highest else min)(shown, key=lambda pair: pair[0])
    return category.lower()


def survey_charts(bundle: Bundle, programme: Programme) -> list[Chart]:
    """One chart per survey and set of answer options (items sharing options share a chart)."""
    charts = []
    for survey in programme.surveys:
        responses = [r for r in bundle.survey_responses if r.survey == survey.id]
        groups: dict[tuple[str, ...], list[str]] = {}
        for item in survey.items:
            if not item.free_text:  # free text is never charted: it may identify a child
                groups.setdefault(item.options, []).append(item.id)
        for n, (options, item_ids) in enumerate(groups.items(), start=1):
            rows, values, categories = [], [], []
            for item_id in item_ids:
                asked = survey.item(item_id)
                assert asked is not None
                given = [a for r in responses if (a := r.answers.get(item_id)) is not None]
                row, vals = _row(asked.text, options, given)
                categories.append(asked.text)
                rows.append(row)
                values.append(vals)
            series = tuple(o.capitalize() for o in options)
            questions = "; ".join(f"“{c}”" for c in categories)
            charts.append(
                Chart(
                    id=f"chart-{survey.id.replace('_', '-')}-{n}",
                    title=f"{survey.title}: {_short(categories)}",
                    description=(
                        f"Stacked bar chart of answers to {questions}, as shares of those who "
                        f"answered: {', '.join(o.lower() for o in series)}. "
                        "The figures are in the table that follows."
                    ),
                    categories=tuple(categories),
                    series=series,
                    values=tuple(values),
                    table=DataTable(
                        caption=f"{survey.title}: answers, with shares of those who answered each question",
                        headers=("Question", "Answered", *series),
                        rows=tuple(rows),
                    ),
                )
            )
    return charts


def _short(categories: list[str]) -> str:
    return categories[0] if len(categories) == 1 else f"{len(categories)} questions"


def public_sentence(share: Share, charts: Sequence[Chart], programme: Programme) -> str | None:
    """How a public version words a figure sentence, or None if it may be shown as it is.

    The sentence must not undo the tables' suppression: where its count is below five,
    or the table hides a cell it counts or its row's total, the sentence hides the count.
    """
    s = share.statistic
    if not share.denominator:
        return None
    if share.denominator < SUPPRESS_BELOW:
        return f"the number of {s.counted} that {s.describes} is not shown, to protect identities"
    if share.count < SUPPRESS_BELOW:
        return f"{SUPPRESSED} of {share.denominator} {s.counted} {s.describes}"
    if not _table_hides(share, charts, programme):
        return None
    return (
        f"of {share.denominator} {s.counted}, the number that {s.describes} is not shown, "
        "to protect identities"
    )


def _table_hides(share: Share, charts: Sequence[Chart], programme: Programme) -> bool:
    """Whether the chart table holding this statistic's item hides what it counts."""
    s = share.statistic
    if isinstance(s, ReadingShare):
        item = next(i for i in programme.reading_items if i.id == s.item)
        limit = programme.scale.parse(s.at_or_below) or 0
        counted = set(range(1, limit + 1))
        # A band only partly counted could be worked out from the figure and the other
        # bands, so then any hidden cell of the row hides the figure.
        bands = [points for _, points in RATING_BANDS]
        if any(points & counted and not points <= counted for points in bands):
            columns = list(range(len(bands)))
        else:
            columns = [k for k, points in enumerate(bands) if points & counted]
        label, prefix = item.title, "chart-record-reading"
    else:
        survey = programme.survey(s.survey)
        asked = survey.item(s.item) if survey else None
        if asked is None:
            return True
        columns = [asked.options.index(a) for a in s.answers if a in asked.options]
        label, prefix = asked.text, f"chart-{s.survey.replace('_', '-')}-"
    for chart in charts:
        if chart.id.startswith(prefix) and label in chart.categories:
            row = chart.categories.index(label)
            total_shown = chart.table.rows[row][1].isdigit()
            return not total_shown or any(chart.values[row][k] is None for k in columns)
    return True  # no table shows it: be safe
