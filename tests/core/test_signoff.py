"""Moderation and sign-off: proposed → agreed → signed off (locked), reopening with a reason."""

from datetime import date

import pytest

from scrutiny.core.bundle import bundle_to_dict, parse_bundle
from scrutiny.core.evaluation import ENGINE_VERSION, evaluate
from scrutiny.core.methodology import load_programme
from scrutiny.core.signoff import (
    Freeze,
    Involvement,
    Moderation,
    Refused,
    Stage,
    agree,
    differences,
    ensure_editable,
    evaluation_inputs,
    freeze,
    inputs_sha256,
    recompute_matches,
    reopen,
    sign_off,
)
from scrutiny.core.sufficiency import Flag

from .builders import bundle, children_answers, readings

PROGRAMME = load_programme("care-and-protection-2018")
ALL_PROPOSED = {"1.1": "good", "2.1": "very good", "2.2": "good", "9": "good"}
PROPOSERS = [
    Involvement("lead", "proposal", "1.1"),
    Involvement("lead", "proposal", "2.1"),
    Involvement("insp", "proposal", "2.2"),
    Involvement("lead", "proposal", "9"),
]


def complete(**fields):
    fields.setdefault("proposed_evaluations", ALL_PROPOSED)
    return parse_bundle(bundle(**fields))


def agreed(data=None):
    moderation, _ = agree(
        Moderation(),
        by="lead",
        held_on=date(2019, 5, 2),
        present=["lead", "insp"],
        bundle=data or complete(),
        programme=PROGRAMME,
    )
    return moderation


def signed(data=None, **kwargs):
    data = data or complete()
    kwargs.setdefault("involvement", PROPOSERS)
    return sign_off(
        agreed(data), by="qa", role="quality_assurer", bundle=data, programme=PROGRAMME, **kwargs
    )


def refusal(call):
    with pytest.raises(Refused) as caught:
        call()
    return caught.value.reasons


def test_it_agrees_at_the_meeting_recording_who_was_present():
    moderation, transition = agree(
        Moderation(),
        by="lead",
        held_on=date(2019, 5, 2),
        present=["lead", " insp ", "lead", ""],
        bundle=complete(),
        programme=PROGRAMME,
    )
    assert moderation.stage is Stage.AGREED and moderation.locked
    assert moderation.meeting.present == ("lead", "insp")
    assert transition.before is Stage.PROPOSED and transition.after is Stage.AGREED
    assert transition.summary == (
        "Evaluations agreed at the evaluation meeting on 2 May 2019 (present: lead, insp): "
        "QI 1.1 good, QI 2.1 very good, QI 2.2 good, QI 9 good"
    )


def test_it_refuses_to_agree_without_attendees_or_with_missing_proposals():
    reasons = refusal(
        lambda: agree(
            Moderation(),
            by="lead",
            held_on=date(2019, 5, 2),
            present=[" "],
            bundle=complete(proposed_evaluations={"2.1": "good"}),
            programme=PROGRAMME,
        )
    )
    assert reasons == [
        "Record who was present at the evaluation meeting",
        "QI 1.1 has no proposed evaluation",
        "QI 2.2 has no proposed evaluation",
        "QI 9 has no proposed evaluation",
    ]


def test_it_refuses_to_agree_an_evaluation_that_is_pending():
    data = complete(survey_responses=children_answers(no=2, yes=8))  # 20%, unjudged
    reasons = refusal(
        lambda: agree(
            Moderation(),
            by="lead",
            held_on=date(2019, 5, 2),
            present=["lead"],
            bundle=data,
            programme=PROGRAMME,
        )
    )
    assert len(reasons) == 1
    assert reasons[0].startswith("QI 2.1 is pending: 2 of 10 children and young people")


def test_a_quality_assurer_who_proposed_nothing_signs_off_and_freezes():
    data = complete(record_readings=readings(weak=21, other=79))
    moderation, transition = signed(data)
    assert moderation.stage is Stage.SIGNED_OFF and moderation.signed_off_by == "qa"
    frozen = moderation.freeze
    assert frozen.programme_id == "care-and-protection-2018"
    assert frozen.programme_version == PROGRAMME.version
    assert frozen.engine_version == ENGINE_VERSION
    assert frozen.evaluation == evaluate(data, PROGRAMME).to_json()
    assert frozen.evaluation["indicators"]["2.1"]["final"] == "weak"
    assert "QI 2.1 weak" in transition.summary
    assert transition.summary.startswith("Evaluations signed off and locked")


def test_sign_off_by_a_proposer_is_refused_naming_their_proposals():
    data = complete()
    reasons = refusal(
        lambda: sign_off(
            agreed(data),
            by="lead",
            role="quality_assurer",
            involvement=PROPOSERS,
            bundle=data,
            programme=PROGRAMME,
        )
    )
    assert reasons == [
        f"You cannot sign off QI {qi}: you proposed or changed the proposed evaluation. A "
        "quality assurer independent of the evaluation must sign it off"
        for qi in ("1.1", "2.1", "9")
    ]


