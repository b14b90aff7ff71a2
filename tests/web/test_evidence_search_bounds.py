"""The evidence search is bounded: too many words or characters get a clear message, not a 500."""

from typing import Any

import pytest
from django.urls import reverse

from scrutiny.web.evidence.models import Evidence
from scrutiny.web.evidence.selectors import (
    SEARCH_WORDS_MAX,
    EvidenceFilters,
    evidence_list,
)
from scrutiny.web.inspections.models import Inspection

pytestmark = pytest.mark.django_db


def search(client: Any, inspection: Inspection, q: str, **headers: str) -> Any:
    return client.get(reverse("evidence:list", args=[inspection.pk]), {"q": q}, **headers)


def test_it_answers_64_words_with_a_message_not_a_500(
    client_for: Any, inspection: Inspection
) -> None:
    words = " ".join("abcdefghijklmnopqrstuvwxyz0123456789"[n % 36] for n in range(64))
    client = client_for("inspector")
    page = search(client, inspection, words)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Search for at most {SEARCH_WORDS_MAX} words (this search has 64)" in html
    assert "The search was not run." in html
    fragment = search(client, inspection, words, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "The search was not run." in fragment.content.decode()


def test_it_answers_an_over_long_search_with_a_message(
    client_for: Any, inspection: Inspection
) -> None:
    page = search(client_for("inspector"), inspection, "x" * 201)
    assert page.status_code == 200
    assert "Search for at most 200 characters (this search has 201)" in page.content.decode()


def test_it_still_searches_with_as_many_words_as_allowed(
    client_for: Any, inspection: Inspection
) -> None:
    note = Evidence.objects.filter(inspection=inspection).first()
    words = note.text.split()[:SEARCH_WORDS_MAX]
    page = search(client_for("inspector"), inspection, " ".join(words))
    assert page.status_code == 200
    assert note.ident in page.content.decode()


def test_the_selector_copes_with_many_words_whatever_calls_it(inspection: Inspection) -> None:
    # No join per word: a caller that skips the form still gets an answer.
    filters = EvidenceFilters(text=" ".join(f"w{n}" for n in range(100)))
    assert list(evidence_list(inspection=inspection, filters=filters)) == []
