from typing import Any

from django import template

from scrutiny.core.statistics import percent as core_percent

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A share as the core writes it on every team screen (docs/house-rules.md)."""
    return core_percent(share)


@register.filter
def share_of(distribution: Any, which: str) -> str:
    """The share good or better ("good") or weak or unsatisfactory ("weak") of those rated."""
    count = distribution.good_or_better if which == "good" else distribution.weak_or_unsatisfactory
    return percent(distribution.share(count))


@register.filter
def prepend(rest: list[Any], first: Any) -> list[Any]:
    return [first, *rest]


@register.filter
def scale_label(value: int | None, points: Any) -> str:
    """A rating in words; None is not applicable."""
    if value is None:
        return "Not applicable"
    return next((p.label for p in points if p.value == value), str(value))
