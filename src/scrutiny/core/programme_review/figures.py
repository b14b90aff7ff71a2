"""One inspection's figures as the programme overview counts them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scrutiny.core.bundle import Bundle
from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import Programme
from scrutiny.core.programme_review.timelines import MilestoneOutcome
from scrutiny.core.report import Report, Statement, build_report, for_version
from scrutiny.core.statistics import agreed_readings
from scrutiny.core.surveys.completeness import count_returns


@dataclass(frozen=True)
class AppliedLimiter:
    indicator: str
    rule: str  # the programme's rule id: for grouping only, never printed in public
    title: str
    # The sentence with the figures, as the inspection's public report gives it: small
    # counts hidden as there, and no working identifier (a concern's id).
    detail: str


@dataclass(frozen=True)
class PublishedStatement:
    """A key message or priority area for improvement of the inspection's report, with
    what it bears on: the themes of a review of findings are drawn from these."""

    kind: str  # "key message" or "priority area"
    text: str
    # The inspection questions and evaluated quality indicators it bears on: its own
    # question (a question's key message), and those its cited evidence is tagged with.
    questions: tuple[int, ...]
    indicators: tuple[str, ...]


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
    # The statistics whose count the inspection's public report hides.
    statistics_hidden: frozenset[str]
    records_read: int  # records read (agreed readings, one per record)
    survey_returns: dict[str, int]  # survey id -> responses counted
    statements: tuple[PublishedStatement, ...] = ()
    # Whether the key milestones of its plan were kept; None when it has no plan. Not
    # from the bundle (a plan is the web app's): the caller adds them.
    milestones: tuple[MilestoneOutcome, ...] | None = None


def inspection_figures(bundle: Bundle, programme: Programme, *, year: int) -> InspectionFigures:
    evaluation = evaluate(bundle, programme)
    report = build_report(bundle, programme, evaluation)
    public = for_version(report, "public")
    # As the report counts returns: a response answering nothing is not one.
    returns = count_returns(bundle.survey_responses)
    return InspectionFigures(
        reference=bundle.inspection.reference,
        partnership=bundle.inspection.partnership,
        year=year,
        evaluations={i.id: i.final for i in evaluation.indicators.values()},
        # The public version's rows match the report's one for one: the rule id from the
        # one, the public wording of the figures from the other.
        limiters=tuple(
            AppliedLimiter(row.indicator, lim.rule, lim.title, shown.detail)
            for row, public_row in zip(report.evaluations, public.evaluations, strict=True)
            for lim, shown in zip(row.limiters, public_row.limiters, strict=True)
        ),
        statistics={k: (s.count, s.denominator) for k, s in evaluation.statistics.items()},
        statistics_hidden=frozenset(
            k
            for k, s in evaluation.statistics.items()
            if s.sentence() in dict(report.public_figures)
        ),
        records_read=len(agreed_readings(bundle.record_readings)),
        survey_returns={s.id: returns.get(s.id, 0) for s in programme.surveys},
        statements=_published_statements(bundle, programme, report),
    )


def _published_statements(
    bundle: Bundle, programme: Programme, report: Report
) -> tuple[PublishedStatement, ...]:
    tags = {e.id: (e.questions, e.indicators) for e in bundle.evidence}
    # An evidence note is tagged with the framework's indicators (9.1); the review groups
    # by what is evaluated (leadership, 9, covers 9.1 to 9.4).
    evaluated = {cover: e.id for e in programme.evaluated for cover in e.covers}
    order = {e.id: n for n, e in enumerate(programme.evaluated)}

    def bearing(
        kind: str, statements: Iterable[Statement], own: tuple[int, ...] = ()
    ) -> list[PublishedStatement]:
        out = []
        for s in statements:
            cited = [tags[ref] for ref in s.evidence if ref in tags]
            questions = set(own) if own else {q for qs, _ in cited for q in qs}
            indicators = {evaluated[i] for _, ids in cited for i in ids if i in evaluated}
            out.append(
                PublishedStatement(
                    kind,
                    s.text,
                    tuple(sorted(questions)),
                    tuple(sorted(indicators, key=order.__getitem__)),
                )
            )
        return out

    found = bearing("key message", report.key_messages)
    found += bearing("priority area", report.priority_areas)
    for q in report.questions:
        found += bearing("key message", q.key_messages, own=(q.number,))
    return tuple(found)
