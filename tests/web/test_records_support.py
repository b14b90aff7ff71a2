"""Builders shared by the test_records_* files (this file holds no tests).

A small sample of synthetic records, read through the real services, so each test
states only what it is about.
"""

import random
from pathlib import Path
from typing import Any

from scrutiny.core.methodology import PROGRAMMES_DIR, Programme, load_programme
from scrutiny.core.sample_import import SampledRecord as Parsed
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.records.models import Assignment, Rating, RecordReading
from scrutiny.web.records.services import (  # noqa: F401 - re-exported for tests
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


def sized_programme(directory: Path, items: int) -> str:
    """A copy of the 2018 programme with `items` reading items (extras appended), written
    with the shipped programmes into `directory`; returns its id. Point
    scrutiny.core.methodology.PROGRAMMES_DIR at the directory to use it."""
    for shipped in PROGRAMMES_DIR.glob("*.toml"):
        (directory / shipped.name).write_text(shipped.read_text(encoding="utf-8"), "utf-8")
    base = "care-and-protection-2018"
    programme_id = f"{base}-{items}-items"
    text = (PROGRAMMES_DIR / f"{base}.toml").read_text(encoding="utf-8")
    text = text.replace(f'id = "{base}"', f'id = "{programme_id}"', 1)
    extra = items - len(load_programme(base).reading_items)
    text += "".join(
        f'\n[[reading_items]]\nid = "extra_{n}"\nsection = "Extra"\ntitle = "Extra item {n}"\n'
        f'prompt = "A further item, for size tests."\nprovenance = "scrutiny"\n'
        for n in range(1, extra + 1)
    )
    (directory / f"{programme_id}.toml").write_text(text, encoding="utf-8")
    return programme_id


def seed_readings(inspection: Inspection, *, records: int, second: int, seed: int = 1) -> None:
    """`records` first readings and `second` second readings of every item, straight
    into the tables (as a bundle import would), with a spread of ratings."""
    rng = random.Random(seed)
    programme = load_programme(inspection.programme)
    groups = [None, *(g.id for g in programme.care_groups)]
    readings = []
    for n in range(records):
        readings.append((f"R-{n:04d}", "reader-a", groups[n % len(groups)]))
        if n < second:
            readings.append((f"R-{n:04d}", "reader-b", groups[n % len(groups)]))
    rows = RecordReading.objects.bulk_create(
        RecordReading(inspection=inspection, position=i, record=r, reader=who, care_group=g)
        for i, (r, who, g) in enumerate(readings)
    )
    Rating.objects.bulk_create(
        (
            Rating(reading=row, item=item.id, value=rng.choice([None, 1, 2, 3, 4, 4, 5, 5, 6]))
            for row in rows
            for item in programme.reading_items
        ),
        batch_size=2000,
    )
