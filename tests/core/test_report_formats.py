"""The rendered report: HTML, PDF and DOCX carry the same text, grades and figures.

Text is extracted as a reader's tools would: the PDF with pypdf, the DOCX with
python-docx, the HTML with a parser. Every paragraph, list item, heading and table
cell of the HTML must appear in the PDF and the DOCX, and the DOCX has nothing the
HTML lacks.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from scrutiny.core.bundle import parse_bundle
from scrutiny.core.demo import make_demo
from scrutiny.core.methodology import load_programme
from scrutiny.core.report import build_report, render_report
from scrutiny.core.report_html import render_html, render_html_fragment

PROGRAMME = load_programme("care-and-protection-2018")
VERSIONS = ("public", "internal", "young-people")
_BLOCKS = {"h1", "h2", "h3", "p", "li", "caption", "th", "td"}


@pytest.fixture(scope="module")
def demo():
    return parse_bundle(make_demo(seed=1, records=100))


@pytest.fixture(scope="module")
def report(demo):
    return build_report(demo, PROGRAMME)


@pytest.fixture(scope="module")
def rendered(report):
    """Each version in each format, rendered once for the module."""
    return {
        (version, fmt): render_report(report, fmt, version=version)
        for version in VERSIONS
        for fmt in ("html", "pdf", "docx")
    }


class _Text(HTMLParser):
    """The text of each block element, outside <head> and inline SVG (chart drawings)."""

    def __init__(self) -> None:
        super().__init__()
        self.units: list[str] = []
        self.tags: list[str] = []
        self._open: list[list[str]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("svg", "head"):
            self._skip += 1
        elif tag in _BLOCKS and not self._skip:
            self._open.append([])

    def handle_endtag(self, tag):
        if tag in ("svg", "head"):
            self._skip -= 1
        elif tag in _BLOCKS and not self._skip:
            text = " ".join("".join(self._open.pop()).split())
            if text:
                self.units.append(text)

    def handle_data(self, data):
        if self._open and not self._skip:
            self._open[-1].append(data)


def html_units(html: bytes | str) -> list[str]:
    parser = _Text()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.units


def docx_units(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    units = [p.text for p in document.paragraphs]
    for table in document.tables:
        units += [cell.text for row in table.rows for cell in row.cells]
    return [" ".join(u.split()) for u in units if u.strip()]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    # Line breaks fall differently on a PDF page: compare without any whitespace.
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_pdf_and_docx_carry_every_piece_of_the_html_text(rendered, version):
    units = html_units(rendered[(version, "html")])
    assert len(units) > 20
    pdf = squeeze(pdf_text(rendered[(version, "pdf")]))
    missing_from_pdf = [u for u in units if squeeze(u) not in pdf]
    assert missing_from_pdf == []
    in_docx = docx_units(rendered[(version, "docx")])
    assert [u for u in units if u not in in_docx] == []
    assert [u for u in in_docx if u not in units] == []


@pytest.mark.parametrize("version", ("public", "internal"))
def test_every_format_states_the_grades_and_the_figures(report, rendered, version):
    pdf = squeeze(pdf_text(rendered[(version, "pdf")]))
    in_docx = docx_units(rendered[(version, "docx")])
    html = html_units(rendered[(version, "html")])
    for row in report.evaluations:
        label = f"{row.indicator} {row.title}" if "." in row.indicator else row.title
        expected = (label, row.grade, row.meaning)
        assert [u for u in expected if u not in html] == []
        assert [u for u in expected if u not in in_docx] == []
        assert [u for u in expected if squeeze(u) not in pdf] == []
    limited = (
        "Quality indicator 2.1, impact on children and young people: Limited to adequate by "
        "group-wellbeing"
        if version == "internal"
        else "Quality indicator 2.1, impact on children and young people: Wellbeing of a care "
        "group evaluated adequate or less: the wellbeing of 1 care group"
    )
    assert limited in " ".join(html)
    for sentence in report.figures if version == "internal" else ():
        assert sentence in html and sentence in in_docx and squeeze(sentence) in pdf


def _identifiers(demo) -> set[str]:
    ids = {e.id for e in demo.evidence} | {sc.id for sc in demo.significant_concerns}
    ids |= {r.record for r in demo.record_readings} | {r.reader for r in demo.record_readings}
    ids |= {r.respondent for r in demo.survey_responses}
    ids |= {s.id for _, s in demo.report.statements()}
    return ids


@pytest.mark.parametrize("version", ("public", "young-people"))
def test_the_public_versions_hold_no_evidence_record_or_respondent_id(demo, rendered, version):
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(map(re.escape, sorted(_identifiers(demo)))) + r")(?![\w-])"
    )
    texts = {
        "html": rendered[(version, "html")].decode(),
        "pdf": pdf_text(rendered[(version, "pdf")]),
        "docx": "\n".join(docx_units(rendered[(version, "docx")])),
    }
    for fmt, text in texts.items():
        assert pattern.findall(text) == [], fmt
        assert "Evidence:" not in text, fmt


def test_the_internal_version_cites_evidence_in_every_format(rendered):
    for fmt in ("html", "docx"):
        data = rendered[("internal", fmt)]
        text = data.decode() if fmt == "html" else "\n".join(docx_units(data))
        assert "[Evidence: E-001, E-002]" in text
    pdf = squeeze(pdf_text(rendered[("internal", "pdf")]))
    assert squeeze("[Evidence: E-001, E-002]") in pdf
    assert squeeze("Question 5: areas for development: Leaders should tell staff more") in pdf


def test_the_html_is_structured_for_assistive_technology(report, rendered):
    html = rendered[("public", "html")].decode()
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    parser = _Text()
    parser.feed(html)
    headings = [int(t[1]) for t in parser.tags if re.fullmatch(r"h[1-6]", t)]
    assert headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False))
    assert html.count("<table") == html.count("<caption>") > 5
    assert '<th scope="col">' in html and '<th scope="row">' in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for labelled in re.findall(r'<svg role="img" aria-labelledby="([^"]+)"', html):
        assert all(part in ids for part in labelled.split())
    assert html.count('<svg role="img"') == html.count("<figure") == len(report.charts)


def test_the_html_fragment_runs_under_a_strict_content_security_policy(report):
    fragment = render_html_fragment(report, version="public")
    assert fragment.startswith('<article class="scrutiny-report scrutiny-report--public">')
    assert "<style" not in fragment and "<script" not in fragment
    assert " style=" not in fragment


def test_the_same_report_renders_to_the_same_html(report):
    assert render_html(report, version="public") == render_html(report, version="public")


def test_the_pdf_is_tagged_titled_numbered_and_has_a_contents_list(report, rendered):
    reader = PdfReader(io.BytesIO(rendered[("public", "pdf")]))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == report.title
    pages = [page.extract_text() for page in reader.pages]
    assert f"Page 2 of {len(pages)}" in pages[1]
    # The contents list gives each section's page, and the section is on that page.
    found = re.search(r"Evaluations\s*\.+\s*(\d+)", pages[0])
    assert found, pages[0]
    assert "Evaluations" in pages[int(found.group(1)) - 1]


def test_the_young_people_pdf_is_short(rendered):
    assert len(PdfReader(io.BytesIO(rendered[("young-people", "pdf")])).pages) <= 3


def test_the_docx_has_real_headings_tables_a_title_and_alt_text(report, rendered):
    document = docx.Document(io.BytesIO(rendered[("public", "docx")]))
    assert document.core_properties.title == report.title
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles[report.title] == "Title"
    assert styles["Summary"] == "Heading 1"
    assert styles["What limited an evaluation"] == "Heading 2"
    # Key facts, framework, team, survey returns, evaluations, scale, terms, indicators.
    assert len(document.tables) == 8 + len(report.charts)
    header_rows = document.element.body.findall(".//" + docx.oxml.ns.qn("w:tblHeader"))
    assert len(header_rows) == len(document.tables)
    pictures = document.inline_shapes
    assert len(pictures) == len(report.charts)
    descriptions = [p._inline.docPr.get("descr") for p in pictures]
    assert descriptions == [c.description for c in report.charts]


def test_an_organisation_template_gives_the_cover_styles_and_header(report, tmp_path):
    template = docx.Document()
    template.add_paragraph("{{title}}", style="Title")
    template.add_paragraph("Prepared for {{partnership}} ({{status}})")
    template.sections[0].header.paragraphs[0].text = "Care Agency · {{reference}} · {{version}}"
    template.styles["Heading 1"].font.color.rgb = docx.shared.RGBColor(0x70, 0x1A, 0x5C)
    path = tmp_path / "org.docx"
    template.save(path)

    out = docx.Document(io.BytesIO(render_report(report, "docx", template=path)))
    texts = [p.text for p in out.paragraphs]
    assert texts[:2] == [report.title, "Prepared for Anytown and Westshire (Draft)"]
    assert out.sections[0].header.paragraphs[0].text == ("Care Agency · JI-0001 · Public version")
    assert out.styles["Heading 1"].font.color.rgb == docx.shared.RGBColor(0x70, 0x1A, 0x5C)
    assert texts.count(report.title) == 2  # the cover, then the report's own title


def scrutiny(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "scrutiny.cli", *args], capture_output=True, timeout=120
    )


def test_the_command_writes_each_format_and_version(tmp_path: Path):
    bundle = tmp_path / "demo.json"
    scrutiny("demo", "-o", str(bundle), "--records", "30")
    young = tmp_path / "young.docx"
    result = scrutiny(
        "report", str(bundle), "--format", "docx", "-o", str(young), "--version", "young-people"
    )
    assert result.returncode == 0, result.stderr
    assert (
        docx.Document(str(young)).paragraphs[0].text.startswith("What we found when we inspected")
    )
    pdf = tmp_path / "r.pdf"
    assert scrutiny("report", str(bundle), "--format", "pdf", "-o", str(pdf)).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    md = tmp_path / "r.md"
    assert (
        scrutiny(
            "report", str(bundle), "--format", "md", "-o", str(md), "--version", "internal"
        ).returncode
        == 0
    )
    assert "[Evidence: E-001, E-002]" in md.read_text()


def test_the_command_refuses_a_bad_template_clearly(tmp_path: Path):
    bundle, bad = tmp_path / "demo.json", tmp_path / "bad.docx"
    scrutiny("demo", "-o", str(bundle), "--records", "10")
    bad.write_text("not a word document")
    result = scrutiny(
        "report",
        str(bundle),
        "--format",
        "docx",
        "-o",
        str(tmp_path / "x.docx"),
        "--template",
        str(bad),
    )
    assert result.returncode == 2
    assert result.stderr.decode().startswith(f"{bad}: not a usable Word template")
    assert not (tmp_path / "x.docx").exists()
    result = scrutiny(
        "report",
        str(bundle),
        "--format",
        "pdf",
        "-o",
        str(tmp_path / "x.pdf"),
        "--template",
        str(bad),
    )
    assert (result.returncode, result.stderr.decode()) == (
        2,
        "--template: only --format docx uses a template\n",
    )


def _bare_word_template(path: Path) -> None:
    """A template as Word saves one: a cover paragraph and only the styles it uses."""
    import zipfile

    plain = docx.Document()
    plain.add_paragraph("Cover page: {{title}}")
    plain.save(path.with_suffix(".tmp"))
    with (
        zipfile.ZipFile(path.with_suffix(".tmp")) as source,
        zipfile.ZipFile(path, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/styles.xml":
                data = re.sub(
                    rb'<w:style [^>]*w:styleId="(?!Normal"|DefaultParagraphFont"|TableNormal"|NoList")'
                    rb'[^"]*".*?</w:style>',
                    b"",
                    data,
                    flags=re.S,
                )
            target.writestr(item, data)
    assert {s.name for s in docx.Document(str(path)).styles} == {
        "Normal",
        "Default Paragraph Font",
        "Normal Table",
        "No List",
    }


def test_a_template_without_the_built_in_styles_still_gives_real_headings_and_lists(
    report, rendered, tmp_path
):
    path = tmp_path / "bare.docx"
    _bare_word_template(path)
    out = docx.Document(io.BytesIO(render_report(report, "docx", template=path)))
    styles = {p.text: p.style.name for p in out.paragraphs}
    assert styles["Summary"] == "Heading 1"
    assert styles["What limited an evaluation"] == "Heading 2"
    bullets = [p for p in out.paragraphs if p.style.name == "List Bullet"]
    assert bullets
    # The bullets' numbering exists in the document's own numbering part.
    w = docx.oxml.ns.qn
    num_id = out.styles["List Bullet"].element.find(f"{w('w:pPr')}/{w('w:numPr')}/{w('w:numId')}")
    numbering = out.part.numbering_part.element
    assert num_id.get(w("w:val")) in {n.get(w("w:numId")) for n in numbering.findall(w("w:num"))}
    # No header or footer in the template: the house ones, with page numbers.
    footer = out.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert (
        out.sections[0].header.paragraphs[0].text
        == "Anytown and Westshire · inspection reference JI-0001"
    )
    # Cover first, then the same text as the HTML.
    units = docx_units(render_report(report, "docx", template=path))
    assert units[0] == f"Cover page: {report.title}"
    assert units[1:] == docx_units(rendered[("public", "docx")])


def test_a_count_and_its_share_are_kept_on_one_line_and_small_figures_on_one_page(rendered):
    html = rendered[("public", "html")].decode()
    counts = re.findall(r'<td class="scrutiny-report__count">([^<]*)</td>', html)
    assert "fewer than 5" in counts and any(re.fullmatch(r"\d+ \(\d+%\)", c) for c in counts)
    # Words are not counts: the meanings in the evaluations table wrap as prose does.
    assert '<td class="scrutiny-report__count">Important strengths' not in html
    assert html.count("scrutiny-report__figure--short") >= 5
