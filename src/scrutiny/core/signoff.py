"""Moderation and sign-off of an inspection's evaluations, as a pure state machine.

    proposed --agree--> agreed --sign_off--> signed off (locked)
        ^                 |                      |
        +----reopen-------+----------reopen------+      (reopening needs a reason)

- *agree*: at the evaluation meeting, recording when and who was present. Every
  evaluated indicator must have a proposal and none may be pending. The inputs are
  snapshotted so that sign-off can tell whether they changed after the meeting.
- *sign off*: by a quality assurer independent of the evaluations (see `Involvement`:
  nobody who ever proposed, changed or agreed an indicator's evaluation, or recorded an
  input that feeds its limiters, signs it off); refused while
  anything is pending, while the inputs differ from what the meeting agreed, or while
  evidence is flagged as insufficient unless the quality assurer records why it is
  acceptable. Sign-off freezes the evaluation: programme id and version, engine
  version, a SHA-256 of the canonical inputs and the evaluation JSON.
- Agreed and signed-off evaluations are locked: no input the engine reads (proposals,
  group evaluations, judgements, serious failings, readings, survey responses) changes
  until they are reopened with a reason.

Every transition returns a new `Moderation` and a `Transition` whose sentence goes into
the audit trail; refusals raise `Refused` listing every reason at once.

"Inputs" are exactly what the engine reads (see INPUT_KEYS), so "recomputing gives the
identical result" is checkable: same inputs, same programme version, same engine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

import orjson

from scrutiny.core.bundle import Bundle, bundle_to_dict
from scrutiny.core.evaluation import ENGINE_VERSION, evaluate
from scrutiny.core.methodology import (
    AnyGroupAtOrBelow,
    AnySeriousFailing,
    Programme,
    SampledGroupUnevaluated,
    ShareMoreThan,
    ShareUnjudged,
    SurveyShare,
    TeamJudgement,
    UnknownProgramme,
    load_programme,
)
from scrutiny.core.refusal import Refused
from scrutiny.core.sufficiency import Flag

# The parts of a bundle the evaluation engine reads. Evidence and the report are not
# inputs: editing a note's wording after sign-off does not change a grade.
INPUT_KEYS = (
    "programme",
    "record_readings",
    "survey_responses",
    "significant_concerns",
    "group_evaluations",
    "proposed_evaluations",
    "team_judgements",
)

QUALITY_ASSURER = "quality_assurer"


class Stage(StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    SIGNED_OFF = "signed off"


@dataclass(frozen=True)
class Freeze:
    """The evaluation as it stood at a moment, with what it rested on."""

    programme_id: str
    programme_version: str
    engine_version: str
    inputs_sha256: str
    inputs: dict[str, Any]
    evaluation: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "programme_id": self.programme_id,
            "programme_version": self.programme_version,
            "engine_version": self.engine_version,
            "inputs_sha256": self.inputs_sha256,
            "inputs": self.inputs,
            "evaluation": self.evaluation,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Freeze:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Meeting:
    """The evaluation meeting that agreed the evaluations."""

    held_on: date
    present: tuple[str, ...]
    recorded_by: str
    snapshot: Freeze


@dataclass(frozen=True)
class Moderation:
    stage: Stage = Stage.PROPOSED
    meeting: Meeting | None = None
    signed_off_by: str | None = None
    # Why the quality assurer accepted flagged evidence, if any was flagged.
    flags_accepted_because: str = ""
    freeze: Freeze | None = None

    @property
    def locked(self) -> bool:
        return self.stage is not Stage.PROPOSED


@dataclass(frozen=True)
class Involvement:
    """One person's part in what an evaluation rests on, from the audit trail.

    `input` is one of INVOLVEMENTS; `subject` says which one (the indicator of a
    proposal, the judgement id, the care group...). Only its kind matters for
    independence, except for proposals, which concern their own indicator.
    """

    person: str
    input: str
    subject: str = ""


# What a person may have done, in the words a refusal uses.
INVOLVEMENTS = {
    "proposal": "proposed or changed the proposed evaluation",
    "agreement": "recorded the evaluation meeting's agreement",
    "group_evaluation": "evaluated a care group's wellbeing",
    "team_judgement": "recorded the team's judgement",
    "serious_failing": "decided whether a significant concern is a serious failing",
    "record_reading": "recorded a reading of a record",
    "survey_response": "imported survey responses",
}


def cap_inputs(programme: Programme, indicator: str) -> set[str]:
    """The kinds of input that feed an indicator's limiters and pending rules."""
    kinds: set[str] = set()
    conditions: list[object] = [r.condition for r in programme.limiters if r.indicator == indicator]
    conditions += [r.condition for r in programme.pending if r.indicator == indicator]
    for c in conditions:
        if isinstance(c, AnySeriousFailing):
            kinds.add("serious_failing")
        elif isinstance(c, (AnyGroupAtOrBelow, SampledGroupUnevaluated)):
            kinds.add("group_evaluation")
        elif isinstance(c, TeamJudgement):
            kinds.add("team_judgement")
        elif isinstance(c, (ShareMoreThan, ShareUnjudged)):
            statistic = programme.statistic(c.statistic)
            kinds.add("survey_response" if isinstance(statistic, SurveyShare) else "record_reading")
            if isinstance(c, ShareUnjudged):
                kinds.add("team_judgement")
    return kinds


