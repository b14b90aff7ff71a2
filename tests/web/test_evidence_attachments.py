"""Evidence attachments: the type comes from the content, sizes are limited while the
upload streams, the bytes live outside the web root and come back only through an
access-checked download that is logged."""

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import resolve, reverse

from scrutiny.web.accounts.models import User
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.evidence.models import Evidence, EvidenceAttachment
from scrutiny.web.evidence.services import (
    DOCX,
    AttachmentRefused,
    attachment_add,
    attachment_name,
    attachment_path,
)
from scrutiny.web.evidence.uploads import staging_dir
from scrutiny.web.inspections.models import Inspection, Membership, Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


def zipped(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in names.items():
            zf.writestr(name, data)
    return out.getvalue()


def _word_document() -> bytes:
    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


DOCX_BYTES = _word_document()


def url(name: str, inspection: Inspection, **kwargs: Any) -> str:
    return reverse(name, kwargs={"inspection_id": inspection.pk, **kwargs})


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def note_form(**overrides: Any) -> dict[str, Any]:
    return {
        "source": "document",
        "text": "The child protection committee's improvement plan, with its actions.",
        "kind": "context",
        "questions": ["5"],
        **overrides,
    }


def attach(client: Any, inspection: Inspection, *files: SimpleUploadedFile) -> Any:
    return client.post(url("evidence:create", inspection), note_form(attachments=list(files)))


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.ATTACHMENTS_DIR)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- what is kept -------------------------------------------------------------------


def test_it_keeps_pdf_word_and_image_files_with_the_note(
    client_for: Any, inspection: Inspection, settings: Any
) -> None:
    response = attach(
        client_for("inspector"),
        inspection,
        upload("plan.pdf", PDF),
        upload("minutes.docx", DOCX_BYTES),
        upload("wall.jpeg", JPEG),
    )

    assert response.status_code == 302
    note = inspection.evidence.latest("position")
    kept = {a.file_name: a for a in note.attachments.all()}
    assert {n: a.content_type for n, a in kept.items()} == {
        "plan.pdf": "application/pdf",
        "minutes.docx": DOCX,
        "wall.jpeg": "image/jpeg",
    }
    pdf = kept["plan.pdf"]
    assert attachment_path(pdf).read_bytes() == PDF and pdf.size == len(PDF)
    assert pdf.sha256 == __import__("hashlib").sha256(PDF).hexdigest()
    assert pdf.uploaded_by.username == "inspector"
    assert attachment_path(pdf).stat().st_mode & 0o777 == 0o600
    assert (
        AuditEvent.objects.filter(action="create", object_type="evidence_attachment").count() == 3
    )
    # Nothing is left in the staging area, and the stored names say nothing of the files.
    assert not list(staging_dir().glob("*"))
    assert all("plan" not in a.stored_name for a in kept.values())


def test_a_png_named_pdf_is_kept_as_a_png(client_for: Any, inspection: Inspection) -> None:
    attach(client_for("lead"), inspection, upload("scan.pdf", PNG))

    kept = EvidenceAttachment.objects.get()
    assert (kept.file_name, kept.content_type) == ("scan.png", "image/png")
    assert kept.stored_name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", EXE, "is not a PDF, a Word document (.docx) or an image"),
        ("empty.pdf", b"", "the submitted file is empty"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "is not a PDF"),
        ("logo.pdf", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "is not a PDF"),
        ("archive.docx", zipped({"evil.exe": EXE}), "This zip file is not a Word document"),
        (
            "macro.docx",
            zipped(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b"",
                    "word/vbaProject.bin": b"x",
                }
            ),
            "contains macros",
        ),  # fmt: skip
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 30, "damaged zip"),
    ],
)
def test_it_refuses_files_that_are_not_what_we_keep_whatever_their_name(
    name: str, data: bytes, message: str, client_for: Any, inspection: Inspection, settings: Any
) -> None:
    before = inspection.evidence.count()

    response = attach(client_for("lead"), inspection, upload("plan.pdf", PDF), upload(name, data))

    page = response.content.decode()
    assert response.status_code == 400
    assert f"{name}: " in page and message in page
    assert "Attach files (optional):" in page  # the error summary names the field
    # All or nothing: neither the note nor the good file is kept, and no bytes linger.
    assert inspection.evidence.count() == before
    assert not EvidenceAttachment.objects.exists()
    assert stored_files(settings) == []
    assert "The child protection committee&#x27;s improvement plan" in page


WORD = Path(__file__).parents[1] / "data" / "word-templates"


