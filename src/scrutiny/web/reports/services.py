"""Changes to the report: its statements and their citations, its status, the
partnership's factual-accuracy comments and the organisation's Word template.

House rules: every function writes its audit row in the same transaction as the change,
with the values before and after; edits carry the version the person started from and
are refused (StaleEdit) if someone saved in between; a change the report's status does
not allow is refused (Refused) with every reason, and nothing is written.

Statements can be changed while the report is a draft, shared with the partnership or
not. Making it final is refused while any statement cites no evidence (the core's
`uncited_statements`, the same list the internal version prints) or any comment of the
partnership's is unresolved. A final report is locked until it is reopened; a
published one stays as it was published.
"""

import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from scrutiny.core.digest import file_sha256
from scrutiny.core.methodology import load_programme
from scrutiny.core.refusal import Refused
from scrutiny.core.text.redact import without_paths
from scrutiny.core.word.template import (
    MAX_INFLATED,
    TemplateCheck,
    check_template,
    explain_failure,
)
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import acting_user, actor_name, audit_record
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.reports import selectors
from scrutiny.web.reports.models import (
    Citation,
    Comment,
    KeyFact,
    Report,
    ReportTemplate,
    Statement,
    TeamMembers,
)
from scrutiny.web.work.notifications import notify_comment, notify_shared_draft

Status = Report.Status
Part = Statement.Part
# The statement id prefixes of the bundle's own examples (docs/spec/report-section.md).
_PREFIX = {
    Part.CONTEXT: "C",
    Part.GEOGRAPHY_AND_DEMOGRAPHY: "CG",
    Part.SOCIAL_AND_ECONOMIC: "CS",
    Part.THE_PARTNERSHIP: "CP",
    Part.KEY_MESSAGES: "K",
    Part.SUMMARY_STRENGTHS: "SS",
    Part.PRIORITY_AREAS: "PA",
    Part.PROSE: "P",
    Part.STRENGTHS: "S",
    Part.AREAS_FOR_DEVELOPMENT: "A",
}
# The lists that belong to no question, and those that always belong to one.
_NO_QUESTION = (
    Part.CONTEXT,
    Part.GEOGRAPHY_AND_DEMOGRAPHY,
    Part.SOCIAL_AND_ECONOMIC,
    Part.THE_PARTNERSHIP,
    Part.SUMMARY_STRENGTHS,
    Part.PRIORITY_AREAS,
)
_OF_A_QUESTION = (Part.STRENGTHS, Part.AREAS_FOR_DEVELOPMENT, Part.PROSE)
# A template is styles, a cover and a logo or two: a zip that inflates beyond this is
# refused before anything parses it (a "zip bomb").
TEMPLATE_MAX_INFLATED = MAX_INFLATED


def _report_row(inspection: Inspection) -> Report:
    """The inspection's report row, locked for this transaction; made on first use."""
    Report.objects.get_or_create(inspection=inspection)
    return Report.objects.select_for_update().get(inspection=inspection)


def _ensure_editable(report: Report) -> None:
    if report.status == Status.FINAL:
        raise Refused(["The report is final: reopen it before changing its statements."])
    if report.status == Status.PUBLISHED:
        raise Refused(["The report is published: its statements can no longer be changed."])


def _check_list(inspection: Inspection, part: str, question: int | None) -> None:
    if part not in Part.values:
        raise ValueError(f"unknown part of the report {part!r}")
    numbers = {q.number for q in load_programme(inspection.programme).questions}
    if part in _NO_QUESTION and question is not None:
        raise ValueError(f"{part} belongs to no question")
    if part in _OF_A_QUESTION and question is None:
        raise ValueError(f"{part} belong to a question")
    if question is not None and question not in numbers:
        raise ValueError(f"{inspection.programme} has no question {question}")


