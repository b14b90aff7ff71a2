"""Reads for the report pages. Callers pass an inspection already authorised by the
views' rule decorator, so nothing here widens what a person sees.

The report itself (its sections, figures, evaluations, which statements cite no
evidence) is built by the domain core from the stored inspection as a bundle, the same
path `scrutiny report` takes on an exported file; these selectors only add what the web
app keeps beside it (who moved the report on, the partnership's comments).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404

from scrutiny.core.bundle import dump_bundle, parse_bundle
from scrutiny.core.demo import make_demo
from scrutiny.core.methodology import Programme, load_programme
from scrutiny.core.refusal import Refused
from scrutiny.core.report import (
    Format,
    Version,
    build_report,
    missing_plain_wording,
    publication_gaps,
    render_report,
    uncited_statements,
)
from scrutiny.core.report import (
    Report as CoreReport,
)
from scrutiny.core.word.template import MAX_INFLATED, check_template
from scrutiny.web.evidence.models import Evidence, EvidenceQuestion
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.versioned import kept_for_version
from scrutiny.web.reports.models import (
    Citation,
    Comment,
    KeyFact,
    Report,
    ReportTemplate,
    Statement,
    TeamMembers,
)

Part = Statement.Part

# How each list is named on the pages; `where` is how the core's report names it.
_PART_NAMES = {
    Part.CONTEXT: ("statement about the area", "statements about the area"),
    Part.GEOGRAPHY_AND_DEMOGRAPHY: ("paragraph", "geography and demography"),
    Part.SOCIAL_AND_ECONOMIC: ("paragraph", "social and economic"),
    Part.THE_PARTNERSHIP: ("paragraph", "the partnership"),
    Part.KEY_MESSAGES: ("key message", "key messages"),
    Part.SUMMARY_STRENGTHS: ("strength", "strengths"),
    Part.PRIORITY_AREAS: ("priority area for improvement", "priority areas for improvement"),
    Part.PROSE: ("paragraph of evaluative text", "evaluative text"),
    Part.STRENGTHS: ("strength", "strengths"),
    Part.AREAS_FOR_DEVELOPMENT: ("area for development", "areas for development"),
}
# A question's lists in the order the printed report gives them.
QUESTION_PARTS = (Part.KEY_MESSAGES, Part.PROSE, Part.STRENGTHS, Part.AREAS_FOR_DEVELOPMENT)
CONTEXT_PARTS = (
    Part.CONTEXT,
    Part.GEOGRAPHY_AND_DEMOGRAPHY,
    Part.SOCIAL_AND_ECONOMIC,
    Part.THE_PARTNERSHIP,
)
SUMMARY_PARTS = (Part.KEY_MESSAGES, Part.SUMMARY_STRENGTHS, Part.PRIORITY_AREAS)
FILE_TYPES: dict[str, tuple[Format, str, str]] = {
    "html": ("html", "text/html; charset=utf-8", "html"),
    "pdf": ("pdf", "application/pdf", "pdf"),
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
}
VERSION_NAMES: dict[str, str] = {
    "public": "Public version",
    "internal": "Internal version, with evidence references",
    "young-people": "Young people's version",
}


def where(part: str, question: int | None, label: str = "Question") -> str:
    """Where a statement sits, in the core report's words ("Question 1: strengths")."""
    if question is None:
        if part == Part.CONTEXT:
            return "The area in context"
        if part in CONTEXT_PARTS:
            return f"The area in context: {_PART_NAMES[Part(part)][1]}"
        return f"Summary: {_PART_NAMES[Part(part)][1]}"
    return f"{label} {question}: {_PART_NAMES[Part(part)][1]}"


@dataclass(frozen=True)
class Section:
    """One page of the editor: the area in context, the key messages, or a question."""

    slug: str
    title: str
    question: int | None
    parts: tuple[str, ...]

    @property
    def nav(self) -> str:
        """The section as the editor's navigation names it ("Question 1", "Summary")."""
        return self.title.split(":")[0]


