"""Survey exports into the bundle's ``survey_responses``: the public names.

The work is done in ``scrutiny.core.tabular`` (reading CSV, XLSX and ODS within
limits) and ``scrutiny.core.surveys`` (the tools recognised, mapping, completeness,
the all-or-nothing import); this module keeps the names the web layer and the CLI
import, plus ``preview`` and ``propose_mapping_for`` which open the file themselves.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence

from scrutiny.core.surveys import (
    CARE_GROUPS,
    DEFAULT_LIMITS,
    NO_GROUP,
    Column,
    ColumnMapping,
    Completeness,
    Inclusion,
    Layout,
    Limits,
    NotASurveyExport,
    Problem,
    ProgressCallback,
    ProposedMapping,
    ProposedValueMapping,
    Status,
    SurveyDefinition,
    SurveyFile,
    SurveyImport,
    SurveyImportError,
    SurveyResponse,
    ValueMapping,
    content_hash,
    count_returns,
    import_survey,
    inspect_survey,
    match_care_group,
    match_option,
    open_survey,
    propose_mapping,
    propose_value_mapping,
)
from scrutiny.core.tabular import column_letter


def preview(
    path: str | os.PathLike[str], *, rows: int = 10, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[Column], list[tuple[int, list[str]]]]:
    """The columns and the first few responses ``(row number, cells)``."""
    with open_survey(path, limits=limits) as f:
        return f.columns, list(itertools.islice(f.rows, rows))


def propose_mapping_for(
    columns: Sequence[Column], survey: SurveyDefinition, layout: str
) -> ProposedMapping:
    """The proposal for columns already read (stored with an upload), by layout name."""
    from scrutiny.core.surveys.tools import BY_LAYOUT

    tool = BY_LAYOUT.get(Layout(layout), BY_LAYOUT[Layout.UNKNOWN])
    return propose_mapping(columns, survey, tool, 1.0 if tool.layout is not Layout.UNKNOWN else 0.0)


def propose_for_header(header: Sequence[str], survey: SurveyDefinition) -> ProposedMapping:
    """The proposal for a single header row (the tool recognised from it alone)."""
    from scrutiny.core.surveys.tools import recognise

    tool, score = recognise([list(header)])
    return propose_mapping(tool.columns([list(header)], 1), survey, tool, score)


__all__ = [
    "CARE_GROUPS",
    "NO_GROUP",
    "Column",
    "ColumnMapping",
    "Completeness",
    "Inclusion",
    "Layout",
    "Limits",
    "NotASurveyExport",
    "Problem",
    "ProgressCallback",
    "ProposedMapping",
    "ProposedValueMapping",
    "Status",
    "SurveyFile",
    "SurveyImport",
    "SurveyImportError",
    "SurveyResponse",
    "ValueMapping",
    "column_letter",
    "content_hash",
    "count_returns",
    "import_survey",
    "inspect_survey",
    "match_care_group",
    "match_option",
    "open_survey",
    "preview",
    "propose_mapping",
    "propose_for_header",
    "propose_mapping_for",
    "propose_value_mapping",
]
