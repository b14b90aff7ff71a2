"""Bundle validation: every problem reported, each with its JSON path."""

import orjson
import pytest

from scrutiny.core.bundle import BundleInvalid, dump_bundle, parse_bundle

from .builders import bundle


def problems(data) -> list[str]:
    with pytest.raises(BundleInvalid) as info:
        parse_bundle(data)
    return info.value.problems


def test_the_spec_example_problem_reads_as_the_spec_says():
    data = bundle(
        record_readings=[
            {"record": f"R-{n}", "reader": "a", "ratings": {"immediate_response": "good"}}
            for n in range(3)
        ]
        + [{"record": "R-3", "reader": "a", "ratings": {"immediate_response": "goood"}}]
    )
    assert problems(data) == [
        "record_readings[3].ratings.immediate_response: 'goood' is not a point of the six-point scale"
    ]


def test_every_problem_is_reported_not_just_the_first():
    data = bundle(
        record_readings=[
            {
                "record": "R-1",
                "reader": "a",
                "ratings": {"chronology": "great", "no_such_item": "good"},
            },
            {"record": "R-2", "reader": "a", "care_group": "fostercare", "ratings": {}},
        ],
        survey_responses=[
            {
                "survey": "children_and_young_people",
                "respondent": "S-1",
                "answers": {"feel_safe": "never"},
            }
        ],
        evidence=[
            {
                "id": "E-1",
                "source": "meeting",
                "text": "x",
                "questions": [6],
                "indicators": ["2.9"],
                "kind": "strength",
            }
        ],
        proposed_evaluations={"3.1": "good", "2.1": "brilliant"},
        team_judgements={"children_unsafe": True},
    )
    found = problems(data)
    assert found == [
        "record_readings[0].ratings.chronology: 'great' is not a point of the six-point scale",
        "record_readings[0].ratings.no_such_item: not an item of the care-and-protection-2018 reading tool",
        "record_readings[1].care_group: 'fostercare' is not one of 'looked_after_at_home', "
        "'kinship_care', 'foster_care', 'residential', 'short_breaks' or 'aftercare'",
        "survey_responses[0].answers.feel_safe: 'never' is not one of 'yes', 'mostly', 'no', 'not sure'",
        "evidence[0].questions: care-and-protection-2018 has no question 6",
        "evidence[0].indicators: '2.9' is not an indicator of care-and-protection-2018",
        "proposed_evaluations.2.1: 'brilliant' is not a point of the six-point scale",
        "team_judgements.children_unsafe: care-and-protection-2018 has no judgement 'children_unsafe'",
    ]


def test_missing_fields_and_wrong_types_name_their_paths():
    found = problems(
        {
            "format": "scrutiny.inspection/1",
            "programme": "care-and-protection-2018",
            "inspection": {"reference": "JI-1", "start": "not a date"},
            "record_readings": [{"record": "R-1", "ratings": {}}],
        }
    )
    assert "inspection.partnership: is required but missing" in found
    assert any(p.startswith("inspection.start: ") for p in found)
    assert "record_readings[0].reader: is required but missing" in found


def test_an_unknown_programme_is_an_error():
    assert problems(bundle(programme="no-such-programme"))[0].startswith(
        "programme: unknown programme 'no-such-programme'"
    )


def test_a_wrong_format_is_an_error():
    assert problems(bundle(format="scrutiny.inspection/2"))[0].startswith("format: ")


def test_true_is_not_a_scale_point():
    found = problems(
        bundle(
            record_readings=[
                {"record": "R", "reader": "a", "ratings": {"immediate_response": True}}
            ]
        )
    )
    assert found == [
        "record_readings[0].ratings.immediate_response: True is not a point of the six-point scale"
    ]


def test_numbers_outside_the_scale_are_refused():
    found = problems(
        bundle(
            record_readings=[
                {
                    "record": "R",
                    "reader": "a",
                    "ratings": {"immediate_response": 7, "chronology": 0},
                }
            ]
        )
    )
    assert len(found) == 2


