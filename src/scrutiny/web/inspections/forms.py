from django import forms

from scrutiny.core.bundle import REFERENCE_MAX, REFERENCE_RULE, reference_problem
from scrutiny.core.methodology import available_programmes, load_programme
from scrutiny.web.inspections.models import Role


class DateInput(forms.DateInput):
    """A native date picker; it needs ISO dates whatever the locale's format."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class InspectionCreateForm(forms.Form):
    reference = forms.CharField(
        max_length=REFERENCE_MAX, help_text=f"{REFERENCE_RULE[0].upper()}{REFERENCE_RULE[1:]}."
    )
    partnership = forms.CharField(max_length=200, label="Community planning partnership")
    programme = forms.ChoiceField(
        choices=[],
        help_text="It sets the quality indicators, the reading tool and the timetable.",
    )
    start = forms.DateField(
        widget=DateInput,
        label="Start date",
        help_text="The notification date: the timetable's week 1 counts from it.",
    )
    end = forms.DateField(widget=DateInput, label="End date", required=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Shown by its title: the file's id is an internal name.
        self.fields["programme"].choices = [
            (p, load_programme(p).short_title) for p in available_programmes()
        ]

    def clean_reference(self) -> str:
        # It becomes part of file names and links: the bundle's own rule (core.bundle).
        reference: str = self.cleaned_data["reference"]
        problem = reference_problem(reference)
        if problem:
            raise forms.ValidationError(f"The reference may have {problem}.")
        return reference


class InspectionEditForm(forms.Form):
    partnership = forms.CharField(max_length=200, label="Community planning partnership")
    # The plan keeps its own notification date once created (ADR 0018): say so, or a lead
    # moving this date expects the timetable to follow.
    start = forms.DateField(
        widget=DateInput,
        label="Start date",
        help_text="The timetable does not move with it: move the notification date on the "
        "Timetable page.",
    )
    end = forms.DateField(widget=DateInput, label="End date", required=False)
    # The version the editor started from (optimistic locking).
    version = forms.IntegerField(widget=forms.HiddenInput)


# No role is chosen for the person adding a member: a slip would make someone lead.
ROLE_CHOICES = [("", "Choose a role"), *Role.choices]


class MembershipAddForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        label="Username",
        error_messages={"required": "Enter the username of the person to add."},
    )
    role = forms.ChoiceField(
        choices=ROLE_CHOICES,
        label="Role in this inspection",
        error_messages={"required": "Choose the person's role in this inspection."},
    )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=Role.choices,
        widget=forms.RadioSelect,
        label="Role in this inspection",
        error_messages={"required": "Choose the person's new role."},
    )


class BundleImportForm(forms.Form):
    bundle = forms.FileField(
        label="Inspection bundle (JSON)",
        help_text="A file in the scrutiny.inspection/1 format. Nothing is imported unless "
        "the whole file is valid.",
    )
