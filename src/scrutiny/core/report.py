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

import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from scrutiny.core.bundle import CONTEXT_PARTS, Bundle, ProgressReview, ReportStatement
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
class EvaluationRow:
    indicator: str
    title: str
    grade: str  # the label, or the status ("Pending", "Not proposed") when there is none
    meaning: str
    status: str
    limiters: tuple[AppliedLimiter, ...]
    pending: tuple[str, ...]
    # The young people's version's words for the grade and what it means.
    plain_grade: str = ""
    plain_meaning: str = ""
    weak: bool = False  # evaluated weak or unsatisfactory

    @property
    def name(self) -> str:
        """The indicator as a sentence names it: "quality indicator 2.1, impact on ..."."""
        return indicator_name(self.indicator, self.title)

    @property
    def explanations(self) -> tuple[str, ...]:
        return tuple(lim.sentence() for lim in self.limiters) + tuple(
            f"Pending: {reason}." for reason in self.pending
        )


@dataclass(frozen=True)
class QuestionSection:
    number: int
    label: str  # "Question 1" or "Statement 1", as the programme calls them
    text: str
    short: str
    strengths: tuple[Statement, ...]
    areas_for_development: tuple[Statement, ...]
    key_messages: tuple[Statement, ...]
    prose: tuple[Statement, ...] = ()
    # The evaluations of the indicators the programme links to this question.
    evaluations: tuple[EvaluationRow, ...] = ()

    @property
    def anchor(self) -> str:
        return f"question-{self.number}"


@dataclass(frozen=True)
class AppliedLimiter:
    rule: str
    title: str
    cap: str  # the cap's label
    detail: str  # the sentence `scrutiny evaluate` prints
    public: bool = False  # worded for a public version: no rule id, no concern ids

    def sentence(self) -> str:
        if self.public:
            detail = self.detail
            if detail[:2].istitle():  # "The wellbeing ..." follows a colon
                detail = detail[0].lower() + detail[1:]
            return (
                f"{self.title}: {detail}. So the evaluation can be no higher than "
                f"{self.cap.lower()}."
            )
        return f"Limited to {self.cap.lower()} by {self.rule} ({self.title}): {self.detail}."


def indicator_name(indicator: str, title: str) -> str:
    # The leadership domain is one evaluation ("9"): named by its title alone.
    lowered = title[0].lower() + title[1:]
    return f"quality indicator {indicator}, {lowered}" if "." in indicator else lowered


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
class ContextPart:
    heading: str
    anchor: str
    statements: tuple[Statement, ...]


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
    # The cover: who prepared the report, when it was published, and the sampling caveat.
    prepared_by: str
    publication: str  # "February 2020", or that it is not yet published
    caveat: str
    key_facts: tuple[tuple[str, str, str, str], ...]  # (figure, value, source, date)
    remit: tuple[str, ...]
    question_noun: str  # "inspection question"
    question_noun_plural: str
    questions_intro: str
    framework_intro: str
    framework: tuple[tuple[str, str], ...]  # (domain, its indicators), in the framework's order
    indicators: tuple[tuple[str, str], ...]  # (indicator, what it looks at)
    team: tuple[tuple[str, str, str], ...]  # (role, body, number)
    introduction: tuple[str, ...]
    questions_asked: tuple[str, ...]
    conduct: tuple[str, ...]
    records_read: str  # counts as shown: suppressed below five
    survey_returns: tuple[tuple[str, str], ...]  # (who answered, how many)
    context: tuple[Statement, ...]
    context_parts: tuple[ContextPart, ...]
    key_messages: tuple[Statement, ...]
    summary_strengths: tuple[Statement, ...]
    priority_areas: tuple[Statement, ...]
    questions: tuple[QuestionSection, ...]
    evaluations_intro: str
    evaluations: tuple[EvaluationRow, ...]
    scale: tuple[tuple[str, str], ...]  # (label, meaning), best first
    scale_definitions: tuple[tuple[str, str], ...]  # (label, long definition), best first
    terms: tuple[tuple[str, str], ...]
    reading_tool_note: str
    figures: tuple[str, ...]
    charts: tuple[Chart, ...]
    next_steps: tuple[str, ...]
    young_people_intro: str
    young_people_next: tuple[str, ...]
    evidence: tuple[EvidenceNote, ...]  # only the internal version shows these
    # Figure sentences whose count the public versions may not show, and their wording there.
    public_figures: tuple[tuple[str, str], ...] = ()
    # Internal working identifiers (concern ids) a public version must not print.
    internal_ids: tuple[str, ...] = ()
    # An evaluation is weak or unsatisfactory and the team has not said whether it intends
    # a progress review, and when.
    progress_review_missing: bool = False

    def statements(self) -> list[tuple[str, Statement]]:
        """Every statement with where it sits in the report, in reading order."""
        out = [("Summary: key messages", s) for s in self.key_messages]
        out += [("Summary: strengths", s) for s in self.summary_strengths]
        out += [("Summary: priority areas for improvement", s) for s in self.priority_areas]
        out += [("The area in context", s) for s in self.context]
        for part in self.context_parts:
            out += [(f"The area in context: {part.heading.lower()}", s) for s in part.statements]
        for q in self.questions:
            for name, statements in (
                ("key messages", q.key_messages),
                ("evaluative text", q.prose),
                ("strengths", q.strengths),
                ("areas for development", q.areas_for_development),
            ):
                out += [(f"{q.label}: {name}", s) for s in statements]
        return out

    def cited_evidence(self) -> tuple[EvidenceNote, ...]:
        cited = {ref for _, s in self.statements() for ref in s.evidence}
        return tuple(e for e in self.evidence if e.id in cited)


