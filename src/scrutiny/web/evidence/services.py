"""Evidence notes and their attachments: every write, audited in the same transaction."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max

from scrutiny.core.digest import file_sha256
from scrutiny.core.methodology import load_programme
from scrutiny.core.word.package import WORD_MAIN, NotAWordDocument, read_word_package
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import acting_user, audit_record
from scrutiny.web.evidence.models import (
    Evidence,
    EvidenceAttachment,
    EvidenceIndicator,
    EvidenceQuestion,
)
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit


@dataclass(frozen=True)
class Tags:
    questions: list[int]
    indicators: list[str]


@dataclass(frozen=True)
class Upload:
    """A file staged on disk for attaching; ``sha256`` when already hashed as it arrived."""

    path: Path
    file_name: str
    sha256: str | None = None


class EvidenceRefused(ValueError):
    """Bad input for a note (an unknown tag, source or kind); nothing was written.

    ``field`` names the form field the message belongs to.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


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


def _check(
    inspection: Inspection,
    *,
    tags: Tags | None = None,
    source: str | None = None,
    kind: str | None = None,
    care_group: str | None = None,
) -> Tags | None:
    """Refuse anything the programme or the note's vocabulary does not know; return the
    tags sorted and without repeats."""
    programme = load_programme(inspection.programme)
    if source is not None and source not in Evidence.Source.values:
        raise EvidenceRefused("source", f"{source!r} is not a kind of source")
    if kind is not None and kind not in Evidence.Kind.values:
        raise EvidenceRefused("kind", f"{kind!r} is not strength, area for development or context")
    if care_group and care_group not in {g.id for g in programme.care_groups}:
        raise EvidenceRefused("care_group", f"{care_group!r} is not a care group")
    if tags is None:
        return None
    unknown_q = sorted(set(tags.questions) - set(programme.question_numbers()))
    if unknown_q:
        raise EvidenceRefused("questions", f"no inspection question {unknown_q[0]}")
    known = {i.id for i in programme.indicators}
    unknown_i = sorted(set(tags.indicators) - known)
    if unknown_i:
        raise EvidenceRefused("indicators", f"no quality indicator {unknown_i[0]!r}")
    return Tags(sorted(set(tags.questions)), sorted(set(tags.indicators)))


def _next_ident(inspection: Inspection) -> tuple[int, str]:
    """The next position and an evidence id ``E-<n>`` not yet used in the inspection."""
    position = (
        Evidence.objects.filter(inspection=inspection).aggregate(m=Max("position"))["m"] or 0
    ) + 1
    used = set(Evidence.objects.filter(inspection=inspection).values_list("ident", flat=True))
    n = position
    while f"E-{n:03d}" in used:
        n += 1
    return position, f"E-{n:03d}"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def evidence_create(
    *,
    actor: Any,
    inspection: Inspection,
    source: str,
    text: str,
    kind: str,
    date: date | None,
    care_group: str | None,
    tags: Tags,
    source_label: str = "",
    attachments: Sequence[Upload] = (),
) -> Evidence:
    """A new note with its tags and attachments, all or nothing.

    Attachments are checked before anything is written: one refused file refuses the
    note (``AttachmentRefused``) and every staged file is removed.
    """
    try:
        checked = _check(inspection, tags=tags, source=source, kind=kind, care_group=care_group)
        assert checked is not None
        kept = [_checked_upload(u) for u in attachments]
    except Exception:
        _discard(attachments)
        raise
    stored: list[Path] = []
    try:
        with transaction.atomic():
            # Lock the inspection so two notes saved at once cannot take the same number.
            Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
            position, ident = _next_ident(inspection)
            note = Evidence.objects.create(
                inspection=inspection,
                position=position,
                ident=ident,
                source=source,
                source_label=source_label,
                text=text,
                kind=kind,
                date=date,
                care_group=care_group or None,
                created_by=acting_user(actor),
            )
            _set_tags(note, checked)
            audit_record(
                actor=actor,
                inspection=inspection,
                action=AuditEvent.Action.CREATE,
                object_type="evidence",
                object_id=ident,
                summary=f"Added evidence {ident}",
                after={
                    "source": source,
                    "source_label": source_label,
                    "text": text,
                    "kind": kind,
                    "date": _plain(date),
                    "care_group": care_group or None,
                    "questions": checked.questions,
                    "indicators": checked.indicators,
                },
            )
            for upload in kept:
                stored.append(attachment_path(_store(actor=actor, evidence=note, upload=upload)))
    except Exception:
        for path in stored:
            path.unlink(missing_ok=True)
        _discard(attachments)
        raise
    return note


