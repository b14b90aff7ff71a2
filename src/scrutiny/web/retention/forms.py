from django import forms

from scrutiny.web.retention.models import Kind

HELP = "Months after the report is published. Leave it empty to keep it for ever."


class RetentionPolicyForm(forms.Form):
    readings = forms.IntegerField(
        label=Kind.READINGS.label, required=False, min_value=0, max_value=600, help_text=HELP
    )
    surveys = forms.IntegerField(
        label=Kind.SURVEYS.label, required=False, min_value=0, max_value=600, help_text=HELP
    )
    attachments = forms.IntegerField(
        label=Kind.ATTACHMENTS.label,
        required=False,
        min_value=0,
        max_value=600,
        help_text="The files kept with evidence notes and the documents the partnership sent. "
        + HELP,
    )
    drafts = forms.IntegerField(
        label=Kind.DRAFTS.label, required=False, min_value=0, max_value=600, help_text=HELP
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SubjectAccessForm(forms.Form):
    record = forms.CharField(
        label="Record or respondent id",
        max_length=200,
        help_text="The pseudonymous id exactly as the team used it, for example S-014.",
    )
