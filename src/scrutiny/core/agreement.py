"""Agreement between the first and second readings of the same case records.

A share of the sampled records is read again by a second reader who has not seen the
first reading. For each reading-tool item, and overall, this module compares the two
ratings of every record read twice, on the six-point scale (1 unsatisfactory .. 6
excellent). A pair where either reading says *not applicable* (None) is left out of
every figure and listed separately, so nobody wonders where it went.

The figures, for a q x q table of counts n_ij (row i: the first reading's point,
column j: the second reading's), N = sum n_ij, p_ij = n_ij / N, margins p_i. (first
reading) and p_.j (second reading), and agreement weights w_ij (1 on the diagonal):

- percentage agreement: sum_i p_ii; agreement within one point: sum_{|i-j|<=1} p_ij.
- weighted Cohen's kappa (Cohen 1968, Psychological Bulletin 70:213-220):
  kappa_w = (p_o - p_e) / (1 - p_e), p_o = sum w_ij p_ij, p_e = sum w_ij p_i. p_.j
- quadratic weights w_ij = 1 - (i - j)^2 / (q - 1)^2 (Fleiss & Cohen 1973); linear
  weights w_ij = 1 - |i - j| / (q - 1) (Cicchetti & Allison 1971).
- Gwet's AC2 (Gwet 2014, *Handbook of Inter-Rater Reliability*, 4th ed., ch. 3):
  AC2 = (p_a - p_e) / (1 - p_e), p_a = sum w_ij p_ij, pi_k = (p_k. + p_.k) / 2,
  p_e = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k), T_w = sum w_ij.

Why AC2 beside kappa: when most ratings are *good*, chance agreement p_e is high and
kappa can be low, or undefined, while the readers agree almost always (the "kappa
paradox", Feinstein & Cicchetti 1990). AC2 does not collapse that way. Neither figure
is shown alone: the counts, the table and the pairs travel with them.

The six-point scale always gives q = 6, whichever points were used: AC2's chance term
depends on q, and Gwet advises counting every category raters could choose.

Arithmetic is exact (fractions) until the final figure, so "undefined" is decided
exactly, not by a float tolerance.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache

SCALE = (1, 2, 3, 4, 5, 6)  # 1 unsatisfactory, 2 weak, 3 adequate, 4 good, 5 very good, 6 excellent

Table = tuple[tuple[int, ...], ...]
Weights = tuple[tuple[Fraction, ...], ...]


def identity_weights(q: int) -> Weights:
    """Weights of unweighted kappa / AC1: credit only for the same point."""
    return tuple(tuple(Fraction(int(i == j)) for j in range(q)) for i in range(q))


def linear_weights(q: int) -> Weights:
    """w_ij = 1 - |i - j| / (q - 1) (Cicchetti & Allison 1971)."""
    return tuple(tuple(1 - Fraction(abs(i - j), q - 1) for j in range(q)) for i in range(q))


def quadratic_weights(q: int) -> Weights:
    """w_ij = 1 - (i - j)^2 / (q - 1)^2 (Fleiss & Cohen 1973)."""
    return tuple(
        tuple(1 - Fraction((i - j) ** 2, (q - 1) ** 2) for j in range(q)) for i in range(q)
    )


@dataclass(frozen=True)
class Coefficient:
    """A chance-corrected agreement coefficient, or the reason it is undefined.

    `observed` is the (weighted) observed agreement and `chance` the agreement expected
    by chance: the two numbers the coefficient is made of, shown so a reader can see why
    a high agreement can still give a modest kappa.
    """

    value: float | None
    observed: float | None = None
    chance: float | None = None
    reason: str | None = None

    @property
    def defined(self) -> bool:
        return self.value is not None


def _check_table(table: Sequence[Sequence[int]], weights: Sequence[Sequence[Fraction]]) -> int:
    q = len(table)
    if q < 2 or any(len(row) != q for row in table):
        raise ValueError("the table must be square, at least 2 x 2")
    if len(weights) != q or any(len(row) != q for row in weights):
        raise ValueError("the weights must be a square matrix the size of the table")
    if any(n < 0 for row in table for n in row):
        raise ValueError("counts cannot be negative")
    if any(weights[i][i] != 1 for i in range(q)):
        raise ValueError("agreement weights must be 1 on the diagonal")
    return q


def _margins(table: Sequence[Sequence[int]]) -> tuple[list[int], list[int], int]:
    rows = [sum(row) for row in table]
    cols = [sum(col) for col in zip(*table, strict=True)]
    return rows, cols, sum(rows)


@cache
def _integer_weights(weights: Weights) -> tuple[tuple[tuple[int, ...], ...], int]:
    """Weights as integers a_ij over one denominator d (w_ij = a_ij / d).

    Sums of integers are exact and fast; only the final ratio becomes a fraction.
    """
    d = math.lcm(*(w.denominator for row in weights for w in row))
    return tuple(tuple(int(w * d) for w in row) for row in weights), d


def _frozen(weights: Sequence[Sequence[Fraction]]) -> Weights:
    return tuple(tuple(Fraction(w) for w in row) for row in weights)


def weighted_kappa(
    table: Sequence[Sequence[int]], weights: Sequence[Sequence[Fraction]]
) -> Coefficient:
    """Cohen's weighted kappa for a table of counts (rows: first rater, columns: second).

    kappa_w = (p_o - p_e) / (1 - p_e), p_o = sum w_ij p_ij, p_e = sum w_ij p_i. p_.j
    (Cohen 1968). With identity weights this is Cohen's (1960) kappa.

    Undefined (value None, with a reason) when there are no pairs, or when p_e = 1: every
    pair of points the two readers used is given full credit, which happens when both
    readers gave every record the same point. Kappa is then 0 / 0.
    """
    q = _check_table(table, weights)
    rows, cols, n = _margins(table)
    if n == 0:
        return Coefficient(None, reason="no pairs: no record has two readings that rate this")
    a, d = _integer_weights(_frozen(weights))
    # p_o = agree / (n d) and p_e = chance_agree / (n^2 d), in integers.
    agree = sum(a[i][j] * table[i][j] for i in range(q) for j in range(q) if table[i][j])
    chance_agree = sum(
        a[i][j] * rows[i] * cols[j] for i in range(q) if rows[i] for j in range(q) if cols[j]
    )
    observed = Fraction(agree, n * d)
    chance = Fraction(chance_agree, n * n * d)
    if chance == 1:
        return Coefficient(
            None,
            float(observed),
            float(chance),
            reason="undefined: both readers gave every record the same rating, so agreement "
            "expected by chance is total; see percentage agreement and AC2",
        )
    return Coefficient(float((observed - chance) / (1 - chance)), float(observed), float(chance))


def gwet_ac2(table: Sequence[Sequence[int]], weights: Sequence[Sequence[Fraction]]) -> Coefficient:
    """Gwet's AC2 for two raters from a table of counts; with identity weights, AC1.

    AC2 = (p_a - p_e) / (1 - p_e), p_a = sum w_ij p_ij, pi_k = (p_k. + p_.k) / 2,
    p_e = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k), T_w = sum_ij w_ij
    (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 3; Gwet 2008,
    British Journal of Mathematical and Statistical Psychology 61:29-48).

    With every rating on one point p_e = 0 and AC2 = p_a = 1, where kappa is undefined.
    """
    q = _check_table(table, weights)
    rows, cols, n = _margins(table)
    if n == 0:
        return Coefficient(None, reason="no pairs: no record has two readings that rate this")
    a, d = _integer_weights(_frozen(weights))
    observed = Fraction(
        sum(a[i][j] * table[i][j] for i in range(q) for j in range(q) if table[i][j]), n * d
    )
    # With s_k = n_k. + n_.k, pi_k = s_k / 2n, so sum pi_k (1 - pi_k) = sum s_k (2n - s_k) / 4n^2.
    spread = sum((rows[k] + cols[k]) * (2 * n - rows[k] - cols[k]) for k in range(q))
    total_weight = sum(sum(row) for row in a)
    chance = Fraction(total_weight * spread, d * q * (q - 1) * 4 * n * n)
    if chance >= 1:  # only with weights giving credit to (nearly) every disagreement
        return Coefficient(
            None,
            float(observed),
            float(chance),
            reason="undefined: with these weights agreement expected by chance is total",
        )
    return Coefficient(float((observed - chance) / (1 - chance)), float(observed), float(chance))


@dataclass(frozen=True)
class RatingPair:
    """The first and second readings' ratings of one item in one record (None: not applicable)."""

    record: str
    item: str
    first: int | None
    second: int | None

    def __post_init__(self) -> None:
        for rating in (self.first, self.second):
            if rating is not None and (
                isinstance(rating, bool) or not isinstance(rating, int) or rating not in SCALE
            ):
                raise ValueError(
                    f"record {self.record!r}, item {self.item!r}: {rating!r} is not a point "
                    "of the six-point scale (1..6) or None"
                )

    @property
    def compared(self) -> bool:
        """Both readings rate the item, so the pair counts in the figures."""
        return self.first is not None and self.second is not None

    @property
    def gap(self) -> int | None:
        """How many points apart the two ratings are (None when not compared)."""
        if self.first is None or self.second is None:
            return None
        return abs(self.first - self.second)


