"""The report laid out as a sequence of blocks: what every format says, in order.

HTML, PDF (from the HTML), DOCX and Markdown are all drawn from the same blocks, so
they carry the same text, grades and figures by construction; each renderer decides
only how a heading, a list or a table looks.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrutiny.core.report import Report, Statement, Version, for_version
from scrutiny.core.report_figures import SUPPRESSION_NOTE, Chart, DataTable


@dataclass(frozen=True)
class Heading:
    level: int  # 1 is the title
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = "body"  # "body", "lead" or "notice"


@dataclass(frozen=True)
class Item:
    text: str
    refs: tuple[str, ...] = ()  # evidence references: only the internal version has any


@dataclass(frozen=True)
class Items:
    items: tuple[Item, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    table: DataTable


@dataclass(frozen=True)
class Figure:
    chart: Chart


@dataclass(frozen=True)
class Contents:
    entries: tuple[tuple[str, str], ...]  # (anchor, heading text)


Block = Heading | Para | Items | Table | Figure | Contents


@dataclass(frozen=True)
class Layout:
    title: str
    version: Version
    blocks: tuple[Block, ...]
    lang: str = "en-GB"


def refs_text(refs: tuple[str, ...]) -> str:
    """How a statement's citations read in every format."""
    return f"[Evidence: {', '.join(refs)}]"


def version_label(version: Version) -> str:
    return {
        "public": "Public version",
        "internal": "Internal version with evidence references: not for publication",
        "young-people": "Summary for children and young people",
    }[version]


def layout(report: Report, version: Version = "public") -> Layout:
    shown = for_version(report, version)
    if version == "young-people":
        return _young_people(shown)
    blocks: list[Block] = [Heading(1, shown.title), *_front_matter(shown, version)]
    body = _full_body(shown, internal=version == "internal", original=report)
    contents = tuple((b.anchor, b.text) for b in body if isinstance(b, Heading) and b.level == 2)
    blocks += [Contents(contents), *body]
    return Layout(shown.title, version, tuple(blocks))


def _front_matter(report: Report, version: Version) -> list[Block]:
    status = {"draft": "Draft", "final": "Final", "published": "Published"}[report.status]
    blocks: list[Block] = [
        Para(f"{report.partnership} · inspection reference {report.reference}", "lead"),
        Para(f"{version_label(version)}. Status: {status}. Inspection began {report.start}."),
    ]
    if report.status != "published":
        blocks.append(Para("This report is not yet published.", "notice"))
    if report.drafted_from_evidence:
        blocks.append(
            Para(
                "The team has not yet written the report's statements: each question's "
                "strengths and areas for development are drafted from its evidence notes.",
                "notice",
            )
        )
    return blocks


def _statements(statements: tuple[Statement, ...], empty: str) -> Items | Para:
    if not statements:
        return Para(empty)
    return Items(tuple(Item(s.text, s.evidence) for s in statements))


def _full_body(report: Report, *, internal: bool, original: Report) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, "Key messages", "key-messages"),
        _statements(report.key_messages, "The team has not yet written the key messages."),
        Heading(2, "Introduction", "introduction"),
        *(Para(p) for p in report.introduction),
        Heading(3, "The five inspection questions", "questions"),
        Items(tuple(Item(q) for q in report.questions_asked), ordered=True),
        Heading(3, "How we conducted the inspection", "conduct"),
        *(Para(p) for p in report.conduct),
        Heading(2, "The area in context", "context"),
        _statements(report.context, "No context has been recorded yet."),
    ]
    for q in report.questions:
        blocks += [
            Heading(2, f"Question {q.number}: {q.text}", q.anchor),
            Heading(3, f"Key messages for question {q.number}", f"{q.anchor}-key-messages"),
            _statements(q.key_messages, "No key messages recorded yet."),
            Heading(3, f"Strengths for question {q.number}", f"{q.anchor}-strengths"),
            _statements(q.strengths, "No strengths recorded yet."),
            Heading(
                3,
                f"Areas for development for question {q.number}",
                f"{q.anchor}-areas-for-development",
            ),
            _statements(q.areas_for_development, "No areas for development recorded yet."),
        ]
    blocks += _evaluations(report)
    blocks += [
        Heading(2, "What the figures show", "figures"),
        Para(SUPPRESSION_NOTE),
        Items(tuple(Item(f) for f in report.figures)),
    ]
    for n, chart in enumerate(report.charts, start=1):
        blocks += [Heading(3, f"Figure {n}: {chart.title}", chart.id), Figure(chart)]
    blocks += [
        Heading(2, "What happens next", "next-steps"),
        *(Para(p) for p in report.next_steps),
    ]
    if internal:
        blocks += _internal_appendix(original)
    return blocks