def where_of(statement: Statement) -> str:
    """Where a statement sits, named as its programme names its questions."""
    label = question_label(load_programme(statement.inspection.programme))
    return where(statement.part, statement.question, label)


def question_label(programme: Programme) -> str:
    """What the programme calls its questions, as a heading: "Question" or "Statement"."""
    return programme.report.question_noun.split()[-1].capitalize()


def sections(programme: Programme) -> list[Section]:
    label = question_label(programme)
    return [
        Section("key-messages", "Summary", None, SUMMARY_PARTS),
        Section("context", "The area in context", None, CONTEXT_PARTS),
        *(
            Section(
                f"question-{q.number}", f"{label} {q.number}: {q.text}", q.number, QUESTION_PARTS
            )
            for q in programme.questions
        ),
    ]


def sections_for(*, inspection: Inspection) -> list[Section]:
    return sections(load_programme(inspection.programme))


def section_by_slug(*, inspection: Inspection, slug: str) -> Section:
    for section in sections(load_programme(inspection.programme)):
        if section.slug == slug:
            return section
    raise Http404


def section_of(statement: Statement) -> str:
    if statement.question is not None:
        return f"question-{statement.question}"
    return "context" if statement.part in CONTEXT_PARTS else "key-messages"


@dataclass
class StatementList:
    part: str
    question: int | None
    section: str
    statements: list[Statement] = field(default_factory=list)

    @property
    def noun(self) -> str:
        return _PART_NAMES[Part(self.part)][0]

    @property
    def a_noun(self) -> str:
        return f"{'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun}"

    @property
    def heading(self) -> str:
        name = _PART_NAMES[Part(self.part)][1]
        if self.question is None:
            if self.part == Part.CONTEXT:
                return "The area in context: general"
            return f"{name[0].upper()}{name[1:]}"
        return f"{name[0].upper()}{name[1:]} for question {self.question}"

    @property
    def anchor(self) -> str:
        return f"list-{self.part.replace('_', '-')}"

    @property
    def asks_plain_wording(self) -> bool:
        # The young people's version is built from the key messages' plain wording.
        return self.part == Part.KEY_MESSAGES


def key_facts(*, inspection: Inspection) -> list[tuple[str, str, str, str]]:
    return list(
        KeyFact.objects.filter(inspection=inspection)
        .order_by("position", "id")
        .values_list("figure", "value", "source", "date")
    )


KEY_FACTS = "Key facts"  # where a key fact's comment sits, as the report names the page


def key_fact_rows(*, inspection: Inspection) -> list[KeyFact]:
    return list(KeyFact.objects.filter(inspection=inspection).order_by("position", "id"))


def key_fact_text(fact: KeyFact) -> str:
    """A key fact's row as the partnership read it, kept with their comment."""
    dated = ", ".join(p for p in (fact.source, fact.date) if p)
    return f"{fact.figure}: {fact.value}" + (f" ({dated})" if dated else "")


def access_key_fact_by_id(*, inspection: Inspection, key_fact_id: int) -> KeyFact:
    """A key fact of this (already authorised) inspection, or 404."""
    row = KeyFact.objects.filter(inspection=inspection, pk=key_fact_id).first()
    if row is None:
        raise Http404
    return row


def team(*, inspection: Inspection) -> list[tuple[str, str, int]]:
    return list(
        TeamMembers.objects.filter(inspection=inspection)
        .order_by("position", "id")
        .values_list("role", "body", "number")
    )


def report_for(*, inspection: Inspection) -> Report:
    """The stored report, or an unsaved draft (version 1) before the first statement."""
    row = (
        Report.objects.filter(inspection=inspection)
        .select_related("shared_by", "finalised_by", "published_by")
        .first()
    )
    return row or Report(inspection=inspection)


def shared_with_partnership(report: Report) -> bool:
    """The partnership contact reads the report only while it is shared, or once public."""
    return report.status in (Report.Status.SHARED, Report.Status.PUBLISHED)


