"""Downloads of the report from the web app: the core's report of the stored inspection,
the same as `scrutiny report` prints from its exported bundle; the public versions free
of evidence references and of record, respondent and statement ids."""

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.urls import reverse

from scrutiny.cli import main as scrutiny_main
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.inspections.bundle_io import bundle_export
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.services import run_ready_jobs
from scrutiny.web.reports.models import ReportTemplate, Statement
from tests.core.test_report_formats import docx_units, html_units, pdf_text, squeeze

from .report_steps import share, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _templates_dir(settings: Any, tmp_path: Path) -> None:
    settings.REPORT_TEMPLATES_DIR = tmp_path / "report-templates"


def download(client: Any, inspection: Inspection, version: str, file_type: str) -> Any:
    """HTML at once; a PDF or Word file through its build job, as a person gets it."""
    address = url("download", inspection, report_version=version, file_type=file_type)
    if file_type not in ("pdf", "docx"):
        return client.get(address)
    offer = client.get(address)
    if offer.status_code != 200:
        return offer
    queued = client.post(address)
    assert queued.status_code == 302
    run_ready_jobs()
    page = client.get(queued["Location"]).content.decode()
    link = re.search(r'href="([^"]+/file/)"', page)
    assert link, page
    served = client.get(link.group(1))
    response = HttpResponse(b"".join(served.streaming_content), status=served.status_code)
    for header in ("Content-Type", "Content-Disposition"):
        response[header] = served[header]
    return response


def identifiers(inspection: Inspection) -> re.Pattern[str]:
    ids = set(inspection.evidence.values_list("ident", flat=True))
    ids |= set(inspection.record_readings.values_list("record", flat=True))
    ids |= set(inspection.record_readings.values_list("reader", flat=True))
    ids |= set(inspection.survey_responses.values_list("respondent", flat=True))
    ids |= set(Statement.objects.filter(inspection=inspection).values_list("ident", flat=True))
    ids |= set(inspection.significant_concerns.values_list("ident", flat=True))
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(ids))) + r")(?![\w-])")


@pytest.mark.parametrize("version", ["public", "young-people"])
def test_the_public_versions_hold_no_evidence_record_respondent_or_statement_id(
    client_for: Any, inspection: Inspection, version: str
) -> None:
    client = client_for("lead")
    pattern = identifiers(inspection)
    texts = {
        "html": download(client, inspection, version, "html").content.decode(),
        "docx": "\n".join(docx_units(download(client, inspection, version, "docx").content)),
        "pdf": pdf_text(download(client, inspection, version, "pdf").content),
    }
    for fmt, text in texts.items():
        assert pattern.findall(text) == [], fmt
        assert "Evidence:" not in text, fmt
    preview = client.get(url("preview", inspection, report_version=version)).content.decode()
    article = preview[preview.index("<article") : preview.index("</article>")]
    assert pattern.findall(article) == []


def test_the_internal_version_carries_the_evidence_references(
    client_for: Any, inspection: Inspection
) -> None:
    html = download(client_for("assurer"), inspection, "internal", "html").content.decode()
    assert "[Evidence: E-001, E-002]" in html
    assert "Statements without evidence" in html


def test_the_web_download_is_the_report_the_command_line_makes_from_the_export(
    client_for: Any, inspection: Inspection, tmp_path: Path
) -> None:
    bundle = tmp_path / "exported.json"
    bundle.write_bytes(bundle_export(actor="test", inspection=inspection))
    for version in ("public", "internal", "young-people"):
        out = tmp_path / f"{version}.html"
        assert (
            scrutiny_main(
                ["report", str(bundle), "--format", "html", "--version", version, "-o", str(out)]
            )
            == 0
        )
        web = download(client_for("lead"), inspection, version, "html")
        assert web.content == out.read_bytes(), version


def test_the_three_formats_carry_the_same_text(client_for: Any, inspection: Inspection) -> None:
    client = client_for("inspector")
    units = html_units(download(client, inspection, "public", "html").content)
    assert len(units) > 20
    in_docx = docx_units(download(client, inspection, "public", "docx").content)
    assert [u for u in units if u not in in_docx] == []
    assert [u for u in in_docx if u not in units] == []
    pdf = squeeze(pdf_text(download(client, inspection, "public", "pdf").content))
    assert [u for u in units if squeeze(u) not in pdf] == []


