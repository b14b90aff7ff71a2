"""Job handlers that exercise the job machinery itself (tests/web/test_jobs.py).

The imports, report builds and erasure are tested as jobs in their own test files; these
handlers exist to pin what every job gets: progress, failure reasons, retry after a killed
worker. They write real rows (audit events) so "nothing half-written" can be checked.
"""

import time
from pathlib import Path
from typing import Any

from django.db import transaction

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.services import JobFailed, job_handler, job_progress


@job_handler
def count_rows(job: Job, *, rows: int, marker: str, refuse: str = "") -> dict[str, Any]:
    """Report progress through the rows, then write them all in one transaction."""
    for i in range(rows):
        job_progress(job, done=i + 1, total=rows, message=f"Checking row {i + 1}")
    if refuse:
        raise JobFailed(
            refuse, details={"problems": [{"row": 2, "field": "id", "message": refuse}]}
        )
    with transaction.atomic():
        for i in range(rows):
            audit_record(
                actor=None,
                action=AuditEvent.Action.CREATE,
                object_type="test",
                summary=f"{marker} {i}",
            )
    return {"summary": f"Stored {rows} rows."}


@job_handler
def write_then_wait(job: Job, *, rows: int, marker: str, flag: str) -> dict[str, Any]:
    """Write rows in one transaction; on the first attempt, wait inside it to be killed."""
    with transaction.atomic():
        for i in range(rows):
            audit_record(
                actor=None,
                action=AuditEvent.Action.CREATE,
                object_type="test",
                summary=f"{marker} {i}",
            )
        if job.attempts == 1:
            Path(flag).touch()  # the test kills the worker now, mid-transaction
            time.sleep(120)
    return {"summary": f"Stored {rows} rows."}


@job_handler
def crash(job: Job) -> None:
    raise RuntimeError("a bug, not the person's fault")
