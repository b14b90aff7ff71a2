"""The report model: one structure built from an inspection, rendered to every format.

`build_report` gathers everything the published report says; the renderers
(`report_html`, `report_pdf`, `report_docx`, `report_md`) only lay it out, so the
formats cannot drift apart. The model holds the evidence citations; which version is
rendered decides whether they are shown:

- `public`: the published report, without evidence references;
- `internal`: the same report with each statement's evidence references and an
  appendix of the cited evidence, for the team and quality assurance;
- `young-people`: a short plain-language summary built from the plain wording the
  team writes beside each key message.

Until the team writes its own statements (the bundle's `report` section), each
question's strengths and areas for development are drafted from the evidence tagged
to it, each citing that evidence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from scrutiny.core.bundle import Bundle, ReportStatement
from scrutiny.core.evaluation import Evaluation, evaluate
from scrutiny.core.methodology import Programme
from scrutiny.core.report_figures import (
    Chart,
    public_sentence,
    record_reading_chart,
    suppress,
    survey_charts,
)
from scrutiny.core.statistics import agreed_readings
from scrutiny.core.surveys.completeness import count_returns

Version = Literal["public", "internal", "young-people"]
VERSIONS: tuple[Version, ...] = ("public", "internal", "young-people")
Format = Literal["html", "pdf", "docx", "md"]

_SOURCE_LABELS = {
    "record_reading": "reading of children's records",
    "survey": "surveys",
    "focus_group": "focus groups",
    "meeting": "meetings",
    "engagement": "engagement with children, young people and families",
    "position_statement": "the partnership's position statement",
    "document": "documents",
    "observation": "observation of practice",
}


@dataclass(frozen=True)
class Statement:
    id: str
    text: str
    evidence: tuple[str, ...]
    # Plain-language wording for the young people's version; None if not yet written.
    plain: str | None = None


@dataclass(frozen=True)
class QuestionSection:
    number: int
    text: str
    short: str
    strengths: tuple[Statement, ...]
    areas_for_development: tuple[Statement, ...]
    key_messages: tuple[Statement, ...]

    @property
    def anchor(self) -> str:
        return f"question-{self.number}"


@dataclass(frozen=True)
class AppliedLimiter:
    rule: str
    title: str
    cap: str  # the cap's label
    detail: str  # the sentence `scrutiny evaluate` prints

    def sentence(self) -> str:
        return f"Limited to {self.cap.lower()} by {self.rule} ({self.title}): {self.detail}."


@dataclass(frozen=True)
class EvaluationRow:
    indicator: str
    title: str
    grade: str  # the label, or the status ("Pending", "Not proposed") when there is none
    meaning: str
    status: str
    limiters: tuple[AppliedLimiter, ...]
    pending: tuple[str, ...]

    @property
    def explanations(self) -> tuple[str, ...]:
        return tuple(lim.sentence() for lim in self.limiters) + tuple(
            f"Pending: {reason}." for reason in self.pending
        )


@dataclass(frozen=True)
class EvidenceNote:
    id: str
    source: str
    text: str


@dataclass(frozen=True)
class UncitedStatement:
    where: str
    statement: Statement


@dataclass(frozen=True)
class Report:
    title: str
    young_people_title: str
    reference: str
    partnership: str
    programme_title: str
    start: str
    status: str  # draft, final or published
    drafted_from_evidence: bool
    introduction: tuple[str, ...]
    questions_asked: tuple[str, ...]
    conduct: tuple[str, ...]
    records_read: str  # counts as shown: suppressed below five
    survey_returns: tuple[tuple[str, str], ...]  # (who answered, how many)
    context: tuple[Statement, ...]
    key_messages: tuple[Statement, ...]
    questions: tuple[QuestionSection, ...]
    evaluations: tuple[EvaluationRow, ...]
    scale: tuple[tuple[str, str], ...]  # (label, meaning), best first
    figures: tuple[str, ...]
    charts: tuple[Chart, ...]
    next_steps: tuple[str, ...]
    evidence: tuple[EvidenceNote, ...]  # only the internal version shows these
    # Figure sentences whose count the public versions may not show, and their wording there.
    public_figures: tuple[tuple[str, str], ...] = ()

    def statements(self) -> list[tuple[str, Statement]]:
        """Every statement with where it sits in the report, in reading order."""
        out = [("The area in context", s) for s in self.context]
        out += [("Key messages", s) for s in self.key_messages]
        for q in self.questions:
            for part, statements in (
                ("strengths", q.strengths),
                ("areas for development", q.areas_for_development),
                ("key messages", q.key_messages),
            ):
                out += [(f"Question {q.number}: {part}", s) for s in statements]
        return out

    def cited_evidence(self) -> tuple[EvidenceNote, ...]:
        cited = {ref for _, s in self.statements() for ref in s.evidence}
        return tuple(e for e in self.evidence if e.id in cited)


def uncited_statements(report: Report) -> list[UncitedStatement]:
    """Statements that cite no evidence: the team must resolve these before the report is final."""
    return [UncitedStatement(where, s) for where, s in report.statements() if not s.evidence]


def missing_plain_wording(report: Report) -> list[UncitedStatement]:
    """Key messages without plain wording: the young people's version falls back to the full text."""
    keys = [("Key messages", s) for s in report.key_messages]
    keys += [
        (f"Question {q.number}: key messages", s) for q in report.questions for s in q.key_messages
    ]
    return [UncitedStatement(where, s) for where, s in keys if not s.plain]