def _cited_notes(inspection: Inspection, evidence_ids: list[int]) -> list[Evidence]:
    """The notes, in the order given, refusing any that is not this inspection's."""
    notes = {e.pk: e for e in Evidence.objects.filter(inspection=inspection, pk__in=evidence_ids)}
    unknown = [str(pk) for pk in evidence_ids if pk not in notes]
    if unknown:
        raise Refused([f"Evidence: no note {', '.join(unknown)} in this inspection."])
    return [notes[pk] for pk in dict.fromkeys(evidence_ids)]


def _idents(statement: Statement) -> list[str]:
    return list(
        Citation.objects.filter(statement=statement)
        .order_by("position", "id")
        .values_list("evidence__ident", flat=True)
    )


def _set_citations(statement: Statement, notes: list[Evidence]) -> None:
    """Cite exactly `notes`: those already cited keep their order, new ones follow."""
    kept = [
        c.evidence_id
        for c in Citation.objects.filter(statement=statement).order_by("position", "id")
        if c.evidence_id in {n.pk for n in notes}
    ]
    order = kept + [n.pk for n in notes if n.pk not in kept]
    Citation.objects.filter(statement=statement).delete()
    Citation.objects.bulk_create(
        Citation(statement=statement, evidence_id=pk, position=k) for k, pk in enumerate(order)
    )


def _next_ident(inspection: Inspection, part: str, question: int | None) -> str:
    """A statement id not yet used in the inspection: C-1 and K-1 for the lists without
    a question, Q1-S1, Q1-A1 and Q1-K1 for a question's (as in the spec's examples)."""
    letter = _PREFIX[Part(part)]
    prefix = f"{letter}-" if question is None else f"Q{question}-{letter}"
    used = set(Statement.objects.filter(inspection=inspection).values_list("ident", flat=True))
    n = Statement.objects.filter(inspection=inspection, part=part, question=question).count() + 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def _snapshot(statement: Statement) -> dict[str, Any]:
    return {
        "where": selectors.where_of(statement),
        "text": statement.text,
        "plain": statement.plain,
        "evidence": _idents(statement),
    }


def statement_create(
    *,
    actor: Any,
    inspection: Inspection,
    part: str,
    question: int | None,
    text: str,
    plain: str | None,
    evidence_ids: list[int],
) -> Statement:
    """Add a statement at the end of its list, citing `evidence_ids` in that order."""
    _check_list(inspection, part, question)
    with transaction.atomic():
        _ensure_editable(_report_row(inspection))
        notes = _cited_notes(inspection, evidence_ids)
        last = Statement.objects.filter(
            inspection=inspection, part=part, question=question
        ).aggregate(m=Max("position"))["m"]
        position = 0 if last is None else last + 1
        statement = Statement.objects.create(
            inspection=inspection,
            ident=_next_ident(inspection, part, question),
            part=part,
            question=question,
            position=position,
            text=text,
            plain=plain or None,
            created_by=acting_user(actor),
        )
        _set_citations(statement, notes)
        after = _snapshot(statement)
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="report_statement",
            object_id=statement.ident,
            summary=f"Added statement {statement.ident} ({after['where']})",
            after=after,
        )
    return statement


def statement_update(
    *,
    actor: Any,
    statement: Statement,
    expected_version: int,
    text: str,
    plain: str | None,
    evidence_ids: list[int],
) -> Statement:
    """Change a statement's wording and citations, unless it changed meanwhile."""
    inspection = statement.inspection
    with transaction.atomic():
        _ensure_editable(_report_row(inspection))
        notes = _cited_notes(inspection, evidence_ids)
        current = Statement.objects.get(pk=statement.pk)
        before = _snapshot(current)
        # The version check is part of the UPDATE, so two racing saves cannot both pass.
        updated = Statement.objects.filter(pk=statement.pk, version=expected_version).update(
            text=text, plain=plain or None, version=F("version") + 1
        )
        if updated != 1:
            raise StaleEdit
        current.refresh_from_db()
        _set_citations(current, notes)
        after = _snapshot(current)
        changed = sorted(k for k in ("text", "plain", "evidence") if before[k] != after[k])
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="report_statement",
            object_id=current.ident,
            summary=f"Changed {', '.join(changed) or 'nothing'} of statement {current.ident} "
            f"({after['where']})",
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return current


