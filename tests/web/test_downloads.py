"""Download file names: one helper builds every Content-Disposition, safe from any name."""

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.urls import reverse

from scrutiny.web.downloads import content_disposition
from scrutiny.web.evidence.models import EvidenceAttachment
from scrutiny.web.inspections.models import Inspection

from .test_access_matrix import MATRIX, url_kwargs

HOSTILE = [
    "JI-1\"; filename*=UTF-8''evil.html",
    "JI-1\r\nSet-Cookie: session=stolen",
    'JI-1\\"evil',
    "JI-1; filename=evil.html",
    "../../etc/passwd",
    "..",
    "",
]


_PARAMETER = re.compile(r';\s*([\w*]+)=("(?:[^"\\]|\\.)*"|[^;]*)')


def parameters(header: str) -> list[str]:
    """The parameters' names as a browser splits them (quoted strings kept whole)."""
    return [m.group(1).lower() for m in _PARAMETER.finditer(header)]


def filename_of(header: str) -> str:
    """The name a browser offers to save, read as RFC 6266 says (filename* wins)."""
    found = {m.group(1).lower(): m.group(2) for m in _PARAMETER.finditer(header)}
    if "filename*" in found:
        charset, _, encoded = found["filename*"].split("'", 2)
        return unquote(encoded, encoding=charset)
    return re.sub(r"\\(.)", r"\1", found["filename"].strip('"'))


@pytest.mark.parametrize("name", HOSTILE)
def test_it_never_lets_a_name_break_or_add_to_the_header(name: str) -> None:
    header = content_disposition(f"{name}-audit.csv")
    assert "\r" not in header and "\n" not in header
    assert header.startswith("attachment; ")
    assert parameters(header) in (["filename"], ["filename", "filename*"])
    offered = filename_of(header)
    assert offered.endswith("audit.csv") and "/" not in offered and '"' not in offered
    assert not offered.startswith(".")


def test_it_offers_a_name_in_any_script_with_an_ascii_fallback() -> None:
    header = content_disposition("Évaluation — Ōban.pdf")
    assert header.startswith("attachment; filename=\"Evaluation _ Oban.pdf\"; filename*=UTF-8''")
    assert filename_of(header) == "Évaluation _ Ōban.pdf"


def test_it_keeps_a_plain_name_as_it_is() -> None:
    assert content_disposition("JI-0042.json") == 'attachment; filename="JI-0042.json"'


# The bundle export and the report re-read the inspection as a bundle, which refuses such
# a reference outright; they name their files through the same helper (test below).
DOWNLOADS = ["audit:csv", "records:results_export", "surveys:export", "evidence:attachment"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", DOWNLOADS)
@pytest.mark.parametrize("reference", HOSTILE[:2])
def test_every_download_is_named_safely_whatever_the_reference(
    name: str, reference: str, client_for: Any, inspection: Inspection
) -> None:
    # References are validated now; one stored before that may hold anything.
    Inspection.objects.filter(pk=inspection.pk).update(reference=reference)
    kwargs = url_kwargs(name, inspection)
    if name == "evidence:attachment":
        EvidenceAttachment.objects.filter(pk=kwargs["attachment_id"]).update(
            file_name=f"{reference}.pdf"
        )
    persona = next(p for p in ("lead", "assurer", "inspector") if p in MATRIX[name][1])
    response = client_for(persona).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert parameters(header) in (["filename"], ["filename", "filename*"])
    offered = filename_of(header)
    assert not offered.endswith(".html") and "\n" not in offered and '"' not in offered


def test_every_download_view_names_its_file_through_the_helper() -> None:
    web = Path(__file__).parents[2] / "src" / "scrutiny" / "web"
    for source in web.rglob("*.py"):
        text = source.read_text()
        if source.name != "downloads.py":
            assert "Content-Disposition" not in text, source
            assert "as_attachment=True" not in text, source