def test_sign_off_looks_at_the_whole_history_not_the_last_to_save():
    # qa proposed 2.2 once; lead re-saved it since. qa is still not independent of it.
    data = complete()
    history = [Involvement("qa", "proposal", "2.2"), Involvement("lead", "proposal", "2.2")]
    reasons = refusal(
        lambda: sign_off(
            agreed(data),
            by="qa",
            role="quality_assurer",
            involvement=history,
            bundle=data,
            programme=PROGRAMME,
        )
    )
    assert reasons == [
        "You cannot sign off QI 2.2: you proposed or changed the proposed evaluation. A "
        "quality assurer independent of the evaluation must sign it off"
    ]


@pytest.mark.parametrize(
    ("kind", "refused_for"),
    [
        ("group_evaluation", ["2.1"]),
        ("team_judgement", ["2.1"]),
        ("serious_failing", ["2.1"]),
        ("record_reading", ["2.1"]),
        ("survey_response", ["2.1"]),
        ("agreement", ["1.1", "2.1", "2.2", "9"]),
    ],
)
def test_sign_off_is_refused_to_whoever_recorded_an_input_feeding_the_cap(kind, refused_for):
    data = complete()
    reasons = refusal(
        lambda: sign_off(
            agreed(data),
            by="qa",
            role="quality_assurer",
            involvement=[*PROPOSERS, Involvement("qa", kind, "x")],
            bundle=data,
            programme=PROGRAMME,
        )
    )
    assert [r.split(":")[0] for r in reasons] == [
        f"You cannot sign off QI {qi}" for qi in refused_for
    ]


def test_sign_off_by_someone_who_is_not_a_quality_assurer_is_refused():
    data = complete()
    reasons = refusal(
        lambda: sign_off(
            agreed(data),
            by="insp2",
            role="inspector",
            involvement=PROPOSERS,
            bundle=data,
            programme=PROGRAMME,
        )
    )
    assert reasons == ["Only a quality assurer may sign off the evaluations"]


def test_sign_off_before_the_meeting_agrees_is_refused():
    data = complete()
    reasons = refusal(
        lambda: sign_off(
            Moderation(),
            by="qa",
            role="quality_assurer",
            involvement=[],
            bundle=data,
            programme=PROGRAMME,
        )
    )
    assert reasons == ["The evaluations must be agreed at the evaluation meeting before sign-off"]


def test_sign_off_with_pending_reasons_is_refused_even_after_agreement():
    # A new reading of a care group nobody evaluated arrives after the meeting.
    data = complete()
    moderation = agreed(data)
    later = complete(record_readings=readings(weak=0, other=1, care_group="residential"))
    reasons = refusal(
        lambda: sign_off(
            moderation,
            by="qa",
            role="quality_assurer",
            involvement=PROPOSERS,
            bundle=later,
            programme=PROGRAMME,
        )
    )
    assert reasons[0] == (
        "QI 2.1 is pending: The record sample includes care groups whose wellbeing has not "
        "been evaluated: residential care (1 record)"
    )
    assert reasons[1].startswith("The evaluation inputs changed after the evaluation meeting")
    assert "A reading of record REC-0 by insp-1 was added" in reasons[1]


def test_sign_off_with_flagged_evidence_needs_a_reason():
    flag = Flag("QI 9", "no evidence", "No evidence is tagged to QI 9 (Leadership and direction)")
    reasons = refusal(lambda: signed(flags=[flag]))
    assert reasons == [
        "Evidence is flagged as insufficient (No evidence is tagged to QI 9 (Leadership and "
        "direction)): give the reason it is acceptable to sign off, or add evidence"
    ]
    moderation, transition = signed(flags=[flag], flags_accepted_because="Leadership met twice")
    assert moderation.flags_accepted_because == "Leadership met twice"
    assert transition.summary.endswith("(insufficient evidence accepted: Leadership met twice)")


def test_a_signed_off_evaluation_is_locked_until_reopened_with_a_reason():
    moderation, _ = signed()
    with pytest.raises(Refused, match="signed off by qa and locked"):
        ensure_editable(moderation)
    assert refusal(lambda: reopen(moderation, by="lead", reason="  ")) == [
        "Give the reason for reopening the evaluations"
    ]
    reopened, transition = reopen(moderation, by="lead", reason="New concern raised")
    assert reopened == Moderation() and not reopened.locked
    ensure_editable(reopened)
    assert transition.summary == "Evaluations reopened (they were signed off): New concern raised"


