"""The data migration that moves a stored report section into the report tables (ADR 0009)."""

from typing import Any

import orjson
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from scrutiny.core.bundle import parse_bundle
from scrutiny.web.inspections.bundle_io import inspection_bundle_data

from .conftest import demo_bytes

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("inspections", "0002_inspection_report_section"), ("reports", "0001_initial")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # The evidence notes stay at their latest shape: the rows made below must fill every
    # column the database has.
    targets = targets + [n for n in executor.loader.graph.leaf_nodes() if n[0] == "evidence"]
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_it_moves_each_stored_section_into_statements_and_citations() -> None:
    data = orjson.loads(demo_bytes(reference="JI-MIG"))
    full = parse_bundle(data).report.model_dump(mode="json")
    # The section as it was stored before its extensions existed: the area in context
    # in one list, and no evaluative prose, summary, key facts or team.
    section = {
        "status": full["status"],
        "context": [
            *full["context"],
            *full["geography_and_demography"],
            *full["social_and_economic"],
            *full["the_partnership"],
        ],
        "key_messages": full["key_messages"],
        "questions": [{k: v for k, v in q.items() if k != "prose"} for q in full["questions"]],
    }
    old = _migrate(BEFORE)
    try:
        Inspection = old.get_model("inspections", "Inspection")
        Evidence = old.get_model("evidence", "Evidence")
        inspection = Inspection.objects.create(
            reference="JI-MIG",
            partnership=data["inspection"]["partnership"],
            programme=data["programme"],
            start=data["inspection"]["start"],
            report_section=section,
        )
        for n, e in enumerate(data["evidence"]):
            Evidence.objects.create(
                inspection=inspection,
                position=n,
                ident=e["id"],
                source=e["source"],
                text=e["text"],
                kind=e["kind"],
            )
        Inspection.objects.create(
            reference="JI-NONE", partnership="X", programme=data["programme"], start="2019-01-01"
        )
    finally:
        # Every app back at its latest migration, whatever came after these.
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())
    from scrutiny.web.inspections.models import Inspection as Current
    from scrutiny.web.reports.models import Citation, Report

    moved = Current.objects.get(reference="JI-MIG")
    assert inspection_bundle_data(inspection=moved)["report"] == section
    assert Citation.objects.filter(statement__inspection=moved).count() == sum(
        len(s["evidence"])
        for statements in (section["context"], section["key_messages"])
        for s in statements
    ) + sum(
        len(s["evidence"])
        for q in section["questions"]
        for part in ("strengths", "areas_for_development", "key_messages")
        for s in q.get(part, [])
    )
    # An inspection without a section gets no report, so its bundle still has no `report`.
    bare = Current.objects.get(reference="JI-NONE")
    assert not Report.objects.filter(inspection=bare).exists()
    assert "report" not in inspection_bundle_data(inspection=bare)
