"""The programme files: the methodology as data, checked on load."""

import hashlib
import re
from pathlib import Path

import pytest

from scrutiny.core.methodology import (
    PROGRAMMES_DIR,
    ProgrammeInvalid,
    UnknownProgramme,
    available_programmes,
    load_programme,
    load_programme_file,
)

# The official text the questions are checked against: a copy kept with the tests, so a
# clone on its own passes, and pinned to the workspace's ../shared/seeds (below).
SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
WORKSPACE_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_SHA256 = "ddbcc36b2712f232d3d21bdfb9aa1491220df877884fdfeacf16a52b48f4d03a"
PROGRAMME_FILE = PROGRAMMES_DIR / "care-and-protection-2018.toml"


@pytest.fixture
def programme():
    return load_programme("care-and-protection-2018")


def test_the_five_questions_are_word_for_word_the_seed(programme):
    seed = (SEEDS / "evaluating-performance.txt").read_text(encoding="utf-8")
    for question in programme.questions:
        assert f"{question.number}. {question.text}" in seed
    assert [q.number for q in programme.questions] == [1, 2, 3, 4, 5]


def test_the_seed_copy_is_the_official_text():
    copy = (SEEDS / "evaluating-performance.txt").read_bytes()
    assert hashlib.sha256(copy).hexdigest() == SEED_SHA256
    shared = WORKSPACE_SEEDS / "evaluating-performance.txt"
    if shared.exists():  # in the project's own workspace, as in CI
        assert copy == shared.read_bytes()


def test_the_quality_framework_has_22_indicators_with_uncertain_titles_marked(programme):
    assert len(programme.indicators) == 22
    assert len({i.area for i in programme.indicators}) == 10
    uncertain = {i.id for i in programme.indicators if i.uncertain}
    assert uncertain == {"5.1", "10.1"}  # 5.3's published title is known


def test_the_evaluated_indicators_include_leadership_as_one(programme):
    assert [e.id for e in programme.evaluated] == ["1.1", "2.1", "2.2", "9"]
    assert programme.evaluated_indicator("9").covers == ("9.1", "9.2", "9.3", "9.4")


def test_the_scale_has_its_official_meanings(programme):
    assert [p.label for p in programme.scale.points] == [
        "Excellent",
        "Very good",
        "Good",
        "Adequate",
        "Weak",
        "Unsatisfactory",
    ]
    assert programme.scale.meaning(3) == "Strengths just outweigh weaknesses"


def test_the_reading_tool_has_at_least_15_items_including_the_immediate_response(programme):
    ids = [i.id for i in programme.reading_items]
    assert len(ids) >= 15 and len(set(ids)) == len(ids)
    assert "immediate_response" in ids


def test_the_six_care_groups_of_the_seed(programme):
    assert [g.id for g in programme.care_groups] == [
        "looked_after_at_home",
        "kinship_care",
        "foster_care",
        "residential",
        "short_breaks",
        "aftercare",
    ]


def test_limiter_thresholds_live_in_the_data_not_the_code():
    engine = (PROGRAMMES_DIR.parent / "evaluation.py").read_text()
    assert not re.search(r"0\.(1|2)0?\b|\b20 ?%", engine)
    assert "threshold = 0.20" in PROGRAMME_FILE.read_text()


def test_an_unknown_programme_names_the_known_ones():
    with pytest.raises(UnknownProgramme, match="care-and-protection-2018"):
        load_programme("nope")
    assert "care-and-protection-2018" in available_programmes()


def test_a_malformed_programme_names_the_file_and_field(tmp_path):
    text = PROGRAMME_FILE.read_text().replace('cap = "adequate"', 'cap = "middling"')
    broken = tmp_path / "care-and-protection-2018.toml"
    broken.write_text(text)
    with pytest.raises(ProgrammeInvalid) as info:
        load_programme_file(broken)
    assert "care-and-protection-2018.toml" in str(info.value)
    assert "limiters.group-wellbeing.cap" in str(info.value)


def test_a_missing_field_is_named(tmp_path):
    text = PROGRAMME_FILE.read_text().replace(
        'short_title = "Care and protection (2018-2020)"\n', ""
    )
    broken = tmp_path / "care-and-protection-2018.toml"
    broken.write_text(text)
    with pytest.raises(
        ProgrammeInvalid, match=r"care-and-protection-2018.toml: short_title: Field required"
    ):
        load_programme_file(broken)


def test_unparseable_toml_names_the_file(tmp_path):
    broken = tmp_path / "x.toml"
    broken.write_text("id = ")
    with pytest.raises(ProgrammeInvalid, match=r"^x\.toml: "):
        load_programme_file(broken)


def test_an_unknown_condition_kind_is_refused(tmp_path):
    text = PROGRAMME_FILE.read_text().replace(
        'kind = "any_serious_failing"', 'kind = "gut_feeling"'
    )
    broken = tmp_path / "care-and-protection-2018.toml"
    broken.write_text(text)
    with pytest.raises(ProgrammeInvalid, match="limiters.0.condition"):
        load_programme_file(broken)


def test_every_shipped_programme_loads():
    for programme_id in available_programmes():
        assert load_programme(programme_id).id == programme_id


def test_a_new_programme_is_a_new_file():
    """The 2021 model evaluates only QI 2.1 and answers four statements: no code changes."""
    from scrutiny.core.bundle import BundleInvalid, parse_bundle
    from scrutiny.core.evaluation import evaluate

    from .builders import bundle, readings

    data = bundle(
        programme="children-at-risk-of-harm-2021",
        record_readings=readings(weak=3, other=7),
        proposed_evaluations={"2.1": "good"},
    )
    parsed = parse_bundle(data)
    result = evaluate(parsed, load_programme(parsed.programme))
    assert list(result.indicators) == ["2.1"]
    # The 2021 programme publishes no limiters: 30% weak immediate responses cap nothing.
    assert result.indicators["2.1"].final == 4 and result.indicators["2.1"].checks == ()
    with pytest.raises(BundleInvalid, match="does not evaluate '1.1'"):
        parse_bundle(
            bundle(programme="children-at-risk-of-harm-2021", proposed_evaluations={"1.1": "good"})
        )
    with pytest.raises(BundleInvalid, match="has no question 5"):
        parse_bundle(
            bundle(
                programme="children-at-risk-of-harm-2021",
                evidence=[
                    {
                        "id": "E",
                        "source": "meeting",
                        "text": "x",
                        "questions": [5],
                        "kind": "context",
                    }
                ],
            )
        )
