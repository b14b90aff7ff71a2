from django import forms


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="What is the token for?",
        help_text="For example, the name of the script or system that will use it.",
        error_messages={"required": "Enter what the token is for."},
    )
