"""Forms for the evaluation pages. They validate input only; services decide the rest."""

from typing import Any

from django import forms

from scrutiny.core.bundle import SUMMARY_MAX
from scrutiny.core.methodology import Scale
from scrutiny.web.evidence.models import Evidence


def _scale_choices(scale: Scale) -> list[tuple[int, str]]:
    # The meaning sits beside each point, so the choice is made against its definition.
    return [
        (p.value, f"{p.label} – {p.meaning}") for p in sorted(scale.points, key=lambda p: -p.value)
    ]


class _CitingForm(forms.Form):
    value = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Rationale",
        help_text="Why this evaluation: the strengths and weaknesses the evidence shows.",
    )
    evidence = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Evidence behind it",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, scale: Scale, notes: list[Evidence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = _scale_choices(scale)
        self.fields["evidence"].choices = [
            (
                n.pk,
                f"{n.ident} ({n.get_source_display()}, {n.get_kind_display().lower()}): {n.text[:120]}",
            )
            for n in notes
        ]


class ProposalForm(_CitingForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].label = "Proposed evaluation"


class GroupEvaluationForm(_CitingForm):
    NOT_EVALUATED = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].label = "How well are this group's wellbeing needs maximised?"
        self.fields["value"].choices = [
            *self.fields["value"].choices,
            (self.NOT_EVALUATED, "Not evaluated (withdraw the evaluation)"),
        ]
        self.fields["rationale"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("value") and not (data.get("rationale") or "").strip():
            self.add_error("rationale", "Give the rationale for this evaluation.")
        return data


class JudgementForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("yes", "Yes, a concerning number"),
            ("no", "No, not a concerning number"),
            ("", "Not yet decided"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        label="The team's reason",
        help_text="What the team weighed: the survey figures, what children said in "
        "engagement, and anything else.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for the team's judgement.")
        return data


class ConcernRaiseForm(forms.Form):
    summary = forms.CharField(
        max_length=SUMMARY_MAX,
        label="Summary",
        help_text="One sentence; no child's or family's name.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, label="What was found"
    )


class ConcernEscalateForm(forms.Form):
    escalated_to = forms.CharField(
        max_length=200,
        label="Escalated to",
        help_text="By designation, for example the partnership's lead contact for concerns.",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="What was passed on")
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConcernSeriousFailingForm(forms.Form):
    serious = forms.TypedChoiceField(
        choices=[("yes", "Yes, a serious failing"), ("no", "No, not a serious failing")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Is this a serious failing in systems, processes and practice in the "
        "protection of children?",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Reason")
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConcernResolveForm(forms.Form):
    resolution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="How it was resolved"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AgreeForm(forms.Form):
    held_on = forms.DateField(
        label="Date of the evaluation meeting",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    present = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Who was present",
        help_text="One person per line, by name or designation.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_present(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["present"].splitlines() if line.strip()]


class SignOffForm(forms.Form):
    flags_accepted_because = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Why the flagged evidence is acceptable",
        help_text="Only needed when evidence is flagged as insufficient.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Why reopen")
    version = forms.IntegerField(widget=forms.HiddenInput)
