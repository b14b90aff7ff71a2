"""One inspection's figures as the programme overview counts them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from scrutiny.core.bundle import Bundle
from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import Programme
from scrutiny.core.statistics import agreed_readings


@dataclass(frozen=True)
class AppliedLimiter:
    indicator: str
    rule: str  # the programme's rule id: for grouping only, never printed in public
    title: str
    detail: str  # the sentence with the figures, as the inspection's report gives it


@dataclass(frozen=True)
class InspectionFigures:
    """What one inspection contributes to the programme's picture. No case-level datum:
    counts, shares and evaluations only."""

    reference: str
    partnership: str
    year: int
    # Indicator id -> the final evaluation (1..6), or None while it is not final.
    evaluations: dict[str, int | None]
    limiters: tuple[AppliedLimiter, ...]
    # Statistic id -> (count, denominator), as the engine computed it.
    statistics: dict[str, tuple[int, int]]
    records_read: int  # records read (agreed readings, one per record)
    survey_returns: dict[str, int]  # survey id -> responses counted


def inspection_figures(bundle: Bundle, programme: Programme, *, year: int) -> InspectionFigures:
    evaluation = evaluate(bundle, programme)
    returns: Counter[str] = Counter(str(r.survey) for r in bundle.survey_responses)
    return InspectionFigures(
        reference=bundle.inspection.reference,
        partnership=bundle.inspection.partnership,
        year=year,
        evaluations={i.id: i.final for i in evaluation.indicators.values()},
        limiters=tuple(
            AppliedLimiter(i.id, c.rule, c.title, c.detail)
            for i in evaluation.indicators.values()
            for c in i.limiters
        ),
        statistics={k: (s.count, s.denominator) for k, s in evaluation.statistics.items()},
        records_read=len(agreed_readings(bundle.record_readings)),
        survey_returns={s.id: returns.get(s.id, 0) for s in programme.surveys},
    )
