"""Figures for the dashboard, the CSV export, the API and the reports.

One path for every output: the rollups and invitation counts of a period (``aggregates``, a
handful of SQL queries) → per-cell figures → the anonymity engine over the **whole tenant**
(``anonymity.release_team_figures`` for employees, once per group of dimensions asked of the
same people; ``anonymity.release_partitions`` for customers by segment, serving team and
process together) → the model (``stats``, ``model``) for the released groups only. A team
lead's view is a slice of the whole-tenant result, so it is never finer than anyone else's.

Only closed rounds feed scores; open rounds feed the live counts (``Participation``) and
nothing else. Free-text comments go through ``anonymity.release_comments`` with the stricter
comment threshold (``comments``).

Entry points (every one takes ``tenant_id`` explicitly; no Flask, no request):

* ``dashboard(tenant_id, period=None, team_id=None)`` → ``figures.Dashboard``
* ``dashboards(tenant_id, period=None)`` → every scope's ``Dashboard`` in one pass
* ``comments(tenant_id, period=None, team_id=None, rng=None)`` → ``figures.Comments``
* ``participation(tenant_id, period=None, team_id=None)`` → ``figures.Participation``
* ``periods(tenant_id)``, ``check_period(text)``, ``shift_period(period, quarters)``

How the figures are computed, and why, is in docs/methodology.md §9.
"""

from __future__ import annotations

import math
import random
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Final

from scipy import special

from saas.db import utcnow
from tenants.scoring import aggregates, stored
from tenants.scoring.anonymity import (
    MIN_THRESHOLD,
    Breakdown,
    Cell,
    Comment,
    CommentSet,
    Released,
    Suppressed,
    release_comments,
    release_partitions,
    release_team_figures,
)
from tenants.scoring.figures import (
    Change,
    Comments,
    Dashboard,
    DimensionFigure,
    GroupFigures,
    Participation,
    ShownComment,
    TrendPoint,
)
from tenants.scoring.model import culture_index, dimension, maturity_level
from tenants.scoring.stats import Interval, Moments

PERIOD_RE: Final = re.compile(r"^(\d{4})-Q([1-4])$")
#: The trend shows up to this many quarters, ending at the period shown.
TREND_QUARTERS: Final = 8
EMPLOYEE_DIMENSIONS: Final = aggregates.EMPLOYEE_DIMENSIONS
CUSTOMER_DIMENSION: Final = "felt_value"
#: Customer figures are released by these three splits together (release_partitions).
CUSTOMER_WAYS: Final = ("segment", "serving_team", "process")
ALPHA: Final = 0.05


class PeriodError(ValueError):
    """A period that is not written ``2026-Q3``."""


class UnknownTeam(LookupError):
    """A team id that is not one of the tenant's teams (a 404 for the caller)."""


class UnknownTenant(LookupError):
    pass


# --------------------------------------------------------------------------- periods


def check_period(period: str) -> str:
    """``period`` if it is a quarter written ``2026-Q3``, else ``PeriodError``."""
    if not isinstance(period, str) or not PERIOD_RE.match(period):
        raise PeriodError(f"a period is written like 2026-Q3, got {period!r}")
    return period


def shift_period(period: str, quarters: int) -> str:
    """The quarter ``quarters`` after ``period`` (before it when negative)."""
    match = PERIOD_RE.match(check_period(period))
    assert match is not None
    index = int(match.group(1)) * 4 + int(match.group(2)) - 1 + quarters
    return f"{index // 4}-Q{index % 4 + 1}"


def quarter_of(moment: datetime, tz: str) -> str:
    """The quarter holding ``moment`` in the time zone ``tz``."""
    from zoneinfo import ZoneInfo

    day = moment.astimezone(ZoneInfo(tz)).date()
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_end(period: str, tz: str) -> datetime:
    """The instant (UTC) a quarter ends: local midnight starting the next quarter."""
    from zoneinfo import ZoneInfo

    year, quarter = int(period[:4]), int(period[-1])
    year, month = (year + 1, 1) if quarter == 4 else (year, quarter * 3 + 1)
    return datetime(year, month, 1, tzinfo=ZoneInfo(tz)).astimezone(UTC)


# --------------------------------------------------------------------------- the team tree


@dataclass(frozen=True, slots=True)
class _Tree:
    parent: dict[int, int | None]  # in tree order: parents before children, names A→Z
    name: dict[int, str]
    depth: dict[int, int]
    children: dict[int | None, tuple[int, ...]]
    key: tuple[tuple[int, int | None], ...]  # the structure, for cache keys

    @property
    def order(self) -> tuple[int, ...]:
        return tuple(self.parent)

    def subtree(self, team_id: int) -> list[int]:
        """``team_id`` and every team below it, in tree order."""
        out: list[int] = []
        stack = [team_id]
        while stack:
            t = stack.pop()
            out.append(t)
            stack.extend(reversed(self.children.get(t, ())))
        return out

    def known(self, team_id: int | None) -> int | None:
        """A team id of the tree, or None (no team, or a team since deleted)."""
        return team_id if team_id in self.name else None


