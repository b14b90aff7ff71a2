"""Responses sent as data (the API's survey writes) pass the checks a file's rows pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrutiny.core.surveys import Entry, Inclusion, Limits, Status, SurveyImportError, check_entries
from scrutiny.core.surveys.importing import import_survey

from .test_survey_import import CHILDREN, LIMESURVEY_HEADER, limesurvey_rows, write_csv


def entry(**answers: str | None) -> Entry:
    return Entry(answers=answers)


def places(exc: pytest.ExceptionInfo[SurveyImportError]) -> list[tuple[str | None, str]]:
    return [(p.column, p.message) for p in exc.value.problems]


def test_it_matches_answers_and_care_groups_as_the_import_does() -> None:
    checked = check_entries(
        [
            Entry(
                answers={"feel_safe": "Yes", "trusted_adult": "Y", "anything_else": " More  "},
                respondent=" c-1 ",
                care_group="Foster care",
            ),
            Entry(answers={"feel_safe": "Not sure", "listened_to": "", "trusted_adult": None}),
        ],
        survey=CHILDREN,
    )
    assert checked.responses == [
        {
            "survey": "children_and_young_people",
            "respondent": "c-1",
            "care_group": "foster_care",
            "answers": {"feel_safe": "yes", "trusted_adult": "yes", "anything_else": "More"},
        },
        {
            "survey": "children_and_young_people",
            "respondent": "",
            "care_group": None,
            "answers": {"feel_safe": "not sure"},
        },
    ]
    assert checked.positions == [0, 1] and checked.completeness.counted == 2


def test_one_bad_entry_refuses_all_naming_every_entry_and_field() -> None:
    with pytest.raises(SurveyImportError) as refused:
        check_entries(
            [
                entry(feel_safe="yes"),
                Entry(answers={"feel_safe": "perhaps", "colour": "blue"}, respondent="r"),
                Entry(answers={"anything_else": "x" * 11}, respondent="r", care_group="Mars"),
            ],
            survey=CHILDREN,
            limits=Limits(max_free_text_chars=10),
        )
    assert places(refused) == [
        (
            "responses[1].answers.feel_safe",
            "'perhaps' is not one of the answers to 'feel_safe' (yes, mostly, no, not sure).",
        ),
        (
            "responses[1].answers.colour",
            "'colour' is not a question of the survey 'children_and_young_people'.",
        ),
        (
            "responses[2].answers.anything_else",
            "The answer is 11 characters long; the limit is 10.",
        ),
        ("responses[2].respondent", "The respondent id 'r' is also that of responses[1]."),
        (
            "responses[2].care_group",
            "'Mars' is not a care group (looked_after_at_home, kinship_care, foster_care, "
            "residential, short_breaks, aftercare).",
        ),
    ]
    assert all(p.row is None for p in refused.value.problems)


def test_unfinished_rejected_and_held_entries_count_only_by_the_teams_decision() -> None:
    entries = [
        entry(feel_safe="yes"),
        Entry(answers={"feel_safe": "no"}, status=Status.INCOMPLETE),
        # Not counted, so not checked: its bad answer refuses nothing, as in a file.
        Entry(answers={"feel_safe": "perhaps"}, status=Status.REJECTED),
        Entry(answers={"feel_safe": "no"}, status=Status.ON_HOLD),
        entry(feel_safe="", anything_else=" "),  # answers nothing: never a return
    ]
    checked = check_entries(entries, survey=CHILDREN)
    assert checked.positions == [0]
    c = checked.completeness
    assert (c.rows, c.incomplete, c.rejected, c.on_hold, c.empty, c.counted) == (5, 1, 1, 1, 1, 1)
    more = check_entries(entries[:2] + entries[3:], survey=CHILDREN, inclusion=Inclusion(incomplete=True, on_hold=True))  # fmt: skip
    assert more.positions == [0, 1, 2]
    with pytest.raises(SurveyImportError) as refused:
        check_entries(entries, survey=CHILDREN, inclusion=Inclusion(rejected=True))
    assert places(refused)[0][0] == "responses[2].answers.feel_safe"


def test_entries_counting_nothing_or_none_are_refused() -> None:
    with pytest.raises(SurveyImportError) as refused:
        check_entries([entry(feel_safe=None)], survey=CHILDREN)
    assert places(refused) == [
        (
            "responses",
            "None of the 1 responses counts as a return (1 answering none of the survey's "
            "questions); nothing was imported.",
        )
    ]
    with pytest.raises(SurveyImportError, match="Send at least one response"):
        check_entries([], survey=CHILDREN)


def test_the_same_responses_as_a_file_or_as_entries_are_the_same_returns(tmp_path: Path) -> None:
    rows = limesurvey_rows()
    from_file = import_survey(write_csv(tmp_path / "lime.csv", rows), survey=CHILDREN)
    columns = {name: i for i, name in enumerate(LIMESURVEY_HEADER)}
    items = {item.text: item.id for item in CHILDREN.items}
    entries = [
        Entry(
            answers={items[q]: row[columns[q]] for q in items},
            respondent=row[0],
            care_group=row[columns["Care group"]],
            status=Status.COMPLETE if row[1] else Status.INCOMPLETE,
        )
        for row in rows[1:]
    ]
    from_entries = check_entries(entries, survey=CHILDREN)
    assert from_entries.responses == from_file.responses
    assert from_entries.completeness == from_file.completeness
