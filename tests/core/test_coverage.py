"""Coverage: notes per question and indicator by source and kind, thin evidence flagged."""

from scrutiny.core.coverage import Note, coverage
from scrutiny.core.methodology import load_programme

PROGRAMME = load_programme("care-and-protection-2018")


def test_it_counts_each_note_once_per_tag_by_source_and_kind() -> None:
    notes = [
        Note("meeting", "strength", [1, 1], ["5.2"]),
        Note("focus_group", "area_for_development", [1], ["5.2", "7.1"]),
        Note("meeting", "strength", [2], []),
        Note("meeting", "context", [9], ["99.9"]),  # tags the programme lacks are ignored
    ]

    found = coverage(notes, PROGRAMME)

    q1 = found.questions[0]
    assert (q1.id, q1.total, q1.by_kind("strength"), q1.by_kind("area_for_development")) == (
        "1",
        2,
        1,
        1,
    )
    assert q1.sources() == ["focus_group", "meeting"] and q1.flag is None
    assert q1.count("meeting", "strength") == 1
    by_id = {c.id: c for c in found.indicators}
    assert by_id["5.2"].total == 2 and by_id["7.1"].flag == "one source"
    assert found.questions[1].flag == "one source"
    assert found.questions[2].flag == "no evidence" and found.questions[2].total == 0
    assert [c.id for c in found.indicators] == [i.id for i in PROGRAMME.indicators]
    assert {c.id for c in found.indicators if c.uncertain} == {"5.1", "10.1"}
