"""Every write about jobs: enqueue, report progress, run, recover, sweep.

How a long piece of work becomes a job (see also /docs/jobs.md):

1. Write the work as a handler: a module-level function decorated with
   ``@job_handler``, taking the Job and the keyword arguments given at enqueue time,
   returning what the page should know afterwards (JSON), or raising ``JobFailed`` with a
   reason written for the person who started it. It reports progress with
   ``job_progress``. Its writes happen all at once (one transaction) or are staged and
   committed at the end, so a worker killed mid-way leaves nothing half-written.
2. A service calls ``job_enqueue`` (in its own transaction, beside its audit row) and
   the view sends the person to ``job.get_absolute_url()`` (progress, then outcome).
3. The worker (``manage.py db_worker``) runs it. A job whose worker died is found by
   ``jobs_recover_stalled`` (at worker start and by the periodic sweep) and run again or
   marked failed with its reason.
"""

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from scrutiny.web.jobs.models import Job

log = logging.getLogger(__name__)

Status = Job.Status
Handler = TypeVar("Handler", bound=Callable[..., Any])

STOPPED = (
    "The job stopped before it finished (the worker was stopped or the server restarted). "
    "Nothing from it was saved."
)
CRASHED = "Something went wrong on the server. Nothing from this job was saved."


class JobFailed(Exception):
    """Raised by a handler: the job cannot be done, for a reason the person can act on."""

    def __init__(self, reason: str, *, details: Any = None):
        self.reason = reason
        self.details = details
        super().__init__(reason)


def job_handler(func: Handler) -> Handler:
    """Mark a module-level function as work the job runner may call by its dotted path."""
    func.is_job_handler = True  # type: ignore[attr-defined]
    return func


def _handler_path(handler: Callable[..., Any]) -> str:
    if not getattr(handler, "is_job_handler", False):
        raise ValueError(f"{handler!r} is not decorated with @job_handler")
    return f"{handler.__module__}.{handler.__qualname__}"


def _resolve(path: str) -> Callable[..., Any]:
    handler = import_string(path)
    # A dotted path from the database is only ever called if it is a declared handler.
    if not getattr(handler, "is_job_handler", False):
        raise ValueError(f"{path} is not a job handler")
    return handler  # type: ignore[no-any-return]