def uncited_statements(report: Report) -> list[UncitedStatement]:
    """Statements that cite no evidence: the team must resolve these before the report is final."""
    return [UncitedStatement(where, s) for where, s in report.statements() if not s.evidence]


def missing_plain_wording(report: Report) -> list[UncitedStatement]:
    """Key messages without plain wording: the young people's version falls back to the full text."""
    keys = [("Summary: key messages", s) for s in report.key_messages]
    keys += [(f"{q.label}: key messages", s) for q in report.questions for s in q.key_messages]
    return [UncitedStatement(where, s) for where, s in keys if not s.plain]


def publication_gaps(report: Report) -> list[str]:
    """What a published report of this programme must have and this one lacks yet: the
    pre-publication checks beside the uncited statements."""
    gaps = []
    if not report.key_facts:
        gaps.append("Key facts: no figure about the area is entered yet.")
    if not report.priority_areas:
        gaps.append("Summary: no priority area for improvement is written yet.")
    if not report.team:
        gaps.append("Introduction: the inspection team is not entered yet.")
    gaps += [
        f"The area in context: {part.heading.lower()} is not written yet."
        for part in report.context_parts
        if not part.statements
    ]
    gaps += [
        f"{q.label}: no evaluative text is written yet." for q in report.questions if not q.prose
    ]
    if report.progress_review_missing:
        gaps.append(
            "What happens next: an evaluation is weak or unsatisfactory, and the team has not "
            "recorded its intention about a progress review and its timescale."
        )
    return gaps


