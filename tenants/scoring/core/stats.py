"""Sufficient statistics, scale conversions, confidence intervals and the change test.

Everything here works on *responses*: one response is one person's mean for one
dimension in one round, already on the 0-100 scale. A group is summarised by its
:class:`Moments` (count, sum, sum of squares, favourable count), which add up across
disjoint groups, so SQL can aggregate per team and Python can merge teams into
sub-trees without seeing a single answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

from scipy import special

SCALE_MIN: Final = 0.0
SCALE_MAX: Final = 100.0

#: A response is *favourable* when its mean on the 1-5 agreement scale is at least 4
#: ("agree"), i.e. at least 75 on the 0-100 scale.
FAVOURABLE_CUT: Final = 75.0

# Means of 1-5 answers converted to 0-100 can land a hair below 75 in floating point.
_FAVOURABLE_EPSILON: Final = 1e-9

Change = Literal["up", "down", "no_clear_change"]


# --------------------------------------------------------------------------- scales


def agreement_to_100(x: float) -> float:
    """Map a 1-5 agreement answer (or a mean of them) linearly to 0-100: 1→0, 3→50, 5→100."""
    if not 1.0 <= x <= 5.0:
        raise ValueError(f"agreement answer must be within 1-5, got {x!r}")
    return (x - 1.0) * 25.0


def ten_point_to_100(x: float) -> float:
    """Map a 0-10 answer (or a mean of them) linearly to 0-100."""
    if not 0.0 <= x <= 10.0:
        raise ValueError(f"0-10 answer must be within 0-10, got {x!r}")
    return x * 10.0


def yes_no_to_100(answer: bool) -> float:
    """Map a yes/no answer to 100/0, so a group's mean is its share of "yes" in percent."""
    return SCALE_MAX if answer else SCALE_MIN


def is_favourable(value_100: float) -> bool:
    """Whether a response value (0-100) counts as favourable (≥ 75, i.e. ≥ 4 of 5)."""
    return value_100 >= FAVOURABLE_CUT - _FAVOURABLE_EPSILON


# --------------------------------------------------------------------------- moments


@dataclass(frozen=True, slots=True)
class Moments:
    """Additive summary of a set of responses on the 0-100 scale.

    ``n`` counts responses, ``total`` is their sum, ``total_sq`` the sum of their
    squares and ``favourable`` how many are favourable (see :data:`FAVOURABLE_CUT`).
    """

    n: int
    total: float
    total_sq: float
    favourable: int = 0

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError("n must not be negative")
        if not 0 <= self.favourable <= self.n:
            raise ValueError("favourable must be between 0 and n")

    @classmethod
    def empty(cls) -> Moments:
        return cls(0, 0.0, 0.0, 0)

    @classmethod
    def from_values(cls, values: Iterable[float]) -> Moments:
        """Summarise response values already on the 0-100 scale (used by tests and imports)."""
        n, total, total_sq, favourable = 0, 0.0, 0.0, 0
        for v in values:
            if not SCALE_MIN <= v <= SCALE_MAX:
                raise ValueError(f"response value must be within 0-100, got {v!r}")
            n += 1
            total += v
            total_sq += v * v
            favourable += is_favourable(v)
        return cls(n, total, total_sq, favourable)

    def __add__(self, other: Moments) -> Moments:
        if not isinstance(other, Moments):
            return NotImplemented
        return Moments(
            self.n + other.n,
            self.total + other.total,
            self.total_sq + other.total_sq,
            self.favourable + other.favourable,
        )

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """Sample variance (divisor n - 1); None when n < 2."""
        if self.n < 2:
            return None
        ss = self.total_sq - self.total * self.total / self.n
        # Sums of squares can come out a hair below zero in floating point when all
        # values are equal; a variance is never negative.
        return max(ss, 0.0) / (self.n - 1)

    @property
    def sd(self) -> float | None:
        v = self.variance
        return None if v is None else math.sqrt(v)

    @property
    def favourable_share(self) -> float | None:
        """Share (0-1) of favourable responses; None when n = 0."""
        return self.favourable / self.n if self.n else None


