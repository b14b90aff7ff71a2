"""Jobs: long work (imports, report builds, sweeps, erasure) done by the worker.

The queue itself is django-tasks' database backend (``django_tasks_db``); a Job is what
the people waiting for the work see: what it is, how far it has got, and how it ended.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "In progress"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    # What the job does, in the words of the page that started it ("Building the PDF").
    title = models.CharField(max_length=200)
    # The function that does the work (a @job_handler), and its keyword arguments.
    handler = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    # Whose job it is and which inspection it belongs to; None for site-wide jobs
    # (a bundle import, the sweep), which only administrators see.
    inspection = models.ForeignKey(
        "inspections.Inspection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The permission (inspections/roles.py) a member needs to follow the job.
    permission = models.CharField(max_length=40, blank=True)
    # Only its owner follows it: what it made depends on who asked (a report build of a
    # version only the team may read).
    owner_only = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    # Why it failed, in words for the person who started it (never a traceback).
    failure = models.TextField(blank=True)
    # What the handler returned: shown on the page and used for the next step.
    result = models.JSONField(null=True, blank=True)
    # Where the person goes when the job has finished.
    next_url = models.CharField(max_length=300, blank=True)
    # A file the job made (a report build), under JOBS_OUTPUT_DIR.
    output_name = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=2)
    # The django-tasks result of the current attempt.
    task_id = models.CharField(max_length=64, blank=True)
    # host:pid of the worker running it, and when it last said it was alive: a job whose
    # worker died is found by the sweep and retried or failed.
    worker = models.CharField(max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status"], name="job_status"),
            models.Index(fields=["inspection", "-created_at"], name="job_inspection"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        if self.inspection_id is None:
            return reverse("jobs:site_job", args=[self.pk])
        return reverse("jobs:job", args=[self.inspection_id, self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def waiting_long(self) -> bool:
        """Queued for over a minute: the worker may not be running."""
        return (
            self.status == self.Status.QUEUED
            and (timezone.now() - self.created_at).total_seconds() > 60
        )

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))
