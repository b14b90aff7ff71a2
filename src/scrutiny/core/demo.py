"""A realistic synthetic inspection: the same seed always gives the same bundle.

Every identifier is pseudonymous and every sentence invented: no real child, family,
member of staff or partnership is described.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from scrutiny.core.bundle import FORMAT, POINT_NAMES
from scrutiny.core.demos import good, improvement_needed
from scrutiny.core.methodology import Programme, load_programme

PROGRAMME = "care-and-protection-2018"
# Seed 2 is the scenario of a partnership with serious weaknesses; every other seed
# the default one.
IMPROVEMENT_NEEDED_SEED = 2
# The demo's notes and statements are written to the 2018 programme's five questions;
# another programme's demo files each under the question that covers it.
_QUESTION_MAPS: dict[str, dict[int, int]] = {
    "children-at-risk-of-harm-2021": {1: 1, 2: 2, 3: 2, 4: 3, 5: 4},
}

# Roughly the mix of a 2018-20 sample: about a third of children on the child protection
# register at home (no care group), the rest across the care experienced groups.
_GROUP_WEIGHTS: dict[str | None, int] = {
    None: 34,
    "looked_after_at_home": 12,
    "kinship_care": 14,
    "foster_care": 18,
    "residential": 9,
    "short_breaks": 5,
    "aftercare": 8,
}
# Items that only apply to some children.
_ONLY_FOR: dict[str, set[str | None]] = {
    "transition_support": {"aftercare", "residential"},
    "permanence_planning": {"looked_after_at_home", "kinship_care", "foster_care", "residential"},
}
_START = "2019-03-04"  # the inspection's first day
_READERS = [f"insp-{n}" for n in range(1, 7)] + [f"lfr-{n}" for n in range(1, 7)]

_EVIDENCE: list[tuple[str, str, list[int], list[str], str]] = [
    (
        "focus_group",
        "Staff from social work, health and police described a shared understanding of when to raise a child protection concern and how to escalate it.",
        [1],
        ["5.2", "7.1"],
        "strength",
    ),
    (
        "record_reading",
        "Inter-agency referral discussions were held promptly in most records read, with police, health and social work contributing.",
        [1],
        ["5.2"],
        "strength",
    ),
    (
        "meeting",
        "Chronologies were of variable quality: several were lists of events without analysis of their significance.",
        [1, 2],
        ["5.2", "6.4"],
        "area_for_development",
    ),
    (
        "position_statement",
        "The partnership's self-evaluation identifies the need to improve the consistency of risk assessment across localities.",
        [1],
        ["5.2", "9.4"],
        "context",
    ),
    (
        "engagement",
        "Children told young inspection volunteers that they had a trusted adult they could talk to when they were worried.",
        [2],
        ["2.1"],
        "strength",
    ),
    (
        "record_reading",
        "Children who had experienced neglect were helped to recover through therapeutic support, though waiting times for specialist mental health services were long.",
        [2],
        ["2.1", "1.1"],
        "area_for_development",
    ),
    (
        "survey",
        "Most parents and carers who responded said staff had listened to them and that their child was safer because of the help they received.",
        [2],
        ["2.2"],
        "strength",
    ),
    (
        "focus_group",
        "Health visitors and school nurses described strong working relationships with children and families social work teams.",
        [2],
        ["7.1", "2.2"],
        "strength",
    ),
    (
        "observation",
        "A core group meeting observed was well chaired, with the child's views presented by an advocacy worker.",
        [2],
        ["5.4", "5.3"],
        "strength",
    ),
    (
        "record_reading",
        "Children's plans did not always contain SMART actions, making it hard to measure progress at reviews.",
        [2, 3],
        ["5.3"],
        "area_for_development",
    ),
    (
        "engagement",
        "Young people living in residential houses said they felt cared for and that staff stayed with them for a long time.",
        [3],
        ["2.1"],
        "strength",
    ),
    (
        "document",
        "Placement stability for children in foster care has improved over three years, with fewer children experiencing three or more moves.",
        [3],
        ["1.1"],
        "strength",
    ),
    (
        "meeting",
        "Permanence planning for some children looked after at home drifted, with decisions delayed for over a year.",
        [3],
        ["5.3", "6.1"],
        "area_for_development",
    ),
    (
        "survey",
        "Kinship carers said they wanted more practical and financial support and quicker access to help.",
        [3],
        ["2.2", "8.1"],
        "area_for_development",
    ),
    (
        "record_reading",
        "Attendance and attainment of looked after children were monitored by a virtual school head teacher, with improving results.",
        [3],
        ["1.1", "2.1"],
        "strength",
    ),
    (
        "engagement",
        "Care experienced young people described aftercare workers who kept in touch and helped them find their first tenancy.",
        [4],
        ["2.1"],
        "strength",
    ),
    (
        "document",
        "The number of care leavers in education, training or employment nine months after leaving care is below the national average.",
        [4],
        ["1.1"],
        "area_for_development",
    ),
    (
        "focus_group",
        "Throughcare staff said pathway planning often started late, leaving young people little time to prepare for moving on.",
        [4],
        ["5.3"],
        "area_for_development",
    ),
    (
        "meeting",
        "The partnership's corporate parenting board includes care experienced young people who have influenced housing policy.",
        [4, 5],
        ["6.3", "9.2"],
        "strength",
    ),
    (
        "meeting",
        "Chief officers described a shared vision for vulnerable children and could show how it had shaped the integrated children's services plan.",
        [5],
        ["9.1", "9.2"],
        "strength",
    ),
    (
        "survey",
        "Staff who responded said senior leaders were visible and approachable, though fewer felt informed about changes.",
        [5],
        ["9.3", "3.1"],
        "strength",
    ),
    (
        "document",
        "Performance reports to the chief officers group focused on process measures and said little about outcomes for children.",
        [5],
        ["6.4", "9.4"],
        "area_for_development",
    ),
    (
        "focus_group",
        "Managers described a culture of learning, with learning reviews leading to changes in practice guidance.",
        [5],
        ["9.4", "6.4"],
        "strength",
    ),
    (
        "position_statement",
        "The partnership serves a mixed urban and rural area of about 150,000 people, with pockets of high deprivation.",
        [1, 2, 3, 4, 5],
        [],
        "context",
    ),
]
_FREE_TEXT = [
    "I like my carer because she listens to me.",
    "Sometimes I don't know who my social worker is.",
    "The group on Thursdays helps.",
    "I want to see my brother more.",
    "School is better now.",
]


def _evidence_date(source: str, n: int) -> str:
    """When a demo note's evidence was gathered: the position statement a month before
    the inspection began, the rest over the fortnight of fieldwork that follows."""
    start = date.fromisoformat(_START)
    if source == "position_statement":
        return (start - timedelta(days=28)).isoformat()
    return (start + timedelta(days=7 + n % 10)).isoformat()


def make_demo(seed: int = 1, records: int = 100, programme_id: str = PROGRAMME) -> dict[str, Any]:
    """A synthetic bundle of `records` children's records; deterministic for `seed`."""
    programme = load_programme(programme_id)
    rng = random.Random(seed)
    weak = seed == IMPROVEMENT_NEEDED_SEED
    scenario = improvement_needed if weak else None
    readings = _record_readings(
        rng,
        programme,
        records,
        quality=improvement_needed.QUALITY if weak else 4.1,
        immediate_shift=improvement_needed.IMMEDIATE_RESPONSE_SHIFT if weak else 0.0,
    )
    evidence_rows = improvement_needed.EVIDENCE if weak else _EVIDENCE
    report = improvement_needed.report_section() if weak else good.extend(_demo_report())
    data = {
        "format": FORMAT,
        "programme": programme.id,
        "inspection": {
            "reference": f"JI-{seed:04d}",
            "partnership": improvement_needed.PARTNERSHIP if weak else "Anytown and Westshire",
            "start": _START,
        },
        "record_readings": readings,
        "survey_responses": _survey_responses(
            rng, programme, feel_safe=improvement_needed.FEEL_SAFE_WEIGHTS if weak else None
        ),
        "evidence": [
            {
                "id": f"E-{n:03d}",
                "source": source,
                "text": text,
                "questions": questions,
                "indicators": indicators,
                "kind": kind,
                "care_group": None,
                "date": _evidence_date(source, n),
            }
            for n, (source, text, questions, indicators, kind) in enumerate(evidence_rows, start=1)
        ],
        "significant_concerns": scenario.CONCERNS
        if scenario
        else [
            {
                "id": "SC-1",
                "summary": "Delays in convening child protection planning meetings in one locality.",
                "serious_failing": False,
            },
        ],
        "group_evaluations": scenario.GROUP_EVALUATIONS
        if scenario
        else {
            "looked_after_at_home": "adequate",
            "kinship_care": "good",
            "foster_care": "very good",
            "residential": "good",
            "short_breaks": "good",
            "aftercare": "good",
        },
        "proposed_evaluations": scenario.PROPOSED
        if scenario
        else {"1.1": "good", "2.1": "good", "2.2": "good", "9": "very good"},
        "team_judgements": {"children_not_safe_concerning": False},
        "report": report,
    }
    return _for_programme(data, programme)


