"""Survey imports: every write, each with its audit row in the same transaction.

The steps: ``survey_upload`` stages the file and recognises its layout;
``survey_import_map_columns`` confirms which column holds what (and remembers it);
``survey_import_map_values`` maps the answers that did not match automatically;
``survey_import_start`` imports all or nothing. Reading the answers and importing run
in a worker (``run_survey_import_job``) that writes its progress to the SurveyImport row.
"""

import logging
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Max
from django.utils import timezone

from scrutiny.core.methodology import Survey, load_programme
from scrutiny.core.survey_import import (
    ColumnMapping,
    Limits,
    NotASurveyExport,
    Problem,
    SurveyImportError,
    ValueMapping,
    content_hash,
    import_survey,
    preview,
    propose_mapping,
    propose_value_mapping,
)
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.evaluations.selectors import ensure_inputs_editable, inputs_lock_reasons
from scrutiny.web.surveys.models import Answer, RememberedMapping, SurveyImport, SurveyResponse

log = logging.getLogger(__name__)

# Problems listed one by one on the page; the rest are counted per column.
LISTED_PROBLEMS = 1000
RESPONDENT_MAX = SurveyResponse._meta.get_field("respondent").max_length or 80
_STORE_BATCH = 2000

Status = SurveyImport.Status


class AlreadyImported(Exception):
    """The same file (same bytes) is the survey's current import."""

    def __init__(self, earlier: SurveyImport):
        self.earlier = earlier
        super().__init__(f"This file was already imported on {earlier.created_at:%d %B %Y}.")


def limits() -> Limits:
    return Limits(
        max_file_bytes=settings.SURVEY_UPLOAD_MAX_BYTES, max_listed_problems=LISTED_PROBLEMS
    )


def staged_path(job: SurveyImport) -> Path:
    return Path(settings.SURVEY_UPLOADS_DIR) / job.staged_name


def _survey(job: SurveyImport) -> Survey:
    survey = load_programme(job.inspection.programme).survey(job.survey)
    assert survey is not None  # checked when the upload was made
    return survey


def _discard_file(job: SurveyImport) -> None:
    if job.staged_name:
        staged_path(job).unlink(missing_ok=True)


def current_import(*, inspection: Any, survey: str) -> SurveyImport | None:
    return (
        SurveyImport.objects.filter(
            inspection=inspection, survey=survey, status=Status.DONE, superseded_by=None
        )
        .order_by("-id")
        .first()
    )


def survey_upload(
    *, actor: Any, inspection: Any, survey: Survey, path: Path, file_name: str
) -> SurveyImport:
    """Check a staged file is a survey export and propose its column mapping.

    Refuses (``NotASurveyExport``) before reading rows, and refuses (``AlreadyImported``)
    the very file already imported for this survey. The file is removed on refusal.
    """
    try:
        header, first = preview(path, rows=1, limits=limits())
        if not first:
            raise SurveyImportError([Problem("The file has a header row but no responses.")])
        digest = content_hash(path)
        current = current_import(inspection=inspection, survey=survey.id)
        if current is not None and current.content_hash == digest:
            raise AlreadyImported(current)
    except (NotASurveyExport, SurveyImportError, AlreadyImported):
        path.unlink(missing_ok=True)
        raise
    proposal = propose_mapping(header, survey)
    remembered = RememberedMapping.objects.filter(inspection=inspection, survey=survey.id).first()
    mapping = proposal.mapping
    # A recognised layout needs no mapping step; nor does the team's confirmed mapping
    # when a corrected or later export has the same columns.
    confirmed = proposal.confidence >= 1.0
    if remembered and remembered.columns:
        earlier = ColumnMapping.model_validate(remembered.columns)
        named = [*earlier.items, earlier.respondent, earlier.care_group]
        if all(c is None or c in header for c in named):
            mapping, confirmed = earlier, True
    with transaction.atomic():
        job = SurveyImport.objects.create(
            inspection=inspection,
            survey=survey.id,
            file_name=file_name[:255],
            size=path.stat().st_size,
            content_hash=digest,
            staged_name=path.name,
            layout=proposal.layout.value,
            header=header,
            column_mapping=mapping.model_dump(mode="json"),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="survey_import",
            object_id=job.pk,
            summary=f"Uploaded {file_name[:120]} for the {survey.title.lower()}",
            after={"file": file_name, "hash": digest, "layout": proposal.layout.value},
        )
    if confirmed:
        survey_import_map_columns(actor=actor, job=job, mapping=mapping)
    return job


