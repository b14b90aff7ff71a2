"""A job's page: its progress while it runs (polled by htmx, or refreshed without
JavaScript), then its outcome, with the way on."""

from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_read
from scrutiny.web.downloads import name_download
from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.selectors import access_job_by_id
from scrutiny.web.jobs.services import output_dir
from scrutiny.web.rules import administrator, signed_in


def _render(request: HttpRequest, job: Job) -> HttpResponse:
    context = {"job": job, "inspection": job.inspection}
    if request.htmx and not job.finished:
        return render(request, "jobs/_progress.html", context)
    response = render(request, "jobs/job.html", context)
    if request.htmx:
        # The panel has been polling; now that the job has ended, show the whole outcome.
        response["HX-Refresh"] = "true"
    return response


@signed_in
def job_view(request: HttpRequest, inspection_id: int, job_id: int) -> HttpResponse:
    job = access_job_by_id(user=request.user, inspection_id=inspection_id, job_id=job_id)
    return _render(request, job)


@administrator
def site_job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_job_by_id(user=request.user, inspection_id=None, job_id=job_id)
    return _render(request, job)


@signed_in
def job_file_view(request: HttpRequest, inspection_id: int, job_id: int) -> HttpResponse:
    """The file a job made (a report build), for whoever may follow the job."""
    job = access_job_by_id(user=request.user, inspection_id=inspection_id, job_id=job_id)
    path = job_output_path(job)
    # The handler says how the download is to be named in the audit trail.
    audit = job.result.get("audit") or {}
    audit_read(
        actor=request.user,
        inspection=job.inspection,
        action=AuditEvent.Action.EXPORT,
        object_type=audit.get("object_type", "job_output"),
        object_id=audit.get("object_id", job.pk),
        summary=audit.get("summary", f"Downloaded {job.result.get('file_name', job.output_name)}"),
    )
    return job_file_response(job, path)


def job_output_path(job: Job) -> Path:
    """The file a finished job made, or 404: not done, or swept since (the page offers
    to build it again)."""
    if job.status != Job.Status.DONE or not job.output_name or not isinstance(job.result, dict):
        raise Http404
    path = output_dir() / job.output_name
    if not path.is_file():
        raise Http404
    return path


def job_file_response(job: Job, path: Path) -> FileResponse:
    """The download of a job's file, named and typed as its handler said."""
    response = FileResponse(
        path.open("rb"), content_type=job.result.get("content_type", "application/octet-stream")
    )
    name_download(response, job_download_name(job))
    return response


def job_download_name(job: Job) -> str:
    return str(job.result.get("file_name", job.output_name))
