"""Sufficiency: a question or evaluated indicator with no evidence, or only one source, is flagged."""

from scrutiny.core.bundle import parse_bundle
from scrutiny.core.demo import make_demo
from scrutiny.core.methodology import load_programme
from scrutiny.core.sufficiency import check_sufficiency, evidence_for_indicator

from .builders import bundle

PROGRAMME = load_programme("care-and-protection-2018")


def note(ident, source, *, questions=(), indicators=()):
    return {
        "id": ident,
        "source": source,
        "text": "Synthetic note",
        "questions": list(questions),
        "indicators": list(indicators),
        "kind": "strength",
    }


def covered():
    """Two kinds of source behind every question and evaluated indicator."""
    everything = {"questions": [1, 2, 3, 4, 5], "indicators": ["1.1", "2.1", "2.2", "9"]}
    return [note("E-1", "focus_group", **everything), note("E-2", "survey", **everything)]


def flags(evidence, **kwargs):
    parsed = parse_bundle(bundle(evidence=evidence))
    return check_sufficiency(parsed, PROGRAMME, **kwargs)


def test_it_flags_nothing_when_every_subject_has_two_kinds_of_source():
    assert flags(covered()) == []


def test_it_flags_every_question_and_indicator_without_evidence():
    found = flags([])
    assert [f.subject for f in found] == [
        "question 1",
        "question 2",
        "question 3",
        "question 4",
        "question 5",
        "QI 1.1",
        "QI 2.1",
        "QI 2.2",
        "QI 9",
    ]
    assert {f.kind for f in found} == {"no evidence"}
    assert found[3].message == "No evidence is tagged to question 4 (Transition to adulthood)"


def test_it_flags_evidence_from_one_kind_of_source_only():
    evidence = [
        *covered()[:1],
        note("E-3", "focus_group", indicators=["2.2"]),
    ]
    found = flags(evidence)
    assert len(found) == 9 and {f.kind for f in found} == {"one source"}
    qi22 = next(f for f in found if f.subject == "QI 2.2")
    assert qi22.message == (
        "All 2 pieces of evidence tagged to QI 2.2 (Impact on families) come from focus "
        "groups: corroborate it from another kind of source"
    )


def test_a_single_note_is_the_only_piece():
    evidence = [*covered(), note("E-3", "meeting", questions=[1])]
    evidence[0]["questions"] = evidence[1]["questions"] = [2, 3, 4, 5]
    (found,) = flags(evidence)
    assert found.message == (
        "The only piece of evidence tagged to question 1 (Recognising and responding to need "
        "for protection) comes from meetings: corroborate it from another kind of source"
    )


def test_leadership_counts_evidence_tagged_to_the_indicators_it_covers():
    evidence = covered()
    for e in evidence:
        e["indicators"] = ["1.1", "2.1", "2.2"]
    evidence += [
        note("E-3", "meeting", indicators=["9.2"]),
        note("E-4", "document", indicators=["9.4"]),
    ]
    parsed = parse_bundle(bundle(evidence=evidence))
    assert [e.id for e in evidence_for_indicator(parsed, PROGRAMME, "9")] == ["E-3", "E-4"]
    assert check_sufficiency(parsed, PROGRAMME) == []


def test_a_proposal_citing_no_evidence_is_flagged_when_citations_are_known():
    # The builder proposes 2.1 only; other indicators have no proposal to cite from.
    found = flags(covered(), citations={"2.1": ["E-404"]})
    assert [(f.subject, f.kind) for f in found] == [("QI 2.1", "uncited")]
    assert found[0].message == (
        "The proposed evaluation of QI 2.1 (Impact on children and young people) cites no "
        "evidence in its rationale"
    )
    assert flags(covered(), citations={"2.1": ["E-2"]}) == []


def test_the_demo_inspection_has_two_kinds_of_source_behind_everything():
    # The demo is signed off in the browser test without accepting flagged evidence.
    assert check_sufficiency(parse_bundle(make_demo()), PROGRAMME) == []