def statement_move(*, actor: Any, statement: Statement, direction: str) -> bool:
    """Swap a statement with its neighbour above or below in its list. False at either end.

    A move changes no wording, so it does not bump the version: an edit of the text open
    elsewhere still saves.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    inspection = statement.inspection
    with transaction.atomic():
        _ensure_editable(_report_row(inspection))
        siblings = list(
            Statement.objects.filter(
                inspection=inspection, part=statement.part, question=statement.question
            ).order_by("position", "id")
        )
        index = next(k for k, s in enumerate(siblings) if s.pk == statement.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            return False
        before = [s.ident for s in siblings]
        siblings[index], siblings[other] = siblings[other], siblings[index]
        # Positions are renumbered 0..n-1, which also mends any gaps or ties.
        for position, row in enumerate(siblings):
            if row.position != position:
                Statement.objects.filter(pk=row.pk).update(position=position)
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="report_statement",
            object_id=statement.ident,
            summary=f"Moved statement {statement.ident} {direction} "
            f"({selectors.where_of(statement)})",
            before={"order": before},
            after={"order": [s.ident for s in siblings]},
        )
    return True


def statement_delete(*, actor: Any, statement: Statement, expected_version: int) -> None:
    """Delete a statement. Refused while a comment of the partnership's on it is
    unresolved: the comment would lose what it is about before anyone answered it."""
    inspection = statement.inspection
    with transaction.atomic():
        _ensure_editable(_report_row(inspection))
        current = Statement.objects.filter(pk=statement.pk).first()
        if current is None or current.version != expected_version:
            raise StaleEdit
        if Comment.objects.filter(statement=current, resolved_at__isnull=True).exists():
            raise Refused(
                [
                    "The partnership has commented on this statement: resolve the comment "
                    "before deleting the statement."
                ]
            )
        before = _snapshot(current)
        current.delete()
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.DELETE,
            object_type="report_statement",
            object_id=current.ident,
            summary=f"Deleted statement {current.ident} ({before['where']})",
            before=before,
        )


# --- the report's status ----------------------------------------------------------


def _details(inspection: Inspection, report: Report) -> dict[str, Any]:
    return {
        "publication_date": report.publication_date.isoformat()
        if report.publication_date
        else None,
        "key_facts": [
            [f.figure, f.value, f.source, f.date]
            for f in KeyFact.objects.filter(inspection=inspection).order_by("position", "id")
        ],
        "team": [
            [t.role, t.body, t.number]
            for t in TeamMembers.objects.filter(inspection=inspection).order_by("position", "id")
        ],
        "progress_review": [report.progress_review_intention, report.progress_review_timescale],
    }


def report_details_update(
    *,
    actor: Any,
    inspection: Inspection,
    expected_version: int,
    publication_date: Any,
    key_facts: list[list[str]],
    team: list[tuple[str, str, int]],
    progress_review_intention: str,
    progress_review_timescale: str,
) -> Report:
    """Replace the report's details (date of publication, key facts, team, progress
    review), unless someone saved them meanwhile."""
    with transaction.atomic():
        report = _report_row(inspection)
        _ensure_editable(report)
        if report.details_version != expected_version:
            raise StaleEdit
        before = _details(inspection, report)
        Report.objects.filter(pk=report.pk).update(
            publication_date=publication_date,
            progress_review_intention=progress_review_intention,
            progress_review_timescale=progress_review_timescale,
            details_version=F("details_version") + 1,
        )
        report.refresh_from_db()
        KeyFact.objects.filter(inspection=inspection).delete()
        KeyFact.objects.bulk_create(
            KeyFact(inspection=inspection, position=n, figure=a, value=b, source=c, date=d)
            for n, (a, b, c, d) in enumerate(key_facts)
        )
        TeamMembers.objects.filter(inspection=inspection).delete()
        TeamMembers.objects.bulk_create(
            TeamMembers(inspection=inspection, position=n, role=r, body=b, number=k)
            for n, (r, b, k) in enumerate(team)
        )
        after = _details(inspection, report)
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="report",
            object_id=inspection.reference,
            summary="Changed the report's key facts, team, publication date or progress review",
            before=before,
            after=after,
        )
    return report


def _transition(
    *,
    actor: Any,
    inspection: Inspection,
    expected_version: int,
    allowed_from: tuple[str, ...],
    to: str,
    verb: str,
    reasons: Callable[[], list[str]] | None = None,
    extra: dict[str, Any] | None = None,
    note: dict[str, Any] | None = None,
) -> Report:
    with transaction.atomic():
        report = _report_row(inspection)
        if report.version != expected_version:
            raise StaleEdit
        if report.status not in allowed_from:
            raise Refused(
                [f"The report is {report.get_status_display().lower()}: it cannot be {verb} now."]
            )
        # Checked with the report row locked, so nothing slips in between check and change.
        refusals = reasons() if reasons else []
        if refusals:
            raise Refused(refusals)
        before = {"status": report.status}
        Report.objects.filter(pk=report.pk, version=expected_version).update(
            status=to, version=F("version") + 1, **(extra or {})
        )
        report.refresh_from_db()
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="report",
            object_id=inspection.reference,
            summary=f"Report {verb}: {report.get_status_display().lower()}",
            before=before,
            after={"status": to, **(note or {})},
        )
    return report


def report_share(
    *, actor: Any, inspection: Inspection, expected_version: int, at: datetime | None = None
) -> Report:
    """Share the draft with the partnership contact, who may then read it (the public
    text, without evidence) and comment on its statements.

    `at`, here and in making final and publishing, is when it happened, for a record of
    work done before (the demo programme's inspections); the pages never pass it."""

    def reasons() -> list[str]:
        if Statement.objects.filter(inspection=inspection).exists():
            return []
        return ["The report has no statements yet: there is nothing to share."]

    with transaction.atomic():
        report = _transition(
            actor=actor,
            inspection=inspection,
            expected_version=expected_version,
            allowed_from=(Status.DRAFT,),
            to=Status.SHARED,
            verb="shared with the partnership",
            reasons=reasons,
            extra={"shared_by": acting_user(actor), "shared_at": at or timezone.now()},
        )
        notify_shared_draft(inspection=inspection)
    return report


def report_make_final(
    *, actor: Any, inspection: Inspection, expected_version: int, at: datetime | None = None
) -> Report:
    """Make the report final. Refused, listing each one, while any statement cites no
    evidence or any comment of the partnership's is unresolved."""

    def reasons() -> list[str]:
        if not Statement.objects.filter(inspection=inspection).exists():
            return ["The report has no statements yet."]
        return [b.text for b in selectors.final_blockers(inspection=inspection)]

    return _transition(
        actor=actor,
        inspection=inspection,
        expected_version=expected_version,
        allowed_from=(Status.DRAFT, Status.SHARED),
        to=Status.FINAL,
        verb="made final",
        reasons=reasons,
        extra={"finalised_by": acting_user(actor), "finalised_at": at or timezone.now()},
    )


def report_publish(
    *, actor: Any, inspection: Inspection, expected_version: int, at: datetime | None = None
) -> Report:
    return _transition(
        actor=actor,
        inspection=inspection,
        expected_version=expected_version,
        allowed_from=(Status.FINAL,),
        to=Status.PUBLISHED,
        verb="published",
        extra={"published_by": acting_user(actor), "published_at": at or timezone.now()},
    )


def report_reopen(
    *, actor: Any, inspection: Inspection, expected_version: int, reason: str
) -> Report:
    """Return a shared or final report to draft: the partnership no longer sees it."""
    if not reason.strip():
        raise Refused(["Reason: say why the report goes back to draft."])
    return _transition(
        actor=actor,
        inspection=inspection,
        expected_version=expected_version,
        allowed_from=(Status.SHARED, Status.FINAL),
        to=Status.DRAFT,
        verb="returned to draft",
        extra={"finalised_by": None, "finalised_at": None},
        note={"reason": reason},
    )


# --- the partnership's factual-accuracy comments ----------------------------------


def comment_add(*, actor: Any, statement: Statement, text: str) -> Comment:
    """The partnership's comment on one statement of the shared draft."""
    return _comment_create(
        actor=actor,
        inspection=statement.inspection,
        fields={"statement": statement, "where": selectors.where_of(statement)},
        read_as=statement.text,
        text=text,
        summary=f"Commented on statement {statement.ident} for factual accuracy",
        after={"statement": statement.ident, "statement_text": statement.text},
    )


def key_fact_comment_add(*, actor: Any, key_fact: KeyFact, text: str) -> Comment:
    """The partnership's comment on one row of the draft's Key facts table."""
    read_as = selectors.key_fact_text(key_fact)
    return _comment_create(
        actor=actor,
        inspection=key_fact.inspection,
        fields={"key_fact": key_fact, "where": selectors.KEY_FACTS},
        read_as=read_as,
        text=text,
        summary=f"Commented on the key fact {key_fact.figure[:80]!r} for factual accuracy",
        after={"key_fact": read_as},
    )


def _comment_create(
    *,
    actor: Any,
    inspection: Inspection,
    fields: dict[str, Any],
    read_as: str,
    text: str,
    summary: str,
    after: dict[str, Any],
) -> Comment:
    """A comment of the partnership's, kept with the text it read, while the draft is
    shared; audited, and the team told."""
    with transaction.atomic():
        report = _report_row(inspection)
        if report.status != Status.SHARED:
            raise Refused(["The draft is not shared with the partnership: comments are closed."])
        comment = Comment.objects.create(
            inspection=inspection,
            statement_text=read_as,
            text=text,
            author=acting_user(actor),
            **fields,
        )
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="report_comment",
            object_id=comment.pk,
            summary=summary,
            after={**after, "text": text},
        )
        notify_comment(inspection=inspection)
    return comment


