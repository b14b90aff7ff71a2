"""Markup and headers every page relies on: SG DS forms, CSP, htmx fragments."""

import re
from typing import Any

import pytest
from django import forms
from django.urls import reverse

from scrutiny.web.inspections.models import Inspection

pytestmark = pytest.mark.django_db


class ExampleForm(forms.Form):
    name = forms.CharField(help_text="As it appears on the badge")
    role = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    agree = forms.BooleanField()


def test_the_form_renderer_emits_design_system_markup() -> None:
    html = str(ExampleForm(data={"name": ""}))
    assert 'class="ds_error-summary"' in html
    # Specific messages, linked to each field (a group of radios: to its first).
    assert '<a href="#id_name">Enter the name</a>' in html
    assert '<a href="#id_role_0">Choose the role</a>' in html
    assert "Tick “Agree” to go on" in html
    assert 'tabindex="-1"' in html  # app.js focuses the summary on load
    assert "This field is required." not in html
    assert 'class="ds_question ds_question--error"' in html
    assert '<label class="ds_label" for="id_name">Name</label>' in html
    assert 'class="ds_hint-text" id="id_name_helptext"' in html
    assert 'class="ds_input"' in html and 'aria-invalid="true"' in html
    assert '<legend class="ds_label">Role</legend>' in html
    assert 'class="ds_radio__input"' in html and 'class="ds_checkbox__input"' in html


def test_it_sends_a_strict_content_security_policy(client_for: Any, inspection: Inspection) -> None:
    response = client_for("lead").get(
        reverse("inspections:home", kwargs={"inspection_id": inspection.pk})
    )
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    page = response.content.decode()
    # No inline script or style that the policy would block.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert " style=" not in page and "<style" not in page


def test_pages_have_a_skip_link_and_a_main_landmark(client_for: Any) -> None:
    page = client_for("lead").get(reverse("inspections:list")).content.decode()
    assert '<a class="ds_skip-links__link" href="#main-content">' in page
    assert '<main class="ds_layout app_layout" id="main-content"' in page


def test_htmx_gets_only_the_filtered_results(client_for: Any, inspection: Inspection) -> None:
    url = reverse("evidence:list", kwargs={"inspection_id": inspection.pk})
    tagged = inspection.evidence.filter(questions__question=2)
    fragment = client_for("inspector").get(url, {"question": 2}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body
    assert f"{tagged.count()} evidence note" in body
    assert "tagged to question 2" in body
    # The same URL without htmx is the full page: the form works without JavaScript.
    full = client_for("inspector").get(url, {"question": 2}).content.decode()
    assert "<html" in full and "tagged to question 2" in full
