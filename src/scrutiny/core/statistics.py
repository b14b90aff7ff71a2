"""Figures computed from an inspection's evidence: agreed readings and shares.

Shares are kept as whole counts; the fraction is derived, so a threshold test such as
"more than 20%" is exact (no floating-point surprise at exactly 20 of 100).

The share-versus-threshold rule is written here once (`exceeds`, `reaches`); the
engine, the sensitivity of a limiter and every page that shows a figure against its
line ask these, never compare for themselves. So is the wording of a figure on the
team's own screens (`Share.sentence`, `percent`, `level`): docs/house-rules.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scrutiny.core.bundle import Bundle, RecordReading
from scrutiny.core.methodology import Programme, ReadingShare, SurveyShare


@dataclass(frozen=True)
class Share:
    """`count` of `denominator` entries meet the statistic's condition."""

    statistic: ReadingShare | SurveyShare
    denominator: int
    count: int

    @property
    def fraction(self) -> Fraction | None:
        return Fraction(self.count, self.denominator) if self.denominator else None

    @property
    def share(self) -> float | None:
        return self.count / self.denominator if self.denominator else None

    def exceeds(self, threshold: float | Fraction | Decimal) -> bool:
        """More than `threshold` of the counted entries (never, with none counted)."""
        return exceeds(self.count, self.denominator, threshold)

    def reaches(self, threshold: float | Fraction | Decimal) -> bool:
        """At least `threshold` of the counted entries (never, with none counted)."""
        return reaches(self.count, self.denominator, threshold)

    def sentence(self) -> str:
        """'24 of 100 readings (24.0%) rate the immediate response ... weak or unsatisfactory'."""
        s = self.statistic
        if not self.denominator:
            return f"no {s.counted} to count"
        return (
            f"{self.count} of {self.denominator} {s.counted} ({percent(self.share)}) {s.describes}"
        )

    def to_json(self) -> dict[str, int | float | None]:
        s = self.statistic
        return {s.denominator_key: self.denominator, s.count_key: self.count, "share": self.share}


def percent(share: float | Fraction | None) -> str:
    """A figure as a percentage, always to one decimal place: '16.7%', '20.0%'."""
    return "–" if share is None else f"{float(share) * 100:.1f}%"


def level(threshold: float | Fraction | Decimal) -> str:
    """A programme's line as it writes it: 0.20 is '20%', 0.105 is '10.5%'."""
    value = exact_threshold(threshold) * 100
    whole = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{whole.normalize():f}%"


def exact_threshold(threshold: float | Fraction | Decimal) -> Fraction:
    """The threshold as the decimal the programme file wrote (0.2), not the binary
    float nearest to it (0.200000000000000011...)."""
    value = Fraction(str(threshold)) if isinstance(threshold, float) else Fraction(threshold)
    if not 0 <= value <= 1:
        raise ValueError(f"a threshold share must be between 0 and 1, not {threshold}")
    return value


def exceeds(count: int, denominator: int, threshold: float | Fraction | Decimal) -> bool:
    """count / denominator > threshold, exactly; False when nothing is counted."""
    return denominator > 0 and Fraction(count, denominator) > exact_threshold(threshold)


def reaches(count: int, denominator: int, threshold: float | Fraction | Decimal) -> bool:
    """count / denominator >= threshold, exactly; False when nothing is counted."""
    return denominator > 0 and Fraction(count, denominator) >= exact_threshold(threshold)


def agreed_readings(readings: Iterable[RecordReading]) -> list[RecordReading]:
    """One reading per record: the one marked agreed, otherwise the first."""
    chosen: dict[str, RecordReading] = {}
    for reading in readings:
        current = chosen.get(reading.record)
        if current is None or (reading.agreed and not current.agreed):
            chosen[reading.record] = reading
    return list(chosen.values())


def compute_share(
    statistic: ReadingShare | SurveyShare,
    bundle: Bundle,
    programme: Programme,
    agreed: list[RecordReading] | None = None,
) -> Share:
    if isinstance(statistic, ReadingShare):
        limit = programme.scale.parse(statistic.at_or_below)
        ratings = [
            r.ratings.get(statistic.item) for r in agreed or agreed_readings(bundle.record_readings)
        ]
        rated = [v for v in ratings if v is not None]  # not applicable: outside the denominator
        return Share(
            statistic, len(rated), sum(1 for v in rated if limit is not None and v <= limit)
        )
    answers = [
        r.answers.get(statistic.item)
        for r in bundle.survey_responses
        if r.survey == statistic.survey
    ]
    given = [a for a in answers if a is not None]  # an absent answer is not counted
    return Share(statistic, len(given), sum(1 for a in given if a in statistic.answers))


def compute_statistics(bundle: Bundle, programme: Programme) -> dict[str, Share]:
    agreed = agreed_readings(bundle.record_readings)
    return {s.id: compute_share(s, bundle, programme, agreed) for s in programme.statistics}


def sampled_care_groups(bundle: Bundle) -> dict[str, int]:
    """How many records of each care group the sample holds (agreed readings)."""
    counts: dict[str, int] = {}
    for reading in agreed_readings(bundle.record_readings):
        if reading.care_group is not None:
            counts[reading.care_group] = counts.get(reading.care_group, 0) + 1
    return counts
