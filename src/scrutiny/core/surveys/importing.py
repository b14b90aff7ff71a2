"""Importing a survey export, all or nothing.

Every row is read as a stream and validated; either every counted response comes
back, or a ``SurveyImportError`` names every problem by row (as the spreadsheet shows
it: header = row 1) and column. Responses the tool marks incomplete, rejected or on
hold are left out unless the team's ``Inclusion`` says otherwise; responses answering
none of the mapped items are never returns. Their rows are not checked either: they
are not imported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from scrutiny.core.digest import file_sha256
from scrutiny.core.surveys.completeness import Completeness, Inclusion
from scrutiny.core.surveys.definitions import CARE_GROUPS, SurveyDefinition, SurveyResponse
from scrutiny.core.surveys.mapping import ColumnMapping, propose_mapping
from scrutiny.core.surveys.problems import Problem, Problems, SurveyImportError
from scrutiny.core.surveys.reading import DEFAULT_LIMITS, Limits, SurveyFile, open_survey
from scrutiny.core.surveys.tools import Layout
from scrutiny.core.surveys.values import (
    NO_GROUP,
    PROGRESS_EVERY_ROWS,
    ProgressCallback,
    ValueMapping,
    column_index,
    match_care_group,
    match_option,
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
        raise SurveyImportError([Problem(_nothing_counted(completeness))])
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


def _nothing_counted(c: Completeness) -> str:
    if not c.rows:
        return "The file has a header row but no responses."
    left = []
    for n, what in (
        (c.incomplete, "incomplete"),
        (c.rejected, "rejected"),
        (c.on_hold, "on hold"),
        (c.empty, "answering none of the mapped questions"),
    ):
        if n:
            left.append(f"{n} {what}")
    return (
        f"None of the file's {c.rows} responses counts as a return ({', '.join(left)}); "
        "nothing was imported."
    )


def _read(
    survey_file: SurveyFile,
    survey: SurveyDefinition,
    mapping: ColumnMapping,
    values: ValueMapping,
    inclusion: Inclusion,
    limits: Limits,
    on_progress: ProgressCallback | None,
) -> tuple[list[SurveyResponse], Problems, Completeness]:
    items = {item.id: item for item in survey.items}
    index = column_index(survey_file.columns, mapping)
    width = len(survey_file.columns)
    columns = [(c, items[role]) for c, role in index.values() if role in items]
    respondent_column = index[mapping.respondent][0] if mapping.respondent else None
    care_column = index[mapping.care_group][0] if mapping.care_group else None
    # Matching is memoised per distinct raw value: 100,000 rows hold few distinct answers.
    option_cache: dict[tuple[str, str], str | None | object] = {}
    care_cache: dict[str, str | None | object] = {}
    first_row_of: dict[str, int] = {}
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
            if not item.options:
                if len(raw) > limits.max_free_text_chars:
                    problems.add(
                        Problem(
                            f"The answer is {len(raw)} characters long; the limit is "
                            f"{limits.max_free_text_chars}.",
                            row,
                            column.name,
                            column.letter,
                        )
                    )
                else:
                    answers[item.id] = raw
                continue
            key = (item.id, raw)
            if key not in option_cache:
                manual = values.answers.get(item.id, {})
                option_cache[key] = (
                    manual[raw] if raw in manual else (match_option(raw, item.options) or NO_GROUP)
                )
            option = option_cache[key]
            if option is None:
                continue  # mapped by the inspector to "no answer"
            if option is NO_GROUP or option not in item.options:
                shown = raw if len(raw) <= 60 else raw[:57] + "..."
                problems.add(
                    Problem(
                        f"'{shown}' is not one of the answers to '{item.id}' "
                        f"({', '.join(item.options)}); map it to one.",
                        row,
                        column.name,
                        column.letter,
                    )
                )
                continue
            answers[item.id] = option  # type: ignore[assignment]
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
            elif respondent in first_row_of:
                problems.add(
                    Problem(
                        f"The respondent id '{respondent}' is also on row "
                        f"{first_row_of[respondent]}.",
                        row,
                        respondent_column.name,
                        respondent_column.letter,
                    )
                )
            else:
                first_row_of[respondent] = row
        care_group: str | None = None
        if care_column is not None:
            raw = cells[care_column.index].strip() if care_column.index < len(cells) else ""
            if raw:
                if raw not in care_cache:
                    care_cache[raw] = (
                        values.care_groups[raw]
                        if raw in values.care_groups
                        else match_care_group(raw)
                    )
                group = care_cache[raw]
                if group is NO_GROUP or (group is not None and group not in CARE_GROUPS):
                    problems.add(
                        Problem(
                            f"'{raw}' is not a care group ({', '.join(CARE_GROUPS)}); map it.",
                            row,
                            care_column.name,
                            care_column.letter,
                        )
                    )
                else:
                    care_group = group
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
