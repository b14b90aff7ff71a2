"""The methodology as data: programme files, loaded and checked.

A programme file (TOML, in `programmes/`) holds everything an inspection programme
defines: questions, quality indicators, the scale, care groups, reading-tool items,
survey items, statistics and limiter rules. A new programme is a new file, not code.
"""

from __future__ import annotations

import tomllib
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scrutiny.core.scale import build_lookup, parse_point
from scrutiny.core.timetable.model import Timetable

PROGRAMMES_DIR = Path(__file__).parent / "programmes"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProgrammeInvalid(ValueError):
    """A programme file that cannot be used; the message names the file and field."""


class UnknownProgramme(ValueError):
    """A bundle or inspection names a programme that is not shipped."""


class ScalePoint(_Frozen):
    value: Annotated[int, Field(ge=1, le=6)]
    name: str
    label: str
    meaning: str


class Scale(_Frozen):
    title: str
    points: tuple[ScalePoint, ...]

    @model_validator(mode="after")
    def _six_distinct_points(self) -> Scale:
        if sorted(p.value for p in self.points) != [1, 2, 3, 4, 5, 6]:
            raise ValueError("the scale must have the points 6 to 1, each once")
        return self

    def parse(self, raw: object) -> int | None:
        """The point `raw` names (any case, or its number); None for not applicable."""
        return parse_point(raw, self._lookup)

    def name(self, value: int) -> str:
        return self._by_value[value].name

    def label(self, value: int) -> str:
        return self._by_value[value].label

    def meaning(self, value: int) -> str:
        return self._by_value[value].meaning

    @cached_property
    def _by_value(self) -> dict[int, ScalePoint]:
        return {p.value: p for p in self.points}

    @cached_property
    def _lookup(self) -> dict[object, int | None]:
        return build_lookup({p.value: p.name for p in self.points})


class Question(_Frozen):
    number: int
    text: str
    short: str


class Indicator(_Frozen):
    id: str
    title: str
    area: str
    domain: str
    # The public texts leave some titles uncertain; the interface shows the mark.
    uncertain: bool = False
    description: str = ""

    @property
    def label(self) -> str:
        """ "5.1 Providing help and support at an early stage (title uncertain)"."""
        return indicator_text(self.id, self.title, uncertain=self.uncertain)


def indicator_text(indicator_id: str, title: str, *, uncertain: bool) -> str:
    """An indicator named as the pages name it, with the mark its uncertain title needs."""
    return f"{indicator_id} {title}{' (title uncertain)' if uncertain else ''}"


class EvaluatedIndicator(_Frozen):
    id: str
    title: str
    covers: tuple[str, ...]
    questions: tuple[int, ...] = ()


class CareGroup(_Frozen):
    id: str
    label: str
    description: str = ""


class ReadingItem(_Frozen):
    id: str
    title: str
    prompt: str
    section: str
    # Where the item comes from: the published method, or Scrutiny's own design of the
    # parts of the reading tool the public texts do not give. Reports say which is which.
    provenance: Literal["published", "scrutiny"]
    questions: tuple[int, ...] = ()
    indicators: tuple[str, ...] = ()

    @property
    def published(self) -> bool:
        return self.provenance == "published"


class SurveyItem(_Frozen):
    id: str
    text: str
    # No options: a free-text item.
    options: tuple[str, ...] = ()

    @property
    def free_text(self) -> bool:
        return not self.options


class Survey(_Frozen):
    id: str
    title: str
    respondents: str
    items: tuple[SurveyItem, ...]

    def item(self, item_id: str) -> SurveyItem | None:
        return next((i for i in self.items if i.id == item_id), None)


class ReadingShare(_Frozen):
    """Share of agreed readings rating an item at or below a point."""

    id: str
    kind: Literal["reading_share"]
    title: str
    item: str
    at_or_below: str
    denominator_key: str = "rated"
    count_key: str
    # For sentences: "24 of 100 {counted} (24.0%) {describes}".
    counted: str
    describes: str


class SurveyShare(_Frozen):
    """Share of respondents to a survey item giving one of some answers."""

    id: str
    kind: Literal["survey_share"]
    title: str
    survey: str
    item: str
    answers: tuple[str, ...]
    denominator_key: str = "answered"
    count_key: str
    # For sentences: "24 of 100 {counted} (24.0%) {describes}".
    counted: str
    describes: str


Statistic = Annotated[ReadingShare | SurveyShare, Field(discriminator="kind")]


