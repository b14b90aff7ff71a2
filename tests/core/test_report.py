"""The report model and the bundle's `report` section: statements, citations, versions."""

from __future__ import annotations

import copy

import orjson
import pytest

from scrutiny.core.bundle import BundleInvalid, dump_bundle, parse_bundle
from scrutiny.core.demo import make_demo
from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme
from scrutiny.core.report import (
    build_report,
    for_version,
    missing_plain_wording,
    uncited_statements,
)
from scrutiny.core.report_layout import Heading, Items, Table, layout

from .builders import bundle, children_answers, readings

PROGRAMME = load_programme("care-and-protection-2018")


def report_of(data: dict):
    return build_report(parse_bundle(data), PROGRAMME)


def statement(sid: str, text: str, evidence: list[str], plain: str | None = None) -> dict:
    return {"id": sid, "text": text, "evidence": evidence, "plain": plain}


NOTE = {
    "id": "E-1",
    "source": "focus_group",
    "text": "Staff knew how to escalate a concern.",
    "questions": [1],
    "indicators": ["5.2"],
    "kind": "strength",
    "care_group": None,
}


def test_it_keeps_a_bundle_without_a_report_byte_identical():
    data = make_demo(seed=3, records=20)
    del data["report"]
    before = dump_bundle(data)
    assert b'"report"' not in before
    assert dump_bundle(parse_bundle(before)) == before


def test_it_round_trips_a_report_section():
    data = make_demo(seed=3, records=20)
    parsed = parse_bundle(dump_bundle(data))
    assert parsed.report is not None
    assert parsed.report.status == "draft"
    assert orjson.loads(dump_bundle(parsed))["report"] == data["report"]


def test_it_names_the_path_of_every_bad_citation_and_duplicate():
    data = bundle(
        evidence=[NOTE],
        report={
            "status": "final",
            "key_messages": [statement("K-1", "Good.", ["E-404"])],
            "questions": [
                {"question": 1, "strengths": [statement("K-1", "Also good.", ["E-1"])]},
                {"question": 9},
            ],
        },
    )
    with pytest.raises(BundleInvalid) as caught:
        parse_bundle(data)
    assert caught.value.problems == [
        "report.questions[1].question: care-and-protection-2018 has no question 9",
        "report.key_messages[0].evidence[0]: no evidence 'E-404' in this bundle",
        "report.questions[0].strengths[0].id: 'K-1' is used twice",
    ]


def test_it_refuses_an_unknown_status():
    with pytest.raises(BundleInvalid) as caught:
        parse_bundle(bundle(report={"status": "done"}))
    assert caught.value.problems[0].startswith("report.status: 'done' is not one of")


def test_it_lists_statements_that_cite_no_evidence():
    report = report_of(
        bundle(
            evidence=[NOTE],
            report={
                "key_messages": [statement("K-1", "Children are safer.", [])],
                "questions": [
                    {
                        "question": 2,
                        "strengths": [statement("Q2-S1", "Staff escalate well.", ["E-1"])],
                        "areas_for_development": [statement("Q2-A1", "Plans drift.", [])],
                    }
                ],
            },
        )
    )
    uncited = uncited_statements(report)
    assert [(u.where, u.statement.id) for u in uncited] == [
        ("Summary: key messages", "K-1"),
        ("Question 2: areas for development", "Q2-A1"),
    ]


def test_it_finds_the_demo_draft_has_one_uncited_statement_until_it_is_cited():
    data = make_demo(seed=1, records=30)
    assert [u.statement.id for u in uncited_statements(report_of(data))] == ["Q5-A2"]
    fixed = copy.deepcopy(data)
    fixed["report"]["questions"][4]["areas_for_development"][1]["evidence"] = ["E-021"]
    assert uncited_statements(report_of(fixed)) == []


def test_it_drafts_statements_from_tagged_evidence_when_the_team_has_written_none():
    report = report_of(bundle(evidence=[NOTE]))
    assert report.drafted_from_evidence
    q1 = report.questions[0]
    assert [(s.text, s.evidence) for s in q1.strengths] == [(NOTE["text"], ("E-1",))]
    assert report.questions[1].strengths == ()


def test_the_public_and_young_people_versions_hold_no_evidence_reference():
    report = report_of(make_demo(seed=1, records=30))
    assert any(s.evidence for _, s in report.statements())
    for version in ("public", "young-people"):
        shown = for_version(report, version)
        assert all(not s.evidence and not s.id for _, s in shown.statements())
        assert shown.evidence == ()
    assert for_version(report, "internal") is report


def test_it_refuses_an_unknown_version():
    with pytest.raises(ValueError, match="unknown report version 'secret'"):
        for_version(report_of(bundle()), "secret")  # type: ignore[arg-type]


def test_the_report_states_each_grade_and_its_meaning_and_the_limiter_sentence():
    data = make_demo(seed=1, records=30)
    parsed = parse_bundle(data)
    evaluation = evaluate(parsed, PROGRAMME)
    report = build_report(parsed, PROGRAMME, evaluation)
    rows = {row.indicator: row for row in report.evaluations}
    assert (rows["2.1"].grade, rows["2.1"].meaning) == (
        "Adequate",
        "Strengths just outweigh weaknesses",
    )
    detail = evaluation.to_json()["indicators"]["2.1"]["limiters"][0]["detail"]
    assert rows["2.1"].explanations == (
        f"Limited to adequate by group-wellbeing (Wellbeing of a care group evaluated "
        f"adequate or less): {detail}.",
    )