def _statements(inspection: Inspection) -> Any:
    return (
        Statement.objects.filter(inspection=inspection)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("evidence").order_by("position", "id"),
            )
        )
        .annotate(
            open_comments=Count("comments", filter=Q(comments__resolved_at__isnull=True)),
            all_comments=Count("comments"),
        )
    )


def statement_lists(*, inspection: Inspection, section: Section) -> list[StatementList]:
    lists = [
        StatementList(part=part, question=section.question, section=section.slug)
        for part in section.parts
    ]
    by_part = {lst.part: lst for lst in lists}
    rows = _statements(inspection).filter(part__in=section.parts)
    rows = (
        rows.filter(question=section.question)
        if section.question
        else rows.filter(question__isnull=True)
    )
    for row in rows:
        by_part[row.part].statements.append(row)
    return lists


def all_statement_lists(*, inspection: Inspection) -> list[tuple[Section, list[StatementList]]]:
    """Every list of every section, in the printed report's order, in few queries."""
    programme = load_programme(inspection.programme)
    grouped: dict[tuple[str, int | None], list[Statement]] = defaultdict(list)
    for row in _statements(inspection):
        grouped[(row.part, row.question)].append(row)
    out = []
    for section in sections(programme):
        out.append(
            (
                section,
                [
                    StatementList(
                        part=part,
                        question=section.question,
                        section=section.slug,
                        statements=grouped[(part, section.question)],
                    )
                    for part in section.parts
                ],
            )
        )
    return out


def access_statement_by_id(*, inspection: Inspection, statement_id: int) -> Statement:
    """A statement of this (already authorised) inspection, or 404."""
    row = _statements(inspection).filter(pk=statement_id).first()
    if row is None:
        raise Http404
    return row


def access_comment_by_id(*, inspection: Inspection, comment_id: int) -> Comment:
    row = (
        Comment.objects.filter(inspection=inspection, pk=comment_id)
        .select_related("statement", "author", "resolved_by")
        .first()
    )
    if row is None:
        raise Http404
    return row


def citable_notes(
    *, inspection: Inspection, section: Section, statement: Statement | None = None
) -> list[Evidence]:
    """The notes the editor offers for a statement: those tagged to its question (for the
    area in context, the context notes; for the report's key messages, every note), and
    any the statement already cites besides. Any other note can be cited by its id."""
    notes = Evidence.objects.filter(inspection=inspection).order_by("position")
    if section.question is not None:
        tagged = EvidenceQuestion.objects.filter(question=section.question).values("evidence_id")
        notes = notes.filter(pk__in=tagged)
    elif section.slug == "context":
        notes = notes.filter(kind=Evidence.Kind.CONTEXT)
    offered = list(notes)
    seen = {n.pk for n in offered}
    if statement is not None:
        offered += [c.evidence for c in statement.citations.all() if c.evidence_id not in seen]
    return offered


def notes_by_ident(
    *, inspection: Inspection, idents: list[str]
) -> tuple[list[Evidence], list[str]]:
    """The notes with these evidence ids (in the order given) and the ids not found."""
    found = {e.ident: e for e in Evidence.objects.filter(inspection=inspection, ident__in=idents)}
    return [found[i] for i in idents if i in found], [i for i in idents if i not in found]


def comment_list(*, inspection: Inspection) -> list[Comment]:
    return list(
        Comment.objects.filter(inspection=inspection)
        .select_related("statement", "author", "resolved_by")
        .order_by("resolved_at", "created_at", "id")
    )


def open_comments(*, inspection: Inspection) -> list[Comment]:
    return [c for c in comment_list(inspection=inspection) if c.resolved_at is None]


def core_report(*, inspection: Inspection) -> CoreReport:
    """The report as the core builds it from the stored inspection: what every download,
    preview and check (statements without evidence) is made from. Kept while the
    inspection's data is unchanged (it is built from the bundle alone, and frozen)."""
    programme = load_programme(inspection.programme)
    return kept_for_version(
        inspection=inspection,
        programme=programme,
        name="report",
        build=lambda: build_report(inspection_bundle(inspection=inspection), programme),
    )