def recognised(job: SurveyImport) -> bool:
    """The layout was recognised and every question matched its column exactly."""
    return propose_mapping(job.header, _survey(job)).confidence >= 1.0


def survey_import_map_columns(*, actor: Any, job: SurveyImport, mapping: ColumnMapping) -> None:
    """Confirm the column mapping, remember it for the survey, then read the answers."""
    with transaction.atomic():
        job.column_mapping = mapping.model_dump(mode="json")
        job.status = Status.SCANNING
        job.phase = "Reading the answers in the file"
        job.rows_done = 0
        job.save(update_fields=["column_mapping", "status", "phase", "rows_done", "updated_at"])
        RememberedMapping.objects.update_or_create(
            inspection=job.inspection, survey=job.survey, defaults={"columns": job.column_mapping}
        )
        audit_record(
            actor=actor,
            inspection=job.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="survey_import",
            object_id=job.pk,
            summary=f"Confirmed the column mapping of {job.file_name[:120]}",
            after=job.column_mapping,
        )
    _start(job)


def survey_import_map_values(*, actor: Any, job: SurveyImport, chosen: ValueMapping) -> None:
    """Add the inspector's answer mappings to the automatic ones; remember them."""
    auto = ValueMapping.model_validate(job.value_mapping or {})
    answers = {item: dict(values) for item, values in auto.answers.items()}
    for item, values in chosen.answers.items():
        answers.setdefault(item, {}).update(values)
    merged = ValueMapping(answers=answers, care_groups={**auto.care_groups, **chosen.care_groups})
    with transaction.atomic():
        job.value_mapping = merged.model_dump(mode="json")
        job.unmapped = {}
        job.status = Status.READY
        job.save(update_fields=["value_mapping", "unmapped", "status", "updated_at"])
        remembered, _ = RememberedMapping.objects.get_or_create(
            inspection=job.inspection, survey=job.survey
        )
        values = ValueMapping.model_validate(remembered.values or {})
        kept = {item: dict(v) for item, v in values.answers.items()}
        for item, v in chosen.answers.items():
            kept.setdefault(item, {}).update(v)
        remembered.values = ValueMapping(
            answers=kept, care_groups={**values.care_groups, **chosen.care_groups}
        ).model_dump(mode="json")
        remembered.save(update_fields=["values", "updated_at"])
        audit_record(
            actor=actor,
            inspection=job.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="survey_import",
            object_id=job.pk,
            summary=f"Mapped the answers of {job.file_name[:120]}",
            after=chosen.model_dump(mode="json"),
        )


def survey_import_start(*, actor: Any, job: SurveyImport) -> None:
    """Start importing the mapped file; refused (Refused) while the evaluations are
    agreed or signed off, since the engine counts the survey's answers."""
    with transaction.atomic():
        ensure_inputs_editable(inspection=job.inspection)
        job.status = Status.IMPORTING
        job.phase = "Checking every row"
        job.rows_done = 0
        job.save(update_fields=["status", "phase", "rows_done", "updated_at"])
        audit_record(
            actor=actor,
            inspection=job.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="survey_import",
            object_id=job.pk,
            summary=f"Started importing {job.file_name[:120]}",
        )
    _start(job)