def build_report(
    bundle: Bundle, programme: Programme, evaluation: Evaluation | None = None
) -> Report:
    evaluation = evaluation or evaluate(bundle, programme)
    section = bundle.report
    info = bundle.inspection
    agreed = agreed_readings(bundle.record_readings)
    charts = (record_reading_chart(agreed, programme), *survey_charts(bundle, programme))
    public = {
        share.sentence(): public_sentence(share, charts, programme)
        for share in evaluation.statistics.values()
    }
    return Report(
        title=programme.report_title.format(partnership=info.partnership),
        young_people_title=f"What we found when we inspected services for children and young people in {info.partnership}",
        reference=info.reference,
        partnership=info.partnership,
        programme_title=programme.title,
        start=info.start.strftime("%-d %B %Y"),
        status=section.status if section else "draft",
        drafted_from_evidence=section is None,
        introduction=_introduction(programme, info.partnership),
        questions_asked=tuple(q.text for q in programme.questions),
        conduct=_conduct(bundle, programme, len(agreed)),
        records_read=suppress(len(agreed)),
        survey_returns=_survey_returns(bundle, programme),
        context=_statements(section.context) if section else _drafted_context(bundle, programme),
        key_messages=_statements(section.key_messages) if section else (),
        questions=_questions(bundle, programme),
        evaluations=_evaluation_rows(evaluation),
        scale=tuple(
            (p.label, p.meaning) for p in sorted(programme.scale.points, key=lambda p: -p.value)
        ),
        figures=tuple(
            f"{s.statistic.title}: {s.sentence()}." for s in evaluation.statistics.values()
        ),
        charts=charts,
        next_steps=_next_steps(evaluation, info.partnership),
        evidence=tuple(
            EvidenceNote(e.id, _SOURCE_LABELS[e.source], e.text) for e in bundle.evidence
        ),
        public_figures=tuple((exact, p) for exact, p in public.items() if p is not None),
    )


def for_version(report: Report, version: Version) -> Report:
    """The report as `version` shows it: the public versions lose every evidence reference,
    and a figure sentence whose count the tables hide (below five, or one from which a
    small count could be worked out) hides it too; the internal version keeps the exact
    sentences `scrutiny evaluate` prints."""
    if version not in VERSIONS:
        raise ValueError(f"unknown report version {version!r} (known: {', '.join(VERSIONS)})")
    if version == "internal":
        return report

    def text(sentence: str) -> str:
        for exact, public in report.public_figures:
            sentence = sentence.replace(exact, public)
        return sentence

    def bare(statements: tuple[Statement, ...]) -> tuple[Statement, ...]:
        return tuple(replace(s, id="", evidence=()) for s in statements)

    return replace(
        report,
        context=bare(report.context),
        key_messages=bare(report.key_messages),
        questions=tuple(
            replace(
                q,
                strengths=bare(q.strengths),
                areas_for_development=bare(q.areas_for_development),
                key_messages=bare(q.key_messages),
            )
            for q in report.questions
        ),
        evaluations=tuple(
            replace(
                row,
                limiters=tuple(replace(lim, detail=text(lim.detail)) for lim in row.limiters),
                pending=tuple(text(reason) for reason in row.pending),
            )
            for row in report.evaluations
        ),
        figures=tuple(text(f) for f in report.figures),
        evidence=(),
        public_figures=(),
    )


def _statements(raw: list[ReportStatement]) -> tuple[Statement, ...]:
    return tuple(Statement(s.id, s.text, tuple(s.evidence), s.plain) for s in raw)


def _drafted(bundle: Bundle, question: int, kind: str) -> tuple[Statement, ...]:
    """Draft statements straight from the evidence notes of one kind, each citing its note."""
    return tuple(
        Statement(f"draft-{e.id}", e.text, (e.id,))
        for e in bundle.evidence
        if e.kind == kind and question in e.questions
    )


def _drafted_context(bundle: Bundle, programme: Programme) -> tuple[Statement, ...]:
    """Context notes about the whole area: tagged to every question, or to none."""
    every = set(programme.question_numbers())
    return tuple(
        Statement(f"draft-{e.id}", e.text, (e.id,))
        for e in bundle.evidence
        if e.kind == "context" and set(e.questions) in (every, set())
    )


