"""Reads for the evaluation pages. Callers pass an inspection already authorised by
access_inspection_by_id (the views' rule decorator does it), so nothing here widens
what a person sees.

Every figure comes from the domain core evaluating the stored inspection as a bundle
(inspection_bundle), the same path `scrutiny evaluate` takes on an exported file, so
the page and the command line cannot disagree.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.http import Http404

from scrutiny.core import signoff
from scrutiny.core.bundle import Bundle
from scrutiny.core.evaluation import Evaluation, IndicatorEvaluation, evaluate
from scrutiny.core.methodology import EvaluatedIndicator, Programme, Scale, load_programme
from scrutiny.core.refusal import Refused
from scrutiny.core.statistics import agreed_readings
from scrutiny.core.sufficiency import Flag, check_sufficiency, evidence_for_indicator
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evaluations.models import (
    GroupEvaluation,
    Moderation,
    ProposedEvaluation,
    SignificantConcern,
    TeamJudgement,
)
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection


def moderation_for(*, inspection: Inspection) -> Moderation:
    """The stored moderation, or an unsaved one at `proposed` (version 1) before any."""
    row = Moderation.objects.filter(inspection=inspection).select_related("signed_off_by").first()
    return row or Moderation(inspection=inspection)


def core_moderation(row: Moderation) -> signoff.Moderation:
    meeting = None
    if row.meeting_held_on and row.agreed_snapshot:
        meeting = signoff.Meeting(
            held_on=row.meeting_held_on,
            present=tuple(row.meeting_present),
            recorded_by=row.agreed_by,
            snapshot=signoff.Freeze.from_json(row.agreed_snapshot),
        )
    signer = row.signed_off_by
    return signoff.Moderation(
        stage=signoff.Stage(row.stage),
        meeting=meeting,
        # Only the refusals' sentences use it: people by their full name.
        signed_off_by=(signer.get_full_name() or signer.get_username()) if signer else None,
        flags_accepted_because=row.flags_accepted_because,
        freeze=signoff.Freeze.from_json(row.freeze) if row.freeze else None,
    )


def inputs_lock_reasons(*, inspection: Inspection) -> list[str]:
    """Why no input the engine reads may change now (empty: they may).

    One answer for every input (proposals, group evaluations, judgements, serious
    failings, readings, survey responses): agreed or signed-off evaluations are locked
    until reopened with a reason. Services refuse with these; forms show them instead
    of their save button.
    """
    try:
        signoff.ensure_editable(core_moderation(moderation_for(inspection=inspection)))
    except Refused as refused:
        return refused.reasons
    return []


def ensure_inputs_editable(*, inspection: Inspection) -> None:
    """Refuse (Refused) a change to an engine input while the evaluations are locked.
    Call it inside the writing transaction, so a lock taken meanwhile is seen."""
    reasons = inputs_lock_reasons(inspection=inspection)
    if reasons:
        raise Refused(reasons)


def _involvement_of(event: dict[str, Any], stored: set[str]) -> signoff.Involvement | None:
    """`stored`: the survey imports whose responses were stored (counted by the engine)."""
    person, kind, subject = event["actor_name"], event["object_type"], event["object_id"]
    after = event["after"] or {}
    if kind == "proposed_evaluation":
        return signoff.Involvement(person, "proposal", subject)
    if kind in ("group_evaluation", "team_judgement", "record_reading"):
        return signoff.Involvement(person, kind, subject)
    # Deciding again, for a new reason, is deciding, even if the flag stays as it was.
    if kind == "significant_concern" and after.keys() & {
        "serious_failing",
        "serious_failing_reason",
    }:
        return signoff.Involvement(person, "serious_failing", subject)
    # Uploading a file that was imported, and mapping its columns or answers, choosing
    # which responses count or starting it, all decide the survey figures a cap reads.
    if kind == "survey_import" and subject in stored:
        return signoff.Involvement(person, "survey_response", subject)
    if kind == "survey_responses" and event["action"] == AuditEvent.Action.CREATE:
        return signoff.Involvement(person, "survey_response", subject)  # sent through the API
    if kind == "moderation" and after.get("stage") == signoff.Stage.AGREED:
        return signoff.Involvement(person, "agreement")
    return None


def involvement(*, inspection: Inspection) -> list[signoff.Involvement]:
    """Everyone's part in the evaluations over their whole history, from the audit
    trail: the trail is append-only, so a later re-save cannot hide an earlier author."""
    events = (
        AuditEvent.objects.filter(
            inspection=inspection,
            object_type__in=(
                "proposed_evaluation",
                "group_evaluation",
                "team_judgement",
                "record_reading",
                "significant_concern",
                "survey_import",
                "survey_responses",
                "moderation",
            ),
        )
        .exclude(action=AuditEvent.Action.VIEW)
        .order_by("id")
        .values("actor_name", "object_type", "object_id", "action", "after")
    )
    stored = {
        e["object_id"]
        for e in events
        if e["object_type"] == "survey_import"
        and e["action"] == AuditEvent.Action.IMPORT
        and e["after"]
    }
    found = (_involvement_of(e, stored) for e in events)
    return list(dict.fromkeys(i for i in found if i is not None))


def evidence_citations(*, inspection: Inspection) -> dict[str, list[str]]:
    """The evidence ids each proposal's rationale cites."""
    cited: dict[str, list[str]] = {
        p.indicator: [] for p in ProposedEvaluation.objects.filter(inspection=inspection)
    }
    for indicator, ident in ProposedEvaluation.evidence.through.objects.filter(
        proposedevaluation__inspection=inspection
    ).values_list("proposedevaluation__indicator", "evidence__ident"):
        cited[indicator].append(ident)
    return cited


