"""How long personal data is kept after an inspection's report is published, and a record
of every erasure made under that policy."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    """The kinds of personal data the policy covers, in the inspectors' words."""

    READINGS = "readings", "Record readings' free text and record ids"
    SURVEYS = "surveys", "Survey free text and respondent ids"
    ATTACHMENTS = "attachments", "Evidence attachments"
    DRAFTS = "drafts", "Unfinished reading drafts"


class RetentionPolicy(models.Model):
    """The organisation's policy: one row. Months after publication; blank keeps for ever."""

    readings_months = models.PositiveSmallIntegerField(null=True, blank=True, default=12)
    surveys_months = models.PositiveSmallIntegerField(null=True, blank=True, default=12)
    attachments_months = models.PositiveSmallIntegerField(null=True, blank=True, default=24)
    drafts_months = models.PositiveSmallIntegerField(null=True, blank=True, default=1)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def months(self, kind: str) -> int | None:
        return getattr(self, f"{kind}_months")  # type: ignore[no-any-return]


class Erasure(models.Model):
    """One kind of personal data erased from one inspection: what, when, how much."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="erasures"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    erased_at = models.DateTimeField(default=timezone.now)
    # The report's publication date and the policy's months that made it due.
    published_at = models.DateTimeField()
    months = models.PositiveSmallIntegerField()
    items = models.PositiveIntegerField()
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["erased_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "kind"], name="erased_once_per_kind")
        ]
