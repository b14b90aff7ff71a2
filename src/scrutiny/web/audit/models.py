"""The audit trail: one append-only table for changes and for reads of children's data."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    pass


# Audited changes to rows the evaluation engine never reads: left out of an inspection's
# data version (web/inspections/versioned.py). tests/web/test_service_audit.py proves
# that every service whose change the engine reads moves the version.
NOT_ENGINE_DATA = (
    "reading_draft",  # a reader's draft joins the engine's data when submitted
    "report_comment",  # the partnership's comments are kept out of the bundle (ADR 9)
)
READS = ("view", "export")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnly("audit events are never changed")

    def delete(self):  # type: ignore[no-untyped-def]
        raise AppendOnly("audit events are never deleted")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        DELETE = "delete", "Deleted"
        IMPORT = "import", "Imported"
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        TWO_FACTOR = "two_factor", "Two-factor authentication"

    at = models.DateTimeField(default=timezone.now)
    # The user may be deleted later; the name they had stays with the event.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150)
    # No database constraint: the trail outlives what it describes.
    inspection = models.ForeignKey(
        "inspections.Inspection",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=80, blank=True)
    summary = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["inspection", "-at"], name="audit_inspection_at"),
            # Counts an inspection's changes to the engine's data without reading its
            # (far more numerous) reads: see web/inspections/versioned.py.
            models.Index(
                fields=["inspection", "id"],
                condition=~models.Q(action__in=READS) & ~models.Q(object_type__in=NOT_ENGINE_DATA),
                name="audit_inspection_changes",
            ),
        ]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise AppendOnly("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnly("audit events are never deleted")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.summary}"
