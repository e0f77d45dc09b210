"""Scales, moments, confidence intervals and the change test, checked by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenants.scoring.core.stats import (
    Interval,
    Moments,
    agreement_to_100,
    confidence_interval,
    is_favourable,
    merge,
    ten_point_to_100,
    welch_change,
    welch_test,
    yes_no_to_100,
)

# Student-t quantiles from a printed table (two-sided 95 %: the 0.975 quantile).
T_975_DF2 = 4.302653
T_975_DF6 = 2.446912
T_95_DF2 = 2.919986  # for a 90 % interval


# --------------------------------------------------------------------------- scales


@pytest.mark.parametrize(
    ("answer", "expected"), [(1, 0.0), (2, 25.0), (3, 50.0), (4, 75.0), (5, 100.0), (3.5, 62.5)]
)
def test_agreement_scale(answer: float, expected: float) -> None:
    assert agreement_to_100(answer) == expected


@pytest.mark.parametrize(("answer", "expected"), [(0, 0.0), (7, 70.0), (7.5, 75.0), (10, 100.0)])
def test_ten_point_scale(answer: float, expected: float) -> None:
    assert ten_point_to_100(answer) == expected


def test_yes_no_scale() -> None:
    assert yes_no_to_100(True) == 100.0
    assert yes_no_to_100(False) == 0.0


@pytest.mark.parametrize("bad", [0, 0.99, 5.01, 6])
def test_agreement_scale_rejects_out_of_range(bad: float) -> None:
    with pytest.raises(ValueError):
        agreement_to_100(bad)


@pytest.mark.parametrize("bad", [-0.1, 10.5])
def test_ten_point_scale_rejects_out_of_range(bad: float) -> None:
    with pytest.raises(ValueError):
        ten_point_to_100(bad)


def test_favourable_is_four_of_five_or_more() -> None:
    assert is_favourable(agreement_to_100(4))
    assert not is_favourable(agreement_to_100(3.99))
    # A person's mean of 4, 4, 4 (3 questions) is favourable despite float arithmetic.
    assert is_favourable(agreement_to_100((4 + 4 + 4) / 3))
    assert is_favourable(yes_no_to_100(True))
    assert not is_favourable(yes_no_to_100(False))


# --------------------------------------------------------------------------- moments


def test_moments_by_hand() -> None:
    m = Moments.from_values([60, 70, 80])
    assert m == Moments(3, 210.0, 3600 + 4900 + 6400, 1)  # only 80 ≥ 75
    assert m.mean == 70.0
    # ((60-70)² + 0² + (80-70)²) / (3 - 1) = 200 / 2 = 100
    assert m.variance == pytest.approx(100.0)
    assert m.sd == pytest.approx(10.0)
    assert m.favourable_share == pytest.approx(1 / 3)


def test_moments_merge_is_addition() -> None:
    a, b = Moments.from_values([10, 20]), Moments.from_values([80, 90, 100])
    assert a + b == Moments.from_values([10, 20, 80, 90, 100])
    assert merge([a, b]) == a + b
    assert merge([]) == Moments.empty()


def test_empty_and_single_moments() -> None:
    assert Moments.empty().mean is None
    assert Moments.empty().favourable_share is None
    one = Moments.from_values([40])
    assert one.mean == 40.0
    assert one.variance is None
    assert confidence_interval(one) is None


def test_zero_variance_never_negative() -> None:
    # 33.3… squared three times can give a sum of squares a hair below total²/n.
    m = Moments.from_values([100 / 3] * 7)
    assert m.variance is not None and m.variance >= 0.0


def test_moments_validation() -> None:
    with pytest.raises(ValueError):
        Moments(-1, 0.0, 0.0)
    with pytest.raises(ValueError):
        Moments(2, 100.0, 5000.0, favourable=3)
    with pytest.raises(ValueError):
        Moments.from_values([101])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0, 100), min_size=2, max_size=30),
    st.lists(st.floats(0, 100), min_size=0, max_size=30),
)
def test_merged_moments_match_pooled_values(xs: list[float], ys: list[float]) -> None:
    pooled = xs + ys
    m = Moments.from_values(xs) + Moments.from_values(ys)
    mean = sum(pooled) / len(pooled)
    var = sum((v - mean) ** 2 for v in pooled) / (len(pooled) - 1)
    assert m.mean == pytest.approx(mean)
    assert m.variance == pytest.approx(var, abs=1e-6)


# --------------------------------------------------------------------------- intervals


def test_confidence_interval_by_hand() -> None:
    # 60, 70, 80: mean 70, s = 10, standard error = 10/√3 = 5.773503
    # half-width = t(0.975, df=2) · 5.773503 = 4.302653 · 5.773503 = 24.841377
    ci = confidence_interval(Moments.from_values([60, 70, 80]))
    assert ci is not None
    assert ci.low == pytest.approx(70 - T_975_DF2 * 10 / math.sqrt(3), abs=1e-4)
    assert ci.low == pytest.approx(45.158623, abs=1e-4)
    assert ci.high == pytest.approx(94.841377, abs=1e-4)


def test_confidence_interval_other_level_by_hand() -> None:
    # 90 % interval: half-width = t(0.95, 2) · 5.773503 = 2.919986 · 5.773503 = 16.858550
    ci = confidence_interval(Moments.from_values([60, 70, 80]), level=0.90)
    assert ci is not None
    assert ci.low == pytest.approx(70 - T_95_DF2 * 10 / math.sqrt(3), abs=1e-4)
    assert ci.high == pytest.approx(86.858550, abs=1e-4)


def test_confidence_interval_is_clipped_to_the_scale() -> None:
    # 90, 100, 100: mean 96.6667; deviations -6.6667, 3.3333, 3.3333;
    # s² = (44.4444 + 11.1111 + 11.1111) / 2 = 33.3333, s = 5.773503, se = 3.333333
    # half-width = 4.302653 · 3.333333 = 14.342177 → (82.324490, 111.008844) → high clipped
    ci = confidence_interval(Moments.from_values([90, 100, 100]))
    assert ci is not None
    assert ci.low == pytest.approx(82.324490, abs=1e-4)
    assert ci.high == 100.0
    low = confidence_interval(Moments.from_values([0, 0, 10]))
    assert low is not None and low.low == 0.0


def test_confidence_interval_zero_variance_is_a_point() -> None:
    assert confidence_interval(Moments.from_values([75, 75, 75])) == Interval(75.0, 75.0)


def test_confidence_interval_rejects_bad_level() -> None:
    with pytest.raises(ValueError):
        confidence_interval(Moments.from_values([1, 2]), level=1.0)


# --------------------------------------------------------------------------- change

PREV = Moments.from_values([40, 50, 60, 50])  # mean 50, s² = (100+0+100+0)/3 = 66.6667
CURR_UP = Moments.from_values([70, 80, 90, 80])  # mean 80, s² = 66.6667


def test_welch_up_by_hand() -> None:
    # se² = 66.6667/4 + 66.6667/4 = 33.3333, se = 5.773503, t = 30 / 5.773503 = 5.196152
    # df = 33.3333² / ((16.6667²)/3 · 2) = 1111.11 / 185.185 = 6.0
    # |t| = 5.196 > t(0.975, 6) = 2.446912, so p < 0.05: "up".
    w = welch_test(PREV, CURR_UP)
    assert w is not None
    assert w.t == pytest.approx(5.196152, abs=1e-5)
    assert w.df == pytest.approx(6.0)
    assert abs(w.t) > T_975_DF6
    assert w.p < 0.05
    assert welch_change(PREV, CURR_UP) == "up"


def test_welch_down_by_hand() -> None:
    # The same figures the other way round: t = -5.196152.
    w = welch_test(CURR_UP, PREV)
    assert w is not None and w.t == pytest.approx(-5.196152, abs=1e-5)
    assert welch_change(CURR_UP, PREV) == "down"


def test_welch_small_shift_is_no_clear_change_by_hand() -> None:
    # 45, 55, 65, 55: mean 55, same s² as PREV; t = 5 / 5.773503 = 0.866025 < 2.446912
    curr = Moments.from_values([45, 55, 65, 55])
    w = welch_test(PREV, curr)
    assert w is not None and w.t == pytest.approx(0.866025, abs=1e-5)
    assert abs(w.t) < T_975_DF6 and w.p > 0.05
    assert welch_change(PREV, curr) == "no_clear_change"


def test_welch_unequal_variances_by_hand() -> None:
    # prev 20, 40, 60: mean 40, s² = 400, s²/n = 133.3333
    # curr 70, 75, 80, 75, 75: mean 75, s² = (25+0+25+0+0)/4 = 12.5, s²/n = 2.5
    # se² = 135.8333, se = 11.654757, t = 35 / 11.654757 = 3.003067
    # df = 135.8333² / (133.3333²/2 + 2.5²/4) = 18450.69 / 8890.451 = 2.075340
    # t(0.975, 2.075) ≈ 4.1 > 3.0: no clear change. (A pooled-variance t-test would
    # say t = 4.03 on 6 df, "up": Welch does not let the steady group hide the noisy one.)
    prev = Moments.from_values([20, 40, 60])
    curr = Moments.from_values([70, 75, 80, 75, 75])
    w = welch_test(prev, curr)
    assert w is not None
    assert w.t == pytest.approx(3.003067, abs=1e-5)
    assert w.df == pytest.approx(2.075340, abs=1e-5)
    assert 0.05 < w.p < 0.1
    assert welch_change(prev, curr) == "no_clear_change"
    assert welch_change(prev, curr, alpha=0.10) == "up"


def test_welch_needs_two_on_each_side() -> None:
    assert welch_test(Moments.from_values([10]), CURR_UP) is None
    assert welch_change(Moments.from_values([10]), CURR_UP) == "no_clear_change"
    assert welch_change(PREV, Moments.empty()) == "no_clear_change"


def test_welch_zero_variance() -> None:
    same = Moments.from_values([75, 75, 75])
    assert welch_change(same, Moments.from_values([75, 75, 75, 75])) == "no_clear_change"
    # Everyone moved from 3 ("neutral") to 4 ("agree"): the groups do not overlap.
    w = welch_test(Moments.from_values([50, 50, 50]), same)
    assert w is not None and w.t == math.inf and w.p == 0.0 and w.df is None
    assert welch_change(Moments.from_values([50, 50, 50]), same) == "up"
    assert welch_change(same, Moments.from_values([50, 50, 50])) == "down"
    # One side without variance: df = n - 1 of the other side. prev 75×3; curr 60, 70, 80:
    # se² = 0 + 100/3, t = -5/5.773503 = -0.866025, df = 2.
    w = welch_test(same, Moments.from_values([60, 70, 80]))
    assert w is not None and w.df == pytest.approx(2.0) and w.t == pytest.approx(-0.866025)


def test_welch_rejects_bad_alpha() -> None:
    with pytest.raises(ValueError):
        welch_change(PREV, CURR_UP, alpha=0)