# What an edit may change: the form's fields, in the order the audit row lists them.
EDITABLE = ("text", "kind", "source", "source_label", "date", "care_group")


def evidence_update(
    *,
    actor: Any,
    evidence: Evidence,
    expected_version: int,
    text: str,
    kind: str,
    changes: dict[str, Any] | None = None,
    attachments: Sequence[Upload] = (),
) -> Evidence:
    """Change a note, refusing the save (``StaleEdit``) if it changed meanwhile.

    ``changes`` may hold source, source_label, date, care_group and tags (a ``Tags``);
    what it leaves out stays as it is. New attachments are added in the same transaction.
    """
    changes = dict(changes or {})
    unknown = set(changes) - {*EDITABLE, "tags"}
    if unknown:
        _discard(attachments)
        raise ValueError(f"not editable: {sorted(unknown)}")
    inspection = evidence.inspection
    try:
        new_tags = _check(
            inspection,
            tags=changes.get("tags"),
            source=changes.get("source"),
            kind=kind,
            care_group=changes.get("care_group"),
        )
        kept = [_checked_upload(u) for u in attachments]
    except Exception:
        _discard(attachments)
        raise
    stored: list[Path] = []
    try:
        with transaction.atomic():
            before = Evidence.objects.filter(pk=evidence.pk).values(*EDITABLE, "version").get()
            fields: dict[str, Any] = {"text": text, "kind": kind}
            fields.update({k: changes[k] for k in EDITABLE if k in changes and k not in fields})
            if "care_group" in fields:
                fields["care_group"] = fields["care_group"] or None
            # The version is checked in the UPDATE itself, so two racing saves cannot
            # both pass it.
            updated = Evidence.objects.filter(pk=evidence.pk, version=expected_version).update(
                **fields, version=F("version") + 1
            )
            if updated != 1:
                raise StaleEdit
            old_tags = _tags(evidence)
            tags = new_tags if new_tags is not None else old_tags
            _set_tags(evidence, tags)
            before.update(questions=old_tags.questions, indicators=old_tags.indicators)
            after = {**fields, "questions": tags.questions, "indicators": tags.indicators}
            changed = [k for k in (*EDITABLE, "questions", "indicators") if k in after]
            changed = [k for k in changed if before[k] != after[k]]
            names = [u.file_name for u in kept]
            what = ", ".join(changed + (["attachments"] if names else [])) or "nothing"
            audit_record(
                actor=actor,
                inspection=inspection,
                action=AuditEvent.Action.CHANGE,
                object_type="evidence",
                object_id=evidence.ident,
                summary=f"Changed {what} of evidence {evidence.ident}",
                before={k: _plain(before[k]) for k in changed},
                after={k: _plain(after[k]) for k in changed},
            )
            for upload in kept:
                attachment = _store(actor=actor, evidence=evidence, upload=upload)
                stored.append(attachment_path(attachment))
    except Exception:
        for path in stored:
            path.unlink(missing_ok=True)
        _discard(attachments)
        raise
    return Evidence.objects.get(pk=evidence.pk)


def evidence_bulk_tag(
    *,
    actor: Any,
    inspection: Inspection,
    evidence_ids: list[int],
    add: Tags,
    kind: str | None = None,
) -> int:
    """Add tags (and optionally set the kind) on many notes of one inspection at once.

    Each note that changes gets its own audit row with its tags before and after, like
    an edit of that note, and its version moves on so an edit open elsewhere is refused
    rather than overwriting the new tags. Notes that already had everything are left as
    they were. Returns the number of notes changed.
    """
    checked = _check(inspection, tags=add, kind=kind)
    assert checked is not None
    if not (checked.questions or checked.indicators or kind):
        raise EvidenceRefused("questions", "Choose at least one question, indicator or kind")
    changed_count = 0
    with transaction.atomic():
        notes = list(
            Evidence.objects.select_for_update()
            .filter(inspection=inspection, pk__in=evidence_ids)
            .order_by("position")
        )
        if len(notes) != len(set(evidence_ids)):
            raise EvidenceRefused("notes", "Some of the chosen notes are not in this inspection")
        for note in notes:
            old = _tags(note)
            new = Tags(
                sorted(set(old.questions) | set(checked.questions)),
                sorted(set(old.indicators) | set(checked.indicators)),
            )
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            if new.questions != old.questions:
                before["questions"], after["questions"] = old.questions, new.questions
            if new.indicators != old.indicators:
                before["indicators"], after["indicators"] = old.indicators, new.indicators
            if kind and kind != note.kind:
                before["kind"], after["kind"] = note.kind, kind
            if not after:
                continue
            _set_tags(note, new)
            update: dict[str, Any] = {"version": F("version") + 1}
            if "kind" in after:
                update["kind"] = kind
            Evidence.objects.filter(pk=note.pk).update(**update)
            audit_record(
                actor=actor,
                inspection=inspection,
                action=AuditEvent.Action.CHANGE,
                object_type="evidence",
                object_id=note.ident,
                summary=f"Tagged evidence {note.ident} with others at once "
                f"(changed {', '.join(after)})",
                before=before,
                after=after,
            )
            changed_count += 1
    return changed_count