def test_a_record_read_twice_by_one_reader_is_refused():
    reading = {"record": "R-1", "reader": "a", "ratings": {}}
    assert problems(bundle(record_readings=[reading, dict(reading)])) == [
        "record_readings[1]: record 'R-1' is read twice by 'a'"
    ]


def test_two_agreed_readings_of_one_record_are_refused():
    found = problems(
        bundle(
            record_readings=[
                {"record": "R-1", "reader": "a", "ratings": {}, "agreed": True},
                {"record": "R-1", "reader": "b", "ratings": {}, "agreed": True},
            ]
        )
    )
    assert found == ["record_readings[1].agreed: record 'R-1' has two agreed readings"]


def test_duplicate_evidence_ids_are_refused():
    note = {"id": "E-1", "source": "meeting", "text": "x", "kind": "context"}
    assert problems(bundle(evidence=[note, dict(note)])) == ["evidence[1].id: 'E-1' is used twice"]


def test_invalid_json_is_one_clear_problem():
    found = problems(b'{"format": ')
    assert len(found) == 1 and found[0].startswith("(document): not valid JSON")


def test_unknown_extra_fields_are_accepted_and_dropped():
    data = bundle(future_field={"x": 1})
    data["inspection"]["lead"] = "someone"
    parsed = parse_bundle(data)
    assert b"future_field" not in dump_bundle(parsed)


def test_output_uses_lowercase_point_names_and_answers():
    data = bundle(
        record_readings=[
            {
                "record": "R",
                "reader": "a",
                "ratings": {
                    "immediate_response": 5,
                    "chronology": "GOOD",
                    "childs_plan": "Not applicable",
                },
            }
        ],
        survey_responses=[
            {
                "survey": "children_and_young_people",
                "respondent": "S",
                "answers": {"feel_safe": " Not  Sure "},
            }
        ],
        proposed_evaluations={"2.1": "Very Good"},
    )
    out = parse_bundle(data).model_dump(mode="json")
    assert out["record_readings"][0]["ratings"] == {
        "immediate_response": "very good",
        "chronology": "good",
        "childs_plan": None,
    }
    assert out["survey_responses"][0]["answers"] == {"feel_safe": "not sure"}
    assert out["proposed_evaluations"] == {"2.1": "very good"}


def test_dump_is_canonical():
    parsed = parse_bundle(bundle(proposed_evaluations={"2.1": 4}))
    once = dump_bundle(parsed)
    assert dump_bundle(parse_bundle(once)) == once


def _note(**extra):
    return {
        "id": "E-1",
        "source": "focus_group",
        "text": "Foster carers described quick help at night.",
        "kind": "strength",
        **extra,
    }


def test_a_note_without_date_or_label_is_written_back_as_it_was():
    # Bundles written before the extensions (docs/spec/bundle-extensions.md) keep their bytes.
    once = dump_bundle(parse_bundle(bundle(evidence=[_note()])))
    assert b'"date"' not in once and b'"label"' not in once
    assert dump_bundle(parse_bundle(once)) == once


def test_a_notes_date_and_label_round_trip():
    note = _note(date="2019-03-12", label="Focus group with foster carers")
    out = orjson.loads(dump_bundle(parse_bundle(bundle(evidence=[note]))))
    assert out["evidence"][0]["date"] == "2019-03-12"
    assert out["evidence"][0]["label"] == "Focus group with foster carers"


def test_a_bad_note_date_or_overlong_label_names_its_path():
    found = problems(
        bundle(evidence=[_note(date="2019-13-05"), {**_note(label="x" * 201), "id": "E-2"}])
    )
    assert any(p.startswith("evidence[0].date: ") and "2019-13-05" in p for p in found)
    assert any(p.startswith("evidence[1].label: ") and "200 characters" in p for p in found)
