"""Survey imports: every write, each with its audit row in the same transaction.

The steps: ``survey_upload`` stages the file and queues a job that reads it (layout,
heading rows, columns); ``survey_import_map_columns`` confirms which column holds what
(and remembers it) and queues the reading of the answers; ``survey_import_map_values``
maps the answers that did not match automatically; ``survey_import_start`` records the
team's decision on incomplete, rejected and on-hold responses and queues the import,
all or nothing. Nothing reads the file inside a request: the job worker does
(``survey_import_run``), writing its progress to the SurveyImport row for the page.

``survey_responses_add`` stores a small batch of responses sent as data (the API), in
one transaction, after the core's checks of a file's rows (``check_entries``).
"""

import itertools
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from scrutiny.core.methodology import Survey, load_programme
from scrutiny.core.survey_import import (
    Column,
    ColumnMapping,
    Completeness,
    Inclusion,
    Limits,
    Problem,
    SurveyImportError,
    ValueMapping,
    content_hash,
    import_survey,
    open_survey,
    propose_mapping,
    propose_mapping_for,
    propose_value_mapping,
)
from scrutiny.core.surveys import Entry, check_entries
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.evaluations.selectors import ensure_inputs_editable, inputs_lock_reasons
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.services import job_enqueue, job_handler, job_progress
from scrutiny.web.planner import refresh_planner_statistics
from scrutiny.web.surveys.models import Answer, RememberedMapping, SurveyImport, SurveyResponse

log = logging.getLogger(__name__)

# Problems listed one by one on the page; the rest are counted per column.
LISTED_PROBLEMS = 1000
RESPONDENT_MAX = SurveyResponse._meta.get_field("respondent").max_length or 80
SAMPLE_ROWS = 10
_STORE_BATCH = 2000
_SQLITE_PAUSE = 0.2  # seconds between batches, so other writers get their turn

Status = SurveyImport.Status


CRASHED = (
    "The import stopped on an unexpected error; nothing was imported. Try again, and tell "
    "the service desk if it happens again."
)


class AlreadyImported(Exception):
    """The same file (same bytes) is the survey's current import."""

    def __init__(self, earlier: SurveyImport):
        self.earlier = earlier
        super().__init__(
            f"This file was already imported on {earlier.created_at:%-d %B %Y} "
            f"({earlier.responses_imported} responses): nothing was imported again. To "
            "correct the responses, upload the corrected file."
        )


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


def columns_of(job: SurveyImport) -> list[Column]:
    return [Column(**c) for c in job.columns]


def inclusion_of(job: SurveyImport) -> Inclusion:
    return Inclusion(
        incomplete=job.include_incomplete,
        rejected=job.include_rejected,
        on_hold=job.include_on_hold,
    )


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
    """Record a staged upload and queue the reading of it; nothing is read here."""
    with transaction.atomic():
        job = SurveyImport.objects.create(
            inspection=inspection,
            survey=survey.id,
            file_name=file_name[:255],
            size=path.stat().st_size,
            content_hash="",
            staged_name=path.name,
            layout="",
            status=Status.INSPECTING,
            phase="Reading the file",
            created_by=actor,
        )
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="survey_import",
            object_id=job.pk,
            summary=f"Uploaded {file_name[:120]} for the {survey.title.lower()}",
            after={"file": file_name, "size": job.size},
        )
        _queue(job, f"Reading {file_name[:150]}")
    return job


def recognised(job: SurveyImport) -> bool:
    """The layout was recognised and every question matched its column exactly."""
    return propose_mapping_for(columns_of(job), _survey(job), job.layout).confidence >= 1.0


def personal_columns(job: SurveyImport) -> list[str]:
    """Columns of personal data (names, email or network addresses): left out."""
    return propose_mapping_for(columns_of(job), _survey(job), job.layout).personal


