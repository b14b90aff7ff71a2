"""Accounts: creating users, signing in and out, enrolling a second factor."""

from typing import Any

from django.contrib.auth import get_user_model, login, logout
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record


def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    is_administrator: bool = False,
    is_demo: bool = False,
    is_programme_manager: bool = False,
) -> Any:
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            is_administrator=is_administrator,
            is_demo=is_demo,
            is_programme_manager=is_programme_manager,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="user",
            object_id=user.pk,
            summary=f"Created user {username}",
            after={
                "username": username,
                "is_administrator": is_administrator,
                "is_programme_manager": is_programme_manager,
                "is_demo": is_demo,
            },
        )
    return user


def user_sign_in_failed(*, username: str) -> None:
    """Record a failed sign-in; django-axes counts the same failures for lockout."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditEvent.Action.SIGN_IN_FAILED,
            object_type="user",
            summary=f"Failed sign-in as {username[:150]!r}",
        )


def user_sign_in(*, request: HttpRequest, user: Any) -> None:
    with transaction.atomic():
        login(request, user)
        audit_record(
            actor=user,
            action=AuditEvent.Action.SIGN_IN,
            object_type="user",
            object_id=user.pk,
            summary="Signed in with password",
        )


def user_sign_out(*, request: HttpRequest) -> None:
    user = request.user
    with transaction.atomic():
        if user.is_authenticated:
            audit_record(
                actor=user,
                action=AuditEvent.Action.SIGN_OUT,
                object_type="user",
                object_id=user.pk,
                summary="Signed out",
            )
        logout(request)


def totp_device_for_enrolment(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made on first visit to the set-up page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm enrolment with a first valid code; that also completes this sign-in."""
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.TWO_FACTOR,
            object_type="user",
            object_id=request.user.pk,
            summary="Set up an authenticator app",
        )
    return True


def totp_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code against the user's confirmed devices (django-otp throttles guesses)."""
    for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
        if device.verify_token(token):
            with transaction.atomic():
                otp_login(request, device)
                audit_record(
                    actor=request.user,
                    action=AuditEvent.Action.TWO_FACTOR,
                    object_type="user",
                    object_id=request.user.pk,
                    summary="Verified the second factor",
                )
            return True
    return False


def has_confirmed_device(*, user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
