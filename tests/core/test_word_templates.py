"""Word templates as Word and LibreOffice save them (tests/data/word-templates, sources
in its README): each fills with real Heading 1 and Heading 2 styles and no known
placeholder left, unknown ones are reported, links to other places are cut or the
template is refused with the reason, and the document properties name the organisation.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from scrutiny.core.bundle import dump_bundle, parse_bundle
from scrutiny.core.demo import make_demo
from scrutiny.core.methodology import load_programme
from scrutiny.core.refusal import Refused
from scrutiny.core.report import build_report, render_report
from scrutiny.core.report_docx import ORGANISATION
from scrutiny.core.report_layout import Heading, layout, version_label
from scrutiny.core.word.template import KNOWN_PLACEHOLDERS, check_template

DATA = Path(__file__).parents[1] / "data" / "word-templates"
# Each real template, and the placeholders in it that Scrutiny does not know.
USABLE = {
    "python-docx/doc-word-default-blank.docx": set(),
    "python-docx/sty-having-no-styles-part.docx": set(),
    "python-docx/set-no-settings-part.docx": set(),
    "python-docx/doc-odd-even-hdrs.docx": set(),
    "python-docx/sct-first-page-hdrftr.docx": set(),
    "python-docx/doc-coreprops.docx": set(),
    "python-docx/par-hyperlinks.docx": set(),
    "docxtpl/header_footer_tpl.docx": {"{{p mysubdoc}}", "{{date}}", "{{company_name}}"},
    "docxtpl/multi_rendering_tpl.docx": {"{{ body }}"},
    "docxtpl/doc_properties_tpl.docx": {"{{ test }}"},
    "docxtpl/custom_jinja_filters_tpl.docx": {
        "{{ base_value_string }}",
        "{{ base_value_string | my_filterA(‘Deric’)}}",
        "{{ base_value_float }}",
        "{{ base_value_float | my_filterB(2)}}",
        "{{ doc_no }}",
    },
    "officer/template.docx": set(),
    "libreoffice/agency-template.docx": {"{{ our_reference }}"},
}
_KNOWN_LEFT = re.compile(r"\{\{\s*(" + "|".join(KNOWN_PLACEHOLDERS) + r")\s*\}\}", re.I)


@pytest.fixture(scope="module")
def report():
    bundle = parse_bundle(dump_bundle(make_demo(seed=1, records=12)))
    return build_report(bundle, load_programme(bundle.programme))


def _text_of_parts(data: bytes) -> str:
    """All the text of the body, headers, footers and notes, tags removed."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return "\n".join(
            re.sub(r"<[^>]+>", "", zf.read(name).decode())
            for name in zf.namelist()
            if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", name)
        )


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.mark.parametrize("name", sorted(USABLE))
def test_it_fills_every_real_template_with_real_headings(report, name):
    path = DATA / name
    check = check_template(path)
    assert set(check.unknown_placeholders) == USABLE[name]
    if USABLE[name]:
        assert any(p in check.warnings[-1] for p in USABLE[name])

    data = render_report(report, "docx", template=path)

    out = docx.Document(io.BytesIO(data))
    styles = {p.text: p.style for p in out.paragraphs}
    headings = [b for b in layout(report, "public").blocks if isinstance(b, Heading)]
    for heading in headings:
        if heading.level in (2, 3):
            style = styles[heading.text]
            # Word knows its built-in headings by name, whatever the style's id.
            assert style.name == f"Heading {heading.level - 1}"
            assert style.element.find(qn("w:name")).get(qn("w:val")) == (
                f"heading {heading.level - 1}"
            )
    assert {h.level for h in headings} >= {2, 3}
    assert not _KNOWN_LEFT.search(_text_of_parts(data))
    for unknown in USABLE[name]:  # left as typed, for the team to see
        assert unknown.replace(" ", "") in _text_of_parts(data).replace(" ", "")
    # The report's lists are real lists: their numbering exists in the document.
    bullet = out.styles["List Bullet"].element
    num_id = bullet.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val"))
    nums = out.part.numbering_part.element.findall(qn("w:num"))
    assert num_id in {n.get(qn("w:numId")) for n in nums}
    assert b'TargetMode="External"' not in b"".join(_parts(data).values())
    _assert_references_resolve(out)


