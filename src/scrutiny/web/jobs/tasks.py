"""The tasks the worker runs. Only these two are on the queue: every Job goes through
``run_job`` (which calls the job's handler); ``sweep`` tidies up and re-schedules itself."""

from django_tasks import task

from scrutiny.web.jobs import services


@task()
def run_job(job_id: int) -> None:
    services.job_run(job_id=job_id)


@task()
def sweep() -> None:
    """Recover jobs whose worker died, remove staged files nothing claims, then wait."""
    try:
        services.jobs_recover_stalled()
        services.sweep_files()
        services.jobs_prune_results()
        # Retention: erase what is due (scrutiny.web.retention), if that app is installed.
        from django.conf import settings

        for hook in getattr(settings, "JOBS_SWEEP_HOOKS", []):
            from django.utils.module_loading import import_string

            import_string(hook)()
    finally:
        services.sweep_schedule()