def survey_import_cancel(*, actor: Any, job: SurveyImport) -> None:
    with transaction.atomic():
        job.status = Status.CANCELLED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at", "updated_at"])
        audit_record(
            actor=actor,
            inspection=job.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="survey_import",
            object_id=job.pk,
            summary=f"Cancelled the import of {job.file_name[:120]}; nothing was imported",
        )
    _discard_file(job)


# --- the worker -------------------------------------------------------------------


def _start(job: SurveyImport) -> None:
    if not settings.SURVEY_IMPORT_IN_BACKGROUND:
        run_survey_import_job(job_id=job.pk)
        return

    def work() -> None:
        close_old_connections()
        try:
            run_survey_import_job(job_id=job.pk)
        finally:
            connection.close()  # this thread's own connection

    # After commit, so the worker's own connection sees the row it is to work on.
    transaction.on_commit(
        lambda: threading.Thread(target=work, name=f"survey-import-{job.pk}", daemon=True).start()
    )


def _progress(job_id: int, phase: str) -> Any:
    def report(done: int, total: int | None) -> None:
        SurveyImport.objects.filter(pk=job_id).update(
            rows_done=done, rows_total=total, phase=phase, updated_at=timezone.now()
        )

    return report


def run_survey_import_job(*, job_id: int) -> None:
    """Do the job's next long step: read the answers (SCANNING) or import (IMPORTING)."""
    # No close_old_connections() here: run inline (in a request or a test's transaction)
    # it would close the caller's PostgreSQL connection mid-transaction.
    job = SurveyImport.objects.select_related("inspection").get(pk=job_id)
    try:
        if job.status == Status.SCANNING:
            _scan(job)
        elif job.status == Status.IMPORTING:
            _import(job)
    except SurveyImportError as exc:
        _fail(job, exc)
    except Exception:
        log.exception("survey import %s failed", job_id)
        _fail(job, SurveyImportError([]), crashed=True)


def _scan(job: SurveyImport) -> None:
    survey = _survey(job)
    mapping = ColumnMapping.model_validate(job.column_mapping)
    proposed = propose_value_mapping(
        staged_path(job),
        survey=survey,
        mapping=mapping,
        limits=limits(),
        on_progress=_progress(job.pk, "Reading the answers in the file"),
    )
    remembered = RememberedMapping.objects.filter(
        inspection=job.inspection, survey=job.survey
    ).first()
    earlier = ValueMapping.model_validate((remembered.values if remembered else None) or {})
    answers = {item: dict(v) for item, v in proposed.mapping.answers.items()}
    unmapped: dict[str, dict[str, int]] = {}
    for item, raws in proposed.unmapped.items():
        known = earlier.care_groups if item == "care_group" else earlier.answers.get(item, {})
        for raw, count in raws.items():
            if raw in known:  # mapped by the team for an earlier file of this survey
                if item != "care_group":
                    answers.setdefault(item, {})[raw] = known[raw]
            else:
                unmapped.setdefault(item, {})[raw] = count
    care = {**proposed.mapping.care_groups}
    care.update({raw: g for raw, g in earlier.care_groups.items()})
    job.value_mapping = ValueMapping(answers=answers, care_groups=care).model_dump(mode="json")
    job.unmapped = unmapped
    job.status = Status.VALUES if unmapped else Status.READY
    job.phase = ""
    job.save(update_fields=["value_mapping", "unmapped", "status", "phase", "updated_at"])


def _import(job: SurveyImport) -> None:
    parsed = import_survey(
        staged_path(job),
        survey=_survey(job),
        mapping=ColumnMapping.model_validate(job.column_mapping),
        value_mapping=ValueMapping.model_validate(job.value_mapping or {}),
        limits=limits(),
        on_progress=_progress(job.pk, "Checking every row"),
    )
    # The bundle allows longer ids than the table holds; say so rather than truncate.
    column = ColumnMapping.model_validate(job.column_mapping).respondent
    too_long = [
        Problem(
            f"The respondent id '{r['respondent'][:40]}…' is longer than {RESPONDENT_MAX} "
            "characters.",
            None,
            column,
        )  # fmt: skip
        for r in parsed.responses
        if len(r["respondent"]) > RESPONDENT_MAX
    ]
    if too_long:
        raise SurveyImportError(too_long[:LISTED_PROBLEMS])
    SurveyImport.objects.filter(pk=job.pk).update(
        phase=f"Saving {len(parsed.responses):,} responses", updated_at=timezone.now()
    )
    _store(job, parsed.responses)