def _tree(rows: Sequence[aggregates.TeamRow]) -> _Tree:
    names = {r.id: r.name for r in rows}
    parent_of = {r.id: (r.parent_id if r.parent_id in names else None) for r in rows}
    while True:  # a parent cycle (never expected) is cut at its smallest team
        kids: dict[int | None, list[int]] = {}
        for t, p in parent_of.items():
            kids.setdefault(p, []).append(t)
        for p in kids:
            kids[p].sort(key=lambda t: (names[t].lower(), t))
        parent: dict[int, int | None] = {}
        depth: dict[int, int] = {}
        stack: list[tuple[int, int]] = [(t, 0) for t in reversed(kids.get(None, []))]
        while stack:
            t, d = stack.pop()
            parent[t], depth[t] = parent_of[t], d
            stack.extend((c, d + 1) for c in reversed(kids.get(t, [])))
        stranded = [t for t in parent_of if t not in parent]
        if not stranded:
            break
        parent_of[min(stranded)] = None
    children = {p: tuple(ts) for p, ts in kids.items()}
    return _Tree(parent, names, depth, children, tuple(parent.items()))


# --------------------------------------------------------------------------- engine outcomes

DimOutcome = Released | Suppressed | None  # None: the dimension was not asked in the period


@dataclass(slots=True)
class _Outcome:
    """One group in one period, after the engine."""

    respondents: int
    invited: int
    threshold: int
    released: bool
    needed: int | None  # when hidden
    reason: str | None  # when hidden: below_threshold | complementary
    dims: dict[str, DimOutcome] = field(default_factory=dict)

    def shown(self) -> dict[str, Moments]:
        """Released moments of each shown dimension (nothing when the group is hidden)."""
        if not self.released:
            return {}
        out: dict[str, Moments] = {}
        for key, o in self.dims.items():
            if isinstance(o, Released):
                m = o.moments.get(key)
                if m is not None and m.n > 0:
                    out[key] = m
        return out


def _outcome(o: Released | Suppressed, respondents: int, invited: int, threshold: int) -> _Outcome:
    if isinstance(o, Released):
        return _Outcome(o.respondents, invited, o.threshold, True, None, None)
    return _Outcome(respondents, invited, threshold, False, o.needed, o.reason)


@dataclass(slots=True)
class _EmployeePeriod:
    """What SQL says about one period's employees, per team cell (None = no team)."""

    answered: dict[int | None, int] = field(default_factory=dict)
    invited: dict[int | None, int] = field(default_factory=dict)
    by_dimension: dict[str, dict[int | None, int]] = field(default_factory=dict)
    sums: dict[str, dict[int | None, Moments]] = field(default_factory=dict)


CustomerCell = tuple[str | None, int | None, int | None]  # segment, serving team, process


@dataclass(slots=True)
class _CustomerPeriod:
    answered: dict[CustomerCell, int] = field(default_factory=dict)
    invited: dict[CustomerCell, int] = field(default_factory=dict)
    sums: dict[CustomerCell, Moments] = field(default_factory=dict)


def _add(d: dict, key: object, value: object) -> None:
    d[key] = d[key] + value if key in d else value


def _subtree_sums(tree: _Tree, own: Mapping[int | None, int]) -> dict[int | None, int]:
    """Per team, the sum over its subtree; under None, the tenant's total."""
    out: dict[int | None, int] = {t: own.get(t, 0) for t in tree.order}
    for t in reversed(tree.order):  # children after parents in tree order
        p = tree.parent[t]
        if p is not None:
            out[p] += out[t]
    out[None] = sum(own.values())
    return out


def _release_employees(
    tree: _Tree, data: _EmployeePeriod, threshold: int
) -> dict[int | None, _Outcome]:
    """The engine over the whole team tree for one period: one run for the group flags (people
    who answered anything) and one per set of dimensions asked of the same people."""
    answered = _subtree_sums(tree, data.answered)
    invited = _subtree_sums(tree, data.invited)
    engine_tree = {t: tree.parent[t] for t in tree.order}

    def run(counts: Mapping[int | None, int], dims: Sequence[str]) -> Breakdown:
        cells: dict[int, Cell] = {}
        unassigned = Cell(0, threshold)
        for team, n in counts.items():
            # A cell whose figures come only from people counted in another cell (they moved
            # team during the period) shows nothing: its figures would be nobody's.
            moments = {d: data.sums[d][team] for d in dims if n and team in data.sums.get(d, {})}
            cell = Cell(n, threshold, moments, data.invited.get(team, 0))
            if team is None:
                unassigned = cell
            else:
                cells[team] = cell
        return release_team_figures(
            engine_tree, cells, unassigned=unassigned, default_threshold=threshold
        )

    def signature(counts: Mapping[int | None, int]) -> tuple:
        return tuple(sorted((-1 if t is None else t, n) for t, n in counts.items() if n))

    # Dimensions asked of exactly the same people share one run, and so does the group flag
    # (who answered anything) when it has the same people as a dimension.
    classes: dict[tuple, list[str]] = {}
    for d in EMPLOYEE_DIMENSIONS:
        classes.setdefault(signature(data.by_dimension.get(d, {})), []).append(d)
    runs = {sig: run(data.by_dimension[dims[0]], dims) for sig, dims in classes.items() if sig}
    flag = runs.get(signature(data.answered)) or run(data.answered, ())
    # A dimension nobody answered this period (not asked) has no run: None.
    by_dim = {d: runs.get(sig) for sig, dims in classes.items() for d in dims}

    out: dict[int | None, _Outcome] = {}
    for team in (None, *tree.order):
        group = flag.total if team is None else flag.groups[team]
        o = _outcome(group, answered[team], invited[team], threshold)
        for d in EMPLOYEE_DIMENSIONS:
            b = by_dim[d]
            o.dims[d] = None if b is None else (b.total if team is None else b.groups[team])
        out[team] = o
    return out


