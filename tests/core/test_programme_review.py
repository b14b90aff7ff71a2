"""The rules of the review of findings: when a milestone is kept or missed, when a sum
across inspections may be shown, and how statements become themes."""

from datetime import date, timedelta

import pytest

from scrutiny.core.methodology import load_programme
from scrutiny.core.programme_review import InspectionFigures, programme_overview
from scrutiny.core.programme_review.figures import PublishedStatement
from scrutiny.core.programme_review.overview import may_show_total, shown_total
from scrutiny.core.programme_review.review import period, review_layout
from scrutiny.core.programme_review.themes import themes_by_indicator, themes_by_question
from scrutiny.core.programme_review.timelines import Kept, milestone_outcomes, outcome
from scrutiny.core.report_layout import Heading
from scrutiny.core.timetable.schedule import StageDates

PROGRAMME = load_programme("care-and-protection-2018")
TIMETABLE = PROGRAMME.timetable
NOTIFIED = date(2019, 1, 7)
DRAFT_DUE = NOTIFIED + timedelta(weeks=27)  # week 28
PUBLICATION_DUE = NOTIFIED + timedelta(weeks=34)  # week 35


def test_it_keeps_a_milestone_done_by_its_date_and_misses_one_done_after_or_overdue() -> None:
    due = date(2020, 3, 2)
    assert outcome(due=due, done=due, today=date(2026, 1, 1)) is Kept.KEPT
    assert outcome(due=due, done=due - timedelta(days=9), today=due) is Kept.KEPT
    assert outcome(due=due, done=due + timedelta(days=1), today=date(2026, 1, 1)) is Kept.MISSED
    assert outcome(due=due, done=None, today=due + timedelta(days=1)) is Kept.MISSED
    assert outcome(due=due, done=None, today=due) is Kept.NOT_YET_DUE


def test_it_dates_the_key_milestones_from_the_plan_and_the_action_plan_from_publication() -> None:
    assert TIMETABLE is not None
    published = PUBLICATION_DUE + timedelta(days=10)  # late
    found = milestone_outcomes(
        TIMETABLE,
        notification=NOTIFIED,
        today=date(2026, 1, 1),
        done={
            "draft_shared": DRAFT_DUE,
            "publication": published,
            # Six weeks after the actual publication: kept, though late by the plan's date.
            "action_plan": published + timedelta(weeks=6),
        },
    )
    assert [(m.stage, m.due, m.outcome) for m in found] == [
        ("draft_shared", DRAFT_DUE, Kept.KEPT),
        ("publication", PUBLICATION_DUE, Kept.MISSED),
        ("action_plan", published + timedelta(weeks=6), Kept.KEPT),
    ]
    assert [m.title for m in found] == [
        "Draft report to the partnership",
        "Publication of the report",
        "Action plan due",
    ]


def test_it_takes_the_teams_own_date_as_the_plans_date() -> None:
    assert TIMETABLE is not None
    moved = DRAFT_DUE + timedelta(weeks=2)
    found = milestone_outcomes(
        TIMETABLE,
        notification=NOTIFIED,
        today=DRAFT_DUE + timedelta(weeks=1),
        done={},
        overrides={"draft_shared": StageDates(start=moved)},
    )
    draft, publication, action_plan = found
    assert (draft.due, draft.outcome) == (moved, Kept.NOT_YET_DUE)
    assert publication.outcome is Kept.NOT_YET_DUE
    # Not published: the action plan counts from the plan's date of publication.
    assert action_plan.due == PUBLICATION_DUE + timedelta(weeks=6)


def test_it_shows_a_sum_only_if_it_gives_away_no_count_a_report_hid() -> None:
    assert may_show_total([(2019, 30, False), (2019, 12, False)])
    # One hidden count: the sum minus the other gives it away.
    assert not may_show_total([(2019, 30, False), (2019, 3, True)])
    # Two hidden counts that come to fewer than five together: their sum is given away.
    assert not may_show_total([(2019, 30, False), (2019, 1, True), (2019, 2, True)])
    # Two that come to five or more: neither can be worked out.
    assert may_show_total([(2019, 30, False), (2019, 3, True), (2019, 4, True)])
    # Each year on its own too: 2019's sum and the two years' sum would give 2020's away.
    assert not may_show_total(
        [(2019, 3, True), (2019, 4, True), (2020, 30, False), (2020, 2, True)]
    )
    assert shown_total([(2019, 30, False), (2019, 3, True)]) == "not shown"
    assert shown_total([(2019, 3, False)]) == "fewer than 5"
    assert shown_total([(2019, 30, False), (2019, 12, False)]) == "42"


def _figures(partnership: str, statements: tuple[PublishedStatement, ...]) -> InspectionFigures:
    return InspectionFigures(
        reference=f"R-{partnership}",
        partnership=partnership,
        year=2019,
        evaluations={e.id: 4 for e in PROGRAMME.evaluated},
        limiters=(),
        statistics={s.id: (10, 50) for s in PROGRAMME.statistics},
        statistics_hidden=frozenset(),
        records_read=50,
        survey_returns={s.id: 40 for s in PROGRAMME.surveys},
        statements=statements,
    )


def test_it_makes_one_theme_of_the_same_statement_counted_once_per_inspection() -> None:
    plans = PublishedStatement("priority area", "Improve chronologies.", (1, 2), ("2.1",))
    plans_again = PublishedStatement("priority area", "improve  chronologies", (1,), ("2.1",))
    leaders = PublishedStatement("key message", "Leaders led well.", (5,), ("9",))
    loose = PublishedStatement("key message", "Context matters.", (), ())
    overview = programme_overview(
        [
            _figures("Aldermoor", (plans, leaders, leaders)),
            _figures("Birchfield", (plans_again, loose)),
        ],
        PROGRAMME,
    )
    by_indicator = {g.heading: g for g in themes_by_indicator(overview)}
    qi21 = by_indicator["Quality indicator 2.1: Impact on children and young people"]
    assert [(t.text, t.partnerships) for t in qi21.priority_areas] == [
        ("Improve chronologies.", ("Aldermoor", "Birchfield"))
    ]
    assert qi21.key_messages == ()
    leadership = by_indicator["Leadership and direction"]
    assert [(t.text, t.partnerships) for t in leadership.key_messages] == [
        ("Leaders led well.", ("Aldermoor",))
    ]
    by_question = {g.heading: g for g in themes_by_question(overview)}
    assert (
        len(
            by_question[
                "Question 2: Helping children stay safe, healthy and recover"
            ].priority_areas
        )
        == 1
    )
    assert by_question[
        "Question 1: Recognising and responding to need for protection"
    ].priority_areas[0].partnerships == ("Aldermoor", "Birchfield")
    # A statement bearing on no evaluated indicator is listed under its own heading.
    headings = [b.text for b in review_layout(overview).blocks if isinstance(b, Heading)]
    assert "Not linked to an evaluated quality indicator" in headings


@pytest.mark.parametrize(
    ("years", "words"),
    [
        ((2019,), "2019"),
        ((2018, 2019), "2018 and 2019"),
        ((2018, 2019, 2020), "2018 to 2020"),
        ((2018, 2020), "2018 and 2020"),
        ((2017, 2019, 2020), "2017, 2019 and 2020"),
    ],
)
def test_it_names_the_period(years: tuple[int, ...], words: str) -> None:
    assert period(years) == words
