"""Survey responses written through the API: the import's checks, all or nothing,
bounded, locked with the other engine inputs, audited, and counted as imported ones.

Also the API-wide promises of issue 16: 401 without a token on every route and method,
a partnership contact's token writing only comments, a schema that holds together.
"""

import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from django.test import Client
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from scrutiny.core.methodology import load_programme
from scrutiny.web.accounts.models import User
from scrutiny.web.api import apis
from scrutiny.web.api.services import api_token_create
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evaluations.selectors import involvement
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.reports.models import Comment, Report, Statement
from scrutiny.web.surveys.models import Answer, SurveyResponse

from .test_access_matrix import API_TOKEN_ROUTES, url_kwargs
from .test_evaluation_locks import agree, cite_everything, reopen
from .test_surveys_import import LIME_HEADER, SURVEY, csv_bytes, finish, lime_rows, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.SURVEY_UPLOADS_DIR = tmp_path / "uploads"


def api(user: User) -> Client:
    _token, key = api_token_create(actor="test", user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def responses_url(inspection: Inspection, survey: str = SURVEY) -> str:
    return reverse("api:survey_responses", args=[inspection.pk, survey])


def send(client: Client, inspection: Inspection, body: Any, survey: str = SURVEY) -> Any:
    return client.post(responses_url(inspection, survey), body, content_type="application/json")


def stored(inspection: Inspection) -> list[tuple[str, str | None, dict[str, str | None]]]:
    return [
        (r.respondent, r.care_group, dict(r.answers.values_list("item", "value")))
        for r in SurveyResponse.objects.filter(inspection=inspection, survey=SURVEY)
    ]


def rows_with_an_unfinished_and_an_empty_response() -> list[list[str]]:
    rows = lime_rows(12)
    rows[5][1] = ""  # no submit date: never finished
    for column in range(6, len(LIME_HEADER)):
        rows[7][column] = ""  # answers nothing
    return rows


def as_entries(rows: list[list[str]], inspection: Inspection) -> list[dict[str, Any]]:
    """The export's rows as a survey tool's system would send them."""
    survey = load_programme(inspection.programme).survey(SURVEY)
    assert survey is not None
    item_of = {item.text: item.id for item in survey.items}
    header = rows[0]
    return [
        {
            "respondent": row[0],
            "care_group": row[header.index("Care group")],
            "status": "complete" if row[1] else "incomplete",
            "answers": {item_of[h]: v for h, v in zip(header, row, strict=True) if h in item_of},
        }
        for row in rows[1:]
    ]


def test_it_counts_posted_responses_exactly_as_the_same_rows_imported_from_a_file(
    client_for: Any, inspection: Inspection, people: dict[str, User]
) -> None:
    SurveyResponse.objects.filter(inspection=inspection, survey=SURVEY).delete()  # a fresh survey
    rows = rows_with_an_unfinished_and_an_empty_response()
    client = api(people["inspector"])
    posted = send(client, inspection, {"responses": as_entries(rows, inspection)})
    assert posted.status_code == 201, posted.content
    body = posted.json()
    assert (body["added"], body["total"]) == (10, 10)
    assert body["completeness"]["incomplete"] == 1 and body["completeness"]["empty"] == 1
    assert [r["index"] for r in body["responses"]] == [0, 1, 2, 3, 5, 7, 8, 9, 10, 11]

    def figures() -> tuple[Any, Any]:
        surveys = client.get(reverse("api:survey_results", args=[inspection.pk])).json()
        evaluations = client.get(reverse("api:evaluations", args=[inspection.pk])).json()
        (children,) = [s for s in surveys["surveys"] if s["id"] == SURVEY]
        return children, evaluations["statistics"]

    sent_figures, sent_rows = figures(), stored(inspection)
    assert sent_figures[0]["responses"] == 10

    # The same rows as a LimeSurvey export through the import (which replaces them).
    lead = client_for("lead")
    upload(lead, inspection, "lime.csv", csv_bytes(rows))
    assert "Imported 10 responses" in finish(lead, inspection, None).content.decode()
    assert figures() == sent_figures
    assert stored(inspection) == sent_rows


def test_one_bad_response_refuses_the_request_naming_each_response_and_field(
    inspection: Inspection, people: dict[str, User]
) -> None:
    client = api(people["lead"])
    before = (SurveyResponse.objects.count(), Answer.objects.count())
    events = AuditEvent.objects.count()
    response = send(
        client,
        inspection,
        {
            "responses": [
                {"answers": {"feel_safe": "Yes"}},
                {"answers": {"feel_safe": "Perhaps", "favourite_colour": "blue"}},
                {"answers": {"anything_else": "x" * 10_001}, "care_group": "Mars"},
            ]
        },
    )
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert [p["field"] for p in problems] == [
        "responses[1].answers.feel_safe",
        "responses[1].answers.favourite_colour",
        "responses[2].answers.anything_else",
        "responses[2].care_group",
    ]
    assert problems[0]["message"].startswith("'Perhaps' is not one of the answers to 'feel_safe'")
    assert "'favourite_colour' is not a question of the survey" in problems[1]["message"]
    assert problems[2]["message"] == "The answer is 10001 characters long; the limit is 10000."
    assert response.json()["errors"][0].startswith("responses[1].answers.feel_safe: 'Perhaps'")
    assert (SurveyResponse.objects.count(), Answer.objects.count()) == before
    assert AuditEvent.objects.count() == events


def test_a_malformed_request_is_refused_naming_the_field(
    inspection: Inspection, people: dict[str, User]
) -> None:
    client = api(people["lead"])
    before = SurveyResponse.objects.count()
    shapes = [
        ({}, "responses"),
        ({"responses": []}, "responses"),
        (
            {"responses": [{"answers": {"feel_safe": "yes"}, "status": "finished"}]},
            "responses[0].status",
        ),  # fmt: skip
        ({"responses": [{"answers": {}}, {"answers": ["yes"]}]}, "responses[1].answers"),
        ({"responses": [{"answers": {"feel_safe": "yes"}}], "include": ["rejected"]}, "reason"),
    ]
    for body, field in shapes:
        response = send(client, inspection, body)
        assert response.status_code == 400, body
        assert field in [p["field"] for p in response.json()["problems"]], response.json()
    assert send(client, inspection, {"responses": [{"answers": {}}]}).json()["errors"] == [
        "responses: None of the 1 responses counts as a return (1 answering none of the "
        "survey's questions); nothing was imported."
    ]
    assert SurveyResponse.objects.count() == before


def test_it_refuses_over_budget_requests_before_storing_anything(
    inspection: Inspection, people: dict[str, User], monkeypatch: Any
) -> None:
    client = api(people["lead"])
    before = SurveyResponse.objects.count()
    many = {"responses": [{"answers": {"feel_safe": "yes"}}] * (apis.MAX_SURVEY_RESPONSES + 1)}
    response = send(client, inspection, many)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error.startswith("responses: 501 responses sent. At most 500 responses")
    assert "import page" in error
    monkeypatch.setattr(apis, "MAX_SURVEY_BODY_BYTES", 1000)
    large = {"responses": [{"answers": {"anything_else": "x" * 2000}}]}
    response = send(client, inspection, large)
    assert response.status_code == 413
    assert "bytes long" in response.json()["errors"][0]
    assert SurveyResponse.objects.count() == before


def test_the_bound_is_stated_in_the_schema_and_on_the_reference_page(
    people: dict[str, User],
) -> None:
    from .conftest import signed_in_client

    schema = SchemaGenerator().get_schema(request=None, public=True)
    path = "/api/inspections/{inspection_id}/surveys/{survey_id}/responses/"
    operation = schema["paths"][path]["post"]
    assert "At most 500 responses" in operation["description"]
    assert {"201", "400", "409", "413"} <= set(operation["responses"])
    page = signed_in_client(people["lead"]).get(reverse("api:docs")).content.decode()
    assert "At most 500 responses" in page and "responses[].answers" in page


def test_respondent_ids_are_unique_in_the_survey_and_named_when_not_given(
    inspection: Inspection, people: dict[str, User]
) -> None:
    client = api(people["inspector"])
    first = send(
        client,
        inspection,
        {
            "responses": [
                {"respondent": "tool-1", "answers": {"feel_safe": "yes"}},
                {"answers": {"feel_safe": "no"}},
            ]
        },  # fmt: skip
    )
    assert first.status_code == 201
    named = [r["respondent"] for r in first.json()["responses"]]
    assert named[0] == "tool-1" and named[1].startswith("api-")
    before = SurveyResponse.objects.count()
    again = send(
        client,
        inspection,
        {
            "responses": [
                {"answers": {"feel_safe": "no"}},
                {"respondent": "tool-1", "answers": {"feel_safe": "no"}},
            ]
        },  # fmt: skip
    )
    assert again.status_code == 400
    assert again.json()["problems"] == [
        {
            "field": "responses[1].respondent",
            "message": "The respondent id 'tool-1' is already among the survey's responses.",
        }
    ]
    twice = send(
        client,
        inspection,
        {"responses": [{"respondent": "x", "answers": {"feel_safe": "no"}}] * 2},
    )
    assert twice.json()["problems"][0]["field"] == "responses[1].respondent"
    assert SurveyResponse.objects.count() == before


def test_counting_rejected_responses_is_the_teams_recorded_decision(
    inspection: Inspection, people: dict[str, User]
) -> None:
    client = api(people["lead"])
    entries = [
        {"respondent": "a", "answers": {"feel_safe": "yes"}},
        {"respondent": "b", "answers": {"feel_safe": "no"}, "status": "rejected"},
    ]
    default = send(client, inspection, {"responses": entries}).json()
    assert default["added"] == 1 and default["completeness"]["rejected"] == 1
    SurveyResponse.objects.filter(respondent="a").delete()
    body = {"responses": entries, "include": ["rejected"], "reason": "Reviewed again on site"}
    counted = send(client, inspection, body).json()
    assert counted["added"] == 2
    event = AuditEvent.objects.filter(object_type="survey_responses").latest("id")
    assert event.after["included"]["rejected"] is True
    assert event.after["reason"] == "Reviewed again on site"
    assert "counting rejected responses: Reviewed again on site" in event.summary


def test_the_import_page_says_a_file_replaces_responses_sent_through_the_api(
    client_for: Any, inspection: Inspection, people: dict[str, User]
) -> None:
    lead = client_for("lead")
    upload(lead, inspection, "lime.csv", csv_bytes(lime_rows(6)))
    finish(lead, inspection, None)
    body = {"responses": [{"answers": {"feel_safe": "no"}}, {"answers": {"feel_safe": "yes"}}]}
    assert send(api(people["inspector"]), inspection, body).status_code == 201
    page = lead.get(reverse("surveys:upload", args=[inspection.pk, SURVEY])).content.decode()
    assert "now come from lime.csv" in page
    assert "and 2 more sent through the API since: a corrected file replaces them all" in page


def test_it_is_audited_and_the_sender_is_involved_in_the_evaluations(
    inspection: Inspection, people: dict[str, User]
) -> None:
    response = send(
        api(people["inspector"]),
        inspection,
        {"responses": [{"respondent": "r-1", "answers": {"feel_safe": "no"}}]},
    )
    assert response.status_code == 201
    event = AuditEvent.objects.get(object_type="survey_responses")
    assert (event.action, event.actor, event.object_id) == ("create", people["inspector"], SURVEY)
    assert event.summary == (
        "Added 1 response to the survey of children and young people through the API"
    )
    assert event.after["added"] == ["r-1"]
    assert event.after["responses"] == event.before["responses"] + 1
    # Sign-off independence reads the trail: whoever sent responses fed the survey figures.
    assert any(
        i.person == event.actor_name and i.input == "survey_response"
        for i in involvement(inspection=inspection)
    )


def test_agreed_evaluations_refuse_survey_writes_with_the_reason(
    inspection: Inspection, people: dict[str, User]
) -> None:
    cite_everything(inspection, people["inspector"])
    agree(inspection, people)
    before = SurveyResponse.objects.count()
    body = {"responses": [{"answers": {"feel_safe": "no"}}]}
    response = send(api(people["lead"]), inspection, body)
    assert response.status_code == 409
    (reason,) = response.json()["errors"]
    assert "agreed at the evaluation" in reason and reason.endswith(
        "giving a reason, to change them"
    )
    assert SurveyResponse.objects.count() == before
    reopen(inspection, people)
    assert send(api(people["lead"]), inspection, body).status_code == 201


def test_an_unknown_survey_or_inspection_is_404(
    inspection: Inspection, other_inspection: Inspection, people: dict[str, User]
) -> None:
    client = api(people["lead"])
    body = {"responses": [{"answers": {"feel_safe": "no"}}]}
    assert send(client, inspection, body, survey="no_such_survey").status_code == 404
    assert send(client, other_inspection, body).status_code == 404
    assert client.post("/api/inspections/999999/surveys/staff/responses/").status_code == 404


# --- the API as a whole ---------------------------------------------------------------


def _operations() -> list[tuple[str, str, str]]:
    """(route name, method, address) for every operation the schema documents."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, methods in schema["paths"].items():
        name = resolve(re.sub(r"\{[^}]+\}", "1", path)).view_name
        found += [(name, method, path) for method in methods]
    return found


def _address(name: str, inspection: Inspection) -> str:
    return reverse(name, kwargs=url_kwargs(name, inspection))


def test_without_a_token_every_api_operation_answers_401(
    inspection: Inspection, people: dict[str, User]
) -> None:
    operations = _operations()
    assert {name for name, _, _ in operations} == API_TOKEN_ROUTES - {"api:schema"}
    assert Client().get(reverse("api:schema")).status_code == 401
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(people["lead"])  # a session is not an API credential
    for name, method, _path in operations:
        target = _address(name, inspection)
        for client in (anonymous, signed_in):
            response = getattr(client, method)(target, {}, content_type="application/json")
            assert response.status_code == 401, (name, method)
            assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_partnership_token_writes_only_comments(
    inspection: Inspection, people: dict[str, User]
) -> None:
    Report.objects.update_or_create(inspection=inspection, defaults={"status": "shared"})
    client = api(people["partner"])
    writes = [
        (name, method, _address(name, inspection))
        for name, method, _ in _operations()
        if method in ("post", "put", "patch", "delete") and name != "api:statement_comments"
    ]
    assert {n for n, _, _ in writes} >= {"api:evidence", "api:survey_responses", "api:reading"}
    before = (SurveyResponse.objects.count(), AuditEvent.objects.exclude(action="view").count())
    body = {"responses": [{"answers": {"feel_safe": "no"}}], "text": "x", "version": 1}
    for name, method, target in writes:
        response = getattr(client, method)(target, body, content_type="application/json")
        assert response.status_code == 404, (name, method)
    assert before == (
        SurveyResponse.objects.count(),
        AuditEvent.objects.exclude(action="view").count(),
    )
    statement = Statement.objects.filter(inspection=inspection).first()
    assert statement is not None
    comment = client.post(
        reverse("api:statement_comments", args=[inspection.pk, statement.pk]),
        {"text": "The service opened in 2019."},
        content_type="application/json",
    )
    assert comment.status_code == 201
    assert Comment.objects.get(pk=comment.json()["id"]).author == people["partner"]


def test_the_schema_holds_together(people: dict[str, User]) -> None:
    """Beyond the OpenAPI 3.0 JSON Schema (test_api.py): every path parameter declared,
    operation ids unique, every operation answering, every reference resolving."""
    response = api(people["lead"]).get(reverse("api:schema") + "?format=json")
    schema = orjson.loads(response.content)
    operation_ids = []
    for path, methods in schema["paths"].items():
        in_path = {p.strip("{}") for p in path.split("/") if p.startswith("{")}
        for method, op in methods.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == in_path, (path, method)
            assert op.get("responses"), (path, method)
            assert op.get("security"), (path, method)
            operation_ids.append(op["operationId"])
    assert len(operation_ids) == len(set(operation_ids))
    components = schema["components"]

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            return [node["$ref"]] if "$ref" in node else [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    for ref in refs(schema):
        _hash, section, name = ref.split("/")[-3:]
        assert name in components[section], ref
