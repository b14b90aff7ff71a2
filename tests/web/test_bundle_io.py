"""Import (all or nothing, every problem listed) and export (byte-identical round trip)."""

import io
from typing import Any

import orjson
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from scrutiny.core.bundle import BundleInvalid, dump_bundle, parse_bundle
from scrutiny.web.commandline import export_main, import_main
from scrutiny.web.evaluations.models import GroupEvaluation, ProposedEvaluation, SignificantConcern
from scrutiny.web.evidence.models import Evidence, EvidenceIndicator, EvidenceQuestion
from scrutiny.web.inspections.bundle_io import bundle_export, bundle_import
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.records.models import Rating, RecordReading
from scrutiny.web.surveys.models import Answer, SurveyResponse

from .conftest import demo_bytes, signed_in_client


def import_from_page(client: Any, upload: Any) -> Any:
    """Upload on the page, let the worker import it, then open the page it followed."""
    queued = client.post(reverse("inspections:import"), {"bundle": upload})
    if queued.status_code != 302:
        return queued
    page = client.get(queued["Location"]).content.decode()
    assert "Importing " + upload.name in page and "Waiting for the worker" in page
    run_ready_jobs()
    return client.get(queued["Location"])


pytestmark = pytest.mark.django_db

ALL_TABLES = [
    Inspection,
    RecordReading,
    Rating,
    SurveyResponse,
    Answer,
    Evidence,
    EvidenceQuestion,
    EvidenceIndicator,
    SignificantConcern,
    GroupEvaluation,
    ProposedEvaluation,
]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_TABLES}


def broken_bundle() -> bytes:
    """A demo bundle with three separate mistakes, the last one deep in the file."""
    data = orjson.loads(demo_bytes(reference="JI-BAD"))
    data["record_readings"][3]["ratings"]["immediate_response"] = "goood"
    data["survey_responses"][0]["survey"] = "pupils"
    data["evidence"][-1]["questions"] = [7]
    return orjson.dumps(data)


def test_it_round_trips_byte_for_byte() -> None:
    original = demo_bytes(reference="JI-RT", records=30)
    first = bundle_export(actor="test", inspection=bundle_import(actor="test", data=original))
    Inspection.objects.get(reference="JI-RT").delete()
    second = bundle_export(actor="test", inspection=bundle_import(actor="test", data=first))
    assert first == second
    # Nothing in the bundle is lost on the way through the tables.
    assert first == dump_bundle(parse_bundle(original))


def test_it_stores_the_bundle_in_normalised_rows() -> None:
    data = orjson.loads(demo_bytes(reference="JI-ROWS"))
    inspection = bundle_import(actor="test", data=orjson.dumps(data))
    assert inspection.record_readings.count() == len(data["record_readings"])
    assert Rating.objects.filter(reading__inspection=inspection).count() == sum(
        len(r["ratings"]) for r in data["record_readings"]
    )
    assert inspection.survey_responses.count() == len(data["survey_responses"])
    assert inspection.evidence.count() == len(data["evidence"])


def test_it_imports_nothing_and_lists_every_problem() -> None:
    before = row_counts()
    with pytest.raises(BundleInvalid) as raised:
        bundle_import(actor="test", data=broken_bundle())
    problems = "\n".join(raised.value.problems)
    assert "record_readings[3].ratings.immediate_response" in problems
    assert "survey_responses[0].survey" in problems
    assert "questions" in problems
    assert len(raised.value.problems) >= 3
    assert row_counts() == before


def test_it_refuses_a_second_inspection_with_the_same_reference() -> None:
    bundle_import(actor="test", data=demo_bytes(reference="JI-DUP"))
    before = row_counts()
    with pytest.raises(BundleInvalid, match="already exists"):
        bundle_import(actor="test", data=demo_bytes(reference="JI-DUP"))
    assert row_counts() == before


def test_it_lists_every_problem_on_the_import_page(people: dict[str, Any]) -> None:
    client = signed_in_client(people["admin"])
    before = row_counts()
    upload = io.BytesIO(broken_bundle())
    upload.name = "broken.json"
    response = import_from_page(client, upload)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was imported" in page
    with pytest.raises(BundleInvalid) as raised:
        parse_bundle(broken_bundle())
    for problem in raised.value.problems:
        assert problem.replace("'", "&#x27;") in page
    assert row_counts() == before


def test_it_imports_a_valid_bundle_from_the_page(people: dict[str, Any]) -> None:
    upload = io.BytesIO(demo_bytes(reference="JI-WEB"))
    upload.name = "bundle.json"
    response = import_from_page(signed_in_client(people["admin"]), upload)
    inspection = Inspection.objects.get(reference="JI-WEB")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "inspections:team", kwargs={"inspection_id": inspection.pk}
    )


