"""Open data: the published evaluations by partnership, with a data dictionary.

Public, so it carries names and words only: no rule ids, database ids or slugs.

Whether the inspections' plans kept their milestones is not here: the rows are
evaluations by partnership (one per indicator), and a milestone measures the
inspection's process, much of it the inspectorate's own. The review of findings
publishes those counts across the programme instead; a column added here would change
a format people already read.
"""

from __future__ import annotations

from typing import Any

from scrutiny.core.programme_review.overview import ProgrammeOverview

# Column -> what it holds. Published beside the CSV and inside the JSON.
DATA_DICTIONARY: dict[str, str] = {
    "programme": "The inspection programme, by its published name.",
    "partnership": "The community planning partnership inspected.",
    "year": "The year the inspection's report was published.",
    "indicator": "The quality indicator evaluated, by its number (for example 2.1).",
    "indicator_title": "The quality indicator's title.",
    "evaluation": "The published evaluation on the six-point scale (excellent, very good, "
    "good, adequate, weak, unsatisfactory); empty where none was published.",
    "evaluation_value": "The same evaluation as a number, 6 (excellent) to 1 (unsatisfactory).",
    "limited_by": "Where a limiter capped the evaluation, what it was, in words; "
    "several are separated by semicolons.",
}


def open_data_rows(overview: ProgrammeOverview) -> list[dict[str, Any]]:
    programme = overview.programme
    rows = []
    for f in overview.inspections:
        for evaluated in programme.evaluated:
            value = f.evaluations.get(evaluated.id)
            limited = [a.title for a in f.limiters if a.indicator == evaluated.id]
            rows.append(
                {
                    "programme": programme.title,
                    "partnership": f.partnership,
                    "year": f.year,
                    "indicator": evaluated.id,
                    "indicator_title": evaluated.title,
                    "evaluation": programme.scale.name(value) if value is not None else "",
                    "evaluation_value": value if value is not None else "",
                    "limited_by": "; ".join(limited),
                }
            )
    return rows