@dataclass(frozen=True)
class Agreement:
    """Agreement figures for one item (or overall, item None) with everything behind them.

    `table[i][j]` counts pairs rated point i + 1 by the first reading and j + 1 by the
    second (row 0 / column 0 is unsatisfactory, row 5 / column 5 excellent).
    """

    item: str | None
    pairs: tuple[RatingPair, ...]
    not_applicable: tuple[RatingPair, ...]
    table: Table
    exact: int
    within_one: int
    percentage_agreement: float | None
    within_one_agreement: float | None
    kappa_quadratic: Coefficient
    kappa_linear: Coefficient
    ac2_quadratic: Coefficient

    @property
    def n(self) -> int:
        """The number of compared pairs, the denominator of every figure."""
        return len(self.pairs)

    def pairs_in_cell(self, first: int, second: int) -> tuple[RatingPair, ...]:
        """The pairs counted in one cell of the table, by the points (1..6) given."""
        return tuple(p for p in self.pairs if p.first == first and p.second == second)

    @property
    def disagreements(self) -> tuple[RatingPair, ...]:
        """Pairs rated differently, widest gap first: the agenda for calibration."""
        differing = [p for p in self.pairs if p.gap]
        return tuple(sorted(differing, key=lambda p: (-(p.gap or 0), p.record, p.item)))


