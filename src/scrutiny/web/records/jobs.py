"""The record-sample import as two jobs: check the staged file (the preview), then, once
the lead confirms, store the checked records all or nothing (``sample_import``)."""

from typing import Any

from django.urls import reverse

from scrutiny.core.methodology import load_programme
from scrutiny.core.sample_import import Problem, SampleImportError, parse_sample
from scrutiny.core.sample_import import SampledRecord as ParsedRecord
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.services import (
    JobFailed,
    job_enqueue,
    job_handler,
    job_progress,
    staged_path,
)
from scrutiny.web.records.services import sample_import


def _problems(problems: list[Problem]) -> list[dict[str, Any]]:
    return [
        {"row": p.row, "field": p.column, "message": p.message, "text": str(p)} for p in problems
    ]


def _page(inspection: Inspection, job: Job) -> str:
    return f"{reverse('records:sample_import', args=[inspection.pk])}?job={job.pk}"


def sample_check_enqueue(*, actor: Any, inspection: Inspection, staged: str, file_name: str) -> Job:
    job = job_enqueue(
        handler=sample_check_run,
        title=f"Checking {file_name[:150]}",
        params={"staged": staged, "file_name": file_name[:255]},
        inspection=inspection,
        owner=actor,
        permission=roles.MANAGE_READINGS,
    )
    job.next_url = _page(inspection, job)
    job.save(update_fields=["next_url"])
    return job


def sample_store_enqueue(*, actor: Any, inspection: Inspection, checked: Job) -> Job:
    count = len((checked.result or {}).get("records", []))
    job = job_enqueue(
        handler=sample_store_run,
        title=f"Adding {count} record{'s' if count != 1 else ''} to the sample",
        params={"checked": checked.pk},
        inspection=inspection,
        owner=actor,
        permission=roles.MANAGE_READINGS,
    )
    job.next_url = _page(inspection, job)
    job.save(update_fields=["next_url"])
    return job


@job_handler
def sample_check_run(job: Job, *, staged: str, file_name: str) -> dict[str, Any]:
    """Read and validate the sample file; the result is the preview the lead confirms."""
    inspection = job.inspection
    assert inspection is not None
    programme = load_programme(inspection.programme)
    groups = {g.id: g.label for g in programme.care_groups}
    job_progress(job, done=0, total=None, message=f"Reading {file_name}")
    try:
        with staged_path(staged).open("rb") as stream:
            parsed = parse_sample(stream, care_groups=groups)
    except SampleImportError as exc:
        count = len(exc.problems)
        raise JobFailed(
            f"Nothing was imported: the file has {count} problem{'s' if count != 1 else ''}",
            details={"problems": _problems(list(exc.problems))},
        ) from None
    return {
        "records": [r.__dict__ for r in parsed.records],
        "format": parsed.format,
        "ignored": list(parsed.ignored_columns),
        "file_name": file_name,
        "summary": f"{len(parsed.records)} records are ready to check.",
    }


@job_handler
def sample_store_run(job: Job, *, checked: int) -> dict[str, Any]:
    """Store the records of a finished check, all or none (one transaction)."""
    inspection = job.inspection
    source = Job.objects.filter(pk=checked, inspection=inspection, status=Job.Status.DONE).first()
    if source is None or not isinstance(source.result, dict):
        raise JobFailed("The checked file is no longer available. Upload it again.")
    records = [ParsedRecord(**row) for row in source.result["records"]]
    job_progress(job, done=0, total=len(records), message="Adding the records to the sample")
    try:
        sample_import(actor=job.owner or "worker", inspection=inspection, records=records)
    except SampleImportError as exc:
        count = len(exc.problems)
        raise JobFailed(
            f"Nothing was imported: the file has {count} problem{'s' if count != 1 else ''}",
            details={"problems": _problems(list(exc.problems))},
        ) from None
    return {"summary": f"{len(records)} records added to the sample.", "count": len(records)}
