"""A form renderer whose templates emit Scottish Government Design System markup.

Forms and fields render through templates/ds/forms/, and the widget templates under
templates/django/forms/widgets/ add the design system's classes, so a plain Django form
comes out as `ds_question` blocks with an error summary and no per-form markup.
"""

from django.forms import BoundField
from django.forms.renderers import TemplatesSetting


class DesignSystemFormRenderer(TemplatesSetting):
    form_template_name = "ds/forms/form.html"
    field_template_name = "ds/forms/field.html"


# Django's own messages say what is wrong with "this field"; the design system asks for
# what to do, naming the thing (https://designsystem.gov.scot/components/error-message).
# A form's own message (error_messages=, add_error) is kept as it is.
_CHOOSE = {"select", "radioselect", "selectmultiple"}


def _name(label: object) -> str:
    text = str(label or "this answer").rstrip(":")
    # "Start date" -> "start date"; "QI 2.1" keeps its capitals.
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def specific_error(field: BoundField, error: str) -> tuple[str, bool]:
    """The message to show for `error` on `field`, and whether it names the field already."""
    name = _name(field.label)
    kind = field.widget_type
    if error == "This field is required.":
        if kind in _CHOOSE:
            return f"Choose the {name}", True
        if kind == "checkboxselectmultiple":
            return f"Choose at least one: {name}", True
        if kind in ("file", "clearablefile"):
            return f"Choose a file for the {name}", True
        if kind == "checkbox":
            return f"Tick “{field.label}” to go on", True
        return f"Enter the {name}", True
    if error == "Enter a valid date.":
        return f"Enter the {name} as a real date, for example 27/03/2026", True
    if error in ("Enter a whole number.", "Enter a number."):
        return f"Enter the {name} as a number, for example 12", True
    if error.startswith("Select a valid choice."):
        return f"Choose one of the listed options for the {name}", True
    return error, False