class Judgement(_Frozen):
    id: str
    question: str
    # The sentence that explains a cap when the team answers yes.
    affirmed: str
    # The figure the judgement weighs, quoted beside it.
    statistic: str | None = None
    help: str = ""


# The fixed vocabulary of limiter conditions the engine understands.
class AnySeriousFailing(_Frozen):
    kind: Literal["any_serious_failing"]


class ShareMoreThan(_Frozen):
    kind: Literal["share_more_than"]
    statistic: str
    threshold: Annotated[float, Field(ge=0, le=1)]


class TeamJudgement(_Frozen):
    kind: Literal["team_judgement"]
    judgement: str


class AnyGroupAtOrBelow(_Frozen):
    kind: Literal["any_group_at_or_below"]
    point: str


Condition = Annotated[
    AnySeriousFailing | ShareMoreThan | TeamJudgement | AnyGroupAtOrBelow,
    Field(discriminator="kind"),
]


class Limiter(_Frozen):
    id: str
    indicator: str
    cap: str
    title: str
    condition: Condition


# The fixed vocabulary of reasons an evaluation cannot yet be final.
class ShareUnjudged(_Frozen):
    """A statistic has reached its alert level and the team has not made its judgement."""

    kind: Literal["share_at_least_unjudged"]
    statistic: str
    threshold: Annotated[float, Field(ge=0, le=1)]
    judgement: str


class SampledGroupUnevaluated(_Frozen):
    """A care group present in the record sample has no group evaluation."""

    kind: Literal["sampled_group_unevaluated"]


PendingCondition = Annotated[ShareUnjudged | SampledGroupUnevaluated, Field(discriminator="kind")]


class PendingRule(_Frozen):
    id: str
    indicator: str
    condition: PendingCondition


class Term(_Frozen):
    term: str
    meaning: str


class ScaleDefinition(_Frozen):
    point: str  # a scale point's name
    definition: str  # the long definition the report's appendix prints
    # The young people's version's word for the rating, and what it means, plainly.
    plain: str
    plain_meaning: str


class ReportWording(_Frozen):
    """What the report says about the programme, in the programme's own words.

    Everything the published report says about the method (who inspects, whom the
    inspection is about, what the questions are called, how soon the action plan is
    due) comes from here, so a report of one programme never speaks of another's.
    """

    lead_body: str  # "the Care Inspectorate"
    partner_bodies: tuple[str, ...]
    # Whom the inspections are about: "children and young people in need of care and protection".
    scope: str
    remit: tuple[str, ...]  # paragraphs of "Our remit"
    # What the questions are called: "inspection question" or "inspection statement".
    question_noun: str
    question_noun_plural: str
    framework: str  # one paragraph introducing the quality framework
    caveat: str  # the sampling caveat on the cover
    action_plan_weeks: Annotated[int, Field(ge=1, le=52)]
    progress_review: str  # what may follow a weak or unsatisfactory evaluation
    young_people_title: str  # with {partnership}
    young_people_intro: str  # "We looked at how well ..." with {partnership}
    terms: tuple[Term, ...]
    scale_definitions: tuple[ScaleDefinition, ...]

    def definition(self, point_name: str) -> ScaleDefinition | None:
        return next((d for d in self.scale_definitions if d.point == point_name), None)


class Programme(_Frozen):
    id: str
    version: str
    title: str
    short_title: str
    status_note: str = ""
    report_title: str
    questions: tuple[Question, ...]
    scale: Scale
    indicators: tuple[Indicator, ...]
    evaluated: tuple[EvaluatedIndicator, ...]
    care_groups: tuple[CareGroup, ...]
    reading_items: tuple[ReadingItem, ...]
    surveys: tuple[Survey, ...]
    # A programme may publish no limiters (2021), and so no figures or judgements for them.
    statistics: tuple[Statistic, ...] = ()
    judgements: tuple[Judgement, ...] = ()
    limiters: tuple[Limiter, ...] = ()
    pending: tuple[PendingRule, ...] = ()
    report: ReportWording
    # The stages and milestones in weeks from the notification (core/timetable).
    timetable: Timetable | None = None

    @model_validator(mode="after")
    def _references_resolve(self) -> Programme:
        problems = list(_dangling_references(self))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def question_numbers(self) -> tuple[int, ...]:
        return tuple(q.number for q in self.questions)

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)

    def evaluated_indicator(self, indicator_id: str) -> EvaluatedIndicator | None:
        return next((e for e in self.evaluated if e.id == indicator_id), None)

    def survey(self, survey_id: str) -> Survey | None:
        return next((s for s in self.surveys if s.id == survey_id), None)

    def care_group_label(self, group_id: str | None) -> str:
        group = next((g for g in self.care_groups if g.id == group_id), None)
        return group.label if group else "Not care experienced"

    def statistic(self, statistic_id: str) -> ReadingShare | SurveyShare:
        return next(s for s in self.statistics if s.id == statistic_id)


