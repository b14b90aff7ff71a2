from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from scrutiny.core.bundle import TEXT_MAX
from scrutiny.core.methodology import Programme
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.evidence.selectors import (
    NO_CARE_GROUP,
    SEARCH_LENGTH_MAX,
    SEARCH_WORDS_MAX,
    EvidenceFilters,
    indicator_label,
)
from scrutiny.web.evidence.services import ACCEPTED
from scrutiny.web.evidence.uploads import FILES_PER_SAVE
from scrutiny.web.inspections.forms import DateInput


def question_choices(programme: Programme) -> list[tuple[str, str]]:
    return [(str(q.number), f"{q.number}. {q.short}") for q in programme.questions]


def indicator_choices(programme: Programme) -> list[tuple[str, str]]:
    return [(i.id, indicator_label(programme, i.id)) for i in programme.indicators]


def care_group_choices(programme: Programme) -> list[tuple[str, str]]:
    return [(g.id, g.label) for g in programme.care_groups]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service from its content."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > FILES_PER_SAVE:
            raise forms.ValidationError(f"Attach at most {FILES_PER_SAVE} files at a time")
        cleaned = []
        for f in files:
            try:
                cleaned.append(super().clean(f, initial))
            except forms.ValidationError as exc:
                # Name the file: with several chosen, "the file is empty" says too little.
                name = getattr(f, "name", "") or "A file"
                raise forms.ValidationError(
                    [f"{name}: {m[0].lower()}{m[1:]}" for m in exc.messages]
                ) from exc
        return cleaned


def _mb(n: int) -> str:
    return f"{n // (1024 * 1024)} MB"


class EvidenceNoteForm(forms.Form):
    """Quick capture and edit of a note: the same fields, in the order they are written.

    The attachments input comes last: an upload stopped for its size leaves every field
    before it parsed, so the person's entries are kept.
    """

    source = forms.ChoiceField(choices=Evidence.Source.choices, label="Source")
    source_label = forms.CharField(
        max_length=200,
        required=False,
        label="Which one (optional)",
        help_text="For example: focus group with foster carers, or the child protection "
        "committee's minutes. No names of children or families.",
    )
    date = forms.DateField(
        widget=DateInput, required=False, label="Date", help_text="When it took place."
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_MAX,
        label="Evidence",
        help_text="What you saw, heard or read. Record staff by their role; never name a "
        "child or family.",
    )
    kind = forms.ChoiceField(choices=Evidence.Kind.choices, widget=forms.RadioSelect, label="Kind")
    care_group = forms.ChoiceField(
        choices=[], required=False, label="Care group (if the note is about one)"
    )
    questions = forms.TypedMultipleChoiceField(
        choices=[],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Inspection questions",
    )
    indicators = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Quality indicators",
    )
    attachments = MultipleFileField(required=False, label="Attach files (optional)")

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["care_group"].choices = [
            ("", "Not about one care group"),
            *care_group_choices(programme),
        ]
        self.fields["questions"].choices = question_choices(programme)
        self.fields["indicators"].choices = indicator_choices(programme)
        self.fields["attachments"].help_text = (
            f"{ACCEPTED}, up to {_mb(settings.ATTACHMENT_MAX_BYTES)} each and "
            f"{FILES_PER_SAVE} at a time. The type is recognised from the file's content."
        )


class EvidenceEditForm(EvidenceNoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class EvidenceFilterForm(forms.Form):
    """Search and filters for the evidence list; a GET form that works without JavaScript."""

    q = forms.CharField(
        required=False,
        max_length=SEARCH_LENGTH_MAX,
        label="Search evidence",
        help_text="Words in the note, its source or an attached file's name; or a note id. "
        f"Up to {SEARCH_WORDS_MAX} words.",
        error_messages={
            "max_length": f"Search for at most {SEARCH_LENGTH_MAX} characters "
            "(this search has %(show_value)d). Use fewer or shorter words."
        },
    )
    question = forms.TypedChoiceField(
        choices=[], coerce=int, empty_value=None, required=False, label="Inspection question"
    )
    indicator = forms.ChoiceField(choices=[], required=False, label="Quality indicator")
    source = forms.ChoiceField(choices=[], required=False, label="Source")
    kind = forms.ChoiceField(choices=[], required=False, label="Kind")
    care_group = forms.ChoiceField(choices=[], required=False, label="Care group")

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "All questions"), *question_choices(programme)]
        self.fields["indicator"].choices = [("", "All indicators"), *indicator_choices(programme)]
        self.fields["source"].choices = [("", "All sources"), *Evidence.Source.choices]
        self.fields["kind"].choices = [("", "All kinds"), *Evidence.Kind.choices]
        self.fields["care_group"].choices = [
            ("", "All notes"),
            (NO_CARE_GROUP, "Not about one care group"),
            *care_group_choices(programme),
        ]

    def clean_q(self) -> str:
        text: str = self.cleaned_data["q"]
        words = len(text.split())
        if words > SEARCH_WORDS_MAX:
            raise forms.ValidationError(
                f"Search for at most {SEARCH_WORDS_MAX} words (this search has {words}). "
                "Notes are found when they contain every word, so a few telling words "
                "find them best."
            )
        return text

    def filters(self) -> EvidenceFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return EvidenceFilters(
            text=(data.get("q") or "").strip(),
            question=data.get("question"),
            indicator=data.get("indicator") or None,
            source=data.get("source") or None,
            kind=data.get("kind") or None,
            care_group=data.get("care_group") or None,
        )


class BulkTagForm(forms.Form):
    """Add tags to the notes ticked in the list (their checkboxes are in the table).

    Prefixed, so its fields' names and ids differ from the filter form's on the same page.
    """

    prefix = "bulk"

    notes = forms.TypedMultipleChoiceField(
        choices=[], coerce=int, label="Notes", error_messages={"required": "Tick the notes to tag"}
    )
    questions = forms.TypedMultipleChoiceField(
        choices=[],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Add inspection questions",
    )
    indicators = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Add quality indicators",
    )
    kind = forms.ChoiceField(choices=[], required=False, label="Set the kind")
    # The list's search and filters, to return to after tagging.
    back = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, programme: Programme, notes: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notes"].choices = notes
        self.fields["questions"].choices = question_choices(programme)
        self.fields["indicators"].choices = indicator_choices(programme)
        self.fields["kind"].choices = [("", "Leave the kind as it is"), *Evidence.Kind.choices]