def test_each_download_is_recorded_as_an_export(client_for: Any, inspection: Inspection) -> None:
    response = download(client_for("volunteer"), inspection, "young-people", "docx")
    assert response["Content-Disposition"] == 'attachment; filename="JI-A-report-young-people.docx"'
    event = AuditEvent.objects.filter(action="export", object_type="report").get()
    assert (event.actor_name, event.object_id) == ("volunteer", "young-people.docx")


def test_an_unknown_version_or_format_is_not_found(client_for: Any, inspection: Inspection) -> None:
    client = client_for("lead")
    assert download(client, inspection, "secret", "html").status_code == 404
    assert download(client, inspection, "public", "exe").status_code == 404


def test_the_partnership_downloads_the_public_versions_of_a_shared_draft(
    client_for: Any, inspection: Inspection
) -> None:
    share(inspection)
    partner = client_for("partner")
    assert download(partner, inspection, "public", "html").status_code == 200
    assert download(partner, inspection, "young-people", "docx").status_code == 200
    assert download(partner, inspection, "internal", "html").status_code == 404
    assert partner.get(url("preview", inspection, report_version="internal")).status_code == 404


# --- the organisation's Word template ----------------------------------------------


def word_template(path: Path, house: str = "Care Agency") -> Path:
    template = docx.Document()
    template.add_paragraph(house, style="Title")
    template.add_paragraph("{{title}} ({{status}})")
    template.sections[0].header.paragraphs[0].text = f"{house} · {{{{reference}}}}"
    template.styles["Heading 1"].font.color.rgb = docx.shared.RGBColor(0x70, 0x1A, 0x5C)
    template.save(path)
    return path


def upload(client: Any, inspection: Inspection, name: str, content: bytes) -> Any:
    f = io.BytesIO(content)
    f.name = name
    return client.post(url("template", inspection), {"template": f})


def test_word_downloads_fill_the_uploaded_template(
    client_for: Any, inspection: Inspection, tmp_path: Path, settings: Any
) -> None:
    content = word_template(tmp_path / "agency.docx").read_bytes()
    response = upload(client_for("lead"), inspection, "agency.docx", content)
    assert response.status_code == 302
    template = ReportTemplate.objects.get(inspection=inspection)
    stored = Path(settings.REPORT_TEMPLATES_DIR) / template.stored_name
    assert stored.read_bytes() == content
    # Outside the web root: nothing under the static files serves it.
    assert not stored.resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve())
    out = docx.Document(
        io.BytesIO(download(client_for("lead"), inspection, "public", "docx").content)
    )
    texts = [p.text for p in out.paragraphs]
    assert texts[0] == "Care Agency"
    assert texts[1].endswith("(Draft)") and texts[1].startswith("Report of a joint inspection")
    assert out.sections[0].header.paragraphs[0].text == "Care Agency · JI-A"
    assert out.styles["Heading 1"].font.color.rgb == docx.shared.RGBColor(0x70, 0x1A, 0x5C)
    event = AuditEvent.objects.filter(object_type="report_template").get()
    assert event.after["sha256"] == template.sha256


def test_the_administrator_replaces_and_removes_the_template(
    client_for: Any, inspection: Inspection, tmp_path: Path, settings: Any
) -> None:
    admin = client_for("admin")
    content = word_template(tmp_path / "a.docx").read_bytes()
    assert upload(admin, inspection, "first.docx", content).status_code == 302
    first = ReportTemplate.objects.get(inspection=inspection)
    assert upload(admin, inspection, "second.docx", content).status_code == 302
    second = ReportTemplate.objects.get(inspection=inspection)
    directory = Path(settings.REPORT_TEMPLATES_DIR)
    assert (
        not (directory / first.stored_name).exists() and (directory / second.stored_name).exists()
    )
    assert admin.post(url("template_remove", inspection)).status_code == 302
    assert not ReportTemplate.objects.exists() and list(directory.iterdir()) == []


WORD_TEMPLATES = Path(__file__).parents[1] / "data" / "word-templates"


