"""Small-number suppression for survey results: the one table model every output uses.

Survey results are counts of respondents per answer option, overall and broken down
by care group or respondent type. Published figures must never let a reader identify
a child, so:

* **Primary suppression.** Any count below ``DISCLOSURE_THRESHOLD`` (0 included: "none
  of the 3 children in residential care feel safe" discloses as much as a 1), and its
  percentage, is shown as "fewer than 5".
* **Secondary suppression.** A hidden count can often be recovered by subtraction
  from a row total, a column total (the overall row) or another table showing the
  same overall row. For every hidden count we also hide the other three corners of a
  rectangle of cells, so that moving one respondent around the rectangle gives
  another table consistent with everything shown (the "hypercube" method of
  statistical disclosure control). Those extra cells read "not shown": they are 5 or
  more, and saying "fewer than 5" of them would be false.
* Percentages are shown only where both the count and its row total are shown (a
  percentage and a count give the total away).

Pages, CSV/XLSX exports and charts all render ``SuppressedTable``; none of them
should ever see a raw count. ``tests/core/test_suppression.py`` checks, with an
integer-programming attacker, that no hidden count below the threshold can be
worked out from what is displayed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import Any, Literal

DISCLOSURE_THRESHOLD = 5
"""Statistical disclosure control rule: counts of fewer than 5 respondents (and the
percentages made from them) are never published, and neither is any figure from
which such a count could be worked out. The rule of thumb of official statistics in
Scotland for counts about individuals; a programme may set a higher threshold."""

# shown; small: "fewer than t"; secondary: hidden so a small one cannot be worked out
# (so at least t); withheld: the whole item is hidden, nothing said about any figure.
Status = Literal["shown", "small", "secondary", "withheld"]


@dataclass(frozen=True)
class Cell:
    """One figure as published. ``value`` is None whenever it must not be shown."""

    value: int | None
    display: str
    percent: float | None  # share of the row total, 0-100, when both are shown
    percent_display: str
    status: Status


@dataclass(frozen=True)
class Row:
    key: str | None  # the group (care group id, role ...); None for "not recorded"
    label: str
    cells: tuple[Cell, ...]  # one per answer option, in the table's column order
    total: Cell  # respondents in this row who answered the item


@dataclass(frozen=True)
class SuppressedTable:
    title: str
    columns: tuple[str, ...]  # answer options
    rows: tuple[Row, ...]  # first row: everyone who answered
    threshold: int

    @property
    def note(self) -> str:
        return suppression_note(self.threshold)

    @property
    def any_suppressed(self) -> bool:
        return any(c.status != "shown" for r in self.rows for c in (*r.cells, r.total))


def suppression_note(threshold: int = DISCLOSURE_THRESHOLD) -> str:
    """The footnote every table, export and chart with suppressed figures carries."""
    return (
        f"To protect the identity of children, young people and families, numbers of "
        f"fewer than {threshold} respondents are shown as 'fewer than {threshold}', and "
        f"other figures from which they could be worked out are 'not shown'."
    )


@dataclass(frozen=True)
class Grouping:
    """How to break the respondents down. ``groups`` must cover every respondent:
    a group that is left out could be worked out as the overall minus the rest."""

    name: str
    title: str
    key: Callable[[Mapping[str, Any]], str | None]
    groups: Sequence[tuple[str | None, str]]  # (key, label) in display order


def by_care_group(
    labels: Mapping[str, str], *, none_label: str = "Not care experienced"
) -> Grouping:
    """Rows per care group (bundle ids), plus respondents with no care group."""
    groups: list[tuple[str | None, str]] = list(labels.items())
    groups.append((None, none_label))
    return Grouping("care_group", "By care group", lambda r: r.get("care_group"), groups)


def by_answer(
    item_id: str, options: Sequence[str], *, title: str, none_label: str = "Not given"
) -> Grouping:
    """Rows per answer to another item: the respondent type (for staff, their role)."""
    groups: list[tuple[str | None, str]] = [(o, o.capitalize()) for o in options]
    groups.append((None, none_label))

    def key(response: Mapping[str, Any]) -> str | None:
        answer = response.get("answers", {}).get(item_id)
        return answer if isinstance(answer, str) else None

    return Grouping(item_id, title, key, groups)


@dataclass(frozen=True)
class Distribution:
    """One survey item's answers: overall, and per grouping, all suppressed together."""

    item: str
    overall: SuppressedTable
    breakdowns: dict[str, SuppressedTable]  # grouping name -> table (first row = overall)