def survey_import_map_columns(*, actor: Any, job: SurveyImport, mapping: ColumnMapping) -> None:
    """Confirm the column mapping, remember it for the survey, then read the answers."""
    with transaction.atomic():
        _confirm_columns(actor=actor, job=job, mapping=mapping)
        _queue(job, f"Reading the answers in {job.file_name[:150]}")


def _confirm_columns(*, actor: Any, job: SurveyImport, mapping: ColumnMapping) -> None:
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


def survey_import_start(
    *, actor: Any, job: SurveyImport, inclusion: Inclusion | None = None, reason: str = ""
) -> None:
    """Queue the import; counting incomplete, rejected or on-hold responses is recorded
    as the team's decision (who, when, why), in the audit trail too."""
    inclusion = inclusion or Inclusion()
    if inclusion.any and not reason.strip():
        raise ValueError("a decision to count more responses needs its reason")
    with transaction.atomic():
        # The engine counts the survey's answers: refused (Refused) while the
        # evaluations are agreed or signed off.
        ensure_inputs_editable(inspection=job.inspection)
        before = {
            "incomplete": job.include_incomplete,
            "rejected": job.include_rejected,
            "on_hold": job.include_on_hold,
        }
        job.include_incomplete = inclusion.incomplete
        job.include_rejected = inclusion.rejected
        job.include_on_hold = inclusion.on_hold
        job.inclusion_reason = reason.strip() if inclusion.any else ""
        job.inclusion_by = actor if inclusion.any and getattr(actor, "pk", None) else None
        job.inclusion_at = timezone.now() if inclusion.any else None
        job.status = Status.IMPORTING
        job.phase = "Checking every row"
        job.rows_done = 0
        job.save()
        if inclusion.any:
            counts = Completeness.from_json(job.completeness or {})
            audit_record(
                actor=actor,
                inspection=job.inspection,
                action=AuditEvent.Action.CHANGE,
                object_type="survey_import",
                object_id=job.pk,
                summary=(
                    f"Decided to count {inclusion.describe()} responses of "
                    f"{job.file_name[:100]} as returns: {reason.strip()[:300]}"
                ),
                before=before,
                after={
                    **inclusion.model_dump(),
                    "reason": job.inclusion_reason,
                    "returns": counts.counted_with(inclusion),
                    "returns_by_default": counts.counted_with(Inclusion()),
                },
            )
        audit_record(
            actor=actor,
            inspection=job.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="survey_import",
            object_id=job.pk,
            summary=f"Started importing {job.file_name[:120]}",
        )
        _queue(job, f"Importing {job.file_name[:150]}")


def survey_import_cancel(*, actor: Any, job: SurveyImport) -> None:
    with transaction.atomic():
        job.status = Status.CANCELLED
        job.finished_at = timezone.now()
        job.sample = None
        job.save(update_fields=["status", "finished_at", "sample", "updated_at"])
        audit_record(
            actor=actor,
            inspection=job.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="survey_import",
            object_id=job.pk,
            summary=f"Cancelled the import of {job.file_name[:120]}; nothing was imported",
        )
    _discard_file(job)


# --- responses sent as data (the API) ------------------------------------------------


@dataclass(frozen=True)
class ResponsesAdded:
    """What ``survey_responses_add`` stored: each response's entry and respondent id
    (named ``api-<n>`` where the entry gave none), and the entries by completeness."""

    respondents: list[tuple[int, str]]
    completeness: Completeness
    total: int  # the survey's responses now