def _with_parts(source: Path, parts: dict[str, bytes]) -> bytes:
    """A real Word document with some parts replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            if item.filename not in parts:
                zout.writestr(item, zin.read(item))
        for name, data in parts.items():
            zout.writestr(name, data)
    return out.getvalue()


BLANK = WORD / "python-docx/doc-word-default-blank.docx"
REMOTE_TEMPLATE = _with_parts(
    BLANK,
    {
        "word/_rels/settings.xml.rels": (
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/attachedTemplate" Target="https://203.0.113.9/t.dotm" '
            b'TargetMode="External"/></Relationships>'
        )
    },
)
with zipfile.ZipFile(BLANK) as _zf:
    DISGUISED_MACROS = _with_parts(
        BLANK,
        {
            "[Content_Types].xml": _zf.read("[Content_Types].xml").replace(
                b"</Types>",
                b'<Override PartName="/word/notes.bin" '
                b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            ),
            "word/notes.bin": b"\xd0\xcf\x11\xe0",
        },
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            REMOTE_TEMPLATE,
            "This Word document links to files outside it, which Word would fetch when anyone "
            "opens it: the Word template it is attached to in the document settings "
            "(https://203.0.113.9/t.dotm).",
        ),
        (DISGUISED_MACROS, "This Word document contains macros."),
    ],
)
def test_it_refuses_word_documents_that_fetch_or_run_anything(
    data: bytes, message: str, client_for: Any, inspection: Inspection
) -> None:
    response = attach(client_for("lead"), inspection, upload("minutes.docx", data))
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not EvidenceAttachment.objects.exists()


def test_it_keeps_a_word_document_with_links_to_websites(
    client_for: Any, inspection: Inspection
) -> None:
    # A hyperlink is followed only when a reader clicks it; nothing is fetched on opening.
    data = (WORD / "python-docx/par-hyperlinks.docx").read_bytes()
    assert attach(client_for("lead"), inspection, upload("links.docx", data)).status_code == 302
    assert EvidenceAttachment.objects.get().content_type == DOCX


def test_the_service_refuses_an_unreadable_or_missing_file(
    inspection: Inspection, tmp_path: Path
) -> None:
    note = inspection.evidence.first()
    with pytest.raises(AttachmentRefused, match="could not be read"):
        attachment_add(
            actor="test", evidence=note, path=tmp_path / "gone.pdf", file_name="gone.pdf"
        )
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(AttachmentRefused, match="empty.pdf: the file is empty"):
        attachment_add(actor="test", evidence=note, path=empty, file_name="empty.pdf")
    assert not empty.exists()  # a refused staged file is removed
    staged = tmp_path / "plan"
    staged.write_bytes(PDF)
    kept = attachment_add(
        actor="test", evidence=note, path=staged, file_name="C:\\Users\\x\\plan.pdf"
    )
    assert kept.file_name == "plan.pdf" and not staged.exists()


def test_names_lose_folders_and_control_characters_and_match_the_content() -> None:
    assert attachment_name("../../etc/passwd.pdf", "application/pdf") == "passwd.pdf"
    assert attachment_name("minutes\x00\n.docx", DOCX) == "minutes.docx"
    assert attachment_name("photo", "image/jpeg") == "photo.jpg"
    assert attachment_name("photo.JPEG", "image/jpeg") == "photo.JPEG"
    assert attachment_name("notes.exe", "application/pdf") == "notes.exe.pdf"
    assert attachment_name("", "image/gif") == "attachment.gif"
    assert len(attachment_name("a" * 400 + ".pdf", "application/pdf")) == 255


# --- size, while streaming -----------------------------------------------------------


class CountingStream(io.BytesIO):
    """A request body that counts how much the server read of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.consumed = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.consumed += len(line)
        return line


def post_streamed(inspection: Inspection, fields: dict[str, Any]) -> tuple[Any, CountingStream]:
    """POST a multipart body through the real view, counting the bytes it reads."""
    body = encode_multipart(BOUNDARY, fields)
    stream = CountingStream(body)
    environ = RequestFactory()._base_environ(
        PATH_INFO=url("evidence:create", inspection),
        REQUEST_METHOD="POST",
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": stream},
    )
    request = WSGIRequest(environ)
    # A demo lead (demo accounts skip the second factor outside production).
    request.user = User.objects.create_user(username="streaming-lead", is_demo=True)
    Membership.objects.create(inspection=inspection, user=request.user, role=Role.LEAD_INSPECTOR)
    request._dont_enforce_csrf_checks = True  # CSRF itself is covered by the client tests
    match = resolve(request.path_info)
    return match.func(request, **match.kwargs), stream


