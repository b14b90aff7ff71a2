"""Every service that writes leaves its audit row, in the same transaction as the change.

House rules: each function in a `services.py` runs in `transaction.atomic()` and writes
its audit row in that transaction. This file holds one case per public service function,
found by reading every `scrutiny/web/*/services.py`:

- `test_every_service_function_has_a_case` fails when a service is added without a case
  here (or a case names a service that is gone); a function that writes nothing is
  listed in NOT_WRITES with the reason.
- `test_the_service_writes_its_audit_row` calls each service and finds the row by its own
  summary, so removing the audit call from any one service fails its case, even where
  that service calls another audited one.
- `test_nothing_is_written_when_the_audit_row_cannot_be` makes the database refuse every
  audit insert (a real trigger, on SQLite and PostgreSQL) and checks the service changed
  no row at all: the change and its audit row commit together or not at all.
- `test_a_change_to_the_engines_data_changes_the_inspections_data_version` checks that a
  service which changes what the engine reads also moves the inspection's data version,
  which the evaluation pages key their kept bundle by (web/inspections/versioned.py): an
  audit row of a kind wrongly listed in NOT_ENGINE_DATA fails it.
"""

import ast
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from django.apps import apps
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import RequestFactory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

import scrutiny.web
from scrutiny.core.methodology import load_programme
from scrutiny.core.sample_import import SampledRecord
from scrutiny.core.survey_import import ValueMapping
from scrutiny.core.surveys.completeness import Inclusion
from scrutiny.web.accounts import services as accounts
from scrutiny.web.api import services as api
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evaluations import services as evaluations
from scrutiny.web.evaluations.models import (
    GroupEvaluation,
    Moderation,
    ProposedEvaluation,
    TeamJudgement,
)
from scrutiny.web.evidence import services as evidence
from scrutiny.web.inspections import services as inspections
from scrutiny.web.inspections.bundle_io import inspection_bundle_data
from scrutiny.web.inspections.models import Inspection, Membership, Role
from scrutiny.web.inspections.versioned import inspection_data_version
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.partnership import selectors as partnership_selectors
from scrutiny.web.partnership import services as partnership
from scrutiny.web.partnership.models import ActionPlan
from scrutiny.web.plans import services as plans
from scrutiny.web.plans.models import Plan
from scrutiny.web.records import services as records
from scrutiny.web.records.models import Assignment, RecordReading
from scrutiny.web.reports import services as reports
from scrutiny.web.reports.models import Comment, KeyFact, Report, Statement
from scrutiny.web.retention import services as retention
from scrutiny.web.retention.models import Kind
from scrutiny.web.surveys import services as surveys
from scrutiny.web.surveys.models import SurveyImport
from scrutiny.web.work import services as work

pytestmark = pytest.mark.django_db

WEB = Path(scrutiny.web.__file__).parent

# Public functions in services.py files that change nothing in the database.
NOT_WRITES = {
    "accounts.has_confirmed_device": "reads whether a confirmed device exists",
    "api.token_hash": "hashes a token's key",
    "accounts.normalise_recovery_code": "tidies a typed recovery code",
    "accounts.recovery_codes_left": "counts a person's unused recovery codes",
    "accounts.user_version": "a person's edit version",
    "accounts.password_reset_link": "makes a link (user_password_reset issues and audits it)",
    "accounts.link_lifetime": "how long a reset link lasts, in words",
    "accounts.totp_device_for_enrolment": "makes the unconfirmed device the set-up page "
    "shows; enrolment is audited when it is confirmed (totp_confirm)",
    "audit.actor_name": "names an actor",
    "audit.acting_user": "the user behind an actor",
    "audit.audit_record": "the audit write itself",
    "audit.audit_read": "the read log (its own tests: the read-log meta-test)",
    "evidence.attachment_type": "reads a file's type",
    "evidence.attachment_name": "cleans a file name",
    "evidence.attachments_dir": "the directory attachments live in",
    "evidence.attachment_path": "where an attachment's file is",
    "records.missing_items": "lists the items a reading has not rated",
    "surveys.limits": "the import's size limits",
    "surveys.staged_path": "where a staged file is",
    "surveys.current_import": "reads the survey's current import",
    "surveys.recognised": "reads whether a file's layout was recognised",
    "surveys.columns_of": "reads an import's columns",
    "surveys.inclusion_of": "reads which responses an import counts",
    "surveys.personal_columns": "reads which columns hold personal data",
    # The job queue's own bookkeeping: no inspection data changes here. The work a job
    # does is audited by the service its handler calls (e.g. retention.inspection_erase).
    "jobs.job_handler": "marks a function as a job handler",
    "jobs.job_enqueue": "records a job in the caller's transaction; the caller audits",
    "jobs.job_progress": "a running job's progress",
    "jobs.job_output_keep": "keeps a job's file; the job records and audits what it made",
    "jobs.job_run": "runs a job's handler, whose own services audit what they change",
    "jobs.jobs_recover_stalled": "requeues or fails a job whose worker died",
    "jobs.jobs_prune_results": "forgets the queue's records of old finished tasks",
    "jobs.run_ready_jobs": "runs queued tasks in this process",
    "jobs.sweep_files": "removes staged and output files nothing claims",
    "jobs.sweep_schedule": "keeps one sweep waiting on the queue",
    "jobs.stage_upload": "writes an upload to the staging directory",
    "jobs.discard_staged": "removes a job's staged file",
    "jobs.staging_dir": "the staging directory",
    "jobs.output_dir": "the job output directory",
    "jobs.staged_path": "where a staged file is",
    "jobs.this_worker": "names this worker process",
    "retention.retention_policy": "reads the policy (the defaults on first use)",
    "retention.add_months": "date arithmetic",
    "retention.erasures_due": "lists what is due for erasure",
    "retention.erasure_enqueue": "queues the erasure run; each erasure is audited "
    "(inspection_erase)",
    "retention.erasure_enqueue_if_due": "queues the erasure run when something is due",
    "partnership.sent_documents_dir": "the directory sent documents live in",
    "partnership.sent_document_path": "where a sent document's file is",
}