def distribution(
    responses: Iterable[Mapping[str, Any]],
    *,
    item: str,
    options: Sequence[str],
    title: str,
    groupings: Sequence[Grouping] = (),
    threshold: int = DISCLOSURE_THRESHOLD,
) -> Distribution:
    """Count the answers to ``item`` (absent answers are not counted) and suppress.

    The overall row appears in every table, so it is suppressed identically in all
    of them: a figure hidden in one table and shown in another would undo the
    protection.
    """
    if threshold < 2:
        raise ValueError("the threshold must be at least 2: a hidden 0 of 0 is still known")
    answered = [r for r in responses if r.get("answers", {}).get(item) is not None]
    overall = [sum(1 for r in answered if r["answers"][item] == o) for o in options]
    unknown = {r["answers"][item] for r in answered} - set(options)
    if unknown:
        raise ValueError(f"answers to {item} that are not options: {sorted(unknown)}")

    tables: list[list[list[int]]] = []
    for g in groupings:
        keys = [k for k, _ in g.groups]
        stray = {g.key(r) for r in answered} - set(keys)
        if stray:
            raise ValueError(f"grouping {g.name} has no row for {sorted(map(str, stray))}")
        tables.append(
            [
                _with_total(
                    [
                        sum(1 for r in answered if g.key(r) == k and r["answers"][item] == o)
                        for o in options
                    ]  # fmt: skip
                )
                for k in keys
            ]
        )
    first = _with_total(overall)
    hidden = _suppress(first, tables, threshold)

    def table(
        title: str, rows: list[list[int]], labels: Sequence[tuple[str | None, str]], k: int
    ) -> SuppressedTable:
        cells = None
        if hidden is not None:
            cells = {(0, c) for (j, _, c) in hidden if j == _OVERALL}
            cells |= {(g + 1, c) for (j, g, c) in hidden if j == k}
        return _table(title, options, [first, *rows], [(None, "All respondents"), *labels],
                      cells, threshold)  # fmt: skip

    return Distribution(
        item=item,
        overall=table(title, [], [], _OVERALL),
        breakdowns={
            g.name: table(f"{title}: {g.title.lower()}", rows, g.groups, k)
            for k, (g, rows) in enumerate(zip(groupings, tables, strict=True))
        },
    )


# --- the suppression itself ----------------------------------------------------
#
# Every row is extended with its total in column 0. The overall row is shared by all
# tables; each breakdown's group rows sum to it. A cell is (table, row, column), with
# table _OVERALL for the overall row.
#
# A hidden small count is safe when some change of one respondent, applied to hidden
# cells only, keeps every row and column sum and every hidden cell inside what a
# reader knows of it. Two kinds of change do that:
#   * within one breakdown: +1/-1 on the four corners of a rectangle of group rows;
#   * through the overall row: two overall cells move, and in every breakdown one
#     group row moves with them (otherwise that table would give the change away).

_OVERALL = -1
_Cell = tuple[int, int, int]


def _with_total(counts: list[int]) -> list[int]:
    return [sum(counts), *counts]


def _suppress(first: list[int], tables: list[list[list[int]]], t: int) -> set[_Cell] | None:
    """The cells to hide, or None when no pattern protects every small count.

    The search depends on the counts alone and is most of a results page's time, so the
    answer for the same counts is remembered (the same survey is shown again and again).
    """
    hidden = _suppress_counts(tuple(first), tuple(tuple(map(tuple, rows)) for rows in tables), t)
    return None if hidden is None else set(hidden)


