"""The report a Care Inspectorate team would publish (issue 13).

Judged against the published reports of the 2018-20 programme (shared/docs/
published-report.md): the sections in their order in every format, no internal working
identifier in any public output, each programme in its own words, a young people's
version children can read, and any text the team types rendering in every format.
"""

from __future__ import annotations

import io
import re

import docx
import pytest
import textstat
from pypdf import PdfReader

from scrutiny.core.bundle import BundleInvalid, parse_bundle
from scrutiny.core.demo import make_demo
from scrutiny.core.methodology import available_programmes, load_programme
from scrutiny.core.report import build_report, publication_gaps, render_report
from scrutiny.core.report_layout import Items, Para, Table, layout

from .test_report_formats import docx_units, html_units

# The published contents, in order (Orkney 2020, Stirling 2019).
SECTIONS = [
    "Key facts",
    "Introduction",
    "Summary",
    "Northshire Islands in context",
    "Question 1:",
    "Question 2:",
    "Question 3:",
    "Question 4:",
    "Question 5:",
    "Evaluations",
    "What happens next",
    "Appendix 1: The evaluation scale",
    "Appendix 2: Terms we use",
    "Appendix 3: The quality indicators",
]


def _report(seed: int = 2, programme: str = "care-and-protection-2018", records: int = 100):
    bundle = parse_bundle(make_demo(seed=seed, records=records, programme_id=programme))
    return build_report(bundle, load_programme(programme))


@pytest.fixture(scope="module")
def scenario_2():
    report = _report()
    return {fmt: render_report(report, fmt, version="public") for fmt in ("html", "pdf", "docx")}


def _in_order(texts: list[str], wanted: list[str]) -> list[str]:
    """The wanted headings found, each after the one before it."""
    found, start = [], 0
    for heading in wanted:
        for n in range(start, len(texts)):
            if texts[n].startswith(heading):
                found.append(heading)
                start = n + 1
                break
    return found


def test_it_prints_the_published_sections_in_order_in_the_pdf_of_scenario_2(scenario_2):
    reader = PdfReader(io.BytesIO(scenario_2["pdf"]))
    assert len(reader.pages) >= 25
    text = "\n".join(page.extract_text() for page in reader.pages)
    cover = text[: text.index("Contents")]
    assert "Prepared by the Care Inspectorate in partnership with Education Scotland, " in " ".join(
        cover.split()
    )
    assert "February 2020" in " ".join(cover.split())
    assert "cannot assure the quality of every service" in " ".join(cover.split())
    body = text[text.index("Contents") :]
    # After the contents list: each heading starts a line of the body, in order.
    lines = [" ".join(line.split()) for line in body.splitlines()]
    after_contents = lines[lines.index("Key facts", 1) :] if "Key facts" in lines else lines
    assert _in_order(after_contents[1:], SECTIONS[1:]) == SECTIONS[1:]
    flat = " ".join(text.split())
    for part in (
        "Children on the child protection register",  # a key fact, with its source
        "Scottish Government, children's social work statistics",
        "Our remit",
        "Our five inspection questions",
        "Our quality improvement framework",
        "Young inspection volunteer",
        "How we conducted this inspection",
        "Priority areas for improvement",
        "Geography and demography",
        "Social and economic",
        "The partnership",
        "What we found",
        "Leadership and direction: unsatisfactory",
        "An evaluation of good is applied where performance shows important strengths",
    ):
        assert part in flat, part


