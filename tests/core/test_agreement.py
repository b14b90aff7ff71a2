"""Agreement between first and second readings: published worked examples, reference
implementations (statsmodels, scikit-learn) and properties."""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa

from scrutiny.core.agreement import (
    SCALE,
    ModerationThresholds,
    RatingPair,
    agreement_report,
    contingency_table,
    flag_for_moderation,
    gwet_ac2,
    identity_weights,
    linear_weights,
    measure_agreement,
    moderation_reasons,
    quadratic_weights,
    weighted_kappa,
)

# --- Published worked examples -------------------------------------------------------

# Cohen, J. (1968). Weighted kappa: nominal scale agreement with provision for scaled
# disagreement or partial credit. Psychological Bulletin 70(4):213-220. The worked
# example gives cell proportions for 200 subjects (here as counts) and disagreement
# weights v = [[0,1,3],[1,0,6],[3,6,0]]; Cohen reports kappa = .492 and kappa_w = .348.
COHEN_1968 = ((88, 14, 18), (10, 40, 10), (2, 6, 12))
COHEN_1968_DISAGREEMENT = ((0, 1, 3), (1, 0, 6), (3, 6, 0))

# Fleiss, J. L., Cohen, J. & Everitt, B. S. (1969). Large sample standard errors of kappa
# and weighted kappa. Psychological Bulletin 72(5):323-327. 200 patients, three
# diagnostic categories, agreement weights w12 = 0, w13 = .4444, w23 = .6667; the paper
# reports kappa = .429 and kappa_w = .507.
FLEISS_COHEN_EVERITT_1969 = ((106, 10, 4), (22, 28, 10), (2, 12, 6))
FCE_WEIGHTS = (
    (Fraction(1), Fraction(0), Fraction(4, 9)),
    (Fraction(0), Fraction(1), Fraction(2, 3)),
    (Fraction(4, 9), Fraction(2, 3), Fraction(1)),
)

# Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., Advanced Analytics:
# 100 pregnant women classified Ectopic / AIU / NIU by two abstractors (the irrCAC
# dataset `cont3x3abstractors`). Published: percent agreement 0.89; Cohen's kappa
# 0.796 unweighted, 0.843 linear, 0.892 quadratic; AC1 0.849, AC2 0.900 linear and
# 0.940 quadratic.
GWET_ABSTRACTORS = ((13, 0, 0), (0, 20, 7), (0, 4, 56))

# Gwet (2014), 223 psychiatric patients by diagnosis and method (irrCAC dataset
# `cont4x4diagnosis`). Published: AC1 0.456; AC2 0.377 linear and 0.299 quadratic.
GWET_DIAGNOSIS = ((40, 4, 4, 17), (6, 25, 2, 13), (4, 1, 21, 12), (15, 5, 9, 45))


def _agreement_weights_from_disagreement(v: tuple[tuple[int, ...], ...]) -> tuple:
    # Cohen's disagreement weights v_ij become agreement weights 1 - v_ij / max(v);
    # kappa_w = 1 - sum(v p_o) / sum(v p_e) is unchanged by the rescaling.
    top = max(max(row) for row in v)
    return tuple(tuple(1 - Fraction(x, top) for x in row) for row in v)


def test_it_reproduces_cohen_1968_kappa_and_weighted_kappa() -> None:
    assert round(weighted_kappa(COHEN_1968, identity_weights(3)).value, 3) == 0.492
    weights = _agreement_weights_from_disagreement(COHEN_1968_DISAGREEMENT)
    assert round(weighted_kappa(COHEN_1968, weights).value, 3) == 0.348


def test_it_reproduces_fleiss_cohen_everitt_1969() -> None:
    assert round(weighted_kappa(FLEISS_COHEN_EVERITT_1969, identity_weights(3)).value, 3) == 0.429
    assert round(weighted_kappa(FLEISS_COHEN_EVERITT_1969, FCE_WEIGHTS).value, 3) == 0.507


