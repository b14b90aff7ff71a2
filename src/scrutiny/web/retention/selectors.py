"""Reading the retention state, and subject access: where a record id is stored."""

import re
from dataclasses import dataclass
from typing import Any

import orjson

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evaluations.models import Moderation
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.models import Job
from scrutiny.web.partnership.models import Action, ActionPlan, SentDocument
from scrutiny.web.records.models import Assignment, RecordReading, SampledRecord
from scrutiny.web.reports.models import Comment, Statement
from scrutiny.web.retention.models import Erasure
from scrutiny.web.surveys.models import Answer, SurveyResponse


def erasures_of(*, inspection: Inspection) -> list[Erasure]:
    return list(Erasure.objects.filter(inspection=inspection).order_by("erased_at", "id"))


def erasures_done(*, limit: int = 200) -> list[Erasure]:
    return list(Erasure.objects.select_related("inspection").order_by("-erased_at", "-id")[:limit])


@dataclass(frozen=True)
class Mention:
    """One stored item that mentions the id: where it is, and the words around it."""

    inspection: str
    what: str
    field: str
    excerpt: str


def _matcher(identifier: str) -> re.Pattern[str]:
    # The id as a whole word: S-001 is not a mention of S-0010.
    return re.compile(r"(?<![\w-])" + re.escape(identifier) + r"(?![\w-])", re.IGNORECASE)


def _excerpt(text: str, match: re.Match[str]) -> str:
    start, end = max(0, match.start() - 60), min(len(text), match.end() + 60)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def subject_access(*, identifier: str) -> list[Mention]:
    """Every stored item that mentions a pseudonymous record (or respondent) id.

    Rows whose id field is the id, and any free text or kept JSON (reading notes,
    evidence, answers, report text, comments, what the partnership sent and its action
    plan, the sign-off's copy of the inputs, job results, the audit trail) in which it
    appears as a whole word.
    """
    identifier = identifier.strip()
    if not identifier:
        return []
    pattern = _matcher(identifier)
    refs: dict[int | None, str] = dict(Inspection.objects.values_list("pk", "reference"))
    refs[None] = "(site)"
    found: list[Mention] = []

    def text(inspection_id: int | None, what: str, field: str, value: Any) -> None:
        if value is None:
            return
        content = value if isinstance(value, str) else orjson.dumps(value).decode()
        match = pattern.search(content)
        if match:
            found.append(
                Mention(refs.get(inspection_id, "?"), what, field, _excerpt(content, match))
            )

    for row in SampledRecord.objects.filter(record__iexact=identifier):
        text(row.inspection_id, f"Sampled record {row.position}", "record id", row.record)
    for row in RecordReading.objects.filter(record__iexact=identifier):
        text(row.inspection_id, f"Record reading {row.position}", "record id", row.record)
    for row in Assignment.objects.filter(notes__icontains=identifier).select_related(
        "sampled_record"
    ):
        text(
            row.inspection_id,
            f"Reading of {row.sampled_record.record}",
            "reader's notes",
            row.notes,
        )
    for row in Assignment.objects.filter(sampled_record__record__iexact=identifier).exclude(
        notes={}
    ):
        text(row.inspection_id, f"Reading of {identifier}", "reader's notes", row.notes or None)
    for row in SurveyResponse.objects.filter(respondent__iexact=identifier):
        text(row.inspection_id, f"Survey response {row.position}", "respondent id", row.respondent)
    for row in Answer.objects.filter(value__icontains=identifier).select_related("response"):
        text(
            row.response.inspection_id,
            f"Survey response {row.response.position}",
            row.item,
            row.value,
        )
    for row in Evidence.objects.filter(text__icontains=identifier):
        text(row.inspection_id, f"Evidence note {row.ident}", "text", row.text)
    for row in Evidence.objects.filter(source_label__icontains=identifier):
        text(row.inspection_id, f"Evidence note {row.ident}", "source", row.source_label)
    for row in Statement.objects.filter(text__icontains=identifier):
        text(row.inspection_id, f"Report statement {row.ident}", "text", row.text)
    for row in Comment.objects.filter(text__icontains=identifier):
        text(row.inspection_id, "Comment on the draft report", "text", row.text)
    # What the partnership sent and its action plan, in words it chose.
    for field in ("title", "file_name", "reason"):
        for row in SentDocument.objects.filter(**{f"{field}__icontains": identifier}):
            label = field.replace("_", " ")
            text(row.inspection_id, f"Document the partnership sent: {row.title}", label,
                 getattr(row, field))  # fmt: skip
    for row in ActionPlan.objects.filter(review_comments__icontains=identifier):
        text(row.inspection_id, "Action plan", "link inspector's comments", row.review_comments)
    for field in ("area", "text", "owner"):
        for row in Action.objects.filter(**{f"{field}__icontains": identifier}).select_related(
            "plan"
        ):
            text(row.plan.inspection_id, "Action plan", f"action's {field}", getattr(row, field))
    for row in Moderation.objects.filter(freeze__icontains=identifier):
        text(row.inspection_id, "Sign-off", "inputs as signed off", row.freeze)
    for row in Moderation.objects.filter(agreed_snapshot__icontains=identifier):
        text(row.inspection_id, "Evaluation meeting", "inputs as agreed", row.agreed_snapshot)
    for row in Job.objects.filter(result__icontains=identifier):
        text(row.inspection_id, f"Job: {row.title}", "outcome", row.result)
    for row in AuditEvent.objects.filter(summary__icontains=identifier):
        text(row.inspection_id, f"Audit event of {row.at:%d %B %Y %H:%M}", "summary", row.summary)
    for row in AuditEvent.objects.filter(after__icontains=identifier):
        text(
            row.inspection_id, f"Audit event of {row.at:%d %B %Y %H:%M}", "values after", row.after
        )
    for row in AuditEvent.objects.filter(before__icontains=identifier):
        text(
            row.inspection_id,
            f"Audit event of {row.at:%d %B %Y %H:%M}",
            "values before",
            row.before,
        )
    return found
