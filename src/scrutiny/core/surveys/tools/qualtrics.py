"""Qualtrics: "Download data" as CSV or Excel writes three heading rows: the question
ids (``Q1``, ``ResponseId``), the question text, and the import ids
(``{"ImportId":"QID1"}``); older exports write the first two. ``Finished`` is
``True``/``False`` (or 1/0 with numeric values) for a response never finished;
``Status`` (the response type) and ``DistributionChannel`` mark the survey's previews and
test runs, which are nobody's answers.

The legacy export (Qualtrics' older format) names its own fields ``V1`` ... ``V10`` in the first
row and ``ResponseID``, ``StartDate``, ``Finished`` in the second, under which the
questions' text stands: those fields are named by the second row."""

from __future__ import annotations

import re
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
    unique_columns,
)

_LABELS = names("start date|end date|response type|response id|finished|progress|recorded date")
_LEGACY_FIELD = re.compile(r"^V\d+$")
_LEGACY_LABELS = names("responseid|responseset|startdate|enddate|finished|status|ipaddress")


def _legacy(rows: Sequence[Sequence[str]]) -> bool:
    """The legacy layout: V1, V2, ... over ResponseID, ResponseSet, ... ."""
    if len(rows) < 2 or not rows[0] or not _LEGACY_FIELD.match(rows[0][0].strip()):
        return False
    return len(_LEGACY_LABELS & {low(c) for c in rows[1]}) >= 3


class Qualtrics(Tool):
    def score(self, rows: Sequence[Sequence[str]]) -> float:
        if _legacy(rows):
            return super().score([rows[1]])
        return super().score(rows)

    def columns(self, rows: Sequence[Sequence[str]], count: int) -> list[Column]:
        if not _legacy(rows):
            return super().columns(rows, count)
        header = [h.strip() for h in rows[0]]
        second = [c.strip() for c in rows[1]] + [""] * max(0, len(header) - len(rows[1]))
        # V1..V10 are the tool's own fields: named by the second row, as later exports do.
        named = [
            second[i] if _LEGACY_FIELD.match(h) and second[i] else h for i, h in enumerate(header)
        ]
        return unique_columns(named, second[: len(header)])

    def header_rows(self, rows: Sequence[Sequence[str]]) -> int:
        if _legacy(rows):
            return 2
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
        kind = find(columns, self, ("status",))
        channel = find(columns, self, ("distributionchannel",))
        if finished is None and kind is None and channel is None:
            return None

        def status(cells: Sequence[str]) -> Status:
            # The survey's own previews and test runs, and what Qualtrics flagged as spam,
            # are nobody's answers: never returns, as a rejected response is not.
            if kind is not None and low(cell(cells, kind)) in _NOT_A_RESPONSE:
                return Status.REJECTED
            if channel is not None and low(cell(cells, channel)) in ("preview", "test"):
                return Status.REJECTED
            if finished is not None and low(cell(cells, finished)) in ("false", "0", "no"):
                return Status.INCOMPLETE
            return Status.COMPLETE

        return status


# Qualtrics' "Response Type" (the Status field), as text or as its numeric code:
# Survey Preview (1), Survey Test (2), Spam (8), Preview Spam (9), Imported Spam (12),
# Offline Survey Preview (17). IP Address (0), Imported (4) and Offline (16) are real.
_NOT_A_RESPONSE = frozenset(
    {"survey preview", "survey test", "spam", "preview spam", "imported spam"}
    | {"offline survey preview", "1", "2", "8", "9", "12", "17"}
)


TOOL = Qualtrics(
    layout=Layout.QUALTRICS,
    title="Qualtrics",
    metadata=names(
        "startdate|enddate|status|ipaddress|progress|duration (in seconds)|finished",
        "recordeddate|responseid|recipientlastname|recipientfirstname|recipientemail",
        "externalreference|externaldatareference|locationlatitude|locationlongitude",
        "distributionchannel|userlanguage|q_recaptchascore|q_relevantidduplicate",
        "responseset|name|externaldatareference|emailaddress|locationaccuracy",
    ),
    signature=names("responseid|startdate|enddate|finished|recordeddate|distributionchannel"),
    respondent=("responseid",),
    personal=names(
        "ipaddress|recipientlastname|recipientfirstname|recipientemail|locationlatitude",
        "locationlongitude|externalreference|externaldatareference|emailaddress|name",
    ),
)
