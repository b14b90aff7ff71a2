"""Signing out leaves nothing of the person's work on the browser for the next person."""

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_tells_the_browser_to_clear_its_storage_on_sign_out(client_for: Any) -> None:
    response = client_for("inspector").post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_pages_name_whose_drafts_they_keep(client_for: Any, people: dict[str, Any]) -> None:
    page = client_for("inspector").get(reverse("inspections:list")).content.decode()
    assert f'<body data-draft-owner="{people["inspector"].pk}">' in page
    assert "data-sign-out>" in page
