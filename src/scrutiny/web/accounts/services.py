"""Accounts: people, signing in and out, second factors, passwords, lockouts.

Every change writes its audit row in the same transaction. Administrators manage people;
a person manages their own password and recovery codes.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model, login, logout, update_session_auth_hash
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from scrutiny.core.durations import in_words
from scrutiny.core.refusal import Refused
from scrutiny.web.accounts.models import ProviderDevice
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.inspections.services import StaleEdit

# What an administrator may change on a person's page, as the audit row names it.
EDITABLE = ("first_name", "last_name", "email", "is_administrator", "is_programme_manager")
RECOVERY_CODES = 10
# No 0/o, 1/l/i: codes are read off paper and typed.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_administrator: bool = False,
    is_demo: bool = False,
    is_programme_manager: bool = False,
) -> Any:
    """A new person. Without a password they set their own through a reset link."""
    reasons = []
    users = get_user_model().objects
    if users.filter(username=username).exists():
        reasons.append(f"There is already a user called {username}.")
    if email and users.filter(email__iexact=email).exists():
        reasons.append("Another person has this e-mail address; each needs their own.")
    if reasons:
        raise Refused(reasons)
    with transaction.atomic():
        user = users.create_user(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=email,
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
                "email": email,
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


def totp_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> tuple[bool, list[str]]:
    """Confirm a new app with a first valid code; that also completes this sign-in. An
    earlier app stops working now (a new phone).

    Returns whether the code was right, and new recovery codes (to show once) if the
    person had none left.
    """
    if not device.verify_token(token):
        return False, []
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        replaced = TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()[0]
        otp_login(request, device)
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.TWO_FACTOR,
            object_type="user",
            object_id=request.user.pk,
            summary="Set up a new authenticator app in place of the old one"
            if replaced
            else "Set up an authenticator app",
        )
        if recovery_codes_left(user=request.user):
            return True, []
        return True, recovery_codes_replace(actor=request.user, user=request.user)


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


# Recovery codes -------------------------------------------------------------------


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_codes_replace(*, actor: Any, user: Any) -> list[str]:
    """New single-use recovery codes; earlier ones stop working. Shown once, as typed."""
    codes = [
        "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)
    ]
    with transaction.atomic():
        # The device stays (a session verified with a code keeps its verification); its
        # codes are replaced.
        device = StaticDevice.objects.filter(user=user).order_by("id").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        StaticToken.objects.filter(device__user=user).delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TWO_FACTOR,
            object_type="user",
            object_id=user.pk,
            summary=f"Made {RECOVERY_CODES} new recovery codes for {user.get_username()}",
        )
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def recovery_codes_left(*, user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_code_sign_in(*, request: HttpRequest, code: str) -> bool:
    """Complete a sign-in with a recovery code, which is used up (django-otp throttles)."""
    token = normalise_recovery_code(code)
    for device in StaticDevice.objects.filter(user=request.user, confirmed=True):
        with transaction.atomic():
            if device.verify_token(token):
                otp_login(request, device)
                left = recovery_codes_left(user=request.user)
                audit_record(
                    actor=request.user,
                    action=AuditEvent.Action.TWO_FACTOR,
                    object_type="user",
                    object_id=request.user.pk,
                    summary=f"Signed in with a recovery code ({left} left)",
                )
                return True
    return False


# Single sign-on ---------------------------------------------------------------------


def user_sign_in_with_provider(*, request: HttpRequest, user: Any, mfa: bool) -> None:
    """Signed in through the organisation's OpenID provider. Its multi-factor assertion
    counts as our second factor; without one, Scrutiny asks for its own."""
    with transaction.atomic():
        login(request, user)
        if mfa:
            device, _ = ProviderDevice.objects.get_or_create(
                user=user, defaults={"name": "Organisation sign-in", "confirmed": True}
            )
            otp_login(request, device)
        audit_record(
            actor=user,
            action=AuditEvent.Action.SIGN_IN,
            object_type="user",
            object_id=user.pk,
            summary="Signed in with the organisation's account"
            + (" (two factors at the organisation)" if mfa else ""),
        )


def user_sign_in_with_provider_failed(*, reason: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditEvent.Action.SIGN_IN_FAILED,
            object_type="user",
            summary=f"Organisation sign-in refused: {reason}",
        )


# People (administrators) ------------------------------------------------------------


def _snapshot(user: Any) -> dict[str, Any]:
    return {name: getattr(user, name) for name in ("is_active", *EDITABLE)}


def user_version(user: Any) -> str:
    """A fingerprint of what an administrator may edit: a second editor's stale form is
    refused instead of silently undoing the first one's changes."""
    values = "\x1f".join(str(getattr(user, name)) for name in ("is_active", *EDITABLE))
    return hashlib.sha256(values.encode()).hexdigest()[:16]


