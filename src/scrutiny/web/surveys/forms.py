from typing import Any

from django import forms

from scrutiny.core.methodology import Survey
from scrutiny.core.survey_import import (
    CARE_GROUPS,
    Column,
    ColumnMapping,
    Completeness,
    Inclusion,
    ValueMapping,
)

NO_ANSWER = "__none__"
NOT_IN_FILE = ""


class SurveyUploadForm(forms.Form):
    # Empty files reach the importer, whose refusal says what to upload instead.
    export = forms.FileField(
        allow_empty_file=True,
        label="Survey export (CSV, Excel .xlsx or OpenDocument .ods)",
        help_text="The export from LimeSurvey, KoboToolbox, ODK Central, Qualtrics, "
        "SurveyMonkey, Microsoft Forms or another tool: one row per respondent, one column "
        "per question.",
    )


class ColumnMappingForm(forms.Form):
    """Which column of the file holds each question, the respondent id and the care group."""

    def __init__(self, *args: Any, survey: Survey, columns: list[Column], **kwargs: Any):
        super().__init__(*args, **kwargs)
        # By the column's name (a repeated header carries its letter), shown with the
        # question text a later heading row gives it.
        choices = [
            (c.name, c.name if c.label == c.header else f"{c.name}: {c.label}")
            for c in columns
            if c.header
        ]
        options = [(NOT_IN_FILE, "Not in this file"), *choices]
        self.survey = survey
        self.fields["respondent"] = forms.ChoiceField(
            choices=[(NOT_IN_FILE, "None: number respondents by row"), *choices],
            required=False,
            label="Respondent id",
            help_text="A pseudonymous id such as the tool's response id. Never a name or email.",
        )
        self.fields["care_group"] = forms.ChoiceField(
            choices=options, required=False, label="Care group"
        )
        for item in survey.items:
            self.fields[f"item-{item.id}"] = forms.ChoiceField(
                choices=options, required=False, label=item.text
            )

    @staticmethod
    def initial_from(mapping: ColumnMapping) -> dict[str, str]:
        initial = {f"item-{item}": column for column, item in mapping.items.items()}
        initial["respondent"] = mapping.respondent or NOT_IN_FILE
        initial["care_group"] = mapping.care_group or NOT_IN_FILE
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[str, str] = {}
        for name in ["respondent", "care_group", *(f"item-{i.id}" for i in self.survey.items)]:
            column = data.get(name)
            if not column:
                continue
            if column in used:
                self.add_error(name, f"The column '{column}' is already chosen above.")
            used[column] = name
        if not any(data.get(f"item-{i.id}") for i in self.survey.items):
            raise forms.ValidationError("Choose the column of at least one question.")
        return data

    def mapping(self) -> ColumnMapping:
        data = self.cleaned_data
        return ColumnMapping(
            items={data[f"item-{i.id}"]: i.id for i in self.survey.items if data[f"item-{i.id}"]},
            respondent=data["respondent"] or None,
            care_group=data["care_group"] or None,
        )


class ValueMappingForm(forms.Form):
    """One choice per answer in the file that matched no option automatically."""

    def __init__(
        self,
        *args: Any,
        survey: Survey,
        unmapped: dict[str, dict[str, int]],
        care_labels: dict[str, str],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.targets: list[tuple[str, str, str]] = []  # (field name, item id, raw value)
        items = {i.id: i for i in survey.items}
        n = 0
        for item_id, raws in unmapped.items():
            if item_id == "care_group":
                choices = [(g, care_labels.get(g, g)) for g in CARE_GROUPS]
                choices += [(NO_ANSWER, "Not care experienced")]
                label = "Care group"
            else:
                item = items[item_id]
                choices = [(o, o.capitalize()) for o in item.options]
                choices += [(NO_ANSWER, "Treat as no answer")]
                label = item.text
            for raw, count in sorted(raws.items(), key=lambda rc: -rc[1]):
                n += 1
                name = f"value-{n}"
                self.targets.append((name, item_id, raw))
                self.fields[name] = forms.ChoiceField(
                    choices=[("", "Choose")] + choices,
                    label=f"{label}: “{raw}” ({count} row{'s' if count != 1 else ''})",
                )

    def mapping(self) -> ValueMapping:
        answers: dict[str, dict[str, str | None]] = {}
        care: dict[str, str | None] = {}
        for name, item_id, raw in self.targets:
            value = self.cleaned_data[name]
            chosen = None if value == NO_ANSWER else value
            if item_id == "care_group":
                care[raw] = chosen
            else:
                answers.setdefault(item_id, {})[raw] = chosen
        return ValueMapping(answers=answers, care_groups=care)


class InclusionForm(forms.Form):
    """The team's decision to count responses the survey tool does not mark complete."""

    incomplete = forms.BooleanField(required=False)
    rejected = forms.BooleanField(required=False)
    on_hold = forms.BooleanField(required=False)
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why the team decided to count them",
        help_text="Recorded with the survey, with your name and the date, and shown beside "
        "its figures.",
        max_length=2000,
    )

    def __init__(self, *args: Any, completeness: Completeness, **kwargs: Any):
        super().__init__(*args, **kwargs)
        c = completeness
        offered = {
            "incomplete": (c.incomplete, "not finished (the tool marks them incomplete)"),
            "rejected": (c.rejected, "rejected by a reviewer in the tool"),
            "on_hold": (c.on_hold, "put on hold or marked as having issues in the tool"),
        }
        for name, (n, what) in offered.items():
            if not n:
                del self.fields[name]
                continue
            empty = c.by_status_empty.get(name, 0)
            counted = n - empty
            self.fields[name].label = (
                f"Also count the {n} response{'s' if n != 1 else ''} {what}"
                + (f" ({empty} of them answer nothing and are never counted)" if empty else "")
                + f": {counted} more return{'s' if counted != 1 else ''}"
            )
        if not any(k in self.fields for k in offered):
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.inclusion().any and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the team decided to count these responses.")
        return data

    def inclusion(self) -> Inclusion:
        data = getattr(self, "cleaned_data", {}) or {}
        return Inclusion(
            incomplete=bool(data.get("incomplete")),
            rejected=bool(data.get("rejected")),
            on_hold=bool(data.get("on_hold")),
        )