def _queue(job: Job) -> None:
    # Imported here: the task module imports this one.
    from scrutiny.web.jobs.tasks import run_job

    result = run_job.enqueue(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


def job_enqueue(
    *,
    handler: Callable[..., Any],
    title: str,
    params: dict[str, Any] | None = None,
    inspection: Any = None,
    owner: Any = None,
    permission: str = "",
    next_url: str = "",
    max_attempts: int = 2,
    owner_only: bool = False,
) -> Job:
    """Record the job and put it on the queue, in the caller's transaction.

    The worker cannot see either until the caller commits, so a refused request leaves
    no job behind. ``params`` must be JSON (ids and file names, not model instances).
    """
    with transaction.atomic():
        job = Job.objects.create(
            title=title[:200],
            handler=_handler_path(handler),
            params=params or {},
            inspection=inspection,
            owner=owner if getattr(owner, "pk", None) else None,
            permission=permission,
            next_url=next_url,
            max_attempts=max_attempts,
            owner_only=owner_only,
        )
        _queue(job)
    job.refresh_from_db()
    return job


def job_progress(job: Job, *, done: int, total: int | None = None, message: str = "") -> None:
    """Say how far the job has got; also tells the sweep the worker is alive.

    Call it between steps, not inside the job's final write transaction: other
    connections only see it once it is committed.
    """
    job.done, job.total, job.message = done, total, message[:300]
    Job.objects.filter(pk=job.pk).update(
        done=done, total=total, message=message[:300], heartbeat_at=timezone.now()
    )


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_run(*, job_id: int) -> None:
    """Run one attempt of a job (called by the worker through tasks.run_job)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.QUEUED:
            return  # already run, recovered elsewhere, or its inspection was deleted
        now = timezone.now()
        job.status = Status.RUNNING
        job.attempts += 1
        job.worker = this_worker()
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.save(update_fields=["status", "attempts", "worker", "started_at", "heartbeat_at"])
    try:
        result = _resolve(job.handler)(job, **job.params)
    except JobFailed as exc:
        _finish(job, status=Status.FAILED, failure=exc.reason, result=exc.details)
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.handler)
        _finish(job, status=Status.FAILED, failure=CRASHED)
    else:
        _finish(job, status=Status.DONE, result=result)


def _finish(job: Job, *, status: str, failure: str = "", result: Any = None) -> None:
    job.status, job.failure, job.result = status, failure, result
    job.finished_at = timezone.now()
    if status == Status.DONE and job.total:
        job.done = job.total
    job.save(update_fields=["status", "failure", "result", "finished_at", "done"])
    discard_staged(job)


# --- staged files -------------------------------------------------------------------


def staging_dir() -> Path:
    path = Path(settings.JOBS_STAGING_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def output_dir() -> Path:
    path = Path(settings.JOBS_OUTPUT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_output_keep(job: Job, *, content: bytes, suffix: str) -> None:
    """Keep the file a job made, under a name of ours, for its person to download: written
    whole or not at all (a worker killed mid-write leaves only a `.part` the sweep
    removes)."""
    import secrets

    name = f"{secrets.token_hex(16)}.{suffix}"
    partial = output_dir() / f".{name}.part"
    partial.write_bytes(content)
    os.replace(partial, output_dir() / name)
    Job.objects.filter(pk=job.pk).update(output_name=name)
    job.output_name = name


def staged_path(name: str) -> Path:
    """A staged upload's path; the name is ours (never the uploader's file name)."""
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"not a staged file name: {name!r}")
    return staging_dir() / name


def stage_upload(chunks: Any, *, suffix: str = "") -> str:
    """Write an upload under the staging directory; the job names it in ``params['staged']``
    and it is removed when the job ends (or by the sweep, if nothing claims it)."""
    import secrets

    name = f"{secrets.token_hex(16)}{suffix}"
    with staged_path(name).open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return name


def discard_staged(job: Job) -> None:
    name = (job.params or {}).get("staged")
    if name:
        staged_path(name).unlink(missing_ok=True)


# --- recovery and the sweep -----------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_gone(job: Job, *, stale_before: Any) -> bool:
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid)):
        return True
    # A worker on another machine: silent for too long is taken as gone.
    return job.heartbeat_at is None or job.heartbeat_at < stale_before


def jobs_recover_stalled() -> list[Job]:
    """Retry, or fail with its reason, every running job whose worker has died."""
    from django_tasks_db.models import DBTaskResult

    stale_before = timezone.now() - timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)
    recovered = []
    for job in Job.objects.filter(status=Status.RUNNING):
        if not _worker_gone(job, stale_before=stale_before):
            continue
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job.pk)
            if job.status != Status.RUNNING:
                continue
            if job.task_id:
                DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
                    status="FAILED", finished_at=timezone.now()
                )
            if job.attempts < job.max_attempts:
                job.status = Status.QUEUED
                job.message = "Starting again: the worker stopped while doing it"
                job.save(update_fields=["status", "message"])
                _queue(job)
            else:
                job.status = Status.FAILED
                job.failure = STOPPED
                job.finished_at = timezone.now()
                job.save(update_fields=["status", "failure", "finished_at"])
        if job.status == Status.FAILED:
            discard_staged(job)
        log.warning("job %s: worker %s gone; %s", job.pk, job.worker, job.status)
        recovered.append(job)
    return recovered


def sweep_files(*, older_than_seconds: int | None = None) -> list[Path]:
    """Remove staged uploads no live job claims, and job outputs past their keep time.

    Only files older than ``older_than_seconds`` go, so an upload being written by a
    request (its job not yet created) is left alone.
    """
    age = settings.JOBS_ORPHAN_AFTER_SECONDS if older_than_seconds is None else older_than_seconds
    cutoff = time.time() - age
    live = {
        j.params.get("staged")
        for j in Job.objects.filter(status__in=[Status.QUEUED, Status.RUNNING])
        if isinstance(j.params, dict)
    }
    removed = []
    for path in staging_dir().iterdir():
        if path.name not in live and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    removed += _sweep_survey_uploads(cutoff)
    kept_outputs = set(
        Job.objects.filter(
            finished_at__gte=timezone.now() - timedelta(seconds=settings.JOBS_OUTPUT_KEEP_SECONDS)
        )
        .exclude(output_name="")
        .values_list("output_name", flat=True)
    )
    for path in output_dir().iterdir():
        if path.name not in kept_outputs and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _sweep_survey_uploads(cutoff: float) -> list[Path]:
    """Survey exports staged for an import that was abandoned or killed."""
    from scrutiny.web.surveys.models import SurveyImport

    directory = Path(settings.SURVEY_UPLOADS_DIR)
    if not directory.is_dir():
        return []
    claimed = set(
        SurveyImport.objects.exclude(staged_name="")
        .exclude(status__in=["done", "failed", "cancelled"])
        .values_list("staged_name", flat=True)
    )
    removed = []
    for path in directory.iterdir():
        if path.is_file() and path.name not in claimed and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def sweep_schedule(*, delay_seconds: int | None = None) -> None:
    """Make sure one sweep is waiting on the queue (the sweep schedules its successor)."""
    from django_tasks_db.models import DBTaskResult

    from scrutiny.web.jobs.tasks import sweep

    if DBTaskResult.objects.filter(task_path=sweep.module_path, status="READY").exists():
        return
    delay = settings.JOBS_SWEEP_EVERY_SECONDS if delay_seconds is None else delay_seconds
    sweep.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue()


def jobs_prune_results() -> int:
    """Forget the queue's own records of finished tasks after a week (the Job rows stay)."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=7)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


def run_ready_jobs(*, max_tasks: int = 1000) -> int:
    """Run every task that is ready, in this process, as the worker would; return how many.

    For tests (deterministic: no second process, no polling) and for the command line.
    Unlike ``db_worker`` it does not take SQLite's exclusive lock to claim a task, so it
    also works inside a test's transaction; run only one at a time.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"inline-{os.getpid()}",
    )
    ran = 0
    while ran < max_tasks:
        task_result = DBTaskResult.objects.ready().first()
        if task_result is None:
            return ran
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1
    return ran
