from typing import Any

from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.services import job_handler, job_progress
from scrutiny.web.retention.services import erasure_run_due


@job_handler
def erasure_run(job: Job) -> dict[str, Any]:
    """Each inspection's kind is erased in its own transaction: a run stopped half-way has
    erased some kinds whole and left the rest whole; the next run does the rest."""
    done = erasure_run_due(
        actor=job.owner or "retention policy",
        on_progress=lambda n, total: job_progress(
            job, done=n, total=total, message="Erasing personal data past its retention time"
        ),
    )
    inspections = len({e.inspection_id for e in done})
    return {
        "summary": f"{len(done)} erasure{'s' if len(done) != 1 else ''} "
        f"in {inspections} inspection{'s' if inspections != 1 else ''}.",
        "erasures": [e.pk for e in done],
    }
