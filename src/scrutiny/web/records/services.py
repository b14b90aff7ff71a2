"""Changes to the sample, the assignments and the readings.

Each service writes its audit row in the same transaction as the change. Permission is
checked by the caller (the view's rule and access helper); these only keep the data
consistent: all-or-nothing imports, optimistic locking on drafts and agreed readings.
"""

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from scrutiny.core.methodology import Programme
from scrutiny.core.sample_import import Problem, SampleImportError, balance_assignments
from scrutiny.core.sample_import import SampledRecord as ParsedRecord
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.evaluations.selectors import ensure_inputs_editable
from scrutiny.web.evidence.models import Evidence, EvidenceIndicator, EvidenceQuestion
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.records.models import Assignment, Rating, RecordReading, SampledRecord
from scrutiny.web.work.notifications import notify_assignments

Ratings = dict[str, int | None]
Notes = dict[str, dict[str, Any]]


class ReadingIncomplete(Exception):
    """A reading submitted with items neither rated nor marked not applicable."""

    def __init__(self, missing: Sequence[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = list(missing)


def sample_import(
    *, actor: Any, inspection: Inspection, records: Sequence[ParsedRecord]
) -> list[SampledRecord]:
    """Add validated records to the sample, all or none.

    A record already in the sample is a problem naming its row: the sample is added
    to, never silently overwritten, since assignments and readings hang off it.
    """
    existing = set(
        SampledRecord.objects.filter(inspection=inspection).values_list("record", flat=True)
    )
    folded = {r.casefold() for r in existing}
    clashes = [
        Problem(f"'{r.record}' is already in the sample", r.row, "Record id")
        for r in records
        if r.record.casefold() in folded
    ]
    if clashes:
        raise SampleImportError(clashes)
    with transaction.atomic():
        start = (
            SampledRecord.objects.filter(inspection=inspection).aggregate(m=Max("position"))["m"]
            or 0
        )
        rows = SampledRecord.objects.bulk_create(
            SampledRecord(
                inspection=inspection,
                position=start + i,
                record=r.record,
                care_group=r.care_group,
                age_band=r.age_band,
                legal_status=r.legal_status,
                area=r.area,
            )
            for i, r in enumerate(records, start=1)
        )
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.IMPORT,
            object_type="sample",
            summary=f"Imported {len(rows)} sampled records",
            after={"records": [r.record for r in records]},
        )
    return rows


def _load(inspection: Inspection) -> Counter[int]:
    return Counter(
        Assignment.objects.filter(inspection=inspection).values_list("reader_id", flat=True)
    )


def assignments_balance(
    *, actor: Any, inspection: Inspection, readers: Sequence[Any], programme: Programme
) -> int:
    """Give every record without a first reader to one of `readers`, evening the load.

    Readers who already hold records get fewer new ones until the others catch up.
    Returns how many records were assigned.
    """
    with transaction.atomic():
        unassigned = list(
            SampledRecord.objects.filter(inspection=inspection)
            .exclude(assignments__kind=Assignment.Kind.FIRST)
            .order_by("position")
        )
        if not unassigned:
            return 0
        load = _load(inspection)
        by_key = {str(u.pk): u for u in readers}
        chosen = balance_assignments(
            [str(r.pk) for r in unassigned],
            list(by_key),
            existing_load={key: load[int(key)] for key in by_key},
        )
        Assignment.objects.bulk_create(
            Assignment(
                inspection=inspection,
                sampled_record=r,
                reader=by_key[chosen[str(r.pk)]],
                kind=Assignment.Kind.FIRST,
                programme_version=programme.version,
            )
            for r in unassigned
        )
        counts = Counter(by_key[chosen[str(r.pk)]].get_username() for r in unassigned)
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="assignment",
            summary=f"Assigned {len(unassigned)} records to {len(counts)} readers",
            after={"first_readings": dict(sorted(counts.items()))},
        )
        notify_assignments(
            inspection=inspection,
            counts=Counter(by_key[chosen[str(r.pk)]] for r in unassigned),
            second=False,
        )
    return len(unassigned)


