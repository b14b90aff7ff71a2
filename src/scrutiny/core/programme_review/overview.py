"""The programme overview: evaluations, limiters and figures across inspections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from scrutiny.core.methodology import Programme
from scrutiny.core.programme_review.figures import InspectionFigures
from scrutiny.core.programme_review.timelines import KEY_MILESTONES, Kept
from scrutiny.core.report_figures import SUPPRESS_BELOW, suppress
from scrutiny.core.statistics import percent


@dataclass(frozen=True)
class IndicatorDistribution:
    id: str
    title: str
    # Scale value (6 excellent … 1 unsatisfactory) -> how many inspections, best first.
    counts: tuple[tuple[int, int], ...]
    not_final: int  # inspections where it was not (yet) final
    by_partnership: tuple[tuple[str, int, int | None], ...]  # (partnership, year, value)


@dataclass(frozen=True)
class LimiterFrequency:
    indicator: str
    rule: str
    title: str
    applied: int  # inspections where the limiter applied
    of: int  # inspections counted
    details: tuple[tuple[str, str], ...]  # (partnership, the figures behind it)


@dataclass(frozen=True)
class StatisticTotal:
    id: str
    counted: str  # what the denominator counts ("readings", "children who answered")
    describes: str
    count: int
    denominator: int
    # Whether the sums may be shown, by the rule for totals (`may_show_total`).
    count_shown: bool = True
    denominator_shown: bool = True

    @property
    def share(self) -> float | None:
        return self.count / self.denominator if self.denominator else None

    @property
    def sentence(self) -> str:
        """The figure as the overview and the review print it, small counts hidden as the
        inspections' public reports hide them: a count below the disclosure threshold is
        "fewer than 5", with no percentage, and a sum that would give away a count an
        inspection's report hid is not shown."""
        if not self.denominator:
            return f"no {self.counted} to count"
        if not self.denominator_shown or self.denominator < SUPPRESS_BELOW:
            return (
                f"the number of {self.counted} that {self.describes} is not shown, "
                "to protect identities"
            )
        if self.count < SUPPRESS_BELOW or self.denominator - self.count < SUPPRESS_BELOW:
            return f"{suppress(self.count)} of {self.denominator} {self.counted} {self.describes}"
        if not self.count_shown:
            return (
                f"of {self.denominator} {self.counted}, the number that {self.describes} "
                "is not shown, to protect identities"
            )
        return (
            f"{self.count} of {self.denominator} {self.counted} ({percent(self.share)}) "
            f"{self.describes}"
        )


def may_show_total(parts: Sequence[tuple[int, int, bool]]) -> bool:
    """Whether a sum over inspections may be shown: `parts` are (year, count, whether the
    inspection's own public report hides the count).

    A sum gives away the sum of the counts the reports hid (subtract the ones they
    show). So it is shown only when no report hid its count, or when at least two did
    and together they come to the disclosure threshold or more. The overview filters by
    year, and two year filters' sums differ by a third's: so the rule must hold for each
    year on its own too, which makes every union of years safe as well.
    """

    def safe(counts: Sequence[tuple[int, int, bool]]) -> bool:
        hidden = [count for _, count, hides in counts if hides]
        return not hidden or (len(hidden) >= 2 and sum(hidden) >= SUPPRESS_BELOW)

    years = {year for year, _, _ in parts}
    return safe(parts) and all(safe([p for p in parts if p[0] == y]) for y in years)


def shown_total(parts: Sequence[tuple[int, int, bool]]) -> str:
    """A sum of counts of people or records as the overview and the review print it."""
    total = sum(count for _, count, _ in parts)
    if not may_show_total(parts):
        return "not shown"
    return suppress(total)


@dataclass(frozen=True)
class MilestoneTally:
    """How many inspections kept one key milestone of their plans, and how many missed it."""

    stage: str  # the programme's stage id: for grouping only, never printed
    title: str
    kept: int
    missed: int
    not_yet_due: int
    without_plan: int  # inspections counted that have no plan

    @property
    def planned(self) -> int:
        return self.kept + self.missed + self.not_yet_due


