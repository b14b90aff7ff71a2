"""Managing people: administrators create, edit, deactivate, unlock and reset; people
change their own password and sign in with recovery codes. Every change is audited."""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from scrutiny.web.accounts.models import User
from scrutiny.web.accounts.services import user_version
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.models import Inspection, Membership

from .conftest import signed_in_client
from .test_accounts import PASSWORD, code_for, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-long-password"


def audited(summary_part: str, **fields: Any) -> AuditEvent:
    return AuditEvent.objects.filter(summary__contains=summary_part, **fields).get()


def set_up_authenticator(client: Client, user: User) -> list[str]:
    """Sign in for the first time and set up an app; returns the recovery codes shown."""
    sign_in(client, user.username)
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(reverse("accounts:two_factor_setup"), {"token": code_for(device)})
    return re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page.content.decode())


def test_it_gives_single_use_recovery_codes_for_a_lost_phone(settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    alice = User.objects.create_user(username="alice", password=PASSWORD)
    codes = set_up_authenticator(Client(), alice)
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=alice).count()

    # The phone is lost: a new browser signs in with the password and a recovery code.
    browser = Client()
    sign_in(browser, "alice")
    assert browser.get("/")["Location"] == reverse("accounts:two_factor")
    wrong = browser.post(reverse("accounts:two_factor_recovery"), {"code": "aaaaa-aaaaa"})
    assert b"That recovery code is not right" in wrong.content
    used = browser.post(reverse("accounts:two_factor_recovery"), {"code": codes[0].upper()})
    assert used.status_code == 302
    assert browser.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=alice).count() == 9
    assert audited("Signed in with a recovery code (9 left)", actor=alice)

    # The same code does not work twice.
    again = Client()
    sign_in(again, "alice")
    refused = again.post(reverse("accounts:two_factor_recovery"), {"code": codes[0]})
    assert b"has been used already" in refused.content
    assert again.get("/")["Location"] == reverse("accounts:two_factor")

    # New codes replace the old ones; a new phone replaces the old app.
    browser.post(reverse("accounts:recovery_codes"))
    assert StaticToken.objects.filter(device__user=alice).count() == 10
    assert not StaticToken.objects.filter(token=codes[1].replace("-", "")).exists()
    wrong_password = browser.post(
        reverse("accounts:authenticator_replace"), {"old_password": "wrong"}
    )
    assert wrong_password.status_code == 200
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    old_app = TOTPDevice.objects.get(user=alice, confirmed=True)
    # Without the password check, the set-up page does not replace a working app.
    assert browser.get(reverse("accounts:two_factor_setup"))["Location"] == reverse(
        "accounts:two_factor"
    )
    replaced = browser.post(reverse("accounts:authenticator_replace"), {"old_password": PASSWORD})
    assert replaced["Location"] == reverse("accounts:two_factor_setup") + "?next=/accounts/you/"
    assert browser.get(replaced["Location"]).status_code == 200
    new_app = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert TOTPDevice.objects.filter(pk=old_app.pk).exists()  # works until the new one does
    done = browser.post(replaced["Location"], {"token": code_for(new_app)})
    assert done["Location"] == reverse("accounts:account")  # codes kept: none to show
    assert list(TOTPDevice.objects.filter(user=alice)) == [new_app]
    assert StaticToken.objects.filter(device__user=alice).count() == 10
    assert audited("Set up a new authenticator app in place of the old one", actor=alice)


