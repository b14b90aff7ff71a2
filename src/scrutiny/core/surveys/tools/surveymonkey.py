"""SurveyMonkey: "All responses data" as CSV or XLSX writes two heading rows: the
question (once, over all its choice columns) and under it "Response",
"Open-Ended Response" or each choice. A "Contact information" question writes one
column per field (Name, Email Address, Phone Number, ...): personal data, proposed to
be left out like the collector's own Email Address and names."""

from __future__ import annotations

from collections.abc import Sequence

from scrutiny.core.surveys.tools.base import Column, Layout, Tool, low, names

_PLAIN = names("response|open-ended response|")
# The fields of SurveyMonkey's "Contact information" question, as their second-row
# labels read (the survey's author may shorten them: "Email").
_CONTACT = names(
    "name|full name|first name|last name|email|email address|e-mail|phone|phone number",
    "address|address 2|street address|zip/postal code|postcode|date of birth",
)


class SurveyMonkey(Tool):
    def header_rows(self, rows: Sequence[Sequence[str]]) -> int:
        if len(rows) > 1 and any(low(c) in ("response", "open-ended response") for c in rows[1]):
            return 2
        return 1

    def columns(self, rows: Sequence[Sequence[str]], count: int):  # type: ignore[no-untyped-def]
        from scrutiny.core.surveys.tools.base import unique_columns

        first = [h.strip() for h in rows[0]]
        if count < 2:
            return unique_columns(first, first)
        second = [c.strip() for c in rows[1]] + [""] * max(0, len(first) - len(rows[1]))
        header: list[str] = []
        question = ""
        for i, h in enumerate(first):
            question = h or question
            sub = second[i] if i < len(second) else ""
            if h and low(sub) in _PLAIN:
                header.append(h)
            elif low(sub) in _PLAIN:
                header.append(question)
            else:
                header.append(f"{question} - {sub}" if question else sub)
        return unique_columns(header, header)

    def is_personal(self, column: Column) -> bool:
        if super().is_personal(column):
            return True
        # "Contact information - Email": a contact field under its question.
        return " - " in column.header and low(column.header.rsplit(" - ", 1)[1]) in _CONTACT


TOOL = SurveyMonkey(
    layout=Layout.SURVEYMONKEY,
    title="SurveyMonkey",
    metadata=names(
        "respondent id|collector id|start date|end date|ip address|email address",
        "first name|last name|custom data 1|custom data",
    ),
    signature=names("respondent id|collector id|start date|end date|custom data 1"),
    respondent=("respondent id",),
    personal=names("ip address|email address|first name|last name|custom data 1"),
)
