from django.db import models


class SurveyResponse(models.Model):
    """One respondent's return to one survey (bundle `survey_responses[]`)."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="survey_responses"
    )
    position = models.PositiveIntegerField()
    survey = models.CharField(max_length=60)
    respondent = models.CharField(max_length=80)
    care_group = models.CharField(max_length=40, null=True, blank=True)
    # The file import that stored it; None for responses that came in a bundle.
    survey_import = models.ForeignKey(
        "SurveyImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    # Not (or no longer) part of the survey: written batch by batch by an import that has
    # not finished, or replaced by one that has and about to be deleted. Every read
    # leaves these out; an import makes its rows current in one short transaction, so
    # other people's pages are never held up by a long write.
    pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "position"], name="response_position")
        ]
        indexes = [
            models.Index(fields=["inspection", "survey"], name="response_survey"),
            models.Index(fields=["survey_import", "pending"], name="response_import_pending"),
        ]


class Answer(models.Model):
    """One answer; None when the respondent left the item blank."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=80)
    value = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item")
        ]


class SurveyImport(models.Model):
    """One upload of a survey export, from the file to the responses it stored.

    The row stays when the import is finished or superseded: together they are the
    survey's import history (which file, whose upload, how many responses, replaced by
    which later file). The worker writes its progress here for the page to poll.
    """

    class Status(models.TextChoices):
        INSPECTING = "inspecting", "Reading the file"
        MAPPING = "mapping", "Waiting for the column mapping"
        SCANNING = "scanning", "Reading the answers in the file"
        VALUES = "values", "Waiting for the answer mapping"
        READY = "ready", "Ready to import"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"
        CANCELLED = "cancelled", "Cancelled"

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="survey_imports"
    )
    survey = models.CharField(max_length=60)
    file_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_hash = models.CharField(max_length=80)
    # The uploaded file under SURVEY_UPLOADS_DIR while steps remain; removed when done.
    staged_name = models.CharField(max_length=80, blank=True)
    layout = models.CharField(max_length=30)
    file_format = models.CharField(max_length=10, blank=True)  # csv, xlsx, ods
    header_rows = models.PositiveSmallIntegerField(default=1)  # headings above the responses
    header = models.JSONField(default=list)  # the columns' names, as mappings name them
    # [{name, header, label, letter}] as the reader found them (core Column).
    columns = models.JSONField(default=list)
    # The first responses as read, for the preview; removed when the import ends.
    sample = models.JSONField(null=True, blank=True)
    # The file's responses by completeness (core Completeness.to_json), from the scan.
    completeness = models.JSONField(null=True, blank=True)
    # Counting responses the tool marks incomplete, rejected or on hold is the team's
    # decision: who took it, when and why (also in the audit trail).
    include_incomplete = models.BooleanField(default=False)
    include_rejected = models.BooleanField(default=False)
    include_on_hold = models.BooleanField(default=False)
    inclusion_reason = models.TextField(blank=True)
    inclusion_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inclusion_at = models.DateTimeField(null=True, blank=True)
    # The queued job doing the current long step (reading, scanning, importing).
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    column_mapping = models.JSONField(null=True, blank=True)  # core ColumnMapping
    value_mapping = models.JSONField(null=True, blank=True)  # core ValueMapping
    unmapped = models.JSONField(null=True, blank=True)  # item -> raw answer -> count
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INSPECTING)
    phase = models.CharField(max_length=80, blank=True)  # what the worker is doing now
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    problems = models.JSONField(null=True, blank=True)  # [{row, column, letter, message}]
    unlisted = models.JSONField(null=True, blank=True)  # column -> problems not listed
    responses_imported = models.PositiveIntegerField(default=0)
    responses_replaced = models.PositiveIntegerField(default=0)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Every progress write touches it: a running import that stops updating has died.
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["inspection", "survey", "content_hash"], name="import_hash")
        ]


class RememberedMapping(models.Model):
    """The last confirmed column and answer mappings of a survey, offered again when a
    corrected or later export of the same survey is uploaded."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="+"
    )
    survey = models.CharField(max_length=60)
    columns = models.JSONField(null=True, blank=True)
    values = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "survey"], name="one_mapping_per_survey")
        ]