def second_readings_choose(
    *,
    actor: Any,
    inspection: Inspection,
    readers: Sequence[Any],
    programme: Programme,
    share: float | None = None,
    record_ids: Iterable[int] = (),
    rng: random.Random | None = None,
) -> list[Assignment]:
    """Choose records to read again: a random `share` of those not yet chosen, or the
    records hand-picked by id. Each goes to the least-loaded reader who is not its
    first reader, so the second reading is independent.
    """
    with transaction.atomic():
        firsts = dict(
            Assignment.objects.filter(
                inspection=inspection, kind=Assignment.Kind.FIRST
            ).values_list("sampled_record_id", "reader_id")
        )
        seconds = set(
            Assignment.objects.filter(
                inspection=inspection, kind=Assignment.Kind.SECOND
            ).values_list("sampled_record_id", flat=True)
        )
        eligible = [
            r
            for r in SampledRecord.objects.filter(inspection=inspection).order_by("position")
            if r.pk in firsts and r.pk not in seconds
        ]
        if share is not None:
            wanted = min(len(eligible), math.ceil(share * len(eligible)))
            picked = (rng or random.SystemRandom()).sample(eligible, wanted)
        else:
            ids = set(record_ids)
            picked = [r for r in eligible if r.pk in ids]
        picked.sort(key=lambda r: r.position)
        load = _load(inspection)
        made = []
        for record in picked:
            others = [u for u in readers if u.pk != firsts[record.pk]]
            if not others:
                continue
            # Least loaded first; ties to the reader listed first (stable, predictable).
            reader = min(others, key=lambda u: load[u.pk])
            load[reader.pk] += 1
            made.append(
                Assignment(
                    inspection=inspection,
                    sampled_record=record,
                    reader=reader,
                    kind=Assignment.Kind.SECOND,
                    programme_version=programme.version,
                )
            )
        Assignment.objects.bulk_create(made)
        if made:
            audit_record(
                actor=actor,
                inspection=inspection,
                action=AuditEvent.Action.CREATE,
                object_type="assignment",
                summary=(
                    f"Chose {len(made)} records for a second reading "
                    + (f"(random {share:.0%} share)" if share is not None else "(hand-picked)")
                ),
                after={
                    "second_readings": {
                        a.sampled_record.record: a.reader.get_username() for a in made
                    }
                },
            )
            notify_assignments(
                inspection=inspection, counts=Counter(a.reader for a in made), second=True
            )
    return made


_ABSENT = object()  # not yet answered, which differs from None (not applicable)
_OPEN = (Assignment.Status.ASSIGNED, Assignment.Status.DRAFT)  # still editable


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(
        k for k in set(before) | set(after) if before.get(k, _ABSENT) != after.get(k, _ABSENT)
    )


def reading_save(
    *, actor: Any, assignment: Assignment, expected_version: int, ratings: Ratings, notes: Notes
) -> Assignment:
    """Save a draft if nobody saved the reading since `expected_version`, else StaleEdit.

    Concurrent edits (two tabs, a laptop back online with an old draft) are refused,
    never merged: the refused entries stay with the person who made them.
    """
    with transaction.atomic():
        before = (
            Assignment.objects.filter(pk=assignment.pk)
            .values("ratings", "notes", "status", "version")
            .get()
        )
        if before["status"] == Assignment.Status.SUBMITTED:
            raise StaleEdit
        updated = Assignment.objects.filter(
            pk=assignment.pk, version=expected_version, status__in=_OPEN
        ).update(
            ratings=ratings,
            notes=notes,
            status=Assignment.Status.DRAFT,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if updated != 1:
            raise StaleEdit
        rated = _changed(before["ratings"], ratings)
        noted = _changed(before["notes"], notes)
        record = assignment.sampled_record.record
        audit_record(
            actor=actor,
            inspection=assignment.inspection,
            action=AuditEvent.Action.CHANGE,
            object_type="reading_draft",
            object_id=assignment.pk,
            summary=f"Saved the draft reading of record {record} ({len(rated)} ratings, "
            f"{len(noted)} notes changed)",
            before={
                "ratings": {k: before["ratings"].get(k) for k in rated},
                "notes": {k: before["notes"].get(k) for k in noted},
            },
            after={
                "ratings": {k: ratings.get(k) for k in rated},
                "notes": {k: notes.get(k) for k in noted},
            },
        )
    return Assignment.objects.select_related("sampled_record", "inspection").get(pk=assignment.pk)


def missing_items(*, programme: Programme, ratings: Mapping[str, int | None]) -> list[str]:
    """The titles of the programme's items this reading has not yet answered."""
    return [item.title for item in programme.reading_items if item.id not in ratings]


def reading_submit(
    *,
    actor: Any,
    assignment: Assignment,
    expected_version: int,
    ratings: Ratings,
    notes: Notes,
    programme: Programme,
) -> RecordReading:
    """Save and submit a complete reading: it becomes a RecordReading the engine counts,
    and its notes become evidence tagged to questions and indicators.

    Raises ReadingIncomplete (naming the items) before anything is written, or
    StaleEdit if the reading changed since `expected_version`.
    """
    missing = missing_items(programme=programme, ratings=ratings)
    if missing:
        raise ReadingIncomplete(missing)
    with transaction.atomic():
        # A submitted reading is counted by the engine: locked with the other inputs.
        ensure_inputs_editable(inspection=assignment.inspection)
        saved = reading_save(
            actor=actor,
            assignment=assignment,
            expected_version=expected_version,
            ratings=ratings,
            notes=notes,
        )
        inspection = saved.inspection
        sampled = saved.sampled_record
        position = RecordReading.objects.filter(inspection=inspection).aggregate(m=Max("position"))[
            "m"
        ]
        reading = RecordReading.objects.create(
            inspection=inspection,
            position=0 if position is None else position + 1,
            record=sampled.record,
            reader=actor.get_username(),
            care_group=sampled.care_group,
            # The version of the tool whose items the reader completed and submitted.
            programme_version=programme.version,
        )
        Rating.objects.bulk_create(
            Rating(reading=reading, item=item, value=value) for item, value in ratings.items()
        )
        _notes_to_evidence(reading=reading, notes=notes)
        Assignment.objects.filter(pk=saved.pk).update(
            status=Assignment.Status.SUBMITTED,
            programme_version=programme.version,
            reading=reading,
            submitted_at=timezone.now(),
            version=F("version") + 1,
        )
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CREATE,
            object_type="record_reading",
            object_id=reading.pk,
            summary=f"Submitted the {saved.get_kind_display().lower()} of record {sampled.record}",
            after={
                "ratings": ratings,
                "notes": notes,
                "programme_version": reading.programme_version,
            },
        )
    return reading