def _release_customers(
    data: _CustomerPeriod, threshold: int
) -> tuple[_Outcome, dict[str, dict[object, _Outcome]]]:
    """Customer felt value by segment, serving team and process, released together."""
    cells: dict[tuple, Cell] = {}
    for key in set(data.answered) | set(data.invited) | set(data.sums):
        n = data.answered.get(key, 0)
        moments = {CUSTOMER_DIMENSION: data.sums[key]} if n and key in data.sums else {}
        cells[key] = Cell(n, threshold, moments, data.invited.get(key, 0))
    result = release_partitions(cells, CUSTOMER_WAYS, default_threshold=threshold)

    def counts(way: int | None, part: object) -> tuple[int, int]:
        keys = [k for k in cells if way is None or k[way] == part]
        return sum(cells[k].respondents for k in keys), sum(cells[k].invited for k in keys)

    def outcome(o: Released | Suppressed, way: int | None, part: object) -> _Outcome:
        n, inv = counts(way, part)
        out = _outcome(o, n, inv, threshold)
        out.dims[CUSTOMER_DIMENSION] = o
        return out

    first = result[CUSTOMER_WAYS[0]]
    total = outcome(first.total, None, None)
    parts = {
        way: {part: outcome(o, w, part) for part, o in result[way].groups.items()}
        for w, way in enumerate(CUSTOMER_WAYS)
    }
    return total, parts


# --------------------------------------------------------------------------- statistics
#
# The same formulas as stats.confidence_interval and stats.welch_change (tests check they agree
# to 1e-9), with Student's t from scipy.special directly: the dashboard computes thousands of
# intervals and tests, and scipy.stats' distribution objects cost ~30 µs a call.


@lru_cache(maxsize=4096)
def _t_critical(df: int) -> float:
    return float(special.stdtrit(df, 1.0 - ALPHA / 2.0))


def _interval(m: Moments) -> Interval | None:
    """95 % Student-t interval of the mean, clipped to 0-100 (= stats.confidence_interval)."""
    mean, var = m.mean, m.variance
    if mean is None or var is None:
        return None
    half = _t_critical(m.n - 1) * math.sqrt(var / m.n)
    return Interval(max(0.0, mean - half), min(100.0, mean + half))


def _two_sided_p(t: float, df: float) -> float:
    return min(1.0, 2.0 * float(special.stdtr(df, -abs(t))))


def _welch_change(prev: Moments, curr: Moments) -> Change:
    """Welch's two-sided test at 5 % (= stats.welch_change)."""
    prev_var, curr_var = prev.variance, curr.variance
    if prev_var is None or curr_var is None:
        return "no_clear_change"
    assert prev.mean is not None and curr.mean is not None
    diff = curr.mean - prev.mean
    a, b = prev_var / prev.n, curr_var / curr.n
    if a + b == 0.0:
        return "no_clear_change" if diff == 0.0 else ("up" if diff > 0 else "down")
    t = diff / math.sqrt(a + b)
    df = (a + b) ** 2 / (a * a / (prev.n - 1) + b * b / (curr.n - 1))
    if _two_sided_p(t, df) >= ALPHA or diff == 0.0:
        return "no_clear_change"
    return "up" if diff > 0 else "down"


@dataclass(frozen=True, slots=True)
class _Index:
    value: float
    se: float | None  # conservative standard error (see _index)
    df: int | None


def _index(shown: Mapping[str, Moments]) -> _Index | None:
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
            return _Index(value, None, None)
        se += dimension(k).weight / total_weight * sd / math.sqrt(m.n)
    return _Index(value, se, min(m.n for m in shown.values()) - 1)


def _index_interval(ix: _Index | None) -> Interval | None:
    if ix is None or ix.se is None or ix.df is None:
        return None
    half = _t_critical(ix.df) * ix.se
    return Interval(max(0.0, ix.value - half), min(100.0, ix.value + half))


def _index_change(prev: _Index | None, curr: _Index | None) -> Change | None:
    """Welch's test on the index, with the conservative standard errors of ``_index``."""
    if prev is None or curr is None:
        return None
    if prev.se is None or curr.se is None or prev.df is None or curr.df is None:
        return "no_clear_change"
    diff = curr.value - prev.value
    a, b = prev.se**2, curr.se**2
    if a + b == 0.0:
        return "no_clear_change" if diff == 0.0 else ("up" if diff > 0 else "down")
    t = diff / math.sqrt(a + b)
    df = (a + b) ** 2 / (a * a / prev.df + b * b / curr.df)
    if _two_sided_p(t, df) >= ALPHA or diff == 0.0:
        return "no_clear_change"
    return "up" if diff > 0 else "down"


