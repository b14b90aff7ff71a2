"""What a survey export is, without storing anything (``scrutiny survey inspect``)."""

from __future__ import annotations

import os
from typing import Any

from scrutiny.core.surveys.definitions import SurveyDefinition
from scrutiny.core.surveys.mapping import propose_mapping
from scrutiny.core.surveys.reading import DEFAULT_LIMITS, Limits, open_survey
from scrutiny.core.surveys.values import ProgressCallback, scan_values


def inspect_survey(
    path: str | os.PathLike[str],
    *,
    survey: SurveyDefinition | None = None,
    limits: Limits = DEFAULT_LIMITS,
    on_progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """The file's format, layout, heading rows, responses and completeness; with a
    survey, the proposed column for each of its items. The shape of ``--json``."""
    with open_survey(path, limits=limits) as f:
        respondent_names = {f.tool.column_key(c.header): c for c in f.columns}
        respondent = next(
            (respondent_names[n].name for n in f.tool.respondent if n in respondent_names), None
        )
        result: dict[str, Any] = {
            "format": f.format,
            "encoding": f.encoding,
            "delimiter": f.delimiter,
            "layout": f.tool.layout.value,
            "header_rows": f.header_rows,
            "respondent_column": respondent,
        }
        personal = [c.name for c in f.columns if c.header and f.tool.is_personal(c)]
        if survey is None:
            rows = incomplete = rejected = on_hold = 0
            for _, cells in f.rows:
                rows += 1
                status = f.status(cells).value
                incomplete += status == "incomplete"
                rejected += status == "rejected"
                on_hold += status == "on_hold"
            result.update(rows=rows, incomplete=incomplete, rejected=rejected, on_hold=on_hold)
        else:
            proposal = propose_mapping(f.columns, survey, f.tool, f.recognised)
            scan = scan_values(f, survey=survey, mapping=proposal.mapping, on_progress=on_progress)
            c = scan.completeness
            result.update(
                rows=c.rows,
                incomplete=c.incomplete,
                rejected=c.rejected,
                on_hold=c.on_hold,
                empty=c.empty,
                returns=c.counted,
                mapping={
                    item: {"column": column, "confidence": proposal.item_scores.get(item, 0.0)}
                    for column, item in proposal.mapping.items.items()
                },
                unmapped_items=proposal.unmapped_items,
                unmapped_columns=proposal.unmapped_columns,
                care_group_column=proposal.mapping.care_group,
                unmapped_answers=scan.unmapped,
            )
        result["personal_data"] = personal
        unread = f.problems
        if unread:
            result["unreadable_rows"] = [str(p) for p in unread]
    return result
