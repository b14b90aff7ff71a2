"""An organisation's Word template: checked, made safe, completed and filled.

Any document Word or LibreOffice saves is a template: with or without a numbering,
styles or settings part, with styles under localised ids (a French Word names Heading 1
`Titre1`), with first-page and odd/even headers and footers, or saved as a Word
template (.dotx). What the report needs and the template lacks is added: a numbering
part for the lists, Word's own definition of each style the report writes in (Heading
1, List Bullet ...), under ids that do not clash with the template's.

Links to other places are cut, because the downloaded report goes to partners and the
public and Word would fetch them on opening: the link to an attached remote template
goes, so does a mail merge with its data source, hyperlinks keep their text but no
longer lead anywhere, a picture stored in the
file loses its link to the original. What cannot be cut without losing part of the
template (a picture that exists only at its link, a linked subdocument or object) is
refused, saying what to change in Word. So are macros and fields that fetch files.

Placeholders are `{{name}}`, with or without spaces inside (`{{ partnership }}`), in
the body, text boxes, tables, headers, footers and notes, even when Word has split one
across several runs. Placeholders Scrutiny does not know are left as typed and listed,
so the person uploading can correct them.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.parts.numbering import NumberingPart
from docx.parts.styles import StylesPart
from lxml import etree

from scrutiny.core.refusal import Refused
from scrutiny.core.word.package import (
    WORD_MAIN,
    WORD_TEMPLATE_MAIN,
    NotAWordDocument,
    read_word_package,
    where_in_document,
)

# The placeholders a template may use; the report fills each (`placeholder_values`).
KNOWN_PLACEHOLDERS = ("title", "partnership", "reference", "version", "status")
# A template is styles, a cover and a logo or two: a zip that inflates beyond this is
# refused before anything parses it (a "zip bomb").
MAX_INFLATED = 50 * 1024 * 1024

# `{{ name }}` with any spacing, and the `{% ... %}` instructions of other template
# tools (docxtpl, Jinja), which Scrutiny does not run and reports like unknown names.
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}|\{%.*?%\}")
# Fields that fetch a file or run another program when Word updates them.
_FETCHING_FIELD = re.compile(r"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDEAUTO|DDE|IMPORT)\b", re.I)
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TEXT_PARTS = {
    WORD_MAIN,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
}
_CUSTOM_PROPERTIES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_AGAIN = "then upload it again"
_MAIL_MERGE = {"mailMergeSource", "recipientData", "dataSource", "headerSource"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class TemplateCheck:
    """A usable template, and what the person uploading it should know."""

    removed: tuple[str, ...]  # links taken out, one sentence each
    unknown_placeholders: tuple[str, ...]  # as typed, e.g. "{{ company }}"

    @property
    def warnings(self) -> list[str]:
        out = list(self.removed)
        if self.unknown_placeholders:
            names = ", ".join(self.unknown_placeholders)
            known = ", ".join(f"{{{{{k}}}}}" for k in KNOWN_PLACEHOLDERS)
            out.append(
                f"Scrutiny does not know these placeholders and leaves them as they are: "
                f"{names}. The ones it fills are {known}."
            )
        return out


def check_template(path: Path, *, max_inflated: int = MAX_INFLATED) -> TemplateCheck:
    """Open the template as a report would; every reason to refuse it at once
    (`Refused`), else what was removed and which placeholders are unknown."""
    doc, removed = open_template(path, max_inflated=max_inflated)
    found = placeholders_in(doc)
    unknown = tuple(dict.fromkeys(p for p in found if _key(p) not in KNOWN_PLACEHOLDERS))
    return TemplateCheck(removed=tuple(removed), unknown_placeholders=unknown)


def open_template(
    path: Path, *, max_inflated: int = MAX_INFLATED
) -> tuple[DocxDocument, list[str]]:
    """The template as a document ready to be filled, and a sentence for each link that
    was removed from it; `Refused` with every reason when it cannot be used."""
    try:
        package = read_word_package(path, max_inflated=max_inflated)
    except NotAWordDocument as exc:
        raise Refused([_sentence(str(exc))]) from None
    reasons: list[str] = []
    code = package.active_content()
    if code:
        reasons.append(
            f"The document contains {' and '.join(code)}, which are never run or kept: "
            "in Word, save it as a Word Document (.docx), " + _AGAIN + "."
        )
    elif package.main_type not in (WORD_MAIN, WORD_TEMPLATE_MAIN):
        reasons.append(
            "This zip file is not a Word document (.docx): in Word or LibreOffice, save it "
            "as a Word Document (.docx), " + _AGAIN + "."
        )
    if reasons:
        raise Refused(reasons)
    data = path.read_bytes()
    if package.is_template:
        data = _as_document(data)
    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken document
        raise Refused([explain_failure(exc)]) from None
    removed, refusals = _cut_outside_links(doc)
    refusals += _fetching_fields(doc)
    if refusals:
        raise Refused(refusals)
    _ensure_styles_part(doc)
    _ensure_numbering_part(doc)
    _drop_custom_properties(doc)
    return doc, removed


def explain_failure(exc: BaseException) -> str:
    """A sentence for a document python-docx cannot open: its errors often carry no
    message (a bare `NotImplementedError`, a `KeyError` naming a part)."""
    if isinstance(exc, etree.XMLSyntaxError):
        what = f"a part of it is damaged ({exc.msg})"
    elif isinstance(exc, KeyError):
        what = f"a part it refers to is missing ({exc.args[0] if exc.args else 'unnamed'})"
    else:
        what = str(exc).strip() or f"it failed with {type(exc).__name__}"
    return (
        f"Word could not use this document: {what}. Open it in Word or LibreOffice, save "
        f"it again as a Word Document (.docx), {_AGAIN}."
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def _as_document(data: bytes) -> bytes:
    """A .dotx is a .docx whose main part says "template": the same content, declared
    as a document, so it opens as one."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "[Content_Types].xml":
                content = content.replace(WORD_TEMPLATE_MAIN.encode(), WORD_MAIN.encode())
            target.writestr(item, content)
    return out.getvalue()


