"""PDF and Word downloads are built by a job (2–4 s of layout), then downloaded from the
job's page. The file is written under a temporary name and renamed when whole, so a
worker killed mid-build leaves no half-written download (the sweep removes the rest)."""

from typing import Any

from scrutiny.core.refusal import Refused
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.services import (
    JobFailed,
    job_enqueue,
    job_handler,
    job_output_keep,
    job_progress,
)
from scrutiny.web.reports import selectors

FORMAT_NAMES = {"pdf": "PDF", "docx": "Word document", "html": "HTML"}


def report_build_enqueue(
    *, actor: Any, inspection: Inspection, version: str, file_type: str
) -> Job:
    """The caller has checked this person may read this version; only they follow the job."""
    name = selectors.VERSION_NAMES[version]
    return job_enqueue(
        handler=report_build_run,
        title=f"Building the {FORMAT_NAMES[file_type]} of the {name.split(',')[0].lower()}",
        params={"version": version, "file_type": file_type},
        inspection=inspection,
        owner=actor,
        permission=roles.DOWNLOAD_REPORT,
        owner_only=True,
    )


@job_handler
def report_build_run(job: Job, *, version: str, file_type: str) -> dict[str, Any]:
    inspection = job.inspection
    if inspection is None or file_type not in selectors.FILE_TYPES:
        raise JobFailed("This report can no longer be built.")
    job_progress(job, done=1, total=3, message="Laying out the report")
    try:
        out = selectors.report_file(inspection=inspection, version=version, file_type=file_type)  # type: ignore[arg-type]
    except Refused as exc:
        # The Word template became unusable between the page and the job.
        raise JobFailed(
            "The Word file could not be made: the Word template in use can no longer be "
            "used. " + " ".join(exc.reasons)
        ) from None
    job_progress(job, done=2, total=3, message="Saving the file")
    job_output_keep(job, content=out.content, suffix=file_type)
    kind = FORMAT_NAMES[file_type]
    return {
        "file_name": out.file_name,
        "content_type": out.content_type,
        "summary": f"The {kind} is ready: {out.file_name} ({len(out.content) // 1024 + 1} kB).",
        "audit": {
            "object_type": "report",
            "object_id": f"{version}.{file_type}",
            "summary": f"Downloaded the report ({selectors.VERSION_NAMES[version].lower()}, "
            f"{file_type.upper()})",
        },
    }