# --------------------------------------------------------------------------- figures


def _dimension_figures(
    o: _Outcome, prev: _Outcome | None, keys: Sequence[str]
) -> tuple[DimensionFigure, ...]:
    shown = o.shown()
    before = prev.shown() if prev is not None else {}
    out: list[DimensionFigure] = []
    for key in keys:
        m = shown.get(key)
        if m is not None:
            p = before.get(key)
            change = None if p is None else _welch_change(p, m)
            out.append(DimensionFigure(key, m.mean, _interval(m), m.favourable_share, change, m.n))
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


def _group(
    key: str,
    name: str,
    o: _Outcome,
    prev: _Outcome | None,
    keys: Sequence[str],
    *,
    depth: int = 0,
    team_id: int | None = None,
) -> GroupFigures:
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
    ix = _index(o.shown())
    ix_prev = _index(prev.shown()) if prev is not None and prev.released else None
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
        index_ci=_index_interval(ix),
        level=None if ix is None else maturity_level(ix.value),
        change=_index_change(ix_prev, ix) if ix_prev is not None else None,
        dimensions=_dimension_figures(o, prev, keys),
        depth=depth,
        team_id=team_id,
    )


def _trend_point(period: str, o: _Outcome | None) -> TrendPoint:
    if o is None:
        return TrendPoint(period, None, None, hidden=False)
    if not o.released:
        return TrendPoint(period, None, None, hidden=True, needed=o.needed)
    ix = _index(o.shown())
    return TrendPoint(period, None if ix is None else ix.value, _index_interval(ix), hidden=False)


def _with_customers(employees: _Outcome, customers: _Outcome | None) -> _Outcome:
    """The tenant's employees plus the customers' felt value, for the six-dimension index."""
    merged = _Outcome(
        employees.respondents,
        employees.invited,
        employees.threshold,
        employees.released,
        employees.needed,
        employees.reason,
        dict(employees.dims),
    )
    if customers is not None:
        merged.dims[CUSTOMER_DIMENSION] = (
            customers.dims.get(CUSTOMER_DIMENSION)
            if customers.released
            else Suppressed(customers.needed or 0, customers.reason or "below_threshold")  # type: ignore[arg-type]
        )
    return merged


# --------------------------------------------------------------------------- rounds


class _Calendar:
    """The tenant's rounds by period: which periods have results, and their thresholds."""

    def __init__(
        self, rows: Sequence[aggregates.RoundRow], now: datetime | None = None, tz: str = "UTC"
    ) -> None:
        self.by_period: dict[str, list[aggregates.RoundRow]] = {}
        for r in rows:
            self.by_period.setdefault(r.period, []).append(r)
        self.any = tuple(sorted(self.by_period))
        moment = now or utcnow()
        # A period's figures are published once it is complete: the quarter is over in the
        # tenant's time zone and every round of it is closed. Before that, each round that
        # closed would change the figures, and the difference between two views would be the
        # answers of one round of a team: a group of any size (docs/methodology.md §9.5).
        self.closed = tuple(
            p
            for p in self.any
            if all(r.status == "closed" for r in self.by_period[p]) and quarter_end(p, tz) <= moment
        )

    def complete(self, period: str) -> bool:
        return period in self.closed

    def rounds(self, period: str, kind: str | None = None, status: str | None = None) -> list:
        return [
            r
            for r in self.by_period.get(period, ())
            if (kind is None or r.kind == kind) and (status is None or r.status == status)
        ]

    def threshold(self, period: str, kind: str, default: int) -> int:
        """The highest threshold frozen on the period's closed rounds of ``kind``."""
        found = [r.threshold for r in self.rounds(period, kind, "closed")]
        return max(MIN_THRESHOLD, max(found) if found else default)

    def comment_threshold(self, period: str, default: int) -> int:
        found = [r.comment_threshold for r in self.rounds(period, "employee", "closed")]
        return max(found) if found else default

    def employee_periods(self) -> list[str]:
        """Periods with a closed employee round, oldest first."""
        return [p for p in self.closed if self.rounds(p, "employee", "closed")]


# --------------------------------------------------------------------------- the period cache
#
# Once a round is closed it takes no more answers, and its invitations and rollups no longer
# change: the engine's result for a period whose closed rounds have all been closed for a
# while is fixed, and recomputing it (a scan of the period's invitations and one engine run
# per dimension) on every view is waste. Such *settled* periods are kept here, keyed by
# everything they depend on: the period's closed rounds (ids, thresholds, creation and close
# times), the team tree's structure, the tenant's default threshold and rollup rebuilds. A
# period with a round closed in the last SETTLE_AFTER (a submission may still be committing)
# or closed without a close time is recomputed every time.

SETTLE_AFTER: Final = timedelta(minutes=5)
CACHE_SIZE: Final = 512
_cache: OrderedDict[tuple, _Period] = OrderedDict()
_cache_lock = threading.Lock()


