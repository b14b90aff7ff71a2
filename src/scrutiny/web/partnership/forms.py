from django import forms

from scrutiny.web.inspections.forms import DateInput
from scrutiny.web.partnership.models import Action


class SendForm(forms.Form):
    kind = forms.ChoiceField(label="What are you sending?", widget=forms.RadioSelect)
    title = forms.CharField(
        max_length=200,
        label="Title",
        help_text="As the team should know it, for example “Chief officers' group minutes, March”.",
        error_messages={"required": "Enter a title for the document."},
    )
    # Last, so every other field is parsed before an oversize file stops the upload.
    file = forms.FileField(
        label="The file",
        help_text="A PDF, a Word document (.docx) or an image (PNG, JPEG, GIF).",
        error_messages={"required": "Choose the file to send."},
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.fields["kind"].error_messages["required"] = "Choose what you are sending."


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            ("accept", "Accept it into evidence"),
            ("return", "Return it to the partnership"),
        ],
        error_messages={"required": "Choose whether to accept or return the document."},
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="What it tells the team (when accepting)",
        help_text="Added to the evidence note after its title.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Why it is returned (when returning)",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CoordinatorForm(forms.Form):
    email = forms.EmailField(
        label="Their e-mail address",
        help_text="The address they sign in to Scrutiny with.",
        error_messages={
            "required": "Enter the co-ordinator's e-mail address.",
            "invalid": "Enter an e-mail address like name@example.org.",
        },
    )


class PairingForm(forms.Form):
    reader = forms.TypedChoiceField(coerce=int, label="Partnership reader")
    inspector = forms.TypedChoiceField(coerce=int, label="Reads with inspector")

    def __init__(self, *args, readers, inspectors, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["reader"].choices = readers
        self.fields["inspector"].choices = inspectors


class ActionForm(forms.Form):
    statement = forms.TypedChoiceField(
        coerce=int,
        label="Priority area for improvement",
        error_messages={"required": "Choose the priority area the action answers."},
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="The action",
        help_text="Specific and measurable: what will be done, and how you will know.",
        error_messages={"required": "Describe the action."},
    )
    owner = forms.CharField(
        max_length=200,
        label="Owner",
        help_text="The post responsible, for example “Chief social work officer”.",
        error_messages={"required": "Enter who owns the action."},
    )
    due = forms.DateField(
        widget=DateInput,
        label="Due by",
        error_messages={
            "required": "Enter the date the action is due by.",
            "invalid": "Enter the due date as a real date.",
        },
    )
    status = forms.ChoiceField(choices=Action.Status.choices, label="Status")

    def __init__(self, *args, areas, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["statement"].choices = [("", "Choose an area"), *areas]


class SubmitPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your review",
        widget=forms.RadioSelect,
        choices=[("accept", "Accept the action plan"), ("return", "Return it with comments")],
        error_messages={"required": "Choose whether to accept or return the plan."},
    )
    comments = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Comments for the partnership",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class LinkInspectorForm(forms.Form):
    user = forms.TypedChoiceField(coerce=int, label="Link inspector")

    def __init__(self, *args, inspectors, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = inspectors


class ProgressReviewForm(forms.Form):
    start = forms.DateField(
        widget=DateInput,
        label="Start of the progress review",
        error_messages={"required": "Enter the date the progress review starts."},
    )
