"""axe-core on every kind of page each role can reach, by clicking through in Chromium.

The other browser tests walk the team's tasks; this one makes the house rule mechanical:
a new page that a role can reach is checked here without anyone listing it. One page
per URL shape, downloads left to their own tests.
"""

from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from scrutiny.web.accounts.models import User
from scrutiny.web.inspections.models import Inspection, Membership, Role
from tests.web.test_links import SKIP, page_shape
from tests.web.test_records_support import add_sample, assign

from .conftest import PASSWORD

ROLES = {
    "lead": Role.LEAD_INSPECTOR,
    "inspector": Role.INSPECTOR,
    "volunteer": Role.YOUNG_INSPECTION_VOLUNTEER,
    "assurer": Role.QUALITY_ASSURER,
    "partner": Role.PARTNERSHIP_CONTACT,
    "reader": Role.PARTNERSHIP_READER,
}


@pytest.fixture
def cast(inspection: Inspection) -> dict[str, User]:
    """Demo accounts (no second factor) for every role, and a site administrator."""
    people = {
        name: User.objects.create_user(username=name, password=PASSWORD, is_demo=True)
        for name in [*ROLES, "admin"]
    }
    people["admin"].is_administrator = True
    people["admin"].save()
    for name, role in ROLES.items():
        Membership.objects.create(inspection=inspection, user=people[name], role=role)
    add_sample(inspection, records=4)
    assign(inspection, people["inspector"], people["lead"], people["reader"])
    return people


@pytest.mark.markup_only
@pytest.mark.parametrize("persona", [*ROLES, "admin"])
def test_every_page_a_role_reaches_passes_axe(
    persona: str, visitor: Any, cast: dict[str, User], live_server: Any
) -> None:
    browser = visitor()
    browser.sign_in(persona)
    base = urlsplit(live_server.url).netloc
    seen: set[str] = set()
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if page_shape(path) in seen:
            continue
        seen.add(page_shape(path))
        page = browser.goto(path)  # runs axe-core and fails on any violation
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            target = urlsplit(urljoin(page.url, href))
            if target.netloc != base or SKIP.search(target.path) or target.fragment:
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    assert len(browser.checked) > 2