@dataclass(frozen=True)
class ProgrammeOverview:
    programme: Programme
    inspections: tuple[InspectionFigures, ...]
    indicators: tuple[IndicatorDistribution, ...]
    limiters: tuple[LimiterFrequency, ...]
    statistics: tuple[StatisticTotal, ...]
    records_read: int
    survey_returns: tuple[tuple[str, str, int], ...]  # (survey id, title, returns)
    milestones: tuple[MilestoneTally, ...] = ()
    # The records read and each survey's returns (by survey id) as they may be shown.
    records_read_shown: str = ""
    survey_returns_shown: dict[str, str] = field(default_factory=dict)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({f.year for f in self.inspections}))


def programme_overview(
    figures: Sequence[InspectionFigures], programme: Programme
) -> ProgrammeOverview:
    """Add the inspections' own figures up; nothing is recomputed from case data."""
    ordered = tuple(sorted(figures, key=lambda f: (f.partnership, f.year, f.reference)))
    values = [p.value for p in sorted(programme.scale.points, key=lambda p: -p.value)]
    indicators = []
    for evaluated in programme.evaluated:
        finals = [(f.partnership, f.year, f.evaluations.get(evaluated.id)) for f in ordered]
        indicators.append(
            IndicatorDistribution(
                id=evaluated.id,
                title=evaluated.title,
                counts=tuple((v, sum(1 for _, _, x in finals if x == v)) for v in values),
                not_final=sum(1 for _, _, x in finals if x is None),
                by_partnership=tuple(finals),
            )
        )
    limiters = []
    for rule in programme.limiters:
        details = tuple(
            (f.partnership, a.detail)
            for f in ordered
            for a in f.limiters
            if a.rule == rule.id and a.indicator == rule.indicator
        )
        limiters.append(
            LimiterFrequency(
                rule.indicator, rule.id, rule.title, len(details), len(ordered), details
            )
        )
    statistics = []
    for statistic in programme.statistics:
        own = [(f.year, *f.statistics.get(statistic.id, (0, 0))) for f in ordered]
        hidden = [statistic.id in f.statistics_hidden for f in ordered]
        statistics.append(
            StatisticTotal(
                statistic.id,
                statistic.counted,
                statistic.describes,
                count=sum(c for _, c, _ in own),
                denominator=sum(d for _, _, d in own),
                count_shown=may_show_total(
                    [(y, c, h) for (y, c, _), h in zip(own, hidden, strict=True)]
                ),
                # A report hides a denominator below the threshold ("not shown").
                denominator_shown=may_show_total([(y, d, d < SUPPRESS_BELOW) for y, _, d in own]),
            )
        )
    # A report hides a count of records or returns below the threshold.
    returns = {
        s.id: [_counted(f.year, f.survey_returns.get(s.id, 0)) for f in ordered]
        for s in programme.surveys
    }
    records = [_counted(f.year, f.records_read) for f in ordered]
    return ProgrammeOverview(
        milestones=_milestones(ordered, programme),
        programme=programme,
        inspections=ordered,
        indicators=tuple(indicators),
        limiters=tuple(limiters),
        statistics=tuple(statistics),
        records_read=sum(f.records_read for f in ordered),
        records_read_shown=shown_total(records),
        survey_returns_shown={sid: shown_total(parts) for sid, parts in returns.items()},
        survey_returns=tuple(
            (s.id, s.title, sum(f.survey_returns.get(s.id, 0) for f in ordered))
            for s in programme.surveys
        ),
    )


def _counted(year: int, count: int) -> tuple[int, int, bool]:
    return year, count, count < SUPPRESS_BELOW


def _milestones(
    figures: Sequence[InspectionFigures], programme: Programme
) -> tuple[MilestoneTally, ...]:
    timetable = programme.timetable
    if timetable is None:
        return ()
    tallies = []
    for stage_id in KEY_MILESTONES:
        stage = timetable.stage(stage_id)
        if stage is None:
            continue
        outcomes = [
            next((m.outcome for m in f.milestones if m.stage == stage_id), None)
            for f in figures
            if f.milestones is not None
        ]
        tallies.append(
            MilestoneTally(
                stage_id,
                stage.title,
                kept=outcomes.count(Kept.KEPT),
                missed=outcomes.count(Kept.MISSED),
                not_yet_due=outcomes.count(Kept.NOT_YET_DUE),
                without_plan=sum(1 for f in figures if f.milestones is None),
            )
        )
    return tuple(tallies)
