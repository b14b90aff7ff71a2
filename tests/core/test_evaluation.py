"""The limiters on QI 2.1, at their boundaries, as shared/spec/inspection-bundle.md states them."""

from scrutiny.core.bundle import parse_bundle
from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme

from .builders import bundle, children_answers, readings


def evaluate_21(**fields):
    parsed = parse_bundle(bundle(**fields))
    return evaluate(parsed, load_programme(parsed.programme)).indicators["2.1"]


def rules(indicator):
    return [c.rule for c in indicator.limiters]


def test_exactly_20_percent_weak_immediate_responses_is_not_capped():
    ind = evaluate_21(record_readings=readings(weak=20, other=80))
    assert ind.cap is None
    assert ind.final == 5 and ind.status == "final"


def test_just_over_20_percent_caps_at_weak_with_the_figures():
    ind = evaluate_21(record_readings=readings(weak=21, other=79))
    assert rules(ind) == ["immediate-response"]
    assert ind.cap == 2 and ind.final == 2
    assert ind.limiters[0].detail == (
        "21 of 100 readings (21.0%) rate the immediate response to child protection "
        "concerns weak or unsatisfactory"
    )


def test_unsatisfactory_counts_with_weak():
    data = readings(weak=0, other=3)
    data.append(
        {"record": "R-x", "reader": "a", "ratings": {"immediate_response": "unsatisfactory"}}
    )
    ind = evaluate_21(record_readings=data)
    assert rules(ind) == ["immediate-response"]
    assert "1 of 4 readings (25.0%)" in ind.limiters[0].detail


def test_not_applicable_readings_are_outside_the_denominator():
    # 2 weak of 9 rated is 22%; counting the 3 not applicable would make it 2 of 12 (17%).
    ind = evaluate_21(record_readings=readings(weak=2, other=7, not_applicable=3))
    assert rules(ind) == ["immediate-response"]
    assert "2 of 9 readings" in ind.limiters[0].detail


def test_not_applicable_may_be_written_in_words_any_case():
    data = readings(weak=1, other=3)
    data.append(
        {"record": "R-na", "reader": "a", "ratings": {"immediate_response": "Not Applicable"}}
    )
    ind = evaluate_21(record_readings=data)
    assert rules(ind) == ["immediate-response"]  # 1 of 4 = 25%


def test_agreed_second_reading_replaces_the_first():
    first = {"record": "R-1", "reader": "insp-1", "ratings": {"immediate_response": "weak"}}
    second = {
        "record": "R-1",
        "reader": "insp-2",
        "agreed": True,
        "ratings": {"immediate_response": "good"},
    }
    ind = evaluate_21(record_readings=[first, second, *readings(weak=0, other=3)])
    assert ind.cap is None  # the agreed reading is good: 0 of 4


def test_without_an_agreed_mark_the_first_reading_counts():
    first = {"record": "R-1", "reader": "insp-1", "ratings": {"immediate_response": "weak"}}
    second = {"record": "R-1", "reader": "insp-2", "ratings": {"immediate_response": "good"}}
    ind = evaluate_21(record_readings=[first, second, *readings(weak=0, other=3)])
    assert rules(ind) == ["immediate-response"]  # 1 of 4 records, not 1 of 5 readings


def test_integer_and_case_insensitive_scale_points():
    data = [
        {"record": "A", "reader": "r", "ratings": {"immediate_response": 2}},
        {"record": "B", "reader": "r", "ratings": {"immediate_response": "WEAK"}},
        {"record": "C", "reader": "r", "ratings": {"immediate_response": "Very Good"}},
        {"record": "D", "reader": "r", "ratings": {"immediate_response": 6}},
    ]
    ind = evaluate_21(record_readings=data, proposed_evaluations={"2.1": 5})
    assert "2 of 4 readings (50.0%)" in ind.limiters[0].detail
    assert ind.proposed == 5


def test_a_serious_failing_caps_at_weak():
    ind = evaluate_21(
        significant_concerns=[
            {"id": "SC-1", "summary": "x", "serious_failing": False},
            {"id": "SC-2", "summary": "y", "serious_failing": True},
        ]
    )
    assert rules(ind) == ["serious-failings"] and ind.final == 2
    assert "SC-2" in ind.limiters[0].detail and "SC-1" not in ind.limiters[0].detail


def test_a_concern_that_is_not_a_serious_failing_does_not_cap():
    ind = evaluate_21(
        significant_concerns=[{"id": "SC-1", "summary": "x", "serious_failing": False}]
    )
    assert ind.cap is None


def test_the_team_judging_children_not_safe_concerning_caps_at_weak():
    ind = evaluate_21(team_judgements={"children_not_safe_concerning": True})
    assert rules(ind) == ["children-not-safe"] and ind.cap == 2


