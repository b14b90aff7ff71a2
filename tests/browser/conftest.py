"""Browser tests: Debian's headless Chromium driven by Playwright, axe-core on every page.

Chromium comes from apt (scripts/ensure-chromium.sh) and axe-core from npm
(package-lock.json); nothing is downloaded by Playwright itself.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from scrutiny.core.bundle import dump_bundle
from scrutiny.core.demo import make_demo
from scrutiny.web.accounts.models import User
from scrutiny.web.inspections.bundle_io import bundle_import
from scrutiny.web.inspections.models import Inspection, Membership, Role

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SCRUTINY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run scripts/ensure-chromium.sh"
    assert AXE.exists(), "axe-core missing: run `make assets` (npm ci)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Visitor:
    """One browser context (one person's browser), checking every page it opens."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.context = browser.new_context(base_url=base_url)
        # An init script is injected by the browser itself, so the page's CSP allows it.
        self.context.add_init_script(path=str(AXE))
        self.page: Page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.checked: list[str] = []

    def goto(self, path: str) -> Page:
        self.page.goto(path)
        self.check()
        return self.page

    def check(self) -> None:
        """axe-core finds no WCAG 2.2 AA violation, and the CSP blocked nothing."""
        self.page.wait_for_load_state("load")
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = [
            f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
        assert violations == [], f"{self.page.url}: {violations}"
        blocked = [e for e in self.console_errors if "Content Security Policy" in e]
        assert blocked == [], blocked
        assert [e for e in self.console_errors if "404" in e] == []
        self.checked.append(self.page.url)

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.goto("/accounts/sign-in/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(browser: Browser, live_server: Any) -> Iterator[Any]:
    opened: list[Visitor] = []

    def open_browser() -> Visitor:
        v = Visitor(browser, live_server.url)
        opened.append(v)
        return v

    yield open_browser
    for v in opened:
        v.close()


@pytest.fixture
def inspection(transactional_db: None) -> Inspection:
    data = make_demo(seed=3, records=12)
    return bundle_import(actor="test", data=dump_bundle(data))


@pytest.fixture
def team(inspection: Inspection) -> dict[str, User]:
    """A real lead (two-factor) and demo accounts for the other roles."""
    people = {
        "lead": User.objects.create_user(
            username="lead", password=PASSWORD, first_name="Lesley", last_name="Lead"
        ),
        "inspector": User.objects.create_user(
            username="inspector", password=PASSWORD, is_demo=True
        ),
        "admin": User.objects.create_user(
            username="admin", password=PASSWORD, is_administrator=True, is_demo=True
        ),
    }
    Membership.objects.create(inspection=inspection, user=people["lead"], role=Role.LEAD_INSPECTOR)
    Membership.objects.create(inspection=inspection, user=people["inspector"], role=Role.INSPECTOR)
    return people