# --- parts as XML ------------------------------------------------------------------


def _xml_parts(doc: DocxDocument) -> Iterator[tuple[Any, etree._Element, Callable[[], None]]]:
    """Each XML part of the package with its root element and a function that keeps a
    change (python-docx parses some parts; others it holds as bytes)."""
    for part in doc.part.package.iter_parts():
        if isinstance(part, XmlPart):
            yield part, part.element, lambda: None
        elif part.content_type.endswith("+xml") or part.content_type.endswith("/xml"):
            try:
                root = etree.fromstring(part.blob, _PARSER)
            except etree.XMLSyntaxError:
                continue

            def keep(part: Any = part, root: etree._Element = root) -> None:
                part._blob = etree.tostring(
                    root, xml_declaration=True, encoding="UTF-8", standalone=True
                )

            yield part, root, keep


# --- links to other places ---------------------------------------------------------


def _cut_outside_links(doc: DocxDocument) -> tuple[list[str], list[str]]:
    """Remove what can go; (sentences saying what was removed, reasons to refuse)."""
    removed: list[str] = []
    refusals: list[str] = []
    hosts: dict[str, list[str]] = {}
    for rel in doc.part.package.rels.values():
        if rel.is_external:
            refusals.append(
                f"The document links to {rel.target_ref} outside the file: save it again "
                f"from Word as a Word Document (.docx), {_AGAIN}."
            )
    for part, root, keep in list(_xml_parts(doc)):
        where = where_in_document(str(part.partname))
        for rid, rel in list(part.rels.items()):
            if not rel.is_external:
                continue
            kind = rel.reltype.rstrip("/").rpartition("/")[2]
            target = rel.target_ref
            refs = [
                (element, name)
                for element in root.iter()
                for name, value in element.attrib.items()
                if value == rid and name.startswith(f"{{{_R_NS}}}")
            ]
            if kind == "hyperlink":
                if target.lower().startswith("mailto:"):
                    continue  # an address to write to: nothing is fetched, even on a click
                for element, name in refs:
                    _cut_hyperlink(element, name)
                hosts.setdefault(where, []).append(_host(target))
            elif kind == "attachedTemplate":
                for element, _ in refs:
                    element.getparent().remove(element)
                removed.append(
                    f"The document was attached to the Word template {target}; that link was "
                    "removed (its styles are kept in the document)."
                )
            elif kind in _MAIL_MERGE:
                # A report is never mail-merged: the whole set-up goes with its source.
                for element, _ in refs:
                    merge = next(
                        (a for a in element.iterancestors() if a.tag == qn("w:mailMerge")),
                        element,
                    )
                    if merge.getparent() is not None:
                        merge.getparent().remove(merge)
                removed.append(
                    f"The mail merge set up in the document (data from {target}) was removed."
                )
            elif kind == "image" and all(
                name == qn("r:link") and element.get(qn("r:embed")) for element, name in refs
            ):
                for element, name in refs:
                    del element.attrib[name]
                removed.append(
                    f"A picture in {where} was linked to {target}; the link was removed and "
                    "the copy stored in the document is kept."
                )
            elif kind == "image":
                refusals.append(
                    f"A picture in {where} is not stored in the document but linked to "
                    f"{target}, so Word would fetch it whenever the report is opened: in Word, "
                    "delete it and insert it again with Insert > Pictures > This Device "
                    f"(not “Link to File”), {_AGAIN}."
                )
                continue
            else:
                refusals.append(
                    f"{where[:1].upper()}{where[1:]} links to {target} outside the file "
                    f"({kind}), which Word would fetch whenever the report is opened: remove "
                    f"it in Word, or insert the content itself, {_AGAIN}."
                )
                continue
            del part.rels[rid]
            keep()
    for where, names in hosts.items():
        removed.append(
            f"Links in {where} to {', '.join(dict.fromkeys(names))} were removed; their text "
            "is kept."
        )
    return removed, refusals