def contingency_table(pairs: Iterable[RatingPair]) -> Table:
    """The 6 x 6 table of compared pairs: rows the first reading, columns the second."""
    counts = Counter((p.first, p.second) for p in pairs if p.compared)
    return tuple(tuple(counts[(i, j)] for j in SCALE) for i in SCALE)


_Q = len(SCALE)
_QUADRATIC = quadratic_weights(_Q)
_LINEAR = linear_weights(_Q)


def measure_agreement(pairs: Iterable[RatingPair], *, item: str | None) -> Agreement:
    """Every agreement figure for these pairs (pass the pairs of one item, or all of them).

    Pairs where either reading is not applicable are kept aside in `not_applicable`.
    Percentages are None when no pair is compared; coefficients then carry a reason.
    """
    everything = tuple(pairs)
    compared = tuple(p for p in everything if p.compared)
    table = contingency_table(compared)
    n = len(compared)
    exact = sum(1 for p in compared if p.gap == 0)
    within_one = sum(1 for p in compared if (p.gap or 0) <= 1)
    return Agreement(
        item=item,
        pairs=compared,
        not_applicable=tuple(p for p in everything if not p.compared),
        table=table,
        exact=exact,
        within_one=within_one,
        percentage_agreement=exact / n if n else None,
        within_one_agreement=within_one / n if n else None,
        kappa_quadratic=weighted_kappa(table, _QUADRATIC),
        kappa_linear=weighted_kappa(table, _LINEAR),
        ac2_quadratic=gwet_ac2(table, _QUADRATIC),
    )


@dataclass(frozen=True)
class AgreementReport:
    """Agreement per item (in the order asked for) and overall, across items."""

    by_item: tuple[Agreement, ...]
    overall: Agreement

    def item(self, item_id: str) -> Agreement:
        return next(a for a in self.by_item if a.item == item_id)