def test_a_care_group_evaluated_adequate_caps_at_adequate():
    ind = evaluate_21(group_evaluations={"foster_care": "adequate", "kinship_care": "good"})
    assert rules(ind) == ["group-wellbeing"] and ind.cap == 3 and ind.final == 3
    assert "foster care: adequate" in ind.limiters[0].detail


def test_a_care_group_evaluated_good_does_not_cap():
    assert evaluate_21(group_evaluations={"foster_care": "good"}).cap is None


def test_the_cap_is_the_lowest_and_every_applying_rule_is_listed():
    ind = evaluate_21(
        group_evaluations={"residential": "weak"},
        significant_concerns=[{"id": "SC-1", "summary": "x", "serious_failing": True}],
    )
    assert sorted(rules(ind)) == ["group-wellbeing", "serious-failings"]
    assert ind.cap == 2


def test_a_proposal_below_the_cap_stands():
    ind = evaluate_21(
        group_evaluations={"residential": "adequate"}, proposed_evaluations={"2.1": "weak"}
    )
    assert ind.cap == 3 and ind.final == 2


def test_feel_safe_at_the_alert_level_without_a_judgement_is_pending():
    ind = evaluate_21(survey_responses=children_answers(no=10, yes=90))
    assert ind.status == "pending" and ind.final is None
    assert "10 of 100 children and young people who answered (10.0%)" in ind.pending[0]


def test_feel_safe_just_below_the_alert_level_is_not_pending():
    ind = evaluate_21(survey_responses=children_answers(no=9, yes=91))
    assert ind.status == "final" and ind.pending == ()


def test_unanswered_feel_safe_is_not_in_the_denominator():
    # 5 of 50 answered = 10%: pending; over all 100 respondents it would be 5%.
    ind = evaluate_21(survey_responses=children_answers(no=5, yes=45, unanswered=50))
    assert ind.status == "pending"


def test_a_judgement_either_way_ends_the_feel_safe_pending():
    for decided in (True, False):
        ind = evaluate_21(
            survey_responses=children_answers(no=10, yes=90),
            team_judgements={"children_not_safe_concerning": decided},
        )
        assert ind.status == "final"
        assert ("children-not-safe" in rules(ind)) is decided


def test_a_sampled_care_group_without_evaluation_is_pending():
    ind = evaluate_21(
        record_readings=readings(weak=0, other=2, care_group="kinship_care"),
        group_evaluations={"foster_care": "good"},
    )
    assert ind.status == "pending"
    assert "kinship care (2 records)" in ind.pending[0]


def test_no_proposal_is_not_proposed_but_caps_are_still_computed():
    ind = evaluate_21(
        proposed_evaluations={}, team_judgements={"children_not_safe_concerning": True}
    )
    assert ind.status == "not proposed" and ind.final is None
    assert ind.cap == 2 and rules(ind) == ["children-not-safe"]


def test_indicators_without_limiters_take_their_proposal():
    parsed = parse_bundle(
        bundle(
            proposed_evaluations={"1.1": "good", "9": 6},
            significant_concerns=[{"id": "S", "summary": "x", "serious_failing": True}],
        )
    )
    result = evaluate(parsed, load_programme(parsed.programme)).to_json()
    assert set(result["indicators"]) == {"1.1", "2.1", "2.2", "9"}
    assert result["indicators"]["1.1"]["final"] == "good"
    assert result["indicators"]["9"]["final"] == "excellent"
    assert result["indicators"]["2.2"]["status"] == "not proposed"


def test_json_has_the_contract_shape():
    parsed = parse_bundle(
        bundle(
            record_readings=readings(weak=24, other=76),
            survey_responses=children_answers(no=6, yes=74),
            team_judgements={"children_not_safe_concerning": False},
        )
    )
    out = evaluate(parsed, load_programme(parsed.programme)).to_json()
    assert out["programme"] == "care-and-protection-2018"
    assert out["statistics"] == {
        "immediate_response": {"rated": 100, "weak_or_unsatisfactory": 24, "share": 0.24},
        "feel_safe": {"answered": 80, "not_safe": 6, "share": 0.075},
    }
    ind = out["indicators"]["2.1"]
    assert ind["proposed"] == "very good" and ind["cap"] == "weak" and ind["final"] == "weak"
    assert ind["limiters"] == [
        {
            "rule": "immediate-response",
            "cap": "weak",
            "detail": "24 of 100 readings (24.0%) rate the immediate response to child protection "
            "concerns weak or unsatisfactory",
        }
    ]


def test_margins_say_how_far_the_figures_are_from_the_line():
    ind = evaluate_21(record_readings=readings(weak=20, other=80))
    check = next(c for c in ind.checks if c.rule == "immediate-response")
    assert check.margin == "1 more of these 100 readings would make it apply"
    ind = evaluate_21(record_readings=readings(weak=23, other=77))
    check = next(c for c in ind.checks if c.rule == "immediate-response")
    assert check.margin == "it would stop applying with 3 fewer of these 100 readings"