def test_it_reproduces_gwet_2014_kappas_for_the_abstractors_table() -> None:
    kappa = weighted_kappa(GWET_ABSTRACTORS, identity_weights(3))
    assert round(kappa.value, 3) == 0.796
    assert kappa.observed == pytest.approx(0.89)
    assert round(weighted_kappa(GWET_ABSTRACTORS, linear_weights(3)).value, 3) == 0.843
    assert round(weighted_kappa(GWET_ABSTRACTORS, quadratic_weights(3)).value, 3) == 0.892


def test_it_reproduces_gwet_2014_ac1_and_ac2_for_the_abstractors_table() -> None:
    assert gwet_ac2(GWET_ABSTRACTORS, identity_weights(3)).value == pytest.approx(0.8493305)
    assert round(gwet_ac2(GWET_ABSTRACTORS, linear_weights(3)).value, 3) == 0.900
    assert round(gwet_ac2(GWET_ABSTRACTORS, quadratic_weights(3)).value, 3) == 0.940


def test_it_reproduces_gwet_2014_ac1_and_ac2_for_the_diagnosis_table() -> None:
    assert round(gwet_ac2(GWET_DIAGNOSIS, identity_weights(4)).value, 3) == 0.456
    assert round(gwet_ac2(GWET_DIAGNOSIS, linear_weights(4)).value, 3) == 0.377
    assert round(gwet_ac2(GWET_DIAGNOSIS, quadratic_weights(4)).value, 3) == 0.299


def _pairs_from_table(table, points, item="immediate_response") -> list[RatingPair]:
    pairs = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            pairs += [
                RatingPair(f"R-{len(pairs) + k}", item, points[i], points[j]) for k in range(count)
            ]
    return pairs


def test_it_gives_the_published_kappas_when_the_table_sits_on_adjacent_points() -> None:
    # Weighted kappa depends only on the distances between points, so Gwet's 3 x 3
    # table placed on adequate / good / very good gives his published kappas.
    result = measure_agreement(_pairs_from_table(GWET_ABSTRACTORS, (3, 4, 5)), item="x")
    assert result.n == 100
    assert result.exact == 89
    assert result.percentage_agreement == pytest.approx(0.89)
    assert result.within_one == 100
    assert round(result.kappa_quadratic.value, 3) == 0.892
    assert round(result.kappa_linear.value, 3) == 0.843


def test_ac2_counts_all_six_points_of_the_scale() -> None:
    # AC2's chance term depends on the number of categories. On the six-point scale
    # q = 6 whatever points were used, so the figure differs from the 3-category one,
    # and equals gwet_ac2 on the full 6 x 6 table.
    result = measure_agreement(_pairs_from_table(GWET_ABSTRACTORS, (3, 4, 5)), item="x")
    assert result.ac2_quadratic.value == pytest.approx(
        gwet_ac2(result.table, quadratic_weights(6)).value
    )
    assert round(result.ac2_quadratic.value, 3) != 0.940


# --- Reference implementations --------------------------------------------------------

ratings = st.integers(min_value=1, max_value=6)
rating_pairs = st.lists(st.tuples(ratings, ratings), min_size=1, max_size=60)


def _pairs(raw: list[tuple[int, int]]) -> list[RatingPair]:
    return [RatingPair(f"R-{n}", "chronology", a, b) for n, (a, b) in enumerate(raw)]


@settings(max_examples=200, deadline=None)
@given(rating_pairs)
def test_kappas_match_scikit_learn_and_statsmodels(raw: list[tuple[int, int]]) -> None:
    result = measure_agreement(_pairs(raw), item="chronology")
    first = [a for a, _ in raw]
    second = [b for _, b in raw]
    table = np.array(result.table, dtype=float)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for weights, ours in (
            ("quadratic", result.kappa_quadratic),
            ("linear", result.kappa_linear),
        ):
            sk = cohen_kappa_score(first, second, weights=weights, labels=list(SCALE))
            sm = cohens_kappa(table, wt=weights, return_results=False)
            if ours.value is None:
                assert math.isnan(sk) and math.isnan(sm)
            else:
                assert ours.value == pytest.approx(sk, abs=1e-9)
                assert ours.value == pytest.approx(sm, abs=1e-9)


