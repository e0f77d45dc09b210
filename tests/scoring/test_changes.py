"""The worked examples of docs/methodology.md §3 and §6, by hand."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from tenants.scoring.core.anonymity import Released
from tenants.scoring.core.changes import benjamini_hochberg, call_changes, group_tests
from tenants.scoring.core.index import index_of
from tenants.scoring.core.maturity import anchor_key
from tenants.scoring.core.outcomes import Outcome
from tenants.scoring.core.stats import Moments, WelchTest


def test_benjamini_hochberg_worked_example():
    p = [0.001, 0.008, 0.039, 0.041, 0.27]
    # sorted p · m / rank = 0.005, 0.02, 0.065, 0.05125, 0.27; then the running minimum from the
    # largest down: 0.27, 0.05125, 0.05125, 0.02, 0.005.
    adjusted = benjamini_hochberg(p)
    assert adjusted == pytest.approx([0.005, 0.02, 0.05125, 0.05125, 0.27])
    assert adjusted == pytest.approx(list(scipy_stats.false_discovery_control(p)))
    shuffled = [0.27, 0.039, 0.001, 0.041, 0.008]
    assert benjamini_hochberg(shuffled) == pytest.approx([0.27, 0.05125, 0.005, 0.05125, 0.02])


def test_a_change_is_called_only_when_clear_after_adjustment_and_large_enough():
    tests = {
        "purpose_clarity": WelchTest(6.0, 3.4, 80.0, 0.001),  # adjusted 0.005, 6 points: up
        "outcome_focus": WelchTest(-2.5, -2.7, 80.0, 0.008),  # adjusted 0.02, but 2.5 < 3
        "ownership": WelchTest(4.0, 2.1, 80.0, 0.039),  # adjusted 0.05125: not below 0.05
        "adaptability": WelchTest(5.0, 2.1, 80.0, 0.041),  # adjusted 0.05125
        "improvement": WelchTest(1.0, 1.1, 80.0, 0.27),
        "index": None,  # could not be run
    }
    assert call_changes(tests) == {
        "purpose_clarity": "up",
        "outcome_focus": "no_clear_change",
        "ownership": "no_clear_change",
        "adaptability": "no_clear_change",
        "improvement": "no_clear_change",
        "index": "no_clear_change",
    }
    # Alone, ownership's p of 0.039 would have been a call: the family is what one release shows.
    assert call_changes({"ownership": tests["ownership"]}) == {"ownership": "up"}


def _outcome(dimension: list[float], anchor: list[float]) -> Outcome:
    moments = {
        "purpose_clarity": Moments.from_values(dimension),
        anchor_key("purpose_clarity"): Moments.from_values(anchor),
    }
    released = Released(len(anchor), len(anchor), 3, moments)
    return Outcome(len(anchor), len(anchor), 3, True, None, None, {"purpose_clarity": released})


def test_changes_compare_the_anchor_item_like_with_like():
    # Last quarter a hard rotating item pulled the dimension down; this quarter an easy one
    # lifts it. The anchor, asked of everyone both quarters, did not move.
    before = _outcome([40, 52.5, 52.5, 65, 40, 52.5], [50, 75, 75, 100, 50, 75])
    after = _outcome([60, 72.5, 72.5, 85, 60, 72.5], [50, 75, 75, 100, 50, 75])
    tests = group_tests(before, after, ["purpose_clarity"])
    assert tests["purpose_clarity"].difference == 0.0  # the anchors: 70.83 both quarters
    assert call_changes(tests)["purpose_clarity"] == "no_clear_change"
    # Quarters from before anchors were kept fall back to the dimension means (+20 points).
    old = Outcome(
        6,
        6,
        3,
        True,
        None,
        None,
        {
            "purpose_clarity": Released(
                6, 6, 3, {"purpose_clarity": Moments.from_values([40, 52.5, 52.5, 65, 40, 52.5])}
            )
        },
    )
    fallback = group_tests(old, after, ["purpose_clarity"])["purpose_clarity"]
    assert fallback.difference == pytest.approx(20.0)


def test_the_index_is_over_the_employee_dimensions_only():
    # Methodology §3: purpose 80, outcome focus 60, ownership 70, adaptability 50,
    # improvement 40 → (0.2·80 + 0.2·60 + 0.15·(70 + 50 + 40)) / 0.85 = 52 / 0.85 = 61.18;
    # the customers' felt value (90) is shown beside it and changes nothing.
    means = {
        "purpose_clarity": 80,
        "outcome_focus": 60,
        "ownership": 70,
        "adaptability": 50,
        "improvement": 40,
    }
    shown = {k: Moments.from_values([v, v]) for k, v in means.items()}
    assert index_of(shown).value == pytest.approx(52 / 0.85)
    with_customers = {**shown, "felt_value": Moments.from_values([90, 90])}
    assert index_of(with_customers).value == pytest.approx(52 / 0.85)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=80))
def test_benjamini_hochberg_agrees_with_scipy_and_never_lowers_a_p_value(p):
    adjusted = benjamini_hochberg(p)
    assert adjusted == pytest.approx(list(scipy_stats.false_discovery_control(p)), abs=1e-12)
    assert all(a >= raw - 1e-12 and a <= 1.0 for a, raw in zip(adjusted, p, strict=True))
    # The order of the p-values is kept.
    ranked = sorted(range(len(p)), key=lambda i: p[i])
    assert all(adjusted[i] <= adjusted[j] for i, j in pairwise(ranked))