def clear_cache(tenant_id: int | None = None, period: str | None = None) -> None:
    """Forget settled periods: all of them, or a tenant's, or one period of a tenant (after
    repairing data by hand; tests; the benchmark)."""
    with _cache_lock:
        for key in list(_cache):
            if (tenant_id is None or key[0] == tenant_id) and (period is None or key[1] == period):
                del _cache[key]


def _cached(key: tuple) -> _Period | None:
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
        return found


def _remember(key: tuple, value: _Period) -> None:
    with _cache_lock:
        _cache[key] = value
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


# --------------------------------------------------------------------------- loading


@dataclass(slots=True)
class _Period:
    """One period's released outcomes for every group of the tenant (what the cache keeps),
    with the figures built from them remembered as they are asked for."""

    period: str
    key: tuple | None  # None: not settled, not cached
    employees: dict[int | None, _Outcome]
    customers: _Outcome | None
    customer_parts: dict[str, dict[object, _Outcome]]
    figures: dict[tuple, GroupFigures] = field(default_factory=dict)
    trend: dict[int | None, TrendPoint] = field(default_factory=dict)


def _settings(tenant_id: int) -> aggregates.TenantSettings:
    settings = aggregates.tenant_settings(tenant_id)
    if settings is None:
        raise UnknownTenant(tenant_id)
    return settings


def _team_key(tree: _Tree, key: str) -> int | None:
    return tree.known(int(key)) if key.isdigit() else None


def _customer_key(key: str) -> CustomerCell:
    team, _, rest = key.partition("|")
    process, _, segment = rest.partition("|")
    return (
        segment or None,
        int(team) if team.isdigit() else None,
        int(process) if process.isdigit() else None,
    )


def _load(
    tenant_id: int,
    tree: _Tree,
    employee_rounds: Sequence[int],
    customer_rounds: Sequence[int],
    *,
    count_rounds: Sequence[int] | None = None,
    stored_counts: Sequence[aggregates.CellCount] = (),
) -> tuple[dict[str, _EmployeePeriod], dict[str, _CustomerPeriod]]:
    """Counts and rollup sums of the given closed rounds, per period (a few queries).

    Employee counts come from ``stored_counts`` (complete periods, counted once) plus a count
    over the invitations of ``count_rounds`` (by default every employee round given)."""
    employees: dict[str, _EmployeePeriod] = {}
    customers: dict[str, _CustomerPeriod] = {}
    counted = aggregates.employee_counts(
        tenant_id, employee_rounds if count_rounds is None else count_rounds
    )
    for c in [*counted, *stored_counts]:
        data = employees.setdefault(c.period, _EmployeePeriod())
        team = tree.known(c.team_id)
        if c.measure in ("answered", "invited"):
            _add(getattr(data, c.measure), team, c.people)
        else:
            _add(data.by_dimension.setdefault(c.measure, {}), team, c.people)
    for s in aggregates.rollup_sums(tenant_id, [*employee_rounds, *customer_rounds]):
        if s.scope == "team" and s.dimension in EMPLOYEE_DIMENSIONS:
            sums = employees.setdefault(s.period, _EmployeePeriod()).sums
            _add(sums.setdefault(s.dimension, {}), _team_key(tree, s.scope_key), s.moments)
        elif s.scope == "customer" and s.dimension == CUSTOMER_DIMENSION:
            segment, team, process = _customer_key(s.scope_key)
            cells = customers.setdefault(s.period, _CustomerPeriod()).sums
            _add(cells, (segment, tree.known(team), process), s.moments)
    for c in aggregates.customer_counts(tenant_id, customer_rounds):
        data_c = customers.setdefault(c.period, _CustomerPeriod())
        target = data_c.answered if c.measure == "answered" else data_c.invited
        _add(target, (c.segment, tree.known(c.team_id), c.process_id), c.people)
    return employees, customers


def _periods(
    tenant_id: int,
    wanted: Sequence[str],
    calendar: _Calendar,
    tree: _Tree,
    settings: aggregates.TenantSettings,
    now: datetime,
) -> dict[str, _Period]:
    """The released outcomes of ``wanted`` periods (those with closed rounds): settled ones
    from the cache, the others computed together and remembered when settled."""
    out: dict[str, _Period] = {}
    missing: dict[str, tuple | None] = {}
    for p in wanted:
        closed = calendar.rounds(p, status="closed")
        settled = all(r.closed_at is not None and r.closed_at <= now - SETTLE_AFTER for r in closed)
        key = (
            tenant_id,
            p,
            settings.threshold,
            aggregates.REBUILDS.get(tenant_id, 0),
            tree.key,
            tuple((r.id, r.kind, r.threshold, r.created_at, r.closed_at) for r in closed),
        )
        found = _cached(key) if settled else None
        if found is not None:
            out[p] = found
        else:
            missing[p] = key if settled else None
    # Settled quarters another process (the tick) already computed and stored.
    candidates = {p: key for p, key in missing.items() if key is not None}
    for p, (fingerprint, data) in aggregates.stored_outcomes(tenant_id, list(candidates)).items():
        key = candidates[p]
        if fingerprint == stored.key_hash(key):
            employees_o, customers_o, parts_o = stored.decode(data, _Outcome)
            out[p] = _Period(p, key, employees_o, customers_o, parts_o)
            _remember(key, out[p])
            del missing[p]
    if not missing:
        return out
    employee_rounds = [r.id for p in missing for r in calendar.rounds(p, "employee", "closed")]
    customer_rounds = [r.id for p in missing for r in calendar.rounds(p, "customer", "closed")]
    stored_counts = aggregates.stored_employee_counts(
        tenant_id, [p for p in missing if calendar.complete(p)]
    )
    stored_periods = {c.period for c in stored_counts}
    count_rounds = [
        r.id
        for p in missing
        if p not in stored_periods
        for r in calendar.rounds(p, "employee", "closed")
    ]
    employees, customers = _load(
        tenant_id,
        tree,
        employee_rounds,
        customer_rounds,
        count_rounds=count_rounds,
        stored_counts=stored_counts,
    )
    for p, key in missing.items():
        threshold = calendar.threshold(p, "employee", settings.threshold)
        emp = _release_employees(tree, employees.get(p, _EmployeePeriod()), threshold)
        cust, parts = None, {}
        if calendar.rounds(p, "customer", "closed"):
            c_threshold = calendar.threshold(p, "customer", settings.threshold)
            cust, parts = _release_customers(customers.get(p, _CustomerPeriod()), c_threshold)
        out[p] = _Period(p, key, emp, cust, parts)
        if key is not None:
            _remember(key, out[p])
    return out


