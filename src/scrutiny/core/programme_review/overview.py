"""The programme overview: evaluations, limiters and figures across inspections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scrutiny.core.methodology import Programme
from scrutiny.core.programme_review.figures import InspectionFigures
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

    @property
    def share(self) -> float | None:
        return self.count / self.denominator if self.denominator else None

    @property
    def sentence(self) -> str:
        """The figure as the team's screens and the review print it, small counts hidden:
        a count below the disclosure threshold is "fewer than 5", with no percentage."""
        if not self.denominator:
            return f"no {self.counted} to count"
        if self.count < SUPPRESS_BELOW or self.denominator - self.count < SUPPRESS_BELOW:
            return f"{suppress(self.count)} of {self.denominator} {self.counted} {self.describes}"
        return (
            f"{self.count} of {self.denominator} {self.counted} ({percent(self.share)}) "
            f"{self.describes}"
        )


@dataclass(frozen=True)
class ProgrammeOverview:
    programme: Programme
    inspections: tuple[InspectionFigures, ...]
    indicators: tuple[IndicatorDistribution, ...]
    limiters: tuple[LimiterFrequency, ...]
    statistics: tuple[StatisticTotal, ...]
    records_read: int
    survey_returns: tuple[tuple[str, str, int], ...]  # (survey id, title, returns)

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
        count = sum(f.statistics.get(statistic.id, (0, 0))[0] for f in ordered)
        denominator = sum(f.statistics.get(statistic.id, (0, 0))[1] for f in ordered)
        statistics.append(
            StatisticTotal(statistic.id, statistic.counted, statistic.describes, count, denominator)
        )
    return ProgrammeOverview(
        programme=programme,
        inspections=ordered,
        indicators=tuple(indicators),
        limiters=tuple(limiters),
        statistics=tuple(statistics),
        records_read=sum(f.records_read for f in ordered),
        survey_returns=tuple(
            (s.id, s.title, sum(f.survey_returns.get(s.id, 0) for f in ordered))
            for s in programme.surveys
        ),
    )
