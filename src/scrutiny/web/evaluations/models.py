"""The team's evaluation inputs: significant concerns, group evaluations, proposals.

The evaluation itself (caps, limiters, pending reasons) is computed by the domain core
(scrutiny.core.evaluation) and never stored, so it cannot drift from the data.
"""

from django.db import models


class SignificantConcern(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="significant_concerns"
    )
    position = models.PositiveIntegerField()
    ident = models.CharField(max_length=80)
    summary = models.TextField()
    serious_failing = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "ident"], name="concern_ident")
        ]


class GroupEvaluation(models.Model):
    """How well the partners maximise one care group's wellbeing (1..6)."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="group_evaluations"
    )
    care_group = models.CharField(max_length=40)
    value = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "care_group"], name="one_evaluation_per_group"
            )
        ]


class ProposedEvaluation(models.Model):
    """The team's proposed point for an evaluated indicator, before limiters."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="proposed_evaluations"
    )
    indicator = models.CharField(max_length=10)
    value = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "indicator"], name="one_proposal_per_indicator"
            )
        ]
