"""The inspection bundle (`scrutiny.inspection/1`): typed models, validation, canonical JSON.

Validation runs in two passes and reports *every* problem with its JSON path:
1. structure and values (pydantic), against `shared/spec/inspection-bundle.md`;
2. what depends on the programme the bundle names: reading-tool items, survey items
   and their options, indicator ids, question numbers, care groups, judgements.
Unknown extra fields are accepted and dropped (forward compatibility). A key written
twice in one object is refused (JSON parsers disagree on which one wins), and no text
is longer than the field that stores it or the form that edits it (LIMITS).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
)
from pydantic_core import PydanticCustomError

from scrutiny.core.methodology import (
    Programme,
    UnknownProgramme,
    available_programmes,
    load_programme,
)
from scrutiny.core.scale import NotAScalePoint, build_lookup, parse_point

FORMAT = "scrutiny.inspection/1"

# The bundle format fixes the names of the scale points; programmes give their labels.
POINT_NAMES: dict[int, str] = {
    6: "excellent",
    5: "very good",
    4: "good",
    3: "adequate",
    2: "weak",
    1: "unsatisfactory",
}
_POINT_LOOKUP = build_lookup(POINT_NAMES)
_SCALE_INPUT = Literal[
    "excellent", "very good", "good", "adequate", "weak", "unsatisfactory", 6, 5, 4, 3, 2, 1
]

CareGroupId = Literal[
    "looked_after_at_home",
    "kinship_care",
    "foster_care",
    "residential",
    "short_breaks",
    "aftercare",
]
SurveyId = Literal["children_and_young_people", "parents_and_carers", "staff"]
EvidenceSource = Literal[
    "record_reading",
    "survey",
    "focus_group",
    "meeting",
    "engagement",
    "position_statement",
    "document",
    "observation",
]
EvidenceKind = Literal["strength", "area_for_development", "context"]


class BundleInvalid(ValueError):
    """A bundle that cannot be used. `problems` holds one line per problem, each with its path."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _scale_point(raw: object) -> int:
    try:
        value = parse_point(raw, _POINT_LOOKUP)
    except NotAScalePoint:
        value = None
    if value is None:
        raise PydanticCustomError(
            "scale_point", "{value} is not a point of the six-point scale", {"value": repr(raw)}
        )
    return value


def _ratings(raw: object, info: ValidationInfo) -> dict[str, int | None]:
    # One plain validator per reading, not per rating: a million readings of twenty
    # items each stay within a small multiple of merely parsing the JSON.
    if not isinstance(raw, dict):
        raise PydanticCustomError("dict_type", "must be an object mapping items to scale points")
    out: dict[str, int | None] = {}
    problems: list[tuple[str, str]] = []
    for item, value in raw.items():
        if value.__class__ is not bool:  # True == 1, but true is not a point of the scale
            try:
                out[item] = _POINT_LOOKUP[value]
                continue
            except (KeyError, TypeError):
                pass
        try:
            out[item] = parse_point(value, _POINT_LOOKUP)
        except NotAScalePoint:
            problems.append((item, f"{value!r} is not a point of the six-point scale"))
    programme = _programme(info)
    if programme is not None and not out.keys() <= info.context["reading_items"]:  # type: ignore[index]
        problems += [
            (key, f"not an item of the {programme.id} reading tool")
            for key in raw
            if key not in info.context["reading_items"]  # type: ignore[index]
        ]
    _raise_if(problems)
    return out


def _programme(info: ValidationInfo) -> Programme | None:
    return (info.context or {}).get("programme")


def _raise_if(problems: list[tuple[str, str]]) -> None:
    """Several problems under one path, as one error that `_explain` expands."""
    if problems:
        raise PydanticCustomError("problems", "{problems}", {"problems": problems})


def _point_name(value: int) -> str:
    return POINT_NAMES[value]


def _rating_name(value: int | None) -> str | None:
    return None if value is None else POINT_NAMES[value]