def _ac2_from_raw_ratings(raw: list[tuple[int, int]]) -> float:
    # Gwet (2014) for raw ratings, r = 2 raters per subject, written independently of
    # the table-based code: p_a averages each subject's weighted agreement between its
    # two ratings; pi_k is the share of all 2n ratings on point k.
    q, n = 6, len(raw)
    w = [[1 - (k - m) ** 2 / (q - 1) ** 2 for m in range(q)] for k in range(q)]
    p_a = sum(w[a - 1][b - 1] for a, b in raw) / n
    pi = [sum((a == k) + (b == k) for a, b in raw) / (2 * n) for k in range(1, q + 1)]
    p_e = sum(map(sum, w)) / (q * (q - 1)) * sum(p * (1 - p) for p in pi)
    return (p_a - p_e) / (1 - p_e)


@settings(max_examples=200, deadline=None)
@given(rating_pairs)
def test_ac2_matches_gwets_raw_ratings_formula(raw: list[tuple[int, int]]) -> None:
    result = measure_agreement(_pairs(raw), item="chronology")
    assert result.ac2_quadratic.value == pytest.approx(_ac2_from_raw_ratings(raw), abs=1e-9)


def test_unweighted_kappa_matches_statsmodels_on_the_published_tables() -> None:
    for table in (COHEN_1968, FLEISS_COHEN_EVERITT_1969, GWET_ABSTRACTORS, GWET_DIAGNOSIS):
        q = len(table)
        expected = cohens_kappa(np.array(table, dtype=float), return_results=False)
        assert weighted_kappa(table, identity_weights(q)).value == pytest.approx(expected)


# --- Properties ----------------------------------------------------------------------


@given(st.lists(ratings, min_size=2, max_size=60).filter(lambda r: len(set(r)) > 1))
def test_kappa_is_one_for_identical_ratings_that_vary(same: list[int]) -> None:
    result = measure_agreement(_pairs(list(zip(same, same, strict=True))), item="chronology")
    assert result.kappa_quadratic.value == 1
    assert result.kappa_linear.value == 1
    assert result.ac2_quadratic.value == 1
    assert result.percentage_agreement == 1


@given(rating_pairs)
def test_every_figure_is_symmetric_in_the_two_readers(raw: list[tuple[int, int]]) -> None:
    forward = measure_agreement(_pairs(raw), item="x")
    backward = measure_agreement(_pairs([(b, a) for a, b in raw]), item="x")
    assert forward.kappa_quadratic.value == pytest.approx(backward.kappa_quadratic.value)
    assert forward.kappa_linear.value == pytest.approx(backward.kappa_linear.value)
    assert forward.ac2_quadratic.value == pytest.approx(backward.ac2_quadratic.value)
    assert forward.percentage_agreement == backward.percentage_agreement
    assert forward.table == tuple(zip(*backward.table, strict=True))


@given(rating_pairs)
def test_percentages_are_shares_and_within_one_is_at_least_exact(
    raw: list[tuple[int, int]],
) -> None:
    result = measure_agreement(_pairs(raw), item="x")
    assert 0 <= result.percentage_agreement <= result.within_one_agreement <= 1
    assert result.exact <= result.within_one <= result.n == len(raw)
    assert sum(map(sum, result.table)) == result.n
    assert sum(result.table[i][i] for i in range(6)) == result.exact
    # At most 1; no lower bound of -1: weighted kappa reaches -1.06 on [(1, 5), (2, 6)].
    for coefficient in (result.kappa_quadratic, result.kappa_linear, result.ac2_quadratic):
        assert coefficient.value is None or coefficient.value <= 1 + 1e-12


