"""Every write of the partnership's part and the follow-up: keyword-only, atomic, each
with its audit row in the same transaction."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from scrutiny.core.partnership import DocumentTooLong, check_lead_document
from scrutiny.core.refusal import Refused
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import acting_user, audit_record
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.evidence.services import (
    AttachmentRefused,
    Tags,
    Upload,
    _checked_upload,
    evidence_create,
)
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.inspections.services import StaleEdit, inspection_create, membership_add
from scrutiny.web.partnership.models import (
    Action,
    ActionPlan,
    ProgressReview,
    ReaderPairing,
    SentDocument,
)
from scrutiny.web.partnership.selectors import (
    lead_document,
    priority_areas,
    report_published,
)


def sent_documents_dir() -> Path:
    directory = Path(settings.ATTACHMENTS_DIR) / "partnership"
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def sent_document_path(document: SentDocument) -> Path:
    return sent_documents_dir() / document.stored_name


# --- documents the partnership sends ------------------------------------------------------


def sent_document_create(
    *, actor: Any, inspection: Inspection, kind: str, title: str, upload: Upload
) -> SentDocument:
    """Keep a file the partnership sends: checked as an evidence attachment is (type from
    its content, size), and the lead document against its length limit. A refused file
    (AttachmentRefused, or Refused for its length) is removed and nothing is written."""
    try:
        checked = _checked_upload(upload)
        length = ""
        lead = lead_document(inspection=inspection)
        if kind != SentDocument.Kind.DOCUMENT:
            if lead is None or lead.stage != kind:
                raise Refused(["This inspection's programme does not ask for this document."])
            try:
                length = check_lead_document(checked.path, checked.content_type, lead)
            except DocumentTooLong as exc:
                raise Refused([str(exc)]) from exc
    except Exception:
        upload.path.unlink(missing_ok=True)
        raise
    stored = f"{uuid.uuid4().hex}{checked.ext}"
    target = sent_documents_dir() / stored
    shutil.move(checked.path, target)
    try:
        os.chmod(target, 0o600)
        with transaction.atomic():
            document = SentDocument.objects.create(
                inspection=inspection,
                kind=kind,
                title=title,
                file_name=checked.file_name,
                stored_name=stored,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                length=length,
                sent_by=acting_user(actor),
            )
            audit_record(
                actor=actor,
                inspection=inspection,
                action=AuditEvent.Action.CREATE,
                object_type="sent_document",
                object_id=document.pk,
                summary=f"The partnership sent {document.get_kind_display().lower()}: "
                f"{title[:120]}",
                after={
                    "kind": kind,
                    "title": title,
                    "file": checked.file_name,
                    "type": checked.content_type,
                    "size": checked.size,
                    "sha256": checked.sha256,
                    "length": length,
                },
            )
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return document


def _decided(document_id: int, inspection: Inspection, expected_version: int) -> SentDocument:
    document = SentDocument.objects.select_for_update().get(pk=document_id, inspection=inspection)
    if document.version != expected_version:
        raise StaleEdit
    if document.status != SentDocument.Status.SENT:
        raise Refused([f"This document is already {document.get_status_display().lower()}."])
    return document


def sent_document_accept(
    *,
    actor: Any,
    inspection: Inspection,
    document_id: int,
    expected_version: int,
    summary: str,
) -> Evidence:
    """Accept a sent document into evidence: a note (source position statement for the
    lead document, document otherwise) with the file attached, in one transaction."""
    staged = sent_documents_dir() / f"accept-{uuid.uuid4().hex}"
    with transaction.atomic():
        document = _decided(document_id, inspection, expected_version)
        # The note keeps its own copy: the partnership's file stays with what it sent.
        shutil.copyfile(sent_document_path(document), staged)
        source = (
            Evidence.Source.DOCUMENT
            if document.kind == SentDocument.Kind.DOCUMENT
            else Evidence.Source.POSITION_STATEMENT
        )
        text = f"{document.get_kind_display()} from the partnership: {document.title}."
        if summary.strip():
            text += f"\n\n{summary.strip()}"
        try:
            note = evidence_create(
                actor=actor,
                inspection=inspection,
                source=source,
                source_label=document.title[:200],
                text=text,
                kind=Evidence.Kind.CONTEXT,
                date=document.sent_at.date(),
                care_group=None,
                tags=Tags([], []),
                attachments=[
                    Upload(path=staged, file_name=document.file_name, sha256=document.sha256)
                ],
            )
        except AttachmentRefused as exc:
            raise Refused([str(exc)]) from exc
        document.status = SentDocument.Status.ACCEPTED
        document.decided_by = acting_user(actor)
        document.decided_at = timezone.now()
        document.evidence = note
        document.version += 1
        document.save()
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="sent_document",
            object_id=document.pk,
            summary=f"Accepted {document.title[:120]} into evidence as {note.ident}",
            before={"status": SentDocument.Status.SENT},
            after={"status": document.status, "evidence": note.ident},
        )
    return note


def sent_document_return(
    *, actor: Any, inspection: Inspection, document_id: int, expected_version: int, reason: str
) -> SentDocument:
    if not reason.strip():
        raise Refused(["Say why the document is returned, so the partnership can act on it."])
    with transaction.atomic():
        document = _decided(document_id, inspection, expected_version)
        document.status = SentDocument.Status.RETURNED
        document.reason = reason.strip()
        document.decided_by = acting_user(actor)
        document.decided_at = timezone.now()
        document.version += 1
        document.save()
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="sent_document",
            object_id=document.pk,
            summary=f"Returned {document.title[:120]} to the partnership",
            before={"status": SentDocument.Status.SENT},
            after={"status": document.status, "reason": document.reason},
        )
    return document


# --- co-ordinators and readers -----------------------------------------------------------


def coordinator_add(*, actor: Any, inspection: Inspection, email: str) -> Membership:
    """The contact names a co-ordinator: an existing account, not yet in the inspection."""
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise Refused(
            [
                f"No one can sign in with {email.strip()}. Ask the inspection's lead "
                "inspector or a site administrator to create their account first."
            ]
        )
    if Membership.objects.filter(inspection=inspection, user=user).exists():
        raise Refused([f"{email.strip()} already takes part in this inspection."])
    return membership_add(
        actor=actor, inspection=inspection, user=user, role=Role.PARTNERSHIP_COORDINATOR
    )


def reader_pairing_set(
    *, actor: Any, inspection: Inspection, reader_id: int, inspector_id: int
) -> ReaderPairing:
    """Pair a partnership reader with an inspector of the team (replacing any pairing)."""
    members = dict(
        Membership.objects.filter(
            inspection=inspection, user_id__in=[reader_id, inspector_id]
        ).values_list("user_id", "role")
    )
    problems = []
    if members.get(reader_id) != Role.PARTNERSHIP_READER:
        problems.append("Choose a partnership reader of this inspection.")
    if members.get(inspector_id) not in (Role.LEAD_INSPECTOR, Role.INSPECTOR):
        problems.append("Choose an inspector of this inspection's team to pair them with.")
    if problems:
        raise Refused(problems)
    with transaction.atomic():
        existing = ReaderPairing.objects.select_for_update().filter(
            inspection=inspection, reader_id=reader_id
        )
        before = {"inspector": existing[0].inspector.get_username()} if existing else None
        pairing, _ = ReaderPairing.objects.update_or_create(
            inspection=inspection, reader_id=reader_id, defaults={"inspector_id": inspector_id}
        )
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE if before else AuditEvent.Action.CREATE,
            object_type="reader_pairing",
            object_id=pairing.pk,
            summary=f"Paired {pairing.reader.get_username()} with "
            f"{pairing.inspector.get_username()} to read records",
            before=before,
            after={
                "reader": pairing.reader.get_username(),
                "inspector": pairing.inspector.get_username(),
            },
        )
    return pairing


# --- the action plan ---------------------------------------------------------------------


def _plan(inspection: Inspection) -> ActionPlan:
    plan, _ = ActionPlan.objects.get_or_create(inspection=inspection)
    return ActionPlan.objects.select_for_update().get(pk=plan.pk)


def link_inspector_name(*, actor: Any, inspection: Inspection, user_id: int) -> ActionPlan:
    role = (
        Membership.objects.filter(inspection=inspection, user_id=user_id)
        .values_list("role", flat=True)
        .first()
    )
    if role not in (Role.LEAD_INSPECTOR, Role.INSPECTOR):
        raise Refused(["The link inspector is a lead inspector or inspector of the team."])
    with transaction.atomic():
        plan = _plan(inspection)
        before = plan.link_inspector.get_username() if plan.link_inspector else None
        plan.link_inspector_id = user_id
        plan.version += 1
        plan.save()
        plan.refresh_from_db()
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="action_plan",
            object_id=plan.pk,
            summary=f"Named {plan.link_inspector.get_username()} link inspector",  # type: ignore[union-attr]
            before={"link_inspector": before},
            after={"link_inspector": plan.link_inspector.get_username()},  # type: ignore[union-attr]
        )
    return plan


def _editable_plan(inspection: Inspection) -> ActionPlan:
    if not report_published(inspection=inspection):
        raise Refused(["The action plan opens when the report is published."])
    plan = _plan(inspection)
    if plan.status not in (ActionPlan.Status.DRAFT, ActionPlan.Status.RETURNED):
        raise Refused([f"The action plan is {plan.get_status_display().lower()}."])
    return plan


def action_add(
    *,
    actor: Any,
    inspection: Inspection,
    statement_id: int,
    text: str,
    owner: str,
    due: date,
    status: str,
) -> Action:
    areas = {s.pk: s for s in priority_areas(inspection=inspection)}
    problems = []
    if statement_id not in areas:
        problems.append("Choose one of the report's priority areas for improvement.")
    if status not in Action.Status.values:
        problems.append("Choose the action's status.")
    if problems:
        raise Refused(problems)
    with transaction.atomic():
        plan = _editable_plan(inspection)
        action = Action.objects.create(
            plan=plan,
            statement=areas[statement_id],
            area=areas[statement_id].text,
            text=text,
            owner=owner,
            due=due,
            status=status,
        )
        plan.version += 1
        plan.save(update_fields=["version"])
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="action",
            object_id=action.pk,
            summary=f"Added an action to the action plan: {text[:100]}",
            after={
                "area": areas[statement_id].ident,
                "text": text,
                "owner": owner,
                "due": due.isoformat(),
                "status": status,
            },
        )
    return action


def action_plan_submit(*, actor: Any, inspection: Inspection, expected_version: int) -> ActionPlan:
    with transaction.atomic():
        plan = _editable_plan(inspection)
        if plan.version != expected_version:
            raise StaleEdit
        problems = []
        covered = set(plan.actions.values_list("statement_id", flat=True))
        missing = [s for s in priority_areas(inspection=inspection) if s.pk not in covered]
        if not plan.actions.exists():
            problems.append("Add at least one action before submitting the plan.")
        elif missing:
            problems.append(
                f"{len(missing)} priority area{'s have' if len(missing) != 1 else ' has'} "
                f"no action yet, for example: {missing[0].text[:120]}"
            )
        if problems:
            raise Refused(problems)
        before = plan.status
        plan.status = ActionPlan.Status.SUBMITTED
        plan.submitted_by = acting_user(actor)
        plan.submitted_at = timezone.now()
        plan.version += 1
        plan.save()
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="action_plan",
            object_id=plan.pk,
            summary="The partnership submitted its action plan",
            before={"status": before},
            after={"status": plan.status, "actions": plan.actions.count()},
        )
    return plan


def action_plan_review(
    *, actor: Any, inspection: Inspection, expected_version: int, accept: bool, comments: str
) -> ActionPlan:
    """The link inspector accepts the submitted plan or returns it with comments."""
    with transaction.atomic():
        plan = _plan(inspection)
        if plan.version != expected_version:
            raise StaleEdit
        problems = []
        if plan.link_inspector_id != getattr(acting_user(actor), "pk", None):
            problems.append("Only the link inspector reviews the action plan.")
        if plan.status != ActionPlan.Status.SUBMITTED:
            problems.append("The partnership has not submitted the action plan.")
        if not accept and not comments.strip():
            problems.append("Say what the partnership should change before it submits again.")
        if problems:
            raise Refused(problems)
        plan.status = ActionPlan.Status.ACCEPTED if accept else ActionPlan.Status.RETURNED
        plan.review_comments = comments.strip()
        plan.reviewed_by = acting_user(actor)
        plan.reviewed_at = timezone.now()
        plan.version += 1
        plan.save()
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="action_plan",
            object_id=plan.pk,
            summary="The link inspector "
            + ("accepted the action plan" if accept else "returned the action plan"),
            before={"status": ActionPlan.Status.SUBMITTED},
            after={"status": plan.status, "comments": plan.review_comments},
        )
    return plan


# --- the progress review -----------------------------------------------------------------


def progress_review_open(*, actor: Any, inspection: Inspection, start: date) -> ProgressReview:
    """A new inspection for the progress review, on the same programme and partnership,
    with the original's lead inspectors, linked to the original."""
    if not report_published(inspection=inspection):
        raise Refused(["A progress review follows a published report."])
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
        n = ProgressReview.objects.filter(original=inspection).count() + 1
        reference = f"{inspection.reference}-PR{n}"
        if Inspection.objects.filter(reference=reference).exists():
            raise Refused([f"An inspection with reference {reference} already exists."])
        review = inspection_create(
            actor=actor,
            reference=reference,
            partnership=inspection.partnership,
            programme=inspection.programme,
            start=start,
        )
        # The original's lead inspectors carry their role over (not membership_add, which
        # refuses anyone adding themselves: this is no new role, and it is audited here).
        for m in Membership.objects.filter(
            inspection=inspection, role=Role.LEAD_INSPECTOR
        ).select_related("user"):
            carried = Membership.objects.create(inspection=review, user=m.user, role=m.role)
            audit_record(
                actor=actor,
                inspection=review,
                action=AuditEvent.Action.CREATE,
                object_type="membership",
                object_id=carried.pk,
                summary=f"Carried over {m.user.get_username()} as lead inspector from "
                f"{inspection.reference}",
                after={"user": m.user.get_username(), "role": m.role},
            )
        link = ProgressReview.objects.create(
            original=inspection, review=review, opened_by=acting_user(actor)
        )
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="progress_review",
            object_id=link.pk,
            summary=f"Opened progress review {reference}",
            after={"review": reference, "start": start.isoformat()},
        )
        audit_record(
            actor=actor,
            inspection=review,
            action=AuditEvent.Action.CREATE,
            object_type="progress_review",
            object_id=link.pk,
            summary=f"Progress review of {inspection.reference}",
            after={"original": inspection.reference},
        )
    return link
