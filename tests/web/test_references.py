"""Inspection references: letters, digits and hyphens, in the form and in bundle imports."""

import io
from typing import Any

import orjson
import pytest
from django.urls import reverse

from scrutiny.core.bundle import BundleInvalid
from scrutiny.web.inspections.bundle_io import bundle_import
from scrutiny.web.inspections.models import Inspection

from .conftest import demo_bytes
from .test_bundle_io import import_from_page

pytestmark = pytest.mark.django_db

HOSTILE = ["JI-1\"; filename*=UTF-8''evil.html", "JI-1\r\nX-Evil: 1", "JI 1", "JI/../1"]


@pytest.mark.parametrize("reference", HOSTILE)
def test_it_refuses_a_reference_with_other_characters_in_the_form(
    reference: str, client_for: Any
) -> None:
    response = client_for("admin").post(
        reverse("inspections:create"),
        {
            "reference": reference,
            "partnership": "Glenshire",
            "programme": "care-and-protection-2018",
            "start": "2019-05-06",
            "phase": "scoping",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_reference"' in page and "letters, digits and hyphens only" in page
    assert not Inspection.objects.filter(partnership="Glenshire").exists()


@pytest.mark.parametrize("reference", HOSTILE)
def test_it_refuses_a_bundle_whose_reference_has_other_characters(
    reference: str, client_for: Any
) -> None:
    data = demo_bytes().replace(b'"JI-0001"', orjson.dumps(reference))
    with pytest.raises(BundleInvalid) as refused:
        bundle_import(actor="test", data=data)
    assert refused.value.problems[0].startswith("inspection.reference: letters, digits")
    upload = io.BytesIO(data)
    upload.name = "bundle.json"
    response = import_from_page(client_for("admin"), upload)
    assert response.status_code == 422
    assert "inspection.reference: letters, digits and hyphens only" in response.content.decode()
    assert not Inspection.objects.exclude(reference__in=["JI-A", "JI-B"]).exists()


def test_it_refuses_a_bundle_with_a_40_mb_note(client_for: Any) -> None:
    data = orjson.loads(demo_bytes(reference="JI-BIG"))
    data["evidence"][0]["text"] = "x" * 40_000_000
    with pytest.raises(BundleInvalid) as refused:
        bundle_import(actor="test", data=orjson.dumps(data))
    assert refused.value.problems == ["evidence[0].text: at most 10000 characters (got 40000000)"]
    assert not Inspection.objects.filter(reference="JI-BIG").exists()
