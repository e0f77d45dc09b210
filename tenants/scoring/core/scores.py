"""The figures of released groups: each dimension's mean, interval, favourable share and change,
and the index with its conservative interval and change (docs/methodology.md §9.3). Takes the
engine's ``Outcome``s, returns the ``figures`` contract. Pure: numbers in, numbers out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tenants.scoring.core.anonymity import Suppressed
from tenants.scoring.core.changes import call_changes, group_tests
from tenants.scoring.core.figures import DimensionFigure, GroupFigures, TrendPoint
from tenants.scoring.core.index import index_interval, index_of
from tenants.scoring.core.maturity import maturity_level
from tenants.scoring.core.outcomes import Outcome
from tenants.scoring.core.stats import (
    Change,
    confidence_interval,
)


def _dimension_figures(
    o: Outcome, calls: Mapping[str, Change], keys: Sequence[str]
) -> tuple[DimensionFigure, ...]:
    shown = o.shown()
    out: list[DimensionFigure] = []
    for key in keys:
        m = shown.get(key)
        if m is not None:
            change = calls.get(key)
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
    calls: Mapping[str, Change] | None = None,
) -> GroupFigures:
    """One group's figures in one period (``prev``: the same group in the period before).

    ``calls``: the changes the release called for this group (``changes.call_changes`` over
    every test the release shows), by dimension key and ``"index"``; when None, the group's
    own tests are the family."""
    if calls is None:
        calls = call_changes(group_tests(prev, o, keys))
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
            dimensions=_dimension_figures(o, {}, keys),
            depth=depth,
            team_id=team_id,
            hidden_reason=o.reason,
        )
    ix = index_of(o.shown())
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
        change=calls.get("index"),
        dimensions=_dimension_figures(o, calls, keys),
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
