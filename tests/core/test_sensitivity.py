"""The immediate-response limiter's margin and its fate under the second readings."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.core.sensitivity import (
    limiter_margin,
    limiter_under_second_readings,
    margin_from_ratings,
)

WEAK = 2  # the 2018 programme: "weak or unsatisfactory" is at or below weak


def test_exactly_twenty_percent_does_not_apply_and_one_more_reading_would_cross() -> None:
    margin = limiter_margin(rated=15, weak_or_unsatisfactory=3, threshold=0.2)
    assert not margin.applies
    assert margin.share == Fraction(1, 5)
    assert margin.changes_to_cross == 1
    assert margin.change == "lower"
    assert margin.explain() == (
        "3 of 15 readings (20.0%) rate the immediate response weak or unsatisfactory: not "
        "more than 20%, so the limiter does not apply. It would apply if one more reading "
        "rated it weak or unsatisfactory instead of adequate or better."
    )


def test_just_over_the_line_applies_and_one_reading_would_lift_it() -> None:
    margin = limiter_margin(rated=100, weak_or_unsatisfactory=21, threshold=0.2)
    assert margin.applies
    assert margin.changes_to_cross == 1
    assert margin.change == "raise"
    assert "21 of 100 readings (21.0%)" in margin.explain()
    assert "stop applying if one of those readings were rated adequate or better" in (
        margin.explain()
    )


def test_far_over_the_line_needs_many_readings_to_change() -> None:
    margin = limiter_margin(rated=40, weak_or_unsatisfactory=20, threshold=0.2)
    assert margin.applies
    assert margin.changes_to_cross == 12  # 8 of 40 is 20%, not more
    assert "if 12 of those readings were rated" in margin.explain()


def test_far_under_the_line() -> None:
    margin = limiter_margin(rated=40, weak_or_unsatisfactory=1, threshold=0.2)
    assert not margin.applies
    assert margin.changes_to_cross == 8  # 9 of 40 is 22.5%


def test_the_threshold_is_the_decimal_written_not_the_nearest_float() -> None:
    # 0.57 * 100 is 56.99999999999999 in floats; 57 of 100 is exactly 57%, not more.
    assert not limiter_margin(rated=100, weak_or_unsatisfactory=57, threshold=0.57).applies
    assert not limiter_margin(
        rated=100, weak_or_unsatisfactory=57, threshold=Decimal("0.57")
    ).applies
    assert limiter_margin(rated=100, weak_or_unsatisfactory=58, threshold=Fraction(57, 100)).applies


def test_nothing_rated_cannot_apply_or_cross() -> None:
    margin = limiter_margin(rated=0, weak_or_unsatisfactory=0, threshold=0.2)
    assert not margin.applies
    assert margin.share is None
    assert margin.changes_to_cross is None
    assert "cannot apply" in margin.explain()


def test_a_threshold_of_one_can_never_be_exceeded() -> None:
    margin = limiter_margin(rated=5, weak_or_unsatisfactory=5, threshold=1)
    assert not margin.applies
    assert margin.changes_to_cross is None


def test_a_threshold_of_zero_applies_on_one_weak_reading() -> None:
    assert limiter_margin(rated=5, weak_or_unsatisfactory=1, threshold=0).applies
    assert limiter_margin(rated=5, weak_or_unsatisfactory=0, threshold=0).changes_to_cross == 1


@pytest.mark.parametrize(
    ("rated", "weak", "threshold"), [(-1, 0, 0.2), (3, 4, 0.2), (3, -1, 0.2), (3, 1, 1.5)]
)
def test_it_refuses_impossible_counts(rated: int, weak: int, threshold: float) -> None:
    with pytest.raises(ValueError):
        limiter_margin(rated=rated, weak_or_unsatisfactory=weak, threshold=threshold)


@given(
    st.integers(min_value=1, max_value=300).flatmap(
        lambda r: st.tuples(st.just(r), st.integers(min_value=0, max_value=r))
    ),
    st.sampled_from([0.1, 0.2, 0.25, 0.3, 0.57]),
)
def test_changing_that_many_readings_flips_the_status_and_one_fewer_does_not(
    counts: tuple[int, int], threshold: float
) -> None:
    rated, weak = counts
    margin = limiter_margin(rated=rated, weak_or_unsatisfactory=weak, threshold=threshold)
    assert margin.applies == (Fraction(weak, rated) > Fraction(str(threshold)))
    k = margin.changes_to_cross
    if k is None:
        return
    step = -1 if margin.applies else 1
    flipped = limiter_margin(
        rated=rated, weak_or_unsatisfactory=weak + step * k, threshold=threshold
    )
    assert flipped.applies != margin.applies
    short = limiter_margin(
        rated=rated, weak_or_unsatisfactory=weak + step * (k - 1), threshold=threshold
    )
    assert short.applies == margin.applies


def test_margin_from_ratings_leaves_not_applicable_out_of_the_denominator() -> None:
    margin = margin_from_ratings([1, 2, 3, 4, None, None, 5], at_or_below=WEAK, threshold=0.2)
    assert (margin.rated, margin.weak_or_unsatisfactory) == (5, 2)
    assert margin.applies


def test_the_limiter_would_lift_under_the_second_readings() -> None:
    used = {"R-1": 2, "R-2": 2, "R-3": 4, "R-4": 4, "R-5": 5, "R-6": 3, "R-7": 4, "R-8": 4}
    second = {"R-1": 3, "R-3": 4, "R-5": 4}
    result = limiter_under_second_readings(
        used=used, second=second, at_or_below=WEAK, threshold=0.2
    )
    assert result.as_used.applies  # 2 of 8 = 25%
    assert not result.still_applies  # 1 of 8 = 12.5%
    assert result.verdict_changes
    assert [(s.record, s.used, s.second, s.crosses_line) for s in result.swaps] == [
        ("R-1", 2, 3, True),
        ("R-5", 5, 4, False),
    ]


def test_the_limiter_still_applies_when_second_readings_agree() -> None:
    used = {"R-1": 1, "R-2": 2, "R-3": 4, "R-4": 5}
    result = limiter_under_second_readings(
        used=used, second={"R-1": 2, "R-3": 4}, at_or_below=WEAK, threshold=0.2
    )
    assert result.as_used.applies and result.still_applies
    assert not result.verdict_changes
    assert [s.crosses_line for s in result.swaps] == [False]


def test_a_second_reading_of_not_applicable_moves_the_record_out_of_the_denominator() -> None:
    used = {"R-1": 2, "R-2": 4, "R-3": 4, "R-4": 4, "R-5": 4}
    result = limiter_under_second_readings(
        used=used, second={"R-2": None}, at_or_below=WEAK, threshold=0.2
    )
    assert not result.as_used.applies  # 1 of 5 = 20%
    assert result.under_second_readings.rated == 4
    assert result.still_applies  # 1 of 4 = 25%
    assert result.swaps[0].crosses_line


def test_a_second_reading_needs_a_record_in_the_sample() -> None:
    with pytest.raises(ValueError, match="R-9"):
        limiter_under_second_readings(
            used={"R-1": 3}, second={"R-9": 3}, at_or_below=WEAK, threshold=0.2
        )
