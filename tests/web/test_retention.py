"""Retention and erasure: a published inspection past its keep times loses the personal
data the policy names, keeps its report and evaluations reproducible from what remains,
and every erasure is audited and shown; subject access lists where an id is stored."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme
from scrutiny.core.signoff import Freeze, recompute_matches
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evaluations.models import Moderation
from scrutiny.web.evidence.models import EvidenceAttachment
from scrutiny.web.evidence.services import Upload, attachment_add
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.partnership.models import SentDocument
from scrutiny.web.partnership.services import sent_document_create, sent_document_path
from scrutiny.web.records.models import Assignment, RecordReading, SampledRecord
from scrutiny.web.reports import selectors as report_selectors
from scrutiny.web.reports.models import Report
from scrutiny.web.reports.services import report_make_final, report_publish
from scrutiny.web.retention.models import Erasure, Kind
from scrutiny.web.retention.selectors import subject_access
from scrutiny.web.retention.services import (
    erasure_enqueue_if_due,
    erasures_due,
    retention_policy,
    retention_policy_update,
)
from scrutiny.web.surveys.models import Answer, SurveyResponse

from .report_steps import cite_the_uncited
from .test_evaluations_signoff import agree, cite_everything, sign_off

pytestmark = pytest.mark.django_db


def published(inspection: Inspection, *, days_ago: int) -> None:
    cite_the_uncited(inspection)
    report_make_final(
        actor="test",
        inspection=inspection,
        expected_version=Report.objects.get(inspection=inspection).version,
    )
    report_publish(
        actor="test",
        inspection=inspection,
        expected_version=Report.objects.get(inspection=inspection).version,
    )
    Report.objects.filter(inspection=inspection).update(
        published_at=timezone.now() - timedelta(days=days_ago)
    )


def outputs(inspection: Inspection) -> dict[str, Any]:
    """What must survive erasure unchanged: the evaluation and every version of the report."""
    bundle = inspection_bundle(inspection=inspection)
    out: dict[str, Any] = {
        "evaluation": evaluate(bundle, load_programme(bundle.programme)).to_json()
    }
    for version in ("public", "internal", "young-people"):
        out[version] = report_selectors.report_file(
            inspection=inspection, version=version, file_type="html"
        ).content
    return out


@pytest.fixture
def signed_off_and_published(
    client_for: Any, people: dict[str, Any], inspection: Inspection, tmp_path: Path
) -> Inspection:
    cite_everything(inspection, people["inspector"])
    assert agree(client_for("lead"), inspection).status_code == 302
    assert sign_off(client_for("assurer"), inspection).status_code == 302
    # A reading with the reader's notes, an unfinished one, and a file kept with a note.
    first = RecordReading.objects.filter(inspection=inspection).order_by("position").first()
    sampled = SampledRecord.objects.create(inspection=inspection, record=first.record, position=1)
    Assignment.objects.create(
        inspection=inspection,
        sampled_record=sampled,
        reader=people["inspector"],
        status="submitted",
        reading=first,
        notes={"chronology": f"Chronology for {first.record} stops in May."},
    )
    second = SampledRecord.objects.create(inspection=inspection, record="R-NEW", position=2)
    Assignment.objects.create(
        inspection=inspection,
        sampled_record=second,
        reader=people["inspector"],
        status="draft",
        ratings={"chronology": 3},
        notes={"chronology": "Half-written note about R-NEW"},
    )
    staged = tmp_path / "minutes.pdf"
    staged.write_bytes(b"%PDF-1.4\nminutes of the case conference\n%%EOF\n")
    attachment_add(
        actor="test", evidence=inspection.evidence.first(), path=staged, file_name="minutes.pdf"
    )
    # A document the partnership sent (kept apart from evidence until accepted).
    sent = tmp_path / "plan.pdf"
    sent.write_bytes(b"%PDF-1.4\nthe child's plan, as the partnership sent it\n%%EOF\n")
    sent_document_create(
        actor="test",
        inspection=inspection,
        kind="document",
        title="A child's plan",
        upload=Upload(path=sent, file_name="plan.pdf"),
    )
    published(inspection, days_ago=800)  # past every keep time of the default policy
    return inspection


def test_it_erases_what_is_due_and_keeps_the_report_and_evaluations(
    signed_off_and_published: Inspection, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    inspection = signed_off_and_published
    records = set(
        RecordReading.objects.filter(inspection=inspection).values_list("record", flat=True)
    )
    respondents = set(
        SurveyResponse.objects.filter(inspection=inspection).values_list("respondent", flat=True)
    )
    stored = Path(settings.ATTACHMENTS_DIR) / EvidenceAttachment.objects.get().stored_name
    sent = sent_document_path(SentDocument.objects.get())
    assert sent.exists()
    frozen_before = Moderation.objects.get(inspection=inspection).freeze
    before = outputs(inspection)
    assert {d.kind for d in erasures_due()} == set(Kind.values)

    # The periodic sweep queues the erasure run; the worker does it.
    job = erasure_enqueue_if_due()
    assert job is not None and erasure_enqueue_if_due() is None  # one run at a time
    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows are gone
        run_ready_jobs()
    job.refresh_from_db()
    assert job.status == "done" and job.result["summary"] == "4 erasures in 1 inspection."

    # The report (every version) and the evaluation come out the same from what remains.
    assert outputs(inspection) == before
    moderation = Moderation.objects.get(inspection=inspection)
    frozen = Freeze.from_json(moderation.freeze)
    assert frozen.inputs_sha256 == frozen_before["inputs_sha256"]  # the fingerprint is kept
    assert frozen.evaluation == frozen_before["evaluation"]
    remaining = inspection_bundle(inspection=inspection)
    assert not recompute_matches(frozen, remaining)  # the inputs as signed off are gone...
    erased = replace(frozen, inputs_sha256=moderation.freeze["erased_inputs_sha256"])
    assert recompute_matches(erased, remaining)  # ...and what remains gives the same result
    page = client_for("lead").get(reverse("evaluations:moderation", args=[inspection.pk]))
    text = page.content.decode()
    assert "recomputing gives the signed-off result exactly" in text
    assert "Personal data was erased under the retention policy" in text
    assert frozen_before["inputs_sha256"] in text

    # Record ids, readers' notes, respondent ids and free text are gone; ratings stay.
    now_records = set(
        RecordReading.objects.filter(inspection=inspection).values_list("record", flat=True)
    )
    assert not now_records & records and all(r.startswith("erased-") for r in now_records)
    assert not Assignment.objects.exclude(notes={}).exists()
    assert Assignment.objects.get(status="draft").ratings == {}
    ours = SurveyResponse.objects.filter(inspection=inspection)
    assert not set(ours.values_list("respondent", flat=True)) & respondents
    answers = Answer.objects.filter(response__inspection=inspection)
    assert not answers.filter(item="anything_else").exclude(value=None).exists()
    assert answers.filter(item="feel_safe").exclude(value=None).exists()
    # The other inspection, not published, keeps everything.
    assert Answer.objects.filter(item="anything_else").exclude(value=None).exists()
    assert not EvidenceAttachment.objects.exists() and not stored.exists()
    assert not SentDocument.objects.exists() and not sent.exists()
    for record in sorted(records)[:3]:  # only the append-only audit trail still names it
        left = subject_access(identifier=record)
        assert {m.what.split(" of ")[0] for m in left if m.inspection == "JI-A"} <= {"Audit event"}

    # One Erasure and one audit row per kind, shown on the inspection's page.
    erasures = Erasure.objects.filter(inspection=inspection)
    assert sorted(e.kind for e in erasures) == sorted(Kind.values)
    events = AuditEvent.objects.filter(inspection=inspection, object_type="erasure")
    assert sorted(e.object_id for e in events) == sorted(Kind.values)
    readings = events.get(object_id="readings")
    assert readings.action == "delete" and readings.after["items"] == len(records) + 1
    assert "record ids replaced" in readings.summary
    page = (
        client_for("lead").get(reverse("inspections:home", args=[inspection.pk])).content.decode()
    )
    assert "Personal data erased" in page
    assert "Evidence attachments (2 files removed (1 kB), 1 document the partnership" in page
    drafts = events.get(object_id="drafts").summary
    assert "(1 month after publication): 1 unfinished reading emptied" in drafts
    assert erasures_due() == [] and erasure_enqueue_if_due() is None


def test_it_erases_nothing_before_its_time(
    client_for: Any, people: Any, inspection: Inspection, other_inspection: Inspection
) -> None:
    published(inspection, days_ago=20)  # drafts are kept a month, the rest longer
    assert erasures_due() == []  # and the other inspection is not published at all
    Report.objects.filter(inspection=inspection).update(
        published_at=timezone.now() - timedelta(days=40)
    )
    assert [d.kind for d in erasures_due()] == ["drafts"]
    policy = retention_policy()
    retention_policy_update(
        actor=people["admin"],
        expected_version=policy.version,
        months={"readings": None, "surveys": None, "attachments": None, "drafts": None},
    )
    assert erasures_due() == []  # empty: kept for ever


def test_the_policy_page_changes_the_policy_with_an_audit_row(client_for: Any, people: Any) -> None:
    admin = client_for("admin")
    policy = retention_policy()
    response = admin.post(
        reverse("retention:policy"),
        {
            "readings": "6",
            "surveys": "6",
            "attachments": "",
            "drafts": "1",
            "version": policy.version,
        },
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.readings_months, policy.attachments_months) == (6, None)
    event = AuditEvent.objects.get(object_type="retention_policy")
    assert event.before["readings"] == 12 and event.after["readings"] == 6
    stale = admin.post(
        reverse("retention:policy"),
        {
            "readings": "1",
            "surveys": "1",
            "attachments": "1",
            "drafts": "1",
            "version": policy.version - 1,
        },
    )
    assert stale.status_code == 409 and "Someone else changed this" in stale.content.decode()
    with pytest.raises(StaleEdit):
        retention_policy_update(
            actor=people["admin"], expected_version=1, months=dict.fromkeys(Kind.values)
        )


def test_subject_access_lists_every_item_mentioning_a_record_id(
    client_for: Any, inspection: Inspection, other_inspection: Inspection
) -> None:
    record = RecordReading.objects.filter(inspection=inspection).first().record
    note = inspection.evidence.first()
    note.text = f"Record {record} shows a late chronology."
    note.save()
    sent = SentDocument.objects.create(
        inspection=inspection, kind="document", title=f"Chronology of {record}",
        file_name="chronology.pdf", stored_name="x.pdf", content_type="application/pdf",
        size=1, sha256="0" * 64,
    )  # fmt: skip
    page = (
        client_for("admin")
        .get(reverse("retention:subject_access"), {"record": record})
        .content.decode()
    )
    readings = RecordReading.objects.filter(record=record)
    mentions = subject_access(identifier=record)
    # The search itself is now in the audit trail, so it finds one more item than the page.
    assert mentions[-1].what.startswith("Audit event") and "Listed every" in mentions[-1].excerpt
    mentions = mentions[:-1]
    assert f"{len(mentions)} items mention {record}" in page
    assert {m.inspection for m in mentions} == set(
        readings.values_list("inspection__reference", flat=True)
    )
    whats = [m.what for m in mentions]
    for reading in readings.filter(inspection=inspection):
        assert f"Record reading {reading.position}" in whats
    assert f"Evidence note {note.ident}" in whats
    assert f"Document the partnership sent: {sent.title}" in whats
    # A longer id that starts the same is not a mention.
    assert all(m.excerpt for m in mentions) and subject_access(identifier=record[:-1]) == []
    event = AuditEvent.objects.get(object_type="subject_access")
    assert event.action == "view" and event.actor_name == "admin" and event.object_id == record


def test_the_periodic_sweep_queues_an_erasure_run_when_one_is_due(inspection: Inspection) -> None:
    from django_tasks_db.models import DBTaskResult

    from scrutiny.web.jobs.models import Job
    from scrutiny.web.jobs.tasks import sweep

    sweep.call()
    assert not Job.objects.exists()  # nothing published, nothing due
    published(inspection, days_ago=40)
    sweep.call()
    job = Job.objects.get()
    assert job.title == "Erasing personal data past its retention time"
    # And the sweep put its successor on the queue.
    later = DBTaskResult.objects.filter(task_path="scrutiny.web.jobs.tasks.sweep", status="READY")
    assert later.count() == 1 and later.get().run_after > timezone.now()
