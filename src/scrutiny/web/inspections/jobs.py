"""Importing a bundle from the page is a job: a large bundle is parsed and stored by the
worker, all or nothing (``bundle_import`` is one transaction)."""

from typing import Any

from django.urls import reverse

from scrutiny.core.bundle import BundleInvalid
from scrutiny.web.inspections.bundle_io import bundle_import
from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.services import (
    JobFailed,
    job_enqueue,
    job_handler,
    job_progress,
    staged_path,
)


def bundle_import_enqueue(*, actor: Any, staged: str, file_name: str) -> Job:
    """A site-wide job (no inspection yet): followed by administrators only."""
    job = job_enqueue(
        handler=bundle_import_run,
        title=f"Importing {file_name[:150]}",
        params={"staged": staged, "file_name": file_name[:255]},
        owner=actor,
    )
    job.next_url = f"{reverse('inspections:import')}?job={job.pk}"
    job.save(update_fields=["next_url"])
    return job


@job_handler
def bundle_import_run(job: Job, *, staged: str, file_name: str) -> dict[str, Any]:
    job_progress(job, done=0, message=f"Checking and storing {file_name}")
    data = staged_path(staged).read_bytes()
    try:
        inspection = bundle_import(actor=job.owner or "worker", data=data)
    except BundleInvalid as exc:
        count = len(exc.problems)
        raise JobFailed(
            f"Nothing was imported: the bundle has {count} problem{'s' if count != 1 else ''}",
            details={"problems": [{"text": p} for p in exc.problems]},
        ) from None
    return {
        "inspection": inspection.pk,
        "reference": inspection.reference,
        "summary": f"Inspection {inspection.reference} imported.",
    }
