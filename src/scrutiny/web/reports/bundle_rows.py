"""The bundle's `report` section to and from the report tables (for `bundle_io`).

Import keeps each list's order (`position`) and each statement's citations in order,
so export → import → export gives the same bytes. The section's questions are written
in question order, each only when it has a statement: an empty entry says nothing the
absence of one does not.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from scrutiny.core.bundle import ReportSection, ReportStatement
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.reports.models import Citation, KeyFact, Report, Statement, TeamMembers

# The section's optional extensions (docs/spec/bundle-extensions.md).
_EXTENSIONS = (
    "publication_date",
    "key_facts",
    "team",
    "geography_and_demography",
    "social_and_economic",
    "the_partnership",
    "summary_strengths",
    "priority_areas",
)
# A question's lists in the bundle, each stored as a part of that name.
QUESTION_PARTS = ("strengths", "areas_for_development", "key_messages", "prose")
# The section's lists without a question, each stored as a part of that name.
SECTION_PARTS = (
    "context",
    "geography_and_demography",
    "social_and_economic",
    "the_partnership",
    "key_messages",
    "summary_strengths",
    "priority_areas",
)


def report_rows_create(
    *, inspection: Any, section: ReportSection | None, evidence: Iterable[Evidence]
) -> int:
    """Write an imported section's rows; the number of statements written."""
    if section is None:
        return 0
    review = section.progress_review
    Report.objects.create(
        inspection=inspection,
        status=section.status,
        publication_date=section.publication_date,
        progress_review_intention=review.intention if review else "",
        progress_review_timescale=review.timescale if review else "",
    )
    KeyFact.objects.bulk_create(
        KeyFact(
            inspection=inspection,
            position=n,
            figure=f.figure,
            value=f.value,
            source=f.source,
            date=f.date,
        )
        for n, f in enumerate(section.key_facts)
    )
    TeamMembers.objects.bulk_create(
        TeamMembers(inspection=inspection, position=n, role=t.role, body=t.body, number=t.number)
        for n, t in enumerate(section.team)
    )
    lists: list[tuple[str, int | None, list[ReportStatement]]] = [
        (part, None, getattr(section, part)) for part in SECTION_PARTS
    ]
    for q in section.questions:
        lists += [(part, q.question, getattr(q, part)) for part in QUESTION_PARTS]
    rows = [
        (
            Statement(
                inspection=inspection,
                ident=s.id,
                part=part,
                question=question,
                position=n,
                text=s.text,
                plain=s.plain,
            ),
            s.evidence,
        )
        for part, question, statements in lists
        for n, s in enumerate(statements)
    ]
    created = Statement.objects.bulk_create([row for row, _ in rows])
    by_ident = {e.ident: e for e in evidence}
    Citation.objects.bulk_create(
        Citation(statement=row, evidence=by_ident[ref], position=k)
        for row, (_, refs) in zip(created, rows, strict=True)
        for k, ref in enumerate(refs)
    )
    return len(created)


def report_section_data(*, inspection: Any) -> dict[str, Any] | None:
    """The section as bundle data, or None when the inspection has no report yet."""
    report = Report.objects.filter(inspection=inspection).first()
    if report is None:
        return None
    cited: dict[int, list[str]] = defaultdict(list)
    for statement_id, ident in (
        Citation.objects.filter(statement__inspection=inspection)
        .order_by("statement_id", "position", "id")
        .values_list("statement_id", "evidence__ident")
    ):
        cited[statement_id].append(ident)
    lists: dict[tuple[str, int | None], list[dict[str, Any]]] = defaultdict(list)
    for pk, ident, part, question, text, plain in (
        Statement.objects.filter(inspection=inspection)
        .order_by("position", "id")
        .values_list("id", "ident", "part", "question", "text", "plain")
    ):
        lists[(part, question)].append(
            {"id": ident, "text": text, "evidence": cited[pk], "plain": plain}
        )
    questions = sorted({q for _, q in lists if q is not None})
    data: dict[str, Any] = {
        # A draft shared with the partnership is still a draft.
        "status": "draft" if report.status == Report.Status.SHARED else report.status,
        **{part: lists[(part, None)] for part in SECTION_PARTS},
        "questions": [
            {"question": q, **{part: lists[(part, q)] for part in QUESTION_PARTS}}
            for q in questions
        ],
        "publication_date": report.publication_date.isoformat()
        if report.publication_date
        else None,
        "key_facts": list(
            KeyFact.objects.filter(inspection=inspection)
            .order_by("position", "id")
            .values("figure", "value", "source", "date")
        ),
        "team": list(
            TeamMembers.objects.filter(inspection=inspection)
            .order_by("position", "id")
            .values("role", "body", "number")
        ),
    }
    if report.progress_review_intention:
        data["progress_review"] = {
            "intention": report.progress_review_intention,
            "timescale": report.progress_review_timescale,
        }
    # The extensions are left out when unset, as the bundle writes them.
    for q in data["questions"]:
        if not q["prose"]:
            del q["prose"]
    return {k: v for k, v in data.items() if k not in _EXTENSIONS or v not in (None, [])}
