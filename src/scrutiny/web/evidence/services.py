"""Evidence notes and their attachments: every write, audited in the same transaction."""

import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.evidence.models import (
    Evidence,
    EvidenceAttachment,
    EvidenceIndicator,
    EvidenceQuestion,
)
from scrutiny.web.inspections.services import StaleEdit


@dataclass(frozen=True)
class Tags:
    questions: list[int]
    indicators: list[str]


def _tags(evidence: Evidence) -> Tags:
    return Tags(
        questions=sorted(
            EvidenceQuestion.objects.filter(evidence=evidence).values_list("question", flat=True)
        ),
        indicators=sorted(
            EvidenceIndicator.objects.filter(evidence=evidence).values_list("indicator", flat=True)
        ),
    )


def _set_tags(evidence: Evidence, tags: Tags) -> None:
    EvidenceQuestion.objects.filter(evidence=evidence).exclude(question__in=tags.questions).delete()
    EvidenceIndicator.objects.filter(evidence=evidence).exclude(
        indicator__in=tags.indicators
    ).delete()
    EvidenceQuestion.objects.bulk_create(
        [EvidenceQuestion(evidence=evidence, question=q) for q in tags.questions],
        ignore_conflicts=True,
    )
    EvidenceIndicator.objects.bulk_create(
        [EvidenceIndicator(evidence=evidence, indicator=i) for i in tags.indicators],
        ignore_conflicts=True,
    )


def _next_ident(inspection: Any) -> tuple[int, str]:
    """The next position and an evidence id ``E-<n>`` not yet used in the inspection."""
    position = (
        Evidence.objects.filter(inspection=inspection).aggregate(m=Max("position"))["m"] or 0
    ) + 1
    used = set(Evidence.objects.filter(inspection=inspection).values_list("ident", flat=True))
    n = position
    while f"E-{n}" in used:
        n += 1
    return position, f"E-{n}"


def evidence_create(
    *,
    actor: Any,
    inspection: Any,
    source: str,
    text: str,
    kind: str,
    date: date | None,
    care_group: str | None,
    tags: Tags,
) -> Evidence:
    with transaction.atomic():
        position, ident = _next_ident(inspection)
        note = Evidence.objects.create(
            inspection=inspection,
            position=position,
            ident=ident,
            source=source,
            text=text,
            kind=kind,
            date=date,
            care_group=care_group,
            created_by=actor,
        )
        _set_tags(note, tags)
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="evidence",
            object_id=ident,
            summary=f"Added evidence {ident}",
            after={
                "source": source,
                "text": text,
                "kind": kind,
                "date": date.isoformat() if date else None,
                "care_group": care_group,
                "questions": tags.questions,
                "indicators": tags.indicators,
            },
        )
    return note


def evidence_update(
    *,
    actor: Any,
    evidence: Evidence,
    expected_version: int,
    text: str,
    kind: str,
    changes: dict[str, Any] | None = None,
) -> Evidence:
    """Change a note, refusing the save if it changed meanwhile.

    ``changes`` may hold source, date, care_group and tags (a ``Tags``); what it leaves out
    stays as it is.
    """
    changes = dict(changes or {})
    with transaction.atomic():
        before = (
            Evidence.objects.filter(pk=evidence.pk)
            .values("text", "kind", "source", "date", "care_group", "version")
            .get()
        )
        fields = {"text": text, "kind": kind}
        fields.update({k: changes[k] for k in ("source", "date", "care_group") if k in changes})
        updated = Evidence.objects.filter(pk=evidence.pk, version=expected_version).update(
            **fields, version=F("version") + 1
        )
        if updated != 1:
            raise StaleEdit
        old_tags = _tags(evidence)
        new_tags = changes.get("tags", old_tags)
        _set_tags(evidence, new_tags)
        before.update(questions=old_tags.questions, indicators=old_tags.indicators)
        after = {**fields, "questions": new_tags.questions, "indicators": new_tags.indicators}
        changed = sorted(k for k, v in after.items() if before[k] != v)
        audit_record(
            actor=actor,
            inspection=evidence.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="evidence",
            object_id=evidence.ident,
            summary=f"Changed {', '.join(changed) or 'nothing'} of evidence {evidence.ident}",
            before={k: _json(before[k]) for k in changed},
            after={k: _json(after[k]) for k in changed},
        )
    return Evidence.objects.get(pk=evidence.pk)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def evidence_bulk_tag(
    *,
    actor: Any,
    inspection: Any,
    evidence_ids: list[int],
    add: Tags,
    kind: str | None = None,
) -> int:
    """Add tags (and optionally set the kind) on many notes of one inspection at once."""
    with transaction.atomic():
        notes = list(Evidence.objects.filter(inspection=inspection, pk__in=evidence_ids))
        for note in notes:
            EvidenceQuestion.objects.bulk_create(
                [EvidenceQuestion(evidence=note, question=q) for q in add.questions],
                ignore_conflicts=True,
            )
            EvidenceIndicator.objects.bulk_create(
                [EvidenceIndicator(evidence=note, indicator=i) for i in add.indicators],
                ignore_conflicts=True,
            )
        ids = [n.pk for n in notes]
        # Every tagged note changes, so an edit open elsewhere will not overwrite it.
        update: dict[str, Any] = {"version": F("version") + 1}
        if kind:
            update["kind"] = kind
        Evidence.objects.filter(pk__in=ids).update(**update)
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="evidence",
            summary=f"Tagged {len(notes)} evidence notes at once",
            after={
                "evidence": [n.ident for n in notes],
                "questions": add.questions,
                "indicators": add.indicators,
                "kind": kind,
            },
        )
    return len(notes)


