"""The report model: one structure built from an inspection, rendered to every format.

Until the team writes its own statements, each question's strengths and areas for
development are drafted from the evidence tagged to it, each citing that evidence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from scrutiny.core.bundle import Bundle
from scrutiny.core.evaluation import Evaluation, evaluate
from scrutiny.core.methodology import Programme
from scrutiny.core.statistics import agreed_readings


@dataclass(frozen=True)
class Statement:
    text: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class QuestionSection:
    number: int
    text: str
    strengths: tuple[Statement, ...]
    areas_for_development: tuple[Statement, ...]


@dataclass(frozen=True)
class EvaluationRow:
    indicator: str
    title: str
    grade: str  # the label, or a word saying why there is none yet
    meaning: str
    explanations: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    title: str
    reference: str
    partnership: str
    records_read: int
    readings: int
    survey_returns: dict[str, int]
    questions: tuple[QuestionSection, ...]
    evaluations: tuple[EvaluationRow, ...]
    figures: tuple[str, ...]


def build_report(
    bundle: Bundle, programme: Programme, evaluation: Evaluation | None = None
) -> Report:
    evaluation = evaluation or evaluate(bundle, programme)
    scale = programme.scale
    sections = []
    for question in programme.questions:
        notes = [e for e in bundle.evidence if question.number in e.questions]
        sections.append(
            QuestionSection(
                question.number,
                question.text,
                tuple(Statement(e.text, (e.id,)) for e in notes if e.kind == "strength"),
                tuple(
                    Statement(e.text, (e.id,)) for e in notes if e.kind == "area_for_development"
                ),
            )
        )
    rows = []
    for ind in evaluation.indicators.values():
        explanations = tuple(
            f"Limited to {scale.label(c.cap).lower()}: {c.detail}." for c in ind.limiters
        ) + tuple(f"Pending: {reason}." for reason in ind.pending)
        if ind.final is not None:
            grade, meaning = scale.label(ind.final), scale.meaning(ind.final)
        else:
            grade, meaning = ind.status.capitalize(), ""
        rows.append(EvaluationRow(ind.id, ind.title, grade, meaning, explanations))
    returns = Counter(r.survey for r in bundle.survey_responses)
    return Report(
        title=programme.report_title.format(partnership=bundle.inspection.partnership),
        reference=bundle.inspection.reference,
        partnership=bundle.inspection.partnership,
        records_read=len(agreed_readings(bundle.record_readings)),
        readings=len(bundle.record_readings),
        survey_returns={s.title: returns.get(s.id, 0) for s in programme.surveys},
        questions=tuple(sections),
        evaluations=tuple(rows),
        figures=tuple(
            f"{s.statistic.title}: {s.sentence()}." for s in evaluation.statistics.values()
        ),
    )


def render_markdown(report: Report) -> str:
    out = [f"# {report.title}", "", f"Inspection reference: {report.reference}", ""]
    out += ["## How we conducted the inspection", ""]
    out.append(
        f"We read {report.records_read} children's records ({report.readings} readings, "
        "including second readings for moderation). Our findings rest on this sample."
    )
    out += [""] + [f"- {title}: {n} returns" for title, n in report.survey_returns.items()] + [""]
    for section in report.questions:
        out += [f"## {section.number}. {section.text}", ""]
        for heading, statements in (
            ("Strengths", section.strengths),
            ("Areas for development", section.areas_for_development),
        ):
            out += [f"### {heading}", ""]
            out += [f"- {s.text} [{', '.join(s.evidence)}]" for s in statements] or [
                "- None recorded."
            ]
            out.append("")
    out += ["## Evaluations", "", "| Quality indicator | Evaluation | Meaning |", "|---|---|---|"]
    out += [f"| {r.indicator} {r.title} | {r.grade} | {r.meaning} |" for r in report.evaluations]
    out.append("")
    for row in report.evaluations:
        out += [f"- {row.indicator}: {text}" for text in row.explanations]
    out += ["", "## Key figures", ""] + [f"- {f}" for f in report.figures] + [""]
    return "\n".join(out)
