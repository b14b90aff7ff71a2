from django.db import models
from django.utils import timezone


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
    # Which focus group, meeting or document, in the team's words (not in the bundle yet).
    source_label = models.CharField(max_length=200, blank=True, default="")
    text = models.TextField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    care_group = models.CharField(max_length=40, null=True, blank=True)
    # When the meeting, focus group or observation took place (not in the bundle yet).
    date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
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


class EvidenceAttachment(models.Model):
    """A file kept with a note (PDF, DOCX, image). The bytes live under ATTACHMENTS_DIR,
    outside the web root, named by ``stored_name``; only an access-checked view serves them."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="attachments")
    file_name = models.CharField(max_length=255)  # as uploaded, shown and offered on download
    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=100)  # from the file's content, not its name
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
