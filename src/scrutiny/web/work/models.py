"""Each person's choice of e-mail notifications. No row: every notification is on."""

from django.conf import settings
from django.db import models


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    assignments = models.BooleanField(default=True)
    shared_draft = models.BooleanField(default=True)
    comments = models.BooleanField(default=True)
    sign_off = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