def independence_reasons(
    by: str, involvement: Sequence[Involvement], programme: Programme
) -> list[str]:
    """Why `by` may not sign off: each indicator whose evaluation they had a hand in."""
    mine = [i for i in involvement if i.person == by]
    reasons = []
    for evaluated in programme.evaluated:
        feeds = cap_inputs(programme, evaluated.id)
        did = [
            kind
            for kind in INVOLVEMENTS
            if any(
                i.input == kind
                and (
                    (kind == "proposal" and i.subject == evaluated.id)
                    or kind == "agreement"
                    or kind in feeds
                )
                for i in mine
            )
        ]
        if did:
            what = "; ".join(INVOLVEMENTS[kind] for kind in did)
            reasons.append(
                f"You cannot sign off QI {evaluated.id}: you {what}. A quality assurer "
                "independent of the evaluation must sign it off"
            )
    return reasons


@dataclass(frozen=True)
class Transition:
    action: str  # "agree", "sign off" or "reopen"
    by: str
    before: Stage
    after: Stage
    summary: str


def evaluation_inputs(bundle: Bundle) -> dict[str, Any]:
    data = bundle_to_dict(bundle)
    inputs = {key: data[key] for key in INPUT_KEYS}
    # The engine reads a concern only when it is a serious failing. Others stay outside
    # the fingerprint, so a concern about a child at risk can be raised, escalated and
    # resolved at any time without unsettling agreed or signed-off evaluations.
    inputs["significant_concerns"] = [
        c for c in inputs["significant_concerns"] if c["serious_failing"]
    ]
    return inputs


def inputs_sha256(inputs: Mapping[str, Any]) -> str:
    # Sorted keys: the hash must not depend on the order rows came out of a database.
    # List order is kept, since it matters (the first of two unagreed readings counts).
    return hashlib.sha256(orjson.dumps(inputs, option=orjson.OPT_SORT_KEYS)).hexdigest()


def freeze(bundle: Bundle, programme: Programme) -> Freeze:
    inputs = evaluation_inputs(bundle)
    return Freeze(
        programme_id=programme.id,
        programme_version=programme.version,
        engine_version=ENGINE_VERSION,
        inputs_sha256=inputs_sha256(inputs),
        inputs=inputs,
        evaluation=evaluate(bundle, programme).to_json(),
    )