def comment_resolve(
    *, actor: Any, comment: Comment, expected_version: int, resolution: str
) -> Comment:
    """Record how the team resolved a comment (a resolution may be corrected later)."""
    if not resolution.strip():
        raise Refused(["Resolution: say how the comment was resolved."])
    with transaction.atomic():
        before = Comment.objects.filter(pk=comment.pk).values("resolution", "resolved_at").get()
        updated = Comment.objects.filter(pk=comment.pk, version=expected_version).update(
            resolution=resolution,
            resolved_by=acting_user(actor),
            resolved_at=timezone.now(),
            version=F("version") + 1,
        )
        if updated != 1:
            raise StaleEdit
        comment.refresh_from_db()
        audit_record(
            actor=actor,
            inspection=comment.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="report_comment",
            object_id=comment.pk,
            summary=f"Resolved the partnership's comment on {comment.where}",
            before={"resolution": before["resolution"] or None},
            after={"resolution": resolution, "resolved_by": actor_name(actor)},
        )
    return comment


# --- the organisation's Word template ---------------------------------------------


def _check_template(path: Path) -> TemplateCheck:
    """Refuse anything but a Word document small enough to open safely and usable as a
    template (`scrutiny.core.word.template`), with every reason; else what the person
    uploading should know (links removed, placeholders not known)."""
    size = path.stat().st_size
    limit = settings.REPORT_TEMPLATE_MAX_BYTES
    if size == 0:
        raise Refused(["Template: the file is empty."])
    if size > limit:
        raise Refused(
            [
                f"Template: the file is {size / 1024 / 1024:.1f} MB; templates up to "
                f"{limit // 1024 // 1024} MB are accepted."
            ]  # fmt: skip
        )
    try:
        return check_template(path, max_inflated=TEMPLATE_MAX_INFLATED)
    except Refused as exc:
        raise Refused([f"Template: {reason}" for reason in exc.reasons]) from None