def test_a_person_changes_their_own_password(people: dict[str, User]) -> None:
    client = signed_in_client(people["inspector"])
    url = reverse("accounts:password_change")
    wrong = client.post(
        url,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and b"ds_question--error" in wrong.content
    done = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == reverse("accounts:account")
    assert client.get(reverse("accounts:account")).status_code == 200  # still signed in
    people["inspector"].refresh_from_db()
    assert people["inspector"].check_password(NEW_PASSWORD)
    assert audited("Changed the password of inspector (signed in)", actor=people["inspector"])


def test_an_administrator_creates_a_person_who_sets_their_own_password(
    client_for: Any,
) -> None:
    admin = client_for("admin")
    created = admin.post(
        reverse("accounts:user_create"),
        {"username": "newcomer", "email": "new@example.org", "password": ""},
    )
    newcomer = User.objects.get(username="newcomer")
    assert not newcomer.has_usable_password()
    assert created["Location"] == reverse("accounts:user_password_reset", args=[newcomer.pk])
    shown = admin.post(created["Location"], {"how": "show"})
    link = re.search(r'<code class="app_secret">(http[^<]+)</code>', shown.content.decode())[1]
    assert "works once, for 3 days" in shown.content.decode()
    assert audited("Issued a password reset link for newcomer (shown", actor_name="admin")

    visitor = Client()
    form_page = visitor.get(link, follow=True)
    assert b"Set a new password" in form_page.content
    set_url = form_page.redirect_chain[-1][0]
    visitor.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)
    assert audited("Changed the password of newcomer (reset link)", actor=newcomer)
    # The link works once.
    assert b"does not work any more" in Client().get(link, follow=True).content
    # First sign-in goes to setting up two-factor authentication.
    response = sign_in(Client(), "newcomer", NEW_PASSWORD)
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_an_administrator_emails_a_reset_link(client_for: Any, people: dict[str, User]) -> None:
    url = reverse("accounts:user_password_reset", args=[people["lead"].pk])
    no_address = client_for("admin").post(url, {"how": "email"})
    assert no_address.status_code == 422
    assert b"has no e-mail address" in no_address.content
    people["lead"].email = "lead@example.org"
    people["lead"].save()
    sent = client_for("admin").post(url, {"how": "email"})
    assert sent["Location"] == reverse("accounts:user", args=[people["lead"].pk])
    [message] = mail.outbox
    assert message.to == ["lead@example.org"]
    assert "/accounts/password-reset/" in message.body and "3 days" in message.body
    assert audited("Issued a password reset link for lead by e-mail", actor_name="admin")


def test_a_person_resets_a_forgotten_password_by_email(people: dict[str, User]) -> None:
    people["assurer"].email = "qa@example.org"
    people["assurer"].save()
    visitor = Client()
    unknown = visitor.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert unknown["Location"] == reverse("accounts:password_reset_sent")
    assert mail.outbox == []
    visitor.post(reverse("accounts:password_reset"), {"email": "QA@example.org"})
    [message] = mail.outbox
    assert "it works once, for 3 days" in message.body  # in words, not seconds
    link = re.search(r"http://testserver(/accounts/password-reset/\S+)", message.body)[1]
    page = visitor.get(link, follow=True)
    done = visitor.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert sign_in(Client(), "assurer", NEW_PASSWORD).status_code == 302
    assert audited("Changed the password of assurer (reset link)", actor=people["assurer"])


def test_an_administrator_edits_a_person(client_for: Any, people: dict[str, User]) -> None:
    url = reverse("accounts:user", args=[people["partner"].pk])
    assert b"Give partner a link" in client_for("admin").get(url).content
    opened = user_version(people["partner"])
    client_for("admin").post(
        url,
        {
            "first_name": "Pat",
            "last_name": "Partner",
            "email": "pat@example.org",
            "version": opened,
        },
    )
    people["partner"].refresh_from_db()
    assert people["partner"].email == "pat@example.org"
    event = audited("Changed partner", actor_name="admin")
    assert event.before == {"first_name": "", "last_name": "", "email": ""}
    assert event.after["email"] == "pat@example.org"
    # A second administrator's form, opened before the change, is refused; entries kept.
    stale = client_for("admin").post(url, {"first_name": "Patricia", "version": opened})
    assert stale.status_code == 409 and b"Patricia" in stale.content
    assert User.objects.get(username="partner").first_name == "Pat"
    clash = client_for("admin").post(
        reverse("accounts:user", args=[people["lead"].pk]),
        {"email": "PAT@example.org", "version": user_version(people["lead"])},
    )
    assert clash.status_code == 422
    assert b"Another person has this e-mail address" in clash.content
    own = client_for("admin").post(
        reverse("accounts:user", args=[people["admin"].pk]),
        {"is_administrator": "", "version": user_version(people["admin"])},
    )
    assert b"You cannot remove your own administrator role" in own.content
    assert client_for("admin").get(reverse("accounts:user", args=[99999])).status_code == 404


def test_a_deactivated_person_is_signed_out_and_cannot_sign_in(
    client_for: Any, people: dict[str, User]
) -> None:
    inspector = client_for("inspector")
    assert inspector.get("/").status_code == 200
    admin = client_for("admin")
    admin.post(reverse("accounts:user_deactivate", args=[people["inspector"].pk]))
    assert not User.objects.get(username="inspector").is_active
    assert reverse("accounts:login") in inspector.get("/")["Location"]
    assert sign_in(Client(), "inspector").status_code == 200  # refused
    assert audited("Deactivated inspector", actor_name="admin").after == {"is_active": False}
    # Their team place stays; reactivated, they sign in again.
    assert Membership.objects.filter(user=people["inspector"]).exists()
    admin.post(reverse("accounts:user_reactivate", args=[people["inspector"].pk]))
    assert sign_in(Client(), "inspector").status_code == 302
    assert audited("Reactivated inspector", actor_name="admin")
    # Nobody deactivates themself (and so never the last administrator).
    page = admin.post(reverse("accounts:user_deactivate", args=[people["admin"].pk]), follow=True)
    assert b"You cannot deactivate yourself" in page.content
    assert User.objects.get(username="admin").is_active