def recompute_matches(frozen: Freeze, bundle: Bundle) -> bool:
    """Whether evaluating `bundle` today gives exactly the frozen inputs and result."""
    programme = load_programme(bundle.programme)
    now = freeze(bundle, programme)
    return (
        now.programme_id == frozen.programme_id
        and now.programme_version == frozen.programme_version
        and now.engine_version == frozen.engine_version
        and now.inputs_sha256 == frozen.inputs_sha256
        and now.evaluation == frozen.evaluation
    )


def ensure_editable(moderation: Moderation) -> None:
    """Refuse a change to the team's evaluation inputs while they are agreed or signed off."""
    if moderation.stage is Stage.SIGNED_OFF:
        raise Refused(
            [
                f"The evaluations are signed off by {moderation.signed_off_by} and locked: "
                "reopen them, giving a reason, to change them"
            ]
        )
    if moderation.stage is Stage.AGREED:
        # A row agreed without its meeting's record (an older database) is locked all the same.
        held = f" on {_day(moderation.meeting.held_on)}" if moderation.meeting else ""
        raise Refused(
            [
                f"The evaluations were agreed at the evaluation meeting{held}: "
                "reopen them, giving a reason, to change them"
            ]
        )


def agree(
    moderation: Moderation,
    *,
    by: str,
    held_on: date,
    present: Sequence[str],
    bundle: Bundle,
    programme: Programme,
) -> tuple[Moderation, Transition]:
    reasons = []
    if moderation.stage is not Stage.PROPOSED:
        reasons.append(f"The evaluations are already {moderation.stage}")
    attendees = tuple(dict.fromkeys(p.strip() for p in present if p.strip()))
    if not attendees:
        reasons.append("Record who was present at the evaluation meeting")
    snapshot = freeze(bundle, programme)
    reasons += _unfinished(snapshot)
    if reasons:
        raise Refused(reasons)
    meeting = Meeting(held_on, attendees, by, snapshot)
    summary = (
        f"Evaluations agreed at the evaluation meeting on {_day(held_on)} "
        f"(present: {', '.join(attendees)}): {_finals(snapshot)}"
    )
    after = Moderation(Stage.AGREED, meeting)
    return after, Transition("agree", by, moderation.stage, after.stage, summary)


def sign_off(
    moderation: Moderation,
    *,
    by: str,
    role: str | None,
    involvement: Sequence[Involvement],
    bundle: Bundle,
    programme: Programme,
    flags: Sequence[Flag] = (),
    flags_accepted_because: str = "",
) -> tuple[Moderation, Transition]:
    """Sign off the agreed evaluations. `involvement` is everyone's part in them, over
    their whole history (not only who saved last)."""
    reasons = []
    if moderation.stage is Stage.PROPOSED:
        reasons.append("The evaluations must be agreed at the evaluation meeting before sign-off")
    elif moderation.stage is Stage.SIGNED_OFF:
        reasons.append(f"The evaluations are already signed off by {moderation.signed_off_by}")
    if role != QUALITY_ASSURER:
        reasons.append("Only a quality assurer may sign off the evaluations")
    reasons += independence_reasons(by, involvement, programme)
    now = freeze(bundle, programme)
    reasons += _unfinished(now)
    if moderation.meeting is not None:
        changed = differences(moderation.meeting.snapshot.inputs, now.inputs)
        if changed:
            reasons.append(
                "The evaluation inputs changed after the evaluation meeting agreed them "
                f"({'; '.join(changed)}): reopen and agree them again"
            )
    accepted = flags_accepted_because.strip()
    if flags and not accepted:
        reasons.append(
            f"Evidence is flagged as insufficient ({'; '.join(f.message for f in flags)}): "
            "give the reason it is acceptable to sign off, or add evidence"
        )
    if reasons:
        raise Refused(reasons)
    after = replace(
        moderation,
        stage=Stage.SIGNED_OFF,
        signed_off_by=by,
        flags_accepted_because=accepted if flags else "",
        freeze=now,
    )
    summary = f"Evaluations signed off and locked: {_finals(now)}"
    if flags:
        summary += f" (insufficient evidence accepted: {accepted})"
    return after, Transition("sign off", by, moderation.stage, after.stage, summary)


