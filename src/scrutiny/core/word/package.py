"""A Word file looked at as what it is, a zip of parts, before anything parses it as a
document: how big it unpacks to, what each part declares itself to be
(`[Content_Types].xml`), and which relationships point outside the file.

Macros are found by content type, not by part name: a VBA project may be stored under
any name (``word/x.bin``), and only the content types and the relationships say what a
part is. A link to an outside file (a remote template, a linked picture, a subdocument)
is fetched by Word when the document is opened: the person who opens it is then known
to whoever runs that server, and a remote template can bring macros with it.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_TEMPLATE_MAIN = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
)
_MACRO_MAINS = {
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}
# Parts that hold or run code, whatever they are named.
_ACTIVE_TYPES = {
    "application/vnd.ms-office.vbaProject": "macros",
    "application/vnd.ms-office.vbaProjectSignature": "macros",
    "application/vnd.ms-word.vbaData+xml": "macros",
    "application/vnd.ms-office.activeX+xml": "ActiveX controls",
    "application/vnd.ms-office.activeX": "ActiveX controls",
    "application/vnd.ms-word.keyMapCustomizations+xml": "macro shortcuts",
    "application/vnd.ms-word.attachedToolbars": "macro toolbars",
}
_ACTIVE_RELS = {
    "vbaProject": "macros",
    "activeXControlBinary": "ActiveX controls",
    "control": "ActiveX controls",
}
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
# Generous for any real document, small enough that a crafted one cannot hold a worker.
MAX_ENTRIES = 2000
_MAX_XML_BYTES = 2 * 1024 * 1024  # one [Content_Types].xml or .rels part

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


class NotAWordDocument(ValueError):
    """The file is not a Word document that can be opened safely; the message says why.
    `damaged`: it is not even a readable zip."""

    def __init__(self, message: str, *, damaged: bool = False):
        super().__init__(message)
        self.damaged = damaged


@dataclass(frozen=True)
class ExternalLink:
    """One relationship of one part to something outside the file."""

    part: str  # the zip name of the part that holds it, e.g. "word/footer1.xml"
    kind: str  # the relationship type's last segment: hyperlink, image, attachedTemplate ...
    target: str
    rid: str

    @property
    def where(self) -> str:
        """Where in the document a person would find it."""
        return where_in_document(self.part)

    @property
    def what(self) -> str:
        return {
            "hyperlink": "a link",
            "image": "a picture",
            "attachedTemplate": "the Word template it is attached to",
            "oleObject": "an object linked to a file",
            "package": "an object linked to a file",
            "subDocument": "a subdocument",
            "frame": "a frame",
            "aFChunk": "imported content",
            "mailMergeSource": "a mail-merge data source",
            "recipientData": "a mail-merge data source",
            "dataSource": "a mail-merge data source",
            "headerSource": "a mail-merge data source",
            "video": "a video",
            "audio": "a sound",
        }.get(self.kind, "an outside file")

    @property
    def fetched_on_opening(self) -> bool:
        """Word fetches everything linked from outside when it opens the document,
        except a hyperlink, which waits for a click."""
        return self.kind != "hyperlink"


@dataclass(frozen=True)
class WordPackage:
    main_part: str  # zip name of the main document part
    main_type: str
    part_types: dict[str, str]  # zip name -> declared content type
    external: tuple[ExternalLink, ...]
    inflated: int  # bytes, all entries unpacked
    # Code that a relationship points to, whatever content type its part declares.
    related_code: tuple[str, ...] = ()

    @property
    def is_template(self) -> bool:
        return self.main_type == WORD_TEMPLATE_MAIN

    @property
    def is_macro_enabled(self) -> bool:
        return self.main_type in _MACRO_MAINS

    def active_content(self) -> list[str]:
        """What in the file holds or runs code ("macros", "ActiveX controls"), once each."""
        found = [_ACTIVE_TYPES[t] for t in self.part_types.values() if t in _ACTIVE_TYPES]
        found += self.related_code
        if self.is_macro_enabled:
            found.insert(0, "macros")
        return list(dict.fromkeys(found))


def where_in_document(part: str) -> str:
    """A part's name ("word/footer2.xml") as a person would say where it is ("a footer")."""
    name = posixpath.basename(part)
    for prefix, words in (
        ("document", "the body"),
        ("header", "a header"),
        ("footer", "a footer"),
        ("settings", "the document settings"),
        ("footnotes", "the footnotes"),
        ("endnotes", "the endnotes"),
        ("comments", "the comments"),
        ("numbering", "a list style"),
        ("styles", "the styles"),
        ("glossary", "the building blocks"),
    ):
        if name.startswith(prefix):
            return words
    return f"the part {part.lstrip('/')}"


