"""Reading people and their sign-in state, for administrators' pages."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def user_list() -> QuerySet[Any]:
    return get_user_model().objects.order_by("username")


def access_user_by_id(*, user_id: int) -> Any:
    """Any person, for a site administrator (the view's rule); 404 if there is none."""
    try:
        return get_user_model().objects.get(pk=user_id)
    except get_user_model().DoesNotExist:
        raise Http404 from None


def locked_out(*, user: Any) -> bool:
    """Whether repeated failed sign-ins have locked the person out now (django-axes)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=user.get_username(),
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=since,
    ).exists()


@dataclass(frozen=True)
class SignInState:
    locked_out: bool
    has_authenticator: bool
    recovery_codes_left: int


def sign_in_state(*, user: Any) -> SignInState:
    return SignInState(
        locked_out=locked_out(user=user),
        has_authenticator=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        recovery_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
    )


def full_names(*, usernames: Iterable[str]) -> dict[str, str]:
    """Each username's full name, in one query, for a page that lists many people; the
    username where no name is set or the account is gone (house rules: people by name)."""
    wanted = set(usernames)
    found = {
        u.username: u.get_full_name()
        for u in get_user_model()
        .objects.filter(username__in=wanted)
        .only("username", "first_name", "last_name")
    }
    return {name: found.get(name) or name for name in wanted}
