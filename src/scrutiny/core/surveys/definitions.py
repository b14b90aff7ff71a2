"""The shapes a survey import reads against (the programme's surveys fit them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypedDict


class SurveyItem(Protocol):
    """One question of a programme survey. Empty ``options`` means free text."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def options(self) -> Sequence[str]: ...


class SurveyDefinition(Protocol):
    """A programme survey (``load_programme(...).surveys`` entries fit this)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def items(self) -> Sequence[SurveyItem]: ...


class SurveyResponse(TypedDict):
    """One entry of the bundle's ``survey_responses``."""

    survey: str
    respondent: str
    care_group: str | None
    answers: dict[str, str]


CARE_GROUPS = (
    "looked_after_at_home",
    "kinship_care",
    "foster_care",
    "residential",
    "short_breaks",
    "aftercare",
)