def _for_programme(data: dict[str, Any], programme: Programme) -> dict[str, Any]:
    """The demo as another programme has it: its questions, its evaluated indicators and
    its judgements only."""
    if programme.id == PROGRAMME:
        return data
    known = programme.question_numbers()
    mapping = _QUESTION_MAPS.get(programme.id, {})

    def moved(q: int) -> int:
        return mapping.get(q, min(q, max(known)))

    for note in data["evidence"]:
        note["questions"] = sorted({moved(q) for q in note["questions"]})
    evaluated = {e.id for e in programme.evaluated}
    data["proposed_evaluations"] = {
        k: v for k, v in data["proposed_evaluations"].items() if k in evaluated
    }
    judgements = {j.id for j in programme.judgements}
    data["team_judgements"] = {k: v for k, v in data["team_judgements"].items() if k in judgements}
    merged: dict[int, dict[str, Any]] = {}
    for section in data["report"]["questions"]:
        target = merged.setdefault(
            moved(section["question"]), {"question": moved(section["question"])}
        )
        for part, statements in section.items():
            if part != "question":
                target.setdefault(part, []).extend(statements)
    data["report"]["questions"] = [merged[q] for q in sorted(merged)]
    return data


def _record_readings(
    rng: random.Random,
    programme: Programme,
    records: int,
    *,
    quality: float = 4.1,
    immediate_shift: float = 0.0,
) -> list[dict[str, Any]]:
    groups, weights = zip(*_GROUP_WEIGHTS.items(), strict=True)
    readings: list[dict[str, Any]] = []
    for n in range(1, records + 1):
        record = f"R-{n:03d}"
        group = rng.choices(groups, weights)[0]
        child = rng.gauss(quality, 0.8)  # how well this child's services did, on the scale
        ratings = {
            item.id: _rating(
                rng, child + (immediate_shift if item.id == "immediate_response" else 0.0)
            )
            if group in _ONLY_FOR.get(item.id, {group})
            else None
            for item in programme.reading_items
        }
        if group in ("aftercare", "short_breaks") and rng.random() < 0.6:
            ratings["immediate_response"] = None  # no child protection concern in this record
        reader = _READERS[(n - 1) % len(_READERS)]
        first = {
            "record": record,
            "reader": reader,
            "care_group": group,
            "ratings": ratings,
            "agreed": None,
        }
        readings.append(first)
        if n % 10 == 0:  # a tenth read again for moderation
            second_reader = _READERS[n % len(_READERS)]
            second = {
                item: None if value is None else _nudge(rng, value)
                for item, value in ratings.items()
            }
            agreed_second = rng.random() < 0.5
            first["agreed"] = not agreed_second
            readings.append(
                {
                    "record": record,
                    "reader": second_reader,
                    "care_group": group,
                    "ratings": second,
                    "agreed": agreed_second,
                }
            )
    return readings


