"""Import and export of inspection bundles (shared/spec/inspection-bundle.md).

The domain core validates and writes the JSON; this module maps it to and from the
tables. Import is all or nothing: the bundle is fully validated before the first row
is written, and the rows are written in one transaction. Export → import → export gives
the same bytes because rows keep their bundle order (`position`) and the core writes
canonical JSON.
"""

import hashlib
import threading
from collections import OrderedDict, defaultdict
from typing import Any

import orjson
from django.db import transaction

from scrutiny.core.bundle import FORMAT, Bundle, BundleInvalid, dump_bundle, parse_bundle
from scrutiny.core.methodology import Programme, UnknownProgramme, load_programme
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_record
from scrutiny.web.evaluations.models import (
    GroupEvaluation,
    ProposedEvaluation,
    SignificantConcern,
    TeamJudgement,
)
from scrutiny.web.evidence.models import Evidence, EvidenceIndicator, EvidenceQuestion
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.versioned import kept_for_version
from scrutiny.web.planner import refresh_planner_statistics
from scrutiny.web.records.models import Rating, RecordReading
from scrutiny.web.reports.bundle_rows import report_rows_create, report_section_data
from scrutiny.web.reports.models import Citation, Statement
from scrutiny.web.surveys.models import Answer, SurveyResponse


def bundle_import(*, actor: Any, data: bytes | str) -> Inspection:
    """Create an inspection from a bundle, or raise BundleInvalid listing every problem."""
    bundle = parse_bundle(data)
    reference = bundle.inspection.reference
    if Inspection.objects.filter(reference=reference).exists():
        raise BundleInvalid([f"inspection.reference: an inspection {reference!r} already exists"])
    raw = data.encode() if isinstance(data, str) else data
    with transaction.atomic():
        inspection = _create_rows(bundle)
        refresh_planner_statistics(
            RecordReading,
            Rating,
            SurveyResponse,
            Answer,
            Evidence,
            EvidenceQuestion,
            EvidenceIndicator,
            Statement,
            Citation,
        )
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.IMPORT,
            object_type="inspection",
            object_id=inspection.pk,
            summary=f"Imported bundle for {reference}",
            after={
                "reference": reference,
                "sha256": hashlib.sha256(raw).hexdigest(),
                "record_readings": len(bundle.record_readings),
                "survey_responses": len(bundle.survey_responses),
                "evidence": len(bundle.evidence),
                "significant_concerns": len(bundle.significant_concerns),
                "report_statements": len(bundle.report.statements()) if bundle.report else 0,
            },
        )
        # The bundle holds no timetable: the programme's, dated from the inspection's start.
        from scrutiny.web.plans.services import plan_create

        plan_create(actor=actor, inspection=inspection, notification_date=inspection.start)
    return inspection


