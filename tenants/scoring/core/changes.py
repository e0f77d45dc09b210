"""Which changes a release calls (docs/methodology.md §6).

Like with like: a dimension's change is tested on its **anchor item** (the same item every
round) when both quarters have it, so rotating items of different difficulty cannot make a
change; it falls back to the dimension means only for quarters from before anchors were kept.
Every test a release shows forms one family: its p-values are adjusted with the
Benjamini-Hochberg procedure, and a change is called only when the adjusted p is below
``FALSE_DISCOVERY_RATE`` **and** the tested difference is at least ``MIN_CHANGE`` points.
Pure: numbers in, numbers out.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Final, TypeVar

from tenants.scoring.core.index import index_of
from tenants.scoring.core.maturity import EMPLOYEE_DIMENSIONS
from tenants.scoring.core.outcomes import Outcome
from tenants.scoring.core.stats import Change, WelchTest, welch_test, welch_test_of

#: The false-discovery rate controlled across everything one release shows.
FALSE_DISCOVERY_RATE: Final = 0.05
#: The smallest change (points on the 0-100 scale) worth calling: a quarter of one answer step.
MIN_CHANGE: Final = 3.0

K = TypeVar("K", bound=Hashable)


def benjamini_hochberg(pvalues: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (step-up), in the order given.

    q₍ᵢ₎ = min over j ≥ i of p₍ⱼ₎ · m / j, capped at 1, for the p-values sorted ascending."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, pvalues[i] * m / rank)
        adjusted[i] = min(running, 1.0)
    return adjusted


def call_changes(tests: Mapping[K, WelchTest | None]) -> dict[K, Change]:
    """``up``/``down`` where the family's BH-adjusted p < 0.05 and |difference| ≥ 3 points;
    ``no_clear_change`` elsewhere (a test that could not be run included)."""
    run = [key for key, test in tests.items() if test is not None]
    adjusted = benjamini_hochberg([tests[key].p for key in run])  # type: ignore[union-attr]
    out: dict[K, Change] = dict.fromkeys(tests, "no_clear_change")
    for key, q in zip(run, adjusted, strict=True):
        test = tests[key]
        assert test is not None
        if q < FALSE_DISCOVERY_RATE and abs(test.difference) >= MIN_CHANGE:
            out[key] = "up" if test.difference > 0 else "down"
    return out


def dimension_test(prev: Outcome, curr: Outcome, key: str) -> WelchTest | None:
    """Welch's test of one dimension between two released quarters: on its anchor item when
    both have it, else on the dimension means. None when it cannot be run (n < 2)."""
    before, now = prev.shown(anchors=True).get(key), curr.shown(anchors=True).get(key)
    if before is None or now is None:
        before, now = prev.shown().get(key), curr.shown().get(key)
    if before is None or now is None:
        return None
    return welch_test(before, now)


def index_test(prev: Outcome, curr: Outcome) -> WelchTest | None:
    """Welch's test of the index (employee dimensions) with its conservative standard errors
    (``scores.index_of``), on the anchors when both quarters have them for the same dimensions."""
    dims = set(_employee(prev.shown())) & set(_employee(curr.shown()))
    for anchors in (True, False):
        before = _employee(prev.shown(anchors=anchors))
        now = _employee(curr.shown(anchors=anchors))
        if before and set(before) == set(now) == dims:
            break
    else:
        return None
    a, b = index_of(before), index_of(now)
    if a is None or b is None or a.se is None or b.se is None or a.df is None or b.df is None:
        return None
    return welch_test_of(b.value - a.value, a.se**2, a.df, b.se**2, b.df)


def _employee(shown: Mapping[str, object]) -> dict:
    return {k: m for k, m in shown.items() if k in EMPLOYEE_DIMENSIONS}


def group_tests(
    prev: Outcome | None, curr: Outcome, keys: Sequence[str]
) -> dict[str, WelchTest | None]:
    """The tests one group shows against its previous quarter: each dimension shown in both
    quarters, and the index (key ``"index"``). Empty when either quarter is hidden."""
    if prev is None or not prev.released or not curr.released:
        return {}
    before, now = prev.shown(), curr.shown()
    tests: dict[str, WelchTest | None] = {
        key: dimension_test(prev, curr, key) for key in keys if key in before and key in now
    }
    if _employee(before) and _employee(now):
        tests["index"] = index_test(prev, curr)
    return tests
