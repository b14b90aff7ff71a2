"""Qualtrics: "Download data" as CSV or Excel writes three heading rows: the question
ids (``Q1``, ``ResponseId``), the question text, and the import ids
(``{"ImportId":"QID1"}``); older exports write the first two. ``Finished`` is
``True``/``False`` (or 1/0 with numeric values) for a response never finished."""

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
    looks_like_import_ids,
    low,
    names,
)

_LABELS = names("start date|end date|response type|response id|finished|progress|recorded date")


class Qualtrics(Tool):
    def header_rows(self, rows: Sequence[Sequence[str]]) -> int:
        if len(rows) > 2 and looks_like_import_ids(rows[2]):
            return 3
        if len(rows) > 1 and looks_like_import_ids(rows[1]):
            return 2
        if len(rows) > 1 and len(_LABELS & {low(c) for c in rows[1]}) >= 2:
            return 2
        return 1

    def labels(self, rows: Sequence[Sequence[str]], header: list[str]) -> list[str]:
        if len(rows) > 1 and not looks_like_import_ids(rows[1]):
            return [rows[1][i].strip() if i < len(rows[1]) else h for i, h in enumerate(header)]
        return header

    def keys(self, column: Column) -> list[str]:
        keys = list(column.texts)
        # "What is your age? - Age (years)": a matrix or slider row after the question.
        if " - " in column.label:
            keys.append(column.label.split(" - ", 1)[0])
        return keys

    def status_reader(self, columns: Sequence[Column]) -> StatusReader | None:
        finished = find(columns, self, ("finished",))
        if finished is None:
            return None

        def status(cells: Sequence[str]) -> Status:
            value = low(cell(cells, finished))
            return Status.INCOMPLETE if value in ("false", "0", "no") else Status.COMPLETE

        return status


TOOL = Qualtrics(
    layout=Layout.QUALTRICS,
    title="Qualtrics",
    metadata=names(
        "startdate|enddate|status|ipaddress|progress|duration (in seconds)|finished",
        "recordeddate|responseid|recipientlastname|recipientfirstname|recipientemail",
        "externalreference|externaldatareference|locationlatitude|locationlongitude",
        "distributionchannel|userlanguage|q_recaptchascore|q_relevantidduplicate",
        "responseset|name|externaldatareference|emailaddress",
    ),
    signature=names("responseid|startdate|enddate|finished|recordeddate|distributionchannel"),
    respondent=("responseid",),
    personal=names(
        "ipaddress|recipientlastname|recipientfirstname|recipientemail|locationlatitude",
        "locationlongitude|externalreference|emailaddress|name",
    ),
)