# --- attachments ------------------------------------------------------------------

# What we keep, recognised from the first bytes: never from the name or the browser's
# claimed type, which an uploader controls.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class AttachmentRefused(Exception):
    pass


def attachment_type(path: Path) -> tuple[str, str]:
    """(content type, extension) of a PDF, DOCX or image, from its content; else refuse."""
    with path.open("rb") as f:
        head = f.read(16)
    for magic, content_type, ext in _SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head.startswith(b"PK\x03\x04"):
        import zipfile

        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise AttachmentRefused("The file is a damaged zip or Word document.") from exc
        if "word/document.xml" in names:
            return DOCX, ".docx"
        raise AttachmentRefused(
            "This zip file is not a Word document. Attach PDF, Word (.docx) or image files."
        )
    raise AttachmentRefused(
        "This file is not a PDF, a Word document (.docx) or an image (PNG, JPEG, GIF), "
        "whatever its name says."
    )


def attachment_add(
    *, actor: Any, evidence: Evidence, path: Path, file_name: str
) -> EvidenceAttachment:
    """Keep a staged file with a note. The file is moved under ATTACHMENTS_DIR or removed."""
    try:
        size = path.stat().st_size
        if size == 0:
            raise AttachmentRefused("The file is empty.")
        if size > settings.ATTACHMENT_MAX_BYTES:
            raise AttachmentRefused(
                f"The file is {size // 1024 // 1024} MB; attachments up to "
                f"{settings.ATTACHMENT_MAX_BYTES // 1024 // 1024} MB are accepted."
            )
        content_type, ext = attachment_type(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except AttachmentRefused:
        path.unlink(missing_ok=True)
        raise
    directory = Path(settings.ATTACHMENTS_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = f"{uuid.uuid4().hex}{ext}"
    os.replace(path, directory / stored)
    name = Path(file_name).name[:255] or f"attachment{ext}"
    try:
        with transaction.atomic():
            attachment = EvidenceAttachment.objects.create(
                evidence=evidence,
                file_name=name,
                stored_name=stored,
                content_type=content_type,
                size=size,
                sha256=digest,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                inspection=evidence.inspection,
                action=AuditEvent.Action.CREATE,
                object_type="evidence_attachment",
                object_id=attachment.pk,
                summary=f"Attached {name[:120]} to evidence {evidence.ident}",
                after={"file": name, "type": content_type, "size": size, "sha256": digest},
            )
    except Exception:
        (directory / stored).unlink(missing_ok=True)
        raise
    return attachment


def attachment_path(attachment: EvidenceAttachment) -> Path:
    return Path(settings.ATTACHMENTS_DIR) / attachment.stored_name


def attachment_remove(*, actor: Any, attachment: EvidenceAttachment) -> None:
    note = attachment.evidence
    with transaction.atomic():
        audit_record(
            actor=actor,
            inspection=note.inspection,
            action=AuditEvent.Action.DELETE,
            object_type="evidence_attachment",
            object_id=attachment.pk,
            summary=f"Removed {attachment.file_name[:120]} from evidence {note.ident}",
            before={"file": attachment.file_name, "sha256": attachment.sha256},
        )
        attachment.delete()
    attachment_path(attachment).unlink(missing_ok=True)