def build_report(
    bundle: Bundle, programme: Programme, evaluation: Evaluation | None = None
) -> Report:
    evaluation = evaluation or evaluate(bundle, programme)
    section = bundle.report
    info = bundle.inspection
    words = programme.report
    agreed = agreed_readings(bundle.record_readings)
    charts = (record_reading_chart(agreed, programme), *survey_charts(bundle, programme))
    public = {
        share.sentence(): public_sentence(share, charts, programme)
        for share in evaluation.statistics.values()
    }
    rows = _evaluation_rows(evaluation)
    published = section.publication_date if section else None
    scale_points = sorted(programme.scale.points, key=lambda p: -p.value)
    return Report(
        title=programme.report_title.format(partnership=info.partnership),
        young_people_title=words.young_people_title.format(partnership=info.partnership),
        reference=info.reference,
        partnership=info.partnership,
        programme_title=programme.title,
        start=info.start.strftime("%-d %B %Y"),
        status=section.status if section else "draft",
        drafted_from_evidence=section is None,
        prepared_by=(
            f"Prepared by {words.lead_body} in partnership with {_and(words.partner_bodies)}."
        ),
        publication=published.strftime("%B %Y")
        if published
        else "Month of publication not yet set",
        caveat=words.caveat,
        key_facts=tuple((f.figure, f.value, f.source, f.date) for f in section.key_facts)
        if section
        else (),
        remit=words.remit,
        question_noun=words.question_noun,
        question_noun_plural=words.question_noun_plural,
        questions_intro=_questions_intro(programme),
        framework_intro=words.framework,
        framework=_framework(programme),
        indicators=tuple((f"{i.id} {i.title}", i.description) for i in programme.indicators),
        team=tuple((t.role, t.body, str(t.number)) for t in section.team) if section else (),
        introduction=_introduction(programme, info.partnership),
        questions_asked=tuple(q.text for q in programme.questions),
        conduct=_conduct(bundle, programme, len(agreed)),
        records_read=suppress(len(agreed)),
        survey_returns=_survey_returns(bundle, programme),
        context=_statements(section.context) if section else _drafted_context(bundle, programme),
        context_parts=tuple(
            ContextPart(heading, part.replace("_", "-"), _statements(getattr(section, part)))
            for part, heading in CONTEXT_PARTS
        )
        if section
        else (),
        key_messages=_statements(section.key_messages) if section else (),
        summary_strengths=_statements(section.summary_strengths) if section else (),
        priority_areas=_statements(section.priority_areas) if section else (),
        questions=_questions(bundle, programme, rows),
        evaluations_intro=_evaluations_intro(programme),
        evaluations=rows,
        scale=tuple((p.label, p.meaning) for p in scale_points),
        scale_definitions=tuple(
            (p.label, d.definition)
            for p in scale_points
            if (d := words.definition(p.name)) is not None
        ),
        terms=tuple((t.term, t.meaning) for t in words.terms),
        reading_tool_note=_reading_tool_note(programme),
        figures=tuple(
            f"{s.statistic.title}: {s.sentence()}." for s in evaluation.statistics.values()
        ),
        charts=charts,
        next_steps=_next_steps(programme, rows, section.progress_review if section else None),
        young_people_intro=words.young_people_intro.format(partnership=info.partnership),
        young_people_next=_young_people_next(programme, info.partnership, rows),
        evidence=tuple(
            EvidenceNote(e.id, _SOURCE_LABELS[e.source], e.text) for e in bundle.evidence
        ),
        public_figures=tuple((exact, p) for exact, p in public.items() if p is not None),
        internal_ids=tuple(c.id for c in bundle.significant_concerns),
        progress_review_missing=any(row.weak for row in rows)
        and (section is None or section.progress_review is None),
    )


def for_version(report: Report, version: Version) -> Report:
    """The report as `version` shows it: the public versions lose every evidence reference
    and every internal working identifier (limiter rule ids, concern ids: the limiters are
    explained in plain sentences), and a figure sentence whose count the tables hide
    (below five, or one from which a small count could be worked out) hides it too; the
    internal version keeps the exact sentences `scrutiny evaluate` prints."""
    if version not in VERSIONS:
        raise ValueError(f"unknown report version {version!r} (known: {', '.join(VERSIONS)})")
    if version == "internal":
        return report

    def text(sentence: str) -> str:
        for exact, public in report.public_figures:
            sentence = sentence.replace(exact, public)
        return _without_ids(sentence, report.internal_ids)

    def bare(statements: tuple[Statement, ...]) -> tuple[Statement, ...]:
        return tuple(replace(s, id="", evidence=()) for s in statements)

    def row_shown(row: EvaluationRow) -> EvaluationRow:
        return replace(
            row,
            limiters=tuple(
                replace(lim, rule="", detail=text(lim.detail), public=True) for lim in row.limiters
            ),
            pending=tuple(text(reason) for reason in row.pending),
        )

    return replace(
        report,
        context=bare(report.context),
        context_parts=tuple(
            replace(p, statements=bare(p.statements)) for p in report.context_parts
        ),
        key_messages=bare(report.key_messages),
        summary_strengths=bare(report.summary_strengths),
        priority_areas=bare(report.priority_areas),
        questions=tuple(
            replace(
                q,
                strengths=bare(q.strengths),
                areas_for_development=bare(q.areas_for_development),
                key_messages=bare(q.key_messages),
                prose=bare(q.prose),
                evaluations=tuple(row_shown(r) for r in q.evaluations),
            )
            for q in report.questions
        ),
        evaluations=tuple(row_shown(row) for row in report.evaluations),
        figures=tuple(text(f) for f in report.figures),
        evidence=(),
        public_figures=(),
        internal_ids=(),
    )


