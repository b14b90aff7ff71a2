"""The timetable as data: every week in the programme files, and the dates it gives."""

from datetime import date, timedelta

import pytest

from scrutiny.core.methodology import (
    PROGRAMMES_DIR,
    ProgrammeInvalid,
    load_programme,
    load_programme_file,
)
from scrutiny.core.timetable import StageStatus, phase_from_work, schedule
from scrutiny.core.timetable.schedule import StageDates

# stage id: (week, end week, after, asked of, done when, uncertain); recordable: RECORDABLE
TIMETABLE_2018 = {
    "notification": (1, None, None, "team", "notified", False),
    "coordinators": (2, None, None, "partnership", None, True),
    "surveys_open": (4, None, None, "team", None, True),
    "surveys_close": (7, None, None, "team", "surveys_returned", True),
    "self_evaluation": (8, None, None, "partnership", "lead_document_sent", True),
    "record_reading": (12, 12, None, "team", "all_records_read", False),
    "fieldwork": (13, 19, None, "team", None, False),
    "emerging_themes": (14, None, None, "team", None, False),
    "evaluation": (20, 22, None, "team", "evaluations_agreed", True),
    "qa_panel": (24, None, None, "team", "evaluations_signed_off", True),
    "draft_shared": (28, None, None, "team", "draft_shared", True),
    "factual_accuracy": (30, None, None, "partnership", "report_final", True),
    "publication": (35, None, None, "team", "report_published", False),
    "action_plan": (6, None, "publication", "partnership", "action_plan_submitted", False),
    "progress_review": (52, None, "publication", "team", "progress_review_opened", True),
}
TIMETABLE_2021 = {
    "notification": (1, None, None, "team", "notified", False),
    "coordinators": (2, None, None, "partnership", None, True),
    "surveys_open": (3, None, None, "team", None, True),
    "position_statement": (5, None, None, "partnership", "lead_document_sent", True),
    "surveys_close": (6, None, None, "team", "surveys_returned", True),
    "record_reading": (8, 9, None, "team", "all_records_read", True),
    "fieldwork": (10, 12, None, "team", None, True),
    "emerging_themes": (11, None, None, "team", None, True),
    "evaluation": (13, 14, None, "team", "evaluations_agreed", True),
    "qa_panel": (15, None, None, "team", "evaluations_signed_off", True),
    "draft_shared": (17, None, None, "team", "draft_shared", True),
    "factual_accuracy": (19, None, None, "partnership", "report_final", True),
    "publication": (22, None, None, "team", "report_published", False),
    "action_plan": (6, None, "publication", "partnership", "action_plan_submitted", False),
    "progress_review": (52, None, "publication", "team", "progress_review_opened", True),
}
# Stages the work completes that the team may also record done (sent by other means).
RECORDABLE = {"self_evaluation", "position_statement", "action_plan"}
MONDAY = date(2026, 1, 5)


def _timetable(programme_id: str):
    timetable = load_programme(programme_id).timetable
    assert timetable is not None
    return timetable


@pytest.mark.parametrize(
    ("programme_id", "weeks", "expected"),
    [
        ("care-and-protection-2018", 35, TIMETABLE_2018),
        ("children-at-risk-of-harm-2021", 22, TIMETABLE_2021),
    ],
)
def test_it_pins_every_stage_of_each_programme(programme_id, weeks, expected):
    timetable = _timetable(programme_id)
    assert timetable.weeks == weeks
    found = {
        s.id: (s.week, s.end_week, s.after, s.asked_of, s.done_when, s.uncertain)
        for s in timetable.stages
    }
    assert found == expected
    assert {s.id for s in timetable.stages if s.recordable} == RECORDABLE & set(expected)
    # In the order the work happens (the after-publication stages last).
    assert [s.id for s in timetable.stages] == list(expected)