@lru_cache(maxsize=4096)
def _suppress_counts(
    first: tuple[int, ...], tables: tuple[tuple[tuple[int, ...], ...], ...], t: int
) -> frozenset[_Cell] | None:
    hidden = _search(list(first), [[list(row) for row in rows] for rows in tables], t)
    return None if hidden is None else frozenset(hidden)


def _search(first: list[int], tables: list[list[list[int]]], t: int) -> set[_Cell] | None:
    columns = range(len(first))

    def value(x: _Cell) -> int:
        k, g, c = x
        return first[c] if k == _OVERALL else tables[k][g][c]

    def can_move(x: _Cell, step: int) -> bool:
        # What a reader knows of a hidden cell: "fewer than t" is 0..t-1, "not shown" >= t.
        v = value(x)
        return 0 <= v + step < t if v < t else v + step >= t

    every = [(_OVERALL, 0, c) for c in columns] + [
        (k, g, c) for k, rows in enumerate(tables) for g in range(len(rows)) for c in columns
    ]
    primary = [x for x in every if value(x) < t]
    hidden = set(primary)

    def cost(move: dict[_Cell, int]) -> tuple[int, int]:
        new = [x for x in move if x not in hidden]
        return len(new), sum(value(x) for x in new)

    def feasible(move: dict[_Cell, int]) -> bool:
        return all(can_move(x, step) for x, step in move.items())

    for k, g, c in primary:
        moves: list[dict[_Cell, int]] = []
        for c2, d in product(columns, (1, -1)):
            if c2 == c:
                continue
            b = 1 if 0 in (c, c2) else -1  # a total moves with its members
            if k != _OVERALL:
                for g2 in range(len(tables[k])):
                    if g2 != g:
                        moves.append({(k, g, c): d, (k, g, c2): d * b,
                                      (k, g2, c): -d, (k, g2, c2): -d * b})  # fmt: skip
            through: dict[_Cell, int] | None = {(_OVERALL, 0, c): d, (_OVERALL, 0, c2): d * b}
            for j, rows in enumerate(tables):
                partners = [
                    m
                    for h in ([g] if j == k else range(len(rows)))
                    if feasible(m := {(j, h, c): d, (j, h, c2): d * b})
                ]
                if not partners or through is None:
                    through = None
                    break
                partner: dict[_Cell, int] = min(partners, key=cost)
                through.update(partner)
            if through is not None:
                moves.append(through)
        possible = [m for m in moves if feasible(m)]
        if not possible:
            # Tiny, lopsided tables. Even hiding every cell would not do while "fewer
            # than t" and "not shown" tell small from large, so nothing is said at all.
            return None
        chosen: dict[_Cell, int] = min(possible, key=cost)
        hidden.update(chosen)
    return hidden


def _cell(value: int, total: int, status: Status, total_shown: bool, t: int) -> Cell:
    if status == "small":
        text = f"fewer than {t}"
        return Cell(None, text, None, text, status)
    if status in ("secondary", "withheld"):
        return Cell(None, "not shown", None, "not shown", status)
    if not total_shown or total == 0:
        return Cell(value, str(value), None, "not shown", status)
    percent = 100 * value / total
    return Cell(value, str(value), percent, f"{percent:.0f}%", status)


def _table(
    title: str,
    options: Sequence[str],
    grid: list[list[int]],
    groups: Sequence[tuple[str | None, str]],
    hidden: set[tuple[int, int]] | None,  # (row, column) of this table's grid; None: all
    t: int,
) -> SuppressedTable:
    def status(r: int, c: int) -> Status:
        if hidden is None:
            return "withheld"
        if (r, c) not in hidden:
            return "shown"
        return "small" if grid[r][c] < t else "secondary"

    rows = []
    for r, ((key, label), values) in enumerate(zip(groups, grid, strict=False)):
        total_status = status(r, 0)
        total = _cell(values[0], values[0], total_status, True, t)
        total = Cell(total.value, total.display, None, "", total.status)
        cells = tuple(
            _cell(values[c], values[0], status(r, c), total_status == "shown", t)
            for c in range(1, len(values))
        )
        rows.append(Row(key, label, cells, total))
    return SuppressedTable(title, tuple(options), tuple(rows), t)