def user_update(*, actor: Any, user: Any, changes: dict[str, Any], version: str) -> Any:
    if version != user_version(user):
        raise StaleEdit
    reasons = []
    if changes.get("email"):
        others = get_user_model().objects.filter(email__iexact=changes["email"])
        if others.exclude(pk=user.pk).exists():
            reasons.append("Another person has this e-mail address; each needs their own.")
    if user == actor and user.is_administrator and not changes.get("is_administrator", True):
        reasons.append("You cannot remove your own administrator role: ask another administrator.")
    if reasons:
        raise Refused(reasons)
    with transaction.atomic():
        before = _snapshot(user)
        for name in EDITABLE:
            if name in changes:
                setattr(user, name, changes[name])
        user.save(update_fields=[n for n in EDITABLE if n in changes])
        after = _snapshot(user)
        changed = {k: v for k, v in after.items() if before[k] != v}
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            object_type="user",
            object_id=user.pk,
            summary=f"Changed {user.get_username()}: {', '.join(changed) or 'nothing'}",
            before={k: before[k] for k in changed},
            after=changed,
        )
    return user


def _end_sessions(user: Any) -> int:
    """Sign the person out everywhere (database sessions hold the user's id)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


def user_deactivate(*, actor: Any, user: Any) -> None:
    """The person can no longer sign in, and is signed out; nothing of theirs is deleted."""
    reasons = []
    if user == actor:
        reasons.append("You cannot deactivate yourself: ask another administrator.")
    elif (
        user.is_administrator
        and not (
            get_user_model()
            .objects.filter(is_administrator=True, is_active=True)
            .exclude(pk=user.pk)
        ).exists()
    ):
        reasons.append("This is the last active administrator; make another one first.")
    if not user.is_active:
        reasons.append(f"{user.get_username()} is already deactivated.")
    if reasons:
        raise Refused(reasons)
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        _end_sessions(user)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            object_type="user",
            object_id=user.pk,
            summary=f"Deactivated {user.get_username()}",
            before={"is_active": True},
            after={"is_active": False},
        )


def user_reactivate(*, actor: Any, user: Any) -> None:
    if user.is_active:
        raise Refused([f"{user.get_username()} is already active."])
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            object_type="user",
            object_id=user.pk,
            summary=f"Reactivated {user.get_username()}",
            before={"is_active": False},
            after={"is_active": True},
        )


def password_reset_link(*, user: Any, base_url: str) -> str:
    """A link that sets a new password once; it stops working when the password changes
    (or after PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def link_lifetime() -> str:
    return in_words(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))


def user_password_reset(*, actor: Any, user: Any, base_url: str, send: bool) -> str:
    """Issue a one-time link to set a new password: e-mailed to the person, or returned
    for the administrator to pass on (shown once, never stored)."""
    if not user.is_active:
        raise Refused([f"{user.get_username()} is deactivated: reactivate them first."])
    if send and not user.email:
        raise Refused([f"{user.get_username()} has no e-mail address: add one, or show the link."])
    link = password_reset_link(user=user, base_url=base_url)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            object_type="user",
            object_id=user.pk,
            summary=f"Issued a password reset link for {user.get_username()}"
            + (" by e-mail" if send else " (shown to the administrator)"),
        )
        if send:
            context = {"user": user, "link": link, "lifetime": link_lifetime()}
            send_mail(
                subject="Set a new password for Scrutiny",
                message=render_to_string("accounts/email/password_set.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
    return link


def user_password_set(*, actor: Any, user: Any, password: str, how: str) -> None:
    """A new password, set by its owner (signed in or through a reset link)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        # A lockout from failed guesses ends with a new password.
        AccessAttempt.objects.filter(username=user.get_username()).delete()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            object_type="user",
            object_id=user.pk,
            summary=f"Changed the password of {user.get_username()} ({how})",
        )


def user_password_change(*, request: HttpRequest, password: str) -> None:
    """A signed-in person changes their own password and stays signed in here."""
    user_password_set(actor=request.user, user=request.user, password=password, how="signed in")
    update_session_auth_hash(request, request.user)


def user_two_factor_reset(*, actor: Any, user: Any) -> None:
    """Remove the person's authenticator app and recovery codes: they set up a new app
    when they next sign in (a lost phone, no codes left)."""
    if user == actor:
        raise Refused(["Reset your own two-factor authentication from Your account instead."])
    with transaction.atomic():
        removed = (
            TOTPDevice.objects.filter(user=user).delete()[0]
            + StaticDevice.objects.filter(user=user).delete()[0]
        )
        _end_sessions(user)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TWO_FACTOR,
            object_type="user",
            object_id=user.pk,
            summary=f"Reset two-factor authentication of {user.get_username()} "
            f"({removed} records removed)",
        )


def user_unlock(*, actor: Any, user: Any) -> int:
    """End a lockout after repeated failed sign-ins (django-axes), from every address."""
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(username=user.get_username())
        count = attempts.count()
        attempts.delete()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            object_type="user",
            object_id=user.pk,
            summary=f"Unlocked signing in for {user.get_username()}",
        )
    return count
