"""`{{ radio|choice_tag }}`: one radio button, checkbox or select option as markup.

The same bytes as `{{ radio.tag }}` through the design-system widget templates
(templates/django/forms/widgets/input.html and Django's option templates), without
rendering four nested templates per choice: a reading form has several hundred choices,
and rendering them through the templates was most of the page's server time.
tests/web/test_choice_tag.py holds the two to the same output.
"""

from typing import Any

from django import template
from django.forms.boundfield import BoundWidget
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_INPUT_CLASS = {
    "checkbox": "ds_checkbox__input",
    "radio": "ds_radio__input",
    "file": "app_file-input",
    "date": "ds_input ds_input--fixed-10",
    "number": "ds_input ds_input--fixed-10",
}

_OPTION_TEMPLATES = {
    "django/forms/widgets/radio_option.html",
    "django/forms/widgets/checkbox_option.html",
    "django/forms/widgets/select_option.html",
}


def _attrs(attrs: dict[str, Any]) -> str:
    """As django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


@register.filter
def choice_tag(choice: BoundWidget) -> SafeString:
    data = choice.data
    if data.get("template_name") not in _OPTION_TEMPLATES:
        return choice.tag()  # not a choice of a radio, checkbox or select widget
    if data["type"] == "select":
        return mark_safe(  # noqa: S308 (every part is escaped above or here)
            f'<option value="{conditional_escape(str(data["value"]))}"'
            f"{_attrs(data['attrs'])}>{conditional_escape(data['label'])}</option>"
        )
    value = data["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return mark_safe(  # noqa: S308 (every part is escaped above or here)
        f'<input type="{conditional_escape(data["type"])}" name="{conditional_escape(data["name"])}"'
        f'{shown} class="{_INPUT_CLASS.get(data["type"], "ds_input")}"{_attrs(data["attrs"])}>'
    )
