"""The inspection home page: progress from the data, evaluations from the engine."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme
from scrutiny.web.inspections.bundle_io import bundle_import, inspection_bundle
from scrutiny.web.inspections.models import Inspection, Membership, Role

from .conftest import demo_bytes, signed_in_client

pytestmark = pytest.mark.django_db


def home_queries(inspection: Inspection, user: Any) -> int:
    client = signed_in_client(user)
    url = reverse("inspections:home", kwargs={"inspection_id": inspection.pk})
    client.get(url)  # warm caches (programme file, session)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_renders_in_a_constant_number_of_queries(people: dict[str, Any]) -> None:
    small = bundle_import(actor="test", data=demo_bytes(reference="JI-S", records=5))
    large = bundle_import(actor="test", data=demo_bytes(reference="JI-L", records=80))
    for inspection in (small, large):
        Membership.objects.create(
            inspection=inspection, user=people["outsider"], role=Role.INSPECTOR
        )
    assert large.record_readings.count() > 10 * small.record_readings.count()
    assert home_queries(small, people["outsider"]) == home_queries(large, people["outsider"])


def test_it_shows_progress_and_the_engines_evaluation(
    client_for: Any, inspection: Inspection
) -> None:
    page = (
        client_for("lead")
        .get(reverse("inspections:home", kwargs={"inspection_id": inspection.pk}))
        .content.decode()
    )
    bundle = inspection_bundle(inspection=inspection)
    records = len({r.record for r in bundle.record_readings})
    assert f"{records} record" in page
    assert f"({len(bundle.record_readings)} readings)" in page
    evaluation = evaluate(bundle, load_programme(inspection.programme))
    for indicator in evaluation.indicators.values():
        assert indicator.title in page
        for limiter in indicator.limiters:
            assert limiter.detail in page.replace("&#x27;", "'")
        for reason in indicator.pending:
            assert reason in page.replace("&#x27;", "'")
