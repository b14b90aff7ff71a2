"""Reading jobs, always through the inspection they belong to."""

from typing import Any

from django.http import Http404

from scrutiny.web.inspections.access import access_inspection_by_id
from scrutiny.web.jobs.models import Job


def access_job_by_id(*, user: Any, inspection_id: int | None, job_id: int) -> Job:
    """The job, if the user may follow it; 404 for missing and forbidden alike.

    An inspection's job needs the permission it was started with (a report build needs
    the right to download the report); a site-wide job is for administrators only.
    """
    if not user.is_authenticated:
        raise Http404
    job = Job.objects.filter(pk=job_id, inspection_id=inspection_id).first()
    if job is None or (job.owner_only and job.owner_id != user.pk):
        raise Http404
    if inspection_id is None:
        if not user.is_administrator:
            raise Http404
        return job
    job.inspection = access_inspection_by_id(
        user=user, inspection_id=inspection_id, permission=job.permission or "inspection.view"
    )
    return job


def jobs_of_inspection(*, inspection: Any, limit: int = 20) -> list[Job]:
    return list(Job.objects.filter(inspection=inspection).order_by("-created_at", "-id")[:limit])