def _live(tenant_id: int, calendar: _Calendar, period: str) -> dict[str, dict[int | None, int]]:
    round_ids = [r.id for r in calendar.rounds(period, "employee")]
    return aggregates.live_counts(tenant_id, round_ids)


def _resolve_period(
    period: str | None, calendar: _Calendar, settings: aggregates.TenantSettings, now: datetime
) -> str:
    if period is not None:
        return check_period(period)
    if calendar.closed:
        return calendar.closed[-1]
    if calendar.any:
        return calendar.any[-1]
    return quarter_of(now, settings.timezone)


def _in_scope(tree: _Tree, counts: Mapping[int | None, int], team_id: int | None) -> int:
    if team_id is None:
        return sum(counts.values())
    teams = set(tree.subtree(team_id))
    return sum(n for t, n in counts.items() if t in teams)


# --------------------------------------------------------------------------- the computation


class _Computation:
    """Everything the dashboard needs for one tenant and period, for every scope at once."""

    def __init__(self, tenant_id: int, period: str | None, now: datetime | None) -> None:
        now = now or utcnow()
        self.settings = _settings(tenant_id)
        self.calendar = _Calendar(aggregates.rounds(tenant_id), now, self.settings.timezone)
        self.period = _resolve_period(period, self.calendar, self.settings, now)
        self.tree = _tree(aggregates.teams(tenant_id))
        window = [shift_period(self.period, -k) for k in range(TREND_QUARTERS - 1, -1, -1)]
        closed = set(self.calendar.closed)
        with_results = [p for p in window if p in closed]
        # The trend starts at the first quarter with results; later quarters without any are
        # gaps (hidden=False, index None).
        self.trend_periods = window[window.index(with_results[0]) :] if with_results else []
        self.by_period = _periods(
            tenant_id, with_results, self.calendar, self.tree, self.settings, now
        )
        self.live = _live(tenant_id, self.calendar, self.period)
        customer_periods = [p for p in with_results if self.calendar.rounds(p, "customer")]
        self.processes = aggregates.process_names(tenant_id) if customer_periods else {}

    def _current(self) -> _Period | None:
        return self.by_period.get(self.period)

    def _previous(self) -> _Period | None:
        return self.by_period.get(shift_period(self.period, -1))

    def _employee_outcome(self, p: _Period | None, team_id: int | None) -> _Outcome | None:
        if p is None:
            return None
        o = p.employees[team_id]
        return _with_customers(o, p.customers) if team_id is None else o

    def _empty(self) -> _Outcome:
        threshold = max(MIN_THRESHOLD, self.settings.threshold)
        return _Outcome(0, 0, threshold, False, threshold, "below_threshold")

    def group(self, team_id: int | None) -> GroupFigures:
        name = self.settings.name if team_id is None else self.tree.name[team_id]
        current, previous = self._current(), self._previous()
        # Remembered on the current period only while the previous one is settled too (or
        # absent): its figures depend on both.
        memo = current is not None and (previous is None or previous.key is not None)
        memo_key = (team_id, name, None if previous is None else previous.key)
        if memo and memo_key in current.figures:  # type: ignore[union-attr]
            return current.figures[memo_key]  # type: ignore[union-attr]
        o = self._employee_outcome(current, team_id) or self._empty()
        prev = self._employee_outcome(previous, team_id)
        keys = EMPLOYEE_DIMENSIONS + ((CUSTOMER_DIMENSION,) if team_id is None else ())
        if team_id is None:
            figures = _group("all", name, o, prev, keys)
        else:
            figures = _group(
                f"team:{team_id}",
                name,
                o,
                prev,
                keys,
                depth=self.tree.depth[team_id],
                team_id=team_id,
            )
        if memo:
            current.figures[memo_key] = figures  # type: ignore[union-attr]
        return figures

    def trend(self, team_id: int | None) -> tuple[TrendPoint, ...]:
        points = []
        for p in self.trend_periods:
            data = self.by_period.get(p)
            if data is None:
                points.append(TrendPoint(p, None, None, hidden=False))
                continue
            if team_id not in data.trend:
                data.trend[team_id] = _trend_point(p, self._employee_outcome(data, team_id))
            points.append(data.trend[team_id])
        return tuple(points)

    def _customer_groups(self) -> tuple[GroupFigures | None, dict[str, list[GroupFigures]]]:
        current, previous = self._current(), self._previous()
        if current is None or current.customers is None:
            return None, {}
        keys = (CUSTOMER_DIMENSION,)
        prev_total = previous.customers if previous is not None else None
        total = _group("customers", self.settings.name, current.customers, prev_total, keys)
        out: dict[str, list[GroupFigures]] = {}
        for way in CUSTOMER_WAYS:
            prev_parts = previous.customer_parts.get(way, {}) if previous is not None else {}
            groups = []
            for part, o in current.customer_parts[way].items():
                if way == "segment":
                    label = str(part)
                elif way == "process":
                    label = self.processes.get(part, str(part))  # type: ignore[call-overload]
                else:
                    label = self.tree.name.get(part, str(part))  # type: ignore[call-overload]
                groups.append(
                    _group(
                        f"{way}:{part}",
                        label,
                        o,
                        prev_parts.get(part),
                        keys,
                        team_id=part if way == "serving_team" else None,  # type: ignore[arg-type]
                    )
                )
            groups.sort(key=lambda g: (g.name.lower(), g.key))
            out[way] = groups
        return total, out

    def participation(self, team_id: int | None) -> Participation:
        return Participation(
            invited=_in_scope(self.tree, self.live["invited"], team_id),
            answered=_in_scope(self.tree, self.live["answered"], team_id),
            open_rounds=len(self.calendar.rounds(self.period, "employee", "open")),
        )

    def dashboard(self, team_id: int | None) -> Dashboard:
        if team_id is not None and team_id not in self.tree.name:
            raise UnknownTeam(team_id)
        teams = self.tree.order if team_id is None else self.tree.subtree(team_id)
        customers, parts = self._customer_groups()
        if team_id is not None:  # a subtree sees the customers its teams serve, nothing wider
            inside = set(teams)
            customers = None
            parts = {
                "serving_team": [g for g in parts.get("serving_team", []) if g.team_id in inside]
            }
        return Dashboard(
            period=self.period,
            periods=self.calendar.closed,
            team_id=team_id,
            overall=self.group(team_id),
            trend=self.trend(team_id),
            teams=tuple(self.group(t) for t in teams),
            customers=customers,
            segments=tuple(parts.get("segment", ())),
            processes=tuple(parts.get("process", ())),
            serving_teams=tuple(parts.get("serving_team", ())),
            participation=self.participation(team_id),
        )


