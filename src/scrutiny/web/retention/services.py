"""Erasure under the retention policy, and changes to the policy.

What is erased, per kind (models.Kind), once the report has been published for the
policy's number of months:

- readings: the readers' notes with each reading, and every record id, which becomes
  ``erased-N`` everywhere it is stored (sample, readings, evidence source labels, the
  evaluation meeting's and sign-off's copies of the inputs). The same record gets the same
  new id, so second readings still pair and every statistic is unchanged.
- surveys: free-text answers (items without options) and respondent ids (``erased-N``).
- attachments: the files kept with evidence notes, and the documents the partnership sent
  the team (an accepted one was copied into evidence), with their rows.
- drafts: ratings and notes of readings started but never submitted.

Kept: ratings and answers to closed questions (the aggregates), evidence notes and report
statements, evaluations, the sign-off's fingerprint (its sha256 of the inputs as signed
off) and its evaluation, so the published report and the evaluations are reproduced from
what remains. Each erasure is one transaction with its Erasure row and audit row.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scrutiny.core.methodology import load_programme
from scrutiny.core.signoff import inputs_sha256
from scrutiny.core.text import counted
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.evaluations.models import Moderation
from scrutiny.web.evidence.models import Evidence, EvidenceAttachment
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.jobs.models import Job
from scrutiny.web.records.models import Assignment, RecordReading, SampledRecord
from scrutiny.web.reports.models import Report
from scrutiny.web.retention.models import Erasure, Kind, RetentionPolicy
from scrutiny.web.surveys.models import Answer, SurveyResponse

ERASED = "erased-{}"


def retention_policy() -> RetentionPolicy:
    policy = RetentionPolicy.objects.order_by("pk").first()
    return policy or RetentionPolicy.objects.create()


def retention_policy_update(
    *, actor: Any, expected_version: int, months: dict[str, int | None]
) -> RetentionPolicy:
    with transaction.atomic():
        policy = RetentionPolicy.objects.select_for_update().get(pk=retention_policy().pk)
        if policy.version != expected_version:
            raise StaleEdit()
        before = {kind: policy.months(kind) for kind in Kind.values}
        for kind in Kind.values:
            setattr(policy, f"{kind}_months", months[kind])
        policy.version += 1
        policy.updated_at = timezone.now()
        policy.updated_by = actor if getattr(actor, "pk", None) else None
        policy.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            object_type="retention_policy",
            object_id=policy.pk,
            summary="Changed the retention policy (months kept after publication)",
            before=before,
            after={kind: policy.months(kind) for kind in Kind.values},
        )
    return policy


@dataclass(frozen=True)
class Due:
    inspection: Inspection
    kind: str
    published_at: datetime
    months: int

    @property
    def label(self) -> str:
        return Kind(self.kind).label


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    # The same day of the month, or the month's last day (31 January + 1 month).
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def erasures_due(*, now: datetime | None = None) -> list[Due]:
    """Every (inspection, kind) whose keep time after publication has passed, not yet erased."""
    now = now or timezone.now()
    policy = retention_policy()
    done = set(Erasure.objects.values_list("inspection_id", "kind"))
    due = []
    published = Report.objects.filter(
        status=Report.Status.PUBLISHED, published_at__isnull=False
    ).select_related("inspection")
    for report in published.order_by("published_at", "pk"):
        assert report.published_at is not None
        for kind in Kind.values:
            months = policy.months(kind)
            if months is None or (report.inspection_id, kind) in done:
                continue
            if add_months(report.published_at, months) <= now:
                due.append(Due(report.inspection, kind, report.published_at, months))
    return due


def erasure_run_due(
    *,
    actor: Any,
    now: datetime | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Erasure]:
    """Erase everything due, each (inspection, kind) in its own transaction."""
    due = erasures_due(now=now)
    done = []
    for n, item in enumerate(due):
        done.append(
            inspection_erase(
                actor=actor,
                inspection=item.inspection,
                kind=item.kind,
                published_at=item.published_at,
                months=item.months,
            )
        )
        if on_progress:
            on_progress(n + 1, len(due))
    return done


def inspection_erase(
    *, actor: Any, inspection: Inspection, kind: str, published_at: datetime, months: int
) -> Erasure:
    erase = {
        Kind.READINGS: _erase_readings,
        Kind.SURVEYS: _erase_surveys,
        Kind.ATTACHMENTS: _erase_attachments,
        Kind.DRAFTS: _erase_drafts,
    }[Kind(kind)]
    with transaction.atomic():
        items, detail = erase(inspection)
        erasure = Erasure.objects.create(
            inspection=inspection,
            kind=kind,
            published_at=published_at,
            months=months,
            items=items,
            summary=detail[:300],
        )
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.DELETE,
            object_type="erasure",
            object_id=kind,
            summary=f"Erased {Kind(kind).label.lower()} under the retention policy "
            f"({counted(months, 'month')} after publication): {detail}",
            after={
                "kind": kind,
                "items": items,
                "published_at": published_at.isoformat(),
                "months": months,
            },
        )
    return erasure


# --- each kind ---------------------------------------------------------------------------


def _pattern(old: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(old) + r"(?![\w-])")


def _rewrite_inputs(inspection: Inspection, rewrite: Callable[[dict[str, Any]], None]) -> None:
    """Apply the erasure to the copies of the inputs the meeting and sign-off kept; their
    sha256 fingerprints and evaluations stay as they were signed."""
    moderation = Moderation.objects.filter(inspection=inspection).first()
    if moderation is None:
        return
    for field in ("agreed_snapshot", "freeze"):
        snapshot = getattr(moderation, field)
        if snapshot and isinstance(snapshot.get("inputs"), dict):
            rewrite(snapshot["inputs"])
            # The fingerprint of what was signed off stays; beside it, that of what
            # remains, so recomputing from the remaining inputs can still be checked.
            snapshot["erased_inputs_sha256"] = inputs_sha256(snapshot["inputs"])
    moderation.save(update_fields=["agreed_snapshot", "freeze"])


def _erase_readings(inspection: Inspection) -> tuple[int, str]:
    order: list[str] = list(
        SampledRecord.objects.filter(inspection=inspection)
        .order_by("position")
        .values_list("record", flat=True)
    )
    for record in RecordReading.objects.filter(inspection=inspection).values_list(
        "record", flat=True
    ):
        if record not in order:
            order.append(record)
    new = {old: ERASED.format(n) for n, old in enumerate(order, start=1)}
    sampled = list(SampledRecord.objects.filter(inspection=inspection))
    for row in sampled:
        row.record = new[row.record]
    SampledRecord.objects.bulk_update(sampled, ["record"], batch_size=500)
    readings = list(RecordReading.objects.filter(inspection=inspection))
    for reading in readings:
        reading.record = new[reading.record]
    RecordReading.objects.bulk_update(readings, ["record"], batch_size=500)
    notes = 0
    assignments = list(Assignment.objects.filter(inspection=inspection).exclude(notes={}))
    for assignment in assignments:
        notes += len(assignment.notes)
        assignment.notes = {}
    Assignment.objects.bulk_update(assignments, ["notes"], batch_size=500)
    # Notes made from a reading say which record they came from.
    labelled = list(
        Evidence.objects.filter(inspection=inspection, source=Evidence.Source.RECORD_READING)
    )
    for note in labelled:
        for old, replacement in new.items():
            if old in note.source_label:
                note.source_label = _pattern(old).sub(replacement, note.source_label)
    Evidence.objects.bulk_update(labelled, ["source_label"], batch_size=500)

    def rewrite(inputs: dict[str, Any]) -> None:
        for reading in inputs.get("record_readings", []):
            reading["record"] = new.get(reading["record"], reading["record"])

    _rewrite_inputs(inspection, rewrite)
    # The sample check's preview listed the file's records.
    from scrutiny.web.records.jobs import sample_check_run

    Job.objects.filter(
        inspection=inspection,
        handler=f"{sample_check_run.__module__}.{sample_check_run.__qualname__}",
    ).update(result=None)
    return len(new), (
        f"{counted(len(new), 'record id')} replaced in {counted(len(readings), 'reading')}, "
        f"{counted(notes, 'reading note')} removed"
    )


def _free_text_items(inspection: Inspection) -> dict[str, set[str]]:
    programme = load_programme(inspection.programme)
    return {s.id: {i.id for i in s.items if i.free_text} for s in programme.surveys}


def _erase_surveys(inspection: Inspection) -> tuple[int, str]:
    free = _free_text_items(inspection)
    responses = list(SurveyResponse.objects.filter(inspection=inspection).order_by("position"))
    new: dict[tuple[str, str], str] = {}
    for n, response in enumerate(responses, start=1):
        key = (response.survey, response.respondent)
        response.respondent = new.setdefault(key, ERASED.format(n))
    SurveyResponse.objects.bulk_update(responses, ["respondent"], batch_size=500)
    texts = 0
    for survey, items in free.items():
        if items:
            texts += (
                Answer.objects.filter(
                    response__inspection=inspection, response__survey=survey, item__in=items
                )
                .exclude(value=None)
                .update(value=None)
            )

    def rewrite(inputs: dict[str, Any]) -> None:
        for response in inputs.get("survey_responses", []):
            key = (response["survey"], response["respondent"])
            response["respondent"] = new.get(key, response["respondent"])
            for item in free.get(response["survey"], set()):
                if response["answers"].get(item) is not None:
                    response["answers"][item] = None

    _rewrite_inputs(inspection, rewrite)
    return len(responses), (
        f"{counted(len(responses), 'respondent id')} replaced, "
        f"{counted(texts, 'free-text answer')} removed"
    )


def _erase_attachments(inspection: Inspection) -> tuple[int, str]:
    from scrutiny.web.partnership.models import SentDocument
    from scrutiny.web.partnership.services import sent_document_path

    attachments = list(EvidenceAttachment.objects.filter(evidence__inspection=inspection))
    sent = list(SentDocument.objects.filter(inspection=inspection))
    paths = [Path(settings.ATTACHMENTS_DIR) / a.stored_name for a in attachments]
    paths += [sent_document_path(d) for d in sent]
    EvidenceAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    SentDocument.objects.filter(pk__in=[d.pk for d in sent]).delete()

    def remove_files() -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    # The files go once the rows are gone for good; a rolled-back erasure keeps both.
    transaction.on_commit(remove_files)
    size = sum(a.size for a in attachments) + sum(d.size for d in sent)
    files = len(attachments) + len(sent)
    return files, (
        f"{counted(files, 'file')} removed ({size // 1024 + (size > 0)} kB), "
        f"{counted(len(sent), 'document')} the partnership sent among them"
    )


def _erase_drafts(inspection: Inspection) -> tuple[int, str]:
    drafts = list(
        Assignment.objects.filter(inspection=inspection).exclude(status=Assignment.Status.SUBMITTED)
    )
    started = [a for a in drafts if a.ratings or a.notes]
    for assignment in started:
        assignment.ratings, assignment.notes = {}, {}
        assignment.version += 1
    Assignment.objects.bulk_update(started, ["ratings", "notes", "version"], batch_size=500)
    return len(started), f"{counted(len(started), 'unfinished reading')} emptied"


# --- the job ----------------------------------------------------------------------------


def erasure_enqueue(*, actor: Any) -> Job:
    from scrutiny.web.jobs.services import job_enqueue
    from scrutiny.web.retention.jobs import erasure_run

    return job_enqueue(
        handler=erasure_run,
        title="Erasing personal data past its retention time",
        owner=actor,
        max_attempts=3,
    )


def erasure_enqueue_if_due() -> Job | None:
    """Called by the periodic sweep: queue an erasure run when anything is due."""
    from scrutiny.web.retention.jobs import erasure_run

    handler = f"{erasure_run.__module__}.{erasure_run.__qualname__}"
    if Job.objects.filter(handler=handler, status__in=["queued", "running"]).exists():
        return None
    if not erasures_due():
        return None
    return erasure_enqueue(actor="retention policy")