def test_an_oversize_file_is_refused_before_it_is_read_whole(
    inspection: Inspection, settings: Any
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100_000
    big = PDF + b"0" * 400_000
    before = inspection.evidence.count()

    response, stream = post_streamed(
        inspection, {**note_form(text="Words kept"), "attachments": upload("big.pdf", big)}
    )

    assert response.status_code == 413
    page = response.content.decode()
    assert "A file is larger than 97.7 KB, the most an attachment may be" in page
    assert "Words kept</textarea>" in page
    # Reading stopped soon after the limit, well before the end of the file.
    assert stream.consumed < 100_000 + 2 * 65_536 < len(big)
    assert inspection.evidence.count() == before
    assert stored_files(settings) == []


def test_a_request_declaring_more_than_the_limit_is_refused_at_the_first_file(
    inspection: Inspection, settings: Any
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 50_000
    files = [upload(f"part-{n}.pdf", PDF + b"0" * 70_000) for n in range(5)]

    response, stream = post_streamed(inspection, {**note_form(), "attachments": files})

    assert response.status_code == 413
    assert "The files together are" in response.content.decode()
    assert stream.consumed < 70_000  # the form fields and the first chunk at most
    assert stored_files(settings) == []


def test_the_same_limit_holds_through_the_client(
    client_for: Any, inspection: Inspection, settings: Any
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = attach(client_for("lead"), inspection, upload("big.pdf", PDF + b"0" * 5000))
    assert response.status_code == 413 and not EvidenceAttachment.objects.exists()


def test_at_most_five_files_at_a_time(client_for: Any, inspection: Inspection) -> None:
    response = attach(client_for("lead"), inspection, *[upload(f"{n}.pdf", PDF) for n in range(6)])
    assert "Attach at most 5 files at a time" in response.content.decode()
    assert not EvidenceAttachment.objects.exists()


def test_files_can_be_added_when_editing(client_for: Any, inspection: Inspection) -> None:
    note = inspection.evidence.first()
    form = {
        "source": note.source,
        "text": note.text,
        "kind": note.kind,
        "questions": ["1"],
        "version": note.version,
        "attachments": [upload("photo.png", PNG)],
    }

    response = client_for("lead").post(url("evidence:edit", inspection, evidence_id=note.pk), form)

    assert response.status_code == 302
    assert [a.file_name for a in note.attachments.all()] == ["photo.png"]
    event = AuditEvent.objects.filter(action="change", object_id=note.ident).latest("id")
    assert "attachments" in event.summary


# --- download and removal -----------------------------------------------------------


@pytest.fixture
def attached(client_for: Any, inspection: Inspection) -> EvidenceAttachment:
    attach(client_for("lead"), inspection, upload("plan.pdf", PDF))
    return EvidenceAttachment.objects.get()


def download_url(inspection: Inspection, attachment: EvidenceAttachment) -> str:
    return url(
        "evidence:attachment",
        inspection,
        evidence_id=attachment.evidence_id,
        attachment_id=attachment.pk,
    )


def test_members_who_read_evidence_download_it_as_an_attachment_and_it_is_logged(
    client_for: Any, inspection: Inspection, attached: EvidenceAttachment
) -> None:
    for persona in ("lead", "inspector", "volunteer", "assurer"):
        response = client_for(persona).get(download_url(inspection, attached))
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert "sandbox" in response["Content-Security-Policy"]
    events = AuditEvent.objects.filter(action="export", object_type="evidence_attachment")
    assert sorted(e.actor_name for e in events) == ["assurer", "inspector", "lead", "volunteer"]
    assert events.first().summary == f"Downloaded plan.pdf of evidence {attached.evidence.ident}"


@pytest.mark.parametrize("persona", ["anonymous", "partner", "admin", "outsider"])
def test_nobody_else_downloads_it(
    persona: str, client_for: Any, inspection: Inspection, attached: EvidenceAttachment
) -> None:
    response = client_for(persona).get(download_url(inspection, attached))
    assert response.status_code in (302, 404)
    assert PDF not in response.content if hasattr(response, "content") else True
    if persona == "anonymous":
        assert "/accounts/sign-in/" in response["Location"]
    assert not AuditEvent.objects.filter(action="export").exists()


def test_another_inspections_attachment_id_is_not_found(
    client_for: Any,
    inspection: Inspection,
    other_inspection: Inspection,
    attached: EvidenceAttachment,
) -> None:
    their_note = other_inspection.evidence.first()
    ours = attached.evidence
    for inspection_id, evidence_id in (
        (other_inspection.pk, their_note.pk),  # the outsider's own inspection and note
        (other_inspection.pk, ours.pk),
        (inspection.pk, their_note.pk),
    ):
        path = reverse(
            "evidence:attachment",
            kwargs={
                "inspection_id": inspection_id,
                "evidence_id": evidence_id,
                "attachment_id": attached.pk,
            },
        )
        assert client_for("outsider").get(path).status_code == 404
    # A member of A asking for it under another of A's notes: not found either.
    other_note = inspection.evidence.exclude(pk=ours.pk).first()
    wrong_note = url(
        "evidence:attachment", inspection, evidence_id=other_note.pk, attachment_id=attached.pk
    )
    assert client_for("lead").get(wrong_note).status_code == 404


def test_the_bytes_are_not_reachable_under_any_static_or_media_url(
    client_for: Any, inspection: Inspection, attached: EvidenceAttachment, settings: Any
) -> None:
    stored = attached.stored_name
    client = client_for("lead")
    for path in (
        f"/static/{stored}",
        f"/static/attachments/{stored}",
        f"/static/../attachments/{stored}",
        f"/static/%2e%2e/attachments/{stored}",
        f"/media/{stored}",
        f"/media/attachments/{stored}",
        f"/attachments/{stored}",
        f"/var/attachments/{stored}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert PDF not in body, path
    # Nor is the store under the directory whitenoise serves.
    assert Path(settings.STATIC_ROOT).resolve() not in attachment_path(attached).resolve().parents


def test_removing_a_file_asks_first_then_deletes_it_and_keeps_the_trail(
    client_for: Any,
    inspection: Inspection,
    attached: EvidenceAttachment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    remove = url(
        "evidence:attachment_remove",
        inspection,
        evidence_id=attached.evidence_id,
        attachment_id=attached.pk,
    )
    path = attachment_path(attached)
    confirm = client_for("inspector").get(remove)
    assert confirm.status_code == 200 and "Remove the file" in confirm.content.decode()
    assert client_for("volunteer").post(remove).status_code == 404
    assert path.exists()

    # The bytes go once the removal is committed.
    with django_capture_on_commit_callbacks(execute=True):
        done = client_for("inspector").post(remove)

    assert done.status_code == 302
    assert not EvidenceAttachment.objects.exists() and not path.exists()
    event = AuditEvent.objects.get(action="delete", object_type="evidence_attachment")
    assert event.before["file"] == "plan.pdf" and event.before["sha256"] == attached.sha256
    assert client_for("lead").get(download_url(inspection, attached)).status_code == 404


def test_the_note_lists_its_files(
    client_for: Any, inspection: Inspection, attached: EvidenceAttachment
) -> None:
    note = Evidence.objects.get(pk=attached.evidence_id)
    page = client_for("volunteer").get(url("evidence:detail", inspection, evidence_id=note.pk))
    html = page.content.decode()
    assert f'href="{download_url(inspection, attached)}">plan.pdf</a>' in html
    assert "Remove" not in html  # volunteers do not change evidence
    listing = client_for("lead").get(url("evidence:list", inspection), {"q": "plan.pdf"})
    assert [n.pk for n in listing.context["page"]] == [note.pk]


def test_the_attachment_store_may_not_be_anywhere_whitenoise_serves(tmp_path: Path) -> None:
    from scrutiny.web.settings import BASE_DIR, STATIC_ROOT, outside_web_root

    from .test_settings import _manage

    assert (
        outside_web_root(tmp_path / "attachments", "SCRUTINY_ATTACHMENTS_DIR")
        == tmp_path / "attachments"
    )
    for served in (STATIC_ROOT / "attachments", BASE_DIR / "static" / "files"):
        with pytest.raises(ValueError, match="served as static files"):
            outside_web_root(served.resolve(), "SCRUTINY_ATTACHMENTS_DIR")
    # From the environment, as a deployment would set it.
    inside = _manage(
        "check",
        SCRUTINY_DATA_DIR=str(tmp_path),
        SCRUTINY_ATTACHMENTS_DIR=str(tmp_path / "static" / "attachments"),
    )
    outside = _manage(
        "check",
        SCRUTINY_DATA_DIR=str(tmp_path),
        SCRUTINY_ATTACHMENTS_DIR=str(tmp_path / "private"),
    )
    assert inside.returncode != 0 and "keep these files outside it" in inside.stderr
    assert outside.returncode == 0, outside.stderr
    templates = _manage(
        "check",
        SCRUTINY_DATA_DIR=str(tmp_path),
        SCRUTINY_REPORT_TEMPLATES_DIR=str(tmp_path / "static" / "templates"),
    )
    assert templates.returncode != 0 and "SCRUTINY_REPORT_TEMPLATES_DIR" in templates.stderr
