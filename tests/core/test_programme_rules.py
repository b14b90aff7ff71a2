"""Every rule in each programme file, written out here literally.

These pin the method: moving a threshold (0.20 to 0.205, the 10% alert to 0.105), a cap
(weak to adequate), a condition or the scale point a statistic counts from fails a test,
however small the change. A deliberate change to a programme file updates this file in
the same commit, so the change is seen in review.

The limiters, pending rules, statistics and judgements are compared whole (every field),
and then the behaviour at each line is checked through the engine, so a file and an
engine that drift apart in the same direction are caught as well.
"""

from typing import Any

import pytest

from scrutiny.core.bundle import parse_bundle
from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme

from .builders import bundle, children_answers, readings

SIX_POINT_SCALE = [
    (6, "excellent"),
    (5, "very good"),
    (4, "good"),
    (3, "adequate"),
    (2, "weak"),
    (1, "unsatisfactory"),
]

STATISTICS = [
    {
        "id": "immediate_response",
        "kind": "reading_share",
        "title": "Immediate response to child protection concerns rated weak or unsatisfactory",
        "item": "immediate_response",
        "at_or_below": "weak",
        "denominator_key": "rated",
        "count_key": "weak_or_unsatisfactory",
        "counted": "readings",
        "describes": "rate the immediate response to child protection concerns weak or "
        "unsatisfactory",
    },
    {
        "id": "feel_safe",
        "kind": "survey_share",
        "title": "Children and young people who say they do not feel safe where they live",
        "survey": "children_and_young_people",
        "item": "feel_safe",
        "answers": ("no",),
        "denominator_key": "answered",
        "count_key": "not_safe",
        "counted": "children and young people who answered",
        "describes": "say they do not feel safe where they live",
    },
]

JUDGEMENTS = [
    {
        "id": "children_not_safe_concerning",
        "question": "Is the number of children and young people who say they do not feel "
        "safe a concerning number?",
        "affirmed": "The team judged the number of children and young people who say they do "
        "not feel safe to be a concerning number",
        "statistic": "feel_safe",
        "help": "The methodology publishes no threshold: this is the team's recorded "
        "judgement, drawing on the surveys and other engagement.",
    }
]


def rules(programme_id: str) -> dict[str, Any]:
    p = load_programme(programme_id)
    return {
        "scale": [(pt.value, pt.name) for pt in p.scale.points],
        "evaluated": [(e.id, e.covers) for e in p.evaluated],
        "limiters": [r.model_dump() for r in p.limiters],
        "pending": [r.model_dump() for r in p.pending],
        "statistics": [s.model_dump() for s in p.statistics],
        "judgements": [j.model_dump() for j in p.judgements],
    }


def test_the_2018_care_and_protection_programme_rules_are_exactly_these() -> None:
    assert rules("care-and-protection-2018") == {
        "scale": SIX_POINT_SCALE,
        "evaluated": [
            ("1.1", ("1.1",)),
            ("2.1", ("2.1",)),
            ("2.2", ("2.2",)),
            ("9", ("9.1", "9.2", "9.3", "9.4")),
        ],
        "limiters": [
            {
                "id": "serious-failings",
                "indicator": "2.1",
                "cap": "weak",
                "title": "Serious failings in systems, processes and practice in the "
                "protection of children",
                "condition": {"kind": "any_serious_failing"},
            },
            {
                "id": "immediate-response",
                "indicator": "2.1",
                "cap": "weak",
                "title": "Immediate response rated weak or unsatisfactory in more than 20% of "
                "readings",
                "condition": {
                    "kind": "share_more_than",
                    "statistic": "immediate_response",
                    "threshold": 0.20,
                },
            },
            {
                "id": "children-not-safe",
                "indicator": "2.1",
                "cap": "weak",
                "title": "A concerning number of children and young people do not feel safe",
                "condition": {
                    "kind": "team_judgement",
                    "judgement": "children_not_safe_concerning",
                },
            },
            {
                "id": "group-wellbeing",
                "indicator": "2.1",
                "cap": "adequate",
                "title": "Wellbeing of a care group evaluated adequate or less",
                "condition": {"kind": "any_group_at_or_below", "point": "adequate"},
            },
        ],
        "pending": [
            {
                "id": "feel-safe-unjudged",
                "indicator": "2.1",
                "condition": {
                    "kind": "share_at_least_unjudged",
                    "statistic": "feel_safe",
                    "threshold": 0.10,
                    "judgement": "children_not_safe_concerning",
                },
            },
            {
                "id": "group-unevaluated",
                "indicator": "2.1",
                "condition": {"kind": "sampled_group_unevaluated"},
            },
        ],
        "statistics": STATISTICS,
        "judgements": JUDGEMENTS,
    }


