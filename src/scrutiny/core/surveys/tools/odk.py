"""ODK Central: "Download all submissions" (CSV), group paths joined with '-'
(``views-feel_safe``), and the review state a project manager sets: rejected, or
hasIssues (held for a question)."""

from __future__ import annotations

from collections.abc import Sequence

from scrutiny.core.surveys.tools.base import (
    Column,
    Layout,
    Status,
    StatusReader,
    Tool,
    cell,
    find,
    low,
    names,
)


class OdkCentral(Tool):
    def status_reader(self, columns: Sequence[Column]) -> StatusReader | None:
        review = find(columns, self, ("reviewstate",))
        if review is None:
            return None

        def status(cells: Sequence[str]) -> Status:
            value = low(cell(cells, review))
            if value == "rejected":
                return Status.REJECTED
            if value == "hasissues":
                return Status.ON_HOLD
            return Status.COMPLETE

        return status


TOOL = OdkCentral(
    layout=Layout.ODK,
    title="ODK Central",
    metadata=names(
        "submissiondate|meta-instanceid|meta-instancename|key|submitterid|submittername",
        "attachmentspresent|attachmentsexpected|status|reviewstate|deviceid|edits|formversion",
        "start|end|today|username|phonenumber|audit|meta-audit|meta-entity",
    ),
    signature=names(
        "submissiondate|meta-instanceid|key|submitterid|reviewstate|attachmentspresent"
    ),
    respondent=("key", "meta-instanceid"),
    personal=names("submittername|submitterid|deviceid|username|phonenumber"),
    group_separator="-",
)
