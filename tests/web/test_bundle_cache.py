"""The evaluation pages keep an inspection's bundle until its data changes: a read after
any change made through the services sees it (web/inspections/versioned.py). That every
service moving the engine's data moves the version is proved case by case in
tests/web/test_service_audit.py."""

from django.db import connection

from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme
from scrutiny.web.audit.services import audit_read, audit_record
from scrutiny.web.evaluations import services
from scrutiny.web.evaluations.models import ProposedEvaluation
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.versioned import _COUNT, inspection_data_version, kept_for_version


def test_it_reuses_the_bundle_of_unchanged_data(inspection: Inspection) -> None:
    assert inspection_bundle(inspection=inspection) is inspection_bundle(inspection=inspection)


def test_it_shows_a_change_made_through_a_service_at_once(inspection: Inspection) -> None:
    programme = load_programme(inspection.programme)
    before = inspection_bundle(inspection=inspection)
    proposal = ProposedEvaluation.objects.filter(inspection=inspection).first()
    assert proposal is not None
    value = 1 if proposal.value != 1 else 6
    services.proposal_record(
        actor="test",
        inspection=inspection,
        indicator=proposal.indicator,
        value=value,
        rationale="Synthetic rationale",
        evidence_ids=[],
        expected_version=proposal.version,
    )
    after = inspection_bundle(inspection=inspection)
    assert after is not before
    assert after.proposed_evaluations[proposal.indicator] == value
    assert evaluate(after, programme).indicators[proposal.indicator].proposed == value


def test_the_version_counts_changes_and_neither_reads_nor_drafts(
    inspection: Inspection,
) -> None:
    version = inspection_data_version(inspection=inspection)
    audit_read(actor="test", inspection=inspection, object_type="record_reading", summary="x")
    for kind in ("reading_draft", "report_comment"):
        audit_record(
            actor="test", inspection=inspection, action="change", object_type=kind, summary="x"
        )
    assert inspection_data_version(inspection=inspection) == version
    audit_record(actor="test", inspection=inspection, action="change", object_type="x", summary="x")
    # A count, not the newest id: a change that took its id before another but committed
    # after it still moves the version.
    assert inspection_data_version(inspection=inspection) == version + 1


def test_it_validates_again_against_a_reloaded_programme(inspection: Inspection) -> None:
    # Validation reads the programme as well as the rows (tests load other programmes).
    first = inspection_bundle(inspection=inspection)
    load_programme.cache_clear()
    assert inspection_bundle(inspection=inspection) is not first


def test_it_tells_apart_inspections_that_reuse_an_id(inspection: Inspection) -> None:
    programme = load_programme(inspection.programme)
    built: list[int] = []

    def kept() -> object:
        return kept_for_version(
            inspection=inspection, programme=programme, name="test", build=lambda: built.append(1)
        )

    kept()
    kept()
    assert len(built) == 1
    # The same id and version in a re-created database: the creation time tells them apart.
    inspection.created_at = inspection.created_at.replace(year=2001)
    kept()
    assert len(built) == 2


def test_the_count_reads_the_partial_index_alone_on_sqlite(inspection: Inspection) -> None:
    if connection.vendor != "sqlite":
        return  # PostgreSQL chooses by its statistics; the index is there for it too
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + _COUNT, [inspection.pk])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "audit_inspection_changes" in plan
