"""Signing in: password (argon2), TOTP second factor, lockout, session expiry."""

import time
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from scrutiny.web.accounts.models import User
from scrutiny.web.accounts.services import user_create
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.sessions import REFRESH_SECONDS, REFRESHED_AT, SessionStore

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
SIGN_IN = "/accounts/sign-in/"


def sign_in(client: Client, username: str, password: str = PASSWORD, next_url: str = "/"):  # type: ignore[no-untyped-def]
    return client.post(SIGN_IN, {"username": username, "password": password, "next": next_url})


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def alice(db: None) -> User:
    return User.objects.create_user(username="alice", password=PASSWORD)


def test_argon2_is_the_password_hasher_in_use() -> None:
    # conftest swaps in a fast hasher for speed; the project's own setting is argon2.
    from scrutiny.web import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_it_hashes_new_passwords_with_argon2(settings: Any) -> None:
    from scrutiny.web import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = user_create(actor=None, username="bob", password=PASSWORD)
    assert user.password.startswith("argon2$")


def test_it_sends_a_new_user_to_set_up_an_authenticator(alice: User, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test below
    client = Client()
    response = sign_in(client, "alice")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    # Without the second factor, inspection pages stay closed.
    assert client.get("/")["Location"] == reverse("accounts:two_factor")
    assert client.get(reverse("accounts:two_factor"))["Location"] == reverse(
        "accounts:two_factor_setup"
    )
    setup = client.get(reverse("accounts:two_factor_setup"))
    assert b"data:image/svg+xml" in setup.content
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert b"That code is not right" in wrong.content
    right = client.post(reverse("accounts:two_factor_setup"), {"token": code_for(device)})
    # The answer shows the recovery codes, once (test_accounts_people has the rest).
    assert right.status_code == 200
    assert b"Your recovery codes" in right.content
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(actor=alice, action="two_factor").exists()


def test_it_asks_an_enrolled_user_for_a_code(alice: User) -> None:
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = Client()
    sign_in(client, "alice")
    assert client.get("/")["Location"] == reverse("accounts:two_factor")
    bad = client.post(reverse("accounts:two_factor"), {"token": "12345"})
    assert b"Enter the 6 digits" in bad.content
    ok = client.post(reverse("accounts:two_factor") + "?next=/", {"token": code_for(device)})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200


def test_it_throttles_guessing_after_a_wrong_code(alice: User) -> None:
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = Client()
    sign_in(client, "alice")
    client.post(reverse("accounts:two_factor"), {"token": "000000"})
    # Straight after a wrong guess even the right code is refused for a while.
    again = client.post(reverse("accounts:two_factor"), {"token": code_for(device)})
    assert again.status_code == 200
    assert client.get("/")["Location"] == reverse("accounts:two_factor")


def test_demo_accounts_skip_the_second_factor_outside_production(settings: Any) -> None:
    User.objects.create_user(username="demo", password=PASSWORD, is_demo=True)
    client = Client()
    assert sign_in(client, "demo")["Location"] == reverse("work:my_work")
    assert client.get("/").status_code == 200
    settings.DEMO_ACCOUNTS_SKIP_TWO_FACTOR = False
    assert client.get("/")["Location"] == reverse("accounts:two_factor")


def test_it_refuses_a_wrong_password(alice: User) -> None:
    response = sign_in(Client(), "alice", "wrong password")
    assert response.status_code == 200
    assert b"The username or password is not right" in response.content
    failure = AuditEvent.objects.get(action="sign_in_failed")
    assert "alice" in failure.summary and failure.actor is None


def test_it_locks_out_after_repeated_failures(alice: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "wrong password")
    # Now even the right password is refused.
    locked = sign_in(client, "alice")
    assert locked.status_code in (403, 429)
    assert b"Signing in is locked" in locked.content
    assert "_auth_user_id" not in client.session


def test_it_ignores_an_offsite_next_url(alice: User, settings: Any) -> None:
    alice.is_demo = True
    alice.save()
    assert (
        sign_in(Client(), "alice", next_url="https://evil.example/")["Location"] == "/my-work/"
    )  # where everyone lands


def test_sessions_expire_after_inactivity(people: dict[str, Any]) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = Client()
    people["lead"].is_demo = True
    people["lead"].save()
    sign_in(client, "lead")
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_it_pushes_the_session_expiry_back_at_most_once_a_minute(
    people: dict[str, Any],
) -> None:
    client = Client()
    people["lead"].is_demo = True
    people["lead"].save()
    sign_in(client, "lead")
    long_ago = timezone.now() + timedelta(minutes=5)
    Session.objects.update(expire_date=long_ago)
    # Pushed back less than a minute ago: a page view writes nothing.
    assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=client.session.session_key).expire_date == long_ago
    # Over a minute ago: the next request pushes the expiry back the full 30 minutes.
    row = Session.objects.get(session_key=client.session.session_key)
    data = row.get_decoded()
    data[REFRESHED_AT] = int(time.time()) - REFRESH_SECONDS
    row.session_data = SessionStore().encode(data)
    row.expire_date = long_ago
    row.save()
    before = timezone.now()
    assert client.get("/").status_code == 200
    expiry = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expiry >= before + timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_it_signs_out_only_by_post(people: dict[str, Any]) -> None:
    client = Client()
    people["lead"].is_demo = True
    people["lead"].save()
    sign_in(client, "lead")
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(actor_name="lead", action="sign_out").exists()


def test_the_administrator_creates_users(client_for: Any) -> None:
    response = client_for("admin").post(
        reverse("accounts:user_create"),
        {"username": "newcomer", "password": "short", "first_name": "New"},
    )
    assert response.status_code == 200
    assert b"ds_question--error" in response.content
    assert not User.objects.filter(username="newcomer").exists()
    client_for("admin").post(
        reverse("accounts:user_create"),
        {"username": "newcomer", "password": "correct horse battery staple"},
    )
    assert User.objects.filter(username="newcomer", is_demo=False).exists()
    again = client_for("admin").post(
        reverse("accounts:user_create"),
        {"username": "newcomer", "password": "correct horse battery staple"},
    )
    assert b"There is already a user called newcomer" in again.content
    assert AuditEvent.objects.filter(
        action="create", object_type="user", actor_name="admin"
    ).exists()
