"""How close the immediate-response limiter is to its line, and how it would fare
under the second readers' ratings.

The limiter caps QI 2.1 when *more than* a threshold share (20% in the 2018
programme) of the agreed readings that rate the immediate response to child
protection concerns rate it weak or unsatisfactory. Readings where the item is not
applicable are outside the denominator. A team needs two more facts beside the
share:

- the margin: how many readings would have to be rated differently for the limiter
  to change (to stop applying, or to start), so a figure of 21% resting on one
  reading is seen as fragile;
- whether the limiter would still apply had the second readers' ratings been used
  for the records read twice.

Shares are compared exactly (fractions): `weak > threshold * rated` with the
threshold taken as the decimal it was written as, so 20% of 15 is exactly 3.
Ratings are points 1..6 (1 unsatisfactory .. 6 excellent); the programme says which
point counts as the top of "weak or unsatisfactory" (`at_or_below`, 2 for weak).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from scrutiny.core.statistics import exact_threshold, exceeds, level, percent


@dataclass(frozen=True)
class LimiterMargin:
    """The limiter's status from counts, and how many readings would change it.

    `changes_to_cross` readings would have to be rated differently for the status to
    flip: when the limiter applies, readings now weak or unsatisfactory rated adequate
    or better (`change` "raise"); when it does not, readings now adequate or better
    rated weak or unsatisfactory (`change` "lower"). None when no change can flip it
    (nothing rated, or a threshold of 100% that no share can exceed).
    """

    rated: int
    weak_or_unsatisfactory: int
    threshold: Fraction
    applies: bool
    changes_to_cross: int | None
    change: Literal["raise", "lower"]

    @property
    def share(self) -> Fraction | None:
        if not self.rated:
            return None
        return Fraction(self.weak_or_unsatisfactory, self.rated)

    def explain(self) -> str:
        """The margin in words, for the results page and the report's working."""
        share = self.share
        if share is None:
            return "No reading rates the immediate response, so the limiter cannot apply."
        line = level(self.threshold)
        verdict = (
            f"more than {line}, so the limiter applies."
            if self.applies
            else f"not more than {line}, so the limiter does not apply."
        )
        status = (
            f"{self.weak_or_unsatisfactory} of {self.rated} readings ({percent(share)}) rate "
            f"the immediate response weak or unsatisfactory: {verdict}"
        )
        n = self.changes_to_cross
        if n is None:
            return status
        if self.applies:
            which = "one of those readings" if n == 1 else f"{n} of those readings"
            return f"{status} It would stop applying if {which} were rated adequate or better."
        more = "one more reading" if n == 1 else f"{n} more readings"
        return (
            f"{status} It would apply if {more} rated it weak or unsatisfactory instead of "
            "adequate or better."
        )


def limiter_margin(
    *, rated: int, weak_or_unsatisfactory: int, threshold: float | Fraction | Decimal
) -> LimiterMargin:
    """Status and margin of a "more than a share" limiter from its two counts.

    Applies when weak / rated > threshold (strictly). With t the threshold, w the weak
    or unsatisfactory readings and r the rated ones (changes keep r fixed):
    - applies: the fewest k with (w - k) / r <= t is k = w - floor(t r);
    - does not: the fewest k with (w + k) / r > t is k = floor(t r) + 1 - w, possible
      only when that is at most r - w.
    """
    if rated < 0 or not 0 <= weak_or_unsatisfactory <= rated:
        raise ValueError("need 0 <= weak_or_unsatisfactory <= rated")
    t = exact_threshold(threshold)
    line = math.floor(t * rated)  # the most weak readings that do not exceed the share
    applies = exceeds(weak_or_unsatisfactory, rated, t)
    if applies:
        return LimiterMargin(
            rated, weak_or_unsatisfactory, t, True, weak_or_unsatisfactory - line, "raise"
        )
    needed = line + 1 - weak_or_unsatisfactory
    possible = rated > 0 and needed <= rated - weak_or_unsatisfactory
    return LimiterMargin(
        rated, weak_or_unsatisfactory, t, False, needed if possible else None, "lower"
    )


def margin_from_ratings(
    ratings: Iterable[int | None], *, at_or_below: int, threshold: float | Fraction | Decimal
) -> LimiterMargin:
    """`limiter_margin` counted from ratings (None, not applicable, is left out)."""
    rated = weak = 0
    for rating in ratings:
        if rating is None:
            continue
        rated += 1
        weak += rating <= at_or_below
    return limiter_margin(rated=rated, weak_or_unsatisfactory=weak, threshold=threshold)


@dataclass(frozen=True)
class RatingSwap:
    """A re-read record whose second reading differs from the rating in use."""

    record: str
    used: int | None
    second: int | None
    crosses_line: bool  # one side weak or unsatisfactory, the other not (or not applicable)


@dataclass(frozen=True)
class SecondReadingSensitivity:
    """The limiter as the engine sees it and with the second readers' ratings swapped in."""

    as_used: LimiterMargin
    under_second_readings: LimiterMargin
    swaps: tuple[RatingSwap, ...]

    @property
    def still_applies(self) -> bool:
        return self.under_second_readings.applies

    @property
    def verdict_changes(self) -> bool:
        return self.as_used.applies != self.under_second_readings.applies


def limiter_under_second_readings(
    *,
    used: Mapping[str, int | None],
    second: Mapping[str, int | None],
    at_or_below: int,
    threshold: float | Fraction | Decimal,
) -> SecondReadingSensitivity:
    """Would the limiter still apply if the second readers' ratings replaced the ones used?

    `used` maps every sampled record to the immediate-response rating the engine uses
    (the agreed reading, otherwise the first); `second` maps each re-read record to
    its second reader's rating. None is not applicable, which moves a record in or out
    of the denominator. A second reading of a record not in `used` is a ValueError.
    """
    stray = sorted(set(second) - set(used))
    if stray:
        raise ValueError(f"second readings for records not in the sample: {stray}")
    swapped = {**used, **second}
    swaps = tuple(
        RatingSwap(
            record=record,
            used=used[record],
            second=rating,
            crosses_line=_is_weak(used[record], at_or_below) != _is_weak(rating, at_or_below)
            or (used[record] is None) != (rating is None),
        )
        for record, rating in sorted(second.items())
        if used[record] != rating
    )
    return SecondReadingSensitivity(
        as_used=margin_from_ratings(used.values(), at_or_below=at_or_below, threshold=threshold),
        under_second_readings=margin_from_ratings(
            swapped.values(), at_or_below=at_or_below, threshold=threshold
        ),
        swaps=swaps,
    )


def _is_weak(rating: int | None, at_or_below: int) -> bool:
    return rating is not None and rating <= at_or_below