def merge(parts: Iterable[Moments]) -> Moments:
    """Sum of several Moments (the empty sum is :meth:`Moments.empty`)."""
    out = Moments.empty()
    for m in parts:
        out = out + m
    return out


# --------------------------------------------------------------------------- intervals


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float


@lru_cache(maxsize=4096)
def t_critical(df: float, level: float = 0.95) -> float:
    """The two-sided ``level`` critical value of Student's t with ``df`` degrees of freedom.

    From ``scipy.special`` directly (and remembered): the dashboard computes thousands of
    intervals, and ``scipy.stats``' distribution objects cost ~30 µs a call."""
    return float(special.stdtrit(df, 0.5 + level / 2.0))


def t_interval(mean: float, se: float, df: float, level: float = 0.95) -> Interval:
    """mean ± t(level, df) · se, clipped to the 0-100 scale."""
    half = t_critical(df, level) * se
    return Interval(max(SCALE_MIN, mean - half), min(SCALE_MAX, mean + half))


def confidence_interval(m: Moments, level: float = 0.95) -> Interval | None:
    """Student-t interval for the mean, clipped to the 0-100 scale; None when n < 2.

    mean ± t(1 - (1 - level)/2, n - 1) · s / √n. The t distribution (rather than the
    normal) matters here: released groups can be as small as three responses.
    """
    if not 0.0 < level < 1.0:
        raise ValueError("level must be between 0 and 1")
    mean, var = m.mean, m.variance
    if mean is None or var is None:
        return None
    return t_interval(mean, math.sqrt(var / m.n), m.n - 1, level)


# --------------------------------------------------------------------------- change


@dataclass(frozen=True, slots=True)
class WelchTest:
    """Welch's unequal-variance t-test of ``curr`` against ``prev``.

    ``difference`` is curr mean - prev mean. ``t`` is infinite (and ``p`` 0) when
    both groups have zero variance but different means; ``df`` is then None.
    """

    difference: float
    t: float
    df: float | None
    p: float


def welch_test(prev: Moments, curr: Moments) -> WelchTest | None:
    """Welch's t-test with Welch–Satterthwaite degrees of freedom; None when either n < 2."""
    prev_var, curr_var = prev.variance, curr.variance
    if prev_var is None or curr_var is None:
        return None
    assert prev.mean is not None and curr.mean is not None  # n ≥ 2 on both sides
    return welch_test_of(
        curr.mean - prev.mean, prev_var / prev.n, prev.n - 1, curr_var / curr.n, curr.n - 1
    )


def welch_test_of(
    difference: float, prev_se2: float, prev_df: float, curr_se2: float, curr_df: float
) -> WelchTest:
    """Welch's test of a difference of two means from their squared standard errors and
    degrees of freedom (a group's mean: s²/n and n - 1; the index: its conservative SE)."""
    a, b = prev_se2, curr_se2
    se2 = a + b
    if se2 == 0.0:
        # Everyone in each group gave the same value. Equal means: nothing changed.
        # Different means: the groups do not overlap at all, the statistic is
        # infinite and the difference is certain for these respondents.
        if difference == 0.0:
            return WelchTest(0.0, 0.0, None, 1.0)
        return WelchTest(difference, math.copysign(math.inf, difference), None, 0.0)
    t = difference / math.sqrt(se2)
    df = se2 * se2 / (a * a / prev_df + b * b / curr_df)
    p = float(2.0 * special.stdtr(df, -abs(t)))
    return WelchTest(difference, t, df, min(p, 1.0))


def change_of(test: WelchTest | None, alpha: float = 0.05) -> Change:
    """ "up" or "down" when the two-sided ``test`` rejects equal means at ``alpha``."""
    if test is None or test.p >= alpha or test.difference == 0.0:
        return "no_clear_change"
    return "up" if test.difference > 0 else "down"


def welch_change(prev: Moments, curr: Moments, alpha: float = 0.05) -> Change:
    """ "up" or "down" when Welch's two-sided test rejects equal means at ``alpha``."""
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must be between 0 and 1")
    return change_of(welch_test(prev, curr), alpha)
