"""LimeSurvey: "Export results" as CSV, Excel or the R data file.

Headings come as question codes (``id``, ``submitdate``, ``Ag2[SQ002]``), as full text
(``Response ID``, ``Date submitted``), or as "code. text" (``id. Response ID``,
``submitdate. Date submitted``). A response without a submit date was never finished.
Some exports carry a second heading row with the full text under the codes.

Full-text headings come in the language of the export: the response table's own
fields are named here in English, German and French, as LimeSurvey's exports write
them (``Antwort ID``, ``Datum Abgeschickt``, ``Letzte Seite``; version 2 wrote
``Abgeschlossen`` for the submit date; ``ID de la réponse``, ``Date de soumission``).
"""

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
    low,
    names,
)

_CODE_TEXT = re.compile(r"^\s*([A-Za-z][\w\[\]#]*)\.\s+(.+)$", re.S)
# Full-text headings of the response table's own fields, by code.
_FULL = {
    "id": "response id",
    "submitdate": "date submitted",
    "lastpage": "last page",
    "startlanguage": "start language",
    "startdate": "date started",
    "datestamp": "date last action",
    "ipaddr": "ip address",
    "refurl": "referrer url",
    "seed": "seed",
    "token": "token",
}
_SUBMITTED = (
    "submitdate",
    "date submitted",
    "datum abgeschickt",
    "abgeschlossen",
    "date de soumission",
)


class LimeSurvey(Tool):
    def column_key(self, header: str) -> str:
        match = _CODE_TEXT.match(header)
        return low(match.group(1)) if match else low(header)

    def header_rows(self, rows: Sequence[Sequence[str]]) -> int:
        # A second heading row repeats the fields' full text under their codes.
        if len(rows) > 1:
            first = [self.column_key(h) for h in rows[0]]
            second = [low(h) for h in rows[1]]
            pairs = [(a, b) for a, b in zip(first, second, strict=False) if a in _FULL]
            if pairs and sum(1 for a, b in pairs if _FULL[a] == b) >= max(2, len(pairs) // 2):
                return 2
        return 1

    def labels(self, rows: Sequence[Sequence[str]], header: list[str]) -> list[str]:
        if len(rows) > 1:
            return [rows[1][i].strip() if i < len(rows[1]) else h for i, h in enumerate(header)]
        labels = []
        for h in header:
            match = _CODE_TEXT.match(h)
            labels.append(match.group(2).strip() if match else h)
        return labels

    def keys(self, column: Column) -> list[str]:
        keys = list(column.texts)
        match = _CODE_TEXT.match(column.header)
        if match:
            keys += [match.group(1), match.group(2)]
        return keys

    def status_reader(self, columns: Sequence[Column]) -> StatusReader | None:
        submitted = find(columns, self, _SUBMITTED)
        if submitted is None:
            return None

        def status(cells: Sequence[str]) -> Status:
            return Status.COMPLETE if cell(cells, submitted) else Status.INCOMPLETE

        return status


TOOL = LimeSurvey(
    layout=Layout.LIMESURVEY,
    title="LimeSurvey",
    metadata=names(
        "id|submitdate|lastpage|startlanguage|seed|startdate|datestamp|ipaddr|refurl|token",
        "response id|date submitted|last page|start language|date started|date last action",
        "ip address|referrer url|referring url|interviewtime|total time",
        # German (version 2 wrote "Abgeschlossen" for the submit date) and French
        "antwort id|datum abgeschickt|abgeschlossen|letzte seite|start-sprache",
        "zufallsgeneratorstartwert|datum gestartet|datum letzte aktivität|ip-adresse",
        "weiterleitungs-url|id de la réponse|date de soumission|dernière page",
        "langue de départ|tête de série|date de lancement|date de la dernière action",
        "adresse ip|url référente",
    ),
    signature=names(
        "submitdate|lastpage|startlanguage|seed|date submitted|last page|start language",
        "datum abgeschickt|letzte seite|start-sprache|zufallsgeneratorstartwert",
        "date de soumission|dernière page|langue de départ|tête de série",
    ),
    respondent=("id", "response id", "antwort id", "id de la réponse"),
    personal=names(
        "ipaddr|ip address|token|email|firstname|lastname|first name|last name",
        "ip-adresse|adresse ip",
    ),
    ignored_prefixes=("grouptime", "group time"),
)