def test_it_says_when_the_file_is_not_json(people: dict[str, Any]) -> None:
    upload = io.BytesIO(b"this is not json")
    upload.name = "notes.txt"
    response = import_from_page(signed_in_client(people["admin"]), upload)
    assert response.status_code == 422
    assert b"not valid JSON" in response.content


def test_it_downloads_the_same_bytes_as_the_command(
    people: dict[str, Any], inspection: Inspection, tmp_path: Any
) -> None:
    response = signed_in_client(people["lead"]).get(
        reverse("inspections:export", kwargs={"inspection_id": inspection.pk})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="JI-A.json"'
    out = tmp_path / "out.json"
    call_command("export_bundle", "JI-A", "-o", str(out))
    assert out.read_bytes() == response.content


def test_the_import_command_reports_every_problem_and_exits_2(tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(broken_bundle())
    before = row_counts()
    with pytest.raises(CommandError) as raised:
        call_command("import_bundle", str(path))
    assert raised.value.returncode == 2
    assert "record_readings[3].ratings.immediate_response" in capsys.readouterr().err
    assert row_counts() == before


def test_the_cli_entry_points_import_and_export(tmp_path: Any, capsys: Any) -> None:
    source = tmp_path / "in.json"
    source.write_bytes(demo_bytes(reference="JI-CLI"))
    assert import_main(str(source)) == 0
    target = tmp_path / "out.json"
    assert export_main("JI-CLI", str(target)) == 0
    assert target.read_bytes() == dump_bundle(parse_bundle(source.read_bytes()))
    assert export_main("JI-NOPE", str(target)) == 2
    assert "no inspection with reference 'JI-NOPE'" in capsys.readouterr().err
    assert import_main(str(tmp_path / "missing.json")) == 2


def test_it_keeps_the_optional_report_section_and_omits_it_when_absent() -> None:
    data = orjson.loads(demo_bytes(reference="JI-REP"))
    assert "report" in data
    exported = orjson.loads(
        bundle_export(actor="test", inspection=bundle_import(actor="test", data=orjson.dumps(data)))
    )
    assert exported["report"] == parse_bundle(data).report.model_dump(mode="json")
    del data["report"]
    data["inspection"]["reference"] = "JI-NOREP"
    bare = bundle_export(
        actor="test", inspection=bundle_import(actor="test", data=orjson.dumps(data))
    )
    assert "report" not in orjson.loads(bare)


def test_it_round_trips_the_statements_and_citations_the_team_edits() -> None:
    from scrutiny.web.reports import services
    from scrutiny.web.reports.models import Citation, Statement

    data = demo_bytes(reference="JI-STM", records=20)
    inspection = bundle_import(actor="test", data=data)
    imported = parse_bundle(data).report.statements()
    assert Statement.objects.filter(inspection=inspection).count() == len(imported)
    assert Citation.objects.filter(statement__inspection=inspection).count() == sum(
        len(s.evidence) for _, s in imported
    )
    notes = {e.ident: e.pk for e in inspection.evidence.all()}
    added = services.statement_create(
        actor="test",
        inspection=inspection,
        part="areas_for_development",
        question=3,
        text="Kinship carers waited too long for financial support.",
        plain=None,
        evidence_ids=[notes["E-014"], notes["E-003"]],
    )
    services.statement_move(actor="test", statement=added, direction="up")
    services.report_share(actor="test", inspection=inspection, expected_version=1)
    first = bundle_export(actor="test", inspection=inspection)
    section = orjson.loads(first)["report"]
    # A draft shared with the partnership is still a draft in the bundle.
    assert section["status"] == "draft"
    areas = section["questions"][2]["areas_for_development"]
    assert [s["id"] for s in areas] == ["Q3-A1", "Q3-A3", "Q3-A2"]
    assert areas[1]["evidence"] == ["E-014", "E-003"]
    Inspection.objects.get(reference="JI-STM").delete()
    second = bundle_export(actor="test", inspection=bundle_import(actor="test", data=first))
    assert first == second


def test_it_keeps_a_notes_date_and_label() -> None:
    data = orjson.loads(demo_bytes(reference="JI-NOTE"))
    data["evidence"][0].update(date="2019-03-12", label="Focus group with foster carers")
    del data["evidence"][1]["date"]
    inspection = bundle_import(actor="test", data=orjson.dumps(data))
    first, second = inspection.evidence.order_by("position")[:2]
    assert (first.date.isoformat(), first.source_label) == (
        "2019-03-12",
        "Focus group with foster carers",
    )
    assert (second.date, second.source_label) == (None, "")
    exported = orjson.loads(bundle_export(actor="test", inspection=inspection))
    assert exported["evidence"][0]["label"] == "Focus group with foster carers"
    # A note with neither is written as a bundle without the extensions would be.
    assert "date" not in exported["evidence"][1] and "label" not in exported["evidence"][1]
