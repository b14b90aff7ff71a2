"""The programme overview adds up the inspections' own figures, shows only published
inspections by default, and gives a programme manager no case-level datum."""

import csv
import io
import re
from collections import Counter
from typing import Any

import orjson
import pytest
from django.core.management import call_command
from django.urls import reverse

from scrutiny.core.bundle import dump_bundle, parse_bundle
from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme
from scrutiny.core.programme_review.demo import make_programme_demo
from scrutiny.core.statistics import agreed_readings
from scrutiny.web.accounts.models import User
from scrutiny.web.inspections.models import Inspection

from .conftest import signed_in_client

pytestmark = pytest.mark.django_db

PROGRAMME = "care-and-protection-2018"
RECORDS = 8  # small inspections: the sums are what matter


@pytest.fixture
def programme_of_32(db: None) -> list[dict[str, Any]]:
    call_command("load_demo_programme", "--inspections", "32", "--records", str(RECORDS))
    return make_programme_demo(inspections=32, records=RECORDS)


@pytest.fixture
def manager(db: None) -> User:
    return User.objects.create_user(username="pm", password="x" * 12, is_programme_manager=True)


def _expected(bundles: list[dict[str, Any]]) -> dict[str, Any]:
    """The programme's figures recomputed from the bundles themselves, not the database."""
    programme = load_programme(PROGRAMME)
    evaluations: dict[str, Counter[str]] = {e.id: Counter() for e in programme.evaluated}
    statistics: dict[str, list[int]] = {s.id: [0, 0] for s in programme.statistics}
    records = 0
    returns: Counter[str] = Counter()
    limiters: Counter[str] = Counter()
    partnerships = {}
    for data in bundles:
        bundle = parse_bundle(dump_bundle(data))
        evaluation = evaluate(bundle, programme)
        finals = {}
        for ind in evaluation.indicators.values():
            name = programme.scale.name(ind.final) if ind.final is not None else None
            finals[ind.id] = name
            evaluations[ind.id][name] += 1
            for c in ind.limiters:
                limiters[c.title] += 1
        partnerships[bundle.inspection.partnership] = finals
        for key, share in evaluation.statistics.items():
            statistics[key][0] += share.count
            statistics[key][1] += share.denominator
        records += len(agreed_readings(bundle.record_readings))
        returns.update(r.survey for r in bundle.survey_responses)
    return {
        "evaluations": evaluations,
        "statistics": statistics,
        "records": records,
        "returns": returns,
        "limiters": limiters,
        "partnerships": partnerships,
    }


def test_the_overview_adds_up_the_inspections_own_figures(
    programme_of_32: list[dict[str, Any]], manager: User
) -> None:
    expected = _expected(programme_of_32)
    client = signed_in_client(manager)
    _token = client  # the page and the API must agree
    page = client.get(reverse("programmes:overview", args=[PROGRAMME]))
    assert page.status_code == 200
    overview = page.context["overview"]
    assert len(overview.inspections) == 32
    assert overview.records_read == expected["records"]
    assert f"{expected['records']} children's records read" in page.content.decode()
    for survey_id, _title, n in overview.survey_returns:
        assert n == expected["returns"][survey_id]
    for total in overview.statistics:
        assert [total.count, total.denominator] == expected["statistics"][total.id]
    scale = load_programme(PROGRAMME).scale
    for ind in overview.indicators:
        counted = {scale.name(v): n for v, n in ind.counts if n}
        if ind.not_final:
            counted[None] = ind.not_final
        assert counted == dict(expected["evaluations"][ind.id]), ind.id
    assert {lim.title: lim.applied for lim in overview.limiters if lim.applied} == dict(
        expected["limiters"]
    )
    # The chart's table and the by-partnership table print the same figures.
    html = page.content.decode()
    for partnership, finals in expected["partnerships"].items():
        row = re.search(rf"<th scope=\"row\">{re.escape(partnership)}</th>(.*?)</tr>", html, re.S)
        assert row, partnership
        for final in finals.values():
            assert (final or "Not final").lower() in row.group(1).lower()


def test_open_data_lists_the_published_evaluations_with_no_internal_ids(
    programme_of_32: list[dict[str, Any]], manager: User
) -> None:
    expected = _expected(programme_of_32)
    client = signed_in_client(manager)
    body = client.get(reverse("programmes:open_data", args=[PROGRAMME, "json"])).json()
    assert set(body["dictionary"]) == set(body["rows"][0])
    got = {(r["partnership"], r["indicator"]): r["evaluation"] or None for r in body["rows"]}
    for partnership, finals in expected["partnerships"].items():
        for indicator, final in finals.items():
            assert got[(partnership, indicator)] == final
    text = client.get(reverse("programmes:open_data", args=[PROGRAMME, "csv"])).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 32 * 4
    programme = load_programme(PROGRAMME)
    internal = [r.id for r in programme.limiters] + [g.id for g in programme.care_groups]
    internal += [PROGRAMME, "JI-P"]
    for needle in internal:
        assert needle not in text and needle not in orjson.dumps(body).decode(), needle


def test_only_published_inspections_count_unless_an_administrator_asks(
    programme_of_32: list[dict[str, Any]], manager: User, inspection: Inspection
) -> None:
    # `inspection` (JI-A) is a draft of the same programme.
    page = signed_in_client(manager).get(
        reverse("programmes:overview", args=[PROGRAMME]), {"unpublished": "on"}
    )
    assert len(page.context["overview"].inspections) == 32
    admin = User.objects.create_user(username="adm", password="x" * 12, is_administrator=True)
    page = signed_in_client(admin).get(
        reverse("programmes:overview", args=[PROGRAMME]), {"unpublished": "on"}
    )
    assert len(page.context["overview"].inspections) == 33


def test_it_filters_by_year(programme_of_32: list[dict[str, Any]], manager: User) -> None:
    years = Counter(int(b["inspection"]["start"][:4]) for b in programme_of_32)
    client = signed_in_client(manager)
    for year, n in years.items():
        page = client.get(reverse("programmes:overview", args=[PROGRAMME]), {"year": year})
        assert len(page.context["overview"].inspections) == n
    assert page.context["all_years"] == sorted(years)


def test_a_programme_manager_reaches_no_inspection(
    programme_of_32: list[dict[str, Any]], manager: User
) -> None:
    client = signed_in_client(manager)
    page = client.get(reverse("programmes:overview", args=[PROGRAMME])).content.decode()
    assert "/inspections/" not in page
    for inspection in Inspection.objects.all():
        for name in ("inspections:home", "evidence:list", "records:results", "reports:overview"):
            assert client.get(reverse(name, args=[inspection.pk])).status_code == 404
    assert client.get(reverse("inspections:list")).context["inspections"].count() == 0


def test_the_api_gives_the_same_overview(
    programme_of_32: list[dict[str, Any]], manager: User
) -> None:
    from django.test import Client

    from scrutiny.web.api.services import api_token_create

    expected = _expected(programme_of_32)
    _t, key = api_token_create(actor="test", user=manager, name="t")
    body = (
        Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        .get(reverse("api:programme_overview", args=[PROGRAMME]))
        .json()
    )
    assert body["inspections"] == 32 and body["records_read"] == expected["records"]
    assert body["survey_returns"] == dict(expected["returns"])
