"""An inspection's plan: its notification date and the team's changes to the programme's
timetable. The stages themselves, their weeks and who they are asked of (the team or the
partnership) come from the programme file (`[timetable]`, scrutiny.core.timetable); the
dates and whether each stage is done are derived, never stored."""

from django.db import models


class Plan(models.Model):
    inspection = models.OneToOneField(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="plan"
    )
    # Week 1 of the timetable: every date the team has not set itself counts from it.
    notification_date = models.DateField()
    # Optimistic locking: every change to the plan or its stages bumps it.
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Plan of {self.inspection}"


class StageChange(models.Model):
    """The team's own dates for one stage, or the date it recorded the stage as done
    (for a stage no fact of the work completes, such as the emerging-themes meeting)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=80)  # the programme's stage id
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "stage"], name="one_change_per_stage"),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=False, end__gte=models.F("start")),
                name="stage_end_after_start",
            ),
        ]
        ordering = ["id"]
