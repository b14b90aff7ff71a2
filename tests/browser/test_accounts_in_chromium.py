"""Accounts in Chromium, axe-core on every page: first sign-in with recovery codes, a lost
phone, a forgotten password, a lockout, and an administrator's page about a person."""

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from scrutiny.web.accounts.models import User

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_new_person_sets_up_two_factor_and_later_uses_a_recovery_code(
    visitor: Any, settings: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    User.objects.create_user(username="robin", password=PASSWORD, email="robin@example.org")
    first = visitor()
    first.sign_in("robin")
    expect(first.page.get_by_role("heading", name="Set up two-factor")).to_be_visible()
    first.check()
    device = TOTPDevice.objects.get(user__username="robin")
    first.page.get_by_label("Security code").fill(code_for(device))
    first.page.get_by_role("button", name="Confirm and continue").click()
    expect(first.page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    first.check()
    codes = first.page.locator(".app_recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    first.page.get_by_role("link", name="I have saved my codes").click()
    # Where a person lands after signing in (issue 14).
    expect(first.page.get_by_role("heading", name="My work")).to_be_visible()
    first.page.get_by_role("link", name="Signed in as robin").click()
    expect(first.page.get_by_role("heading", name="Your account")).to_be_visible()
    first.check()
    for path in ("/accounts/you/password/", "/accounts/you/recovery-codes/",
                 "/accounts/you/new-authenticator/"):  # fmt: skip
        first.goto(path)

    # The phone is lost: another browser signs in with a recovery code.
    second = visitor()
    second.sign_in("robin")
    second.page.get_by_role("link", name="Use a recovery code instead").click()
    expect(second.page.get_by_role("heading", name="Sign in with a recovery code")).to_be_visible()
    second.check()
    second.page.get_by_label("Recovery code").fill(codes[0])
    second.page.get_by_role("button", name="Continue").click()
    expect(second.page.get_by_text("You signed in with a recovery code")).to_be_visible()
    second.check()


def test_a_forgotten_password_and_a_lockout(visitor: Any) -> None:
    User.objects.create_user(username="sam", password=PASSWORD, email="sam@example.org")
    sam = visitor()
    sam.goto("/accounts/sign-in/")
    sam.page.get_by_role("link", name="Forgotten your password?").click()
    sam.check()
    sam.page.get_by_label("Email").fill("sam@example.org")
    sam.page.get_by_role("button", name="Send the link").click()
    expect(sam.page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    sam.check()
    link = re.search(r"http://\S+/accounts/password-reset/\S+", mail.outbox[0].body)[0]
    sam.goto(link)
    sam.page.get_by_label("New password", exact=True).fill("a-new-password-for-sam")
    sam.page.get_by_label("New password confirmation").fill("a-new-password-for-sam")
    sam.page.get_by_role("button", name="Set password").click()
    expect(sam.page.get_by_role("heading", name="Your password is set")).to_be_visible()
    sam.check()
    sam.goto(link)  # used: the page says so
    expect(sam.page.get_by_text("This link does not work any more")).to_be_visible()

    guesser = visitor()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        guesser.sign_in("sam", "wrong password")
    expect(guesser.page.get_by_role("heading", name="Signing in is locked")).to_be_visible()
    expect(guesser.page.get_by_text("Try again in 30 minutes")).to_be_visible()
    guesser.check()


def test_an_administrator_manages_a_person(visitor: Any, team: dict[str, User]) -> None:
    admin = visitor()
    admin.sign_in("admin")
    admin.goto("/accounts/users/")
    admin.page.get_by_role("link", name="lead").click()
    expect(admin.page.get_by_role("heading", name="Lesley Lead")).to_be_visible()
    admin.check()
    admin.page.get_by_role("link", name="Give lead a link to set a new password").click()
    admin.check()
    admin.page.get_by_label("Show it to me once, to pass on").check()
    admin.page.get_by_role("button", name="Make the link").click()
    expect(admin.page.get_by_text("this is the only time it is shown")).to_be_visible()
    admin.check()
    admin.goto(f"/accounts/users/{team['lead'].pk}/")
    admin.page.get_by_role("button", name="Deactivate lead").click()
    expect(admin.page.get_by_text("lead is deactivated")).to_be_visible()
    admin.check()
    assert not User.objects.get(username="lead").is_active
