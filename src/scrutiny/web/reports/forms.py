"""Forms for the report pages. They validate input only; services decide the rest."""

import re
from typing import Any

from django import forms

from scrutiny.core.bundle import TEXT_MAX, strip_control_characters
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
        # Control characters (pasted from other programs) are dropped: a report cannot hold them.
        text = " ".join(strip_control_characters(self.cleaned_data["text"]).split())
        if not text:
            raise forms.ValidationError("Write the statement.")
        return text

    def clean_plain(self) -> str | None:
        plain = " ".join(strip_control_characters(self.cleaned_data.get("plain") or "").split())
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


def _rows(raw: str, names: tuple[str, ...], limits: tuple[int, ...]) -> list[list[str]]:
    """Lines of `|`-separated parts; every bad line named, with what it lacks."""
    rows, problems = [], []
    for n, line in enumerate(strip_control_characters(raw).splitlines(), start=1):
        if not line.strip():
            continue
        parts = [" ".join(p.split()) for p in line.split("|")]
        if len(parts) != len(names) or not all(parts):
            problems.append(
                f"Line {n}: give {len(names)} parts separated by |: {', '.join(names)} "
                f"(got “{line.strip()[:80]}”)."
            )
            continue
        long = [
            f"{name} (at most {limit} characters)"
            for name, part, limit in zip(names, parts, limits, strict=True)
            if len(part) > limit
        ]
        if long:
            problems.append(f"Line {n}: too long: {', '.join(long)}.")
            continue
        rows.append(parts)
    if problems:
        raise forms.ValidationError(problems)
    return rows


class ReportDetailsForm(forms.Form):
    """The report's parts beside its statements: the cover's month of publication, the
    key facts, the inspection team, and the intention about a progress review."""

    publication_date = forms.DateField(
        required=False,
        label="Date of publication",
        help_text="The cover prints its month and year. For example, 18/2/2020.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter a date like 18/2/2020."},
    )
    key_facts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        label="Key facts about the area",
        help_text="One figure a line: figure | value | source | date. For example: "
        "Children on the child protection register | 21 | Scottish Government, children's "
        "social work statistics | 31 July 2018",
    )
    team = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label="The inspection team",
        help_text="One line for each role and body: role | body | number. For example: "
        "Young inspection volunteer | Care Inspectorate | 2. Name no one.",
    )
    progress_review_intention = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Progress review: the team's intention",
        help_text="Needed when an evaluation is weak or unsatisfactory. For example: We will "
        "carry out a progress review of the partnership's work on the priority areas.",
    )
    progress_review_timescale = forms.CharField(
        required=False,
        max_length=200,
        label="Progress review: when",
        help_text="For example: within twelve months of the publication of this report.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_key_facts(self) -> list[list[str]]:
        return _rows(
            self.cleaned_data.get("key_facts") or "",
            ("figure", "value", "source", "date"),
            (200, 100, 300, 100),
        )

    def clean_team(self) -> list[tuple[str, str, int]]:
        rows = _rows(
            self.cleaned_data.get("team") or "", ("role", "body", "number"), (100, 200, 10)
        )
        out, problems = [], []
        for role, body, number in rows:
            if not number.isdigit() or not 1 <= int(number) <= 200:
                problems.append(f"{role}, {body}: the number must be a whole number from 1 to 200.")
            else:
                out.append((role, body, int(number)))
        if problems:
            raise forms.ValidationError(problems)
        return out

    def clean_progress_review_intention(self) -> str:
        raw = self.cleaned_data.get("progress_review_intention") or ""
        return " ".join(strip_control_characters(raw).split())

    def clean_progress_review_timescale(self) -> str:
        raw = self.cleaned_data.get("progress_review_timescale") or ""
        return " ".join(strip_control_characters(raw).split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        intention = data.get("progress_review_intention")
        timescale = data.get("progress_review_timescale")
        if intention and not timescale:
            self.add_error("progress_review_timescale", "Say when the progress review will be.")
        if timescale and not intention:
            self.add_error("progress_review_intention", "Say what the team intends.")
        return data


def details_text(rows: list[tuple[str, ...]] | list[list[str]]) -> str:
    """Rows as the form's text area shows them."""
    return "\n".join(" | ".join(str(part) for part in row) for row in rows)
