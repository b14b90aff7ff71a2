from django.db import models


class Evidence(models.Model):
    """One evidence note tagged to inspection questions and quality indicators."""

    class Source(models.TextChoices):
        RECORD_READING = "record_reading", "Record reading"
        SURVEY = "survey", "Survey"
        FOCUS_GROUP = "focus_group", "Focus group"
        MEETING = "meeting", "Meeting"
        ENGAGEMENT = "engagement", "Engagement"
        POSITION_STATEMENT = "position_statement", "Position statement"
        DOCUMENT = "document", "Document"
        OBSERVATION = "observation", "Observation"

    class Kind(models.TextChoices):
        STRENGTH = "strength", "Strength"
        AREA_FOR_DEVELOPMENT = "area_for_development", "Area for development"
        CONTEXT = "context", "Context"

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="evidence"
    )
    position = models.PositiveIntegerField()
    ident = models.CharField(max_length=80)  # the bundle's evidence `id`
    source = models.CharField(max_length=30, choices=Source.choices)
    text = models.TextField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    care_group = models.CharField(max_length=40, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "position"], name="evidence_position"),
            models.UniqueConstraint(fields=["inspection", "ident"], name="evidence_ident"),
        ]


class EvidenceQuestion(models.Model):
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="questions")
    question = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "question"], name="evidence_question")
        ]
        indexes = [models.Index(fields=["question", "evidence"], name="evidence_by_question")]


class EvidenceIndicator(models.Model):
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.CharField(max_length=10)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "indicator"], name="evidence_indicator")
        ]