def _assert_references_resolve(out) -> None:
    """Every style id is unique, and every style and list the body names exists."""
    ids = [s.get(qn("w:styleId")) for s in out.styles.element.findall(qn("w:style"))]
    assert len(ids) == len(set(ids))
    body = out.element.body
    assert {p.get(qn("w:val")) for p in body.iter(qn("w:pStyle"))} <= set(ids)
    nums = {n.get(qn("w:numId")) for n in out.part.numbering_part.element.findall(qn("w:num"))}
    used = {n.get(qn("w:val")) for n in out.styles.element.iter(qn("w:numId"))}
    used |= {n.get(qn("w:val")) for n in body.iter(qn("w:numId"))}
    assert used - {"0"} <= nums


def test_a_french_word_template_keeps_its_own_heading_styles(report):
    data = render_report(report, "docx", template=DATA / "officer/template.docx")
    out = docx.Document(io.BytesIO(data))
    ids = {p.style.style_id for p in out.paragraphs if p.style.name.startswith("Heading")}
    assert ids == {"Titre1", "Titre2"}
    assert not {"Heading1", "Heading2"} & {s.style_id for s in out.styles}

    # This one saved only Titre1: Word's Heading 2 is added, based on the template's Normal.
    data = render_report(report, "docx", template=DATA / "docxtpl/header_footer_tpl.docx")
    out = docx.Document(io.BytesIO(data))
    ids = {p.style.style_id for p in out.paragraphs if p.style.name.startswith("Heading")}
    assert ids == {"Titre1", "Heading2"}
    assert out.styles["Heading 2"].base_style.name == "Normal"
    # `{{title}}` was split by Word into three runs around a spelling mark.
    cover = next(p for p in out.paragraphs if p.style.style_id == "Titre")
    assert cover.text == report.title


def test_spaced_placeholders_are_filled(report):
    data = render_report(report, "docx", template=DATA / "docxtpl/multi_rendering_tpl.docx")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert paragraphs[0] == report.title
    assert "{{ body }}" in paragraphs


def test_spaced_placeholders_split_across_runs_by_libreoffice_are_filled(report):
    path = DATA / "libreoffice/agency-template.docx"
    assert check_template(path).removed == (
        "Links in a footer to www.example.org were removed; their text is kept.",
    )
    out = docx.Document(io.BytesIO(render_report(report, "docx", template=path)))
    texts = [p.text for p in out.paragraphs]
    assert texts[:3] == [
        report.title,
        f"Prepared for {report.partnership} (Draft)",
        "Our ref: {{ our_reference }}",
    ]
    # The value takes the formatting of the run where the placeholder began, not bold.
    runs = out.paragraphs[1].runs
    assert [r.text for r in runs] == [f"Prepared for {report.partnership}", "", " (Draft)"]
    assert [r.bold for r in runs] == [None, True, None]
    section = out.sections[0]
    assert section.header.paragraphs[0].text == f"Care Agency · {report.reference}"
    footer = section.footer.paragraphs[0]
    assert footer.text == f"{version_label('public')} · Privacy notice"
    assert not section.footer.part.rels and b"hyperlink" not in footer._p.xml.encode()


def test_first_page_and_odd_even_headers_are_kept(report):
    data = render_report(report, "docx", template=DATA / "python-docx/doc-odd-even-hdrs.docx")
    out = docx.Document(io.BytesIO(data))
    assert out.settings.odd_and_even_pages_header_footer
    section = out.sections[0]
    assert section.even_page_header.paragraphs[0].text == "Even page header."
    assert section.header.paragraphs[0].text == "Odd page header."

    data = render_report(report, "docx", template=DATA / "python-docx/sct-first-page-hdrftr.docx")
    out = docx.Document(io.BytesIO(data))
    headers = [
        (s.different_first_page_header_footer, s.first_page_header.paragraphs[0].text)
        for s in out.sections
    ]
    assert (True, "First Page Header (section 2)") in headers


