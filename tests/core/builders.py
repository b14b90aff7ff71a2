"""Small builders for synthetic bundles: each test states only what matters to it."""

from __future__ import annotations

from typing import Any

from scrutiny.core.bundle import FORMAT


def bundle(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": FORMAT,
        "programme": "care-and-protection-2018",
        "inspection": {"reference": "JI-TEST", "partnership": "Testshire", "start": "2019-03-04"},
        "record_readings": [],
        "survey_responses": [],
        "evidence": [],
        "significant_concerns": [],
        "group_evaluations": {},
        "proposed_evaluations": {"2.1": "very good"},
        "team_judgements": {},
    }
    data.update(fields)
    return data


def readings(
    weak: int, other: int, *, not_applicable: int = 0, care_group: str | None = None
) -> list[dict[str, Any]]:
    """`weak` readings rating the immediate response weak, `other` rating it good."""
    ratings = ["weak"] * weak + ["good"] * other + [None] * not_applicable
    return [
        {
            "record": f"REC-{n}",
            "reader": "insp-1",
            "care_group": care_group,
            "ratings": {"immediate_response": value},
        }
        for n, value in enumerate(ratings)
    ]


def children_answers(no: int, yes: int, *, unanswered: int = 0) -> list[dict[str, Any]]:
    answers = ["no"] * no + ["yes"] * yes + [None] * unanswered
    return [
        {
            "survey": "children_and_young_people",
            "respondent": f"S-{n}",
            "care_group": None,
            "answers": {"feel_safe": value},
        }
        for n, value in enumerate(answers)
    ]
