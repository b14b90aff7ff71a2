"""Template filters of the design-system form renderer (scrutiny.web.forms)."""

from django import template
from django.forms import BoundField

from scrutiny.web.forms import specific_error

register = template.Library()


@register.filter
def error_text(error: str, field: BoundField) -> str:
    """The specific message shown under the field."""
    return specific_error(field, str(error))[0]


@register.filter
def summary_text(error: str, field: BoundField) -> str:
    """The summary's line: the specific message, or the field's name and the form's own."""
    text, names_field = specific_error(field, str(error))
    return text if names_field else f"{field.label}: {text}"


@register.filter
def error_target(field: BoundField) -> str:
    """The id the summary links to: a group of radios or boxes starts at its first."""
    if field.widget_type in ("radioselect", "checkboxselectmultiple"):
        return f"{field.auto_id}_0"
    return str(field.auto_id)