def test_a_french_word_template_is_kept_and_its_unknown_placeholders_reported(
    client_for: Any, inspection: Inspection
) -> None:
    lead = client_for("lead")
    content = (WORD_TEMPLATES / "docxtpl/header_footer_tpl.docx").read_bytes()
    response = upload(lead, inspection, "maison.docx", content)
    assert response.status_code == 302
    page = lead.get(response["Location"]).content.decode()
    assert "The Word template maison.docx is in use." in page
    assert (
        "Check the template: Scrutiny does not know these placeholders and leaves them as "
        "they are: {{p mysubdoc}}, {{date}}, {{company_name}}. The ones it fills are "
        "{{title}}, {{partnership}}, {{reference}}, {{version}}, {{status}}."
    ) in page
    # The template's page keeps saying so, after the message has gone.
    page = lead.get(url("template", inspection)).content.decode()
    assert "To check" in page and "they are: {{p mysubdoc}}, {{date}}" in page
    out = docx.Document(io.BytesIO(download(lead, inspection, "public", "docx").content))
    assert {p.style.style_id for p in out.paragraphs if p.style.name == "Heading 1"} == {"Titre1"}
    assert out.core_properties.author == "Care Inspectorate"


def test_a_template_with_a_picture_linked_from_outside_is_refused_with_the_reason(
    client_for: Any, inspection: Inspection, settings: Any
) -> None:
    content = (WORD_TEMPLATES / "python-docx/shp-inline-shape-access.docx").read_bytes()
    response = upload(client_for("lead"), inspection, "linked.docx", content)
    assert response.status_code == 422
    page = response.content.decode()
    assert "A picture in the body is not stored in the document but linked to" in page
    assert "Insert &gt; Pictures &gt; This Device" in page
    assert not ReportTemplate.objects.exists()
    directory = Path(settings.REPORT_TEMPLATES_DIR)
    assert not directory.exists() or list(directory.iterdir()) == []


def test_a_kept_template_that_can_no_longer_be_used_is_explained_not_a_server_error(
    client_for: Any, inspection: Inspection, settings: Any
) -> None:
    # Kept before the checks refused pictures linked from outside.
    directory = Path(settings.REPORT_TEMPLATES_DIR)
    directory.mkdir(parents=True)
    source = WORD_TEMPLATES / "python-docx/shp-inline-shape-access.docx"
    (directory / "old.docx").write_bytes(source.read_bytes())
    ReportTemplate.objects.create(
        inspection=inspection, file_name="old.docx", stored_name="old.docx", size=1, sha256="0"
    )
    lead = client_for("lead")
    response = lead.get(url("download", inspection, report_version="public", file_type="docx"))
    assert response.status_code == 302
    assert response["Location"] == url("template", inspection)
    page = lead.get(response["Location"]).content.decode()
    assert "The Word file could not be made: the Word template in use can no longer be used." in (
        page
    )
    assert "A picture in the body is not stored in the document" in page
    assert "It can no longer be used: A picture in the body" in page
    assert not AuditEvent.objects.filter(action="export").exists()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def _types(main: str) -> bytes:
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
    ).encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text", "This is not a Word document (.docx), whatever its name says"),
        (_zip({"a.txt": b"x"}), "This zip file is not a Word document (.docx)"),
        (
            _zip(
                {
                    "[Content_Types].xml": _types(
                        "application/vnd.ms-word.document.macroEnabled.main+xml"
                    ),
                    "word/document.xml": b"<x/>",
                }
            ),
            "The document contains macros, which are never run or kept",
        ),
        (
            _zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<x/>"}),
            "Its part [Content_Types].xml is damaged",
        ),
        (
            _zip(
                {
                    "[Content_Types].xml": _types(
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
                    ),
                    "word/document.xml": b"<broken",
                }
            ),
            "Word could not use this document",
        ),
        (b"", "The submitted file is empty."),
    ],
)
def test_it_refuses_a_file_that_is_not_a_usable_word_document(
    client_for: Any, inspection: Inspection, settings: Any, content: bytes, message: str
) -> None:
    response = upload(client_for("lead"), inspection, "template.docx", content)
    assert response.status_code == 422
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not ReportTemplate.objects.exists()
    directory = Path(settings.REPORT_TEMPLATES_DIR)
    assert not directory.exists() or list(directory.iterdir()) == []


def test_it_refuses_an_oversized_template_before_reading_it(
    client_for: Any, inspection: Inspection, settings: Any
) -> None:
    settings.REPORT_TEMPLATE_MAX_BYTES = 1000
    response = upload(client_for("lead"), inspection, "big.docx", b"PK" + b"x" * 5000)
    assert response.status_code == 422
    assert "templates up to 1000 bytes are accepted" in response.content.decode()
    assert not ReportTemplate.objects.exists()