def test_agreed_evaluations_are_locked_too():
    with pytest.raises(Refused, match="agreed at the evaluation meeting on 2 May 2019"):
        ensure_editable(agreed())


def test_reopening_what_is_only_proposed_is_refused():
    assert refusal(lambda: reopen(Moderation(), by="lead", reason="why")) == [
        "The evaluations are not agreed or signed off, so there is nothing to reopen"
    ]


def test_signing_off_twice_is_refused():
    data = complete()
    moderation, _ = signed(data)
    reasons = refusal(
        lambda: sign_off(
            moderation,
            by="qa2",
            role="quality_assurer",
            involvement=PROPOSERS,
            bundle=data,
            programme=PROGRAMME,
        )
    )
    assert reasons == ["The evaluations are already signed off by qa"]


def test_recomputing_the_same_inputs_matches_the_freeze():
    data = complete(record_readings=readings(weak=3, other=7))
    frozen = freeze(data, PROGRAMME)
    assert recompute_matches(frozen, parse_bundle(bundle_to_dict(data)))


def test_any_change_to_the_inputs_breaks_the_match():
    data = complete(record_readings=readings(weak=3, other=7))
    frozen = freeze(data, PROGRAMME)
    changed = complete(record_readings=readings(weak=2, other=8))
    assert not recompute_matches(frozen, changed)


def test_a_tampered_evaluation_or_other_engine_does_not_match():
    data = complete()
    frozen = freeze(data, PROGRAMME)
    other = frozen.to_json() | {"engine_version": "0"}
    assert not recompute_matches(Freeze.from_json(other), data)
    tampered = frozen.to_json()
    tampered["evaluation"] = {**tampered["evaluation"], "programme": "x"}
    assert not recompute_matches(Freeze.from_json(tampered), data)


def test_the_freeze_round_trips_through_json():
    frozen = freeze(complete(), PROGRAMME)
    assert Freeze.from_json(frozen.to_json()) == frozen


def test_the_hash_ignores_key_order_and_evidence():
    one = evaluation_inputs(complete(group_evaluations={"foster_care": "good", "residential": 3}))
    two = evaluation_inputs(complete(group_evaluations={"residential": 3, "foster_care": "good"}))
    assert inputs_sha256(one) == inputs_sha256(two)
    noted = complete(evidence=[{"id": "E-1", "source": "meeting", "text": "x", "kind": "context"}])
    assert inputs_sha256(evaluation_inputs(noted)) == inputs_sha256(evaluation_inputs(complete()))
    assert inputs_sha256(one) != inputs_sha256(evaluation_inputs(complete()))


def test_differences_describe_each_change_in_inspector_language():
    was = evaluation_inputs(
        complete(
            record_readings=[
                {"record": "R-1", "reader": "a", "ratings": {"immediate_response": "good"}},
                {"record": "R-2", "reader": "a", "ratings": {"chronology": "good"}},
            ],
            survey_responses=children_answers(no=1, yes=2),
            significant_concerns=[
                {"id": "SC-1", "summary": "Delays", "serious_failing": False},
                {"id": "SC-2", "summary": "Gone", "serious_failing": False},
            ],
            group_evaluations={"foster_care": "good", "residential": "good"},
            team_judgements={"children_not_safe_concerning": False},
        )
    )
    now = evaluation_inputs(
        complete(
            proposed_evaluations={**ALL_PROPOSED, "2.1": "good"},
            record_readings=[
                {"record": "R-1", "reader": "a", "ratings": {"immediate_response": "weak"}},
                {"record": "R-3", "reader": "b", "ratings": {}},
            ],
            survey_responses=children_answers(no=1, yes=4),
            significant_concerns=[
                {"id": "SC-1", "summary": "Delays", "serious_failing": True},
                {"id": "SC-3", "summary": "New", "serious_failing": True},
            ],
            group_evaluations={"foster_care": "adequate", "kinship_care": "good"},
        )
    )
    assert differences(was, now) == [
        "The proposed evaluation of QI 2.1 changed from very good to good",
        "The wellbeing evaluation of foster care changed from good to adequate",
        "The wellbeing evaluation of residential care (good) was removed",
        "The wellbeing evaluation of kinship care was set to good",
        "The team's answer to 'Is the number of children and young people who say they do "
        "not feel safe a concerning number?' changed from no to not yet decided",
        "Significant concern SC-1 is now recorded as a serious failing",
        "Significant concern SC-3 is now recorded as a serious failing",
        "In the reading of record R-1 by a, the immediate response to child protection "
        "concerns changed from good to weak",
        "A reading of record R-3 by b was added",
        "The reading of record R-2 by a was removed",
        "2 children and young people survey responses were added",
    ]


def test_no_differences_between_identical_inputs():
    inputs = evaluation_inputs(complete(record_readings=readings(weak=1, other=2)))
    assert differences(inputs, inputs) == []
