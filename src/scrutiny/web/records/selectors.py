"""Reads for the record-reading pages, scoped to what the viewer may see.

House rules for readings (who sees what):
- the lead inspector and quality assurer (`records.manage`) see the whole sample and
  every submitted reading, but never a draft's content: a draft is its reader's alone;
- a reader sees only the records assigned to them, and the readings of those records
  once their own reading of the record is submitted: a second reader never sees the
  first reading before submitting theirs (blind second reading);
- partnership contacts see no reading at all (their role has no records permission).

Page figures are computed in a fixed number of queries, whatever the sample's size.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from scrutiny.core.agreement import (
    AgreementReport,
    ModerationFlag,
    ModerationThresholds,
    RatingPair,
    agreement_report,
    flag_for_moderation,
)
from scrutiny.core.bundle import Bundle, BundleInvalid
from scrutiny.core.bundle import RecordReading as BundleReading
from scrutiny.core.evaluation import RuleCheck, evaluate
from scrutiny.core.methodology import Programme, ReadingShare, ShareMoreThan
from scrutiny.core.sensitivity import SecondReadingSensitivity, limiter_under_second_readings
from scrutiny.core.statistics import agreed_readings
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.bundle_io import inspection_bundle_data, parsed_bundle
from scrutiny.web.inspections.models import Inspection, Membership
from scrutiny.web.inspections.versioned import kept_for_version
from scrutiny.web.records.models import Assignment, Rating, RecordReading, SampledRecord


def can_manage(inspection: Inspection) -> bool:
    return roles.MANAGE_READINGS in inspection.viewer_permissions  # type: ignore[attr-defined]


def _blind_records(*, inspection: Inspection, user: Any) -> QuerySet[Assignment]:
    """Records this reader is assigned to but has not yet submitted."""
    return Assignment.objects.filter(
        inspection=inspection,
        reader=user,
        status__in=(Assignment.Status.ASSIGNED, Assignment.Status.DRAFT),
    ).values("sampled_record__record")


def reading_list(*, inspection: Inspection, user: Any) -> QuerySet[RecordReading]:
    """The submitted readings this person may see (house rules above)."""
    readings = RecordReading.objects.filter(inspection=inspection).order_by("position")
    if can_manage(inspection):
        return readings
    done = Assignment.objects.filter(
        inspection=inspection, reader=user, status=Assignment.Status.SUBMITTED
    ).values("sampled_record__record")
    return readings.filter(record__in=done)


def access_reading_by_id(*, inspection: Inspection, user: Any, reading_id: int) -> RecordReading:
    """A reading this person may see, or 404: other inspections' ids and readings
    hidden from this reader find nothing."""
    reading = (
        reading_list(inspection=inspection, user=user)
        .filter(pk=reading_id)
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.order_by("id")))
        .first()
    )
    if reading is None:
        raise Http404
    return reading


def access_assignment_by_id(*, inspection: Inspection, user: Any, assignment_id: int) -> Assignment:
    """The reader's own assignment, or 404: nobody else opens a reading form."""
    assignment = (
        Assignment.objects.filter(inspection=inspection, reader=user, pk=assignment_id)
        .select_related("sampled_record", "inspection", "reading")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def team_readers(*, inspection: Inspection) -> list[Any]:
    """Team members whose role lets them read records, in a stable order."""
    reading_roles = [
        r for r, perms in roles.ROLE_PERMISSIONS.items() if roles.READ_RECORDS in perms
    ]
    return [
        m.user
        for m in Membership.objects.filter(inspection=inspection, role__in=reading_roles)
        .select_related("user")
        .order_by("user__username")
    ]


@dataclass
class ReaderProgress:
    reader: Any
    assigned: int = 0
    draft: int = 0
    submitted: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


@dataclass
class SampleOverview:
    records: list[SampledRecord]
    # Record id -> its assignments by kind ("first", "second").
    assignments: dict[int, dict[str, Assignment]]
    progress: list[ReaderProgress]
    total: int
    unassigned: int
    submitted: int
    assigned: int

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def sample_overview(*, inspection: Inspection, user: Any) -> SampleOverview:
    """The sample with who reads what and how far they have got (four queries).

    Managers see every record; a reader sees the records assigned to them.
    """
    assignments = Assignment.objects.filter(inspection=inspection).select_related("reader")
    records = SampledRecord.objects.filter(inspection=inspection).order_by("position")
    if not can_manage(inspection):
        assignments = assignments.filter(reader=user)
        records = records.filter(assignments__reader=user).distinct()
    by_record: dict[int, dict[str, Assignment]] = defaultdict(dict)
    progress: dict[int, ReaderProgress] = {}
    for a in assignments:
        by_record[a.sampled_record_id][a.kind] = a
        p = progress.setdefault(a.reader_id, ReaderProgress(reader=a.reader))
        p.assigned += 1
        p.draft += a.status == Assignment.Status.DRAFT
        p.submitted += a.status == Assignment.Status.SUBMITTED
    rows = list(records)
    done = sum(p.submitted for p in progress.values())
    return SampleOverview(
        records=rows,
        assignments=by_record,
        progress=sorted(progress.values(), key=lambda p: p.reader.get_username()),
        total=len(rows),
        unassigned=sum(1 for r in rows if "first" not in by_record.get(r.pk, {})),
        submitted=done,
        assigned=sum(p.assigned for p in progress.values()),
    )


# --- the readings as figures -------------------------------------------------------


@dataclass(frozen=True)
class StoredReading:
    pk: int
    record: str
    reader: str
    care_group: str | None
    agreed: bool | None
    programme_version: str
    ratings: dict[str, int | None]


def stored_readings(*, inspection: Inspection) -> list[StoredReading]:
    """Every submitted reading with its ratings, in bundle order (two queries)."""
    ratings: dict[int, dict[str, int | None]] = defaultdict(dict)
    for reading_id, item, value in (
        Rating.objects.filter(reading__inspection=inspection)
        .order_by("id")
        .values_list("reading_id", "item", "value")
    ):
        ratings[reading_id][item] = value
    return [
        StoredReading(pk, record, reader, group, agreed, version, ratings[pk])
        for pk, record, reader, group, agreed, version in RecordReading.objects.filter(
            inspection=inspection
        )
        .order_by("position")
        .values_list("id", "record", "reader", "care_group", "agreed", "programme_version")
    ]


def reading_pairs(
    readings: Iterable[StoredReading],
) -> dict[str, tuple[StoredReading, StoredReading]]:
    """Record -> (first reading, second reading): its first two readings in order.

    An agreed reading recorded later is a third reading, so it never enters a pair.
    """
    by_record: dict[str, list[StoredReading]] = defaultdict(list)
    for r in readings:
        by_record[r.record].append(r)
    return {rec: (rs[0], rs[1]) for rec, rs in by_record.items() if len(rs) >= 2}


def agreed_of(readings: list[StoredReading]) -> list[StoredReading]:
    """One reading per record as the engine chooses it (statistics.agreed_readings)."""
    as_bundle = [
        BundleReading.model_construct(
            record=r.record, reader=r.reader, care_group=r.care_group, ratings={}, agreed=r.agreed
        )
        for r in readings
    ]
    index = {id(b): r for b, r in zip(as_bundle, readings, strict=True)}
    return [index[id(b)] for b in agreed_readings(as_bundle)]


def item_titles(programme: Programme, rated: Iterable[str]) -> list[tuple[str, str]]:
    """(item id, title) for the programme's items, then items of `rated` the programme
    no longer has, so a reading made under an earlier version of the tool still
    displays and counts."""
    known = [(i.id, i.title) for i in programme.reading_items]
    ids = {i for i, _ in known}
    older = sorted(set(rated) - ids)
    return known + [(i, f"{i} (from an earlier version of the reading tool)") for i in older]


def _rated_items(readings: Iterable[StoredReading]) -> set[str]:
    return {item for r in readings for item in r.ratings}


@dataclass
class AgreementPage:
    report: AgreementReport
    flags: tuple[ModerationFlag, ...]
    titles: dict[str, str]
    records_read_twice: int


def agreement_for(*, inspection: Inspection, programme: Programme) -> AgreementPage:
    readings = stored_readings(inspection=inspection)
    pairs = reading_pairs(readings)
    titles = item_titles(programme, _rated_items(readings))
    rating_pairs = [
        RatingPair(record=record, item=item, first=first.ratings[item], second=second.ratings[item])
        for record, (first, second) in sorted(pairs.items())
        for item, _ in titles
        if item in first.ratings and item in second.ratings
    ]
    report = agreement_report(rating_pairs, items=[i for i, _ in titles])
    flags = flag_for_moderation(report.by_item, thresholds=ModerationThresholds())
    return AgreementPage(report, flags, dict(titles), len(pairs))


@dataclass
class Distribution:
    """How one group's agreed readings rate one item: counts by point 1..6, not
    applicable, and the shares good or better (4+) and weak or unsatisfactory (1-2)."""

    label: str
    counts: list[int]  # index 0 is unsatisfactory (1), index 5 excellent (6)
    not_applicable: int

    @property
    def rated(self) -> int:
        return sum(self.counts)

    @property
    def good_or_better(self) -> int:
        return sum(self.counts[3:])

    @property
    def weak_or_unsatisfactory(self) -> int:
        return sum(self.counts[:2])

    def share(self, count: int) -> float | None:
        return count / self.rated if self.rated else None


@dataclass
class ItemResults:
    id: str
    title: str
    overall: Distribution
    by_group: list[Distribution]
    labels: list[str]  # the scale's labels, index 0 for point 1

    @property
    def bars(self) -> list[tuple[str, int, int, int]]:
        """(label, count, bar length 0..200, row offset) for the chart, excellent first."""
        top = max(self.overall.counts) or 1
        counts = self.overall.counts
        return [
            (self.labels[p - 1], counts[p - 1], round(200 * counts[p - 1] / top), 26 * (6 - p))
            for p in range(6, 0, -1)
        ]


@dataclass
class LimiterFigure:
    """A limiter on the share of readings rating an item: the engine's check, live,
    and how sensitive it is (margin to the line, the second readers' ratings)."""

    title: str
    check: RuleCheck | None
    sensitivity: SecondReadingSensitivity


@dataclass
class ResultsPage:
    items: list[ItemResults]
    records: int
    limiters: list[LimiterFigure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _distribution(label: str, readings: Iterable[StoredReading], item: str) -> Distribution:
    counts = Counter(r.ratings[item] for r in readings if item in r.ratings)
    return Distribution(label, [counts[p] for p in range(1, 7)], counts[None])


def _engine_bundle(*, inspection: Inspection, programme: Programme) -> Bundle:
    """The stored inspection as the engine reads it. Ratings of items the current
    programme no longer has (readings made under an earlier version) are left out:
    no statistic can refer to them, and the bundle would refuse them."""

    def build() -> Bundle:
        data = inspection_bundle_data(inspection=inspection)
        known = {item.id for item in programme.reading_items}
        for reading in data["record_readings"]:
            reading["ratings"] = {k: v for k, v in reading["ratings"].items() if k in known}
        return parsed_bundle(data, inspection.programme)

    return kept_for_version(
        inspection=inspection, programme=programme, name="engine bundle", build=build
    )


def results_for(*, inspection: Inspection, programme: Programme) -> ResultsPage:
    """Per item, how the agreed readings rate it, overall and by care group; and each
    reading-share limiter as the engine evaluates it now. A fixed number of queries,
    and none but the data version's while the readings are unchanged (read-only)."""
    return kept_for_version(
        inspection=inspection,
        programme=programme,
        name="record results",
        build=lambda: _results(inspection=inspection, programme=programme),
    )


def _results(*, inspection: Inspection, programme: Programme) -> ResultsPage:
    readings = stored_readings(inspection=inspection)
    agreed = agreed_of(readings)
    labels = [programme.scale.label(p) for p in range(1, 7)]
    groups: list[tuple[str | None, str]] = [(g.id, g.label) for g in programme.care_groups]
    groups.append((None, "Not care experienced"))
    by_group: dict[str | None, list[StoredReading]] = defaultdict(list)
    for r in agreed:
        by_group[r.care_group].append(r)
    items = [
        ItemResults(
            id=item,
            title=title,
            overall=_distribution("All records", agreed, item),
            by_group=[_distribution(label, by_group[g], item) for g, label in groups],
            labels=labels,
        )
        for item, title in item_titles(programme, _rated_items(readings))
    ]
    page = ResultsPage(items=items, records=len(agreed))
    try:
        evaluation = evaluate(_engine_bundle(inspection=inspection, programme=programme), programme)
    except BundleInvalid as exc:
        page.problems = exc.problems
        evaluation = None
    pairs = reading_pairs(readings)
    for limiter in programme.limiters:
        condition = limiter.condition
        if not isinstance(condition, ShareMoreThan):
            continue
        statistic = programme.statistic(condition.statistic)
        if not isinstance(statistic, ReadingShare):
            continue
        at_or_below = programme.scale.parse(statistic.at_or_below) or 0
        check = None
        if evaluation is not None:
            checks = evaluation.indicators[limiter.indicator].checks
            check = next((c for c in checks if c.rule == limiter.id), None)
        page.limiters.append(
            LimiterFigure(
                title=limiter.title,
                check=check,
                sensitivity=limiter_under_second_readings(
                    used={r.record: r.ratings.get(statistic.item) for r in agreed},
                    second={
                        rec: second.ratings.get(statistic.item)
                        for rec, (_first, second) in pairs.items()
                    },
                    at_or_below=at_or_below,
                    threshold=condition.threshold,
                ),
            )
        )
    return page


def comparison_pair(
    *, inspection: Inspection, user: Any, record: str
) -> tuple[RecordReading, RecordReading, RecordReading | None]:
    """The two readings of a record read twice, and the agreed one if recorded.

    For the lead inspector and quality assurer, or either reader of the pair once both
    have submitted; anyone else, or a record not read twice, gets 404.
    """
    readings = list(
        RecordReading.objects.filter(inspection=inspection, record=record)
        .order_by("position")
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.order_by("id")))
    )
    if len(readings) < 2:
        raise Http404
    first, second = readings[0], readings[1]
    if not can_manage(inspection):
        name = user.get_username()
        blind = _blind_records(inspection=inspection, user=user).filter(
            sampled_record__record=record
        )
        if name not in (first.reader, second.reader) or blind.exists():
            raise Http404
    agreed = next((r for r in readings[2:] if r.agreed), None)
    return first, second, agreed
