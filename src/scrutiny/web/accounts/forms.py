from django import forms
from django.contrib.auth import password_validation


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TokenForm(forms.Form):
    token = forms.RegexField(
        regex=r"^\d{6}$",
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app.",
        error_messages={"invalid": "Enter the 6 digits shown in your authenticator app."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "ds_input--fixed-10",
            }
        ),
    )


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[\w.@+-]+\Z", max_length=150, help_text="Letters, digits and . @ + - _ only."
    )
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(
        required=False,
        label="E-mail address",
        help_text="For password reset links, and for signing in with the organisation's "
        "account. Each person needs their own.",
    )
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters, not a common password. Leave it empty to give "
        "the person a link to set their own.",
    )
    is_administrator = forms.BooleanField(
        required=False,
        label="Site administrator",
        help_text="Manages users and inspections; reads no case data unless made a member.",
    )
    is_programme_manager = forms.BooleanField(
        required=False,
        label="Programme manager",
        help_text="Reads the programme-wide overview of published inspections; no "
        "inspection's own pages or case data.",
    )

    def clean_password(self) -> str | None:
        password = self.cleaned_data["password"]
        if not password:
            return None
        password_validation.validate_password(password)
        return str(password)


class UserEditForm(forms.Form):
    # What the person's details were when the page was opened (optimistic locking).
    version = forms.CharField(widget=forms.HiddenInput, max_length=64)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(
        required=False,
        label="E-mail address",
        help_text="For password reset links, and for signing in with the organisation's account.",
    )
    is_administrator = forms.BooleanField(
        required=False,
        label="Site administrator",
        help_text="Manages users and inspections; reads no case data unless made a member.",
    )
    is_programme_manager = forms.BooleanField(
        required=False,
        label="Programme manager",
        help_text="Reads the programme-wide overview of published inspections; no "
        "inspection's own pages or case data.",
    )


class PasswordResetChoiceForm(forms.Form):
    how = forms.ChoiceField(
        label="How should the person get the link?",
        choices=[("email", "E-mail it to them"), ("show", "Show it to me once, to pass on")],
        widget=forms.RadioSelect,
    )


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label="Recovery code",
        help_text="One of the codes you saved when you set up two-factor authentication, "
        "for example abcde-fghjk. Each code works once.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
