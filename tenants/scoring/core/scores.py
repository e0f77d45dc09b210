"""The figures of released groups: each dimension's mean, interval, favourable share and change,
and the index with its conservative interval and change (docs/methodology.md §9.3). Takes the
engine's ``Outcome``s, returns the ``figures`` contract. Pure: numbers in, numbers out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tenants.scoring.core.anonymity import Suppressed
from tenants.scoring.core.figures import DimensionFigure, GroupFigures, TrendPoint
from tenants.scoring.core.maturity import culture_index, dimension, maturity_level
from tenants.scoring.core.outcomes import Outcome
from tenants.scoring.core.stats import (
    Change,
    Interval,
    Moments,
    change_of,
    confidence_interval,
    t_interval,
    welch_change,
    welch_test_of,
)


@dataclass(frozen=True, slots=True)
class Index:
    value: float
    se: float | None  # conservative standard error (see index_of)
    df: int | None


def index_of(shown: Mapping[str, Moments]) -> Index | None:
    """The index of the shown dimensions, with a conservative standard error.

    The index is a weighted mean of dimension means that the same people answered, so the
    means are correlated in an unknown way. Whatever the correlation, the standard deviation
    of a weighted sum is at most the weighted sum of standard deviations, so
    SE = Σ wᵢ·sᵢ/√nᵢ (weights re-normalised over the dimensions present) never understates it.
    Degrees of freedom: the smallest nᵢ - 1. No SE when a dimension has fewer than two
    responses."""
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


def index_change(prev: Index | None, curr: Index | None) -> Change | None:
    """Welch's test on the index, with the conservative standard errors of ``index_of``."""
    if prev is None or curr is None:
        return None
    if prev.se is None or curr.se is None or prev.df is None or curr.df is None:
        return "no_clear_change"
    return change_of(
        welch_test_of(curr.value - prev.value, prev.se**2, prev.df, curr.se**2, curr.df)
    )


def _dimension_figures(
    o: Outcome, prev: Outcome | None, keys: Sequence[str]
) -> tuple[DimensionFigure, ...]:
    shown = o.shown()
    before = prev.shown() if prev is not None else {}
    out: list[DimensionFigure] = []
    for key in keys:
        m = shown.get(key)
        if m is not None:
            p = before.get(key)
            change = None if p is None else welch_change(p, m)
            out.append(
                DimensionFigure(
                    key, m.mean, confidence_interval(m), m.favourable_share, change, m.n
                )
            )
            continue
        dim = o.dims.get(key)
        if not o.released:
            needed = o.needed
            if isinstance(dim, Suppressed) and dim.reason == "below_threshold":
                needed = max(dim.needed, o.needed or 0)
        elif isinstance(dim, Suppressed):
            needed = dim.needed
        else:
            needed = None  # not asked this period, or no scored answers
        out.append(DimensionFigure(key, None, None, None, None, 0, needed))
    return tuple(out)


def group_figures(
    key: str,
    name: str,
    o: Outcome,
    prev: Outcome | None,
    keys: Sequence[str],
    *,
    depth: int = 0,
    team_id: int | None = None,
) -> GroupFigures:
    """One group's figures in one period (``prev``: the same group in the period before)."""
    participation = o.respondents / o.invited if o.invited else None
    if not o.released:
        return GroupFigures(
            key=key,
            name=name,
            released=False,
            respondents=o.respondents,
            invited=o.invited,
            participation=participation,
            threshold=o.threshold,
            needed=o.needed,
            dimensions=_dimension_figures(o, prev, keys),
            depth=depth,
            team_id=team_id,
            hidden_reason=o.reason,
        )
    ix = index_of(o.shown())
    ix_prev = index_of(prev.shown()) if prev is not None and prev.released else None
    return GroupFigures(
        key=key,
        name=name,
        released=True,
        respondents=o.respondents,
        invited=o.invited,
        participation=participation,
        threshold=o.threshold,
        needed=None,
        index=None if ix is None else ix.value,
        index_ci=index_interval(ix),
        level=None if ix is None else maturity_level(ix.value),
        change=index_change(ix_prev, ix) if ix_prev is not None else None,
        dimensions=_dimension_figures(o, prev, keys),
        depth=depth,
        team_id=team_id,
    )


def trend_point(period: str, o: Outcome | None) -> TrendPoint:
    if o is None:
        return TrendPoint(period, None, None, hidden=False)
    if not o.released:
        return TrendPoint(period, None, None, hidden=True, needed=o.needed)
    ix = index_of(o.shown())
    return TrendPoint(period, None if ix is None else ix.value, index_interval(ix), hidden=False)
