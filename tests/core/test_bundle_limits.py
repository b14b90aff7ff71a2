"""Bundles that would store more, or other, than the app can: refused, naming the path."""

import json
import subprocess
import sys

import orjson
import pytest

from scrutiny.core.bundle import (
    ANSWER_MAX,
    IDENTIFIER_MAX,
    REFERENCE_MAX,
    SUMMARY_MAX,
    TEXT_MAX,
    BundleInvalid,
    parse_bundle,
)

from .builders import bundle


def problems(data: object) -> list[str]:
    with pytest.raises(BundleInvalid) as info:
        parse_bundle(data)  # type: ignore[arg-type]
    return info.value.problems


def note(**fields: object) -> dict[str, object]:
    return {"id": "E-1", "source": "meeting", "text": "x", "kind": "strength", **fields}


def test_it_refuses_a_key_written_twice_naming_where() -> None:
    text = json.dumps(bundle(evidence=[note()]))
    text = text.replace('"kind": "strength"', '"kind": "strength", "kind": "context"')
    text = text.replace('"reference": "JI-TEST"', '"reference": "JI-TEST", "reference": "JI-2"')
    assert problems(text) == [
        "inspection.reference: the key 'reference' is written more than once",
        "evidence[0].kind: the key 'kind' is written more than once",
    ]
    assert problems(text.encode()) == problems(text)


def test_it_refuses_a_repeated_top_level_key() -> None:
    text = json.dumps(bundle())[:-1] + ', "team_judgements": {}}'
    assert problems(text) == [
        "team_judgements: the key 'team_judgements' is written more than once"
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"inspection": {"reference": "J" * 41, "partnership": "P", "start": "2019-03-04"}},
            f"inspection.reference: at most {REFERENCE_MAX} characters (got 41)",
        ),
        (
            {"evidence": [note(text="x" * (TEXT_MAX + 1))]},
            f"evidence[0].text: at most {TEXT_MAX} characters (got {TEXT_MAX + 1})",
        ),
        (
            {"evidence": [note(id="E" * (IDENTIFIER_MAX + 1))]},
            f"evidence[0].id: at most {IDENTIFIER_MAX} characters (got {IDENTIFIER_MAX + 1})",
        ),
        (
            {
                "significant_concerns": [
                    {"id": "SC-1", "summary": "s" * (SUMMARY_MAX + 1), "serious_failing": False}
                ]
            },
            f"significant_concerns[0].summary: at most {SUMMARY_MAX} characters (got 301)",
        ),
        (
            {
                "record_readings": [
                    {"record": "R" * 81, "reader": "a", "ratings": {"immediate_response": "good"}}
                ]
            },
            "record_readings[0].record: at most 80 characters (got 81)",
        ),
        (
            {
                "survey_responses": [
                    {
                        "survey": "children_and_young_people",
                        "respondent": "S-1",
                        "answers": {"anything_else": "a" * (ANSWER_MAX + 1)},
                    }
                ]
            },
            f"survey_responses[0].answers.anything_else: at most {ANSWER_MAX} characters "
            f"(got {ANSWER_MAX + 1})",
        ),
    ],
)
def test_it_refuses_text_longer_than_the_app_keeps(
    fields: dict[str, object], expected: str
) -> None:
    assert problems(bundle(**fields)) == [expected]


def test_a_40_mb_evidence_text_is_refused_without_echoing_it() -> None:
    data = orjson.dumps(bundle(evidence=[note(text="x" * 40_000_000)]))
    [problem] = problems(data)
    assert problem == f"evidence[0].text: at most {TEXT_MAX} characters (got 40000000)"


@pytest.mark.parametrize(
    "reference",
    ["JI-1\"; filename*=UTF-8''evil.html", "JI-1\r\nX: y", "JI 1", "JI/1", "-JI", "JI-Ø"],
)
def test_it_refuses_a_reference_other_than_letters_digits_and_hyphens(reference: str) -> None:
    data = bundle(inspection={"reference": reference, "partnership": "P", "start": "2019-03-04"})
    [problem] = problems(data)
    assert problem.startswith("inspection.reference: letters, digits and hyphens only")


def test_the_limits_are_the_ones_the_spec_example_fits() -> None:
    assert parse_bundle(bundle(evidence=[note(text="x" * TEXT_MAX)])).evidence[0].text


def test_validate_names_a_repeated_key_and_an_over_long_reference() -> None:
    text = json.dumps(
        bundle(inspection={"reference": "J" * 41, "partnership": "P", "start": "2019-03-04"})
    ).replace('"partnership": "P"', '"partnership": "P", "partnership": "Q"')
    result = subprocess.run(
        [sys.executable, "-m", "scrutiny.cli", "validate", "-"],
        input=text.encode(),
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "inspection.partnership: the key 'partnership' is written more than once",
        f"inspection.reference: at most {REFERENCE_MAX} characters (got 41)",
    ]