Point = Annotated[
    int,
    PlainValidator(_scale_point, json_schema_input_type=_SCALE_INPUT),
    PlainSerializer(_point_name, return_type=str),
]
Ratings = Annotated[
    dict[str, int | None],
    PlainValidator(
        _ratings,
        json_schema_input_type=dict[str, _SCALE_INPUT | Literal["not applicable"] | None],
    ),
    PlainSerializer(lambda r: {k: _rating_name(v) for k, v in r.items()}, return_type=dict),
]


def _printable(text: str) -> str:
    """Refuse control characters (other than tab and line breaks): Word cannot hold them
    in a document at all, and no one means to type them."""
    bad = find_control_character(text)
    if bad is not None:
        position, char = bad
        raise PydanticCustomError(
            "control_character",
            "contains the control character U+{code} at position {position}: remove it",
            {"code": f"{ord(char):04X}", "position": position + 1},
        )
    return text


def find_control_character(text: str) -> tuple[int, str] | None:
    """The first control character of `text` that no report may hold, and where it is."""
    for n, char in enumerate(text):
        if char in "\t\n\r":
            continue
        code = ord(char)
        if code < 0x20 or 0x7F <= code < 0xA0 or code in (0xFFFE, 0xFFFF):
            return n, char
    return None


def strip_control_characters(text: str) -> str:
    """`text` without the control characters `_printable` refuses (for forms, which
    drop what no one means to type rather than refuse it)."""
    return "".join(
        c
        for c in text
        if c in "\t\n\r"
        or not (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or ord(c) in (0xFFFE, 0xFFFF))
    )


# Text the team writes, printed in reports: printable characters (any script, emoji) only.
_CLEAN = AfterValidator(_printable)


# The longest each kind of text may be: what its database column holds, or, for free
# text, what the form that edits it accepts (the web forms take their limits from here).
REFERENCE_MAX = 40
IDENTIFIER_MAX = 80
NAME_MAX = 200  # the partnership, an evidence label
SUMMARY_MAX = 300  # a significant concern: one sentence
TEXT_MAX = 10_000  # an evidence note, a report statement
ANSWER_MAX = 32_767  # a survey answer: a spreadsheet cell, as the survey import reads it
# An inspection reference becomes part of file names and URLs: letters, digits and -.
REFERENCE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
REFERENCE_RULE = "letters, digits and hyphens only, starting with a letter or digit (JI-0042)"

Identifier = Annotated[str, Field(min_length=1, max_length=IDENTIFIER_MAX)]
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX), _CLEAN]
Text = Annotated[str, Field(min_length=1, max_length=TEXT_MAX), _CLEAN]


def reference_problem(reference: str) -> str | None:
    """Why a reference cannot be used, or None."""
    if len(reference) > REFERENCE_MAX:
        return f"at most {REFERENCE_MAX} characters (got {len(reference)})"
    if not REFERENCE_PATTERN.fullmatch(reference):
        return REFERENCE_RULE
    return None


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class InspectionInfo(_Model):
    reference: str
    partnership: Name
    start: date

    @field_validator("reference")
    @classmethod
    def _reference_is_safe(cls, reference: str) -> str:
        problem = reference_problem(reference)
        if problem:
            raise PydanticCustomError("reference", "{problem}", {"problem": problem})
        return reference


class RecordReading(_Model):
    record: Identifier
    reader: Identifier
    care_group: CareGroupId | None = None
    ratings: Ratings
    # Where a record is read more than once, statistics use the agreed reading.
    agreed: bool | None = None


class SurveyResponse(_Model):
    survey: SurveyId
    respondent: Identifier
    care_group: CareGroupId | None = None
    answers: dict[str, Annotated[str, Field(max_length=ANSWER_MAX)] | None]

    @field_validator("answers")
    @classmethod
    def _answers_fit_the_survey(
        cls, answers: dict[str, str | None], info: ValidationInfo
    ) -> dict[str, str | None]:
        programme = _programme(info)
        survey = programme and programme.survey(info.data.get("survey", ""))
        if not survey:
            return answers
        problems: list[tuple[str, str]] = []
        for item_id, answer in answers.items():
            item = survey.item(item_id)
            if item is None:
                problems.append((item_id, f"not an item of the {survey.id} survey"))
            elif answer is not None and item.options:
                folded = " ".join(answer.split()).lower()
                if folded in item.options:
                    answers[item_id] = folded
                else:
                    options = ", ".join(repr(o) for o in item.options)
                    problems.append((item_id, f"{answer!r} is not one of {options}"))
        _raise_if(problems)
        return answers