# --- attachments ------------------------------------------------------------------

# What we keep, recognised from the first bytes: never from the name or the browser's
# claimed type, which an uploader controls. SVG and HTML are never accepted: a browser
# runs their scripts.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The extensions a name may keep for each type; any other is replaced by the first.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    DOCX: (".docx",),
}
ACCEPTED = "PDF, Word (.docx) or image (PNG, JPEG, GIF) files"
# An attachment that unpacks beyond this is refused before anything parses it.
ATTACHMENT_MAX_INFLATED = 200 * 1024 * 1024


class AttachmentRefused(ValueError):
    """A file that is not kept; the message says why, naming the file."""


def attachment_type(path: Path) -> tuple[str, str]:
    """(content type, extension) of a PDF, DOCX or image, from its content; else refuse.

    Reads the first bytes, and for a zip its central directory, ``[Content_Types].xml``
    and relationship parts (`scrutiny.core.word.package`), never the whole document.
    """
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise AttachmentRefused("The file could not be read.") from exc
    for magic, content_type, ext in _SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head.startswith(b"PK\x03\x04"):
        return _word_type(path)
    raise AttachmentRefused(
        "This file is not a PDF, a Word document (.docx) or an image (PNG, JPEG, GIF), "
        "whatever its name says."
    )


def _word_type(path: Path) -> tuple[str, str]:
    """A Word document is kept only without code and without links that Word follows
    when it opens the file (a remote template, a linked picture): what a part is comes
    from its declared content type, whatever it is named."""
    try:
        package = read_word_package(path, max_inflated=ATTACHMENT_MAX_INFLATED)
    except NotAWordDocument as exc:
        if exc.damaged:
            raise AttachmentRefused("The file is a damaged zip or Word document.") from exc
        if str(exc).startswith("this zip file"):
            raise AttachmentRefused(
                f"This zip file is not a Word document. Attach {ACCEPTED}."
            ) from exc
        raise AttachmentRefused(f"This Word document cannot be kept: {exc}") from exc
    code = package.active_content()
    if code:
        raise AttachmentRefused(
            f"This Word document contains {' and '.join(code)}. Save it as a plain .docx or a PDF."
        )
    if package.main_type != WORD_MAIN:
        raise AttachmentRefused(
            "This is not a Word document (.docx) but another Office file. "
            "Save it as a plain .docx or a PDF."
        )
    fetched = [link for link in package.external if link.fetched_on_opening]
    if fetched:
        listed = "; ".join(f"{link.what} in {link.where} ({link.target})" for link in fetched)
        raise AttachmentRefused(
            "This Word document links to files outside it, which Word would fetch when "
            f"anyone opens it: {listed}. In Word, insert the content itself (or save the "
            "document as a PDF) and attach it again."
        )
    return DOCX, ".docx"


def attachment_name(file_name: str, content_type: str) -> str:
    """The name shown and offered on download: the uploader's, without any folder or
    control characters, its extension made to match what the content is (a PNG named
    ``scan.pdf`` is kept as ``scan.png``; one named ``scan`` as ``scan.png``)."""
    name = re.split(r"[\\/]", file_name)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".") or "attachment"
    allowed = EXTENSIONS[content_type]
    stem, dot, ext = name.rpartition(".")
    suffix = f".{ext.lower()}" if dot else ""
    if suffix in allowed:
        stem, suffix = stem, name[len(stem) :]
    elif suffix in _ALL_EXTENSIONS:
        suffix = allowed[0]  # the name claims another of our types: the content wins
    else:
        stem, suffix = name, allowed[0]
    return stem[: 255 - len(suffix)] + suffix


