"""Invariants of the evaluation engine, over generated bundles (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from scrutiny.core.bundle import POINT_NAMES, dump_bundle, parse_bundle
from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme

from .builders import bundle

PROGRAMME = load_programme("care-and-protection-2018")
GROUPS = [g.id for g in PROGRAMME.care_groups]
ITEMS = [i.id for i in PROGRAMME.reading_items][:4]

point = st.sampled_from([*POINT_NAMES.values(), *POINT_NAMES.keys()])
rating = st.one_of(point, st.none(), st.just("Not applicable"))


@st.composite
def bundles(draw):
    n = draw(st.integers(0, 30))
    reading_list = [
        {
            "record": f"R-{i}",
            "reader": "a",
            "care_group": draw(st.sampled_from([None, *GROUPS])),
            "ratings": draw(st.dictionaries(st.sampled_from(ITEMS), rating)),
        }
        for i in range(n)
    ]
    seconds = draw(st.lists(st.integers(0, max(n - 1, 0)), unique=True, max_size=n))
    for i in seconds:
        reading_list.append(
            {
                "record": f"R-{i}",
                "reader": "b",
                "agreed": draw(st.booleans()),
                "ratings": {"immediate_response": draw(rating)},
            }
        )
    agreed_seen = set()
    for r in reading_list:  # at most one agreed reading per record
        if r.get("agreed"):
            if r["record"] in agreed_seen:
                r["agreed"] = False
            agreed_seen.add(r["record"])
    answers = st.sampled_from(["yes", "mostly", "no", "not sure", None])
    return bundle(
        record_readings=reading_list,
        survey_responses=[
            {
                "survey": "children_and_young_people",
                "respondent": f"S-{i}",
                "answers": {"feel_safe": draw(answers)},
            }
            for i in range(draw(st.integers(0, 20)))
        ],
        significant_concerns=[
            {"id": f"SC-{i}", "summary": "x", "serious_failing": draw(st.booleans())}
            for i in range(draw(st.integers(0, 2)))
        ],
        group_evaluations=draw(st.dictionaries(st.sampled_from(GROUPS), point)),
        proposed_evaluations=draw(
            st.dictionaries(st.sampled_from(["1.1", "2.1", "2.2", "9"]), point)
        ),
        team_judgements=draw(
            st.dictionaries(st.just("children_not_safe_concerning"), st.booleans())
        ),
    )


def run(data):
    parsed = parse_bundle(data)
    return evaluate(parsed, PROGRAMME)


@settings(max_examples=150, deadline=None)
@given(bundles())
def test_final_is_never_above_the_proposal_or_the_cap(data):
    for ind in run(data).indicators.values():
        if ind.final is not None:
            assert ind.proposed is not None and ind.final <= ind.proposed
            assert ind.cap is None or ind.final <= ind.cap
            assert 1 <= ind.final <= 6
        assert (ind.final is None) == (ind.status != "final")


@settings(max_examples=150, deadline=None)
@given(bundles(), st.sampled_from(["weak", "unsatisfactory", 2, 1]))
def test_adding_a_weak_reading_never_raises_a_cap(data, weak):
    before = run(data).indicators["2.1"].cap
    data["record_readings"].append(
        {"record": "R-extra", "reader": "z", "ratings": {"immediate_response": weak}}
    )
    after = run(data).indicators["2.1"].cap
    assert (
        after is None
        and before is None
        or (after is not None and (before is None or after <= before))
    )


@settings(max_examples=100, deadline=None)
@given(bundles())
def test_a_bundle_survives_export_validate_evaluate_unchanged(data):
    parsed = parse_bundle(data)
    exported = dump_bundle(parsed)
    again = parse_bundle(exported)
    assert dump_bundle(again) == exported
    assert evaluate(again, PROGRAMME).to_json() == evaluate(parsed, PROGRAMME).to_json()


@settings(max_examples=100, deadline=None)
@given(bundles())
def test_every_applying_limiter_is_listed_and_the_cap_is_their_lowest(data):
    ind = run(data).indicators["2.1"]
    caps = [c.cap for c in ind.limiters]
    assert ind.cap == (min(caps) if caps else None)
