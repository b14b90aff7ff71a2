"""A form renderer whose templates emit Scottish Government Design System markup.

Forms and fields render through templates/ds/forms/, and the widget templates under
templates/django/forms/widgets/ add the design system's classes, so a plain Django form
comes out as `ds_question` blocks with an error summary and no per-form markup.
"""

from django.forms.renderers import TemplatesSetting


class DesignSystemFormRenderer(TemplatesSetting):
    form_template_name = "ds/forms/form.html"
    field_template_name = "ds/forms/field.html"
