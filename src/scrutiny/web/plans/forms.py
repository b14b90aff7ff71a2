from django import forms

from scrutiny.web.inspections.forms import DateInput


class NotificationForm(forms.Form):
    notification_date = forms.DateField(
        widget=DateInput,
        label="Notification date",
        help_text="Week 1 of the timetable. Every date the team has not set itself moves with it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class StageForm(forms.Form):
    start = forms.DateField(
        widget=DateInput,
        required=False,
        label="Date",
        help_text="Leave empty to use the date the programme's timetable gives.",
    )
    end = forms.DateField(widget=DateInput, required=False, label="End date")
    done_on = forms.DateField(
        widget=DateInput,
        required=False,
        label="Date it was done",
        help_text="The date it happened, once it has.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, milestone: bool, signal: bool, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if milestone:
            del self.fields["end"]
        else:
            self.fields["start"].label = "Start date"
        if signal:
            # Done when the work shows it: nobody records it by hand.
            del self.fields["done_on"]
