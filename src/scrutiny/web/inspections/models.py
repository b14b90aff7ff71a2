from django.conf import settings
from django.db import models


class Phase(models.TextChoices):
    SCOPING = "scoping", "Scoping"
    FIELDWORK = "fieldwork", "Fieldwork"
    EVALUATION = "evaluation", "Evaluation"
    REPORTING = "reporting", "Reporting"
    PUBLISHED = "published", "Published"


class Role(models.TextChoices):
    LEAD_INSPECTOR = "lead_inspector", "Lead inspector"
    INSPECTOR = "inspector", "Inspector"
    YOUNG_INSPECTION_VOLUNTEER = "young_inspection_volunteer", "Young inspection volunteer"
    QUALITY_ASSURER = "quality_assurer", "Quality assurer"
    PARTNERSHIP_CONTACT = "partnership_contact", "Partnership contact"


class Inspection(models.Model):
    """One joint inspection of one community planning partnership."""

    reference = models.CharField(max_length=40, unique=True)
    partnership = models.CharField(max_length=200)
    programme = models.CharField(max_length=80)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.SCOPING)
    # Optimistic locking: every change bumps it; a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.partnership}"


class Membership(models.Model):
    """A person's role in one inspection's team."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=40, choices=Role.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="one_role_per_inspection")
        ]
        indexes = [models.Index(fields=["user", "inspection"], name="membership_user")]
        ordering = ["role", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()} on {self.inspection}"
