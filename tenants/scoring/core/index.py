"""The Outcome Culture Index of a group's shown dimensions, with its conservative standard
error and interval (docs/methodology.md §3 and §9.3). Pure."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from tenants.scoring.core.maturity import EMPLOYEE_DIMENSIONS, culture_index, dimension
from tenants.scoring.core.stats import Interval, Moments, t_interval


@dataclass(frozen=True, slots=True)
class Index:
    value: float
    se: float | None  # conservative standard error (see index_of)
    df: int | None


def index_of(shown: Mapping[str, Moments]) -> Index | None:
    """The index of the shown employee dimensions (customers' felt value is shown beside it,
    never in it: methodology §3), with a conservative standard error.

    The index is a weighted mean of dimension means that the same people answered, so the
    means are correlated in an unknown way. Whatever the correlation, the standard deviation
    of a weighted sum is at most the weighted sum of standard deviations, so
    SE = Σ wᵢ·sᵢ/√nᵢ (weights re-normalised over the dimensions present) never understates it.
    Degrees of freedom: the smallest nᵢ - 1. No SE when a dimension has fewer than two
    responses."""
    for key in shown:
        dimension(key)  # rejects unknown keys
    shown = {k: m for k, m in shown.items() if k in EMPLOYEE_DIMENSIONS}
    value = culture_index({k: m.mean for k, m in shown.items()})
    if value is None:
        return None
    total_weight = math.fsum(dimension(k).weight for k in shown)
    se = 0.0
    for k, m in shown.items():
        sd = m.sd
        if sd is None:
            return Index(value, None, None)
        se += dimension(k).weight / total_weight * sd / math.sqrt(m.n)
    return Index(value, se, min(m.n for m in shown.values()) - 1)


def index_interval(ix: Index | None) -> Interval | None:
    if ix is None or ix.se is None or ix.df is None:
        return None
    return t_interval(ix.value, ix.se, ix.df)
