"""Microsoft Forms: "Open results in Excel" (XLSX) or CSV. ``Id``, times, then ``Email``
and ``Name`` (filled when the form records who answered): personal data, proposed to
be left out and never taken as the respondent. Quizzes add points and feedback."""

from __future__ import annotations

from scrutiny.core.surveys.tools.base import Layout, Tool, names

TOOL = Tool(
    layout=Layout.MICROSOFT_FORMS,
    title="Microsoft Forms",
    metadata=names(
        "id|start time|completion time|email|name|last modified time|total points",
        "quiz feedback|grade posted time",
    ),
    signature=names("start time|completion time|email|name"),
    respondent=("id",),
    personal=names("email|name"),
    ignored_prefixes=("points - ", "feedback - "),
)