def _create_rows(bundle: Bundle) -> Inspection:
    inspection = Inspection.objects.create(
        reference=bundle.inspection.reference,
        partnership=bundle.inspection.partnership,
        programme=bundle.programme,
        start=bundle.inspection.start,
    )
    readings = RecordReading.objects.bulk_create(
        RecordReading(
            inspection=inspection,
            position=i,
            record=r.record,
            reader=r.reader,
            care_group=r.care_group,
            agreed=r.agreed,
        )
        for i, r in enumerate(bundle.record_readings)
    )
    Rating.objects.bulk_create(
        (
            Rating(reading=row, item=item, value=value)
            for row, r in zip(readings, bundle.record_readings, strict=True)
            for item, value in r.ratings.items()
        ),
        batch_size=2000,
    )
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            inspection=inspection,
            position=i,
            survey=s.survey,
            respondent=s.respondent,
            care_group=s.care_group,
        )
        for i, s in enumerate(bundle.survey_responses)
    )
    Answer.objects.bulk_create(
        (
            Answer(response=row, item=item, value=value)
            for row, s in zip(responses, bundle.survey_responses, strict=True)
            for item, value in s.answers.items()
        ),
        batch_size=2000,
    )
    notes = Evidence.objects.bulk_create(
        Evidence(
            inspection=inspection,
            position=i,
            ident=e.id,
            source=e.source,
            text=e.text,
            kind=e.kind,
            care_group=e.care_group,
            date=e.date,
            source_label=e.label or "",
        )
        for i, e in enumerate(bundle.evidence)
    )
    EvidenceQuestion.objects.bulk_create(
        EvidenceQuestion(evidence=row, question=q)
        for row, e in zip(notes, bundle.evidence, strict=True)
        for q in e.questions
    )
    EvidenceIndicator.objects.bulk_create(
        EvidenceIndicator(evidence=row, indicator=ind)
        for row, e in zip(notes, bundle.evidence, strict=True)
        for ind in e.indicators
    )
    SignificantConcern.objects.bulk_create(
        SignificantConcern(
            inspection=inspection,
            position=i,
            ident=c.id,
            summary=c.summary,
            serious_failing=c.serious_failing,
        )
        for i, c in enumerate(bundle.significant_concerns)
    )
    GroupEvaluation.objects.bulk_create(
        GroupEvaluation(inspection=inspection, care_group=group, value=value)
        for group, value in bundle.group_evaluations.items()
    )
    ProposedEvaluation.objects.bulk_create(
        ProposedEvaluation(inspection=inspection, indicator=indicator, value=value)
        for indicator, value in bundle.proposed_evaluations.items()
    )
    # The bundle carries the decision only: no reason, person or time to put beside it.
    TeamJudgement.objects.bulk_create(
        TeamJudgement(inspection=inspection, judgement=judgement, decision=decision)
        for judgement, decision in bundle.team_judgements.items()
    )
    report_rows_create(inspection=inspection, section=bundle.report, evidence=notes)
    return inspection


def inspection_bundle(*, inspection: Inspection) -> Bundle:
    """The stored inspection as a validated bundle, in a fixed number of queries.

    Neither read nor validated again while the inspection's data is unchanged
    (versioned.py says how a change is known). Callers treat the bundle as read-only
    (none assigns to one), which is what makes sharing it between requests safe.
    """

    def build() -> Bundle:
        return parsed_bundle(inspection_bundle_data(inspection=inspection), inspection.programme)

    try:
        programme = load_programme(inspection.programme)
    except UnknownProgramme:  # validating the data says what is wrong
        return build()
    return kept_for_version(inspection=inspection, programme=programme, name="bundle", build=build)


def parsed_bundle(data: dict[str, Any], programme_id: str) -> Bundle:
    """`data` validated into a Bundle, or the Bundle validated from exactly the same data
    before (keyed by a digest of the data itself, so it is never stale); raises
    BundleInvalid as `parse_bundle` does."""
    try:
        key = hashlib.blake2b(orjson.dumps(data), digest_size=20).digest()
        # Validation reads the programme too: a reloaded programme is a new object.
        programme = load_programme(programme_id)
    except (TypeError, UnknownProgramme):  # validating it will say what is wrong
        return parse_bundle(data)
    with _PARSED_LOCK:
        cached = _PARSED.get(key)
        if cached is not None and cached[0] is programme:
            _PARSED.move_to_end(key)
            return cached[1]
    bundle = parse_bundle(data)
    with _PARSED_LOCK:
        _PARSED[key] = (programme, bundle)
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return bundle


# Bundles validated recently, by the digest of their data (a 100-record inspection's
# bundle is a few MB of objects; a handful of inspections are open at any one time).
_PARSED: "OrderedDict[bytes, tuple[Programme, Bundle]]" = OrderedDict()
_PARSED_MAX = 8
_PARSED_LOCK = threading.Lock()


