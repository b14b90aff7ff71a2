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

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "position"], name="response_position")
        ]
        indexes = [models.Index(fields=["inspection", "survey"], name="response_survey")]


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