def test_it_gives_the_docx_the_same_sections_as_real_headings(scenario_2):
    document = docx.Document(io.BytesIO(scenario_2["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert _in_order(headings, SECTIONS) == SECTIONS
    assert {"Our remit", "Priority areas for improvement", "Geography and demography"} <= {
        p.text for p in document.paragraphs if p.style.name == "Heading 2"
    }


def test_it_gives_the_html_the_same_sections_as_h2(scenario_2):
    h2 = re.findall(r"<h2[^>]*>([^<]*)</h2>", scenario_2["html"].decode())
    assert _in_order(h2, SECTIONS) == SECTIONS


def test_it_follows_the_published_orkney_evaluations_in_scenario_2():
    report = _report(records=30)
    grades = {row.indicator: row.grade for row in report.evaluations}
    assert grades == {"1.1": "Weak", "2.1": "Weak", "2.2": "Adequate", "9": "Unsatisfactory"}
    # The figures agree: 2.1 is limited to weak by a serious failing and the readings.
    limits = {lim.rule for row in report.evaluations for lim in row.limiters}
    assert {"serious-failings", "immediate-response"} <= limits


def test_it_says_a_progress_review_may_follow_with_the_teams_intention_and_timescale():
    steps = " ".join(_report(records=30).next_steps)
    assert "within six weeks" in steps
    assert (
        "The evaluations of quality indicators 1.1 and 2.1 and of leadership and direction "
        "were weak or unsatisfactory." in steps
    )
    assert "may carry out a progress review" in steps
    assert "within twelve months of the publication of this report" in steps
    assert "was evaluated" not in steps and " will carry out a progress review." not in steps


def test_it_lists_what_a_report_still_lacks_before_publication():
    data = make_demo(seed=2, records=12)
    del data["report"]["progress_review"]
    data["report"]["priority_areas"] = []
    data["report"]["key_facts"] = []
    report = build_report(parse_bundle(data), load_programme("care-and-protection-2018"))
    gaps = publication_gaps(report)
    assert "Key facts: no figure about the area is entered yet." in gaps
    assert "Summary: no priority area for improvement is written yet." in gaps
    assert any(g.startswith("What happens next: an evaluation is weak") for g in gaps)
    assert publication_gaps(_report(records=12)) == []


def _internal_ids() -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {"mark": {"(title uncertain)"}}
    for programme_id in available_programmes():
        programme = load_programme(programme_id)
        ids.setdefault("programme", set()).add(programme.id)
        ids.setdefault("limiter", set()).update(
            r.id for r in (*programme.limiters, *programme.pending)
        )
        # One-word slugs ("residential") are ordinary words; the rest are unmistakable.
        ids.setdefault("care group", set()).update(
            g.id for g in programme.care_groups if "_" in g.id
        )
        ids.setdefault("judgement", set()).update(j.id for j in programme.judgements)
    return ids


def _public_texts(report) -> dict[str, str]:
    """Every public output's text: the HTML source (attributes included), the PDF's text
    and the DOCX's text, properties included."""
    out = {}
    for version in ("public", "young-people"):
        html = render_report(report, "html", version=version).decode()
        out[f"{version} html"] = html
        document = docx.Document(io.BytesIO(render_report(report, "docx", version=version)))
        props = document.core_properties
        out[f"{version} docx"] = "\n".join(
            [
                *docx_units(render_report(report, "docx", version=version)),
                props.title or "",
                props.subject or "",
                props.keywords or "",
            ]
        )
    pdf = render_report(report, "pdf", version="public")
    out["public pdf"] = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return out


@pytest.mark.parametrize("programme", available_programmes())
@pytest.mark.parametrize("seed", [1, 2])
def test_it_prints_no_internal_identifier_in_any_public_output(programme, seed):
    bundle = parse_bundle(make_demo(seed=seed, records=20, programme_id=programme))
    report = build_report(bundle, load_programme(programme))
    ids = _internal_ids()
    ids["concern"] = {c.id for c in bundle.significant_concerns}
    ids["statement"] = {s.id for _, s in bundle.report.statements()} if bundle.report else set()
    found = []
    for where, text in _public_texts(report).items():
        for kind, names in ids.items():
            for name in names:
                # Statement ids (K-1, Q1-P2) and concern ids (SC-1) as whole words only.
                if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
                    found.append((where, kind, name))
    assert found == []


def test_it_explains_limiters_in_plain_sentences_in_public():
    report = _report(records=30)
    public = render_report(report, "md", version="public").decode()
    internal = render_report(report, "md", version="internal").decode()
    assert "by serious-failings" in internal and "(SC-1)" in internal
    assert (
        "Serious failings in systems, processes and practice in the protection of children: "
        "1 significant concern is recorded as a serious failing" in public
    )
    assert "So the evaluation can be no higher than weak." in public


def test_it_does_not_present_the_reading_tools_own_items_as_the_method():
    (published,) = [
        i for i in load_programme("care-and-protection-2018").reading_items if i.published
    ]
    assert published.id == "immediate_response"
    note = _report(records=12).reading_tool_note
    assert (
        "only the immediate response to child protection concerns is part of the published method"
        in note
    )
    assert "the other 19 are the inspection team's own structure" in note
    assert not any(
        i.published for i in load_programme("children-at-risk-of-harm-2021").reading_items
    )


def test_it_speaks_of_the_2021_programme_in_its_own_words():
    report = _report(seed=1, programme="children-at-risk-of-harm-2021", records=20)
    text = "\n".join(
        unit
        for version in ("public", "young-people")
        for unit in html_units(render_report(report, "html", version=version))
    )
    assert "care and protection" not in text
    assert "five" not in text.replace("one child in five", "")
    assert not re.search(r"\bQuestion \d", text)
    assert "Our four inspection statements" in text
    assert "Statement 4: Collaborative strategic leadership" in text
    assert (
        "We evaluated one quality indicator on the six-point scale: 2.1 impact on children" in text
    )
    assert "children and young people at risk of harm in Anytown and Westshire" in text
    assert "limit" not in text  # no published limiters


def test_it_keeps_only_what_the_2021_programme_publishes():
    programme = load_programme("children-at-risk-of-harm-2021")
    assert [e.id for e in programme.evaluated] == ["2.1"]
    assert len(programme.questions) == 4
    assert programme.limiters == () and programme.pending == () and programme.statistics == ()
    assert len(programme.scale.points) == 6 and len(programme.care_groups) == 6
    for programme_id in available_programmes():
        indicator = load_programme(programme_id).indicator("5.3")
        assert indicator is not None
        assert indicator.title == "Care planning, managing risk and effective intervention"
        assert not indicator.uncertain


def _young_people_body(report) -> list[str]:
    body = []
    for block in layout(report, "young-people").blocks:
        if isinstance(block, Para):
            body.append(block.text)
        elif isinstance(block, Items):
            body += [i.text for i in block.items]
        elif isinstance(block, Table):
            body += [" ".join(row[1:]) for row in block.table.rows]
    return [t if t.endswith((".", "!", "?")) else f"{t}." for t in body]


@pytest.mark.parametrize("seed", [1, 2])
def test_it_writes_the_young_peoples_version_for_a_reading_age_of_12(seed):
    report = _report(seed=seed, records=12)
    body = " ".join(_young_people_body(report))
    # Flesch-Kincaid grade 7 is a reading age of 12 (US grade + 5).
    assert textstat.flesch_kincaid_grade(body) <= 7
    assert "Not good enough" in body if seed == 2 else "Good" in body
    for adult in ("Important weaknesses", "priority action required", "Unsatisfactory"):
        assert adult not in body
    assert "They have 6 weeks to do it." in body
    assert ("We may come back to check they get better." in body) == (seed == 2)


UNICODE = "Young people said 👍 and 🏠 — שלום עולם — مرحبا بالعالم"


def test_it_refuses_a_control_character_at_input_naming_the_path():
    data = make_demo(seed=1, records=5)
    data["report"]["key_messages"][0]["text"] = "Staff\x01 responded"
    with pytest.raises(BundleInvalid) as info:
        parse_bundle(data)
    assert info.value.problems == [
        "report.key_messages[0].text: contains the control character U+0001 at position 6: "
        "remove it (got 'Staff\\x01 responded')"
    ]


def test_it_renders_emoji_and_right_to_left_text_in_every_format():
    data = make_demo(seed=1, records=12)
    data["report"]["key_messages"][0]["text"] = UNICODE
    data["report"]["the_partnership"][0]["text"] = "مرحبا بالعالم: the partnership's own words."
    report = build_report(parse_bundle(data), load_programme("care-and-protection-2018"))
    html = render_report(report, "html", version="public").decode()
    assert f'<li dir="auto">{UNICODE}</li>' in html
    assert '<p dir="auto">مرحبا بالعالم' in html
    assert UNICODE in docx_units(render_report(report, "docx", version="public"))
    document = docx.Document(io.BytesIO(render_report(report, "docx", version="public")))
    rtl = next(p for p in document.paragraphs if p.text.startswith("مرحبا"))
    assert rtl._p.pPr.find(docx.oxml.ns.qn("w:bidi")) is not None
    pdf = render_report(report, "pdf", version="public")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    squeezed = re.sub(r"\s+", "", text)
    for piece in ("👍", "🏠", "שלום", "עולם"):
        assert piece in squeezed or piece[::-1] in squeezed, piece


def test_it_keeps_a_word_document_whole_if_a_control_character_slips_past_input():
    from dataclasses import replace

    report = _report(seed=1, records=5)
    broken = replace(report, key_messages=(replace(report.key_messages[0], text="a\x01b"),))
    document = docx.Document(io.BytesIO(render_report(broken, "docx", version="public")))
    assert "ab" in [p.text for p in document.paragraphs]
