"""The team's evaluation inputs and their moderation.

Concerns, group evaluations, proposals and the team's judgements are what the bundle
holds (bundle_io maps them); rationale, citations, who and when are kept beside them.
The evaluation itself (caps, limiters, pending reasons) is computed by the domain core
(scrutiny.core.evaluation) and never stored, so it cannot drift from the data; only a
sign-off freezes a copy, to show later what changed against it.
"""

from django.conf import settings
from django.db import models


class SignificantConcern(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ESCALATED = "escalated", "Escalated"
        RESOLVED = "resolved", "Resolved"

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="significant_concerns"
    )
    position = models.PositiveIntegerField()
    ident = models.CharField(max_length=80)
    summary = models.TextField()
    serious_failing = models.BooleanField(default=False)
    # Beyond the bundle: the log's own record of the concern's handling.
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    escalated_to = models.CharField(max_length=200, blank=True)
    escalation_note = models.TextField(blank=True)
    serious_failing_reason = models.TextField(blank=True)
    resolution = models.TextField(blank=True)
    raised_by = models.CharField(max_length=150, blank=True)
    raised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

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
    rationale = models.TextField(blank=True)
    evidence = models.ManyToManyField("evidence.Evidence", blank=True, related_name="+")
    recorded_by = models.CharField(max_length=150, blank=True)
    version = models.PositiveIntegerField(default=1)

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
    rationale = models.TextField(blank=True)
    evidence = models.ManyToManyField("evidence.Evidence", blank=True, related_name="+")
    # Username; empty for proposals that arrived in an imported bundle. A quality
    # assurer who proposed an evaluation may not sign it off.
    proposed_by = models.CharField(max_length=150, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "indicator"], name="one_proposal_per_indicator"
            )
        ]


class TeamJudgement(models.Model):
    """A judgement the programme leaves to the team (its `[[judgements]]`), such as
    whether the number of children who do not feel safe is a concerning number.

    Keyed by the programme's judgement id; no row means not yet decided. It is an input
    to the engine (the bundle's `team_judgements`), so it changes only through
    `team_judgement_record`, which refuses while the evaluations are agreed or signed off.
    """

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="team_judgements"
    )
    judgement = models.CharField(max_length=80)
    decision = models.BooleanField()
    # Empty for a judgement that arrived in an imported bundle (the format has no reason).
    reason = models.TextField(blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "judgement"], name="one_judgement_each")
        ]


class Moderation(models.Model):
    """Where the inspection's evaluations stand: proposed, agreed or signed off.

    Mirrors scrutiny.core.signoff.Moderation, which decides every transition.
    """

    class Stage(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Agreed"
        SIGNED_OFF = "signed off", "Signed off"

    inspection = models.OneToOneField(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="moderation"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PROPOSED)
    meeting_held_on = models.DateField(null=True, blank=True)
    meeting_present = models.JSONField(default=list, blank=True)
    agreed_by = models.CharField(max_length=150, blank=True)
    # The inputs and evaluation the meeting agreed (scrutiny.core.signoff.Freeze).
    agreed_snapshot = models.JSONField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    flags_accepted_because = models.TextField(blank=True)
    freeze = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