def _without_ids(sentence: str, ids: tuple[str, ...]) -> str:
    """A sentence without the parenthesised working ids it names ("1 significant concern
    (SC-1) is recorded" becomes "1 significant concern is recorded")."""
    if not ids:
        return sentence
    known = set(ids)

    def drop(match: re.Match[str]) -> str:
        named = [part.strip() for part in match.group(1).split(",")]
        return "" if all(n in known for n in named) else match.group(0)

    return re.sub(r" \(([^()]*)\)", drop, sentence)


def _and(names: tuple[str, ...] | list[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


_NUMBER_WORDS = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)


def number_word(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def _framework(programme: Programme) -> tuple[tuple[str, str], ...]:
    """The framework's domains, each with its quality indicators, in the framework's order."""
    domains: dict[str, list[str]] = {}
    for i in programme.indicators:
        domains.setdefault(i.domain, []).append(f"{i.id} {i.title}")
    return tuple((domain, "; ".join(names)) for domain, names in domains.items())


def _questions_intro(programme: Programme) -> str:
    words = programme.report
    n = len(programme.questions)
    noun = words.question_noun if n == 1 else words.question_noun_plural
    return (
        f"Our inspection answered {number_word(n)} {noun}. For each, we wrote evaluative text "
        "setting out the main strengths, areas for development and key messages."
    )


def _evaluations_intro(programme: Programme) -> str:
    n = len(programme.evaluated)
    named = "; ".join(_evaluated_label(e.id, e.title, e.covers) for e in programme.evaluated)
    what = "quality indicator" if n == 1 else "quality indicators"
    limits = (
        " Where the programme's limiters apply, an evaluation can be no higher than the "
        "limit they set; each is explained below."
        if programme.limiters
        else ""
    )
    return (
        f"We evaluated {number_word(n)} {what} on {programme.scale.title.lower()}: {named}.{limits}"
    )


def _evaluated_label(indicator: str, title: str, covers: tuple[str, ...]) -> str:
    if covers == (indicator,):
        return f"{indicator} {title.lower()}"
    return f"{title.lower()} ({_and(list(covers))})"


def _reading_tool_note(programme: Programme) -> str:
    published = [i.title.lower() for i in programme.reading_items if i.published]
    ours = len(programme.reading_items) - len(published)
    if not ours:
        return "Every item of the reading tool is part of the published method."
    if not published:
        return (
            "The items of the reading tool shown here are the inspection team's own "
            "structure for reading records: the published method does not set them out."
        )
    return (
        f"Of the {len(programme.reading_items)} items of the reading tool shown here, only "
        f"{_and(published)} is part of the published method; the other {ours} are the "
        "inspection team's own structure for reading records."
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


def _questions(
    bundle: Bundle, programme: Programme, rows: tuple[EvaluationRow, ...]
) -> tuple[QuestionSection, ...]:
    written = {q.question: q for q in bundle.report.questions} if bundle.report else {}
    by_id = {row.indicator: row for row in rows}
    label = programme.report.question_noun.split()[-1].capitalize()
    sections = []
    for question in programme.questions:
        w = written.get(question.number)
        prose: tuple[Statement, ...] = ()
        if bundle.report is None:
            strengths = _drafted(bundle, question.number, "strength")
            areas = _drafted(bundle, question.number, "area_for_development")
            keys: tuple[Statement, ...] = ()
        else:
            strengths = _statements(w.strengths) if w else ()
            areas = _statements(w.areas_for_development) if w else ()
            keys = _statements(w.key_messages) if w else ()
            prose = _statements(w.prose) if w else ()
        linked = tuple(by_id[e.id] for e in programme.evaluated if question.number in e.questions)
        sections.append(
            QuestionSection(
                question.number,
                f"{label} {question.number}",
                question.text,
                question.short,
                strengths,
                areas,
                keys,
                prose,
                linked,
            )
        )
    return tuple(sections)


def _evaluation_rows(evaluation: Evaluation) -> tuple[EvaluationRow, ...]:
    programme = evaluation.programme
    scale = programme.scale
    rows = []
    for ind in evaluation.indicators.values():
        plain_grade = plain_meaning = ""
        if ind.final is not None:
            grade, meaning = scale.label(ind.final), scale.meaning(ind.final)
            definition = programme.report.definition(scale.name(ind.final))
            if definition is not None:
                plain_grade, plain_meaning = definition.plain, definition.plain_meaning
        else:
            grade, meaning = ind.status.capitalize(), "Not yet evaluated"
            plain_grade, plain_meaning = "Not decided yet", "We have not finished deciding."
        limiters = tuple(
            AppliedLimiter(c.rule, c.title, scale.label(c.cap), c.detail) for c in ind.limiters
        )
        rows.append(
            EvaluationRow(
                ind.id,
                ind.title,
                grade,
                meaning,
                ind.status,
                limiters,
                ind.pending,
                plain_grade,
                plain_meaning,
                weak=ind.final is not None and ind.final <= 2,
            )
        )
    return tuple(rows)


def _introduction(programme: Programme, partnership: str) -> tuple[str, ...]:
    words = programme.report
    return (
        f"This report describes the findings of a joint inspection of services for "
        f"{words.scope} in the {partnership} community planning partnership. "
        f"{words.lead_body[0].upper()}{words.lead_body[1:]} led the inspection with "
        f"{_and(words.partner_bodies)}.",
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
    n_surveys = len(programme.surveys)
    return (
        f"We read {suppress(records)} children's records, with a sample of records read a "
        "second time to check that readers rated consistently. Our findings rest on this "
        "sample: they are not a count of every child in the area.",
        f"We ran {number_word(n_surveys)} {'survey' if n_surveys == 1 else 'surveys'} ({surveys}).",
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


def _next_steps(
    programme: Programme, rows: tuple[EvaluationRow, ...], review: ProgressReview | None
) -> tuple[str, ...]:
    words = programme.report
    lead = f"{words.lead_body[0].upper()}{words.lead_body[1:]}"
    steps = [
        f"{lead} will ask the partnership to prepare an action plan within "
        f"{number_word(words.action_plan_weeks)} weeks of the publication of this report. The plan will "
        "set out how the partnership will make improvements in the priority areas for "
        "improvement and the areas for development this report identifies.",
    ]
    weak = [row for row in rows if row.weak]
    if weak:
        steps.append(f"{_weak_sentence(weak)} {words.progress_review}")
        if review is not None:
            steps.append(f"{review.intention.rstrip('.')}, {review.timescale.rstrip('.')}.")
        else:
            steps.append(
                "The inspection team has not yet recorded whether it intends to carry out a "
                "progress review, or when."
            )
    else:
        steps.append(
            f"{lead}'s link inspector will keep in touch with the partnership about its progress."
        )
    return tuple(steps)


def _weak_sentence(weak: list[EvaluationRow]) -> str:
    """ "The evaluations of quality indicators 1.1 and 2.1 and of leadership and direction
    were weak or unsatisfactory." """
    numbered = [row.indicator for row in weak if "." in row.indicator]
    parts = []
    if numbered:
        noun = "quality indicator" if len(numbered) == 1 else "quality indicators"
        parts.append(f"{noun} {_and(numbered)}")
    parts += [row.title[0].lower() + row.title[1:] for row in weak if "." not in row.indicator]
    if len(weak) == 1:
        return f"The evaluation of {parts[0]} was weak or unsatisfactory."
    return f"The evaluations of {' and of '.join(parts)} were weak or unsatisfactory."


def _young_people_next(
    programme: Programme, partnership: str, rows: tuple[EvaluationRow, ...]
) -> tuple[str, ...]:
    weeks = programme.report.action_plan_weeks
    out = [
        f"The people who run services in {partnership} will write a plan. They have "
        f"{weeks} weeks to do it. The plan will say how they will make things better.",
    ]
    if any(row.weak for row in rows):
        out.append("Some things were not good enough. We may come back to check they get better.")
    else:
        out.append("We will keep in touch with them to see how they are getting on.")
    return tuple(out)


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