def reopen(moderation: Moderation, *, by: str, reason: str) -> tuple[Moderation, Transition]:
    reasons = []
    if moderation.stage is Stage.PROPOSED:
        reasons.append(
            "The evaluations are not agreed or signed off, so there is nothing to reopen"
        )
    if not reason.strip():
        reasons.append("Give the reason for reopening the evaluations")
    if reasons:
        raise Refused(reasons)
    summary = f"Evaluations reopened (they were {moderation.stage}): {reason.strip()}"
    return Moderation(), Transition("reopen", by, moderation.stage, Stage.PROPOSED, summary)


def status_words(status: str, stage: Stage) -> str:
    """An indicator's status as the team reads it: the engine's "final" means no rule
    holds it pending, not that anyone agreed it, so the moderation stage says which."""
    if status == "not proposed":
        return "Not proposed"
    if status == "pending":
        return "Pending"
    return {
        Stage.PROPOSED: "Proposed, not yet agreed",
        Stage.AGREED: "Agreed at the evaluation meeting",
        Stage.SIGNED_OFF: "Signed off",
    }[stage]


def _unfinished(snapshot: Freeze) -> list[str]:
    reasons = []
    for indicator_id, ind in snapshot.evaluation["indicators"].items():
        if ind["status"] == "not proposed":
            reasons.append(f"QI {indicator_id} has no proposed evaluation")
        reasons += [f"QI {indicator_id} is pending: {reason}" for reason in ind["pending"]]
    return reasons


def _finals(snapshot: Freeze) -> str:
    return ", ".join(
        f"QI {i} {ind['final']}" for i, ind in snapshot.evaluation["indicators"].items()
    )


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# What changed, in an inspector's words.


def differences(frozen_inputs: Mapping[str, Any], current_inputs: Mapping[str, Any]) -> list[str]:
    """Every change between two sets of evaluation inputs, one sentence each."""
    was, now = frozen_inputs, current_inputs
    words = _Words(str(now.get("programme") or was.get("programme")))
    out: list[str] = []
    if was.get("programme") != now.get("programme"):
        out.append(f"The programme changed from {was.get('programme')} to {now.get('programme')}")
    out += _point_changes(
        "the proposed evaluation of QI {}",
        was.get("proposed_evaluations", {}),
        now.get("proposed_evaluations", {}),
    )
    out += _point_changes(
        "the wellbeing evaluation of {}",
        words.groups(was.get("group_evaluations", {})),
        words.groups(now.get("group_evaluations", {})),
    )
    out += _judgement_changes(words, was.get("team_judgements", {}), now.get("team_judgements", {}))
    out += _concern_changes(
        was.get("significant_concerns", []), now.get("significant_concerns", [])
    )
    out += _reading_changes(words, was.get("record_readings", []), now.get("record_readings", []))
    out += _response_changes(was.get("survey_responses", []), now.get("survey_responses", []))
    return out


