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
