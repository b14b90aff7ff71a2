"""Small-number suppression: no figure below the threshold can be seen or worked out."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint, milp

from scrutiny.core.suppression import (
    DISCLOSURE_THRESHOLD,
    Distribution,
    SuppressedTable,
    by_answer,
    by_care_group,
    distribution,
)

FEEL_SAFE = ("yes", "mostly", "no", "not sure")
CARE = {"foster_care": "Foster care", "kinship_care": "Kinship care", "residential": "Residential"}


def respond(answer: str | None, care_group: str | None = None, **more: str) -> dict:
    answers = {"feel_safe": answer} if answer else {}
    answers.update(more)
    return {"survey": "children_and_young_people", "respondent": "x", "care_group": care_group,
            "answers": answers}  # fmt: skip


def many(n: int, answer: str | None, care_group: str | None = None, **more: str) -> list[dict]:
    return [respond(answer, care_group, **more) for _ in range(n)]


def shown(table: SuppressedTable) -> list[list[str]]:
    return [[row.total.display, *(c.display for c in row.cells)] for row in table.rows]


def test_it_hides_a_small_count_and_one_more_in_its_row():
    responses = many(20, "yes") + many(10, "mostly") + many(6, "no") + many(2, "not sure")

    table = distribution(responses, item="feel_safe", options=FEEL_SAFE, title="Safe").overall

    # 2 alone would be 38 - 20 - 10 - 6: the smallest other answer is hidden too.
    assert shown(table) == [["38", "20", "10", "not shown", "fewer than 5"]]
    assert table.rows[0].cells[0].percent_display == "53%"
    assert table.rows[0].cells[3].percent_display == "fewer than 5"
    assert table.rows[0].cells[3].value is None


def test_it_shows_everything_when_every_count_is_large_enough():
    responses = many(20, "yes") + many(10, "mostly") + many(6, "no") + many(5, "not sure")

    table = distribution(responses, item="feel_safe", options=FEEL_SAFE, title="Safe").overall

    assert shown(table) == [["41", "20", "10", "6", "5"]]
    assert not table.any_suppressed
    assert [c.value for c in table.rows[0].cells] == [20, 10, 6, 5]


def test_zero_is_a_small_number_too():
    responses = many(20, "yes") + many(10, "mostly") + many(6, "no")

    table = distribution(responses, item="feel_safe", options=FEEL_SAFE, title="Safe").overall

    # "No child is unsure" is as disclosive as "one child is unsure".
    assert shown(table)[0][4] == "fewer than 5"


def test_it_does_not_count_absent_answers():
    responses = many(6, "yes") + many(5, "no") + many(7, None)

    table = distribution(responses, item="feel_safe", options=("yes", "no"), title="Safe").overall

    assert shown(table) == [["11", "6", "5"]]
    assert table.rows[0].cells[1].percent_display == "45%"


def test_a_group_hidden_in_a_column_is_protected_against_the_overall_row():
    responses = (
        many(12, "yes", "foster_care") + many(8, "no", "foster_care")
        + many(9, "yes", "kinship_care") + many(3, "no", "kinship_care")
        + many(10, "yes", "residential") + many(7, "no", "residential")
    )  # fmt: skip

    result = distribution(
        responses,
        item="feel_safe",
        options=("yes", "no"),
        title="Safe",
        groupings=[by_care_group(CARE)],
    )
    table = result.breakdowns["care_group"]

    kinship_no = table.rows[2].cells[1]
    assert kinship_no.display == "fewer than 5"
    # kinship "no" = overall "no" - foster "no" - residential "no" - 0 unless a rectangle
    # of other cells is hidden with it.
    hidden = {(r, c) for r, row in enumerate(table.rows) for c, cell in enumerate(row.cells)
              if cell.value is None}  # fmt: skip
    assert len(hidden) >= 4
    assert len({r for r, _ in hidden}) >= 2 and len({c for _, c in hidden}) >= 2
    assert_nothing_small_recoverable(result, 5)


def test_the_overall_row_is_the_same_in_every_table():
    responses = (
        many(12, "yes", "foster_care", role="a") + many(2, "no", "foster_care", role="b")
        + many(9, "yes", "kinship_care", role="b") + many(6, "no", "kinship_care", role="a")
    )  # fmt: skip

    result = distribution(
        responses,
        item="feel_safe",
        options=("yes", "no"),
        title="Safe",
        groupings=[by_care_group(CARE), by_answer("role", ["a", "b"], title="By role")],
    )

    first_rows = [result.overall.rows[0]] + [t.rows[0] for t in result.breakdowns.values()]
    assert len({(r.total, r.cells) for r in first_rows}) == 1


def test_a_group_with_a_small_total_shows_no_figure():
    responses = many(30, "yes", "foster_care") + many(10, "no", "foster_care")
    responses += many(2, "yes", "residential") + many(1, "no", "residential")

    table = distribution(
        responses,
        item="feel_safe",
        options=("yes", "no"),
        title="Safe",
        groupings=[by_care_group(CARE)],
    ).breakdowns["care_group"]

    residential = table.rows[3]
    assert residential.label == "Residential"
    assert residential.total.display == "fewer than 5"
    assert [c.display for c in residential.cells] == ["fewer than 5", "fewer than 5"]


def test_a_percentage_is_hidden_when_its_row_total_is():
    responses = many(30, "yes", "foster_care") + many(10, "no", "foster_care")
    responses += many(2, "yes", "kinship_care") + many(6, "no", "residential")

    table = distribution(
        responses,
        item="feel_safe",
        options=("yes", "no"),
        title="Safe",
        groupings=[by_care_group(CARE)],
    ).breakdowns["care_group"]

    for row in table.rows:
        for cell in row.cells:
            if cell.percent is not None:
                assert cell.value is not None and row.total.value is not None


def test_the_threshold_is_a_parameter():
    responses = many(20, "yes") + many(7, "no")

    default = distribution(responses, item="feel_safe", options=("yes", "no"), title="S")
    stricter = distribution(
        responses, item="feel_safe", options=("yes", "no"), title="S", threshold=10
    )

    assert DISCLOSURE_THRESHOLD == 5
    assert shown(default.overall) == [["27", "20", "7"]]
    assert shown(stricter.overall)[0][2] == "fewer than 10"
    assert "fewer than 10" in stricter.overall.note


def test_it_refuses_answers_outside_the_options_and_unlisted_groups():
    with pytest.raises(ValueError, match="not options"):
        distribution([respond("perhaps")], item="feel_safe", options=FEEL_SAFE, title="S")
    with pytest.raises(ValueError, match="no row for"):
        distribution(
            [respond("yes", "aftercare")],
            item="feel_safe",
            options=FEEL_SAFE,
            title="S",
            groupings=[by_care_group(CARE)],
        )


# --- the property: an attacker with an integer-programming solver learns nothing ----


def assert_nothing_small_recoverable(result: Distribution, t: int) -> None:
    """Solve for every hidden small count from everything displayed; each must have
    at least two possible values. The attacker knows: shown counts, that 'fewer than t'
    is 0..t-1 and a secondary 'not shown' is at least t, that rows sum to their totals, that the
    groups of each breakdown sum to the overall row, and the shown percentages."""
    tables = [result.overall, *result.breakdowns.values()]
    width = len(result.overall.columns) + 1
    # Variables: one overall row, then each breakdown's group rows.
    rows_of: list[list[int]] = [list(range(width))]
    cells: list[tuple[SuppressedTable, int, int]] = []  # var -> (table, row, col) source
    for c in range(width):
        cells.append((result.overall, 0, c))
    for table in result.breakdowns.values():
        for r in range(1, len(table.rows)):
            start = len(cells)
            rows_of.append(list(range(start, start + width)))
            for c in range(width):
                cells.append((table, r, c))
    n = len(cells)

    def figure(table: SuppressedTable, r: int, c: int):
        row = table.rows[r]
        return row.total if c == 0 else row.cells[c - 1]

    big = 10_000
    lower, upper = np.zeros(n), np.full(n, big)
    for v, (table, r, c) in enumerate(cells):
        cell = figure(table, r, c)
        if cell.value is not None:
            lower[v] = upper[v] = cell.value
        elif cell.status == "small":
            upper[v] = t - 1
        elif cell.status == "secondary":
            lower[v] = t
    equations = []
    for row in rows_of:  # a row's total is the sum of its answers
        eq = np.zeros(n)
        eq[row[0]] = 1
        eq[row[1:]] = -1
        equations.append(eq)
    offset = 1
    for table in result.breakdowns.values():  # groups sum to the overall row
        groups = rows_of[offset : offset + len(table.rows) - 1]
        offset += len(groups)
        for c in range(width):
            eq = np.zeros(n)
            eq[c] = 1
            for row in groups:
                eq[row[c]] = -1
            equations.append(eq)
    constraint = LinearConstraint(np.array(equations), 0, 0)
    # The overall row is the same in every table (checked), so one set of its
    # variables stands for all of them.
    for table in tables:
        assert (table.rows[0].total, table.rows[0].cells) == (
            result.overall.rows[0].total,
            result.overall.rows[0].cells,
        )

    for v, (table, r, c) in enumerate(cells):
        if figure(table, r, c).status != "small":
            continue
        goal = np.zeros(n)
        goal[v] = 1
        low = milp(goal, integrality=np.ones(n), bounds=(lower, upper), constraints=constraint)
        high = milp(-goal, integrality=np.ones(n), bounds=(lower, upper), constraints=constraint)
        assert low.success and high.success
        assert round(low.fun) < round(-high.fun), (
            f"{table.title} row {r} column {c} is {round(low.fun)} and nothing else"
        )


respondents = st.lists(
    st.tuples(
        st.sampled_from(["yes", "mostly", "no", None]),
        st.sampled_from([*CARE, None]),
        st.sampled_from(["social work", "health", "police"]),
    ),
    max_size=80,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(respondents, st.integers(min_value=2, max_value=6), st.booleans())
def test_no_displayed_figure_reveals_a_small_count(people, threshold, with_groups):
    responses = [respond(a, g, role=role) for a, g, role in people]
    options = ("yes", "mostly", "no")
    groupings = (
        [by_care_group(CARE), by_answer("role", ["social work", "health", "police"], title="R")]
        if with_groups
        else []
    )

    result = distribution(
        responses,
        item="feel_safe",
        options=options,
        title="Safe",
        groupings=groupings,
        threshold=threshold,
    )

    # What is shown is true, and nothing small is shown.
    answered = [r for r in responses if "feel_safe" in r["answers"]]
    overall = result.overall.rows[0]
    for option, cell in zip(options, overall.cells, strict=True):
        true = sum(1 for r in answered if r["answers"]["feel_safe"] == option)
        assert cell.value in (None, true)
        if true < threshold:
            assert cell.status in ("small", "withheld")
        else:
            assert cell.status != "small"
    for table in [result.overall, *result.breakdowns.values()]:
        for row in table.rows:
            for cell in (row.total, *row.cells):
                assert cell.value is None or cell.value >= threshold
            for cell in row.cells:
                if cell.percent is not None:
                    assert cell.value is not None and row.total.value is not None
    assert_nothing_small_recoverable(result, threshold)
