"""A CSV or spreadsheet from anywhere else: one heading row, columns by question."""

from __future__ import annotations

from scrutiny.core.surveys.tools.base import Layout, Tool, names

TOOL = Tool(
    layout=Layout.UNKNOWN,
    title="an unrecognised tool",
    respondent=("respondent", "respondent id", "respondent_id", "response id", "id"),
    personal=names("email|email address|e-mail|name|full name|first name|last name|surname"),
)
