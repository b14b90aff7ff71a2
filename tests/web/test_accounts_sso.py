"""Single sign-on end to end against a real OpenID provider started on loopback.

The provider is django-oidc-provider in a throwaway project (tests/sso_provider), run by
`manage.py runserver` as a subprocess; Scrutiny runs in pytest-django's live server. The
test drives the authorization-code flow over HTTP as a browser would: Scrutiny's button,
the provider's sign-in form, the redirect back with a code, Scrutiny's token exchange.
"""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from scrutiny.web.accounts import oidc
from scrutiny.web.accounts.models import User
from scrutiny.web.audit.models import AuditEvent

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "sso_provider"
CLIENT_ID, CLIENT_SECRET = "scrutiny-test", "a-client-secret-for-tests"
PASSWORD = "provider-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider's issuer URL, with Scrutiny's live server registered as its client."""
    port = free_port()
    work = tmp_path_factory.mktemp("provider")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SCRUTINY_", "DJANGO_"))},
        "PYTHONPATH": str(PROVIDER_DIR),
        "DJANGO_SETTINGS_MODULE": "provider_settings",
        "PROVIDER_DB": str(work / "provider.sqlite3"),
        "PROVIDER_SITE_URL": f"http://127.0.0.1:{port}",
    }
    callback = f"{live_server.url}/accounts/organisation/callback/"
    subprocess.run(
        [sys.executable, str(PROVIDER_DIR / "provider_setup.py"), callback, CLIENT_ID,
         CLIENT_SECRET, PASSWORD],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    log = (work / "provider.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    issuer = f"http://127.0.0.1:{port}/openid"
    try:
        for _ in range(150):
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail("the OpenID provider did not start: " + (work / "provider.log").read_text())
        yield issuer
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def sso(settings: Any, provider: str, transactional_db: None) -> dict[str, User]:
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = provider
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    oidc.discovery.cache_clear()
    # Scrutiny's people; the provider's e-mail addresses are matched case-blind.
    return {
        name: User.objects.create_user(username=f"s-{name}", email=f"{name.upper()}@example.org")
        for name in ("known", "strong", "unverified")
    }


def sign_in_at_provider(browser: requests.Session, base: str, username: str) -> requests.Response:
    """Press Scrutiny's button, sign in on the provider's page, follow it back."""
    login_page = browser.get(f"{base}/accounts/organisation/sign-in/?next=/")
    assert "/login/" in login_page.url, login_page.url  # at the provider now
    form = login_page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    next_url = re.search(r'name="next" value="([^"]+)"', form)[1].replace("&amp;", "&")
    return browser.post(
        login_page.url,
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": PASSWORD,
            "next": next_url,
        },
        headers={"Referer": login_page.url},
    )


def test_it_signs_in_a_known_verified_email_then_asks_for_the_local_second_factor(
    sso: dict[str, User], live_server: Any
) -> None:
    browser = requests.Session()
    page = sign_in_at_provider(browser, live_server.url, "known")
    # Back at Scrutiny, signed in as the matching person; no `amr` MFA, so Scrutiny's own
    # second factor comes next (here: setting up an authenticator app).
    assert page.url == f"{live_server.url}/accounts/two-factor/set-up/?next=/my-work/", page.url
    assert "Set up two-factor authentication" in page.text
    assert browser.get(f"{live_server.url}/", allow_redirects=False).headers["Location"] == (
        "/accounts/two-factor/"
    )
    event = AuditEvent.objects.get(action="sign_in")
    assert event.actor == sso["known"]
    assert event.summary == "Signed in with the organisation's account"


def test_a_provider_multi_factor_sign_in_needs_no_local_code(
    sso: dict[str, User], live_server: Any
) -> None:
    browser = requests.Session()
    page = sign_in_at_provider(browser, live_server.url, "strong")
    assert page.url == f"{live_server.url}/", page.url
    assert page.status_code == 200
    assert "Signed in as s-strong" in page.text
    assert AuditEvent.objects.get(action="sign_in").actor == sso["strong"]


@pytest.mark.parametrize("username", ["stranger", "unverified"])
def test_an_unknown_or_unverified_email_gets_no_access(
    username: str, sso: dict[str, User], live_server: Any
) -> None:
    users_before = User.objects.count()
    browser = requests.Session()
    page = sign_in_at_provider(browser, live_server.url, username)
    assert page.url == f"{live_server.url}/accounts/sign-in/"
    assert "not linked to anyone in Scrutiny" in page.text
    home = browser.get(f"{live_server.url}/", allow_redirects=False)
    assert home.headers["Location"].startswith("/accounts/sign-in/")
    assert User.objects.count() == users_before  # nobody is created
    assert not AuditEvent.objects.filter(action="sign_in").exists()
    assert AuditEvent.objects.filter(action="sign_in_failed").exists()


def test_a_deactivated_person_cannot_sign_in_through_the_provider(
    sso: dict[str, User], live_server: Any
) -> None:
    sso["known"].is_active = False
    sso["known"].save()
    page = sign_in_at_provider(requests.Session(), live_server.url, "known")
    assert page.url == f"{live_server.url}/accounts/sign-in/"
    assert not AuditEvent.objects.filter(action="sign_in").exists()


@pytest.mark.django_db
def test_a_provider_that_does_not_answer_sends_the_person_back_to_sign_in(
    settings: Any, client: Any
) -> None:
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/openid"  # nothing listens there
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.OIDC_TIMEOUT = 2
    oidc.discovery.cache_clear()
    response = client.get("/accounts/organisation/sign-in/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/sign-in/"
    assert b"sign-in service is not answering" in response.content


def test_the_sign_in_page_offers_the_organisation_button_only_when_configured(
    settings: Any, client: Any, db: None
) -> None:
    assert b"/accounts/organisation/sign-in/" not in client.get("/accounts/sign-in/").content
    settings.OIDC_ENABLED = True
    settings.OIDC_BUTTON_LABEL = "Sign in with your Care Inspectorate account"
    page = client.get("/accounts/sign-in/?next=/my-page/").content.decode()
    assert 'href="/accounts/organisation/sign-in/?next=/my-page/"' in page
    assert "Sign in with your Care Inspectorate account" in page
