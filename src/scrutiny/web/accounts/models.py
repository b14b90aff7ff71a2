from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. Roles are per inspection (inspections.Membership)."""

    # Site administrators manage users and inspections but read no case data by default.
    is_administrator = models.BooleanField(default=False)
    # Programme managers read the programme-wide overview (scrutiny.web.programmes):
    # aggregates across inspections, never an inspection's own pages or case data.
    is_programme_manager = models.BooleanField(default=False)
    # Demo accounts (made by `make run`) skip two-factor authentication outside production.
    is_demo = models.BooleanField(default=False)

    class Meta:
        db_table = "accounts_user"