def _store(job: SurveyImport, responses: list[dict[str, Any]]) -> None:
    """Replace the survey's responses with the file's, in one transaction."""
    inspection = job.inspection
    with transaction.atomic():
        # Checked again here: the evaluations may have been agreed since the start.
        locked = inputs_lock_reasons(inspection=inspection)
        if locked:
            raise SurveyImportError([Problem(f"{reason}.") for reason in locked])
        old = SurveyResponse.objects.filter(inspection=inspection, survey=job.survey)
        replaced = old.count()
        earlier = list(
            SurveyImport.objects.filter(
                inspection=inspection, survey=job.survey, status=Status.DONE, superseded_by=None
            ).values_list("pk", flat=True)
        )
        Answer.objects.filter(response__in=old).delete()
        old.delete()
        SurveyImport.objects.filter(pk__in=earlier).update(superseded_by=job)
        start = (
            SurveyResponse.objects.filter(inspection=inspection).aggregate(m=Max("position"))["m"]
            or 0
        ) + 1
        for offset in range(0, len(responses), _STORE_BATCH):
            batch = responses[offset : offset + _STORE_BATCH]
            rows = SurveyResponse.objects.bulk_create(
                [
                    SurveyResponse(
                        inspection=inspection,
                        position=start + offset + i,
                        survey=job.survey,
                        respondent=r["respondent"],
                        care_group=r["care_group"],
                        survey_import=job,
                    )
                    for i, r in enumerate(batch)
                ]
            )
            Answer.objects.bulk_create(
                [
                    Answer(response=row, item=item, value=value)
                    for row, r in zip(rows, batch, strict=True)
                    for item, value in r["answers"].items()
                ],
                batch_size=_STORE_BATCH,
            )
        job.status = Status.DONE
        job.phase = ""
        job.responses_imported = len(responses)
        job.responses_replaced = replaced
        job.finished_at = timezone.now()
        staged = job.staged_name
        job.staged_name = ""
        job.save()
        audit_record(
            actor=job.created_by,
            inspection=inspection,
            action=AuditEvent.Action.IMPORT,
            object_type="survey_import",
            object_id=job.pk,
            summary=(
                f"Imported {len(responses)} responses to the {job.survey} survey from "
                f"{job.file_name[:100]}"
                + (f", replacing {replaced} earlier responses" if replaced else "")
            ),
            before={"responses": replaced, "imports": earlier},
            after={"responses": len(responses), "hash": job.content_hash},
        )
    (Path(settings.SURVEY_UPLOADS_DIR) / staged).unlink(missing_ok=True)


def _fail(job: SurveyImport, exc: SurveyImportError, *, crashed: bool = False) -> None:
    problems = [
        {"row": p.row, "column": p.column, "letter": p.column_letter, "message": p.message}
        for p in exc.problems
    ]
    if crashed:
        problems = [
            {
                "row": None,
                "column": None,
                "letter": None,
                "message": "The import stopped on an unexpected error; nothing was imported. "
                "Try again, and tell the service desk if it happens again.",
            }
        ]
    with transaction.atomic():
        SurveyImport.objects.filter(pk=job.pk).update(
            status=Status.FAILED,
            phase="",
            problems=problems,
            unlisted=exc.unlisted,
            staged_name="",
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        audit_record(
            actor=job.created_by,
            inspection=job.inspection,
            action=AuditEvent.Action.IMPORT,
            object_type="survey_import",
            object_id=job.pk,
            summary=f"Nothing imported from {job.file_name[:100]}: {exc.total} problems",
        )
    _discard_file(job)