def header_of(client: Any, inspection: Inspection) -> str:
    out = docx.Document(io.BytesIO(download(client, inspection, "public", "docx").content))
    return out.sections[0].header.paragraphs[0].text


def test_every_inspection_uses_the_organisations_template_unless_it_has_its_own(
    client_for: Any, inspection: Inspection, other_inspection: Inspection, tmp_path: Path
) -> None:
    admin, lead = client_for("admin"), client_for("lead")
    agency = io.BytesIO(word_template(tmp_path / "agency.docx").read_bytes())
    agency.name = "agency.docx"
    response = admin.post(reverse("reports:organisation_template"), {"template": agency})
    assert response.status_code == 302
    organisation = ReportTemplate.objects.get(inspection=None)
    event = AuditEvent.objects.get(object_type="report_template")
    assert (event.inspection, event.object_id, event.after["sha256"]) == (
        None,
        "organisation",
        organisation.sha256,
    )
    assert header_of(lead, inspection) == "Care Agency · JI-A"
    assert header_of(client_for("outsider"), other_inspection) == "Care Agency · JI-B"

    # An inspection's own template comes first; removing it falls back to the organisation's.
    own = word_template(tmp_path / "partner.docx", house="Partner Body").read_bytes()
    assert upload(lead, inspection, "partner.docx", own).status_code == 302
    assert header_of(lead, inspection) == "Partner Body · JI-A"
    assert header_of(client_for("outsider"), other_inspection) == "Care Agency · JI-B"
    page = lead.get(url("template", inspection)).content.decode()
    assert "partner.docx" in page and "agency.docx" in page
    assert lead.post(url("template_remove", inspection)).status_code == 302
    assert header_of(lead, inspection) == "Care Agency · JI-A"

    # Removing the organisation's template leaves the house style.
    assert admin.post(reverse("reports:organisation_template_remove")).status_code == 302
    assert not ReportTemplate.objects.exists()
    assert header_of(lead, inspection) != "Care Agency · JI-A"


def test_the_organisations_template_is_replaced_never_doubled(
    client_for: Any, tmp_path: Path
) -> None:
    admin = client_for("admin")
    for name in ("first.docx", "second.docx"):
        f = io.BytesIO(word_template(tmp_path / name).read_bytes())
        f.name = name
        assert (
            admin.post(reverse("reports:organisation_template"), {"template": f}).status_code == 302
        )
    assert [t.file_name for t in ReportTemplate.objects.all()] == ["second.docx"]
    # The database holds to it too, whatever a future service forgets.
    kept = ReportTemplate.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportTemplate.objects.create(
            inspection=None, file_name="x.docx", stored_name="x", size=1, sha256="0" * 64
        )
    assert ReportTemplate.objects.get() == kept


def test_a_broken_organisation_template_is_refused_and_nothing_kept(
    client_for: Any, tmp_path: Path
) -> None:
    f = io.BytesIO(b"PK\x03\x04 not really a zip")
    f.name = "house.docx"
    response = client_for("admin").post(reverse("reports:organisation_template"), {"template": f})
    assert response.status_code == 422
    assert "not a Word document" in response.content.decode()
    assert not ReportTemplate.objects.exists()
    assert not AuditEvent.objects.filter(object_type="report_template").exists()


def test_it_builds_a_pdf_in_a_job_that_only_its_owner_follows(
    client_for: Any, inspection: Inspection
) -> None:
    lead, assurer = client_for("lead"), client_for("assurer")
    address = url("download", inspection, report_version="internal", file_type="pdf")
    assert "Make the PDF" in lead.get(address).content.decode()
    queued = lead.post(address)
    job = Job.objects.get(inspection=inspection)
    assert queued["Location"] == job.get_absolute_url()
    assert job.title == "Building the PDF of the internal version"
    # The assurer may download the internal version too, but builds their own.
    assert assurer.get(queued["Location"]).status_code == 404
    assert not AuditEvent.objects.filter(object_type="report", action="export").exists()
    run_ready_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == job.total == 3
    page = lead.get(queued["Location"]).content.decode()
    assert f"{inspection.reference}-report-internal.pdf" in page
    file_url = reverse("jobs:job_file", args=[inspection.pk, job.pk])
    assert assurer.get(file_url).status_code == 404
    served = lead.get(file_url)
    assert b"".join(served.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(object_type="report", action="export")
    assert event.object_id == "internal.pdf" and event.actor_name == "lead"
    assert "internal version" in event.summary and "PDF" in event.summary