# Kept apart from the 2018 test on purpose. The 2021 model publishes one evaluated
# indicator, QI 2.1, on the six-point scale, and no limiters: the file keeps only that
# (issue 13), so there is nothing to cap, leave pending or count for a limiter.
def test_the_2021_children_at_risk_of_harm_programme_rules_are_exactly_these() -> None:
    programme = load_programme("children-at-risk-of-harm-2021")
    assert programme.version == "0.1.0"
    assert rules("children-at-risk-of-harm-2021") == {
        "scale": SIX_POINT_SCALE,
        "evaluated": [("2.1", ("2.1",))],
        "limiters": [],
        "pending": [],
        "statistics": [],
        "judgements": [],
    }


# The same lines through the engine, on the 2018 programme: each just either side.

PROGRAMME = "care-and-protection-2018"


def qi_21(**fields: Any) -> Any:
    fields.setdefault("proposed_evaluations", {"2.1": "excellent"})
    data = parse_bundle(bundle(programme=PROGRAMME, **fields))
    return evaluate(data, load_programme(PROGRAMME)).indicators["2.1"]


@pytest.mark.parametrize(
    ("weak", "other", "capped"),
    [(20, 80, False), (21, 79, True), (200, 800, False), (201, 799, True), (1, 3, True)],
)
def test_the_immediate_response_caps_at_weak_above_exactly_20_percent(
    weak: int, other: int, capped: bool
) -> None:
    ind = qi_21(record_readings=readings(weak=weak, other=other))
    rule = next(c for c in ind.checks if c.rule == "immediate-response")
    assert rule.applies is capped
    assert (ind.cap, ind.final) == ((2, 2) if capped else (None, 6))


@pytest.mark.parametrize(
    ("no", "yes", "pending"),
    [(10, 90, True), (9, 91, False), (100, 900, True), (99, 901, False), (1, 9, True)],
)
def test_feel_safe_holds_qi_21_pending_from_exactly_10_percent_until_judged(
    no: int, yes: int, pending: bool
) -> None:
    ind = qi_21(survey_responses=children_answers(no=no, yes=yes))
    assert bool(ind.pending) is pending
    judged = qi_21(
        survey_responses=children_answers(no=no, yes=yes),
        team_judgements={"children_not_safe_concerning": True},
    )
    assert not judged.pending and (judged.cap, judged.final) == (2, 2)


@pytest.mark.parametrize(("point", "cap"), [("good", None), ("adequate", 3), ("weak", 3)])
def test_a_care_group_at_adequate_or_less_caps_qi_21_at_adequate(
    point: str, cap: int | None
) -> None:
    ind = qi_21(group_evaluations={"foster_care": point})
    assert ind.cap == cap


def test_a_serious_failing_caps_qi_21_at_weak() -> None:
    concern = {"id": "SC-1", "summary": "x", "serious_failing": True}
    assert qi_21(significant_concerns=[concern]).cap == 2
    assert qi_21(significant_concerns=[{**concern, "serious_failing": False}]).cap is None
