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


def test_every_account_action_of_an_administrator_and_a_person(
    visitor: Any, team: dict[str, User], settings: Any
) -> None:
    """Issue 15's account actions, each clicked in the browser and found in the audit
    trail: add (no password: the link by e-mail), first sign-in with two-factor set-up,
    own password change, lockout and unlock, edit, two-factor reset, deactivate and
    reactivate."""
    from scrutiny.web.audit.models import AuditEvent

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    admin = visitor()
    admin.sign_in("admin")
    admin.goto("/accounts/users/")
    admin.page.get_by_role("link", name="Add a user").click()
    admin.check()
    admin.page.get_by_label("Username").fill("jo")
    admin.page.get_by_label("First name").fill("Jo")
    admin.page.get_by_label("Last name").fill("Jones")
    admin.page.get_by_label("E-mail address").fill("jo@example.org")
    admin.page.get_by_role("button", name="Add user").click()
    expect(admin.page.get_by_text("Give them a link to set their password")).to_be_visible()
    admin.check()
    admin.page.get_by_label("E-mail it to them").check()
    admin.page.get_by_role("button", name="Make the link").click()
    expect(admin.page.get_by_text("on its way to jo@example.org")).to_be_visible()
    admin.check()
    jo_page = admin.page.url

    # Jo sets a password through the link, then sets up two-factor at the first sign-in.
    jo = visitor()
    jo.goto(re.search(r"http://\S+/accounts/password-reset/\S+", mail.outbox[-1].body)[0])
    jo.page.get_by_label("New password", exact=True).fill("jo-first-password-1")
    jo.page.get_by_label("New password confirmation").fill("jo-first-password-1")
    jo.page.get_by_role("button", name="Set password").click()
    jo.sign_in("jo", "jo-first-password-1")
    expect(jo.page.get_by_role("heading", name="Set up two-factor")).to_be_visible()
    device = TOTPDevice.objects.get(user__username="jo")
    jo.page.get_by_label("Security code").fill(code_for(device))
    jo.page.get_by_role("button", name="Confirm and continue").click()
    jo.page.get_by_role("link", name="I have saved my codes").click()
    # Jo changes their own password and stays signed in.
    jo.goto("/accounts/you/")
    jo.page.get_by_role("link", name="Change your password").click()
    jo.page.get_by_label("Old password").fill("jo-first-password-1")
    jo.page.get_by_label("New password", exact=True).fill("jo-second-password-2")
    jo.page.get_by_label("New password confirmation").fill("jo-second-password-2")
    jo.page.get_by_role("button", name="Change password").click()
    expect(jo.page.get_by_text("Your password is changed")).to_be_visible()
    jo.check()

    # Someone guesses Jo's password until signing in is locked; the administrator unlocks.
    guesser = visitor()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        guesser.sign_in("jo", "a wrong guess")
    expect(guesser.page.get_by_role("heading", name="Signing in is locked")).to_be_visible()
    admin.goto(jo_page)
    expect(admin.page.get_by_text("Locked after repeated failed attempts")).to_be_visible()
    admin.page.get_by_role("button", name="Unlock signing in").click()
    expect(admin.page.get_by_text("jo can try to sign in again now")).to_be_visible()
    admin.check()
    again = visitor()
    again.sign_in("jo", "jo-second-password-2")
    expect(again.page.get_by_role("heading", name="Enter your security code")).to_be_visible()

    # Edit, reset two-factor (a lost phone), deactivate, reactivate.
    admin.page.get_by_label("Last name").fill("Jones-Smith")
    admin.page.get_by_role("button", name="Save changes").click()
    expect(admin.page.get_by_text("Saved the changes to jo")).to_be_visible()
    admin.page.get_by_role("button", name="Reset two-factor authentication").click()
    expect(admin.page.get_by_text("Two-factor authentication of jo is reset")).to_be_visible()
    admin.check()
    fresh = visitor()
    fresh.sign_in("jo", "jo-second-password-2")
    expect(fresh.page.get_by_role("heading", name="Set up two-factor")).to_be_visible()
    admin.page.get_by_role("button", name="Deactivate jo").click()
    expect(admin.page.get_by_text("jo is deactivated")).to_be_visible()
    admin.page.get_by_role("button", name="Reactivate jo").click()
    expect(admin.page.get_by_text("jo can sign in again")).to_be_visible()
    admin.check()

    summaries = list(
        AuditEvent.objects.filter(object_type="user", object_id=str(device.user_id))
        .order_by("id")
        .values_list("summary", flat=True)
    )
    for expected in (
        "Created user jo",
        "Issued a password reset link for jo by e-mail",
        "Changed the password of jo (reset link)",
        "Set up an authenticator app",
        "Made 10 new recovery codes for jo",
        "Changed the password of jo (signed in)",
        "Unlocked signing in for jo",
        "Changed jo: last_name",
        "Reset two-factor authentication of jo",
        "Deactivated jo",
        "Reactivated jo",
    ):
        assert any(s.startswith(expected) for s in summaries), (expected, summaries)
