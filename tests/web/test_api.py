"""The REST API: tokens, the schema, what each role reads and writes, and the audit trail.

Who may call which route is the access matrix's job (test_access_matrix.py, the `api:`
rows); these tests pin what the answers hold.
"""

from typing import Any

import orjson
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme
from scrutiny.web.accounts.models import User
from scrutiny.web.api.models import ApiToken
from scrutiny.web.api.services import api_token_create
from scrutiny.web.api.throttling import PerTokenThrottle
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.evidence.selectors import SEARCH_WORDS_MAX
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.reports.models import Comment, Report, Statement

from .test_access_matrix import API_TOKEN_ROUTES, _params

pytestmark = pytest.mark.django_db


def api(user: User) -> Client:
    _token, key = api_token_create(actor="test", user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def url(name: str, inspection: Inspection, **kwargs: Any) -> str:
    return reverse(name, kwargs={"inspection_id": inspection.pk, **kwargs})


def test_it_answers_401_without_a_token_or_with_a_bad_one(
    inspection: Inspection, people: dict[str, User]
) -> None:
    target = url("api:evidence", inspection)
    assert Client().get(target).status_code == 401
    assert Client().get(target)["WWW-Authenticate"].startswith("Bearer")
    assert Client(HTTP_AUTHORIZATION="Bearer scr_not-a-token").get(target).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer").get(target).status_code == 401
    # A session is not a credential for the API's data.
    client = Client()
    client.force_login(people["lead"])
    assert client.get(target).status_code == 401


def test_it_stops_a_token_once_revoked_or_its_person_deactivated(
    inspection: Inspection, people: dict[str, User]
) -> None:
    lead = people["lead"]
    _token, key = api_token_create(actor="test", user=lead, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(url("api:inspection", inspection)).status_code == 200
    lead.is_active = False
    lead.save()
    assert client.get(url("api:inspection", inspection)).status_code == 401
    lead.is_active = True
    lead.save()
    page = Client()
    page.force_login(lead)
    from .conftest import signed_in_client

    page = signed_in_client(lead)
    token = ApiToken.objects.get(user=lead, name="script")
    assert page.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 302
    assert client.get(url("api:inspection", inspection)).status_code == 401
    assert AuditEvent.objects.filter(object_type="api_token", action="delete").count() == 1


def test_it_stores_only_the_hash_and_shows_the_key_once(people: dict[str, User]) -> None:
    from .conftest import signed_in_client

    page = signed_in_client(people["inspector"])
    response = page.post(reverse("api_tokens:list"), {"name": "survey sync"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.startswith("scr_") and key.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=people["inspector"])
    assert key not in token.key_hash and token.prefix == key[:12]
    assert key.encode() not in page.get(reverse("api_tokens:list")).content
    created = AuditEvent.objects.get(object_type="api_token", action="create")
    assert created.actor == people["inspector"] and key not in orjson.dumps(created.after).decode()


def test_it_refuses_a_token_without_a_name(people: dict[str, User]) -> None:
    from .conftest import signed_in_client

    response = signed_in_client(people["lead"]).post(reverse("api_tokens:list"), {"name": " "})
    assert response.status_code == 422
    assert b"Enter what the token is for" in response.content
    assert not ApiToken.objects.exists()


def test_it_does_not_revoke_someone_elses_token(people: dict[str, User]) -> None:
    from .conftest import signed_in_client

    theirs, _key = api_token_create(actor="test", user=people["lead"], name="theirs")
    response = signed_in_client(people["outsider"]).post(
        reverse("api_tokens:revoke", args=[theirs.pk])
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.active


def test_the_command_prints_a_working_token(
    inspection: Inspection, people: dict[str, User], capsys: Any
) -> None:
    call_command("api_token", "assurer", "--name", "nightly export")
    key = capsys.readouterr().out.strip()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(url("api:evaluations", inspection))
    assert response.status_code == 200


def test_it_lists_only_the_inspections_a_person_may_see(
    inspection: Inspection, other_inspection: Inspection, people: dict[str, User]
) -> None:
    def refs(user: User) -> list[str]:
        body = api(user).get(reverse("api:inspections")).json()
        return [i["reference"] for i in body["results"]]

    assert refs(people["outsider"]) == ["JI-B"]
    assert refs(people["lead"]) == ["JI-A"]
    assert sorted(refs(people["admin"])) == ["JI-A", "JI-B"]
    body = api(people["lead"]).get(reverse("api:inspections")).json()
    assert body["results"][0]["role"] == "lead_inspector"


def test_it_pages_with_a_cursor(inspection: Inspection, people: dict[str, User]) -> None:
    client = api(people["lead"])
    first = client.get(url("api:evidence", inspection) + "?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    ids = [n["id"] for n in first["results"]] + [n["id"] for n in second["results"]]
    assert len(set(ids)) == 4


def test_it_gives_the_evaluations_of_the_command_line(
    inspection: Inspection, people: dict[str, User]
) -> None:
    body = api(people["assurer"]).get(url("api:evaluations", inspection)).json()
    programme = load_programme(inspection.programme)
    expected = evaluate(inspection_bundle(inspection=inspection), programme).to_json()
    assert body == orjson.loads(orjson.dumps(expected))
    assert set(body["indicators"]) == {"1.1", "2.1", "2.2", "9"}


def test_it_logs_every_read_of_childrens_data(
    inspection: Inspection, people: dict[str, User]
) -> None:
    client = api(people["lead"])
    for name, object_type in [
        ("api:evidence", "evidence"),
        ("api:reading_results", "record_results"),
        ("api:survey_results", "survey_results"),
        ("api:report", "report"),
    ]:
        before = AuditEvent.objects.filter(action="view", object_type=object_type).count()
        assert client.get(url(name, inspection)).status_code == 200
        after = AuditEvent.objects.filter(
            action="view", object_type=object_type, actor=people["lead"], inspection=inspection
        ).count()
        assert after == before + 1, name


def test_reading_results_and_survey_results_are_aggregates_only(
    inspection: Inspection, people: dict[str, User]
) -> None:
    client = api(people["inspector"])
    results = client.get(url("api:reading_results", inspection)).json()
    assert results["records"] > 0
    item = results["items"][0]
    assert set(item["overall"]) == {"label", "counts", "not_applicable", "rated"}
    surveys = client.get(url("api:survey_results", inspection)).json()["surveys"]
    cells = [
        c
        for s in surveys
        for i in s["items"]
        for t in i["tables"]
        for r in t["rows"]
        for c in [*r["cells"], r["total"]]
    ]
    assert cells and all(c["count"] is None for c in cells if c["status"] != "shown")
    assert any(c["status"] == "small" and c["display"].startswith("fewer than") for c in cells)


def test_it_adds_an_evidence_note_through_the_service(
    inspection: Inspection, people: dict[str, User]
) -> None:
    client = api(people["inspector"])
    note = {
        "source": "focus_group",
        "source_label": "Foster carers",
        "text": "Carers said that planning meetings now include them.",
        "kind": "strength",
        "questions": [2],
        "indicators": ["2.1"],
    }
    response = client.post(url("api:evidence", inspection), note, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    stored = Evidence.objects.get(inspection=inspection, ident=body["id"])
    assert stored.created_by == people["inspector"] and body["indicators"] == ["2.1"]
    assert AuditEvent.objects.filter(
        action="create", object_type="evidence", object_id=stored.ident
    ).exists()


def test_it_refuses_bad_evidence_naming_the_field_and_stores_nothing(
    inspection: Inspection, people: dict[str, User]
) -> None:
    client = api(people["lead"])
    before = Evidence.objects.count()
    bad = {"source": "meeting", "text": "x", "kind": "strength", "indicators": ["7.7"]}
    response = client.post(url("api:evidence", inspection), bad, content_type="application/json")
    assert response.status_code == 400
    assert "no quality indicator '7.7'" in response.json()["indicators"][0]
    missing = client.post(url("api:evidence", inspection), {}, content_type="application/json")
    assert set(missing.json()) == {"source", "text", "kind"}
    long_search = client.get(url("api:evidence", inspection), {"q": "word " * 70})
    assert long_search.status_code == 400 and "at most" in long_search.json()["q"][0]
    # The evidence page's bound, not one of the API's own.
    words = " ".join(f"w{n}" for n in range(SEARCH_WORDS_MAX))
    assert client.get(url("api:evidence", inspection), {"q": words}).status_code == 200
    one_more = client.get(url("api:evidence", inspection), {"q": f"{words} w"})
    assert one_more.status_code == 400
    assert f"at most {SEARCH_WORDS_MAX} words" in one_more.json()["q"][0]
    assert Evidence.objects.count() == before


def test_a_partnership_token_reads_only_the_shared_draft_and_writes_only_comments(
    inspection: Inspection, people: dict[str, User]
) -> None:
    client = api(people["partner"])
    assert client.get(url("api:report", inspection)).status_code == 404  # not shared yet
    Report.objects.update_or_create(inspection=inspection, defaults={"status": "shared"})
    body = client.get(url("api:report", inspection)).json()
    assert body["status"] == "shared" and body["statements"]
    assert all("evidence" not in s for s in body["statements"])
    statement = Statement.objects.filter(inspection=inspection).first()
    assert statement is not None
    response = client.post(
        url("api:statement_comments", inspection, statement_id=statement.pk),
        {"text": "The service started in 2019, not 2020."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Comment.objects.get(pk=response.json()["id"]).author == people["partner"]
    for name in ("api:evidence", "api:evaluations", "api:reading_results", "api:survey_results"):
        assert client.get(url(name, inspection)).status_code == 404, name
    note = {"source": "meeting", "text": "x", "kind": "strength"}
    posted = client.post(url("api:evidence", inspection), note, content_type="application/json")
    assert posted.status_code == 404


def test_the_team_reads_statements_with_their_evidence(
    inspection: Inspection, people: dict[str, User]
) -> None:
    body = api(people["volunteer"]).get(url("api:report", inspection)).json()
    assert any(s["evidence"] for s in body["statements"])


def test_it_limits_requests_per_token(
    inspection: Inspection, people: dict[str, User], monkeypatch: Any
) -> None:
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    client = api(people["lead"])
    codes = [client.get(url("api:inspection", inspection)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Another token of the same person has its own allowance.
    assert api(people["lead"]).get(url("api:inspection", inspection)).status_code == 200


def test_every_process_counts_a_tokens_requests_in_the_database(
    inspection: Inspection, people: dict[str, User], monkeypatch: Any
) -> None:
    # Another worker process, or another app server, has a cache of its own: the count
    # is kept where they all read it, so clearing this process's cache leaves it whole.
    from django.core.cache import cache

    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "2/minute"})
    client = api(people["lead"])
    assert client.get(url("api:inspection", inspection)).status_code == 200
    cache.clear()
    assert client.get(url("api:inspection", inspection)).status_code == 200
    cache.clear()
    assert client.get(url("api:inspection", inspection)).status_code == 429


def test_the_schema_is_valid_openapi_3_and_covers_every_api_route(people: dict[str, User]) -> None:
    response = api(people["lead"]).get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    schema = orjson.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    generated = SchemaGenerator().get_schema(request=None, public=True)
    assert set(schema["paths"]) == set(generated["paths"])
    documented = {p.replace("{", "<").replace("}", ">") for p in schema["paths"]}
    assert {_pattern(name) for name in API_TOKEN_ROUTES - {"api:schema"}} == documented


def _pattern(name: str) -> str:
    """The route's path with `<parameter>` for each parameter, as the schema writes it."""
    params = sorted(_params(name))
    path = reverse(name, kwargs={p: 990_000 + n for n, p in enumerate(params)})
    for n, p in enumerate(params):
        path = path.replace(str(990_000 + n), f"<{p}>")
    return path


def test_the_reference_page_lists_every_operation(people: dict[str, User]) -> None:
    from .conftest import signed_in_client

    page = signed_in_client(people["lead"]).get(reverse("api:docs"))
    assert page.status_code == 200
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert page.content.count(b"<h3 id=") == sum(len(ops) for ops in schema["paths"].values())
    assert b"Authorization: Bearer" in page.content
    console = signed_in_client(people["lead"]).get(reverse("api:console"))
    assert b"<script>" not in console.content and b"<style>" not in console.content
    script = signed_in_client(people["lead"]).get(reverse("api:console") + "?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def _reading_setup(inspection: Inspection, people: dict[str, User]) -> Any:
    from scrutiny.web.records.models import Assignment

    from .test_records_support import add_sample, assign

    add_sample(inspection, records=2)
    assign(inspection, people["inspector"], people["lead"])
    return Assignment.objects.filter(reader=people["inspector"]).order_by("id").first()


def test_a_reader_saves_and_submits_a_reading(
    inspection: Inspection, people: dict[str, User]
) -> None:
    from scrutiny.web.records.models import RecordReading

    assignment = _reading_setup(inspection, people)
    client = api(people["inspector"])
    listed = client.get(url("api:readings", inspection)).json()
    assert assignment.pk in [a["id"] for a in listed]
    target = url("api:reading", inspection, assignment_id=assignment.pk)
    items = [i.id for i in load_programme(inspection.programme).reading_items]
    draft = {"version": assignment.version, "ratings": {items[0]: 4}}
    saved = client.put(target, draft, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["status"] == "draft"
    # A stale version is refused, never merged.
    stale = client.put(target, draft, content_type="application/json")
    assert stale.status_code == 409
    incomplete = {"version": saved.json()["version"], "ratings": {items[0]: 4}, "submit": True}
    refused = client.put(target, incomplete, content_type="application/json")
    assert refused.status_code == 400 and "Not rated" in refused.json()["ratings"][0]
    assert not RecordReading.objects.filter(inspection=inspection, reader="inspector").exists()
    full = {
        "version": saved.json()["version"],
        "ratings": {item: (None if n == 1 else 5) for n, item in enumerate(items)},
        "notes": {items[0]: {"text": "A clear plan.", "kind": "strength", "questions": [2]}},
        "submit": True,
    }
    done = client.put(target, full, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted"
    reading = RecordReading.objects.get(inspection=inspection, reader="inspector")
    assert AuditEvent.objects.filter(
        object_type="record_reading", object_id=str(reading.pk)
    ).exists()


def test_a_reading_with_an_unknown_item_or_value_is_refused(
    inspection: Inspection, people: dict[str, User]
) -> None:
    assignment = _reading_setup(inspection, people)
    client = api(people["inspector"])
    target = url("api:reading", inspection, assignment_id=assignment.pk)
    unknown = client.put(
        target, {"version": 1, "ratings": {"made_up": 3}}, content_type="application/json"
    )
    assert unknown.status_code == 400 and "made_up" in unknown.json()["ratings"][0]
    item = load_programme(inspection.programme).reading_items[0].id
    out_of_scale = client.put(
        target, {"version": 1, "ratings": {item: 7}}, content_type="application/json"
    )
    assert out_of_scale.status_code == 400
    assignment.refresh_from_db()
    assert assignment.ratings == {} and assignment.version == 1
    # Someone else's assignment is missing.
    other = api(people["lead"]).put(
        target, {"version": 1, "ratings": {}}, content_type="application/json"
    )
    assert other.status_code == 404