# --------------------------------------------------------------------------- public API


def dashboard(
    tenant_id: int,
    period: str | None = None,
    team_id: int | None = None,
    *,
    now: datetime | None = None,
) -> Dashboard:
    """Released figures of one period for the whole tenant (``team_id`` None) or one team's
    subtree (a team lead's view: the engine still runs on the whole tenant).

    ``period`` None: the latest period with a closed round (else the latest with any round,
    else the current quarter in the tenant's time zone, from ``now``). Raises ``PeriodError``
    for a malformed period and ``UnknownTeam`` for a team that is not the tenant's.
    """
    return _Computation(tenant_id, period, now).dashboard(team_id)


def dashboards(
    tenant_id: int, period: str | None = None, *, now: datetime | None = None
) -> dict[int | None, Dashboard]:
    """Every scope's dashboard of one period in one pass: the tenant (key None) and each team.
    Same figures as ``dashboard`` for each scope, for reports and exports of many teams."""
    computation = _Computation(tenant_id, period, now)
    out: dict[int | None, Dashboard] = {None: computation.dashboard(None)}
    for team_id in computation.tree.order:
        out[team_id] = computation.dashboard(team_id)
    return out


def periods(tenant_id: int, *, now: datetime | None = None) -> tuple[str, ...]:
    """Complete periods (quarter over, every round closed), oldest first: those with figures."""
    settings = _settings(tenant_id)
    return _Calendar(aggregates.rounds(tenant_id), now, settings.timezone).closed


def participation(
    tenant_id: int,
    period: str | None = None,
    team_id: int | None = None,
    *,
    now: datetime | None = None,
) -> Participation:
    """Live counts (open rounds included) for a period: by default the latest period with any
    round, so a first round in progress shows its participation before anything closes."""
    settings = _settings(tenant_id)
    calendar = _Calendar(aggregates.rounds(tenant_id))
    if period is None:
        period = (
            calendar.any[-1] if calendar.any else quarter_of(now or utcnow(), settings.timezone)
        )
    period = check_period(period)
    tree = _tree(aggregates.teams(tenant_id))
    if team_id is not None and team_id not in tree.name:
        raise UnknownTeam(team_id)
    live = _live(tenant_id, calendar, period)
    return Participation(
        _in_scope(tree, live["invited"], team_id),
        _in_scope(tree, live["answered"], team_id),
        len(calendar.rounds(period, "employee", "open")),
    )