_EVIDENCE_EXTENSIONS = ("date", "label")


class Evidence(_Model):
    id: Identifier
    source: EvidenceSource
    text: Text
    questions: list[int] = []
    indicators: list[str] = []
    kind: EvidenceKind
    care_group: CareGroupId | None = None
    # Extensions (docs/spec/bundle-extensions.md): when the meeting, focus group or
    # observation took place, and which one it was. Optional, and left out when unset,
    # so a bundle written before they existed is written back byte for byte.
    date: dt.date | None = None
    label: Annotated[str, Field(max_length=NAME_MAX), _CLEAN] | None = None

    @model_serializer(mode="wrap")
    def _omit_unset_extensions(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for key in _EVIDENCE_EXTENSIONS:
            if data.get(key) is None:
                data.pop(key, None)
        return data

    @field_validator("questions")
    @classmethod
    def _questions_exist(cls, questions: list[int], info: ValidationInfo) -> list[int]:
        programme = _programme(info)
        if programme:
            known = programme.question_numbers()
            _raise_if(
                [("", f"{programme.id} has no question {q}") for q in questions if q not in known]
            )
        return questions

    @field_validator("indicators")
    @classmethod
    def _indicators_exist(cls, indicators: list[str], info: ValidationInfo) -> list[str]:
        programme = _programme(info)
        if programme:
            known = {i.id for i in programme.indicators} | {e.id for e in programme.evaluated}
            _raise_if(
                [
                    ("", f"{i!r} is not an indicator of {programme.id}")
                    for i in indicators
                    if i not in known
                ]
            )
        return indicators


class SignificantConcern(_Model):
    id: Identifier
    summary: Annotated[str, Field(min_length=1, max_length=SUMMARY_MAX), _CLEAN]
    serious_failing: bool


class ReportStatement(_Model):
    """One sentence of the report's evaluative text, traceable to the evidence it cites."""

    id: Identifier
    text: Text
    evidence: list[Identifier] = []
    # The team's plain-language wording, used by the young people's version.
    plain: Annotated[str, Field(max_length=TEXT_MAX), _CLEAN] | None = None


def _omit_empty(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Leave out unset extensions, so a section written before they existed is written
    back byte for byte (docs/spec/bundle-extensions.md)."""
    for key in keys:
        if data.get(key) in (None, [], {}):
            data.pop(key, None)
    return data


class QuestionStatements(_Model):
    question: int
    strengths: list[ReportStatement] = []
    areas_for_development: list[ReportStatement] = []
    key_messages: list[ReportStatement] = []
    # Extension: the evaluative prose answering the question, one paragraph each.
    prose: list[ReportStatement] = []

    @model_serializer(mode="wrap")
    def _omit_unset_extensions(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_empty(handler(self), ("prose",))


class KeyFact(_Model):
    """One of the area's figures on the Key facts page, as the team found it published."""

    figure: Annotated[str, Field(min_length=1, max_length=200), _CLEAN]  # "Children aged 0 to 17"
    value: Annotated[str, Field(min_length=1, max_length=100), _CLEAN]  # "3,836"
    source: Annotated[
        str, Field(min_length=1, max_length=300), _CLEAN
    ]  # "National Records of Scotland"
    date: Annotated[str, Field(min_length=1, max_length=100), _CLEAN]  # "mid-2018"


class TeamMembers(_Model):
    """How many of the inspection team had one role from one body (no names)."""

    role: Annotated[
        str, Field(min_length=1, max_length=100), _CLEAN
    ]  # "Young inspection volunteer"
    body: Annotated[str, Field(min_length=1, max_length=200), _CLEAN]  # "Care Inspectorate"
    number: Annotated[int, Field(ge=1, le=200)]


class ProgressReview(_Model):
    """The team's intention to review progress, and when, after a weak evaluation."""

    intention: Annotated[str, Field(min_length=1, max_length=2000), _CLEAN]
    timescale: Annotated[str, Field(min_length=1, max_length=200), _CLEAN]


_SECTION_EXTENSIONS = (
    "publication_date",
    "key_facts",
    "team",
    "geography_and_demography",
    "social_and_economic",
    "the_partnership",
    "summary_strengths",
    "priority_areas",
    "progress_review",
)
# The three parts of "<area> in context" the published reports have, in their order.
CONTEXT_PARTS: tuple[tuple[str, str], ...] = (
    ("geography_and_demography", "Geography and demography"),
    ("social_and_economic", "Social and economic"),
    ("the_partnership", "The partnership"),
)


class ReportSection(_Model):
    """The report's statements (docs/spec/report-section.md); optional in a bundle."""

    status: Literal["draft", "final", "published"] = "draft"
    context: list[ReportStatement] = []
    key_messages: list[ReportStatement] = []
    questions: list[QuestionStatements] = []
    # Extensions (docs/spec/bundle-extensions.md), each left out when unset.
    publication_date: date | None = None
    key_facts: list[KeyFact] = []
    team: list[TeamMembers] = []
    geography_and_demography: list[ReportStatement] = []
    social_and_economic: list[ReportStatement] = []
    the_partnership: list[ReportStatement] = []
    # The summary's strengths and priority areas for improvement (the action plan answers these).
    summary_strengths: list[ReportStatement] = []
    priority_areas: list[ReportStatement] = []
    progress_review: ProgressReview | None = None

    @model_serializer(mode="wrap")
    def _omit_unset_extensions(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_empty(handler(self), _SECTION_EXTENSIONS)

    def statements(self) -> list[tuple[str, ReportStatement]]:
        """Every statement with its JSON path below `report`."""
        out = [(f"context[{n}]", s) for n, s in enumerate(self.context)]
        for part, _ in CONTEXT_PARTS:
            out += [(f"{part}[{n}]", s) for n, s in enumerate(getattr(self, part))]
        out += [(f"key_messages[{n}]", s) for n, s in enumerate(self.key_messages)]
        out += [(f"summary_strengths[{n}]", s) for n, s in enumerate(self.summary_strengths)]
        out += [(f"priority_areas[{n}]", s) for n, s in enumerate(self.priority_areas)]
        for q, section in enumerate(self.questions):
            for part in ("strengths", "areas_for_development", "key_messages", "prose"):
                out += [
                    (f"questions[{q}].{part}[{n}]", s) for n, s in enumerate(getattr(section, part))
                ]
        return out


class Bundle(_Model):
    format: Literal["scrutiny.inspection/1"]
    programme: Identifier
    inspection: InspectionInfo
    record_readings: list[RecordReading] = []
    survey_responses: list[SurveyResponse] = []
    evidence: list[Evidence] = []
    significant_concerns: list[SignificantConcern] = []
    group_evaluations: dict[CareGroupId, Point] = {}
    proposed_evaluations: dict[str, Point] = {}
    # Absent key: the team has not yet decided.
    team_judgements: dict[str, bool] = {}
    # Optional: absent from bundles written before the report section existed.
    report: ReportSection | None = None

    @field_validator("programme")
    @classmethod
    def _programme_is_shipped(cls, programme_id: str, info: ValidationInfo) -> str:
        if _programme(info) is None and info.context is not None:
            known = ", ".join(available_programmes())
            raise PydanticCustomError(
                "programme",
                "unknown programme {id} (known: {known})",
                {"id": repr(programme_id), "known": known},
            )
        return programme_id

    @field_validator("record_readings")
    @classmethod
    def _one_reading_per_reader_one_agreed(
        cls, readings: list[RecordReading]
    ) -> list[RecordReading]:
        seen: set[tuple[str, str]] = set()
        agreed: set[str] = set()
        problems: list[tuple[str, str]] = []
        for n, reading in enumerate(readings):
            key = (reading.record, reading.reader)
            if key in seen:
                problems.append(
                    (f"[{n}]", f"record {reading.record!r} is read twice by {reading.reader!r}")
                )
            seen.add(key)
            if reading.agreed:
                if reading.record in agreed:
                    problems.append(
                        (f"[{n}].agreed", f"record {reading.record!r} has two agreed readings")
                    )
                agreed.add(reading.record)
        _raise_if(problems)
        return readings

    @field_validator("survey_responses")
    @classmethod
    def _one_response_per_respondent(cls, responses: list[SurveyResponse]) -> list[SurveyResponse]:
        seen: set[tuple[str, str]] = set()
        problems: list[tuple[str, str]] = []
        for n, response in enumerate(responses):
            key = (response.survey, response.respondent)
            if key in seen:
                problems.append(
                    (
                        f"[{n}].respondent",
                        f"{response.respondent!r} answers the {response.survey} survey twice",
                    )
                )
            seen.add(key)
        _raise_if(problems)
        return responses

    @field_validator("evidence", "significant_concerns")
    @classmethod
    def _ids_unique(cls, entries: list[Evidence | SignificantConcern]) -> list[Any]:
        seen: set[str] = set()
        problems: list[tuple[str, str]] = []
        for n, entry in enumerate(entries):
            if entry.id in seen:
                problems.append((f"[{n}].id", f"{entry.id!r} is used twice"))
            seen.add(entry.id)
        _raise_if(problems)
        return entries

    @field_validator("proposed_evaluations")
    @classmethod
    def _evaluated_by_programme(
        cls, proposals: dict[str, int], info: ValidationInfo
    ) -> dict[str, int]:
        programme = _programme(info)
        if programme:
            known = {e.id for e in programme.evaluated}
            _raise_if(
                [
                    (key, f"{programme.id} does not evaluate {key!r}")
                    for key in proposals
                    if key not in known
                ]
            )
        return proposals

    @field_validator("team_judgements")
    @classmethod
    def _judgements_known(
        cls, judgements: dict[str, bool], info: ValidationInfo
    ) -> dict[str, bool]:
        # A misspelt judgement would silently leave the decision unmade: refuse it.
        programme = _programme(info)
        if programme:
            known = {j.id for j in programme.judgements}
            _raise_if(
                [
                    (key, f"{programme.id} has no judgement {key!r}")
                    for key in judgements
                    if key not in known
                ]
            )
        return judgements

    @field_validator("report")
    @classmethod
    def _report_cites_this_bundle(
        cls, report: ReportSection | None, info: ValidationInfo
    ) -> ReportSection | None:
        if report is None:
            return None
        problems: list[tuple[str, str]] = []
        programme = _programme(info)
        seen_questions: set[int] = set()
        for n, section in enumerate(report.questions):
            if programme and section.question not in programme.question_numbers():
                problems.append(
                    (
                        f"questions[{n}].question",
                        f"{programme.id} has no question {section.question}",
                    )
                )
            if section.question in seen_questions:
                problems.append(
                    (f"questions[{n}].question", f"question {section.question} is listed twice")
                )
            seen_questions.add(section.question)
        # Evidence that failed validation is absent from info.data: its own errors suffice.
        evidence = info.data.get("evidence")
        known = {e.id for e in evidence} if evidence is not None else None
        seen_ids: set[str] = set()
        for path, statement in report.statements():
            if statement.id in seen_ids:
                problems.append((f"{path}.id", f"{statement.id!r} is used twice"))
            seen_ids.add(statement.id)
            if known is not None:
                problems += [
                    (f"{path}.evidence[{k}]", f"no evidence {ref!r} in this bundle")
                    for k, ref in enumerate(statement.evidence)
                    if ref not in known
                ]
        _raise_if(problems)
        return report


def parse_bundle(data: bytes | str | dict[str, Any]) -> Bundle:
    """A valid bundle from JSON text or a parsed object, or BundleInvalid listing every problem."""
    if not isinstance(data, dict):
        text = data
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise BundleInvalid([f"(document): not valid JSON: {exc}"]) from None
        repeated = _duplicate_keys(text)
    else:
        repeated = []
    if not isinstance(data, dict):
        raise BundleInvalid(["(document): must be a JSON object"])
    try:
        programme: Programme | None = load_programme(str(data.get("programme")))
    except UnknownProgramme:
        programme = None
    try:
        items = frozenset(i.id for i in programme.reading_items) if programme else frozenset()
        context = {"programme": programme, "reading_items": items}
        parsed = Bundle.model_validate(data, context=context)
    except ValidationError as exc:
        raise BundleInvalid([*repeated, *_explain(exc.errors())]) from None
    if repeated:
        raise BundleInvalid(repeated)
    return parsed


class _Repeated(dict[str, Any]):
    """An object in which some key was written more than once."""

    repeated: list[str]


def _duplicate_keys(text: bytes | str) -> list[str]:
    """A problem, with its path, for every key written twice in one object.

    orjson keeps the last value silently; another reader may keep the first, so the
    same file would mean two things. A first pass only looks; the rare file with a
    repeated key is read again, keeping its shape, to name where.
    """
    found = False

    def look(pairs: list[tuple[str, Any]]) -> None:
        nonlocal found
        if len(pairs) > 1 and len({key for key, _ in pairs}) != len(pairs):
            found = True

    try:
        json.loads(text, object_pairs_hook=look)
    except RecursionError:  # orjson reads 1024 levels, this reader fewer
        return ["(document): nested too deeply"]
    if not found:
        return []

    def keep(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = _Repeated()
        out.repeated = []
        for key, value in pairs:
            if key in out and key not in out.repeated:
                out.repeated.append(key)
            out[key] = value
        return out if out.repeated else dict(out)

    problems: list[str] = []

    def walk(node: Any, loc: list[int | str]) -> None:
        if isinstance(node, dict):
            for key in getattr(node, "repeated", []):
                problems.append(f"{_path([*loc, key])}: the key {key!r} is written more than once")
            for key, value in node.items():
                walk(value, [*loc, key])
        elif isinstance(node, list):
            for n, value in enumerate(node):
                walk(value, [*loc, n])

    walk(json.loads(text, object_pairs_hook=keep), [])
    return problems


def _path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(document)"


def _explain(errors: list[Any]) -> Iterable[str]:
    for err in errors:
        path, kind, ctx = _path(err["loc"]), err["type"], err.get("ctx") or {}
        if kind == "problems":
            for sub, message in ctx["problems"]:
                joiner = "" if not sub or sub.startswith("[") else "."
                yield f"{path}{joiner}{sub}: {message}"
        elif kind == "missing":
            yield f"{path}: is required but missing"
        elif kind == "literal_error":
            yield f"{path}: {err['input']!r} is not one of {ctx['expected']}"
        elif kind in ("scale_point", "programme", "reference"):
            yield f"{path}: {err['msg']}"
        elif kind == "string_too_long":
            # Never echo a 40 MB text back: its length says enough.
            yield f"{path}: at most {ctx['max_length']} characters (got {len(err['input'])})"
        else:
            yield f"{path}: {err['msg'][0].lower()}{err['msg'][1:]} (got {_short(err['input'])})"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def bundle_to_dict(bundle: Bundle) -> dict[str, Any]:
    """The bundle as plain JSON data, every field written, scale points by name."""
    # Without a report the output stays byte-identical to bundles written before it existed.
    return bundle.model_dump(mode="json", exclude={"report"} if bundle.report is None else None)


def dump_bundle(bundle: Bundle | dict[str, Any]) -> bytes:
    """Canonical JSON: the same bundle always gives the same bytes."""
    data = bundle_to_dict(bundle) if isinstance(bundle, Bundle) else bundle
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


def bundle_json_schema() -> dict[str, Any]:
    schema = Bundle.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Inspection bundle ({FORMAT})"
    return schema
