from typing import Any

from django import forms

from scrutiny.core.methodology import Programme
from scrutiny.web.evidence.models import Evidence

NOT_APPLICABLE = "na"
NOTE_KINDS = [
    ("", "Neither"),
    (Evidence.Kind.STRENGTH, "Strength"),
    (Evidence.Kind.AREA_FOR_DEVELOPMENT, "Area for development"),
]


def rating_choices(programme: Programme) -> list[tuple[str, str]]:
    """Excellent first, as the scale is read; number keys 1..6 match the values."""
    points = sorted(programme.scale.points, key=lambda p: -p.value)
    return [(str(p.value), p.label) for p in points] + [(NOT_APPLICABLE, "Not applicable")]


class ReadingForm(forms.Form):
    """One reading: per item a rating (or not applicable) and an optional evidence note.

    Field names are `<part>-<item id>`; nothing is required here, because a draft may be
    saved half done. Completeness is the submit service's rule (it names what is missing).
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, programme: Programme, items: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.items = items
        choices = rating_choices(programme)
        questions = [(str(q.number), f"{q.number}. {q.short}") for q in programme.questions]
        indicators = [(i.id, f"{i.id} {i.title}") for i in programme.indicators]
        for item, _title in items:
            self.fields[f"rating-{item}"] = forms.ChoiceField(
                choices=choices, required=False, widget=forms.RadioSelect
            )
            self.fields[f"note-{item}"] = forms.CharField(
                required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.fields[f"kind-{item}"] = forms.ChoiceField(
                choices=NOTE_KINDS, required=False, widget=forms.RadioSelect
            )
            self.fields[f"questions-{item}"] = forms.MultipleChoiceField(
                choices=questions, required=False, widget=forms.CheckboxSelectMultiple
            )
            self.fields[f"indicators-{item}"] = forms.MultipleChoiceField(
                choices=indicators, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
            )

    @staticmethod
    def initial_from(
        *, ratings: dict[str, int | None], notes: dict[str, dict[str, Any]], version: int
    ) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": version}
        for item, value in ratings.items():
            initial[f"rating-{item}"] = NOT_APPLICABLE if value is None else str(value)
        for item, note in notes.items():
            initial[f"note-{item}"] = note.get("text", "")
            initial[f"kind-{item}"] = note.get("kind", "")
            initial[f"questions-{item}"] = [str(q) for q in note.get("questions", [])]
            initial[f"indicators-{item}"] = note.get("indicators", [])
        return initial

    def ratings(self) -> dict[str, int | None]:
        """Item -> 1..6 or None (not applicable); items not yet answered are left out."""
        out: dict[str, int | None] = {}
        for item, _ in self.items:
            raw = self.cleaned_data.get(f"rating-{item}")
            if raw:
                out[item] = None if raw == NOT_APPLICABLE else int(raw)
        return out

    def notes(self) -> dict[str, dict[str, Any]]:
        """Item -> its evidence note; an item without note text has no note."""
        out: dict[str, dict[str, Any]] = {}
        for item, _ in self.items:
            text = (self.cleaned_data.get(f"note-{item}") or "").strip()
            if text:
                out[item] = {
                    "text": text,
                    "kind": self.cleaned_data.get(f"kind-{item}") or "",
                    "questions": sorted(int(q) for q in self.cleaned_data[f"questions-{item}"]),
                    "indicators": list(self.cleaned_data[f"indicators-{item}"]),
                }
        return out


class SampleUploadForm(forms.Form):
    sample = forms.FileField(
        label="Sample file (CSV or Excel)",
        help_text="One row per record with the columns Record id, Care group, Age band, "
        "Legal status and Area. Nothing is imported unless every row is valid.",
    )


class AssignForm(forms.Form):
    readers = forms.MultipleChoiceField(
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        label="Readers",
        help_text="Records without a reader are shared out so that everyone ends with a "
        "similar number.",
    )

    def __init__(self, *args: Any, readers: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["readers"].choices = [
            (str(u.pk), u.get_full_name() or u.get_username()) for u in readers
        ]


class SecondReadingForm(forms.Form):
    how = forms.ChoiceField(
        choices=[("share", "A random share of the records"), ("picked", "Records I pick")],
        widget=forms.RadioSelect,
        label="How to choose records for a second reading",
    )
    share = forms.IntegerField(
        min_value=1,
        max_value=100,
        required=False,
        label="Share of records to read again (%)",
        help_text="For example 10. Only records not yet chosen are drawn.",
    )
    records = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple, label="Records"
    )

    def __init__(self, *args: Any, records: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = records

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("how") == "share" and not data.get("share"):
            self.add_error("share", "Enter the share of records to read again, from 1 to 100.")
        if data.get("how") == "picked" and not data.get("records"):
            self.add_error("records", "Pick at least one record.")
        return data


class AgreedReadingForm(forms.Form):
    """The pair's agreed rating of each item, prefilled where the two readings agree."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, programme: Programme, items: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.items = items
        for item, title in items:
            self.fields[f"agreed-{item}"] = forms.ChoiceField(
                choices=[("", "Choose")] + rating_choices(programme), label=title
            )

    def ratings(self) -> dict[str, int | None]:
        return {
            item: None
            if self.cleaned_data[f"agreed-{item}"] == NOT_APPLICABLE
            else int(self.cleaned_data[f"agreed-{item}"])
            for item, _ in self.items
        }
