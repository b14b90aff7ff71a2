"""Forms for the report pages. They validate input only; services decide the rest."""

import re
from typing import Any

from django import forms

from scrutiny.core.bundle import TEXT_MAX
from scrutiny.web.evidence.models import Evidence

_IDENTS = re.compile(r"[\s,;]+")


class StatementForm(forms.Form):
    """A statement's wording and the evidence it cites.

    `evidence` offers the notes tagged to the statement's question; `other_evidence`
    takes the ids of any other notes of the inspection (the view looks them up and
    names any it cannot find).
    """

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
        label="Statement",
        help_text="The sentence as the report prints it.",
        error_messages={"required": "Write the statement."},
    )
    plain = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        required=False,
        label="Plain wording for children and young people",
        help_text="The young people's version prints this instead of the statement. "
        "Short words and sentences; no jargon.",
    )
    evidence = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Evidence the statement rests on",
    )
    other_evidence = forms.CharField(
        required=False,
        label="Other evidence notes, by their ids",
        help_text="Any note of the inspection, for example E-012, E-031.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, notes: list[Evidence], asks_plain_wording: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [
            (n.pk, f"{n.ident} ({n.get_source_display().lower()}): {n.text}") for n in notes
        ]
        if not asks_plain_wording:
            # Only key messages have plain wording; other statements keep what they have.
            del self.fields["plain"]

    def clean_text(self) -> str:
        text = " ".join(self.cleaned_data["text"].split())
        if not text:
            raise forms.ValidationError("Write the statement.")
        return text

    def clean_plain(self) -> str | None:
        plain = " ".join((self.cleaned_data.get("plain") or "").split())
        return plain or None

    def clean_other_evidence(self) -> list[str]:
        raw = self.cleaned_data.get("other_evidence") or ""
        return [ident for ident in _IDENTS.split(raw.strip()) if ident]


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class VersionForm(forms.Form):
    """A confirmation that carries the version the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(VersionForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why the report goes back to draft",
        error_messages={"required": "Say why the report goes back to draft."},
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Your comment on this statement",
        error_messages={"required": "Write your comment."},
        help_text="Say what is not accurate and what is correct. Do not name any child, "
        "young person or family.",
    )


class ResolveForm(VersionForm):
    resolution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="How the team resolved the comment",
        error_messages={"required": "Say how the comment was resolved."},
        help_text="For example, what was changed in the statement, or why it stands. "
        "The partnership contact sees this.",
    )


class TemplateUploadForm(forms.Form):
    template = forms.FileField(
        label="Word template (.docx)",
        help_text="A Word document with the organisation's styles, cover page, header and "
        "footer. {{title}}, {{partnership}}, {{reference}}, {{version}} and {{status}} in "
        "it are filled in; the report follows the cover page.",
    )
