"""The review of findings as a PDF or Word document is built by a job (seconds of layout,
never in a request), like an inspection's report, then downloaded from the job's page.

The job belongs to no inspection: its page and its file are the programme's
(`programmes:review_job`), for programme managers and administrators, who all see the
same published aggregates. The file is written under a temporary name and renamed when
whole.
"""

from typing import Any

from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.services import (
    JobFailed,
    job_enqueue,
    job_handler,
    job_output_keep,
    job_progress,
)
from scrutiny.web.programmes import selectors


def review_build_enqueue(*, actor: Any, programme_id: str, years: list[int], file_type: str) -> Job:
    """The caller has checked that this person may read the programme's overview."""
    programme = selectors.access_programme_by_id(programme_id=programme_id)
    return job_enqueue(
        handler=review_build_run,
        title=f"Building the {selectors.REVIEW_FORMATS[file_type][1]} of the review of findings"
        f" ({programme.short_title})",
        params={"programme": programme_id, "years": years, "file_type": file_type},
        owner=actor,
        permission=selectors.REVIEW_PERMISSION,
    )


@job_handler
def review_build_run(
    job: Job, *, programme: str, years: list[int], file_type: str
) -> dict[str, Any]:
    from django.http import Http404

    try:
        found = selectors.access_programme_by_id(programme_id=programme)
    except Http404:
        raise JobFailed("This programme is no longer available.") from None
    if file_type not in ("pdf", "docx"):
        raise JobFailed("This review can no longer be built.")
    job_progress(
        job, done=1, total=3, message="Adding up the inspections and laying out the review"
    )
    out = selectors.review_file(programme=found, years=years, file_type=file_type)
    job_progress(job, done=2, total=3, message="Saving the file")
    job_output_keep(job, content=out.content, suffix=file_type)
    kind = selectors.REVIEW_FORMATS[file_type][1]
    return {
        "file_name": out.file_name,
        "content_type": out.content_type,
        "summary": f"The {kind} is ready: {out.file_name} ({len(out.content) // 1024 + 1} kB).",
    }