def read_word_package(path: Path, *, max_inflated: int) -> WordPackage:
    """The parts, types and outside links of a .docx (or .dotx, .docm) at `path`.

    Reads the zip's directory, `[Content_Types].xml` and the relationship parts only,
    each within a budget; refuses (`NotAWordDocument`) a file that is not a Word zip.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                raise NotAWordDocument(
                    f"the file holds {len(infos)} parts; a Word document has far fewer "
                    f"(at most {MAX_ENTRIES} are accepted)."
                )
            inflated = sum(i.file_size for i in infos)
            if inflated > max_inflated:
                raise NotAWordDocument(
                    f"the document unpacks to more than {max_inflated // 1024 // 1024} MB."
                )
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names:
                raise NotAWordDocument("this zip file is not a Word document (.docx).")
            types = _content_types(_read_xml(zf, "[Content_Types].xml"), names)
            main = _main_part(zf, names)
            if main not in names:
                raise NotAWordDocument("this zip file is not a Word document (.docx).")
            external = tuple(
                link
                for rels in sorted(n for n in names if n.endswith(".rels"))
                for link in _external_links(rels, _read_xml(zf, rels))
            )
            # A VBA project under Word's own name, declared or not.
            active_rels = ["macros" for n in names if n.lower().endswith("vbaproject.bin")]
            active_rels += [
                _ACTIVE_RELS[_kind(r.get("Type", ""))]
                for rels in sorted(n for n in names if n.endswith(".rels"))
                for r in _read_xml(zf, rels).iter(f"{{{_RELS_NS}}}Relationship")
                if _kind(r.get("Type", "")) in _ACTIVE_RELS
            ]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        if isinstance(exc, NotAWordDocument):
            raise
        raise NotAWordDocument(
            "this is not a Word document (.docx), whatever its name says.", damaged=True
        ) from exc
    return WordPackage(
        main_part=main,
        main_type=types.get(main, ""),
        part_types=types,
        external=external,
        inflated=inflated,
        related_code=tuple(active_rels),
    )


def _read_xml(zf: zipfile.ZipFile, name: str) -> etree._Element:
    info = zf.getinfo(name)
    if info.file_size > _MAX_XML_BYTES:
        raise NotAWordDocument(f"its part {name} is too large to be a real Word part.")
    with zf.open(info) as f:
        data = f.read(_MAX_XML_BYTES + 1)
    if len(data) > _MAX_XML_BYTES:
        raise NotAWordDocument(f"its part {name} is too large to be a real Word part.")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotAWordDocument(f"its part {name} is damaged ({exc.msg}).") from None


def _content_types(root: etree._Element, names: set[str]) -> dict[str, str]:
    defaults = {
        (d.get("Extension") or "").lower(): d.get("ContentType") or ""
        for d in root.iter(f"{{{_CT_NS}}}Default")
    }
    overrides = {
        (o.get("PartName") or "").lstrip("/"): o.get("ContentType") or ""
        for o in root.iter(f"{{{_CT_NS}}}Override")
    }
    types: dict[str, str] = {}
    for name in names:
        if name.endswith("/"):
            continue
        declared = overrides.get(name) or defaults.get(name.rpartition(".")[2].lower(), "")
        if declared:
            types[name] = declared
    return types


def _main_part(zf: zipfile.ZipFile, names: set[str]) -> str:
    if "_rels/.rels" in names:
        for rel in _read_xml(zf, "_rels/.rels").iter(f"{{{_RELS_NS}}}Relationship"):
            if _kind(rel.get("Type", "")) == "officeDocument":
                return (rel.get("Target") or "").lstrip("/")
    return "word/document.xml"


def _kind(reltype: str) -> str:
    return reltype.rstrip("/").rpartition("/")[2]


def _external_links(rels_name: str, root: etree._Element) -> list[ExternalLink]:
    # "word/_rels/footer1.xml.rels" describes "word/footer1.xml".
    folder, _, file = rels_name.rpartition("_rels/")
    part = folder + file.removesuffix(".rels")
    return [
        ExternalLink(
            part=part,
            kind=_kind(rel.get("Type", "")),
            target=rel.get("Target", ""),
            rid=rel.get("Id", ""),
        )
        for rel in root.iter(f"{{{_RELS_NS}}}Relationship")
        if (rel.get("TargetMode") or "").strip().lower() == "external"
    ]
