from django import forms

from scrutiny.web.evidence.models import Evidence


class EvidenceEditForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Evidence")
    kind = forms.ChoiceField(choices=Evidence.Kind.choices, widget=forms.RadioSelect)
    version = forms.IntegerField(widget=forms.HiddenInput)


class EvidenceFilterForm(forms.Form):
    question = forms.TypedChoiceField(
        choices=[], coerce=int, empty_value=None, required=False, label="Inspection question"
    )

    def __init__(self, *args, questions=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "All questions")] + [
            (q.number, f"{q.number}. {q.short}") for q in questions
        ]