def concern_list(*, inspection: Inspection) -> list[SignificantConcern]:
    return list(SignificantConcern.objects.filter(inspection=inspection).order_by("position"))


def access_concern_by_id(*, inspection: Inspection, concern_id: int) -> SignificantConcern:
    """A concern of this (already authorised) inspection, or 404."""
    concern = SignificantConcern.objects.filter(inspection=inspection, pk=concern_id).first()
    if concern is None:
        raise Http404
    return concern


def explain_final(ind: IndicatorEvaluation, scale: Scale) -> str:
    """The sentence beside the final evaluation: why it is what it is."""
    if ind.status == "not proposed":
        return "No evaluation has been proposed yet."
    proposed = scale.label(ind.proposed).lower()  # type: ignore[arg-type]
    if ind.status == "pending":
        return f"Proposed {proposed}, but not final until the pending points below are settled."
    if ind.cap is None:
        return f"No limiter applies, so the final evaluation is the proposal: {proposed}."
    cap = scale.label(ind.cap).lower()
    binding = [c.rule for c in ind.limiters if c.cap == ind.cap]
    if ind.cap < ind.proposed:  # type: ignore[operator]
        return (
            f"Proposed {proposed}, but {', '.join(binding)} caps QI {ind.id} at {cap}, so the "
            f"final evaluation is {cap}, the lower of the two."
        )
    return (
        f"The proposal ({proposed}) is at or below the cap ({cap}) set by "
        f"{', '.join(binding)}, so the final evaluation is {proposed}."
    )


@dataclass
class GroupRow:
    id: str
    label: str
    sampled: int
    evaluation: GroupEvaluation | None

    @property
    def pending(self) -> bool:
        """In the record sample without an evaluation: holds QI 2.1 pending."""
        return self.sampled > 0 and self.evaluation is None


@dataclass
class Workspace:
    programme: Programme
    bundle: Bundle
    evaluation: Evaluation
    indicators: list[dict[str, Any]]
    groups: list[GroupRow]
    flags: list[Flag]
    concerns: list[SignificantConcern]
    judgement: dict[str, Any] | None
    moderation: Moderation
    # Why inputs may not change now (agreed or signed off); empty while they may.
    locked: list[str] = field(default_factory=list)
    proposals: dict[str, ProposedEvaluation] = field(default_factory=dict)
    # Since sign-off: what changed, and whether recomputing still gives the frozen result.
    changes: list[str] = field(default_factory=list)
    recomputes: bool | None = None
    # Personal data erased after publication: recomputed from what remains.
    erased: bool = False
    # Since the meeting agreed: sign-off is refused until these are agreed again.
    changes_since_meeting: list[str] = field(default_factory=list)


