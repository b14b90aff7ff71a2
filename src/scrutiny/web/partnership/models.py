"""The partnership's part of an inspection and the follow-up after publication.

Co-ordinators and partnership readers are memberships (roles in
scrutiny.web.inspections, ADR 0021); this app keeps what they send, who reads with whom,
the action plan and the link from an inspection to its progress review.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SentDocument(models.Model):
    """A file the partnership sent the team: its self-evaluation or position statement,
    or a document the team asked for. The team accepts it into evidence or returns it.

    The bytes live under ATTACHMENTS_DIR/partnership, outside the web root, named by
    ``stored_name``; only an access-checked view serves them."""

    class Kind(models.TextChoices):
        SELF_EVALUATION = "self_evaluation", "Joint self-evaluation"
        POSITION_STATEMENT = "position_statement", "Position statement"
        DOCUMENT = "document", "Requested document"

    class Status(models.TextChoices):
        SENT = "sent", "Sent, waiting for the team"
        ACCEPTED = "accepted", "Accepted into evidence"
        RETURNED = "returned", "Returned"

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="sent_documents"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    file_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # "12 pages, 4,210 words": as counted when it arrived.
    length = models.CharField(max_length=80, blank=True, default="")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT)
    reason = models.TextField(blank=True, default="")  # why it was returned
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    evidence = models.ForeignKey(
        "evidence.Evidence", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_at", "-id"]


class ReaderPairing(models.Model):
    """A partnership reader and the inspector they read with."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="reader_pairings"
    )
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "reader"], name="one_pairing_per_reader")
        ]
        ordering = ["id"]


class ActionPlan(models.Model):
    """The partnership's action plan after publication, reviewed by the link inspector."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Being written by the partnership"
        SUBMITTED = "submitted", "Submitted, waiting for the link inspector"
        ACCEPTED = "accepted", "Accepted by the link inspector"
        RETURNED = "returned", "Returned with comments"

    inspection = models.OneToOneField(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="action_plan"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    link_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_comments = models.TextField(blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)


class Action(models.Model):
    """One SMART action against a priority area for improvement of the report."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    # The report's statement (a priority area, or an area for development); its words are
    # kept as the partnership read them, should the statement change.
    statement = models.ForeignKey(
        "reports.Statement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area = models.TextField()
    text = models.TextField()
    owner = models.CharField(max_length=200)
    due = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]


class ProgressReview(models.Model):
    """A progress review is an inspection of its own (its own evidence and evaluation
    of progress), linked here to the inspection it follows up."""

    original = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="progress_reviews"
    )
    review = models.OneToOneField(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="reviews"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["opened_at", "id"]
