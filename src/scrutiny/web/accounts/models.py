from django.contrib.auth.models import AbstractUser
from django.db import models
from django_otp.models import Device


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


class ProviderDevice(Device):
    """The organisation's sign-in service as a second factor.

    When the OpenID provider says the person used more than one factor (`amr`), the
    sign-in is verified through this device, so django-otp's session check covers it
    like an authenticator app. It never accepts a typed code.
    """

    def verify_token(self, token: str) -> bool:
        return False