def agreement_report(
    pairs: Iterable[RatingPair], *, items: Sequence[str] | None = None
) -> AgreementReport:
    """Agreement per item and overall.

    `items` gives the reading tool's items in the order to report them; an item with no
    pairs still appears (with n = 0). Without it, items appear in first-seen order.
    Overall pools every (record, item) pair as one subject: it says how consistently
    the tool is applied, and mixes items whose ratings spread differently.

    A (record, item) given twice is a ValueError: each record has one second reading.
    """
    everything = tuple(pairs)
    seen: set[tuple[str, str]] = set()
    for p in everything:
        key = (p.record, p.item)
        if key in seen:
            raise ValueError(f"record {p.record!r}, item {p.item!r} is paired more than once")
        seen.add(key)
    order = list(items) if items is not None else list(dict.fromkeys(p.item for p in everything))
    unknown = {p.item for p in everything} - set(order)
    if unknown:
        raise ValueError(f"pairs for items not in the list: {sorted(unknown)}")
    grouped: dict[str, list[RatingPair]] = {item_id: [] for item_id in order}
    for p in everything:
        grouped[p.item].append(p)
    return AgreementReport(
        by_item=tuple(measure_agreement(grouped[i], item=i) for i in order),
        overall=measure_agreement(everything, item=None),
    )


@dataclass(frozen=True)
class ModerationThresholds:
    """When an item's agreement is poor enough to go to the moderation queue.

    The defaults are starting points for a team to tune, not published standards:
    - kappa and AC2 below 0.60: "moderate" or worse on Landis & Koch's (1977) scale
      (Biometrics 33:159-174), which Gwet (2014) also discusses for benchmarking AC2;
    - exact agreement below 60% or within one point below 85%: a six-point scale
      invites one-point differences, but not often two;
    - any pair `flag_gap` (3) or more points apart: one such pair is worth a talk;
    - coefficients are only judged from `min_pairs_for_coefficients` (10) pairs on:
      with fewer they swing on a single pair, so only the percentages and gaps count.
    """

    min_percentage_agreement: float = 0.60
    min_within_one_agreement: float = 0.85
    min_kappa_quadratic: float = 0.60
    min_ac2_quadratic: float = 0.60
    min_pairs_for_coefficients: int = 10
    flag_gap: int = 3


@dataclass(frozen=True)
class ModerationFlag:
    """An item for the team's calibration discussion, with every reason in words."""

    item: str | None
    reasons: tuple[str, ...]
    agreement: Agreement = field(repr=False)


def _percent(x: float) -> str:
    return f"{x:.0%}"


def moderation_reasons(agreement: Agreement, *, thresholds: ModerationThresholds) -> list[str]:
    """Why this item's agreement is poor under the thresholds (empty: it is not)."""
    t = thresholds
    a = agreement
    reasons: list[str] = []
    if a.n == 0:
        return reasons
    if a.percentage_agreement is not None and a.percentage_agreement < t.min_percentage_agreement:
        reasons.append(
            f"exact agreement {_percent(a.percentage_agreement)} ({a.exact} of {a.n}) is "
            f"below {_percent(t.min_percentage_agreement)}"
        )
    if a.within_one_agreement is not None and a.within_one_agreement < t.min_within_one_agreement:
        reasons.append(
            f"agreement within one point {_percent(a.within_one_agreement)} ({a.within_one} "
            f"of {a.n}) is below {_percent(t.min_within_one_agreement)}"
        )
    wide = [p for p in a.pairs if (p.gap or 0) >= t.flag_gap]
    if wide:
        records = ", ".join(sorted({p.record for p in wide}))
        reasons.append(f"{len(wide)} pair(s) {t.flag_gap} or more points apart ({records})")
    if a.n >= t.min_pairs_for_coefficients:
        kappa = a.kappa_quadratic.value
        if kappa is not None and kappa < t.min_kappa_quadratic:
            reasons.append(f"quadratic-weighted kappa {kappa:.2f} is below {t.min_kappa_quadratic}")
        ac2 = a.ac2_quadratic.value
        if ac2 is not None and ac2 < t.min_ac2_quadratic:
            reasons.append(f"Gwet's AC2 {ac2:.2f} is below {t.min_ac2_quadratic}")
    return reasons


def flag_for_moderation(
    agreements: Iterable[Agreement], *, thresholds: ModerationThresholds
) -> tuple[ModerationFlag, ...]:
    """The items whose agreement is poor, in the order given, each with its reasons.

    The caller passes the thresholds (`ModerationThresholds()` for the defaults), so the
    rule is visible where it is used.
    """
    flags = []
    for a in agreements:
        reasons = moderation_reasons(a, thresholds=thresholds)
        if reasons:
            flags.append(ModerationFlag(item=a.item, reasons=tuple(reasons), agreement=a))
    return tuple(flags)