def _notes_to_evidence(*, reading: RecordReading, notes: Notes) -> None:
    """Each note becomes an evidence note (source: record reading) with its tags."""
    if not notes:
        return
    start = Evidence.objects.filter(inspection=reading.inspection).aggregate(m=Max("position"))["m"]
    start = -1 if start is None else start
    made = Evidence.objects.bulk_create(
        Evidence(
            inspection=reading.inspection,
            position=start + i,
            ident=f"RR-{reading.pk}-{item}",
            source=Evidence.Source.RECORD_READING,
            text=note["text"],
            kind=note.get("kind") or Evidence.Kind.CONTEXT,
            care_group=reading.care_group,
        )
        for i, (item, note) in enumerate(sorted(notes.items()), start=1)
    )
    tagged = list(zip(made, [n for _, n in sorted(notes.items())], strict=True))
    EvidenceQuestion.objects.bulk_create(
        EvidenceQuestion(evidence=e, question=q) for e, n in tagged for q in n.get("questions", [])
    )
    EvidenceIndicator.objects.bulk_create(
        EvidenceIndicator(evidence=e, indicator=i)
        for e, n in tagged
        for i in n.get("indicators", [])
    )


AGREED_READER_SEPARATOR = " + "


def agreed_reading_record(
    *,
    actor: Any,
    inspection: Inspection,
    first: RecordReading,
    second: RecordReading,
    ratings: Ratings,
    expected_version: int | None,
    programme: Programme,
) -> RecordReading:
    """Record the pair's agreed reading of a record read twice; the engine uses it.

    The two readings stay as they were (agreement is measured between them); the agreed
    one is a third reading marked agreed, and the others are marked not agreed, so
    exactly one reading of the record counts. Editing it again needs the version shown.
    """
    with transaction.atomic():
        ensure_inputs_editable(inspection=inspection)
        existing = (
            RecordReading.objects.filter(inspection=inspection, record=first.record, agreed=True)
            .exclude(pk__in=[first.pk, second.pk])
            .first()
        )
        if existing is None and expected_version is not None:
            raise StaleEdit
        if existing is not None:
            if expected_version is None:
                raise StaleEdit
            updated = RecordReading.objects.filter(pk=existing.pk, version=expected_version).update(
                version=F("version") + 1, programme_version=programme.version
            )
            if updated != 1:
                raise StaleEdit
            before = dict(existing.ratings.values_list("item", "value"))
            existing.ratings.all().delete()
            reading = existing
        else:
            before = {}
            position = RecordReading.objects.filter(inspection=inspection).aggregate(
                m=Max("position")
            )["m"]
            reading = RecordReading.objects.create(
                inspection=inspection,
                position=position + 1,
                record=first.record,
                reader=f"{first.reader}{AGREED_READER_SEPARATOR}{second.reader}",
                care_group=first.care_group,
                agreed=True,
                programme_version=programme.version,
            )
        Rating.objects.bulk_create(
            Rating(reading=reading, item=item, value=value) for item, value in ratings.items()
        )
        RecordReading.objects.filter(inspection=inspection, record=first.record).exclude(
            pk=reading.pk
        ).update(agreed=False)
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.CHANGE if before else AuditEvent.Action.CREATE,
            object_type="record_reading",
            object_id=reading.pk,
            summary=f"Recorded the agreed reading of record {first.record}",
            before={"ratings": before} if before else None,
            after={"ratings": ratings},
        )
    return RecordReading.objects.get(pk=reading.pk)
