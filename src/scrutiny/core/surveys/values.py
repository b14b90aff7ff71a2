"""Matching the answers found in a file to the survey's options and care groups."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from scrutiny.core.surveys.completeness import Completeness, Inclusion
from scrutiny.core.surveys.definitions import CARE_GROUPS, SurveyDefinition
from scrutiny.core.surveys.mapping import ColumnMapping, norm
from scrutiny.core.surveys.problems import Problem, SurveyImportError
from scrutiny.core.surveys.reading import DEFAULT_LIMITS, Limits, SurveyFile, open_survey
from scrutiny.core.surveys.tools import Column

ProgressCallback = Callable[[int, int | None], None]
PROGRESS_EVERY_ROWS = 1000


def _names(*groups: str) -> frozenset[str]:
    return frozenset(name for group in groups for name in group.split("|"))


# Answers that mean the same thing in the exports we have seen (normalised). "1"/"0"
# are deliberately absent: tools use numbers as answer codes too.
_SYNONYMS: tuple[frozenset[str], ...] = (
    _names("yes|y|true|yes i do|yes always"),
    _names("no|n|false|no i dont|never"),
    _names("not sure|dont know|do not know|i dont know|unsure|dk|im not sure|i am not sure"),
    _names("mostly|most of the time|mostly yes|usually"),
    _names("prefer not to say|rather not say|id rather not say"),
)
_CARE_GROUP_SYNONYMS: dict[str, str | None] = {
    "looked after at home": "looked_after_at_home",
    "at home": "looked_after_at_home",
    "at home with parents": "looked_after_at_home",
    "home supervision": "looked_after_at_home",
    "kinship care": "kinship_care",
    "kinship": "kinship_care",
    "with family or friends": "kinship_care",
    "foster care": "foster_care",
    "foster": "foster_care",
    "with foster carers": "foster_care",
    "residential": "residential",
    "residential care": "residential",
    "childrens house": "residential",
    "residential school": "residential",
    "secure care": "residential",
    "short breaks": "short_breaks",
    "short break": "short_breaks",
    "respite": "short_breaks",
    "aftercare": "aftercare",
    "after care": "aftercare",
    "throughcare and aftercare": "aftercare",
    "continuing care": "aftercare",
    "not care experienced": None,
    "none": None,
    "none of these": None,
    "not looked after": None,
}


def match_option(value: str, options: Sequence[str]) -> str | None:
    """The option a raw answer means, or None when it is not clear."""
    key = norm(value)
    if not key:
        return None
    by_norm = {norm(o): o for o in options}
    if key in by_norm:
        return by_norm[key]
    for group in _SYNONYMS:
        if key in group:
            hits = [o for n, o in by_norm.items() if n in group]
            if len(hits) == 1:
                return hits[0]
    return None


NO_GROUP = object()


def match_care_group(value: str) -> str | None | object:
    """A care group id, None (not care experienced), or ``NO_GROUP`` when unknown."""
    key = norm(value)
    if key.replace(" ", "_") in CARE_GROUPS:
        return key.replace(" ", "_")
    return _CARE_GROUP_SYNONYMS.get(key, NO_GROUP)


class ValueMapping(BaseModel):
    """Raw answers (as in the file) mapped to options; None records no answer.

    Only what the automatic matching gets wrong or cannot see needs to be here.
    """

    model_config = ConfigDict(frozen=True)

    answers: dict[str, dict[str, str | None]] = {}  # item id -> raw value -> option
    care_groups: dict[str, str | None] = {}  # raw value -> care group id or None


@dataclass(frozen=True)
class ProposedValueMapping:
    mapping: ValueMapping  # every distinct answer that matched automatically
    unmapped: dict[str, dict[str, int]]  # item id (or "care_group") -> raw value -> count
    completeness: Completeness  # the file's responses, counted as the default import would


_MAX_DISTINCT = 500  # more distinct values than this is free text mapped as options


def column_index(
    columns: Sequence[Column], mapping: ColumnMapping
) -> dict[str, tuple[Column, str]]:
    """file column name -> (column, item id or role). Refuses names the file lacks."""
    by_name = {c.name: c for c in columns}
    problems: list[Problem] = []
    wanted = list(mapping.items.items())
    if mapping.respondent:
        wanted.append((mapping.respondent, "respondent"))
    if mapping.care_group:
        wanted.append((mapping.care_group, "care_group"))
    index: dict[str, tuple[Column, str]] = {}
    for name, role in wanted:
        column = by_name.get(name)
        if column is None:
            problems.append(
                Problem("The mapping names this column but the file has no such column.", 1, name)
            )
        else:
            index[name] = (column, role)
    if problems:
        raise SurveyImportError(problems)
    return index


def _raw(cells: list[str], column: Column) -> str:
    return cells[column.index].strip() if column.index < len(cells) else ""


def propose_value_mapping(
    path: str | os.PathLike[str],
    *,
    survey: SurveyDefinition,
    mapping: ColumnMapping,
    limits: Limits = DEFAULT_LIMITS,
    on_progress: ProgressCallback | None = None,
) -> ProposedValueMapping:
    """Read the distinct answers of each option column and match them to options;
    count the responses by completeness as the tool records it."""
    with open_survey(path, limits=limits) as survey_file:
        return scan_values(survey_file, survey=survey, mapping=mapping, on_progress=on_progress)


def scan_values(
    survey_file: SurveyFile,
    *,
    survey: SurveyDefinition,
    mapping: ColumnMapping,
    on_progress: ProgressCallback | None = None,
) -> ProposedValueMapping:
    items = {item.id: item for item in survey.items}
    answers: dict[str, dict[str, str | None]] = {}
    unmapped: dict[str, dict[str, int]] = {}
    care: dict[str, str | None] = {}
    index = column_index(survey_file.columns, mapping)
    item_columns = [(c, items[i]) for c, i in index.values() if i in items]
    option_columns = [(c, item) for c, item in item_columns if item.options]
    care_column = index[mapping.care_group][0] if mapping.care_group in index else None
    completeness = Completeness()
    default = Inclusion()
    done = 0
    for _, cells in survey_file.rows:
        for column, item in option_columns:
            raw = _raw(cells, column)
            if not raw or raw in answers.get(item.id, {}):
                continue
            seen = unmapped.setdefault(item.id, {})
            if raw in seen:
                seen[raw] += 1
                continue
            option = match_option(raw, item.options)
            if option is not None:
                answers.setdefault(item.id, {})[raw] = option
            elif len(seen) < _MAX_DISTINCT:
                seen[raw] = 1
        if care_column is not None:
            raw = _raw(cells, care_column)
            if raw and raw not in care:
                group = match_care_group(raw)
                if group is NO_GROUP:
                    seen = unmapped.setdefault("care_group", {})
                    seen[raw] = seen.get(raw, 0) + 1
                else:
                    care[raw] = group  # type: ignore[assignment]
        has_answer = any(_raw(cells, c) for c, _ in item_columns)
        completeness.add(survey_file.status(cells), answered=has_answer, inclusion=default)
        done += 1
        if on_progress and done % PROGRESS_EVERY_ROWS == 0:
            on_progress(done, survey_file.rows_total)
    if on_progress:
        on_progress(done, survey_file.rows_total)
    return ProposedValueMapping(
        mapping=ValueMapping(answers=answers, care_groups=care),
        unmapped={k: v for k, v in unmapped.items() if v},
        completeness=completeness,
    )