def survey_responses_add(
    *,
    actor: Any,
    inspection: Inspection,
    survey: Survey,
    entries: Sequence[Entry],
    inclusion: Inclusion | None = None,
    reason: str = "",
) -> ResponsesAdded:
    """Add responses to the survey's, all or nothing: every entry passes the checks a
    file's rows pass (SurveyImportError naming each entry and field), and a respondent
    id already among the survey's responses is refused. Refused (nothing stored) while
    the evaluations are agreed or signed off. A later file import replaces them, with
    the survey's other responses, as it replaces responses from a bundle."""
    inclusion = inclusion or Inclusion()
    if inclusion.any and not reason.strip():
        raise ValueError("a decision to count more responses needs its reason")
    checked = check_entries(entries, survey=survey, inclusion=inclusion, limits=limits())
    too_long = [
        Problem(
            f"The respondent id '{r['respondent'][:40]}…' is longer than {RESPONDENT_MAX} "
            "characters.",
            None,
            f"responses[{index}].respondent",
        )
        for index, r in zip(checked.positions, checked.responses, strict=True)
        if len(r["respondent"]) > RESPONDENT_MAX
    ]
    if too_long:
        raise SurveyImportError(too_long)
    with transaction.atomic():
        # One batch at a time per inspection: positions and respondent ids stay unique
        # (PostgreSQL locks the row; SQLite has one writer anyway).
        Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
        # The engine counts the survey's answers: refused while the evaluations are
        # agreed or signed off, as every input is.
        ensure_inputs_editable(inspection=inspection)
        current = SurveyResponse.objects.filter(
            inspection=inspection, survey=survey.id, pending=False
        )
        before = current.count()
        start = (
            SurveyResponse.objects.filter(inspection=inspection).aggregate(m=Max("position"))["m"]
            or 0
        ) + 1
        named = [
            (index, r["respondent"] or f"api-{start + n}")
            for n, (index, r) in enumerate(zip(checked.positions, checked.responses, strict=True))
        ]
        in_survey = set(
            current.filter(respondent__in=[name for _, name in named]).values_list(
                "respondent", flat=True
            )
        )
        taken: list[Problem] = []
        seen: set[str] = set()
        for index, name in named:
            if name in in_survey:
                taken.append(Problem(f"The respondent id '{name}' is already among the survey's responses.", None, f"responses[{index}].respondent"))  # fmt: skip
            elif name in seen:  # given, and also the name of an unnamed response here
                taken.append(Problem(f"The respondent id '{name}' is that of another response sent.", None, f"responses[{index}].respondent"))  # fmt: skip
            seen.add(name)
        if taken:
            raise SurveyImportError(taken)
        rows = SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(
                    inspection=inspection,
                    position=start + n,
                    survey=survey.id,
                    respondent=name,
                    care_group=r["care_group"],
                )
                for n, ((_, name), r) in enumerate(zip(named, checked.responses, strict=True))
            ]
        )
        Answer.objects.bulk_create(
            [
                Answer(response=row, item=item, value=value)
                for row, r in zip(rows, checked.responses, strict=True)
                for item, value in r["answers"].items()
            ]
        )
        added = len(rows)
        counted = f"; counting {inclusion.describe()} responses: {reason.strip()[:150]}"
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="survey_responses",
            object_id=survey.id,
            summary=(
                f"Added {added} response{'s' if added != 1 else ''} to the "
                f"{survey.title.lower()} through the API" + (counted if inclusion.any else "")
            ),
            before={"responses": before},
            after={
                "responses": before + added,
                "added": [name for _, name in named],
                "completeness": checked.completeness.to_json(),
                "included": inclusion.model_dump(),
                "reason": reason.strip() if inclusion.any else "",
            },
        )
    return ResponsesAdded(named, checked.completeness, before + added)


# --- the worker -------------------------------------------------------------------


def _queue(job: SurveyImport, title: str) -> None:
    """Put the import's next long step on the job queue (in the caller's transaction)."""
    queued = job_enqueue(
        handler=survey_import_run,
        title=title,
        params={"import_id": job.pk},
        inspection=job.inspection,
        owner=job.created_by,
        permission=roles.IMPORT_SURVEYS,
        next_url=reverse("surveys:import", args=[job.inspection_id, job.pk]),
        max_attempts=2,
    )
    SurveyImport.objects.filter(pk=job.pk).update(job=queued)
    job.job = queued


def _progress(job: Any, import_id: int, phase: str) -> Any:
    def report(done: int, total: int | None) -> None:
        SurveyImport.objects.filter(pk=import_id).update(
            rows_done=done, rows_total=total, phase=phase, updated_at=timezone.now()
        )
        if job is not None:
            job_progress(job, done=done, total=total, message=phase)

    return report