def test_an_administrator_resets_two_factor(client_for: Any, people: dict[str, User]) -> None:
    lead = people["lead"]
    client = client_for("lead")
    StaticDevice.objects.create(user=lead, name="Recovery codes")
    client_for("admin").post(reverse("accounts:user_two_factor_reset", args=[lead.pk]))
    assert not TOTPDevice.objects.filter(user=lead).exists()
    assert not StaticDevice.objects.filter(user=lead).exists()
    assert reverse("accounts:login") in client.get("/")["Location"]  # signed out
    assert audited("Reset two-factor authentication of lead", actor_name="admin")
    fresh = Client()
    sign_in(fresh, "lead")
    assert fresh.get(reverse("accounts:two_factor"))["Location"] == reverse(
        "accounts:two_factor_setup"
    )


def test_an_administrator_unlocks_a_locked_out_person(
    client_for: Any, people: dict[str, User]
) -> None:
    guesser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(guesser, "volunteer", "wrong password")
    locked = sign_in(guesser, "volunteer")
    # Durations read in words, not PT30M.
    assert b"Try again in 30 minutes" in locked.content
    assert b"PT30M" not in locked.content
    page = client_for("admin").get(reverse("accounts:user", args=[people["volunteer"].pk]))
    assert b"Locked after repeated failed attempts" in page.content
    client_for("admin").post(reverse("accounts:user_unlock", args=[people["volunteer"].pk]))
    assert sign_in(guesser, "volunteer").status_code == 302
    assert audited("Unlocked signing in for volunteer", actor_name="admin")


def test_the_sign_in_page_says_the_lockout_in_words() -> None:
    assert b"signing in is locked for 30 minutes" in Client().get(reverse("accounts:login")).content


def test_an_administrator_cannot_give_themself_a_case_role(
    client_for: Any, people: dict[str, User], inspection: Inspection
) -> None:
    url = reverse("inspections:team", args=[inspection.pk])
    own = client_for("admin").post(url, {"username": "admin", "role": "lead_inspector"})
    assert own.status_code == 422
    assert b"You cannot add yourself to a team" in own.content
    assert not Membership.objects.filter(user=people["admin"]).exists()
    # Another administrator can.
    other = User.objects.create_user(username="admin2", is_administrator=True)
    signed_in_client(other).post(url, {"username": "admin", "role": "quality_assurer"})
    mine = Membership.objects.get(user=people["admin"], inspection=inspection)
    # Nor a stronger one later: an administrator (or lead) does not change their own role.
    role_url = reverse("inspections:team_role", args=[inspection.pk, mine.pk])
    assert role_url not in client_for("admin").get(url).content.decode()  # not offered
    promoted = client_for("admin").post(role_url, {"role": "lead_inspector"})
    assert promoted.status_code == 422
    assert b"You cannot change your own role" in promoted.content
    assert Membership.objects.get(pk=mine.pk).role == "quality_assurer"
    signed_in_client(other).post(role_url, {"role": "lead_inspector"})
    assert Membership.objects.get(pk=mine.pk).role == "lead_inspector"
    assert audited("Made admin Lead inspector", actor_name="admin2")


def test_createadmin_makes_the_first_administrator(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    out = io.StringIO()
    call_command("createadmin", "chief", "--email", "chief@example.org",
                 "--password-file", str(secret), stdout=out)  # fmt: skip
    chief = User.objects.get(username="chief")
    assert chief.is_administrator and not chief.is_demo and not chief.is_superuser
    assert chief.check_password(PASSWORD)
    assert "two-factor" in out.getvalue()
    assert audited("Created user chief", actor_name="cli:createadmin")
    # Two-factor set-up comes first at the first sign-in.
    client = Client()
    sign_in(client, "chief")
    assert client.get(reverse("accounts:users"))["Location"] == reverse("accounts:two_factor")
    with pytest.raises(CommandError, match="already a user called chief"):
        call_command("createadmin", "chief", "--password-file", str(secret))
    secret.write_text("short")
    with pytest.raises(CommandError, match="password is not accepted"):
        call_command("createadmin", "deputy", "--password-file", str(secret))
