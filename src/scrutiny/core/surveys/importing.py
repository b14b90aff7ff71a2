"""Importing a survey export, all or nothing.

Every row is read as a stream and validated; either every counted response comes
back, or a ``SurveyImportError`` names every problem by row (as the spreadsheet shows
it: header = row 1) and column. Responses the tool marks incomplete, rejected or on
hold are left out unless the team's ``Inclusion`` says otherwise; responses answering
none of the mapped items are never returns. Their rows are not checked either: they
are not imported. Each row's answers, respondent and care group are checked by
``checking.ResponseChecks``, the same checks a response sent through the API passes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from scrutiny.core.digest import file_sha256
from scrutiny.core.surveys.checking import ResponseChecks, nothing_counted
from scrutiny.core.surveys.completeness import Completeness, Inclusion
from scrutiny.core.surveys.definitions import SurveyDefinition, SurveyResponse
from scrutiny.core.surveys.mapping import ColumnMapping, propose_mapping
from scrutiny.core.surveys.problems import Problem, Problems, SurveyImportError
from scrutiny.core.surveys.reading import DEFAULT_LIMITS, Limits, SurveyFile, open_survey
from scrutiny.core.surveys.tools import Layout
from scrutiny.core.surveys.values import (
    PROGRESS_EVERY_ROWS,
    ProgressCallback,
    ValueMapping,
    column_index,
)


def content_hash(path: str | os.PathLike[str]) -> str:
    """``sha256:<hex>`` of the file's bytes: the same file uploaded twice is the same import."""
    return f"sha256:{file_sha256(path)}"


@dataclass(frozen=True)
class SurveyImport:
    """A complete, validated import, ready to store in one transaction."""

    survey: str
    responses: list[SurveyResponse]
    content_hash: str  # compare with earlier imports to detect a re-upload
    layout: Layout
    rows_read: int  # responses in the file (heading rows and blank lines not counted)
    completeness: Completeness
    inclusion: Inclusion


def import_survey(
    path: str | os.PathLike[str],
    *,
    survey: SurveyDefinition,
    mapping: ColumnMapping | None = None,
    value_mapping: ValueMapping | None = None,
    inclusion: Inclusion | None = None,
    limits: Limits = DEFAULT_LIMITS,
    on_progress: ProgressCallback | None = None,
) -> SurveyImport:
    """Read every row; return every counted response, or raise naming every problem.

    Without ``mapping`` the proposed one is used, but only if the layout was
    recognised with full confidence; otherwise the caller must confirm a mapping.
    """
    inclusion = inclusion or Inclusion()
    with open_survey(path, limits=limits) as survey_file:  # refuses before reading rows
        proposal = propose_mapping(
            survey_file.columns, survey, survey_file.tool, survey_file.recognised
        )
        if mapping is None:
            if proposal.confidence < 1.0:
                raise SurveyImportError([Problem(proposal.refusal(survey))])
            mapping = proposal.mapping
        check_mapping(mapping, survey)
        responses, problems, completeness = _read(
            survey_file, survey, mapping, value_mapping or ValueMapping(), inclusion, limits,
            on_progress,
        )  # fmt: skip
        for p in survey_file.problems:
            problems.add(p)
    if problems:
        raise problems.error()
    if not responses:
        raise SurveyImportError([Problem(nothing_counted(completeness))])
    return SurveyImport(
        survey.id,
        responses,
        content_hash(path),
        proposal.layout,
        completeness.rows,
        completeness,
        inclusion,
    )


def check_mapping(mapping: ColumnMapping, survey: SurveyDefinition) -> None:
    if not mapping.items:
        raise SurveyImportError([Problem("No column is mapped to a question of the survey.")])
    items = {item.id for item in survey.items}
    unknown = [
        Problem(f"'{i}' is not a question of the survey '{survey.id}'.", 1, c)
        for c, i in mapping.items.items()
        if i not in items
    ]
    if len(set(mapping.items.values())) < len(mapping.items):
        unknown.append(Problem("Two columns are mapped to the same question."))
    if unknown:
        raise SurveyImportError(unknown)


def _read(
    survey_file: SurveyFile,
    survey: SurveyDefinition,
    mapping: ColumnMapping,
    values: ValueMapping,
    inclusion: Inclusion,
    limits: Limits,
    on_progress: ProgressCallback | None,
) -> tuple[list[SurveyResponse], Problems, Completeness]:
    checks = ResponseChecks(survey, values=values, limits=limits, mappable=True)
    index = column_index(survey_file.columns, mapping)
    width = len(survey_file.columns)
    columns = [(c, checks.items[role]) for c, role in index.values() if role in checks.items]
    respondent_column = index[mapping.respondent][0] if mapping.respondent else None
    care_column = index[mapping.care_group][0] if mapping.care_group else None
    responses: list[SurveyResponse] = []
    problems = Problems(limits.max_listed_problems)
    completeness = Completeness()
    done = 0

    for row, cells in survey_file.rows:
        done += 1
        if on_progress and done % PROGRESS_EVERY_ROWS == 0:
            on_progress(done, survey_file.rows_total)
        before = len(problems.listed)
        before_unlisted = dict(problems.unlisted) if problems.unlisted else None
        answers: dict[str, str] = {}
        for column, item in columns:
            raw = cells[column.index].strip() if column.index < len(cells) else ""
            if not raw:
                continue  # an absent answer is not counted
            checked = checks.answer(item, raw)
            if checked.problem:
                problems.add(Problem(checked.problem, row, column.name, column.letter))
            elif checked.value is not None:  # None: mapped by the inspector to "no answer"
                answers[item.id] = checked.value
        status = survey_file.status(cells)
        has_problem = len(problems.listed) > before or problems.unlisted != (before_unlisted or {})
        counted = completeness.add(
            status, answered=bool(answers) or has_problem, inclusion=inclusion
        )
        if not counted:
            # Not imported: its answers' problems do not stop the import.
            del problems.listed[before:]
            problems.unlisted = before_unlisted or {}
            continue
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems.add(
                Problem(f"The row has {len(cells)} values but the header has {width} columns.", row)
            )
            continue
        if respondent_column is None:
            respondent = f"row-{row}"
        else:
            respondent = (
                cells[respondent_column.index].strip()
                if respondent_column.index < len(cells)
                else ""
            )
            if not respondent:
                problems.add(
                    Problem(
                        "The respondent id is empty.",
                        row,
                        respondent_column.name,
                        respondent_column.letter,
                    )
                )
            elif (first := checks.seen_before(respondent, row)) is not None:
                problems.add(
                    Problem(
                        f"The respondent id '{respondent}' is also on row {first}.",
                        row,
                        respondent_column.name,
                        respondent_column.letter,
                    )
                )
        care_group: str | None = None
        if care_column is not None:
            raw = cells[care_column.index].strip() if care_column.index < len(cells) else ""
            if raw:
                checked = checks.care_group(raw)
                if checked.problem:
                    problems.add(
                        Problem(checked.problem, row, care_column.name, care_column.letter)
                    )
                else:
                    care_group = checked.value
        if not problems:
            responses.append(
                {
                    "survey": survey.id,
                    "respondent": respondent,
                    "care_group": care_group,
                    "answers": answers,
                }
            )
        elif responses:
            responses.clear()  # nothing will be stored: free the memory early
    if on_progress:
        on_progress(done, survey_file.rows_total)
    return responses, problems, completeness