@job_handler
def survey_import_run(job: Any, *, import_id: int) -> dict[str, Any] | None:
    """Do the import's next long step: read the file (INSPECTING), read the answers
    (SCANNING) or import (IMPORTING). A refusal is recorded on the import, whose page
    lists it by row and column; the job itself ends done."""
    imp = (
        SurveyImport.objects.select_related("inspection", "created_by").filter(pk=import_id).first()
    )
    if imp is None:
        return {"summary": "The import no longer exists."}
    try:
        if imp.status == Status.INSPECTING:
            _inspect(imp, job)
        if imp.status == Status.SCANNING:
            _scan(imp, job)
        elif imp.status == Status.IMPORTING:
            _import(imp, job)
    except SurveyImportError as exc:
        _fail(imp, exc)
        return {"summary": f"Nothing imported from {imp.file_name}: {exc.total} problems."}
    except AlreadyImported as exc:
        _fail(imp, SurveyImportError([Problem(str(exc))]))
        return {"summary": str(exc)}
    except Exception:
        # A bug, not the file's fault: the import ends (its file removed) with a message
        # that names no internals; the job records the failure and the log the details.
        _fail(imp, SurveyImportError([Problem(CRASHED)]))
        raise
    return {"summary": imp.get_status_display()}


def _inspect(imp: SurveyImport, job: Any) -> None:
    path = staged_path(imp)
    digest = content_hash(path)
    current = current_import(inspection=imp.inspection, survey=imp.survey)
    if current is not None and current.content_hash == digest:
        raise AlreadyImported(current)
    survey = _survey(imp)
    with open_survey(path, limits=limits()) as f:
        sample = [[n, cells] for n, cells in itertools.islice(f.rows, SAMPLE_ROWS)]
        if not sample:
            raise SurveyImportError([Problem("The file has a header row but no responses.")])
        proposal = propose_mapping(f.columns, survey, f.tool, f.recognised)
        columns = [
            {
                "index": c.index,
                "name": c.name,
                "header": c.header,
                "label": c.label,
                "letter": c.letter,
            }
            for c in f.columns
        ]
        imp.file_format, imp.header_rows = f.format, f.header_rows
        imp.rows_total = f.rows_total
    imp.content_hash = digest
    imp.layout = proposal.layout.value
    imp.header = [c["name"] for c in columns]
    imp.columns = columns
    imp.sample = sample
    imp.column_mapping = proposal.mapping.model_dump(mode="json")
    imp.status = Status.MAPPING
    imp.phase = ""
    mapping, confirmed = proposal.mapping, proposal.confidence >= 1.0
    remembered = RememberedMapping.objects.filter(
        inspection=imp.inspection, survey=imp.survey
    ).first()
    if remembered and remembered.columns:
        earlier = ColumnMapping.model_validate(remembered.columns)
        named = [*earlier.items, earlier.respondent, earlier.care_group]
        if all(c is None or c in imp.header for c in named):
            mapping, confirmed = earlier, True
    with transaction.atomic():
        imp.save()
        audit_record(
            actor=imp.created_by,
            inspection=imp.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="survey_import",
            object_id=imp.pk,
            summary=f"Read {imp.file_name[:120]}: {proposal.layout.value}, "
            f"{imp.header_rows} heading row{'s' if imp.header_rows != 1 else ''}",
            after={"hash": digest, "layout": proposal.layout.value, "header_rows": imp.header_rows},
        )
        if confirmed:
            _confirm_columns(actor=imp.created_by, job=imp, mapping=mapping)