_ALL_EXTENSIONS = {e for exts in EXTENSIONS.values() for e in exts}


@dataclass(frozen=True)
class _Checked:
    path: Path
    file_name: str
    size: int
    content_type: str
    ext: str
    sha256: str


def _checked_upload(upload: Upload) -> _Checked:
    """Size and type from the file on disk; refusals name the file."""
    label = re.split(r"[\\/]", upload.file_name)[-1][:120] or "The file"
    try:
        size = upload.path.stat().st_size
    except OSError as exc:
        raise AttachmentRefused(f"{label}: the file could not be read.") from exc
    if size == 0:
        raise AttachmentRefused(f"{label}: the file is empty.")
    limit = int(settings.ATTACHMENT_MAX_BYTES)
    if size > limit:
        raise AttachmentRefused(
            f"{label}: the file is {_mb(size)}; attachments up to {_mb(limit)} are accepted."
        )
    try:
        content_type, ext = attachment_type(upload.path)
    except AttachmentRefused as exc:
        raise AttachmentRefused(f"{label}: {exc}") from exc
    digest = upload.sha256 or file_sha256(upload.path)
    return _Checked(
        upload.path,
        attachment_name(upload.file_name, content_type),
        size,
        content_type,
        ext,
        digest,
    )


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n % (1024 * 1024) else f"{n // 1024 // 1024} MB"


def _discard(uploads: Sequence[Upload]) -> None:
    for upload in uploads:
        upload.path.unlink(missing_ok=True)


def attachments_dir() -> Path:
    directory = Path(settings.ATTACHMENTS_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _store(*, actor: Any, evidence: Evidence, upload: _Checked) -> EvidenceAttachment:
    """Move a checked file into the store and record it; the caller holds the transaction."""
    stored = f"{uuid.uuid4().hex}{upload.ext}"
    target = attachments_dir() / stored
    # A rename within the store's file system; a copy only for a file staged elsewhere.
    shutil.move(upload.path, target)
    try:
        os.chmod(target, 0o600)
        attachment = EvidenceAttachment.objects.create(
            evidence=evidence,
            file_name=upload.file_name,
            stored_name=stored,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=acting_user(actor),
        )
        audit_record(
            actor=actor,
            inspection=evidence.inspection,
            action=AuditEvent.Action.CREATE,
            object_type="evidence_attachment",
            object_id=attachment.pk,
            summary=f"Attached {upload.file_name[:120]} to evidence {evidence.ident}",
            after={
                "file": upload.file_name,
                "type": upload.content_type,
                "size": upload.size,
                "sha256": upload.sha256,
            },
        )
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return attachment


def attachment_add(
    *, actor: Any, evidence: Evidence, path: Path, file_name: str, sha256: str | None = None
) -> EvidenceAttachment:
    """Keep a staged file with a note. The file is moved under ATTACHMENTS_DIR or removed."""
    upload = Upload(path, file_name, sha256)
    try:
        checked = _checked_upload(upload)
    except AttachmentRefused:
        _discard([upload])
        raise
    attachment: EvidenceAttachment | None = None
    try:
        with transaction.atomic():
            attachment = _store(actor=actor, evidence=evidence, upload=checked)
    except Exception:
        if attachment is not None:
            attachment_path(attachment).unlink(missing_ok=True)
        _discard([upload])
        raise
    return attachment


def attachment_path(attachment: EvidenceAttachment) -> Path:
    return Path(settings.ATTACHMENTS_DIR) / attachment.stored_name


def attachment_remove(*, actor: Any, attachment: EvidenceAttachment) -> None:
    note = attachment.evidence
    path = attachment_path(attachment)
    with transaction.atomic():
        audit_record(
            actor=actor,
            inspection=note.inspection,
            action=AuditEvent.Action.DELETE,
            object_type="evidence_attachment",
            object_id=attachment.pk,
            summary=f"Removed {attachment.file_name[:120]} from evidence {note.ident}",
            before={
                "file": attachment.file_name,
                "type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
            },
        )
        attachment.delete()
        # The bytes go only once the removal is committed: a rollback keeps both.
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