def test_a_pending_evaluation_says_why_and_has_no_grade():
    report = report_of(bundle(survey_responses=children_answers(no=3, yes=7)))
    row = next(r for r in report.evaluations if r.indicator == "2.1")
    assert row.grade == "Pending"
    assert row.pending[0].startswith("3 of 10 children and young people who answered (30.0%)")


def test_counts_below_five_are_hidden_in_the_public_figures_but_exact_internally():
    data = bundle(
        survey_responses=children_answers(no=3, yes=40),
        record_readings=readings(weak=2, other=30),
        team_judgements={"children_not_safe_concerning": False},
    )
    report = report_of(data)
    internal = for_version(report, "internal").figures
    public = for_version(report, "public").figures
    assert any("3 of 43 children and young people who answered (7.0%)" in f for f in internal)
    assert any("fewer than 5 of 43 children and young people who answered say" in f for f in public)
    assert not any("3 of 43" in f or "(7.0%)" in f for f in public)
    assert any("fewer than 5 of 32 readings rate" in f for f in public)


def test_small_survey_returns_and_chart_cells_are_suppressed():
    report = report_of(bundle(survey_responses=children_answers(no=1, yes=3)))
    assert ("children and young people", "fewer than 5") in report.survey_returns
    feel_safe = next(
        c for c in report.charts if c.title.endswith("Do you feel safe where you live?")
    )
    (row,) = feel_safe.table.rows
    assert row[1] == "fewer than 5"
    assert "1" not in row[2:] and "3" not in row[2:]
    assert feel_safe.values == ((None, None, None, None),)


def test_the_record_reading_chart_hides_small_bands():
    data = bundle(record_readings=readings(weak=2, other=40))
    chart = report_of(data).charts[0]
    row = next(r for r in chart.table.rows if r[0].startswith("The immediate response"))
    # Two small bands (0 adequate, 2 weak) hide each other; the large one stays shown.
    assert row[1:] == ("42", "40 (95%)", "fewer than 5", "fewer than 5")
    assert chart.values[1] == (pytest.approx(40 / 42 * 100), None, None)


def test_the_young_people_version_uses_the_plain_wording_and_lists_what_lacks_it():
    data = bundle(
        evidence=[NOTE],
        report={
            "key_messages": [
                statement(
                    "K-1", "Staff escalated concerns appropriately.", ["E-1"], "Staff act fast."
                ),
                statement("K-2", "Planning for permanence drifted.", ["E-1"]),
            ]
        },
    )
    report = report_of(data)
    assert [u.statement.id for u in missing_plain_wording(report)] == ["K-2"]
    doc = layout(report, "young-people")
    items = [i.text for b in doc.blocks if isinstance(b, Items) for i in b.items]
    assert items[:2] == ["Staff act fast.", "Planning for permanence drifted."]
    assert not any(i.refs for b in doc.blocks if isinstance(b, Items) for i in b.items)
    ratings = next(b for b in doc.blocks if isinstance(b, Table))
    assert [r[0] for r in ratings.table.rows] == [e.title for e in PROGRAMME.evaluated]


def test_the_full_report_has_every_section_in_order():
    doc = layout(report_of(make_demo(seed=1, records=30)), "public")
    h2 = [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 2]
    assert h2[:4] == ["Key facts", "Introduction", "Summary", "Anytown and Westshire in context"]
    assert h2[4:9] == [f"Question {q.number}: {q.text}" for q in PROGRAMME.questions]
    assert h2[9:] == [
        "Evaluations",
        "What happens next",
        "Appendix 1: The evaluation scale",
        "Appendix 2: Terms we use",
        "Appendix 3: The quality indicators",
        "Appendix 4: What the figures show",
    ]


def test_the_internal_version_adds_the_uncited_list_and_the_evidence_cited():
    doc = layout(report_of(make_demo(seed=1, records=30)), "internal")
    h2 = [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 2]
    assert h2[-3:] == [
        "Statements without evidence",
        "Still to do before publication",
        "Evidence cited",
    ]
    evidence = [b for b in doc.blocks if isinstance(b, Table)][-1].table
    assert evidence.rows[0][0] == "E-001"
    assert "E-024" in [r[0] for r in evidence.rows]


def feel_safe_answers(**counts: int) -> list[dict]:
    answers = [a.replace("_", " ") for a, n in counts.items() for _ in range(n)]
    return [
        {"survey": "children_and_young_people", "respondent": f"S-{n}", "care_group": None,
         "answers": {"feel_safe": a}}
        for n, a in enumerate(answers)
    ]  # fmt: skip


def test_a_public_figure_hides_a_count_its_table_hides_to_protect_a_small_one():
    # "not sure" (2) is small; "no" (6) is the cheapest cell that would give it away.
    data = bundle(
        survey_responses=feel_safe_answers(yes=30, mostly=30, no=6, not_sure=2),
        team_judgements={"children_not_safe_concerning": False},
    )
    report = report_of(data)
    chart = next(c for c in report.charts if c.title.endswith("Do you feel safe where you live?"))
    assert chart.table.rows[0][1:] == (
        "68", "30 (44%)", "30 (44%)", "not shown", "fewer than 5",
    )  # fmt: skip
    public = " ".join(for_version(report, "public").figures)
    assert "6 of 68" not in public and "8.8%" not in public
    assert (
        "of 68 children and young people who answered, the number that say they do not feel "
        "safe where they live is not shown, to protect identities"
    ) in public
    assert "6 of 68 children and young people who answered (8.8%)" in " ".join(report.figures)


def test_a_public_figure_is_shown_whole_when_its_table_shows_it():
    data = bundle(survey_responses=feel_safe_answers(yes=30, mostly=30, no=6, not_sure=7))
    report = report_of(data)
    assert for_version(report, "public").figures == report.figures
