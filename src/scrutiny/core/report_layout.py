"""The report laid out as a sequence of blocks: what every format says, in order.

HTML, PDF (from the HTML), DOCX and Markdown are all drawn from the same blocks, so
they carry the same text, grades and figures by construction; each renderer decides
only how a heading, a list or a table looks.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrutiny.core.report import (
    EvaluationRow,
    Report,
    Statement,
    Version,
    for_version,
    number_word,
    publication_gaps,
)
from scrutiny.core.report_figures import SUPPRESSION_NOTE, Chart, DataTable

# The author every format names (a DOCX's properties, the HTML's and the PDF's author):
# the body that leads the inspections of every programme Scrutiny ships. Never a library.
ORGANISATION = "Care Inspectorate"


@dataclass(frozen=True)
class Heading:
    level: int  # 1 is the title
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = "body"  # "body", "lead", "notice" or "cover"
    refs: tuple[str, ...] = ()  # evidence references: only the internal version has any


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
        Para(report.prepared_by, "lead"),
        Para(report.publication, "cover"),
        Para(report.caveat),
        Para(
            f"{version_label(version)}. Status: {status}. Inspection reference "
            f"{report.reference}; the inspection began {report.start}."
        ),
    ]
    if report.status != "published":
        blocks.append(Para("This report is not yet published.", "notice"))
    if report.drafted_from_evidence:
        blocks.append(
            Para(
                "The team has not yet written the report's statements: each "
                f"{report.question_noun}'s strengths and areas for development are drafted "
                "from its evidence notes.",
                "notice",
            )
        )
    return blocks


def _statements(
    statements: tuple[Statement, ...], empty: str, *, ordered: bool = False
) -> Items | Para:
    if not statements:
        return Para(empty)
    return Items(tuple(Item(s.text, s.evidence) for s in statements), ordered=ordered)


def _paragraphs(statements: tuple[Statement, ...], empty: str) -> list[Block]:
    """Evaluative prose: each statement a paragraph, with its citations in the internal version."""
    if not statements:
        return [Para(empty)]
    return [Para(s.text, refs=s.evidence) for s in statements]


def _table(caption: str, headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> Table:
    return Table(DataTable(caption, headers, rows))


def _full_body(report: Report, *, internal: bool, original: Report) -> list[Block]:
    nouns = report.question_noun_plural
    blocks: list[Block] = [
        Heading(2, "Key facts", "key-facts"),
        _table(
            f"Key facts about {report.partnership}",
            ("Figure", "Value", "Source", "Date"),
            report.key_facts,
        )
        if report.key_facts
        else Para("The team has not yet entered the key facts about the area."),
        Heading(2, "Introduction", "introduction"),
        *(Para(p) for p in report.introduction),
        Heading(3, "Our remit", "remit"),
        *(Para(p) for p in report.remit),
        Heading(3, f"Our {number_word(len(report.questions_asked))} {nouns}", "questions"),
        Para(report.questions_intro),
        Items(tuple(Item(q) for q in report.questions_asked), ordered=True),
        Para(report.evaluations_intro),
        Heading(3, "Our quality improvement framework", "framework"),
        Para(report.framework_intro),
        _table(
            "The quality indicators of the framework, by domain",
            ("Domain", "Quality indicator"),
            tuple((domain, indicator) for domain, indicator in report.framework),
        ),
        Heading(3, "Our inspection team", "team"),
        Para(
            "The inspection team brought together inspectors from each inspecting body, young "
            "inspection volunteers and associate assessors. We name no member of the team."
        ),
        _table("The inspection team, by role and body", ("Role", "Body", "Number"), report.team)
        if report.team
        else Para("The team has not yet entered who was on the inspection team."),
        Heading(3, "How we conducted this inspection", "conduct"),
        *(Para(p) for p in report.conduct),
        _table(
            "Survey returns",
            ("Who answered", "Returns"),
            tuple((who.capitalize(), n) for who, n in report.survey_returns),
        ),
        Heading(2, "Summary", "summary"),
        Heading(3, "Key messages", "key-messages"),
        _statements(report.key_messages, "The team has not yet written the key messages."),
        Heading(3, "Strengths", "summary-strengths"),
        _statements(report.summary_strengths, "The team has not yet written the strengths."),
        Heading(3, "Priority areas for improvement", "priority-areas"),
        _statements(
            report.priority_areas,
            "The team has not yet written the priority areas for improvement.",
            ordered=True,
        ),
        Heading(2, f"{report.partnership} in context", "context"),
        *(
            _paragraphs(report.context, "No context has been recorded yet.")
            if report.context or not report.context_parts
            else []
        ),
    ]
    for part in report.context_parts:
        blocks += [
            Heading(3, part.heading, part.anchor),
            *_paragraphs(part.statements, "Not yet written."),
        ]
    for q in report.questions:
        blocks += [
            Heading(2, f"{q.label}: {q.text}", q.anchor),
            Heading(3, "Key messages", f"{q.anchor}-key-messages"),
            _statements(q.key_messages, "No key messages recorded yet."),
            Heading(3, "What we found", f"{q.anchor}-findings"),
            *_paragraphs(q.prose, "The team has not yet written the evaluative text."),
            Heading(3, "Strengths", f"{q.anchor}-strengths"),
            _statements(q.strengths, "No strengths recorded yet."),
            Heading(3, "Areas for development", f"{q.anchor}-areas-for-development"),
            _statements(q.areas_for_development, "No areas for development recorded yet."),
        ]
        if q.evaluations:
            blocks += [
                Heading(3, "Evaluation", f"{q.anchor}-evaluation"),
                *(Para(_evaluated(row)) for row in q.evaluations),
            ]
    blocks += _evaluations(report)
    blocks += [
        Heading(2, "What happens next", "next-steps"),
        *(Para(p) for p in report.next_steps),
    ]
    blocks += _appendices(report)
    if internal:
        blocks += _internal_appendix(original)
    return blocks


def _evaluated(row: EvaluationRow) -> str:
    name = row.name[0].upper() + row.name[1:]
    if row.status != "final":
        return f"{name}: not yet evaluated ({row.grade.lower()})."
    return f"{name}: {row.grade.lower()}. {row.meaning}."


def _evaluations(report: Report) -> list[Block]:
    rows = tuple(
        (
            f"{row.indicator} {row.title}" if "." in row.indicator else row.title,
            row.grade,
            row.meaning,
        )
        for row in report.evaluations
    )
    limiters = tuple(
        Item(f"{row.name[0].upper()}{row.name[1:]}: {text}")
        for row in report.evaluations
        for text in row.explanations
    )
    blocks: list[Block] = [
        Heading(2, "Evaluations", "evaluations"),
        Para(report.evaluations_intro),
        _table(
            "Evaluations of the quality indicators",
            ("Quality indicator", "Evaluation", "What the evaluation means"),
            rows,
        ),
    ]
    if limiters:
        blocks += [Heading(3, "What limited an evaluation", "limiters"), Items(limiters)]
    return blocks


def _appendices(report: Report) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, "Appendix 1: The evaluation scale", "appendix-scale"),
        Para("Every evaluation uses this scale. Each point is defined as follows."),
        _table(
            "The evaluation scale, best first",
            ("Evaluation", "What it means"),
            report.scale_definitions or report.scale,
        ),
        Heading(2, "Appendix 2: Terms we use", "appendix-terms"),
        _table("Terms used in this report", ("Term", "What it means"), report.terms),
        Heading(2, "Appendix 3: The quality indicators", "appendix-indicators"),
        _table(
            "The quality indicators and what each looks at",
            ("Quality indicator", "What it looks at"),
            report.indicators,
        ),
        Heading(2, "Appendix 4: What the figures show", "figures"),
        Para(SUPPRESSION_NOTE),
    ]
    if report.figures:
        blocks.append(Items(tuple(Item(f) for f in report.figures)))
    blocks.append(Para(report.reading_tool_note))
    for n, chart in enumerate(report.charts, start=1):
        blocks += [Heading(3, f"Figure {n}: {chart.title}", chart.id), Figure(chart)]
    return blocks


def _internal_appendix(report: Report) -> list[Block]:
    uncited = [(where, s) for where, s in report.statements() if not s.evidence]
    cited = report.cited_evidence()
    gaps = publication_gaps(report)
    return [
        Heading(2, "Statements without evidence", "uncited"),
        Items(tuple(Item(f"{where}: {s.text}") for where, s in uncited))
        if uncited
        else Para("Every statement cites evidence."),
        Heading(2, "Still to do before publication", "gaps"),
        Items(tuple(Item(g) for g in gaps)) if gaps else Para("Nothing: every part is written."),
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
            "This is a short summary of our report. We wrote it for children and young "
            "people. The full report is published too.",
            "lead",
        ),
        Heading(2, "What we did", "what-we-did"),
        Para(report.young_people_intro),
        Para(f"We read {report.records_read} children's records."),
        Para(f"We asked people to fill in our surveys. We heard from {returns}."),
        Para("We also talked with children, young people, families and staff."),
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
                tuple(
                    (row.title, row.plain_grade or row.grade, row.plain_meaning or row.meaning)
                    for row in report.evaluations
                ),
            )
        ),
        Heading(2, "What happens next", "next"),
        *(Para(p) for p in report.young_people_next),
    ]
    return Layout(report.young_people_title, "young-people", tuple(blocks))