def test_hyperlinks_to_other_hosts_are_cut_and_their_text_kept(report):
    path = DATA / "python-docx/par-hyperlinks.docx"
    before = [p.text for p in docx.Document(str(path)).paragraphs if p.text]
    check = check_template(path)
    assert check.removed == (
        "Links in the body to yahoo.com, python.org, google.com were removed; their text is kept.",
    )
    out = docx.Document(io.BytesIO(render_report(report, "docx", template=path)))
    assert [p.text for p in out.paragraphs][: len(before)] == before
    assert not any(rel.is_external for rel in out.part.rels.values())


def test_a_picture_only_linked_from_outside_is_refused_with_what_to_do():
    with pytest.raises(Refused) as refused:
        check_template(DATA / "python-docx/shp-inline-shape-access.docx")
    # The picture stored in the file as well as linked is not a reason: its link is cut.
    (reason,) = refused.value.reasons
    assert reason.startswith("A picture in the body is not stored in the document but linked to")
    assert "monty-truth.png" in reason and "python-icon" not in reason
    assert "Insert > Pictures > This Device" in reason


def _edited(source: Path, target: Path, edits: dict[str, bytes | None]) -> Path:
    """A copy of a real document with some parts replaced, added or (None) removed."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename in edits:
                continue
            zout.writestr(item, zin.read(item))
        for name, data in edits.items():
            if data is not None:
                zout.writestr(name, data)
    return target


def _part(name: str, part: str) -> bytes:
    with zipfile.ZipFile(DATA / name) as zf:
        return zf.read(part)


BLANK = "python-docx/doc-word-default-blank.docx"


def test_a_remote_attached_template_is_cut(report, tmp_path):
    settings = _part(BLANK, "word/settings.xml").replace(
        b"<w:zoom ", b'<w:attachedTemplate r:id="rIdT"/><w:zoom ', 1
    )
    assert b"xmlns:r=" in settings  # Word declares the namespace the link needs
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/attachedTemplate" Target="https://203.0.113.9/house.dotm" '
        b'TargetMode="External"/></Relationships>'
    )
    path = _edited(
        DATA / BLANK,
        tmp_path / "attached.docx",
        {"word/settings.xml": settings, "word/_rels/settings.xml.rels": rels},
    )
    check = check_template(path)
    assert check.removed == (
        "The document was attached to the Word template https://203.0.113.9/house.dotm; "
        "that link was removed (its styles are kept in the document).",
    )
    parts = _parts(render_report(report, "docx", template=path))
    assert b"203.0.113.9" not in b"".join(parts.values())
    assert b"attachedTemplate" not in parts["word/settings.xml"]


def test_macros_and_fetching_fields_are_refused_whatever_the_part_is_called(tmp_path):
    types = _part(BLANK, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/word/extra.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        b"</Types>",
    )
    path = _edited(
        DATA / BLANK,
        tmp_path / "macros.docx",
        {"[Content_Types].xml": types, "word/extra.bin": b"\xd0\xcf\x11\xe0"},
    )
    with pytest.raises(Refused, match="The document contains macros, which are never run"):
        check_template(path)

    body = _part(BLANK, "word/document.xml").replace(
        b"<w:body>",
        b'<w:body><w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;https://203.0.113.9/p.png&quot; \\d "/></w:p>',
        1,
    )
    path = _edited(DATA / BLANK, tmp_path / "field.docx", {"word/document.xml": body})
    with pytest.raises(Refused) as refused:
        check_template(path)
    assert refused.value.reasons == [
        "The body has a INCLUDEPICTURE field, which fetches a file or runs a program when "
        "Word updates fields: delete the field in Word, then upload it again."
    ]


def test_a_word_template_file_fills_like_a_document(report, tmp_path):
    types = _part(BLANK, "[Content_Types].xml").replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml"
    )
    path = _edited(DATA / BLANK, tmp_path / "house.dotx", {"[Content_Types].xml": types})
    out = docx.Document(io.BytesIO(render_report(report, "docx", template=path)))
    assert any(p.style.name == "Heading 1" for p in out.paragraphs)


def test_it_explains_a_damaged_template(tmp_path):
    path = _edited(DATA / BLANK, tmp_path / "damaged.docx", {"word/document.xml": b"<w:doc"})
    with pytest.raises(Refused) as refused:
        check_template(path)
    (reason,) = refused.value.reasons
    assert reason.startswith("Word could not use this document: a part of it is damaged (")
    assert reason.endswith("save it again as a Word Document (.docx), then upload it again.")


@pytest.mark.parametrize(
    "template", [None, "python-docx/doc-coreprops.docx", "docxtpl/multi_rendering_tpl.docx"]
)
def test_the_document_properties_name_the_organisation_never_the_library(report, template):
    data = render_report(report, "docx", template=DATA / template if template else None)
    props = docx.Document(io.BytesIO(data)).core_properties
    assert (props.author, props.last_modified_by) == (ORGANISATION, ORGANISATION)
    assert props.title == layout(report, "public").title
    assert props.language == "en-GB"
    assert (props.comments, props.category, props.identifier, props.version) == ("",) * 4
    assert props.last_printed is None and props.revision == 1
    parts = _parts(data)
    meta = b"".join(v for k, v in parts.items() if k.startswith("docProps/"))
    assert b"python-docx" not in meta and b"Steve Canny" not in meta
    app = parts["docProps/app.xml"].decode()
    assert f"<Company>{ORGANISATION}</Company>" in app
    assert "<Template>" not in app and "<Manager>" not in app
    # A template's custom properties (a document system's ids) are not published.
    assert "docProps/custom.xml" not in parts


def test_the_command_fills_a_real_template_and_names_what_it_left_or_refused(tmp_path):
    from tests.core.test_report_formats import scrutiny

    bundle, out = tmp_path / "demo.json", tmp_path / "report.docx"
    scrutiny("demo", "-o", str(bundle), "--records", "10")
    template = DATA / "docxtpl/multi_rendering_tpl.docx"
    args = ("report", str(bundle), "--format", "docx", "-o", str(out), "--template")
    result = scrutiny(*args, str(template))
    assert result.returncode == 0
    assert result.stderr.decode() == (
        f"{template}: Scrutiny does not know these placeholders and leaves them as they are: "
        "{{ body }}. The ones it fills are {{title}}, {{partnership}}, {{reference}}, "
        "{{version}}, {{status}}.\n"
    )
    assert docx.Document(str(out)).core_properties.author == ORGANISATION

    linked = DATA / "python-docx/shp-inline-shape-access.docx"
    result = scrutiny(*args[:-3], "-o", str(tmp_path / "x.docx"), "--template", str(linked))
    assert result.returncode == 2
    assert result.stderr.decode().startswith(
        f"{linked}: not a usable Word template: A picture in the body is not stored in the "
        "document but linked to file://localhost/"
    )
    assert not (tmp_path / "x.docx").exists()


def test_a_template_that_unpacks_beyond_its_budget_is_refused_before_it_is_parsed(tmp_path):
    # A real document with a part of zeros that deflates a thousandfold: a "zip bomb".
    path = _edited(
        DATA / BLANK, tmp_path / "bomb.docx", {"word/media/padding.bin": b"\0" * 2_000_000}
    )
    assert path.stat().st_size < 100_000
    with pytest.raises(Refused) as refused:
        check_template(path, max_inflated=1024 * 1024)
    assert refused.value.reasons == ["The document unpacks to more than 1 MB."]

    many = {f"word/media/{n}.bin": b"" for n in range(2001)}
    path = _edited(DATA / BLANK, tmp_path / "many.docx", many)
    with pytest.raises(Refused, match="a Word document has far fewer"):
        check_template(path)


def test_a_mail_merge_data_source_is_cut_with_the_merge(report, tmp_path):
    settings = _part(BLANK, "word/settings.xml").replace(
        b"<w:zoom ",
        b'<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:dataType w:val="native"/>'
        b'<w:dataSource r:id="rIdM"/></w:mailMerge><w:zoom ',
        1,
    )
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rIdM" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/mailMergeSource" Target="file:///S:/Shared/children.xlsx" '
        b'TargetMode="External"/></Relationships>'
    )
    path = _edited(
        DATA / BLANK,
        tmp_path / "merge.docx",
        {"word/settings.xml": settings, "word/_rels/settings.xml.rels": rels},
    )
    assert check_template(path).removed == (
        "The mail merge set up in the document (data from file:///S:/Shared/children.xlsx) "
        "was removed.",
    )
    parts = _parts(render_report(report, "docx", template=path))
    assert b"mailMerge" not in parts["word/settings.xml"]
    assert b"children.xlsx" not in b"".join(parts.values())
