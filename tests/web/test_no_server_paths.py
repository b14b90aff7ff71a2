"""No error shown to a person names a place on the server (upload folders, the checkout,
site-packages), whatever file they send. Libraries put paths in their messages; the
refusals quote them only through scrutiny.core.text.redact."""

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scrutiny.core.suggest import LexicalSuggester
from scrutiny.core.text.redact import without_paths
from scrutiny.core.word.template import explain_failure
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.services import run_ready_jobs

pytestmark = pytest.mark.django_db

DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOTX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


@pytest.fixture(autouse=True)
def _files_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.REPORT_TEMPLATES_DIR = tmp_path / "templates"
    settings.SURVEY_UPLOADS_DIR = tmp_path / "uploads"
    settings.SURVEY_IMPORT_IN_BACKGROUND = False


def word_document_named_as_another_part() -> bytes:
    """A .docx written by python-docx whose main part is declared a Word *template*,
    while the document type is declared for another part: it passes the zip checks and
    python-docx refuses it naming the file's full path."""
    out = io.BytesIO()
    docx.Document().save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                extra = b'<Override PartName="/word/other.xml" ContentType="' + DOCX_MAIN + b'"/>'
                data = data.replace(DOCX_MAIN, DOTX_MAIN).replace(b"</Types>", extra + b"</Types>")
            target.writestr(info, data)
    return changed.getvalue()


def server_places(tmp_path: Path) -> list[str]:
    return [
        str(tmp_path),
        str(Path(settings.BASE_DIR).parents[2]),
        "site-packages",
        "/tmp/",
        "Traceback",
    ]


def assert_no_server_path(page: str, tmp_path: Path) -> None:
    for place in server_places(tmp_path):
        assert place not in page, place


@pytest.mark.parametrize("scope", ["inspection", "organisation"])
def test_an_odd_word_template_does_not_say_where_the_server_keeps_it(
    scope: str, client_for: Any, inspection: Inspection, tmp_path: Path
) -> None:
    # python-docx once refused this one naming the staged file's full path; templates are
    # now opened from memory (core.word.template), and refusals pass through redact too.
    if scope == "inspection":
        client, url = client_for("lead"), reverse("reports:template", args=[inspection.pk])
    else:
        client, url = client_for("admin"), reverse("reports:organisation_template")
    upload = SimpleUploadedFile("template.docx", word_document_named_as_another_part())
    response = client.post(url, {"template": upload}, follow=True)
    assert response.status_code in (200, 422)
    assert_no_server_path(response.content.decode(), tmp_path)


def test_a_refusal_quoting_python_docx_names_no_path() -> None:
    failure = ValueError(
        "file '/srv/scrutiny/var/report-templates/staged-1f.docx' is not a Word file"
    )
    told = without_paths(explain_failure(failure))
    assert "/srv" not in told and "file 'the file' is not a Word file" in told


BROKEN = {
    "damaged.xlsx": b"PK\x03\x04" + b"\x00" * 64,
    "damaged.docx": b"PK\x03\x04" + b"\x00" * 64,
    "empty.csv": b"",
    "binary.csv": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "bundle.json": b'{"format": "scrutiny.inspection/1", "inspection": ',
}


@pytest.mark.parametrize("name", sorted(BROKEN))
@pytest.mark.parametrize(
    ("url_name", "field", "persona"),
    [
        ("inspections:import", "bundle", "admin"),
        ("records:sample_import", "sample", "lead"),
        ("surveys:upload", "export", "lead"),
        ("reports:template", "template", "lead"),
        ("evidence:create", "attachments", "lead"),
        ("partnership:send", "file", "partner"),
    ],
)
def test_no_refusal_of_a_broken_file_names_a_server_path(
    url_name: str,
    field: str,
    persona: str,
    name: str,
    client_for: Any,
    inspection: Inspection,
    tmp_path: Path,
) -> None:
    kwargs: dict[str, Any] = {}
    if url_name != "inspections:import":
        kwargs["inspection_id"] = inspection.pk
    if url_name == "surveys:upload":
        kwargs["survey_id"] = "children_and_young_people"
    data: dict[str, Any] = {field: SimpleUploadedFile(name, BROKEN[name])}
    if url_name == "evidence:create":
        data |= {"source": "meeting", "text": "A note.", "kind": "strength"}
    if url_name == "partnership:send":
        data |= {"kind": "document", "title": "Minutes"}
    client = client_for(persona)
    response = client.post(reverse(url_name, kwargs=kwargs), data)
    assert response.status_code < 500
    pages = [response.content.decode()]
    if response.status_code == 302:
        # Imports run as jobs: let the worker take it, then read where the page led.
        run_ready_jobs()
        followed = client.get(response["Location"], follow=True)
        assert followed.status_code < 500
        pages.append(followed.content.decode())
    for page in pages:
        assert_no_server_path(page, tmp_path)


def test_it_replaces_paths_in_a_librarys_message() -> None:
    message = (
        "file '/srv/scrutiny/var/report-templates/staged-1f.docx' is not a Word file; "
        r"C:\Users\lead\AppData\x.docx; file:///etc/passwd; [Errno 2] No such file: /tmp/a/b"
    )
    assert without_paths(message) == (
        "file 'the file' is not a Word file; the file; the file; [Errno 2] No such file: the file"
    )
    # Words with a slash in them are not paths.
    assert without_paths("Yes/No, and/or 1/2, text/csv") == "Yes/No, and/or 1/2, text/csv"


def test_the_suggesters_fallback_reason_names_no_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scrutiny.core import suggest
    from scrutiny.core.minilm import MiniLMEmbedder, ModelFilesInvalid

    # The model's real failure for a folder that is not there, as the loader keeps it.
    with pytest.raises(ModelFilesInvalid) as failed:
        MiniLMEmbedder(tmp_path / "model")
    assert str(tmp_path) in str(failed.value)
    monkeypatch.setitem(suggest._LOADED, "minilm", suggest.SuggestUnavailable(str(failed.value)))
    suggester = suggest.best_suggester([])
    assert isinstance(suggester, LexicalSuggester)
    assert suggester.fallback_reason and str(tmp_path) not in suggester.fallback_reason
