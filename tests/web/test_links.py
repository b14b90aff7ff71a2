"""Every link a page shows is one its reader may follow.

Each persona walks the site from the inspection list, following every link on every page
it reaches (one page per URL shape), as someone clicking through would. A link to a page
the persona may not open (404), or to a page that fails (500), fails the test with the
page that showed it: the access matrix says who may open a URL, this says the pages
only offer what the matrix allows.
"""

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from scrutiny.web.inspections.models import Inspection

from .test_records_support import add_sample, assign

pytestmark = pytest.mark.django_db

# Downloads are tested where they are built; following them here would only be slow.
# The API console is Swagger UI, a third-party page: the API reference (/api/docs/) is the
# accessible one, walked with the rest.
SKIP = re.compile(
    r"/download/|\.(csv|xlsx|json)$|/export/|/sign-out/|/api/docs/console/|/api/schema/"
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith(("#", "mailto:")):
            self.hrefs.append(href)


def page_shape(path: str) -> str:
    """One visit per kind of page: ids and query values do not make a new page."""
    split = urlsplit(path)
    query = "&".join(sorted(p.split("=")[0] for p in split.query.split("&") if p))
    return re.sub(r"\d+", "N", split.path) + ("?" + query if query else "")


def walk(client: Any, start: str = "/") -> tuple[int, list[str]]:
    seen: set[str] = set()
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    broken: list[str] = []
    while queue:
        path, shown_on = queue.popleft()
        if page_shape(path) in seen:
            continue
        seen.add(page_shape(path))
        response = client.get(path, follow=True)
        if response.status_code != 200:
            broken.append(f"{path} ({response.status_code}), linked from {shown_on}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = urlsplit(urljoin(f"http://testserver{path}", href))
            if target.netloc != "testserver" or SKIP.search(target.path):
                continue
            queue.append((target.path + (f"?{target.query}" if target.query else ""), path))
    return len(seen), broken


@pytest.fixture
def busy(inspection: Inspection, people: dict[str, Any]) -> Inspection:
    """The demo inspection with records still to read, so reading forms are linked too."""
    add_sample(inspection, records=6)
    assign(inspection, people["inspector"], people["lead"])
    return inspection


@pytest.mark.parametrize(
    "persona", ["lead", "inspector", "volunteer", "assurer", "partner", "admin", "outsider"]
)
def test_every_link_a_persona_is_shown_opens(
    persona: str, client_for: Any, busy: Inspection
) -> None:
    pages, broken = walk(client_for(persona))
    assert broken == []
    assert pages > 2  # the walk reached past the inspection list
