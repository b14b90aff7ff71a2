"""The checks every survey response passes before it is stored, whatever brought it.

A row of a tool's export (``importing``) and a response sent as data (``check_entries``,
which the web API calls) go through the same ``ResponseChecks``: each answer is one of
the item's options (as ``match_option`` or the team's value mapping reads it) or free
text within the length limit, the care group is one the programme knows, a respondent
appears once, and which responses count follows the tool's status and the team's
``Inclusion`` (``Completeness.add``). Either every counted response comes back, or a
``SurveyImportError`` names every problem; nothing is half-checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from scrutiny.core.surveys.completeness import Completeness, Inclusion
from scrutiny.core.surveys.definitions import (
    CARE_GROUPS,
    SurveyDefinition,
    SurveyItem,
    SurveyResponse,
)
from scrutiny.core.surveys.problems import Problem, Problems, SurveyImportError
from scrutiny.core.surveys.reading import DEFAULT_LIMITS, Limits
from scrutiny.core.surveys.tools import Status
from scrutiny.core.surveys.values import NO_GROUP, ValueMapping, match_care_group, match_option


@dataclass(frozen=True, slots=True)
class Checked:
    """One answer or care group after its check: the value to store (None: no answer)
    or the problem, worded without its place (the caller knows the row or entry)."""

    value: str | None = None
    problem: str | None = None


class ResponseChecks:
    """The checks of one survey's responses, memoised per distinct raw value: 100,000
    rows hold few distinct answers. ``mappable``: the person can map a refused answer or
    care group to one the programme knows (a file's, on the import's pages), and the
    refusal says so."""

    def __init__(
        self,
        survey: SurveyDefinition,
        *,
        values: ValueMapping | None = None,
        limits: Limits = DEFAULT_LIMITS,
        mappable: bool = False,
    ) -> None:
        self.survey = survey
        self.items: dict[str, SurveyItem] = {item.id: item for item in survey.items}
        self.values = values or ValueMapping()
        self.limits = limits
        self.mappable = mappable
        self._options: dict[tuple[str, str], str | None | object] = {}
        self._care: dict[str, str | None | object] = {}
        self._first: dict[str, int] = {}

    def answer(self, item: SurveyItem, raw: str) -> Checked:
        """Check one non-empty, stripped answer to ``item``."""
        if not item.options:
            if len(raw) > self.limits.max_free_text_chars:
                return Checked(
                    problem=f"The answer is {len(raw)} characters long; the limit is "
                    f"{self.limits.max_free_text_chars}."
                )
            return Checked(raw)
        key = (item.id, raw)
        if key not in self._options:
            manual = self.values.answers.get(item.id, {})
            self._options[key] = (
                manual[raw] if raw in manual else (match_option(raw, item.options) or NO_GROUP)
            )
        option = self._options[key]
        if option is None:
            return Checked()  # mapped by the inspector to "no answer"
        if option is NO_GROUP or option not in item.options:
            shown = raw if len(raw) <= 60 else raw[:57] + "..."
            hint = "; map it to one" if self.mappable else ""
            return Checked(
                problem=f"'{shown}' is not one of the answers to '{item.id}' "
                f"({', '.join(item.options)}){hint}."
            )
        return Checked(option)  # type: ignore[arg-type]

    def care_group(self, raw: str) -> Checked:
        """Check one non-empty, stripped care group (None: not care experienced)."""
        if raw not in self._care:
            self._care[raw] = (
                self.values.care_groups[raw]
                if raw in self.values.care_groups
                else match_care_group(raw)
            )
        group = self._care[raw]
        if group is NO_GROUP or (group is not None and group not in CARE_GROUPS):
            hint = "; map it" if self.mappable else ""
            return Checked(problem=f"'{raw}' is not a care group ({', '.join(CARE_GROUPS)}){hint}.")
        return Checked(group)

    def seen_before(self, respondent: str, at: int) -> int | None:
        """Where the same respondent id came first (None: this is the first time)."""
        first = self._first.get(respondent)
        if first is None:
            self._first[respondent] = at
        return first


def nothing_counted(
    c: Completeness, *, whose: str = "the file's", questions: str = "mapped"
) -> str:
    """Why an import that counts no response stores nothing."""
    if not c.rows:
        return "The file has a header row but no responses."
    left = []
    for n, what in (
        (c.incomplete, "incomplete"),
        (c.rejected, "rejected"),
        (c.on_hold, "on hold"),
        (c.empty, f"answering none of the {questions} questions"),
    ):
        if n:
            left.append(f"{n} {what}")
    return (
        f"None of {whose} {c.rows} responses counts as a return ({', '.join(left)}); "
        "nothing was imported."
    )


# --- responses sent as data ---------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One response as a system sends it: answers keyed by the survey's item ids."""

    answers: Mapping[str, str | None]
    respondent: str | None = None  # None or blank: the caller names it
    care_group: str | None = None
    status: Status = Status.COMPLETE


