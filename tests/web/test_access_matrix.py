"""Every URL pattern against every persona: the allow/deny matrix.

A new URL pattern fails test_it_has_a_rule_for_every_url_pattern until it is added to
MATRIX, so no view ships without a decision about who may use it.
"""

from itertools import count
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from scrutiny.web.accounts.models import User
from scrutiny.web.api.services import api_token_create
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.evidence.services import Upload, attachment_add
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.jobs.models import Job
from scrutiny.web.partnership.services import sent_document_create
from scrutiny.web.records.models import Assignment, SampledRecord
from scrutiny.web.reports.models import Comment, KeyFact, Report, Statement
from scrutiny.web.rules import DenyWithoutRuleMiddleware
from scrutiny.web.surveys.models import SurveyImport

from .conftest import PERSONAS, signed_in_client

MATRIX_PERSONAS = [*PERSONAS, "coordinator"]

SIGNED_IN = {
    "admin",
    "lead",
    "inspector",
    "volunteer",
    "assurer",
    "partner",
    "reader",
    "outsider",
    "manager",
}
# The partnership reader opens the inspection's overview and the reading forms of the
# records assigned to them (test_partnership), nothing else.
MEMBERS = {"lead", "inspector", "volunteer", "assurer", "partner", "reader"}
CASE_READERS = {"lead", "inspector", "assurer"}
REPORT_TEAM_ROLES = {"lead", "inspector", "volunteer", "assurer"}