def comments(
    tenant_id: int,
    period: str | None = None,
    team_id: int | None = None,
    rng: random.Random | None = None,
) -> Comments:
    """Employee free text (comment items and the purpose map) of one period's closed rounds,
    for the tenant or a team's subtree, through the comment threshold.

    The engine runs on the whole tenant with the stricter comment threshold (the highest frozen
    on the period's rounds); each comment names the most specific released group holding its
    author, or none. Shuffled with ``rng`` (a fresh system RNG by default); no times.
    Raises ``PeriodError`` and ``UnknownTeam`` like ``dashboard``.
    """
    settings = _settings(tenant_id)
    calendar = _Calendar(aggregates.rounds(tenant_id), None, settings.timezone)
    tree = _tree(aggregates.teams(tenant_id))
    if team_id is not None and team_id not in tree.name:
        raise UnknownTeam(team_id)
    if period is None:
        employee_periods = calendar.employee_periods()
        period = employee_periods[-1] if employee_periods else None
    default_threshold = max(MIN_THRESHOLD, settings.threshold)
    if period is None:
        threshold = max(settings.comment_threshold, default_threshold)
        return Comments("", team_id, False, 0, threshold, threshold, None, ())
    period = check_period(period)
    if not calendar.complete(period):
        threshold = max(settings.comment_threshold, default_threshold)
        return Comments(period, team_id, False, 0, threshold, None, "period_in_progress", ())
    threshold = calendar.threshold(period, "employee", settings.threshold)
    comment_threshold = max(
        threshold, calendar.comment_threshold(period, settings.comment_threshold)
    )
    round_ids = [r.id for r in calendar.rounds(period, "employee", "closed")]
    employees, _ = _load(tenant_id, tree, round_ids, [])
    answered = employees.get(period, _EmployeePeriod()).answered
    cells = {t: Cell(n, threshold) for t, n in answered.items() if t is not None}
    unassigned = Cell(answered.get(None, 0), threshold)
    texts: list[Comment[int]] = []
    for row in aggregates.employee_comments(tenant_id, period):
        team = tree.known(row.team_id)
        # Like figures: a cell with nobody counted in it (its people moved team) names nobody,
        # so its comments are left out rather than filed elsewhere.
        if answered.get(team, 0) > 0:
            texts.append(Comment(row.text, team, row.topic))
    result = release_comments(
        {t: tree.parent[t] for t in tree.order},
        cells,
        texts,
        rng=rng or random.SystemRandom(),
        threshold=comment_threshold,
        unassigned=unassigned,
    )
    outcome = result.total if team_id is None else result.groups[team_id]
    if isinstance(outcome, CommentSet):
        items = tuple(
            ShownComment(
                c.text, c.topic, c.group, None if c.group is None else tree.name.get(c.group)
            )
            for c in outcome.comments
        )
        return Comments(
            period, team_id, True, outcome.respondents, comment_threshold, None, None, items
        )
    respondents = _subtree_sums(tree, answered)[team_id]
    return Comments(
        period, team_id, False, respondents, comment_threshold, outcome.needed, outcome.reason, ()
    )


__all__ = [
    "PeriodError",
    "UnknownTeam",
    "UnknownTenant",
    "check_period",
    "clear_cache",
    "comments",
    "dashboard",
    "dashboards",
    "participation",
    "periods",
    "quarter_of",
    "shift_period",
]


def store_complete_periods(tenant_id: int, now: datetime | None = None) -> list[str]:
    """Count and store the employees of every complete period not stored yet (the tick does
    this): afterwards a dashboard reads a few rows instead of counting every invitation.
    Returns the periods stored; the caller commits."""
    settings = _settings(tenant_id)
    calendar = _Calendar(aggregates.rounds(tenant_id), now, settings.timezone)
    complete = calendar.employee_periods()
    have = {c.period for c in aggregates.stored_employee_counts(tenant_id, complete)}
    done = []
    for period in complete:
        if period in have:
            continue
        round_ids = [r.id for r in calendar.rounds(period, "employee", "closed")]
        aggregates.store_employee_counts(
            tenant_id, period, aggregates.employee_counts(tenant_id, round_ids)
        )
        done.append(period)
    _store_outcomes(tenant_id, calendar, settings, now or utcnow())
    return done


def _store_outcomes(
    tenant_id: int, calendar: _Calendar, settings: aggregates.TenantSettings, now: datetime
) -> None:
    """Store the released outcomes of every settled complete quarter whose stored copy is
    missing or out of date (a team moved, a threshold changed)."""
    if not calendar.closed:
        return
    tree = _tree(aggregates.teams(tenant_id))
    outcomes = _periods(tenant_id, calendar.closed, calendar, tree, settings, now)
    have = aggregates.stored_outcomes(tenant_id, list(outcomes))
    for period, result in outcomes.items():
        if result.key is None:
            continue  # not settled yet
        fingerprint = stored.key_hash(result.key)
        if have.get(period, ("", ""))[0] != fingerprint:
            data = stored.encode(result.employees, result.customers, result.customer_parts)
            aggregates.store_outcome(tenant_id, period, fingerprint, data)