def _indicator_rows(
    evaluation: Evaluation, scale: Scale, stage: str = Moderation.Stage.PROPOSED
) -> list[dict[str, Any]]:
    def label(value: int | None) -> str | None:
        return None if value is None else scale.label(value)

    return [
        {
            "id": ind.id,
            "title": ind.title,
            "proposed": label(ind.proposed),
            "cap": label(ind.cap),
            "final": label(ind.final),
            "status": ind.status,
            "status_words": signoff.status_words(ind.status, signoff.Stage(stage)),
            "explanation": explain_final(ind, scale),
            "checks": [
                {
                    "rule": c.rule,
                    "title": c.title,
                    "applies": c.applies,
                    "cap": scale.label(c.cap),
                    "detail": c.detail,
                    "margin": c.margin,
                }
                for c in ind.checks
            ],
            "pending": list(ind.pending),
        }
        for ind in evaluation.indicators.values()
    ]


def evaluation_workspace(*, inspection: Inspection) -> Workspace:
    programme = load_programme(inspection.programme)
    bundle = inspection_bundle(inspection=inspection)
    evaluation = evaluate(bundle, programme)
    evaluations = {g.care_group: g for g in GroupEvaluation.objects.filter(inspection=inspection)}
    groups = [
        GroupRow(g.id, g.label, evaluation.sampled_groups.get(g.id, 0), evaluations.get(g.id))
        for g in programme.care_groups
    ]
    moderation = moderation_for(inspection=inspection)
    workspace = Workspace(
        programme=programme,
        bundle=bundle,
        evaluation=evaluation,
        indicators=_indicator_rows(evaluation, programme.scale, moderation.stage),
        groups=groups,
        flags=check_sufficiency(
            bundle, programme, citations=evidence_citations(inspection=inspection)
        ),
        concerns=concern_list(inspection=inspection),
        judgement=judgement_view(inspection=inspection, programme=programme, evaluation=evaluation),
        moderation=moderation,
        proposals={
            p.indicator: p for p in ProposedEvaluation.objects.filter(inspection=inspection)
        },
        locked=inputs_lock_reasons(inspection=inspection),
    )
    if moderation.stage == Moderation.Stage.AGREED and moderation.agreed_snapshot:
        agreed = signoff.Freeze.from_json(moderation.agreed_snapshot)
        workspace.changes_since_meeting = signoff.differences(
            agreed.inputs, signoff.evaluation_inputs(bundle)
        )
    if moderation.freeze:
        frozen = signoff.Freeze.from_json(moderation.freeze)
        workspace.changes = signoff.differences(frozen.inputs, signoff.evaluation_inputs(bundle))
        workspace.recomputes = signoff.recompute_matches(frozen, bundle)
        erased = moderation.freeze.get("erased_inputs_sha256")
        if erased and not workspace.recomputes:
            # Personal data was erased after publication (scrutiny.web.retention): the
            # signed-off fingerprint stays, and what remains must give the same result.
            workspace.recomputes = signoff.recompute_matches(
                replace(frozen, inputs_sha256=erased), bundle
            )
            workspace.erased = True
    return workspace


def judgement_view(
    *, inspection: Inspection, programme: Programme, evaluation: Evaluation
) -> dict[str, Any] | None:
    """The programme's judgement beside the figures behind it and the team's record
    (None for a programme that leaves no judgement to the team)."""
    if not programme.judgements:
        return None
    judgement = programme.judgements[0]
    share = evaluation.statistics.get(judgement.statistic) if judgement.statistic else None
    alert = evaluation.alert_for(judgement.statistic) if judgement.statistic else None
    record = TeamJudgement.objects.filter(inspection=inspection, judgement=judgement.id).first()
    return {
        "id": judgement.id,
        "question": judgement.question,
        "help": judgement.help,
        "figures": alert.sentence() if alert else share.sentence() if share else "",
        "decision": None if record is None else record.decision,
        "record": record,
    }