# url name: (method, who is allowed, status when allowed). Everyone else is refused:
# anonymous visitors are sent to sign in, signed-in people get 404.
MATRIX: dict[str, tuple[str, set[str], int]] = {
    "accounts:login": ("GET", {"anonymous", *SIGNED_IN}, 200),
    "accounts:logout": ("POST", SIGNED_IN, 302),
    # Already verified, so both pages send the person on.
    "accounts:two_factor": ("GET", SIGNED_IN, 302),
    "accounts:two_factor_setup": ("GET", SIGNED_IN, 302),
    # A recovery code finishes a sign-in; already verified, the page sends the person on.
    "accounts:two_factor_recovery": ("GET", SIGNED_IN, 302),
    # Single sign-on is not configured here: its pages do not exist for anyone
    # (test_accounts_sso runs them against a real provider).
    "accounts:oidc_start": ("GET", {"anonymous", *SIGNED_IN}, 404),
    "accounts:oidc_callback": ("GET", {"anonymous", *SIGNED_IN}, 404),
    "accounts:account": ("GET", SIGNED_IN, 200),
    "accounts:password_change": ("GET", SIGNED_IN, 200),
    "accounts:recovery_codes": ("GET", SIGNED_IN, 200),
    "accounts:authenticator_replace": ("GET", SIGNED_IN, 200),
    # A forgotten password: anyone may ask; the link itself is the key (here a wrong one).
    "accounts:password_reset": ("GET", {"anonymous", *SIGNED_IN}, 200),
    "accounts:password_reset_sent": ("GET", {"anonymous", *SIGNED_IN}, 200),
    "accounts:password_reset_confirm": ("GET", {"anonymous", *SIGNED_IN}, 200),
    "accounts:password_reset_complete": ("GET", {"anonymous", *SIGNED_IN}, 200),
    "accounts:users": ("GET", {"admin"}, 200),
    "accounts:user_create": ("GET", {"admin"}, 200),
    "accounts:user": ("GET", {"admin"}, 200),
    "accounts:user_deactivate": ("POST", {"admin"}, 302),
    "accounts:user_reactivate": ("POST", {"admin"}, 302),
    "accounts:user_unlock": ("POST", {"admin"}, 302),
    "accounts:user_two_factor_reset": ("POST", {"admin"}, 302),
    "accounts:user_password_reset": ("GET", {"admin"}, 200),
    "inspections:list": ("GET", SIGNED_IN, 200),
    "inspections:create": ("GET", {"admin"}, 200),
    "inspections:import": ("GET", {"admin"}, 200),
    "inspections:home": ("GET", {"admin", *MEMBERS}, 200),
    "inspections:edit": ("GET", {"admin", "lead"}, 200),
    "inspections:team": ("GET", {"admin", "lead"}, 200),
    # GET asks to confirm the removal; the POST from that page removes.
    "inspections:team_remove": ("GET", {"admin", "lead"}, 200),
    "inspections:team_role": ("GET", {"admin", "lead"}, 200),
    "inspections:export": ("GET", {"lead", "assurer"}, 200),
    "records:list": ("GET", CASE_READERS, 200),
    # A reader sees only the readings of records assigned to them (test_records_access).
    "records:detail": ("GET", {"lead", "assurer"}, 200),
    "records:sample": ("GET", CASE_READERS, 200),
    "records:sample_import": ("GET", {"lead", "assurer"}, 200),
    "records:assign": ("GET", {"lead", "assurer"}, 200),
    "records:second_readings": ("GET", {"lead", "assurer"}, 200),
    # Only the reader it is assigned to opens a reading form.
    "records:reading": ("GET", {"inspector"}, 200),
    "records:compare": ("GET", {"lead", "assurer"}, 200),
    "records:agreement": ("GET", {"lead", "assurer"}, 200),
    "records:agreement_item": ("GET", {"lead", "assurer"}, 200),
    "records:results": ("GET", CASE_READERS, 200),
    "records:results_export": ("GET", CASE_READERS, 200),
    "surveys:list": ("GET", CASE_READERS, 200),
    "surveys:responses": ("GET", CASE_READERS, 200),
    "surveys:results": ("GET", CASE_READERS, 200),
    "surveys:export": ("GET", CASE_READERS, 200),
    "surveys:upload": ("GET", {"lead", "inspector"}, 200),
    "surveys:import": ("GET", {"lead", "inspector"}, 200),
    # A finished import has no step left to take: they send the person to its outcome.
    "surveys:import_columns": ("GET", {"lead", "inspector"}, 302),
    "surveys:import_values": ("GET", {"lead", "inspector"}, 302),
    "surveys:import_preview": ("GET", {"lead", "inspector"}, 302),
    "evidence:list": ("GET", {*CASE_READERS, "volunteer"}, 200),
    "evidence:detail": ("GET", {*CASE_READERS, "volunteer"}, 200),
    "evidence:edit": ("GET", {"lead", "inspector"}, 200),
    "evidence:create": ("GET", {"lead", "inspector"}, 200),
    # An empty bulk tagging comes back as the list with what is missing.
    "evidence:bulk_tag": ("POST", {"lead", "inspector"}, 200),
    "evidence:suggest": ("POST", {"lead", "inspector"}, 200),
    "evidence:coverage": ("GET", {*CASE_READERS, "volunteer"}, 200),
    "evidence:coverage_question": ("GET", {*CASE_READERS, "volunteer"}, 200),
    "evidence:coverage_indicator": ("GET", {*CASE_READERS, "volunteer"}, 200),
    # Files attached to notes: whoever reads evidence downloads them; editors remove them.
    "evidence:attachment": ("GET", {*CASE_READERS, "volunteer"}, 200),
    "evidence:attachment_remove": ("GET", {"lead", "inspector"}, 200),
    "evaluations:workspace": ("GET", CASE_READERS, 200),
    "evaluations:indicator": ("GET", CASE_READERS, 200),
    "evaluations:group": ("GET", {"lead", "inspector"}, 200),
    "evaluations:judgement": ("GET", {"lead"}, 200),
    "evaluations:moderation": ("GET", CASE_READERS, 200),
    "evaluations:agree": ("GET", {"lead"}, 200),
    "evaluations:sign_off": ("GET", {"assurer"}, 200),
    "evaluations:reopen": ("GET", {"lead", "assurer"}, 200),
    "evaluations:concerns": ("GET", CASE_READERS, 200),
    "evaluations:concern_raise": ("GET", {"lead", "inspector"}, 200),
    "evaluations:concern": ("GET", CASE_READERS, 200),
    "evaluations:concern_action": ("GET", {"lead"}, 200),
    # The timetable (scrutiny.web.plans): the team reads it; the lead and the site
    # administrator change it. The partnership's view of it comes with its own pages.
    "plans:timetable": ("GET", {"admin", *REPORT_TEAM_ROLES}, 200),
    "plans:notification": ("GET", {"admin", "lead"}, 200),
    "plans:stage": ("GET", {"admin", "lead"}, 200),
    # What waits for each person, across their inspections, and their e-mail choices.
    "work:my_work": ("GET", SIGNED_IN, 200),
    "work:notifications": ("GET", SIGNED_IN, 200),
    # The partnership's part (scrutiny.web.partnership): its own narrow pages; the team
    # receives its documents; readers are paired by those who manage the readings.
    "partnership:home": ("GET", {"partner"}, 200),
    "partnership:send": ("GET", {"partner"}, 200),
    "partnership:coordinators": ("GET", {"partner"}, 200),
    "partnership:documents": ("GET", {"lead", "inspector"}, 200),
    "partnership:decide": ("GET", {"lead", "inspector"}, 200),
    "partnership:file": ("GET", {"partner", "lead", "inspector"}, 200),
    "partnership:readers": ("GET", {"lead", "assurer"}, 200),
    # After publication (url_kwargs publishes the report for the action plan's pages).
    "partnership:action_plan": ("GET", {"partner", "lead", "inspector", "assurer"}, 200),
    "partnership:action_add": ("GET", {"partner"}, 200),
    # Nothing to submit yet: the refusal comes back on the plan's page.
    "partnership:action_plan_submit": ("POST", {"partner"}, 302),
    # Any lead or inspector opens it; only the named link inspector's review is taken.
    "partnership:action_plan_review": ("GET", {"lead", "inspector"}, 200),
    "partnership:link_inspector": ("GET", {"lead"}, 200),
    "partnership:progress_review": ("GET", {"lead"}, 200),
    "audit:list": ("GET", {"lead", "assurer"}, 200),
    "audit:csv": ("GET", {"lead", "assurer"}, 200),
    # A job is followed by whoever holds the permission it was started with (here that
    # of managing readings, as a record-sample import); site-wide jobs by administrators.
    "jobs:job": ("GET", {"lead", "assurer"}, 200),
    "jobs:job_file": ("GET", {"lead", "assurer"}, 200),
    "jobs:site_job": ("GET", {"admin"}, 200),
    # The organisation's retention policy, erasure runs and subject access.
    "retention:policy": ("GET", {"admin"}, 200),
    "retention:erase": ("POST", {"admin"}, 302),
    "retention:subject_access": ("GET", {"admin"}, 200),
}
# The report (scrutiny.web.reports). Inspection A's report is a draft not yet shared, so
# the partnership contact reads only the page saying so; a shared draft: test_reports_*.
REPORT_TEAM = {"lead", "inspector", "volunteer", "assurer"}
MATRIX |= {
    "reports:overview": ("GET", REPORT_TEAM, 200),
    "reports:section": ("GET", REPORT_TEAM, 200),
    "reports:statement_add": ("GET", {"lead", "inspector"}, 200),
    "reports:statement_edit": ("GET", {"lead", "inspector"}, 200),
    "reports:statement_move": ("POST", {"lead", "inspector"}, 302),
    "reports:statement_delete": ("GET", {"lead", "inspector"}, 200),
    # url_kwargs shares the draft for this one: only then may the partnership comment.
    "reports:statement_comment": ("GET", {"partner"}, 200),
    "reports:key_fact_comment": ("GET", {"partner"}, 200),
    "reports:details": ("GET", {"lead", "inspector"}, 200),
    "reports:transition": ("GET", {"lead"}, 200),
    "reports:shared_draft": ("GET", {*REPORT_TEAM, "partner"}, 200),
    "reports:comments": ("GET", REPORT_TEAM, 200),
    "reports:comment_resolve": ("GET", {"lead", "inspector"}, 200),
    "reports:preview": ("GET", REPORT_TEAM, 200),
    "reports:download": ("GET", REPORT_TEAM, 200),
    # No case data in a Word template: the site administrator may manage it too.
    "reports:template": ("GET", {"admin", "lead"}, 200),
    "reports:template_remove": ("POST", {"admin", "lead"}, 302),
    # The organisation's template: the site administrator's alone.
    "reports:organisation_template": ("GET", {"admin"}, 200),
    "reports:organisation_template_remove": ("POST", {"admin"}, 302),
}
# The programme-wide overview (scrutiny.web.programmes): aggregates of published
# inspections, for programme managers and site administrators; no inspection's own page.
PROGRAMME_READERS = {"admin", "manager"}
MATRIX |= {
    "programmes:list": ("GET", PROGRAMME_READERS, 200),
    "programmes:overview": ("GET", PROGRAMME_READERS, 200),
    "programmes:open_data": ("GET", PROGRAMME_READERS, 200),
    "programmes:data_dictionary": ("GET", PROGRAMME_READERS, 200),
    # The review of findings: the HTML at once (url_kwargs asks for it), a PDF or Word
    # file through a job whose page and file are the programme's.
    "programmes:review": ("GET", PROGRAMME_READERS, 200),
    "programmes:review_job": ("GET", PROGRAMME_READERS, 200),
    "programmes:review_job_file": ("GET", PROGRAMME_READERS, 200),
}