def service_functions() -> set[str]:
    found = set()
    for path in sorted(WEB.glob("*/services.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                found.add(f"{path.parent.name}.{node.name}")
    return found


@dataclass
class Ctx:
    people: dict[str, Any]
    inspection: Inspection
    tmp_path: Path


# name -> (the summary its own audit row starts with, prepare(ctx) -> the call to make).
# A service with more than one audit write has a case for each: a name may add a word
# after the function's ("evaluations.group_evaluation_record withdrawn"), and a case may
# expect several rows (a tuple of summaries), so removing any one write fails a case.
CASES: dict[str, tuple[str | tuple[str, ...], Callable[[Ctx], Callable[[], Any]]]] = {}


def function_of(name: str) -> str:
    return name.split(" ", 1)[0]


def case(
    name: str, summary: str | tuple[str, ...]
) -> Callable[[Callable[[Ctx], Callable[[], Any]]], Any]:
    def register(prepare: Callable[[Ctx], Callable[[], Any]]) -> Any:
        CASES[name] = (summary, prepare)
        return prepare

    return register


def request_for(user: Any) -> Any:
    request = RequestFactory().post("/")
    SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type, return-value]
    request.user = user
    return request


def token(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


# --- accounts ------------------------------------------------------------------------


@case("accounts.user_create", "Created user newcomer")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: accounts.user_create(
        actor=c.people["admin"], username="newcomer", password="a-long-test-password"
    )


@case("accounts.user_sign_in_failed", "Failed sign-in as 'nobody'")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: accounts.user_sign_in_failed(username="nobody")


@case("accounts.user_sign_in", "Signed in with password")
def _(c: Ctx) -> Callable[[], Any]:
    request = request_for(c.people["lead"])
    c.people["lead"].backend = "django.contrib.auth.backends.ModelBackend"
    return lambda: accounts.user_sign_in(request=request, user=c.people["lead"])


@case("accounts.user_sign_out", "Signed out")
def _(c: Ctx) -> Callable[[], Any]:
    request = request_for(c.people["lead"])
    return lambda: accounts.user_sign_out(request=request)


@case("accounts.totp_confirm", "Set up an authenticator app")
def _(c: Ctx) -> Callable[[], Any]:
    device = accounts.totp_device_for_enrolment(user=c.people["lead"])
    request = request_for(c.people["lead"])
    return lambda: accounts.totp_confirm(request=request, device=device, token=token(device))


@case("accounts.totp_verify", "Verified the second factor")
def _(c: Ctx) -> Callable[[], Any]:
    device = TOTPDevice.objects.create(user=c.people["lead"], name="phone", confirmed=True)
    request = request_for(c.people["lead"])
    return lambda: accounts.totp_verify(request=request, token=token(device))


@case("accounts.recovery_codes_replace", "Made")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: accounts.recovery_codes_replace(actor=c.people["lead"], user=c.people["lead"])


@case("accounts.recovery_code_sign_in", "Signed in with a recovery code")
def _(c: Ctx) -> Callable[[], Any]:
    codes = accounts.recovery_codes_replace(actor="test", user=c.people["lead"])
    request = request_for(c.people["lead"])
    return lambda: accounts.recovery_code_sign_in(request=request, code=codes[0])


@case("accounts.user_sign_in_with_provider", "Signed in with the organisation's account")
def _(c: Ctx) -> Callable[[], Any]:
    request = request_for(c.people["lead"])
    c.people["lead"].backend = "django.contrib.auth.backends.ModelBackend"
    return lambda: accounts.user_sign_in_with_provider(
        request=request, user=c.people["lead"], mfa=True
    )


@case("accounts.user_sign_in_with_provider_failed", "Organisation sign-in refused")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: accounts.user_sign_in_with_provider_failed(reason="no such person")


@case("accounts.user_update", "Changed inspector")
def _(c: Ctx) -> Callable[[], Any]:
    user = c.people["inspector"]
    version = accounts.user_version(user)
    return lambda: accounts.user_update(
        actor=c.people["admin"], user=user, changes={"first_name": "Iain"}, version=version
    )


@case("accounts.user_deactivate", "Deactivated inspector")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: accounts.user_deactivate(actor=c.people["admin"], user=c.people["inspector"])


@case("accounts.user_reactivate", "Reactivated inspector")
def _(c: Ctx) -> Callable[[], Any]:
    accounts.user_deactivate(actor="test", user=c.people["inspector"])
    return lambda: accounts.user_reactivate(actor=c.people["admin"], user=c.people["inspector"])


@case("accounts.user_password_reset", "Issued a password reset link for inspector")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: accounts.user_password_reset(
        actor=c.people["admin"], user=c.people["inspector"], base_url="http://x", send=False
    )


@case("accounts.user_password_set", "Changed the password of inspector")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: accounts.user_password_set(
        actor=c.people["admin"],
        user=c.people["inspector"],
        password="another-long-test-password",
        how="reset",
    )


@case("accounts.user_password_change", "Changed the password of lead")
def _(c: Ctx) -> Callable[[], Any]:
    request = request_for(c.people["lead"])
    return lambda: accounts.user_password_change(
        request=request, password="another-long-test-password"
    )


@case("accounts.user_two_factor_reset", "Reset two-factor authentication of inspector")
def _(c: Ctx) -> Callable[[], Any]:
    TOTPDevice.objects.create(user=c.people["inspector"], name="phone", confirmed=True)
    return lambda: accounts.user_two_factor_reset(
        actor=c.people["admin"], user=c.people["inspector"]
    )


@case("accounts.user_unlock", "Unlocked signing in for inspector")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: accounts.user_unlock(actor=c.people["admin"], user=c.people["inspector"])


@case("api.api_token_create", "Created API token 'laptop' for lead")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: api.api_token_create(
        actor=c.people["lead"], user=c.people["lead"], name="laptop"
    )


@case("api.api_token_revoke", "Revoked API token 'laptop' of lead")
def _(c: Ctx) -> Callable[[], Any]:
    token, _ = api.api_token_create(actor="test", user=c.people["lead"], name="laptop")
    return lambda: api.api_token_revoke(actor=c.people["lead"], token=token)


# --- inspections -----------------------------------------------------------------------


@case("inspections.inspection_create", "Created inspection JI-NEW")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: inspections.inspection_create(
        actor=c.people["admin"],
        reference="JI-NEW",
        partnership="Newtown",
        programme="care-and-protection-2018",
        start=date(2020, 1, 6),
    )


@case("inspections.inspection_update", "Changed phase of JI-A")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: inspections.inspection_update(
        actor=c.people["lead"],
        inspection_id=c.inspection.pk,
        expected_version=c.inspection.version,
        changes={"phase": "fieldwork"},
    )


@case("inspections.membership_add", "Added newcomer as Inspector")
def _(c: Ctx) -> Callable[[], Any]:
    user = type(c.people["lead"]).objects.create_user(username="newcomer")
    return lambda: inspections.membership_add(
        actor=c.people["lead"], inspection=c.inspection, user=user, role=Role.INSPECTOR
    )


@case("inspections.membership_remove", "Removed inspector from the team")
def _(c: Ctx) -> Callable[[], Any]:
    membership = Membership.objects.get(inspection=c.inspection, user=c.people["inspector"])
    return lambda: inspections.membership_remove(
        actor=c.people["lead"], inspection=c.inspection, membership_id=membership.pk
    )


# --- evaluations -------------------------------------------------------------------------


@case("evaluations.proposal_record", "Proposed QI 2.2: weak")
def _(c: Ctx) -> Callable[[], Any]:
    row = ProposedEvaluation.objects.get(inspection=c.inspection, indicator="2.2")
    return lambda: evaluations.proposal_record(
        actor=c.people["inspector"],
        inspection=c.inspection,
        indicator="2.2",
        value=2,
        rationale="Synthetic",
        evidence_ids=[],
        expected_version=row.version,
    )


@case("evaluations.group_evaluation_record", "Evaluated the wellbeing of aftercare: weak")
def _(c: Ctx) -> Callable[[], Any]:
    row = GroupEvaluation.objects.get(inspection=c.inspection, care_group="aftercare")
    return lambda: evaluations.group_evaluation_record(
        actor=c.people["inspector"],
        inspection=c.inspection,
        care_group="aftercare",
        value=2,
        rationale="Synthetic",
        evidence_ids=[],
        expected_version=row.version,
    )


@case("evaluations.group_evaluation_record withdrawn", "Withdrew the wellbeing evaluation")
def _(c: Ctx) -> Callable[[], Any]:
    row = GroupEvaluation.objects.get(inspection=c.inspection, care_group="aftercare")
    return lambda: evaluations.group_evaluation_record(
        actor=c.people["inspector"],
        inspection=c.inspection,
        care_group="aftercare",
        value=None,
        rationale="",
        evidence_ids=[],
        expected_version=row.version,
    )


@case("evaluations.team_judgement_record", "Judged: Is the number of children")
def _(c: Ctx) -> Callable[[], Any]:
    row = TeamJudgement.objects.get(inspection=c.inspection)
    return lambda: evaluations.team_judgement_record(
        actor=c.people["lead"],
        inspection=c.inspection,
        judgement=row.judgement,
        decision=True,
        reason="Synthetic",
        expected_version=row.version,
    )


@case("evaluations.concern_raise", "Raised significant concern")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: evaluations.concern_raise(
        actor=c.people["inspector"], inspection=c.inspection, summary="New", description=""
    )


@case("evaluations.concern_escalate", "Escalated significant concern")
def _(c: Ctx) -> Callable[[], Any]:
    concern = c.inspection.significant_concerns.first()
    return lambda: evaluations.concern_escalate(
        actor=c.people["lead"],
        concern=concern,
        escalated_to="Lead officer",
        note="Passed on",
        expected_version=concern.version,
    )


@case("evaluations.concern_mark_serious_failing", "Marked significant concern")
def _(c: Ctx) -> Callable[[], Any]:
    concern = c.inspection.significant_concerns.first()
    return lambda: evaluations.concern_mark_serious_failing(
        actor=c.people["lead"],
        concern=concern,
        serious=True,
        reason="Systemic",
        expected_version=concern.version,
    )


@case("evaluations.concern_resolve", "Resolved significant concern")
def _(c: Ctx) -> Callable[[], Any]:
    concern = c.inspection.significant_concerns.first()
    return lambda: evaluations.concern_resolve(
        actor=c.people["lead"], concern=concern, resolution="Done", expected_version=concern.version
    )


def agreed(c: Ctx) -> None:
    evaluations.evaluations_agree(
        actor=c.people["lead"],
        inspection=c.inspection,
        held_on=date(2019, 5, 2),
        present=["lead"],
        expected_version=1,
    )


@case("evaluations.evaluations_agree", "Evaluations agreed at the evaluation meeting")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: agreed(c)


@case("evaluations.evaluations_sign_off", "Evaluations signed off and locked")
def _(c: Ctx) -> Callable[[], Any]:
    agreed(c)
    version = Moderation.objects.get(inspection=c.inspection).version
    return lambda: evaluations.evaluations_sign_off(
        actor=c.people["assurer"],
        inspection=c.inspection,
        flags_accepted_because="Synthetic data",
        expected_version=version,
    )


@case("evaluations.evaluations_reopen", "Evaluations reopened")
def _(c: Ctx) -> Callable[[], Any]:
    agreed(c)
    version = Moderation.objects.get(inspection=c.inspection).version
    return lambda: evaluations.evaluations_reopen(
        actor=c.people["lead"],
        inspection=c.inspection,
        reason="New facts",
        expected_version=version,
    )


# --- evidence ------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def staged_pdf(c: Ctx, name: str = "plan.pdf") -> Path:
    path = c.tmp_path / f"staged-{name}"
    path.write_bytes(PDF)
    return path


@case("evidence.evidence_create", "Added evidence")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: evidence.evidence_create(
        actor=c.people["inspector"],
        inspection=c.inspection,
        source="meeting",
        text="Synthetic note",
        kind="strength",
        date=None,
        care_group=None,
        tags=evidence.Tags(questions=[1], indicators=["2.1"]),
    )


@case("evidence.evidence_update", "Changed text of evidence")
def _(c: Ctx) -> Callable[[], Any]:
    note = c.inspection.evidence.first()
    return lambda: evidence.evidence_update(
        actor=c.people["inspector"],
        evidence=note,
        expected_version=note.version,
        text="Changed text",
        kind=note.kind,
    )


@case("evidence.evidence_bulk_tag", "Tagged evidence")
def _(c: Ctx) -> Callable[[], Any]:
    note = c.inspection.evidence.first()
    return lambda: evidence.evidence_bulk_tag(
        actor=c.people["inspector"],
        inspection=c.inspection,
        evidence_ids=[note.pk],
        add=evidence.Tags(questions=[1, 2, 3, 4, 5], indicators=["9.4"]),
    )


@case("evidence.attachment_add", "Attached plan.pdf to evidence")
def _(c: Ctx) -> Callable[[], Any]:
    note = c.inspection.evidence.first()
    path = staged_pdf(c)
    return lambda: evidence.attachment_add(
        actor=c.people["inspector"], evidence=note, path=path, file_name="plan.pdf"
    )


@case("evidence.attachment_remove", "Removed plan.pdf from evidence")
def _(c: Ctx) -> Callable[[], Any]:
    note = c.inspection.evidence.first()
    kept = evidence.attachment_add(
        actor="test", evidence=note, path=staged_pdf(c), file_name="plan.pdf"
    )
    return lambda: evidence.attachment_remove(actor=c.people["inspector"], attachment=kept)


# --- records -------------------------------------------------------------------------------


def sampled(c: Ctx, n: int = 2) -> None:
    records.sample_import(
        actor="test",
        inspection=c.inspection,
        records=[
            SampledRecord(i + 1, f"S-{i:03d}", "foster_care", "5-11", "Looked after", "North")
            for i in range(n)
        ],
    )


def assigned(c: Ctx) -> Assignment:
    sampled(c)
    records.assignments_balance(
        actor="test",
        inspection=c.inspection,
        readers=[c.people["inspector"]],
        programme=load_programme(c.inspection.programme),
    )
    return Assignment.objects.filter(inspection=c.inspection).order_by("id").first()


@case("records.sample_import", "Imported 2 sampled records")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: sampled(c)


@case("records.assignments_balance", "Assigned 2 records to 1 readers")
def _(c: Ctx) -> Callable[[], Any]:
    sampled(c)
    return lambda: records.assignments_balance(
        actor=c.people["lead"],
        inspection=c.inspection,
        readers=[c.people["inspector"]],
        programme=load_programme(c.inspection.programme),
    )


@case("records.second_readings_choose", "Chose")
def _(c: Ctx) -> Callable[[], Any]:
    assigned(c)
    return lambda: records.second_readings_choose(
        actor=c.people["lead"],
        inspection=c.inspection,
        readers=[c.people["lead"]],
        programme=load_programme(c.inspection.programme),
        share=1,
        rng=random.Random(1),
    )


def all_rated(c: Ctx) -> dict[str, int | None]:
    return {i.id: 4 for i in load_programme(c.inspection.programme).reading_items}


@case("records.reading_save", "Saved the draft reading of record")
def _(c: Ctx) -> Callable[[], Any]:
    a = assigned(c)
    return lambda: records.reading_save(
        actor=c.people["inspector"],
        assignment=a,
        expected_version=a.version,
        ratings={"immediate_response": 4},
        notes={},
    )


@case("records.reading_submit", "Submitted the first reading of record")
def _(c: Ctx) -> Callable[[], Any]:
    a = assigned(c)
    return lambda: records.reading_submit(
        actor=c.people["inspector"],
        assignment=a,
        expected_version=a.version,
        ratings=all_rated(c),
        notes={},
        programme=load_programme(c.inspection.programme),
    )


@case("records.agreed_reading_record", "Recorded the agreed reading of record")
def _(c: Ctx) -> Callable[[], Any]:
    twice = next(
        r
        for r in RecordReading.objects.filter(inspection=c.inspection).values_list(
            "record", flat=True
        )
        if RecordReading.objects.filter(inspection=c.inspection, record=r).count() == 2
    )
    first, second = RecordReading.objects.filter(inspection=c.inspection, record=twice)
    ratings = {r.item: r.value for r in first.ratings.all()}
    return lambda: records.agreed_reading_record(
        actor=c.people["lead"],
        inspection=c.inspection,
        first=first,
        second=second,
        ratings=ratings,
        expected_version=None,
        programme=load_programme(c.inspection.programme),
    )


# --- reports -------------------------------------------------------------------------------


def statement(c: Ctx) -> Statement:
    return Statement.objects.filter(inspection=c.inspection).order_by("id").first()


def report(c: Ctx) -> Report:
    return Report.objects.get(inspection=c.inspection)


@case("reports.statement_create", "Added statement")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: reports.statement_create(
        actor=c.people["inspector"],
        inspection=c.inspection,
        part="strengths",
        question=1,
        text="Synthetic statement",
        plain=None,
        evidence_ids=[],
    )


@case("reports.statement_update", "Changed text of statement")
def _(c: Ctx) -> Callable[[], Any]:
    s = statement(c)
    return lambda: reports.statement_update(
        actor=c.people["inspector"],
        statement=s,
        expected_version=s.version,
        text="Changed statement",
        plain=s.plain,
        evidence_ids=list(s.citations.values_list("evidence_id", flat=True))
        if hasattr(s, "citations")
        else [],
    )


@case("reports.statement_move", "Moved statement")
def _(c: Ctx) -> Callable[[], Any]:
    # A statement with another below it in its list, so the move has somewhere to go.
    rows = list(Statement.objects.filter(inspection=c.inspection).order_by("position", "id"))
    s = next(
        r
        for r in rows
        if any(
            o.part == r.part and o.question == r.question and o.position > r.position for o in rows
        )
    )
    return lambda: reports.statement_move(
        actor=c.people["inspector"], statement=s, direction="down"
    )


@case("reports.statement_delete", "Deleted statement")
def _(c: Ctx) -> Callable[[], Any]:
    s = statement(c)
    return lambda: reports.statement_delete(
        actor=c.people["inspector"], statement=s, expected_version=s.version
    )


@case("reports.report_share", "Report shared")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: reports.report_share(
        actor=c.people["lead"], inspection=c.inspection, expected_version=report(c).version
    )


def shared(c: Ctx) -> None:
    reports.report_share(actor="test", inspection=c.inspection, expected_version=report(c).version)


@case("reports.report_make_final", "Report made final")
def _(c: Ctx) -> Callable[[], Any]:
    for s in Statement.objects.filter(inspection=c.inspection):
        reports.statement_update(
            actor="test",
            statement=s,
            expected_version=s.version,
            text=s.text,
            plain=s.plain,
            evidence_ids=[c.inspection.evidence.first().pk],
        )
    return lambda: reports.report_make_final(
        actor=c.people["lead"], inspection=c.inspection, expected_version=report(c).version
    )


@case("reports.report_publish", "Report published")
def _(c: Ctx) -> Callable[[], Any]:
    CASES["reports.report_make_final"][1](c)()
    return lambda: reports.report_publish(
        actor=c.people["lead"], inspection=c.inspection, expected_version=report(c).version
    )


@case("reports.report_reopen", "Report returned to draft")
def _(c: Ctx) -> Callable[[], Any]:
    shared(c)
    return lambda: reports.report_reopen(
        actor=c.people["lead"],
        inspection=c.inspection,
        expected_version=report(c).version,
        reason="Corrections",
    )


@case("reports.comment_add", "Commented on statement")
def _(c: Ctx) -> Callable[[], Any]:
    shared(c)
    return lambda: reports.comment_add(
        actor=c.people["partner"], statement=statement(c), text="Factual point"
    )


@case("reports.key_fact_comment_add", "Commented on the key fact")
def _(c: Ctx) -> Callable[[], Any]:
    shared(c)
    fact = KeyFact.objects.create(
        inspection=c.inspection,
        position=1,
        figure="Children 0-17",
        value="4,000",
        source="",
        date="",
    )
    return lambda: reports.key_fact_comment_add(
        actor=c.people["partner"], key_fact=fact, text="Factual point"
    )


@case("reports.comment_resolve", "Resolved the partnership's comment")
def _(c: Ctx) -> Callable[[], Any]:
    shared(c)
    comment = reports.comment_add(actor=c.people["partner"], statement=statement(c), text="x")
    comment = Comment.objects.get(pk=comment.pk)
    return lambda: reports.comment_resolve(
        actor=c.people["lead"],
        comment=comment,
        expected_version=comment.version,
        resolution="Corrected",
    )


def word_template(c: Ctx) -> Path:
    path = c.tmp_path / "house.docx"
    template = docx.Document()
    template.add_paragraph("{{title}}")
    template.save(path)
    return path


@case("reports.template_upload", "Uploaded")
def _(c: Ctx) -> Callable[[], Any]:
    path = word_template(c)
    return lambda: reports.template_upload(
        actor=c.people["lead"], inspection=c.inspection, path=path, file_name="house.docx"
    )


@case("reports.template_remove", "Removed")
def _(c: Ctx) -> Callable[[], Any]:
    reports.template_upload(
        actor="test", inspection=c.inspection, path=word_template(c), file_name="house.docx"
    )
    return lambda: reports.template_remove(actor=c.people["lead"], inspection=c.inspection)


# --- surveys -------------------------------------------------------------------------------

SURVEY = "children_and_young_people"
LIME = (
    "id,submitdate,lastpage,startlanguage,seed,Care group,Do you feel safe where you live?\n"
    "1,2019-02-01 10:00:00,3,en,1,Foster care,Yes\n"
    "2,2019-02-01 10:00:00,3,en,1,,No\n"
)


def survey_file(c: Ctx) -> Path:
    uploads = Path(c.tmp_path / "uploads")
    uploads.mkdir(exist_ok=True)
    path = uploads / f"staged-{len(list(uploads.iterdir()))}.csv"
    path.write_text(LIME)
    return path


def uploaded(c: Ctx) -> SurveyImport:
    """Uploaded and read by the worker (run here, as `manage.py db_worker` would)."""
    survey = load_programme(c.inspection.programme).survey(SURVEY)
    job = surveys.survey_upload(
        actor=c.people["lead"],
        inspection=c.inspection,
        survey=survey,
        path=survey_file(c),
        file_name="lime.csv",
    )
    run_ready_jobs()
    job.refresh_from_db()
    return job


@case("surveys.survey_import_run reading the file", "Read lime.csv: limesurvey")
def _(c: Ctx) -> Callable[[], Any]:
    surveys.survey_upload(
        actor=c.people["lead"],
        inspection=c.inspection,
        survey=load_programme(c.inspection.programme).survey(SURVEY),
        path=survey_file(c),
        file_name="lime.csv",
    )
    return run_ready_jobs  # the worker reads the file


@case("surveys.survey_import_run failing", "Nothing imported from lime.csv: 1 problems")
def _(c: Ctx) -> Callable[[], Any]:
    path = survey_file(c)
    path.write_text(LIME.replace("\n2,", "\n1,"))  # one respondent twice: refused
    job = surveys.survey_upload(
        actor=c.people["lead"],
        inspection=c.inspection,
        survey=load_programme(c.inspection.programme).survey(SURVEY),
        path=path,
        file_name="lime.csv",
    )
    run_ready_jobs()
    job.refresh_from_db()
    surveys.survey_import_start(actor=c.people["lead"], job=job)
    return run_ready_jobs


@case("surveys.survey_upload", "Uploaded lime.csv")
def _(c: Ctx) -> Callable[[], Any]:
    survey = load_programme(c.inspection.programme).survey(SURVEY)
    path = survey_file(c)
    return lambda: surveys.survey_upload(
        actor=c.people["lead"],
        inspection=c.inspection,
        survey=survey,
        path=path,
        file_name="lime.csv",
    )


@case("surveys.survey_import_map_columns", "Confirmed the column mapping of lime.csv")
def _(c: Ctx) -> Callable[[], Any]:
    job = uploaded(c)
    job.refresh_from_db()
    from scrutiny.core.survey_import import ColumnMapping

    mapping = ColumnMapping.model_validate(job.column_mapping)
    return lambda: surveys.survey_import_map_columns(
        actor=c.people["lead"], job=job, mapping=mapping
    )


@case("surveys.survey_import_map_values", "Mapped the answers of lime.csv")
def _(c: Ctx) -> Callable[[], Any]:
    job = uploaded(c)
    job.refresh_from_db()
    chosen = ValueMapping(answers={"feel_safe": {"Yes": "yes"}}, care_groups={})
    return lambda: surveys.survey_import_map_values(actor=c.people["lead"], job=job, chosen=chosen)


@case("surveys.survey_import_start", "Started importing lime.csv")
def _(c: Ctx) -> Callable[[], Any]:
    job = uploaded(c)
    job.refresh_from_db()
    return lambda: surveys.survey_import_start(actor=c.people["lead"], job=job)


@case(
    "surveys.survey_import_start counting more",
    ("Decided to count incomplete responses of lime.csv as returns", "Started importing"),
)
def _(c: Ctx) -> Callable[[], Any]:
    job = uploaded(c)
    job.refresh_from_db()
    return lambda: surveys.survey_import_start(
        actor=c.people["lead"],
        job=job,
        inclusion=Inclusion(incomplete=True),
        reason="The tool marks paper returns typed in later as not finished",
    )


@case("surveys.survey_import_cancel", "Cancelled the import of lime.csv")
def _(c: Ctx) -> Callable[[], Any]:
    job = uploaded(c)
    job.refresh_from_db()
    return lambda: surveys.survey_import_cancel(actor=c.people["lead"], job=job)


@case("surveys.survey_import_run", "Imported 2 responses to the children_and_young_people")
def _(c: Ctx) -> Callable[[], Any]:
    job = uploaded(c)
    surveys.survey_import_start(actor=c.people["lead"], job=job)
    return run_ready_jobs


@case("surveys.survey_imports_end_stopped", "Nothing imported from lime.csv: the import stopped")
def _(c: Ctx) -> Callable[[], Any]:
    job = uploaded(c)
    surveys.survey_import_start(actor=c.people["lead"], job=job)
    job.refresh_from_db()
    job.job.status = "failed"  # its worker died on the last attempt
    job.job.save()
    return surveys.survey_imports_end_stopped


@case("surveys.survey_responses_add", "Added 2 responses to the survey of children")
def _(c: Ctx) -> Callable[[], Any]:
    from scrutiny.core.surveys import Entry

    survey = load_programme(c.inspection.programme).survey(SURVEY)
    entries = [
        Entry(answers={"feel_safe": "Yes"}, care_group="Foster care"),
        Entry(answers={"feel_safe": "No"}, respondent="sent-2"),
    ]
    return lambda: surveys.survey_responses_add(
        actor=c.people["inspector"], inspection=c.inspection, survey=survey, entries=entries
    )


# --- retention -----------------------------------------------------------------------------


@case("retention.retention_policy_update", "Changed the retention policy")
def _(c: Ctx) -> Callable[[], Any]:
    policy = retention.retention_policy()
    months = {kind: 6 for kind in Kind.values}
    return lambda: retention.retention_policy_update(
        actor=c.people["admin"], expected_version=policy.version, months=months
    )


@case("retention.inspection_erase", "Erased unfinished reading drafts")
def _(c: Ctx) -> Callable[[], Any]:
    a = assigned(c)
    records.reading_save(
        actor=c.people["inspector"],
        assignment=a,
        expected_version=a.version,
        ratings={"immediate_response": 4},
        notes={},
    )
    published = datetime(2020, 1, 6, tzinfo=UTC)
    return lambda: retention.inspection_erase(
        actor="retention policy",
        inspection=c.inspection,
        kind=Kind.DRAFTS,
        published_at=published,
        months=1,
    )


@case("retention.erasure_run_due", "Erased")
def _(c: Ctx) -> Callable[[], Any]:
    retention.retention_policy()  # the default policy row, made on first read
    Report.objects.filter(inspection=c.inspection).update(
        status=Report.Status.PUBLISHED, published_at=datetime(2020, 1, 6, tzinfo=UTC)
    )
    return lambda: retention.erasure_run_due(actor="retention policy")


# --- the partnership's part and the follow-up ------------------------------------------------


def _sent(c: Ctx, title: str = "Minutes") -> Any:
    staged = c.tmp_path / f"{title}.pdf"
    staged.write_bytes(b"%PDF-1.4\n%%EOF\n")
    return partnership.sent_document_create(
        actor=c.people["partner"],
        inspection=c.inspection,
        kind="document",
        title=title,
        upload=evidence.Upload(path=staged, file_name=f"{title}.pdf"),
    )


@case("partnership.sent_document_create", "The partnership sent requested document: Sent")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: _sent(c, "Sent")


@case("partnership.sent_document_accept", "Accepted Minutes into evidence as E-")
def _(c: Ctx) -> Callable[[], Any]:
    d = _sent(c)
    return lambda: partnership.sent_document_accept(
        actor=c.people["inspector"],
        inspection=c.inspection,
        document_id=d.pk,
        expected_version=d.version,
        summary="",
    )


@case("partnership.sent_document_return", "Returned Minutes to the partnership")
def _(c: Ctx) -> Callable[[], Any]:
    d = _sent(c)
    return lambda: partnership.sent_document_return(
        actor=c.people["inspector"],
        inspection=c.inspection,
        document_id=d.pk,
        expected_version=d.version,
        reason="Not the signed copy.",
    )


@case("partnership.coordinator_add", "Added coord as Partnership co-ordinator")
def _(c: Ctx) -> Callable[[], Any]:
    from scrutiny.web.accounts.models import User

    User.objects.create_user(username="coord", email="coord@example.org")
    return lambda: partnership.coordinator_add(
        actor=c.people["partner"], inspection=c.inspection, email="coord@example.org"
    )


@case("partnership.reader_pairing_set", "Paired reader with inspector")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: partnership.reader_pairing_set(
        actor=c.people["lead"],
        inspection=c.inspection,
        reader_id=c.people["reader"].pk,
        inspector_id=c.people["inspector"].pk,
    )


@case("partnership.link_inspector_name", "Named inspector link inspector")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: partnership.link_inspector_name(
        actor=c.people["lead"], inspection=c.inspection, user_id=c.people["inspector"].pk
    )


def _published(c: Ctx) -> list[Any]:
    Report.objects.filter(inspection=c.inspection).update(status=Report.Status.PUBLISHED)
    return partnership_selectors.priority_areas(inspection=c.inspection)


def _act(c: Ctx, area: Any) -> Any:
    return partnership.action_add(
        actor=c.people["partner"],
        inspection=c.inspection,
        statement_id=area.pk,
        text="Audit every child's plan.",
        owner="Chief social work officer",
        due=date(2027, 3, 31),
        status="not_started",
    )


@case("partnership.action_add", "Added an action to the action plan")
def _(c: Ctx) -> Callable[[], Any]:
    areas = _published(c)
    return lambda: _act(c, areas[0])


@case("partnership.action_plan_submit", "The partnership submitted its action plan")
def _(c: Ctx) -> Callable[[], Any]:
    for area in _published(c):
        _act(c, area)
    plan = ActionPlan.objects.get(inspection=c.inspection)
    return lambda: partnership.action_plan_submit(
        actor=c.people["partner"], inspection=c.inspection, expected_version=plan.version
    )


@case("partnership.action_plan_review", "The link inspector accepted the action plan")
def _(c: Ctx) -> Callable[[], Any]:
    for area in _published(c):
        _act(c, area)
    partnership.link_inspector_name(
        actor=c.people["lead"], inspection=c.inspection, user_id=c.people["inspector"].pk
    )
    plan = ActionPlan.objects.get(inspection=c.inspection)
    partnership.action_plan_submit(
        actor=c.people["partner"], inspection=c.inspection, expected_version=plan.version
    )
    plan.refresh_from_db()
    return lambda: partnership.action_plan_review(
        actor=c.people["inspector"],
        inspection=c.inspection,
        expected_version=plan.version,
        accept=True,
        comments="",
    )


@case(
    "partnership.progress_review_open",
    ("Carried over lead as lead inspector", "Opened progress review", "Progress review of"),
)
def _(c: Ctx) -> Callable[[], Any]:
    _published(c)
    return lambda: partnership.progress_review_open(
        actor=c.people["lead"], inspection=c.inspection, start=date(2027, 6, 1)
    )


# --- the tests -----------------------------------------------------------------------------


# --- the timetable, team roles, report details, notification settings ----------------


@case("inspections.membership_role_change", "Made volunteer")
def _(c: Ctx) -> Callable[[], Any]:
    member = Membership.objects.get(inspection=c.inspection, user=c.people["volunteer"])
    return lambda: inspections.membership_role_change(
        actor=c.people["lead"],
        inspection=c.inspection,
        membership_id=member.pk,
        role=Role.INSPECTOR,
    )


@case("plans.plan_create", "Created the timetable from notification on")
def _(c: Ctx) -> Callable[[], Any]:
    Plan.objects.filter(inspection=c.inspection).delete()
    return lambda: plans.plan_create(
        actor=c.people["lead"], inspection=c.inspection, notification_date=date(2026, 1, 5)
    )


@case("plans.plan_notification_move", "Moved the notification date to")
def _(c: Ctx) -> Callable[[], Any]:
    plan = Plan.objects.get(inspection=c.inspection)
    return lambda: plans.plan_notification_move(
        actor=c.people["lead"],
        plan_id=plan.pk,
        expected_version=plan.version,
        notification_date=date(2026, 2, 2),
    )


@case("plans.stage_change_set", "Changed the timetable's stage")
def _(c: Ctx) -> Callable[[], Any]:
    plan = Plan.objects.get(inspection=c.inspection)
    timetable = load_programme(c.inspection.programme).timetable
    assert timetable is not None
    return lambda: plans.stage_change_set(
        actor=c.people["lead"],
        plan_id=plan.pk,
        expected_version=plan.version,
        stage=next(st.id for st in timetable.stages if st.end_week is not None),
        start=date(2026, 1, 12),
        end=date(2026, 3, 16),
        done_on=None,
    )


@case("reports.report_details_update", "Changed the report's key facts")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: reports.report_details_update(
        actor=c.people["lead"],
        inspection=c.inspection,
        expected_version=report(c).version,
        publication_date=date(2026, 6, 1),
        key_facts=[["Children aged 0 to 17", "21,000", "Synthetic statistics", "2025"]],
        team=[("Lead inspector", "Care Inspectorate", 1)],
        progress_review_intention="",
        progress_review_timescale="",
    )


@case("work.notification_settings_update", "Changed the e-mail notifications of inspector")
def _(c: Ctx) -> Callable[[], Any]:
    return lambda: work.notification_settings_update(
        actor=c.people["inspector"],
        user=c.people["inspector"],
        expected_version=1,
        choices={kind: False for kind in ("assignments", "shared_draft", "comments", "sign_off")},
    )


def test_every_service_function_has_a_case() -> None:
    functions = service_functions()
    tested = {function_of(name) for name in CASES}
    assert not (set(NOT_WRITES) & tested), "a function is both exempt and tested"
    missing = sorted(functions - tested - set(NOT_WRITES))
    stale = sorted((tested | set(NOT_WRITES)) - functions)
    assert not missing, f"services with no audit case in this file: {missing}"
    assert not stale, f"cases for services that no longer exist: {stale}"


@pytest.fixture
def ctx(
    people: dict[str, Any], inspection: Inspection, tmp_path: Path, settings: Any
) -> Iterator[Ctx]:
    settings.SURVEY_UPLOADS_DIR = tmp_path / "uploads"
    settings.SURVEY_IMPORT_IN_BACKGROUND = False
    settings.REPORT_TEMPLATES_DIR = tmp_path / "templates"
    yield Ctx(people, inspection, tmp_path)


def new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("id"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_service_writes_its_audit_row(name: str, ctx: Ctx) -> None:
    summary, prepare = CASES[name]
    act = prepare(ctx)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    act()
    written = [e.summary for e in new_events(last) if e.action != AuditEvent.Action.VIEW]
    for expected in (summary,) if isinstance(summary, str) else summary:
        assert any(s.startswith(expected) for s in written), (name, expected, written)


def _refuse_audit_inserts() -> None:
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'audit refused by the test'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER test_refuse_audit BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER test_refuse_audit BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END"
            )


# Fields written outside the service's transaction on purpose, so they stay written even
# when the change is refused: a long import's progress, and django-otp's record of a
# code's use and of failed guesses (a used code must never verify twice).
PROGRESS_FIELDS = {
    "phase",
    "rows_done",
    "rows_total",
    "updated_at",
    "last_t",
    "drift",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
}


def database_state() -> dict[str, list[dict[str, Any]]]:
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model is AuditEvent or model._meta.db_table == "django_session":
            continue
        rows = model._default_manager.order_by("pk").values()
        state[model._meta.label] = [
            {k: v for k, v in row.items() if k not in PROGRESS_FIELDS} for row in rows
        ]
    return state


# Long work on the job queue writes in batches by design (rows kept pending, invisible,
# until one short transaction makes them current beside the audit row), and the queue
# records the job's failure: the whole-database comparison does not apply to these.
BATCHED = {"surveys.survey_import_run", "retention.erasure_run_due"}


@pytest.mark.parametrize("name", sorted(n for n in CASES if function_of(n) not in BATCHED))
def test_nothing_is_written_when_the_audit_row_cannot_be(name: str, ctx: Ctx) -> None:
    _, prepare = CASES[name]
    act = prepare(ctx)
    before = database_state()
    _refuse_audit_inserts()
    with pytest.raises(Exception, match="audit refused by the test"):
        act()
    after = database_state()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"{name} changed {changed} although its audit row was refused"


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_change_to_the_engines_data_changes_the_inspections_data_version(
    name: str, ctx: Ctx
) -> None:
    _, prepare = CASES[name]
    act = prepare(ctx)
    before = {
        i.pk: (inspection_data_version(inspection=i), inspection_bundle_data(inspection=i))
        for i in Inspection.objects.all()
    }
    act()
    for inspection in Inspection.objects.filter(pk__in=before):
        version, data = before[inspection.pk]
        if inspection_bundle_data(inspection=inspection) != data:
            assert inspection_data_version(inspection=inspection) > version, name


def test_a_case_summary_is_a_real_prefix() -> None:
    # Guard against a case that could never match: each summary is plain text.
    for name, (summary, _) in CASES.items():
        for expected in (summary,) if isinstance(summary, str) else summary:
            assert expected and not re.search(r"[{}]", expected), name