def _rating(rng: random.Random, quality: float) -> str:
    value = min(6, max(1, round(rng.gauss(quality, 0.7))))
    return POINT_NAMES[value]


def _nudge(rng: random.Random, name: str) -> str:
    """A second reader mostly agrees, sometimes by one point either way."""
    value = next(v for v, n in POINT_NAMES.items() if n == name)
    step = rng.choices([0, -1, 1], [70, 15, 15])[0]
    return POINT_NAMES[min(6, max(1, value + step))]


def _survey_responses(
    rng: random.Random, programme: Programme, *, feel_safe: list[int] | None = None
) -> list[dict[str, Any]]:
    groups = [g for g in _GROUP_WEIGHTS if g is not None]
    sizes = {"children_and_young_people": 96, "parents_and_carers": 64, "staff": 210}
    weights = {"feel_safe": feel_safe or [70, 22, 5, 3]}
    responses = []
    for survey in programme.surveys:
        for n in range(1, sizes[survey.id] + 1):
            answers: dict[str, str | None] = {}
            for item in survey.items:
                if item.free_text:
                    answers[item.id] = (
                        rng.choice(_FREE_TEXT)
                        if survey.id == "children_and_young_people" and rng.random() < 0.2
                        else None
                    )
                elif rng.random() < 0.04:
                    answers[item.id] = None  # left unanswered
                else:
                    w = weights.get(item.id, [max(1, 6 - i) for i in range(len(item.options))])
                    answers[item.id] = rng.choices(item.options, w)[0]
            responses.append(
                {
                    "survey": survey.id,
                    "respondent": f"{survey.id[0].upper()}-{n:04d}",
                    "care_group": None if survey.id == "staff" else rng.choice(groups),
                    "answers": answers,
                }
            )
    return responses