def _evaluations(report: Report) -> list[Block]:
    rows = tuple(
        (f"{row.indicator} {row.title}", row.grade, row.meaning) for row in report.evaluations
    )
    limiters = tuple(
        Item(f"Quality indicator {row.indicator}: {text}")
        for row in report.evaluations
        for text in row.explanations
    )
    return [
        Heading(2, "Evaluations", "evaluations"),
        Para(
            "The team evaluated four quality indicators on the six-point scale. Where a "
            "limiter applies, the evaluation of quality indicator 2.1 can be no higher than "
            "the limiter's cap."
        ),
        Table(
            DataTable(
                "Evaluations of the quality indicators",
                ("Quality indicator", "Evaluation", "What the evaluation means"),
                rows,
            )
        ),
        Heading(3, "Limiters that applied", "limiters"),
        Items(limiters) if limiters else Para("No limiter applied to any evaluation."),
        Heading(3, "The six-point scale", "scale"),
        Table(
            DataTable(
                "The six-point scale used for every evaluation, best first",
                ("Evaluation", "What it means"),
                report.scale,
            )
        ),
    ]


def _internal_appendix(report: Report) -> list[Block]:
    uncited = [(where, s) for where, s in report.statements() if not s.evidence]
    cited = report.cited_evidence()
    return [
        Heading(2, "Statements without evidence", "uncited"),
        Items(tuple(Item(f"{where}: {s.text}") for where, s in uncited))
        if uncited
        else Para("Every statement cites evidence."),
        Heading(2, "Evidence cited", "evidence"),
        Table(
            DataTable(
                "Evidence notes cited by the report's statements",
                ("Evidence", "Source", "Note"),
                tuple((e.id, e.source, e.text) for e in cited),
            )
        )
        if cited
        else Para("No evidence is cited yet."),
    ]


def _plain(statements: tuple[Statement, ...]) -> Items:
    # A key message without plain wording falls back to its full text (and is listed by
    # `missing_plain_wording`, so the team sees it before the report is final).
    return Items(tuple(Item(s.plain or s.text) for s in statements))


def _young_people(report: Report) -> Layout:
    returns = ", ".join(f"{n} {who}" for who, n in report.survey_returns)
    blocks: list[Block] = [
        Heading(1, report.young_people_title),
        Para(
            "This is a short summary of our inspection report, written for children and "
            "young people. The full report is published alongside it.",
            "lead",
        ),
        Heading(2, "What we did", "what-we-did"),
        Para(
            f"We are a team of inspectors. We looked at how well services in "
            f"{report.partnership} keep children and young people safe and help them to "
            "grow up well."
        ),
        Para(
            f"We read {report.records_read} children's records. In our surveys, we heard from "
            f"{returns}. We also talked with children, young people, families and staff."
        ),
        Heading(2, "What we found", "what-we-found"),
        _plain(report.key_messages)
        if report.key_messages
        else Para("The team has not yet written the key messages."),
    ]
    for q in report.questions:
        if q.key_messages:
            blocks += [Heading(3, q.short, f"{q.anchor}-plain"), _plain(q.key_messages)]
    blocks += [
        Heading(2, "How we rated things", "ratings"),
        Table(
            DataTable(
                "Our ratings",
                ("What we looked at", "Our rating", "What this means"),
                tuple((row.title, row.grade, row.meaning) for row in report.evaluations),
            )
        ),
        Heading(2, "What happens next", "next"),
        Para(
            f"The people who run services in {report.partnership} will write a plan within "
            "six weeks to show how they will make things better. We will check how they "
            "are getting on."
        ),
    ]
    return Layout(report.young_people_title, "young-people", tuple(blocks))
