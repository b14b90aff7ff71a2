"""The evidence, evaluation, report, home and results pages make as many SQL queries for a busy
inspection as for a quiet one: nothing is fetched note by note or statement by statement."""

import copy
from typing import Any

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scrutiny.web.inspections.bundle_io import bundle_import
from scrutiny.web.inspections.models import Inspection, Membership, Role

from .conftest import demo_bytes, signed_in_client

pytestmark = pytest.mark.django_db

PAGES = [
    ("evidence:list", {}),
    ("evidence:coverage", {}),
    ("evidence:coverage_question", {"question": 2}),
    ("evaluations:workspace", {}),
    ("evaluations:indicator", {"indicator": "2.1"}),
    ("reports:overview", {}),
    ("reports:section", {"section": "question-2"}),
    ("reports:preview", {"report_version": "internal"}),
    ("reports:shared_draft", {}),
    ("reports:comments", {}),
    # Pages the load bench visits, whose cost the speed work touched (bench_page_cost.py).
    ("inspections:home", {}),
    ("records:results", {}),
    ("surveys:results", {"survey_id": "children_and_young_people"}),
]


def busier(reference: str, extra: int) -> Inspection:
    """The demo inspection with `extra` more notes, each cited by a statement of its own."""
    data = orjson.loads(demo_bytes(reference=reference))
    notes = data["evidence"]
    for n in range(extra):
        note = copy.deepcopy(notes[n % len(notes)])
        note["id"] = f"E-{500 + n}"
        notes.append(note)
        data["report"]["questions"][1]["strengths"].append(
            {"id": f"X-{n}", "text": f"Strength {n}.", "evidence": [note["id"]], "plain": None}
        )
    return bundle_import(actor="test", data=orjson.dumps(data))


def queries(client: Any, name: str, inspection: Inspection, kwargs: dict[str, Any]) -> int:
    url = reverse(name, kwargs={"inspection_id": inspection.pk, **kwargs})
    assert client.get(url).status_code == 200, name  # warm caches (programme, session)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def test_the_pages_make_a_constant_number_of_queries(people: dict[str, Any]) -> None:
    quiet, busy = busier("JI-Q", 0), busier("JI-BUSY", 40)
    assert busy.evidence.count() == quiet.evidence.count() + 40
    for inspection in (quiet, busy):
        Membership.objects.create(
            inspection=inspection, user=people["outsider"], role=Role.LEAD_INSPECTOR
        )
    client = signed_in_client(people["outsider"])
    counts = {
        name: (queries(client, name, quiet, kw), queries(client, name, busy, kw))
        for name, kw in PAGES
    }
    assert {name: q for name, (q, b) in counts.items() if q != b} == {}, counts