@dataclass
class IndicatorPage:
    evaluated: EvaluatedIndicator
    row: dict[str, Any]
    proposal: ProposedEvaluation | None
    # kind label -> source label -> notes
    evidence: list[tuple[str, list[tuple[str, list[Evidence]]]]]
    evidence_count: int
    statistics: list[dict[str, Any]]
    item_ratings: list[dict[str, Any]]
    scale: list[dict[str, Any]]
    flags: list[Flag]
    cited: set[int]


def indicator_page(*, inspection: Inspection, indicator: str) -> IndicatorPage:
    programme = load_programme(inspection.programme)
    evaluated = programme.evaluated_indicator(indicator)
    if evaluated is None:
        raise Http404
    bundle = inspection_bundle(inspection=inspection)
    evaluation = evaluate(bundle, programme)
    stage = moderation_for(inspection=inspection).stage
    row = next(
        r for r in _indicator_rows(evaluation, programme.scale, stage) if r["id"] == indicator
    )
    idents = [e.id for e in evidence_for_indicator(bundle, programme, indicator)]
    notes = list(
        Evidence.objects.filter(inspection=inspection, ident__in=idents).order_by("position")
    )
    grouped: dict[str, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
    for note in notes:
        grouped[note.get_kind_display()][note.get_source_display()].append(note)
    kinds = [label for _, label in Evidence.Kind.choices]
    proposal = (
        ProposedEvaluation.objects.filter(inspection=inspection, indicator=indicator)
        .prefetch_related("evidence")
        .first()
    )
    subject = f"QI {indicator}"
    flags = check_sufficiency(
        bundle, programme, citations=evidence_citations(inspection=inspection)
    )
    return IndicatorPage(
        evaluated=evaluated,
        row=row,
        proposal=proposal,
        evidence=[(k, sorted(grouped[k].items())) for k in kinds if k in grouped],
        evidence_count=len(notes),
        statistics=_statistics_for(programme, evaluation, indicator),
        item_ratings=_item_ratings(programme, bundle, evaluated),
        scale=[
            {"value": p.value, "label": p.label, "meaning": p.meaning}
            for p in sorted(programme.scale.points, key=lambda p: -p.value)
        ],
        flags=[f for f in flags if f.subject == subject],
        cited={e.pk for e in proposal.evidence.all()} if proposal else set(),
    )


def _statistics_for(
    programme: Programme, evaluation: Evaluation, indicator: str
) -> list[dict[str, Any]]:
    """The figures the indicator's limiter and pending rules read."""
    ids: list[str] = []
    for rule in [*programme.limiters, *programme.pending]:
        if rule.indicator != indicator:
            continue
        statistic = getattr(rule.condition, "statistic", None)
        judgement = getattr(rule.condition, "judgement", None)
        if judgement:
            statistic = statistic or next(
                j.statistic for j in programme.judgements if j.id == judgement
            )
        if statistic and statistic not in ids:
            ids.append(statistic)
    return [
        {
            "id": s,
            "title": programme.statistic(s).title,
            "sentence": evaluation.statistics[s].sentence(),
            "count": evaluation.statistics[s].count,
            "denominator": evaluation.statistics[s].denominator,
        }
        for s in ids
    ]


def _item_ratings(
    programme: Programme, bundle: Bundle, evaluated: EvaluatedIndicator
) -> list[dict[str, Any]]:
    """How the agreed readings rate the reading-tool items tagged to this indicator."""
    tags = {evaluated.id, *evaluated.covers}
    items = [i for i in programme.reading_items if tags.intersection(i.indicators)]
    agreed = agreed_readings(bundle.record_readings)
    out = []
    for item in items:
        counts = Counter(r.ratings[item.id] for r in agreed if item.id in r.ratings)
        out.append(
            {
                "title": item.title,
                "counts": [counts.get(v, 0) for v in (6, 5, 4, 3, 2, 1)],
                "not_applicable": counts.get(None, 0),
            }
        )
    return out
