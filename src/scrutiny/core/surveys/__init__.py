"""Survey exports: the tools recognised (``tools/``, one module each), reading the
responses (``reading``), the column mapping (``mapping``), the answers
(``values``), which responses count (``completeness``), the checks every response
passes (``checking``: a file's rows and responses sent as data alike), the
all-or-nothing import (``importing``) and a look at a file without storing anything
(``inspect``)."""

from scrutiny.core.surveys.checking import (
    CheckedEntries,
    Entry,
    ResponseChecks,
    check_entries,
)
from scrutiny.core.surveys.completeness import Completeness, Inclusion, answered, count_returns
from scrutiny.core.surveys.definitions import (
    CARE_GROUPS,
    SurveyDefinition,
    SurveyItem,
    SurveyResponse,
)
from scrutiny.core.surveys.importing import (
    SurveyImport,
    check_mapping,
    content_hash,
    import_survey,
)
from scrutiny.core.surveys.inspect import inspect_survey
from scrutiny.core.surveys.mapping import ColumnMapping, ProposedMapping, norm, propose_mapping
from scrutiny.core.surveys.problems import NotASurveyExport, Problem, Problems, SurveyImportError
from scrutiny.core.surveys.reading import DEFAULT_LIMITS, Limits, SurveyFile, open_survey
from scrutiny.core.surveys.tools import Column, Layout, Status
from scrutiny.core.surveys.values import (
    NO_GROUP,
    PROGRESS_EVERY_ROWS,
    ProgressCallback,
    ProposedValueMapping,
    ValueMapping,
    match_care_group,
    match_option,
    propose_value_mapping,
    scan_values,
)

__all__ = [
    "CARE_GROUPS",
    "DEFAULT_LIMITS",
    "NO_GROUP",
    "PROGRESS_EVERY_ROWS",
    "Column",
    "ColumnMapping",
    "CheckedEntries",
    "Completeness",
    "Entry",
    "Inclusion",
    "Layout",
    "Limits",
    "NotASurveyExport",
    "Problem",
    "Problems",
    "ProgressCallback",
    "ProposedMapping",
    "ProposedValueMapping",
    "ResponseChecks",
    "Status",
    "SurveyDefinition",
    "SurveyFile",
    "SurveyImport",
    "SurveyImportError",
    "SurveyItem",
    "SurveyResponse",
    "ValueMapping",
    "answered",
    "check_entries",
    "check_mapping",
    "content_hash",
    "count_returns",
    "import_survey",
    "inspect_survey",
    "match_care_group",
    "match_option",
    "norm",
    "open_survey",
    "propose_mapping",
    "propose_value_mapping",
    "scan_values",
]
