from django.conf import settings
from django.db import models


class RecordReading(models.Model):
    """One reading of one child's record by one reader (bundle `record_readings[]`)."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="record_readings"
    )
    # Order in the bundle, so export gives back the same document.
    position = models.PositiveIntegerField()
    record = models.CharField(max_length=80)  # pseudonymous, never a child's name
    reader = models.CharField(max_length=80)
    care_group = models.CharField(max_length=40, null=True, blank=True)
    agreed = models.BooleanField(null=True, blank=True)
    # The programme version the reading was made under ("" when imported from a bundle,
    # which does not say), so a reading outlives a later edition of the reading tool.
    programme_version = models.CharField(max_length=20, blank=True, default="")
    # Optimistic locking for the agreed reading, the one reading edited after it is made.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "position"], name="reading_position")
        ]
        indexes = [models.Index(fields=["inspection", "record"], name="reading_record")]

    def __str__(self) -> str:
        return f"{self.record} read by {self.reader}"


class Rating(models.Model):
    """One rated item of a reading: 1..6 on the six-point scale, or None (not applicable)."""

    reading = models.ForeignKey(RecordReading, on_delete=models.CASCADE, related_name="ratings")
    item = models.CharField(max_length=80)
    value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "item"], name="one_rating_per_item"),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=6) | models.Q(value__isnull=True),
                name="rating_on_scale",
            ),
        ]


class SampledRecord(models.Model):
    """One child's case record in the inspection's sample (pseudonymous; no names)."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="sampled_records"
    )
    position = models.PositiveIntegerField()  # order in the imported file
    record = models.CharField(max_length=80)
    care_group = models.CharField(max_length=40, null=True, blank=True)
    age_band = models.CharField(max_length=100, blank=True)
    legal_status = models.CharField(max_length=100, blank=True)
    area = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "record"], name="sampled_record_once")
        ]

    def __str__(self) -> str:
        return self.record


class Assignment(models.Model):
    """A sampled record given to a reader to read (first or second time).

    It holds the reading while it is a draft: `ratings` maps item ids to 1..6 or None
    (not applicable; an item not yet rated is absent) and `notes` maps item ids to an
    evidence note. On submission the reading becomes a RecordReading with its Ratings,
    so the bundle and the engine only ever see complete readings.
    """

    class Kind(models.TextChoices):
        FIRST = "first", "First reading"
        SECOND = "second", "Second reading"

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Not started"
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="assignments"
    )
    sampled_record = models.ForeignKey(
        SampledRecord, on_delete=models.CASCADE, related_name="assignments"
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FIRST)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    ratings = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=dict, blank=True)
    programme_version = models.CharField(max_length=20, blank=True)
    # Optimistic locking: every save bumps it; a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1)
    reading = models.OneToOneField(
        RecordReading, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignment"
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sampled_record__position", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["sampled_record", "kind"], name="one_reading_per_kind")
        ]
        indexes = [
            models.Index(fields=["inspection", "reader"], name="assignment_reader"),
        ]

    def __str__(self) -> str:
        return f"{self.sampled_record} ({self.get_kind_display()}) for {self.reader}"