@dataclass(frozen=True)
class CheckedEntries:
    """The counted responses (in the bundle's shape, ``respondent`` empty where the
    entry gave none) with the entry each came from, and the entries by completeness."""

    responses: list[SurveyResponse]
    positions: list[int]  # the index of each response's entry
    completeness: Completeness = field(default_factory=Completeness)


def entry_field(index: int, name: str) -> str:
    return f"responses[{index}].{name}"


def check_entries(
    entries: Sequence[Entry],
    *,
    survey: SurveyDefinition,
    inclusion: Inclusion | None = None,
    values: ValueMapping | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> CheckedEntries:
    """Check every entry as an import checks every row; return every counted response,
    or raise naming every problem by its entry (``responses[3]``) and field
    (``answers.feel_safe``). A ``Problem``'s ``column`` holds the whole place; its
    ``row`` stays empty, as an entry is not a spreadsheet row."""
    if not entries:
        raise SurveyImportError([Problem("Send at least one response.", None, "responses")])
    inclusion = inclusion or Inclusion()
    checks = ResponseChecks(survey, values=values, limits=limits)
    problems = Problems(limits.max_listed_problems)
    completeness = Completeness()
    responses: list[SurveyResponse] = []
    positions: list[int] = []
    for index, entry in enumerate(entries):
        before = len(problems.listed)
        before_unlisted = dict(problems.unlisted)
        answers: dict[str, str] = {}
        for item_id, value in entry.answers.items():
            place = entry_field(index, f"answers.{item_id}")
            item = checks.items.get(item_id)
            if item is None:
                problems.add(Problem(f"'{item_id}' is not a question of the survey '{survey.id}'.", None, place))  # fmt: skip
                continue
            raw = (value or "").strip()
            if not raw:
                continue  # an absent answer is not counted
            checked = checks.answer(item, raw)
            if checked.problem:
                problems.add(Problem(checked.problem, None, place))
            elif checked.value is not None:
                answers[item_id] = checked.value
        has_problem = len(problems.listed) > before or problems.unlisted != before_unlisted
        counted = completeness.add(
            entry.status, answered=bool(answers) or has_problem, inclusion=inclusion
        )
        if not counted:
            # Not stored, as an import leaves the row out: its problems do not refuse.
            del problems.listed[before:]
            problems.unlisted = before_unlisted
            continue
        respondent = (entry.respondent or "").strip()
        if respondent:
            first = checks.seen_before(respondent, index)
            if first is not None:
                problems.add(
                    Problem(
                        f"The respondent id '{respondent}' is also that of responses[{first}].",
                        None,
                        entry_field(index, "respondent"),
                    )
                )
        care_group: str | None = None
        raw_group = (entry.care_group or "").strip()
        if raw_group:
            checked = checks.care_group(raw_group)
            if checked.problem:
                problems.add(Problem(checked.problem, None, entry_field(index, "care_group")))
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
            positions.append(index)
    if problems:
        raise problems.error()
    if not responses:
        raise SurveyImportError(
            [
                Problem(
                    nothing_counted(completeness, whose="the", questions="survey's"),
                    None,
                    "responses",
                )
            ]
        )
    return CheckedEntries(responses, positions, completeness)