@dataclass(frozen=True)
class Blocker:
    """Something that stops the report being made final, with where to put it right."""

    text: str
    statement: Statement | None = None
    comment: Comment | None = None


def final_blockers(*, inspection: Inspection, report: CoreReport | None = None) -> list[Blocker]:
    """Every statement citing no evidence (the core's list) and every unresolved comment."""
    report = report or core_report(inspection=inspection)
    rows = {s.ident: s for s in Statement.objects.filter(inspection=inspection)}
    blockers = [
        Blocker(f"{u.where}: “{u.statement.text}” cites no evidence.", rows.get(u.statement.id))
        for u in uncited_statements(report)
    ]
    blockers += [
        Blocker(f"{c.where}: the partnership's comment “{c.text}” is not resolved.", comment=c)
        for c in open_comments(inspection=inspection)
    ]
    # What a published report has that this one still lacks (key facts, the team, each
    # part of the area in context, evaluative text, a progress review's intention).
    blockers += [Blocker(gap) for gap in publication_gaps(report)]
    return blockers


def plain_wording_missing(
    *, inspection: Inspection, report: CoreReport
) -> list[tuple[str, Statement | None]]:
    rows = {s.ident: s for s in Statement.objects.filter(inspection=inspection)}
    return [(u.where, rows.get(u.statement.id)) for u in missing_plain_wording(report)]


def template_of(*, inspection: Inspection | None) -> ReportTemplate | None:
    """The inspection's own Word template, or with ``None`` the organisation's."""
    return (
        ReportTemplate.objects.filter(inspection=inspection).select_related("uploaded_by").first()
    )


def template_for(*, inspection: Inspection) -> ReportTemplate | None:
    """The template the inspection's Word downloads fill: its own, else the organisation's."""
    return template_of(inspection=inspection) or template_of(inspection=None)


def synthetic_report() -> CoreReport:
    """A report of the synthetic demo inspection, to try the organisation's template on."""
    bundle = parse_bundle(dump_bundle(make_demo(seed=1, records=12)))
    return build_report(bundle, load_programme(bundle.programme))


def template_path(template: ReportTemplate) -> Path:
    return Path(settings.REPORT_TEMPLATES_DIR) / template.stored_name


def template_notes(template: ReportTemplate) -> list[str]:
    """What the team should know about a kept template, as at its upload (placeholders
    Scrutiny does not fill, links it removes), or why it can no longer be used."""
    try:
        return check_template(template_path(template), max_inflated=MAX_INFLATED).warnings
    except Refused as exc:
        return [f"It can no longer be used: {reason}" for reason in exc.reasons]
    except OSError:
        return ["The stored file cannot be read: upload the template again."]


def template_refusals(*, inspection: Inspection) -> list[str]:
    """Why the Word template the inspection's DOCX would fill can no longer be used
    (none when there is no template or it is usable)."""
    template = template_for(inspection=inspection)
    if template is None:
        return []
    try:
        check_template(template_path(template), max_inflated=MAX_INFLATED)
    except Refused as exc:
        return list(exc.reasons)
    except OSError:
        return ["The stored file cannot be read: upload the template again."]
    return []


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    file_name: str
    content_type: str


def report_file(*, inspection: Inspection, version: Version, file_type: str) -> ReportFile:
    """One version of the report in one format, built by the core from the stored
    inspection; the DOCX fills the inspection's Word template when it has one."""
    fmt, content_type, ext = FILE_TYPES[file_type]
    template = template_for(inspection=inspection) if fmt == "docx" else None
    content = render_report(
        core_report(inspection=inspection),
        fmt,
        version=version,
        template=template_path(template) if template else None,
    )
    return ReportFile(content, f"{inspection.reference}-report-{version}.{ext}", content_type)