# The REST API (scrutiny.web.api): each persona sends a personal token of their own, and
# anonymous callers send none (401, never a sign-in page). The same role table decides.
API_TOKEN_ROUTES = {
    "api:schema",
    "api:inspections",
    "api:inspection",
    "api:evaluations",
    "api:reading_results",
    "api:survey_results",
    "api:survey_responses",
    "api:evidence",
    "api:report",
    "api:statement_comments",
    "api:readings",
    "api:reading",
    "api:programme_overview",
}
MATRIX |= {
    "api:schema": ("GET", SIGNED_IN, 200),
    # Everyone with a token may list; the list holds only the inspections they may see.
    "api:inspections": ("GET", SIGNED_IN, 200),
    "api:inspection": ("GET", {"admin", *MEMBERS}, 200),
    "api:evaluations": ("GET", CASE_READERS, 200),
    "api:reading_results": ("GET", CASE_READERS, 200),
    "api:survey_results": ("GET", CASE_READERS, 200),
    # The survey import's roles (IMPORT_SURVEYS); an empty batch is refused (400).
    "api:survey_responses": ("POST", {"lead", "inspector"}, 400),
    "api:evidence": ("GET", {*CASE_READERS, "volunteer"}, 200),
    # Inspection A's draft is not shared, so the partnership contact gets 404 here.
    "api:report": ("GET", REPORT_TEAM, 200),
    # url_kwargs shares the draft; an empty comment is refused (400) once access is granted.
    "api:statement_comments": ("POST", {"partner"}, 400),
    # The records assigned to the person asking: a partnership reader lists their own.
    "api:readings": ("GET", {*CASE_READERS, "reader"}, 200),
    "api:programme_overview": ("GET", PROGRAMME_READERS, 200),
    # Only the reader it is assigned to saves it; an empty save is refused (400).
    "api:reading": ("PUT", {"inspector"}, 400),
    # The documentation page, for people signed in with both factors.
    "api:docs": ("GET", SIGNED_IN, 200),
    "api:console": ("GET", SIGNED_IN, 200),
    # Each person's own tokens; url_kwargs revokes one of the lead inspector's.
    "api_tokens:list": ("GET", SIGNED_IN, 200),
    "api_tokens:revoke": ("POST", {"lead"}, 302),
}


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> list[str]:
    names = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names += url_names(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            names.append(namespace + p.name)
        elif isinstance(p, URLPattern):
            names.append(f"(unnamed {p.pattern})")
    return names


_spare = count()


def url_kwargs(name: str, inspection: Inspection) -> dict[str, Any]:
    """Real ids from inspection A for every parameter the pattern takes."""
    kwargs: dict[str, Any] = {}
    params = _params(name)
    if "inspection_id" in params:
        kwargs["inspection_id"] = inspection.pk
    if "reading_id" in params:
        kwargs["reading_id"] = inspection.record_readings.first().pk
    if "evidence_id" in params:
        kwargs["evidence_id"] = inspection.evidence.first().pk
    if "indicator" in params:
        kwargs["indicator"] = "2.1"
    if "question" in params:
        kwargs["question"] = 2
    if "attachment_id" in params:
        kwargs["attachment_id"] = _attachment(inspection.evidence.first())
    if "care_group" in params:
        kwargs["care_group"] = "foster_care"
    if "concern_id" in params:
        kwargs["concern_id"] = inspection.significant_concerns.first().pk
    if "action" in params:
        kwargs["action"] = "escalate"
    if "assignment_id" in params:
        kwargs["assignment_id"] = _inspectors_assignment(inspection)
    if "record" in params:  # a record read twice
        kwargs["record"] = (
            inspection.record_readings.values("record").annotate(n=Count("id")).filter(n=2)
        )[0]["record"]
    if "stage" in params:
        kwargs["stage"] = "emerging_themes"
    if "item" in params:
        kwargs["item"] = "immediate_response"
    if "fmt" in params:
        kwargs["fmt"] = "csv"
    if "survey_id" in params:
        kwargs["survey_id"] = "children_and_young_people"
    if "import_id" in params:  # a finished survey import
        kwargs["import_id"] = SurveyImport.objects.get_or_create(
            inspection=inspection,
            file_name="matrix.csv",
            defaults={"survey": "staff", "size": 1, "content_hash": "x", "status": "done"},
        )[0].pk
    if "job_id" in params and name.startswith("programmes:"):
        kwargs["job_id"] = _finished_review_job(inspection.programme)
    elif "job_id" in params:
        kwargs["job_id"] = _finished_job(inspection if "inspection_id" in params else None)
    kwargs |= _report_kwargs(name, params, inspection)
    if "document_id" in params:
        kwargs["document_id"] = _sent_document(inspection)
    if name.startswith("partnership:action"):
        Report.objects.filter(inspection=inspection).update(status=Report.Status.PUBLISHED)
    if "user_id" in params:  # a fresh person each time, never the one asking
        kwargs["user_id"] = User.objects.create_user(username=f"spare-{next(_spare)}").pk
    if "uidb64" in params:
        kwargs |= {"uidb64": "MQ", "token": "not-a-valid-token"}
    if "membership_id" in params:
        # A fresh member each time, so an allowed removal has something to remove.
        spare = User.objects.create_user(username=f"spare-{next(_spare)}")
        kwargs["membership_id"] = Membership.objects.create(
            inspection=inspection, user=spare, role=Role.INSPECTOR
        ).pk
    return kwargs


def _report_kwargs(name: str, params: set[str], inspection: Inspection) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    statement = Statement.objects.filter(inspection=inspection).order_by("id").first()
    if "section" in params:
        kwargs["section"] = "question-1"
    if "part" in params:
        kwargs["part"] = "strengths"
    if "statement_id" in params:
        kwargs["statement_id"] = statement.pk
    if "transition" in params:
        kwargs["transition"] = "share"
    if "report_version" in params:
        kwargs["report_version"] = "public"
    if "file_type" in params:
        kwargs["file_type"] = "html"
    if "comment_id" in params:
        kwargs["comment_id"] = Comment.objects.get_or_create(
            inspection=inspection,
            statement=statement,
            defaults={"statement_text": statement.text, "where": "Key messages", "text": "x"},
        )[0].pk
    if "programme_id" in params:
        kwargs["programme_id"] = inspection.programme
    if "token_id" in params:
        kwargs["token_id"] = api_token_create(
            actor="test", user=User.objects.get(username="lead"), name="matrix"
        )[0].pk
    if "key_fact_id" in params:
        kwargs["key_fact_id"] = KeyFact.objects.get_or_create(
            inspection=inspection,
            position=1,
            defaults={"figure": "Children 0-17", "value": "4,000", "source": "NRS", "date": "2019"},
        )[0].pk
    if name in ("reports:statement_comment", "reports:key_fact_comment", "api:statement_comments"):
        Report.objects.filter(inspection=inspection).update(status=Report.Status.SHARED)
    return kwargs


def _attachment(note: Evidence) -> int:
    """A PDF attached to the note (the store is a temporary folder in tests)."""
    existing = note.attachments.first()
    if existing:
        return existing.pk
    staged = Path(settings.ATTACHMENTS_DIR) / "matrix.pdf"
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_bytes(b"%PDF-1.4\n%%EOF\n")
    return attachment_add(actor="test", evidence=note, path=staged, file_name="matrix.pdf").pk


def _sent_document(inspection: Inspection) -> int:
    """A PDF the partnership sent the team (the store is a temporary folder in tests)."""
    staged = Path(settings.ATTACHMENTS_DIR) / "sent.pdf"
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_bytes(b"%PDF-1.4\n%%EOF\n")
    return sent_document_create(
        actor="test",
        inspection=inspection,
        kind="document",
        title="Minutes",
        upload=Upload(path=staged, file_name="minutes.pdf"),
    ).pk


def _finished_job(inspection: Inspection | None) -> int:
    """A finished job that made a file, needing the permission to manage readings."""
    job, _ = Job.objects.get_or_create(
        inspection=inspection,
        title="Matrix job",
        defaults={
            "handler": "x",
            "permission": roles.MANAGE_READINGS,
            "status": Job.Status.DONE,
            "output_name": "matrix.txt",
            "result": {"file_name": "matrix.txt", "content_type": "text/plain"},
        },
    )
    output = Path(settings.JOBS_OUTPUT_DIR) / "matrix.txt"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("made by a job")
    return job.pk


def _finished_review_job(programme_id: str) -> int:
    """A finished build of the programme's review of findings, its file made."""
    from scrutiny.web.programmes.selectors import REVIEW_PERMISSION

    job, _ = Job.objects.get_or_create(
        inspection=None,
        title="Matrix review",
        defaults={
            "handler": "x",
            "params": {"programme": programme_id, "years": [], "file_type": "pdf"},
            "permission": REVIEW_PERMISSION,
            "status": Job.Status.DONE,
            "output_name": "matrix-review.pdf",
            "result": {"file_name": "review.pdf", "content_type": "application/pdf"},
        },
    )
    output = Path(settings.JOBS_OUTPUT_DIR) / "matrix-review.pdf"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(b"%PDF-1.4\n%%EOF\n")
    return job.pk


def _inspectors_assignment(inspection: Inspection) -> int:
    """A record of inspection A assigned to the inspector persona to read."""
    record, _ = SampledRecord.objects.get_or_create(
        inspection=inspection, record="S-MATRIX", defaults={"position": 1}
    )
    assignment, _ = Assignment.objects.get_or_create(
        inspection=inspection,
        sampled_record=record,
        kind="first",
        defaults={"reader": User.objects.get(username="inspector")},
    )
    return assignment.pk


def _params(name: str) -> set[str]:
    """The keyword arguments the named pattern takes."""
    namespace, _, short = name.rpartition(":")
    resolver = get_resolver()
    for ns in filter(None, namespace.split(":")):
        resolver = resolver.namespace_dict[ns][1]
    [(possibilities, _pattern, _defaults, _converters)] = resolver.reverse_dict.getlist(short)
    return set(possibilities[0][1])


def test_it_has_a_rule_for_every_url_pattern() -> None:
    assert sorted(url_names()) == sorted(MATRIX)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_allows_exactly_the_roles_in_the_matrix(
    name: str, client_for: Any, inspection: Inspection, people: dict[str, User]
) -> None:
    method, allowed, ok_status = MATRIX[name]
    # A partnership co-ordinator has the contact's rows, except naming co-ordinators
    # (ADR 0021): checked on every URL, so no team page opens to them either.
    coordinator = User.objects.create_user(username="coordinator")
    Membership.objects.create(
        inspection=inspection, user=coordinator, role=Role.PARTNERSHIP_COORDINATOR
    )
    people = {**people, "coordinator": coordinator}
    if "partner" in allowed and name != "partnership:coordinators":
        allowed = {*allowed, "coordinator"}
    outcomes = {}
    for persona in MATRIX_PERSONAS:
        url = reverse(name, kwargs=url_kwargs(name, inspection))
        if name in API_TOKEN_ROUTES:
            client = _token_client(people.get(persona))
        elif persona == "coordinator":
            client = signed_in_client(coordinator)
        else:
            client = client_for(persona)
        if method == "GET":
            response = client.get(url)
        elif name in API_TOKEN_ROUTES:  # the API reads JSON only
            send = client.put if method == "PUT" else client.post
            response = send(url, {}, content_type="application/json")
        else:
            response = client.post(url)
        if response.status_code == 302 and "/accounts/sign-in/" in response["Location"]:
            outcomes[persona] = "sign-in"
        else:
            outcomes[persona] = response.status_code
    refused_anonymous = 401 if name in API_TOKEN_ROUTES else "sign-in"
    expected = {
        p: ok_status if p in allowed else (refused_anonymous if p == "anonymous" else 404)
        for p in MATRIX_PERSONAS
    }
    if name == "accounts:logout":  # signing out sends everyone to the sign-in page
        expected = {p: "sign-in" for p in MATRIX_PERSONAS}
    assert outcomes == expected


def _token_client(user: User | None) -> Client:
    """A client sending the person's own API token, and no session; none for anonymous."""
    if user is None:
        return Client()
    _token, key = api_token_create(actor="test", user=user, name="matrix")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_it_refuses_a_view_without_a_rule() -> None:
    def unruly_view(request: Any) -> HttpResponse:
        return HttpResponse("secret")

    middleware = DenyWithoutRuleMiddleware(lambda request: HttpResponse())
    with pytest.raises(Http404):
        middleware.process_view(RequestFactory().get("/"), unruly_view, (), {})