def _statement(
    sid: str, text: str, evidence: list[int], plain: str | None = None
) -> dict[str, Any]:
    return {"id": sid, "text": text, "evidence": [f"E-{n:03d}" for n in evidence], "plain": plain}


def _demo_report() -> dict[str, Any]:
    """The team's draft statements, each citing the demo's evidence notes (E-001 ...).

    One area for development cites nothing yet, as drafts often do, so the demo shows
    the check that lists uncited statements before a report is made final.
    """
    s = _statement
    return {
        "status": "draft",
        "context": [
            s(
                "C-1",
                "The partnership serves a mixed urban and rural area of about 150,000 people, with pockets of high deprivation.",
                [24],
            ),
            s(
                "C-2",
                "In its self-evaluation the partnership identified the consistency of risk assessment across localities as a priority for improvement.",
                [4],
            ),
        ],
        "key_messages": [
            s(
                "K-1",
                "Staff across services recognised and responded well when children needed protection, and most children we heard from had a trusted adult.",
                [1, 2, 5],
                "Staff are good at noticing when children need to be kept safe, and most children have an adult they trust.",
            ),
            s(
                "K-2",
                "Children's plans, chronologies and planning for permanence were not consistently good enough, and some decisions about children's futures were delayed.",
                [3, 10, 13],
                "Some plans for children were not clear enough, and some decisions about where children will live took too long.",
            ),
            s(
                "K-3",
                "Leaders shared a clear vision for vulnerable children, but did not yet know enough about the difference services make to children's lives.",
                [20, 22],
                "The people in charge want the same good things for children, but need to check better whether children's lives are improving.",
            ),
        ],
        "questions": [
            {
                "question": 1,
                "strengths": [
                    s(
                        "Q1-S1",
                        "Staff from social work, health and police shared an understanding of when to raise a child protection concern and how to escalate it.",
                        [1],
                    ),
                    s(
                        "Q1-S2",
                        "Inter-agency referral discussions were held promptly in most records we read, with police, health and social work contributing.",
                        [2],
                    ),
                ],
                "areas_for_development": [
                    s(
                        "Q1-A1",
                        "Chronologies were of variable quality: too many listed events without analysing their significance for the child.",
                        [3],
                    ),
                ],
                "key_messages": [
                    s(
                        "Q1-K1",
                        "Children at risk of harm were recognised and helped quickly by staff who worked well together.",
                        [1, 2],
                        "When children were at risk, staff noticed quickly and worked together to help.",
                    ),
                ],
            },
            {
                "question": 2,
                "strengths": [
                    s(
                        "Q2-S1",
                        "Children told young inspection volunteers that they had a trusted adult to talk to when they were worried.",
                        [5],
                    ),
                    s(
                        "Q2-S2",
                        "Most parents and carers who answered our survey said that staff listened to them and that their child was safer because of the help they received.",
                        [7],
                    ),
                    s(
                        "Q2-S3",
                        "Core group meetings were well chaired, with children's views presented by advocacy workers.",
                        [9],
                    ),
                ],
                "areas_for_development": [
                    s(
                        "Q2-A1",
                        "Waiting times for specialist mental health services were long for children recovering from neglect.",
                        [6],
                    ),
                    s(
                        "Q2-A2",
                        "Children's plans did not always contain SMART actions, which made it hard to measure progress at reviews.",
                        [10],
                    ),
                ],
                "key_messages": [
                    s(
                        "Q2-K1",
                        "Children were helped to stay safe, but some waited too long for help to recover from their experiences.",
                        [5, 6],
                        "Children got help to stay safe, but some waited too long for help with their feelings.",
                    ),
                ],
            },
            {
                "question": 3,
                "strengths": [
                    s(
                        "Q3-S1",
                        "Young people in residential houses felt cared for by staff who stayed with them for a long time.",
                        [11],
                    ),
                    s(
                        "Q3-S2",
                        "Placement stability for children in foster care had improved over three years.",
                        [12],
                    ),
                    s(
                        "Q3-S3",
                        "A virtual school head teacher monitored the attendance and attainment of looked after children, and results were improving.",
                        [15],
                    ),
                ],
                "areas_for_development": [
                    s(
                        "Q3-A1",
                        "Permanence planning for some children looked after at home drifted, with decisions delayed for over a year.",
                        [13],
                    ),
                    s(
                        "Q3-A2",
                        "Kinship carers needed more practical and financial support and quicker access to help.",
                        [14],
                    ),
                ],
                "key_messages": [
                    s(
                        "Q3-K1",
                        "Most looked after children had stable homes and were doing better at school, but children looked after at home waited too long for decisions about their future.",
                        [12, 13, 15],
                        "Most children who are looked after have settled homes and are doing better at school, but some waited too long for decisions about their future.",
                    ),
                ],
            },
            {
                "question": 4,
                "strengths": [
                    s(
                        "Q4-S1",
                        "Aftercare workers kept in touch with care experienced young people and helped them find their first tenancy.",
                        [16],
                    ),
                    s(
                        "Q4-S2",
                        "Care experienced young people on the corporate parenting board had influenced housing policy.",
                        [19],
                    ),
                ],
                "areas_for_development": [
                    s(
                        "Q4-A1",
                        "Fewer care leavers were in education, training or employment nine months after leaving care than the national average.",
                        [17],
                    ),
                    s(
                        "Q4-A2",
                        "Pathway planning often started late, leaving young people little time to prepare for moving on.",
                        [18],
                    ),
                ],
                "key_messages": [
                    s(
                        "Q4-K1",
                        "Young people leaving care had workers who stayed in touch, but planning for their move to adulthood started too late.",
                        [16, 18],
                        "Young people leaving care had workers who kept in touch, but planning for leaving care started too late.",
                    ),
                ],
            },
            {
                "question": 5,
                "strengths": [
                    s(
                        "Q5-S1",
                        "Chief officers shared a vision for vulnerable children that had shaped the integrated children's services plan.",
                        [20],
                    ),
                    s("Q5-S2", "Staff said senior leaders were visible and approachable.", [21]),
                    s(
                        "Q5-S3",
                        "Managers described a culture of learning in which learning reviews led to changes in practice guidance.",
                        [23],
                    ),
                ],
                "areas_for_development": [
                    s(
                        "Q5-A1",
                        "Performance reports to the chief officers group focused on processes and said little about outcomes for children.",
                        [22],
                    ),
                    s(
                        "Q5-A2",
                        "Leaders should tell staff more about changes that affect their work.",
                        [],
                    ),
                ],
                "key_messages": [
                    s(
                        "Q5-K1",
                        "Leaders worked well together and promoted learning, and now need to measure the difference their services make for children.",
                        [20, 22, 23],
                        "The people in charge work well together, and now need to check better how much they are helping children.",
                    ),
                ],
            },
        ],
    }
