"""The `choice_tag` filter writes exactly what the widget templates write, for every kind
of choice our forms have: radio buttons, checkboxes and select options, chosen or not,
with values that need escaping."""

from django import forms
from django.forms.widgets import ChoiceWidget

from scrutiny.core.demo import PROGRAMME
from scrutiny.core.methodology import load_programme
from scrutiny.web.records.forms import ReadingForm
from scrutiny.web.templatetags.choices import choice_tag


class _Mixed(forms.Form):
    radio = forms.ChoiceField(
        choices=[("1", "One"), ('a"<b>', "Quote & <tag>")], widget=forms.RadioSelect
    )
    boxes = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y & Z")], widget=forms.CheckboxSelectMultiple
    )
    option = forms.ChoiceField(
        choices=[("", "Choose"), ("p", "<P>"), ("q", "Q")],
        widget=forms.Select(attrs={"aria-describedby": "hint"}),
    )
    options = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=forms.SelectMultiple(attrs={"size": 4})
    )


def _choices(form: forms.Form) -> list[forms.BoundField]:
    return [
        choice for field in form if isinstance(field.field.widget, ChoiceWidget) for choice in field
    ]


def test_it_writes_what_the_widget_templates_write() -> None:
    data = {"radio": 'a"<b>', "boxes": ["y"], "option": "p", "options": ["1", "2"]}
    for form in (_Mixed(), _Mixed(data), _Mixed(data, auto_id=False)):
        for choice in _choices(form):
            assert choice_tag(choice) == choice.tag()


def test_it_writes_the_reading_form_as_the_templates_do() -> None:
    programme = load_programme(PROGRAMME)
    items = [(i.id, i.title) for i in programme.reading_items[:3]]
    blank = ReadingForm(programme=programme, items=items)
    filled = ReadingForm(
        {
            f"rating-{items[0][0]}": "4",
            f"kind-{items[0][0]}": "strength",
            f"questions-{items[0][0]}": ["1", "2"],
            f"indicators-{items[0][0]}": [programme.indicators[0].id],
        },
        programme=programme,
        items=items,
    )
    choices = _choices(blank) + _choices(filled)
    assert len(choices) > 50
    for choice in choices:
        assert choice_tag(choice) == choice.tag()
