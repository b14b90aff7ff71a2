from django import forms


class NotificationSettingsForm(forms.Form):
    assignments = forms.BooleanField(required=False, label="Records given to me to read")
    shared_draft = forms.BooleanField(
        required=False, label="A draft report shared with me (partnership contacts)"
    )
    comments = forms.BooleanField(
        required=False, label="A new comment from the partnership on the draft report"
    )
    sign_off = forms.BooleanField(
        required=False, label="Evaluations waiting for my sign-off (quality assurers)"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
