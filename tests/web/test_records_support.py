"""Builders shared by the test_records_* files (this file holds no tests).

A small sample of synthetic records, read through the real services, so each test
states only what it is about.
"""

from typing import Any

from scrutiny.core.methodology import Programme, load_programme
from scrutiny.core.sample_import import SampledRecord as Parsed
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.records.models import Assignment, RecordReading
from scrutiny.web.records.services import (
    assignments_balance,
    reading_submit,
    sample_import,
    second_readings_choose,
)

SAMPLE_CSV = (
    "Record id,Care group,Age band,Legal status,Area\n"
    "S-001,Foster care,5-11,Looked after away from home,North\n"
    "S-002,,0-4,Child protection register,South\n"
    "S-003,kinship_care,12-15,Looked after away from home,North\n"
    "S-004,Residential,16-17,Compulsory supervision order,East\n"
)


def programme_of(inspection: Inspection) -> Programme:
    return load_programme(inspection.programme)


def add_sample(inspection: Inspection, records: int = 4) -> None:
    groups = [None, "foster_care", "kinship_care", "residential"]
    sample_import(
        actor="test",
        inspection=inspection,
        records=[
            Parsed(
                row=n + 1,
                record=f"S-{n:03d}",
                care_group=groups[n % 4],
                age_band="5-11",
                legal_status="Looked after",
                area="North",
            )
            for n in range(1, records + 1)
        ],
    )


def assign(inspection: Inspection, *readers: Any) -> None:
    assignments_balance(
        actor="test",
        inspection=inspection,
        readers=list(readers),
        programme=programme_of(inspection),
    )


def full_ratings(inspection: Inspection, value: int | None = 4, **overrides: int | None) -> dict:
    ratings = {i.id: value for i in programme_of(inspection).reading_items}
    ratings.update(overrides)
    return ratings


def submit(assignment: Assignment, ratings: dict, notes: dict | None = None) -> RecordReading:
    assignment.refresh_from_db()
    return reading_submit(
        actor=assignment.reader,
        assignment=assignment,
        expected_version=assignment.version,
        ratings=ratings,
        notes=notes or {},
        programme=programme_of(assignment.inspection),
    )


def choose_second(inspection: Inspection, *readers: Any, records: list[str]) -> list[Assignment]:
    ids = [
        a.sampled_record_id
        for a in Assignment.objects.filter(
            inspection=inspection, sampled_record__record__in=records, kind="first"
        )
    ]
    return second_readings_choose(
        actor="test",
        inspection=inspection,
        readers=list(readers),
        programme=programme_of(inspection),
        record_ids=ids,
    )