def _template_scope(inspection: Inspection | None) -> tuple[str, str]:
    """(audit object id, how a sentence names the template)."""
    if inspection is None:
        return "organisation", "the organisation's Word template"
    return inspection.reference, "the Word template"


@dataclass(frozen=True)
class TemplateUploaded:
    template: ReportTemplate
    warnings: list[str]  # for the person uploading: links removed, unknown placeholders


def template_upload(
    *, actor: Any, inspection: Inspection | None, path: Path, file_name: str
) -> TemplateUploaded:
    """Keep a staged upload as a Word template, replacing any earlier one of its scope:
    the inspection's own, or (``inspection=None``) the organisation's, which every
    inspection without its own uses.

    The file must be a real .docx that the DOCX renderer can fill: it is tried on the
    inspection's report (the organisation's on a synthetic one) before it is kept. It is
    moved under REPORT_TEMPLATES_DIR, or removed if refused.
    """
    directory = Path(settings.REPORT_TEMPLATES_DIR)
    try:
        check = _check_template(path)
        # Tried here, so a template that cannot be filled is refused now, not at download.
        from scrutiny.core.report import render_report

        trial = (
            selectors.core_report(inspection=inspection)
            if inspection
            else selectors.synthetic_report()
        )
        try:
            render_report(trial, "docx", template=path)
        except Refused as exc:
            raise Refused([f"Template: {reason}" for reason in exc.reasons]) from None
        except Exception as exc:  # python-docx raises many kinds on a broken document
            # The library's words, never where the server keeps the upload.
            raise Refused([f"Template: {without_paths(explain_failure(exc))}"]) from None
        digest = file_sha256(path)
        size = path.stat().st_size
    except Refused:
        path.unlink(missing_ok=True)
        raise
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = f"{uuid.uuid4().hex}.docx"
    shutil.move(path, directory / stored)
    os.chmod(directory / stored, 0o600)
    name = Path(file_name).name[:255] or "template.docx"
    object_id, which = _template_scope(inspection)
    old: ReportTemplate | None = None
    try:
        with transaction.atomic():
            old = ReportTemplate.objects.select_for_update().filter(inspection=inspection).first()
            before = {"file": old.file_name, "sha256": old.sha256} if old else None
            if old:
                old.delete()
            template = ReportTemplate.objects.create(
                inspection=inspection,
                file_name=name,
                stored_name=stored,
                size=size,
                sha256=digest,
                uploaded_by=acting_user(actor),
            )
            audit_record(
                actor=actor,
                inspection=inspection,
                action=AuditEvent.Action.CHANGE if old else AuditEvent.Action.CREATE,
                object_type="report_template",
                object_id=object_id,
                summary=f"Uploaded {which} {name[:120]}",
                before=before,
                after={"file": name, "size": size, "sha256": digest},
            )
    except Exception:
        (directory / stored).unlink(missing_ok=True)
        raise
    if old:
        selectors.template_path(old).unlink(missing_ok=True)
    return TemplateUploaded(template, check.warnings)


def template_remove(*, actor: Any, inspection: Inspection | None) -> bool:
    """Stop using the inspection's own Word template (``None``: the organisation's);
    False if there was none."""
    object_id, which = _template_scope(inspection)
    with transaction.atomic():
        template = ReportTemplate.objects.filter(inspection=inspection).first()
        if template is None:
            return False
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.DELETE,
            object_type="report_template",
            object_id=object_id,
            summary=f"Removed {which} {template.file_name[:120]}",
            before={"file": template.file_name, "sha256": template.sha256},
        )
        template.delete()
    selectors.template_path(template).unlink(missing_ok=True)
    return True