def inspection_bundle_data(*, inspection: Inspection) -> dict[str, Any]:
    """The stored inspection as plain bundle data (scale points as integers)."""
    ratings: dict[int, dict[str, int | None]] = defaultdict(dict)
    for reading_id, item, value in (
        Rating.objects.filter(reading__inspection=inspection)
        .order_by("id")
        .values_list("reading_id", "item", "value")
    ):
        ratings[reading_id][item] = value
    answers: dict[int, dict[str, str | None]] = defaultdict(dict)
    for response_id, item, value in (
        Answer.objects.filter(response__inspection=inspection, response__pending=False)
        .order_by("id")
        .values_list("response_id", "item", "value")
    ):
        answers[response_id][item] = value
    questions: dict[int, list[int]] = defaultdict(list)
    for evidence_id, question in (
        EvidenceQuestion.objects.filter(evidence__inspection=inspection)
        .order_by("id")
        .values_list("evidence_id", "question")
    ):
        questions[evidence_id].append(question)
    indicators: dict[int, list[str]] = defaultdict(list)
    for evidence_id, indicator in (
        EvidenceIndicator.objects.filter(evidence__inspection=inspection)
        .order_by("id")
        .values_list("evidence_id", "indicator")
    ):
        indicators[evidence_id].append(indicator)

    section = report_section_data(inspection=inspection)
    report = {} if section is None else {"report": section}
    return {
        "format": FORMAT,
        "programme": inspection.programme,
        "inspection": {
            "reference": inspection.reference,
            "partnership": inspection.partnership,
            "start": inspection.start.isoformat(),
        },
        "record_readings": [
            {
                "record": record,
                "reader": reader,
                "care_group": care_group,
                "ratings": ratings[pk],
                "agreed": agreed,
            }
            for pk, record, reader, care_group, agreed in RecordReading.objects.filter(
                inspection=inspection
            )
            .order_by("position")
            .values_list("id", "record", "reader", "care_group", "agreed")
        ],
        "survey_responses": [
            {
                "survey": survey,
                "respondent": respondent,
                "care_group": care_group,
                "answers": answers[pk],
            }
            for pk, survey, respondent, care_group in SurveyResponse.objects.filter(
                inspection=inspection, pending=False
            )
            .order_by("position")
            .values_list("id", "survey", "respondent", "care_group")
        ],
        "evidence": [
            {
                "id": ident,
                "source": source,
                "text": text,
                "questions": questions[pk],
                "indicators": indicators[pk],
                "kind": kind,
                "care_group": care_group,
                # Extensions, written only when set (docs/spec/bundle-extensions.md).
                **({"date": when.isoformat()} if when else {}),
                **({"label": label} if label else {}),
            }
            for pk, ident, source, text, kind, care_group, when, label in Evidence.objects.filter(
                inspection=inspection
            )
            .order_by("position")
            .values_list(
                "id", "ident", "source", "text", "kind", "care_group", "date", "source_label"
            )
        ],
        "significant_concerns": [
            {"id": ident, "summary": summary, "serious_failing": serious}
            for ident, summary, serious in SignificantConcern.objects.filter(inspection=inspection)
            .order_by("position")
            .values_list("ident", "summary", "serious_failing")
        ],
        "group_evaluations": dict(
            GroupEvaluation.objects.filter(inspection=inspection)
            .order_by("id")
            .values_list("care_group", "value")
        ),
        "proposed_evaluations": dict(
            ProposedEvaluation.objects.filter(inspection=inspection)
            .order_by("id")
            .values_list("indicator", "value")
        ),
        "team_judgements": dict(
            TeamJudgement.objects.filter(inspection=inspection)
            .order_by("id")
            .values_list("judgement", "decision")
        ),
        **report,
    }


def bundle_export(*, actor: Any, inspection: Inspection) -> bytes:
    """The inspection as canonical bundle JSON; the export is logged (children's data)."""
    content = dump_bundle(inspection_bundle(inspection=inspection))
    with transaction.atomic():
        audit_record(
            actor=actor,
            inspection=inspection,
            action=AuditEvent.Action.EXPORT,
            object_type="inspection",
            object_id=inspection.pk,
            summary=f"Exported bundle for {inspection.reference}",
            after={"sha256": hashlib.sha256(content).hexdigest()},
        )
    return content