def _questions(bundle: Bundle, programme: Programme) -> tuple[QuestionSection, ...]:
    written = {q.question: q for q in bundle.report.questions} if bundle.report else {}
    sections = []
    for question in programme.questions:
        w = written.get(question.number)
        if bundle.report is None:
            strengths = _drafted(bundle, question.number, "strength")
            areas = _drafted(bundle, question.number, "area_for_development")
            keys: tuple[Statement, ...] = ()
        else:
            strengths = _statements(w.strengths) if w else ()
            areas = _statements(w.areas_for_development) if w else ()
            keys = _statements(w.key_messages) if w else ()
        sections.append(
            QuestionSection(question.number, question.text, question.short, strengths, areas, keys)
        )
    return tuple(sections)


def _evaluation_rows(evaluation: Evaluation) -> tuple[EvaluationRow, ...]:
    scale = evaluation.programme.scale
    rows = []
    for ind in evaluation.indicators.values():
        if ind.final is not None:
            grade, meaning = scale.label(ind.final), scale.meaning(ind.final)
        else:
            grade, meaning = ind.status.capitalize(), "Not yet evaluated"
        limiters = tuple(
            AppliedLimiter(c.rule, c.title, scale.label(c.cap), c.detail) for c in ind.limiters
        )
        rows.append(
            EvaluationRow(ind.id, ind.title, grade, meaning, ind.status, limiters, ind.pending)
        )
    return tuple(rows)


def _introduction(programme: Programme, partnership: str) -> tuple[str, ...]:
    return (
        f"This report describes the findings of a joint inspection of services for children "
        f"and young people in need of care and protection in the {partnership} community "
        "planning partnership. The Care Inspectorate led the inspection with Healthcare "
        "Improvement Scotland, Education Scotland and Her Majesty's Inspectorate of "
        "Constabulary in Scotland.",
        "The inspection looked at children and young people in need of protection and at "
        "those who are looked after or care experienced. It answered five questions, using "
        "the quality indicators of the quality framework, and evaluated four of them on a "
        "six-point scale.",
    )


def _conduct(bundle: Bundle, programme: Programme, records: int) -> tuple[str, ...]:
    # A response answering nothing is not a return (core.surveys.completeness).
    returns = count_returns(bundle.survey_responses)
    sources = Counter(e.source for e in bundle.evidence)
    surveys = "; ".join(
        f"{s.title.lower()}: {suppress(returns.get(s.id, 0))} returns" for s in programme.surveys
    )
    # Evidence notes are the team's own records, not people, so their counts are not suppressed.
    notes = ", ".join(f"{_SOURCE_LABELS[src]} ({n})" for src, n in sorted(sources.items()))
    return (
        f"We read {suppress(records)} children's records, with a sample of records read a "
        "second time to check that readers rated consistently. Our findings rest on this "
        "sample: they are not a count of every child in the area.",
        f"We ran three surveys ({surveys}).",
        f"We recorded {len(bundle.evidence)} evidence notes from {notes}."
        if bundle.evidence
        else "No evidence notes have been recorded yet.",
    )


def _survey_returns(bundle: Bundle, programme: Programme) -> tuple[tuple[str, str], ...]:
    returns = count_returns(bundle.survey_responses)
    return tuple(
        (s.title.removeprefix("Survey of ").lower(), suppress(returns.get(s.id, 0)))
        for s in programme.surveys
    )


def _next_steps(evaluation: Evaluation, partnership: str) -> tuple[str, ...]:
    steps = [
        f"The Care Inspectorate will ask the {partnership} partnership to send an action plan "
        "within six weeks of this report, setting out how it will make improvements in the "
        "areas for development.",
    ]
    weak = [
        ind.id for ind in evaluation.indicators.values() if ind.final is not None and ind.final <= 2
    ]
    if weak:
        steps.append(
            f"Because quality indicator {', '.join(weak)} was evaluated weak or "
            "unsatisfactory, the inspection team will carry out a progress review."
        )
    else:
        steps.append(
            "The Care Inspectorate's link inspector will keep in touch with the partnership "
            "about its progress."
        )
    return tuple(steps)


def render_report(
    report: Report, fmt: Format, *, version: Version = "public", template: Path | None = None
) -> bytes:
    """The report as a file's bytes. `template` is an organisation's DOCX template."""
    if fmt == "html":
        from scrutiny.core.report_html import render_html

        return render_html(report, version=version).encode("utf-8")
    if fmt == "pdf":
        from scrutiny.core.report_pdf import render_pdf

        return render_pdf(report, version=version)
    if fmt == "docx":
        from scrutiny.core.report_docx import render_docx

        return render_docx(report, version=version, template=template)
    from scrutiny.core.report_md import render_markdown

    return render_markdown(report, version=version).encode("utf-8")