def _cut_hyperlink(element: etree._Element, name: str) -> None:
    parent = element.getparent()
    if element.tag == qn("w:hyperlink") and parent is not None:
        # The link goes, its runs stay where they were.
        at = parent.index(element)
        for child in list(element):
            parent.insert(at, child)
            at += 1
        parent.remove(element)
    elif element.tag.endswith("}hlinkClick") or element.tag.endswith("}hlinkHover"):
        if parent is not None:
            parent.remove(element)
    else:
        del element.attrib[name]


def _host(target: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(target)
    return parts.hostname or target


def _fetching_fields(doc: DocxDocument) -> list[str]:
    out: list[str] = []
    for part, root, _ in _xml_parts(doc):
        codes = " ".join(t.text or "" for t in root.iter(qn("w:instrText")))
        codes += " " + " ".join(f.get(qn("w:instr"), "") for f in root.iter(qn("w:fldSimple")))
        for field in dict.fromkeys(m.group(1).upper() for m in _FETCHING_FIELD.finditer(codes)):
            out.append(
                f"{_sentence(where_in_document(str(part.partname)))} has a {field} field, which fetches "
                f"a file or runs a program when Word updates fields: delete the field in "
                f"Word, {_AGAIN}."
            )
    return out


# --- parts the report needs ------------------------------------------------------------


def _builtin() -> DocxDocument:
    """Word's built-in definitions, as python-docx ships them in its default document."""
    return Document()


def _ensure_styles_part(doc: DocxDocument) -> None:
    """A document saved without a styles part gets Word's built-in styles, lists included."""
    try:
        doc.part.part_related_by(RT.STYLES)
    except KeyError:
        source = _builtin().part._styles_part
        element = copy.deepcopy(source.element)
        # Their lists point into the built-in numbering: `ensure_styles` copies the
        # numbering of the list styles the report uses, the others are plain paragraphs.
        for num_pr in list(element.iter(qn("w:numPr"))):
            num_pr.getparent().remove(num_pr)
        part = StylesPart(
            PackURI("/word/styles.xml"), source.content_type, element, doc.part.package
        )
        doc.part.relate_to(part, RT.STYLES)


def _ensure_numbering_part(doc: DocxDocument) -> None:
    """Word leaves the numbering part out of a document without lists; python-docx cannot
    make one (it raises a bare NotImplementedError), so an empty one is added."""
    try:
        doc.part.part_related_by(RT.NUMBERING)
    except KeyError:
        element = parse_xml(f'<w:numbering xmlns:w="{_W_NS}"/>')
        part = NumberingPart(
            doc.part.package.next_partname("/word/numbering%d.xml")
            if any(str(p.partname) == "/word/numbering.xml" for p in doc.part.package.iter_parts())
            else PackURI("/word/numbering.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
            element,
            doc.part.package,
        )
        doc.part.relate_to(part, RT.NUMBERING)


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _drop_custom_properties(doc: DocxDocument) -> None:
    """A template's custom properties (a document-management system's ids and paths)
    would be published with every report: they are not kept."""
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == _CUSTOM_PROPERTIES:
            del rels[rid]


def ensure_styles(doc: DocxDocument, names: Sequence[str]) -> None:
    """Copy into a template each style in `names` that it lacks, from Word's built-in
    definitions, with the styles each is based on or linked to and the numbering its
    bullets or numbers come from. A template finds a style by its name ("heading 1"),
    whatever its id (`Titre1`): references in a copied style are re-pointed to the
    template's own ids, and a copied style never takes an id the template uses."""
    builtin = _builtin()
    by_name = {_name(s): s for s in doc.styles.element.findall(qn("w:style"))}
    ids = {s.get(qn("w:styleId")) for s in by_name.values()}
    builtin_ids = {s.get(qn("w:styleId")): s for s in builtin.styles.element.findall(qn("w:style"))}

    def copy_style(source: etree._Element) -> str:
        name = _name(source)
        if name in by_name:
            return str(by_name[name].get(qn("w:styleId")))
        style = copy.deepcopy(source)
        style_id = str(style.get(qn("w:styleId")))
        fresh, n = style_id, 1
        while fresh in ids:
            n += 1
            fresh = f"{style_id}{n}"
        style.set(qn("w:styleId"), fresh)
        by_name[name] = style
        ids.add(fresh)
        doc.styles.element.append(style)
        for tag in ("w:basedOn", "w:next", "w:link"):
            ref = style.find(qn(tag))
            if ref is None:
                continue
            target = builtin_ids.get(ref.get(qn("w:val")))
            if target is None:
                style.remove(ref)
            elif target is source:
                ref.set(qn("w:val"), fresh)
            else:
                ref.set(qn("w:val"), copy_style(target))
        return fresh

    for name in ("Normal", *names):  # every paragraph falls back on Normal
        wanted = name.lower()
        source = next((s for s in builtin_ids.values() if _name(s) == wanted), None)
        if source is None:
            continue
        own = by_name.get(wanted)
        if own is None:
            copy_style(source)
            continue
        # Word matches built-in style names in any case; python-docx only in Word's own
        # spelling ("heading 1"), which LibreOffice does not use ("Heading 1").
        canonical = source.find(qn("w:name")).get(qn("w:val"))
        own_name = own.find(qn("w:name"))
        if own_name.get(qn("w:val")) != canonical:
            own_name.set(qn("w:val"), canonical)
    _repair_list_numbering(doc, builtin, [n.lower() for n in names], by_name)


def _name(style: etree._Element) -> str:
    name = style.find(qn("w:name"))
    return str(name.get(qn("w:val"))).lower() if name is not None else ""


def _repair_list_numbering(
    doc: DocxDocument,
    builtin: DocxDocument,
    names: Iterable[str],
    by_name: Mapping[str, etree._Element],
) -> None:
    """A list style whose numbering the template does not hold (copied in, or kept from a
    document saved without its numbering part) gets Word's own, under fresh ids."""
    numbering = doc.part.numbering_part.element
    known = {n.get(qn("w:numId")) for n in numbering.findall(qn("w:num"))}
    builtin_by_name = {_name(s): s for s in builtin.styles.element.findall(qn("w:style"))}
    path = f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}"
    linked_from_lists = {p.get(qn("w:val")) for p in numbering.iter(qn("w:pStyle"))}
    for name in names:
        style = by_name.get(name)
        source = builtin_by_name.get(name)
        if style is None or source is None:
            continue
        source_num = source.find(path)
        num = style.find(path)
        if source_num is None or (num is not None and num.get(qn("w:val")) in known):
            continue
        if num is None:
            if style.get(qn("w:styleId")) in linked_from_lists:
                continue  # the template's list definition names this style itself
            # python-docx's own elements put pPr and numPr where the schema wants them.
            num = style.get_or_add_pPr().get_or_add_numPr().get_or_add_numId()
        fresh = _copy_numbering(doc, builtin, str(source_num.get(qn("w:val"))))
        num.set(qn("w:val"), fresh)
        known.add(fresh)


def _copy_numbering(doc: DocxDocument, builtin: DocxDocument, num_id: str) -> str:
    """Copy one list definition (w:num and its w:abstractNum) into the template's own
    numbering, under fresh ids; the template's own lists are left as they are."""
    source = builtin.part.numbering_part.element
    target = doc.part.numbering_part.element
    num = next(n for n in source.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        a
        for a in source.findall(qn("w:abstractNum"))
        if a.get(qn("w:abstractNumId")) == abstract_id
    )

    def fresh(tag: str, attribute: str) -> str:
        used = [int(e.get(qn(attribute))) for e in target.findall(qn(tag))]
        return str(max(used, default=0) + 1)

    new_abstract = copy.deepcopy(abstract)
    new_abstract.set(qn("w:abstractNumId"), fresh("w:abstractNum", "w:abstractNumId"))
    for nsid in new_abstract.findall(qn("w:nsid")):  # Word tells lists apart by nsid
        new_abstract.remove(nsid)
    # The list's levels may name a style of the built-in document; the template's differ.
    for link in new_abstract.iter(qn("w:pStyle")):
        link.getparent().remove(link)
    new_num = parse_xml(
        f'<w:num xmlns:w="{_W_NS}" w:numId="{fresh("w:num", "w:numId")}">'
        f'<w:abstractNumId w:val="{new_abstract.get(qn("w:abstractNumId"))}"/></w:num>'
    )
    # The schema wants every abstractNum before the first num.
    nums = target.findall(qn("w:num"))
    if nums:
        nums[0].addprevious(new_abstract)
    else:
        target.append(new_abstract)
    target.append(new_num)
    return str(new_num.get(qn("w:numId")))


# --- placeholders --------------------------------------------------------------------


def _text_roots(doc: DocxDocument) -> Iterator[tuple[etree._Element, Callable[[], None]]]:
    for part, root, keep in _xml_parts(doc):
        if part is doc.part or part.content_type in _TEXT_PARTS:
            yield root, keep


def _paragraph_texts(root: etree._Element) -> Iterator[list[etree._Element]]:
    """The text elements of each paragraph, in order; a paragraph inside a text box is
    a paragraph of its own."""
    w_p, w_t = qn("w:p"), qn("w:t")
    for paragraph in root.iter(w_p):
        texts = []
        for t in paragraph.iter(w_t):
            owner = t.getparent()
            while owner is not None and owner.tag != w_p:
                owner = owner.getparent()
            if owner is paragraph:
                texts.append(t)
        if texts:
            yield texts


def _key(placeholder: str) -> str:
    match = _PLACEHOLDER.fullmatch(placeholder)
    return (match.group(1) or "").strip().lower() if match and match.group(1) else ""


def placeholders_in(doc: DocxDocument) -> list[str]:
    """Every placeholder in the document as typed, in reading order of each part."""
    found: list[str] = []
    for root, _ in _text_roots(doc):
        for texts in _paragraph_texts(root):
            text = "".join(t.text or "" for t in texts)
            found += [m.group(0) for m in _PLACEHOLDER.finditer(text)]
    return found


def fill_placeholders(doc: DocxDocument, values: Mapping[str, str]) -> list[str]:
    """Put each value in place of its `{{name}}` (any spacing or case inside the
    braces), wherever Word split it across runs: the value takes the formatting of the
    run where the placeholder starts. Returns the placeholders left as typed."""
    wanted = {k.lower(): _NOT_IN_XML.sub("", v) for k, v in values.items()}
    unknown: list[str] = []
    for root, keep in _text_roots(doc):
        changed = False
        for texts in _paragraph_texts(root):
            pieces = [t.text or "" for t in texts]
            text = "".join(pieces)
            if "{" not in text:
                continue
            starts = [0]
            for piece in pieces:
                starts.append(starts[-1] + len(piece))
            for match in reversed(list(_PLACEHOLDER.finditer(text))):
                key = _key(match.group(0))
                if key not in wanted:
                    unknown.append(match.group(0))
                    continue
                _replace(texts, starts, match.start(), match.end(), wanted[key])
                changed = True
        if changed:
            keep()
    return list(dict.fromkeys(reversed(unknown)))


def _replace(
    texts: list[etree._Element], starts: list[int], begin: int, end: int, value: str
) -> None:
    first = max(i for i in range(len(texts)) if starts[i] <= begin and starts[i + 1] > begin)
    last = max(i for i in range(len(texts)) if starts[i] < end and starts[i + 1] >= end)
    head = (texts[first].text or "")[: begin - starts[first]]
    tail = (texts[last].text or "")[end - starts[last] :]
    if first == last:
        texts[first].text = head + value + tail
    else:
        texts[first].text = head + value
        for t in texts[first + 1 : last]:
            t.text = ""
        texts[last].text = tail
    for t in (texts[first], texts[last]):
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