def test_it_pins_the_2018_phases_and_the_emerging_themes_week():
    timetable = _timetable("care-and-protection-2018")
    assert [(p.id, p.week, p.end_week) for p in timetable.phases] == [
        ("preparation", 1, 11),
        ("fieldwork", 12, 19),
        ("reporting", 20, 35),
        ("after", 35, None),
    ]
    assert timetable.stage("emerging_themes").week == 14
    assert timetable.stage("progress_review").only_if


def test_it_dates_every_stage_from_the_notification():
    stages = {
        d.stage.id: d
        for d in schedule(_timetable("care-and-protection-2018"), notification=MONDAY, today=MONDAY)
    }
    assert stages["notification"].start == MONDAY
    assert stages["emerging_themes"].start == MONDAY + timedelta(weeks=13)
    assert stages["fieldwork"].start == MONDAY + timedelta(weeks=12)
    # A stage ends at the end of its last week.
    assert stages["fieldwork"].end == MONDAY + timedelta(weeks=19, days=-1)
    assert stages["publication"].start == date(2026, 8, 31)
    assert stages["action_plan"].start == date(2026, 8, 31) + timedelta(weeks=6)


def test_it_moves_every_date_with_the_notification_but_the_ones_the_team_set():
    timetable = _timetable("children-at-risk-of-harm-2021")
    own = {"qa_panel": StageDates(start=date(2026, 6, 1))}
    before = schedule(timetable, notification=MONDAY, today=MONDAY, overrides=own)
    after = schedule(
        timetable, notification=MONDAY + timedelta(days=10), today=MONDAY, overrides=own
    )
    for old, new in zip(before, after, strict=True):
        if old.stage.id == "qa_panel":
            assert new.start == old.start == date(2026, 6, 1)
            assert new.overridden
        else:
            assert new.start - old.start == timedelta(days=10)
            assert new.end - old.end == timedelta(days=10)


def test_a_stage_after_another_follows_its_changed_date():
    timetable = _timetable("care-and-protection-2018")
    moved = date(2026, 10, 1)
    stages = {
        d.stage.id: d
        for d in schedule(
            timetable,
            notification=MONDAY,
            today=MONDAY,
            overrides={"publication": StageDates(start=moved)},
        )
    }
    assert stages["action_plan"].start == moved + timedelta(weeks=6)
    assert not stages["action_plan"].overridden


def test_the_action_plan_counts_from_the_day_the_report_was_published():
    timetable = _timetable("children-at-risk-of-harm-2021")
    published = MONDAY + timedelta(weeks=18, days=2)  # four weeks early
    stages = {
        d.stage.id: d
        for d in schedule(
            timetable,
            notification=MONDAY,
            today=published + timedelta(weeks=7),
            signals={"report_published"},
            signal_dates={"report_published": published},
        )
    }
    assert stages["publication"].status is StageStatus.DONE
    assert stages["action_plan"].start == published + timedelta(weeks=6)
    assert stages["action_plan"].status is StageStatus.OVERDUE
    # Submitted, it is done; a progress review opened is done too.
    stages = {
        d.stage.id: d
        for d in schedule(
            timetable,
            notification=MONDAY,
            today=published + timedelta(weeks=7),
            signals={"report_published", "action_plan_submitted", "progress_review_opened"},
            signal_dates={"report_published": published},
        )
    }
    assert stages["action_plan"].status is StageStatus.DONE
    assert stages["progress_review"].done_text == "A progress review is opened"


def test_a_span_moved_by_its_start_keeps_its_length():
    timetable = _timetable("care-and-protection-2018")
    [fieldwork] = [
        d
        for d in schedule(
            timetable,
            notification=MONDAY,
            today=MONDAY,
            overrides={"fieldwork": StageDates(start=date(2026, 5, 4))},
        )
        if d.stage.id == "fieldwork"
    ]
    assert fieldwork.end - fieldwork.start == fieldwork.planned_end - fieldwork.planned_start