def _point_changes(what: str, was: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    out = []
    for key in [*was, *(k for k in now if k not in was)]:
        subject = what.format(key)
        before, after = was.get(key), now.get(key)
        if before == after:
            continue
        if before is None:
            out.append(f"{_capital(subject)} was set to {after}")
        elif after is None:
            out.append(f"{_capital(subject)} ({before}) was removed")
        else:
            out.append(f"{_capital(subject)} changed from {before} to {after}")
    return out


@dataclass(frozen=True)
class _Words:
    """The programme's own names for care groups, reading items and judgements."""

    programme_id: str

    @property
    def programme(self) -> Programme | None:
        try:
            return load_programme(self.programme_id)
        except UnknownProgramme:
            return None

    def groups(self, groups: Mapping[str, Any]) -> dict[str, Any]:
        p = self.programme
        return {
            (p.care_group_label(g).lower() if p else g.replace("_", " ")): value
            for g, value in groups.items()
        }

    def item(self, item_id: str) -> str:
        p = self.programme
        item = next((i for i in p.reading_items if i.id == item_id), None) if p else None
        return item.title[:1].lower() + item.title[1:] if item else item_id.replace("_", " ")

    def judgement(self, judgement_id: str) -> str:
        p = self.programme
        found = next((j for j in p.judgements if j.id == judgement_id), None) if p else None
        return repr(found.question) if found else repr(judgement_id.replace("_", " "))


def _decision(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "not yet decided"}[value]


def _judgement_changes(
    words: _Words, was: Mapping[str, bool], now: Mapping[str, bool]
) -> list[str]:
    return [
        f"The team's answer to {words.judgement(key)} changed from "
        f"{_decision(was.get(key))} to {_decision(now.get(key))}"
        for key in [*was, *(k for k in now if k not in was)]
        if was.get(key) != now.get(key)
    ]


def _concern_changes(was: list[dict[str, Any]], now: list[dict[str, Any]]) -> list[str]:
    # Only serious failings are inputs (see evaluation_inputs); older snapshots held
    # every concern, so both sides are read the same way here.
    before = {c["id"]: c for c in was if c["serious_failing"]}
    after = {c["id"]: c for c in now if c["serious_failing"]}
    out = []
    for ident, concern in after.items():
        old = before.get(ident)
        if old is None:
            out.append(f"Significant concern {ident} is now recorded as a serious failing")
        elif old["summary"] != concern["summary"]:
            out.append(f"The summary of significant concern {ident} was changed")
    out += [
        f"Significant concern {ident} is no longer recorded as a serious failing"
        for ident in before
        if ident not in after
    ]
    return out


def _reading_changes(
    words: _Words, was: list[dict[str, Any]], now: list[dict[str, Any]]
) -> list[str]:
    before = {(r["record"], r["reader"]): r for r in was}
    after = {(r["record"], r["reader"]): r for r in now}
    out = []
    for (record, reader), reading in after.items():
        old = before.get((record, reader))
        which = f"record {record} by {reader}"
        if old is None:
            out.append(f"A reading of {which} was added")
            continue
        for item in [*old["ratings"], *(i for i in reading["ratings"] if i not in old["ratings"])]:
            a, b = old["ratings"].get(item), reading["ratings"].get(item)
            if a != b:
                out.append(
                    f"In the reading of {which}, {words.item(item)} changed from "
                    f"{a or 'not applicable'} to {b or 'not applicable'}"
                )
        if old.get("care_group") != reading.get("care_group"):
            out.append(f"The care group of the reading of {which} was changed")
        if bool(old.get("agreed")) != bool(reading.get("agreed")):
            state = "now" if reading.get("agreed") else "no longer"
            out.append(f"The reading of {which} is {state} the agreed reading")
    out += [
        f"The reading of record {r} by {p} was removed" for r, p in before if (r, p) not in after
    ]
    if not out and [(r["record"], r["reader"]) for r in was] != [
        (r["record"], r["reader"]) for r in now
    ]:
        out.append("The order of the record readings changed")
    return out


def _response_changes(was: list[dict[str, Any]], now: list[dict[str, Any]]) -> list[str]:
    before = {(r["survey"], r["respondent"]): r for r in was}
    after = {(r["survey"], r["respondent"]): r for r in now}
    added = [key for key in after if key not in before]
    removed = [key for key in before if key not in after]
    changed = [
        key
        for key in after
        if key in before
        and (before[key]["answers"], before[key].get("care_group"))
        != (after[key]["answers"], after[key].get("care_group"))
    ]
    out = []
    # Survey responses are many and anonymous: counts per survey say enough.
    for keys, verb in ((added, "added"), (removed, "removed"), (changed, "changed")):
        per_survey: dict[str, int] = {}
        for survey, _ in keys:
            per_survey[survey] = per_survey.get(survey, 0) + 1
        out += [
            f"{n} {survey.replace('_', ' ')} survey response{'s were' if n > 1 else ' was'} {verb}"
            for survey, n in per_survey.items()
        ]
    return out


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