def _scan(imp: SurveyImport, job: Any) -> None:
    survey = _survey(imp)
    mapping = ColumnMapping.model_validate(imp.column_mapping)
    proposed = propose_value_mapping(
        staged_path(imp),
        survey=survey,
        mapping=mapping,
        limits=limits(),
        on_progress=_progress(job, imp.pk, "Reading the answers in the file"),
    )
    remembered = RememberedMapping.objects.filter(
        inspection=imp.inspection, survey=imp.survey
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
    imp.value_mapping = ValueMapping(answers=answers, care_groups=care).model_dump(mode="json")
    imp.unmapped = unmapped
    imp.completeness = proposed.completeness.to_json()
    imp.status = Status.VALUES if unmapped else Status.READY
    imp.phase = ""
    imp.save(
        update_fields=["value_mapping", "unmapped", "completeness", "status", "phase", "updated_at"]
    )


def _import(imp: SurveyImport, job: Any) -> None:
    parsed = import_survey(
        staged_path(imp),
        survey=_survey(imp),
        mapping=ColumnMapping.model_validate(imp.column_mapping),
        value_mapping=ValueMapping.model_validate(imp.value_mapping or {}),
        inclusion=inclusion_of(imp),
        limits=limits(),
        on_progress=_progress(job, imp.pk, "Checking every row"),
    )
    # The bundle allows longer ids than the table holds; say so rather than truncate.
    column = ColumnMapping.model_validate(imp.column_mapping).respondent
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
    phase = f"Saving {len(parsed.responses):,} responses"
    _progress(job, imp.pk, phase)(parsed.completeness.rows, parsed.completeness.rows)
    _store(imp, parsed.responses, parsed.completeness, job)


def _store(imp: SurveyImport, responses: list[Any], completeness: Completeness, job: Any) -> None:
    """Replace the survey's responses with the file's, all or nothing.

    The rows are written batch by batch, each batch its own short transaction, marked
    pending (no page or export reads them); one short transaction then retires the
    survey's current rows and makes these current. Other people's pages wait at most a
    batch, never the whole import. A worker killed before that transaction leaves only
    pending rows, which the retry (or the next import) deletes.
    """
    inspection = imp.inspection
    # Rows of an earlier attempt of this import, if its worker was killed.
    _delete_pending(SurveyResponse.objects.filter(survey_import=imp, pending=True))
    start = (
        SurveyResponse.objects.filter(inspection=inspection).aggregate(m=Max("position"))["m"] or 0
    ) + 1
    report = _progress(job, imp.pk, "Saving the responses")
    for offset in range(0, len(responses), _STORE_BATCH):
        batch = responses[offset : offset + _STORE_BATCH]
        with transaction.atomic():
            rows = SurveyResponse.objects.bulk_create(
                [
                    SurveyResponse(
                        inspection=inspection,
                        position=start + offset + i,
                        survey=imp.survey,
                        respondent=r["respondent"],
                        care_group=r["care_group"],
                        survey_import=imp,
                        pending=True,
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
        report(offset + len(batch), len(responses))
        _let_others_write()
    with transaction.atomic():
        # Checked again as the rows become current: the evaluations may have been agreed
        # since the import started. The pending rows go with the next attempt.
        locked = inputs_lock_reasons(inspection=inspection)
        if locked:
            raise SurveyImportError([Problem(f"{reason}.") for reason in locked])
        current = SurveyResponse.objects.filter(
            inspection=inspection, survey=imp.survey, pending=False
        )
        replaced = current.count()
        earlier = list(
            SurveyImport.objects.filter(
                inspection=inspection, survey=imp.survey, status=Status.DONE, superseded_by=None
            ).values_list("pk", flat=True)
        )
        current.update(pending=True)  # retired: deleted below, after this commits
        SurveyResponse.objects.filter(survey_import=imp, pending=True).update(pending=False)
        SurveyImport.objects.filter(pk__in=earlier).update(superseded_by=imp)
        imp.status = Status.DONE
        imp.phase = ""
        imp.responses_imported = len(responses)
        imp.responses_replaced = replaced
        imp.completeness = completeness.to_json()
        imp.finished_at = timezone.now()
        imp.sample = None
        staged = imp.staged_name
        imp.staged_name = ""
        imp.save()
        audit_record(
            actor=imp.created_by,
            inspection=inspection,
            action=AuditEvent.Action.IMPORT,
            object_type="survey_import",
            object_id=imp.pk,
            summary=(
                f"Imported {len(responses)} responses to the {imp.survey} survey from "
                f"{imp.file_name[:100]}"
                + (f", replacing {replaced} earlier responses" if replaced else "")
            ),
            before={"responses": replaced, "imports": earlier},
            after={
                "responses": len(responses),
                "hash": imp.content_hash,
                "completeness": completeness.to_json(),
                "included": inclusion_of(imp).model_dump(),
            },
        )
    (Path(settings.SURVEY_UPLOADS_DIR) / staged).unlink(missing_ok=True)
    # The retired rows, and any left by an import whose worker died for good.
    _delete_pending(
        SurveyResponse.objects.filter(
            inspection=inspection, survey=imp.survey, pending=True
        ).exclude(survey_import__status=Status.IMPORTING)
    )
    # The evaluation and the report read these rows next, often straight away.
    refresh_planner_statistics(SurveyResponse, Answer)


def _let_others_write() -> None:
    """SQLite has one writer at a time, and a waiting writer retries at intervals of up to
    100 ms: a worker that begins its next batch at once would starve the pages' own small
    writes (sessions, the read log). PostgreSQL locks rows, not the database."""
    if connection.vendor == "sqlite":
        time.sleep(_SQLITE_PAUSE)


def _delete_pending(rows: Any) -> None:
    """Delete pending responses batch by batch (short transactions, as they were written)."""
    while True:
        ids = list(rows.values_list("pk", flat=True)[:_STORE_BATCH])
        if not ids:
            return
        with transaction.atomic():
            Answer.objects.filter(response_id__in=ids).delete()
            SurveyResponse.objects.filter(pk__in=ids, pending=True).delete()
        _let_others_write()


def survey_imports_end_stopped() -> int:
    """End every import whose running step's job failed for good (its worker was killed
    on the last attempt too): delete the rows its killed store left pending (respondent
    ids and answers no page reads, but still children's data on disk) and its file, and
    mark it failed without problems (the page says it stopped; nothing was stored). The
    periodic sweep runs this after recovering the jobs of dead workers."""
    stopped = SurveyImport.objects.filter(
        status__in=[Status.INSPECTING, Status.SCANNING, Status.IMPORTING],
        job__status=Job.Status.FAILED,
    ).select_related("inspection", "created_by")
    ended = 0
    for imp in stopped:
        _delete_pending(SurveyResponse.objects.filter(survey_import=imp, pending=True))
        with transaction.atomic():
            SurveyImport.objects.filter(pk=imp.pk).update(
                status=Status.FAILED,
                phase="",
                problems=[],
                staged_name="",
                sample=None,
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
            audit_record(
                actor=None,
                inspection=imp.inspection,
                action=AuditEvent.Action.IMPORT,
                object_type="survey_import",
                object_id=imp.pk,
                summary=f"Nothing imported from {imp.file_name[:100]}: the import stopped "
                "before it finished (its worker stopped) and was not retried again",
            )
        _discard_file(imp)
        ended += 1
    return ended


def _fail(imp: SurveyImport, exc: SurveyImportError) -> None:
    problems = [
        {"row": p.row, "column": p.column, "letter": p.column_letter, "message": p.message}
        for p in exc.problems
    ]
    with transaction.atomic():
        SurveyImport.objects.filter(pk=imp.pk).update(
            status=Status.FAILED,
            phase="",
            problems=problems,
            unlisted=exc.unlisted,
            staged_name="",
            sample=None,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        audit_record(
            actor=imp.created_by,
            inspection=imp.inspection,
            action=AuditEvent.Action.IMPORT,
            object_type="survey_import",
            object_id=imp.pk,
            summary=f"Nothing imported from {imp.file_name[:100]}: {exc.total} problems",
        )
    _discard_file(imp)