def test_it_derives_each_status_from_dates_signals_and_records():
    timetable = _timetable("care-and-protection-2018")
    today = MONDAY + timedelta(weeks=12, days=1)  # the second day of week 13
    stages = {
        d.stage.id: d
        for d in schedule(
            timetable,
            notification=MONDAY,
            today=today,
            signals={"notified", "all_records_read"},
            completed={"coordinators": MONDAY + timedelta(days=8)},
        )
    }
    assert stages["notification"].status is StageStatus.DONE
    assert stages["notification"].done_because == "notified"
    assert stages["coordinators"].status is StageStatus.DONE
    assert stages["coordinators"].done_because == "recorded as done on 13 January 2026"
    assert stages["record_reading"].status is StageStatus.DONE
    assert stages["surveys_close"].status is StageStatus.OVERDUE
    assert stages["self_evaluation"].status is StageStatus.OVERDUE
    assert stages["fieldwork"].status is StageStatus.NOW
    assert stages["emerging_themes"].status is StageStatus.DUE
    assert stages["publication"].status is StageStatus.UPCOMING


def test_an_only_if_stage_is_never_overdue():
    timetable = _timetable("care-and-protection-2018")
    far = MONDAY + timedelta(weeks=200)
    stages = {d.stage.id: d for d in schedule(timetable, notification=MONDAY, today=far)}
    assert stages["progress_review"].status is StageStatus.IF_NEEDED
    assert stages["action_plan"].status is StageStatus.OVERDUE


@pytest.mark.parametrize(
    ("signals", "phase"),
    [
        (set(), "scoping"),
        ({"notified", "surveys_returned"}, "scoping"),
        ({"records_read"}, "fieldwork"),
        ({"records_read", "evaluations_proposed"}, "evaluation"),
        ({"evaluations_agreed", "evaluations_signed_off"}, "reporting"),
        ({"draft_shared"}, "reporting"),
        ({"draft_shared", "report_final", "report_published"}, "published"),
    ],
)
def test_the_phase_follows_the_work(signals, phase):
    assert phase_from_work(signals) == phase


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'after = "publication"\nweek = 6',
            'after = "nowhere"\nweek = 6',
            "after: 'nowhere' is not an earlier stage",
        ),
        ("week = 13\nend_week = 19", "week = 13\nend_week = 12", "end_week: before its week 13"),
        (
            'id = "emerging_themes"\ntitle = "Emerging themes meeting"\nphase = "fieldwork"',
            'id = "emerging_themes"\ntitle = "Emerging themes meeting"\nphase = "lunch"',
            "phase: no phase 'lunch'",
        ),
        ("week = 35\ndone_when", "week = 36\ndone_when", "week 36 is past the timetable's 35"),
        ('done_when = "notified"', 'done_when = "it_feels_done"', "done_when"),
        (
            'id = "emerging_themes"\n',
            'id = "emerging_themes"\nrecordable = true\n',
            "recordable: only a stage with done_when needs it",
        ),
    ],
)
def test_a_broken_timetable_is_refused_with_the_stage_named(tmp_path, old, new, message):
    text = (PROGRAMMES_DIR / "care-and-protection-2018.toml").read_text()
    assert old in text
    broken = tmp_path / "care-and-protection-2018.toml"
    broken.write_text(text.replace(old, new, 1))
    with pytest.raises(ProgrammeInvalid, match="timetable") as info:
        load_programme_file(broken)
    assert message in str(info.value)


def test_every_signal_has_words_for_the_pages():
    from typing import get_args

    from scrutiny.core.timetable.model import SIGNAL_TEXT, Signal

    assert set(SIGNAL_TEXT) == set(get_args(Signal))
    timetable = _timetable("care-and-protection-2018")
    [done] = [
        d
        for d in schedule(
            timetable, notification=MONDAY, today=MONDAY, signals={"report_published"}
        )
        if d.stage.id == "publication"
    ]
    assert done.done_text == "The report is published"