# --- Behaviour -----------------------------------------------------------------------


def test_it_leaves_out_pairs_where_either_reading_is_not_applicable() -> None:
    pairs = [
        RatingPair("R-1", "legal_measures", 4, 4),
        RatingPair("R-2", "legal_measures", None, 3),
        RatingPair("R-3", "legal_measures", 5, None),
        RatingPair("R-4", "legal_measures", None, None),
        RatingPair("R-5", "legal_measures", 2, 3),
    ]
    result = measure_agreement(pairs, item="legal_measures")
    assert result.n == 2
    assert [p.record for p in result.pairs] == ["R-1", "R-5"]
    assert [p.record for p in result.not_applicable] == ["R-2", "R-3", "R-4"]
    assert result.percentage_agreement == 0.5


def test_it_reports_why_kappa_is_undefined_with_no_pairs() -> None:
    result = measure_agreement([RatingPair("R-1", "x", None, 4)], item="x")
    assert result.n == 0
    assert result.percentage_agreement is None
    assert result.within_one_agreement is None
    for coefficient in (result.kappa_quadratic, result.kappa_linear, result.ac2_quadratic):
        assert coefficient.value is None
        assert "no pairs" in coefficient.reason


def test_it_reports_why_kappa_is_undefined_when_every_rating_is_the_same() -> None:
    result = measure_agreement(_pairs([(4, 4)] * 12), item="x")
    assert result.kappa_quadratic.value is None
    assert not result.kappa_quadratic.defined
    assert "same rating" in result.kappa_quadratic.reason
    # AC2 stays defined: the readers agree completely.
    assert result.ac2_quadratic.value == 1
    assert result.percentage_agreement == 1


def test_kappa_is_zero_not_undefined_when_each_reader_always_gives_one_different_point() -> None:
    result = measure_agreement(_pairs([(4, 5)] * 6), item="x")
    assert result.kappa_quadratic.value == 0
    assert result.within_one_agreement == 1


def test_most_ratings_good_shows_why_kappa_is_never_shown_alone() -> None:
    # 28 of 30 pairs agree on "good"; the two that do not pull kappa far below the
    # 93% agreement, while AC2 stays high (the kappa paradox).
    raw = [(4, 4)] * 28 + [(4, 3), (3, 4)]
    result = measure_agreement(_pairs(raw), item="x")
    assert result.percentage_agreement == pytest.approx(28 / 30)
    assert result.kappa_quadratic.value < 0
    assert result.kappa_quadratic.chance > 0.99
    assert result.ac2_quadratic.value > 0.95


def test_the_table_has_the_first_reading_in_rows_and_the_second_in_columns() -> None:
    table = contingency_table(_pairs([(1, 6), (1, 6), (2, 2)]))
    assert table[0][5] == 2
    assert table[5][0] == 0
    assert table[1][1] == 1
    assert len(table) == 6 and all(len(row) == 6 for row in table)


def test_it_lists_the_pairs_behind_a_cell_and_the_disagreements_widest_first() -> None:
    pairs = [
        RatingPair("R-1", "x", 4, 4),
        RatingPair("R-2", "x", 4, 3),
        RatingPair("R-3", "x", 6, 2),
        RatingPair("R-4", "x", 4, 3),
    ]
    result = measure_agreement(pairs, item="x")
    assert [p.record for p in result.pairs_in_cell(4, 3)] == ["R-2", "R-4"]
    assert [p.record for p in result.disagreements] == ["R-3", "R-2", "R-4"]


@pytest.mark.parametrize("bad", [0, 7, True, "good", 4.0])
def test_it_refuses_a_rating_off_the_scale(bad: object) -> None:
    with pytest.raises(ValueError, match="six-point scale"):
        RatingPair("R-1", "x", bad, 4)  # type: ignore[arg-type]