def _dangling_references(p: Programme) -> list[str]:
    """Cross-references inside a programme file that point at nothing."""
    names = {pt.name for pt in p.scale.points}
    indicator_ids = {i.id for i in p.indicators}
    evaluated_ids = {e.id for e in p.evaluated}
    item_ids = {i.id for i in p.reading_items}
    statistic_ids = {s.id for s in p.statistics}
    judgement_ids = {j.id for j in p.judgements}
    questions = set(p.question_numbers())
    problems: list[str] = []
    defined = [d.point for d in p.report.scale_definitions]
    if sorted(defined) != sorted(names):
        problems.append(
            "report.scale_definitions: must define each point of the scale once "
            f"(defined: {', '.join(defined) or 'none'})"
        )
    for e in p.evaluated:
        problems += [
            f"evaluated.{e.id}.covers: no indicator {c!r}"
            for c in e.covers
            if c not in indicator_ids
        ]
    for item in p.reading_items:
        problems += [
            f"reading_items.{item.id}.questions: no question {q}"
            for q in item.questions
            if q not in questions
        ]
        problems += [
            f"reading_items.{item.id}.indicators: no indicator {i!r}"
            for i in item.indicators
            if i not in indicator_ids
        ]
    for s in p.statistics:
        if isinstance(s, ReadingShare):
            if s.item not in item_ids:
                problems.append(f"statistics.{s.id}.item: no reading item {s.item!r}")
            if s.at_or_below not in names:
                problems.append(f"statistics.{s.id}.at_or_below: {s.at_or_below!r} is not a point")
        else:
            survey = p.survey(s.survey)
            if survey is None or survey.item(s.item) is None:
                problems.append(f"statistics.{s.id}: no survey item {s.survey}.{s.item}")
    rules: list[Limiter | PendingRule] = [*p.limiters, *p.pending]
    for rule in rules:
        where = f"{'limiters' if isinstance(rule, Limiter) else 'pending'}.{rule.id}"
        if rule.indicator not in evaluated_ids:
            problems.append(f"{where}.indicator: {rule.indicator!r} is not evaluated")
        if isinstance(rule, Limiter) and rule.cap not in names:
            problems.append(f"{where}.cap: {rule.cap!r} is not a point of the scale")
        c = rule.condition
        statistic = getattr(c, "statistic", None)
        if statistic not in (None, *statistic_ids):
            problems.append(f"{where}.condition.statistic: no statistic {statistic!r}")
        judgement = getattr(c, "judgement", None)
        if judgement not in (None, *judgement_ids):
            problems.append(f"{where}.condition.judgement: no judgement {judgement!r}")
        if isinstance(c, AnyGroupAtOrBelow) and c.point not in names:
            problems.append(f"{where}.condition.point: {c.point!r} is not a point of the scale")
    return problems


def available_programmes() -> list[str]:
    return sorted(p.stem for p in PROGRAMMES_DIR.glob("*.toml"))


@cache
def load_programme(programme_id: str) -> Programme:
    """The shipped programme with this id, checked; cached, since programmes are immutable."""
    path = PROGRAMMES_DIR / f"{programme_id}.toml"
    if programme_id not in available_programmes():
        known = ", ".join(available_programmes())
        raise UnknownProgramme(f"unknown programme {programme_id!r} (known: {known})")
    return load_programme_file(path)


def load_programme_file(path: Path) -> Programme:
    """Load any programme file; errors name the file and the field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProgrammeInvalid(f"{path.name}: {exc}") from exc
    try:
        programme = Programme.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{path.name}: {'.'.join(str(part) for part in err['loc']) or '(top level)'}: "
            f"{err['msg']}"
            for err in exc.errors()
        ]
        raise ProgrammeInvalid("\n".join(lines)) from exc
    if programme.id != path.stem:
        raise ProgrammeInvalid(f"{path.name}: id: {programme.id!r} differs from the file name")
    return programme