def test_weights_must_fit_the_table() -> None:
    with pytest.raises(ValueError, match="square"):
        weighted_kappa(((1, 2), (3, 4)), quadratic_weights(3))
    with pytest.raises(ValueError, match="diagonal"):
        gwet_ac2(((1, 2), (3, 4)), ((Fraction(0), Fraction(1)), (Fraction(1), Fraction(0))))


def test_the_report_keeps_item_order_includes_unpaired_items_and_pools_overall() -> None:
    pairs = [
        RatingPair("R-1", "chronology", 4, 4),
        RatingPair("R-2", "chronology", 3, 4),
        RatingPair("R-1", "immediate_response", 2, 2),
    ]
    report = agreement_report(pairs, items=["immediate_response", "chronology", "outcomes"])
    assert [a.item for a in report.by_item] == ["immediate_response", "chronology", "outcomes"]
    assert report.item("outcomes").n == 0
    assert report.item("chronology").exact == 1
    assert report.overall.item is None
    assert report.overall.n == 3
    assert report.overall.exact == 2


def test_the_report_refuses_a_record_paired_twice_for_one_item() -> None:
    pairs = [RatingPair("R-1", "x", 4, 4), RatingPair("R-1", "x", 3, 4)]
    with pytest.raises(ValueError, match="more than once"):
        agreement_report(pairs)


def test_the_report_refuses_pairs_for_items_it_was_not_given() -> None:
    with pytest.raises(ValueError, match="not in the list"):
        agreement_report([RatingPair("R-1", "x", 4, 4)], items=["y"])


# --- Moderation queue ----------------------------------------------------------------


def test_it_flags_an_item_with_poor_agreement_and_says_why() -> None:
    raw = [(6, 1), (1, 6), (2, 5), (5, 2), (3, 3), (4, 4), (1, 1), (6, 6), (2, 2), (5, 1), (1, 4)]
    report = agreement_report(_pairs(raw))
    flags = flag_for_moderation(report.by_item, thresholds=ModerationThresholds())
    assert [f.item for f in flags] == ["chronology"]
    reasons = " | ".join(flags[0].reasons)
    assert "exact agreement 45% (5 of 11) is below 60%" in reasons
    assert "within one point 45% (5 of 11) is below 85%" in reasons
    assert "6 pair(s) 3 or more points apart (R-0, R-1, R-10, R-2, R-3, R-9)" in reasons
    assert "kappa" in reasons
    assert "AC2" in reasons


def test_it_does_not_flag_good_agreement() -> None:
    raw = [(a, a) for a in (2, 3, 4, 5, 6)] * 3 + [(4, 5)]
    report = agreement_report(_pairs(raw))
    assert flag_for_moderation(report.by_item, thresholds=ModerationThresholds()) == ()


def test_with_few_pairs_only_percentages_and_gaps_count() -> None:
    # Four pairs, three agreeing: kappa is 0 (the second reader always said "good"),
    # but four pairs are too few to judge a coefficient by.
    few = measure_agreement(_pairs([(4, 4), (4, 4), (4, 4), (3, 4)]), item="x")
    assert few.kappa_quadratic.value is not None and few.kappa_quadratic.value < 0.6
    assert moderation_reasons(few, thresholds=ModerationThresholds()) == []
    strict = ModerationThresholds(min_pairs_for_coefficients=1)
    assert any("kappa" in r for r in moderation_reasons(few, thresholds=strict))


def test_the_caller_sets_the_thresholds() -> None:
    raw = [(2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (3, 3), (4, 4), (5, 4), (4, 3), (3, 4)]
    result = measure_agreement(_pairs(raw), item="x")
    assert moderation_reasons(result, thresholds=ModerationThresholds()) == []
    stricter = ModerationThresholds(min_percentage_agreement=0.8)
    assert moderation_reasons(result, thresholds=stricter) == [
        "exact agreement 70% (7 of 10) is below 80%"
    ]


def test_an_item_without_pairs_is_not_flagged() -> None:
    empty = measure_agreement([], item="x")
    assert flag_for_moderation([empty], thresholds=ModerationThresholds()) == ()
