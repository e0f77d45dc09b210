"""One period through the anonymity engine, for the whole tenant: employees by team sub-tree
(one run for the groups and one per set of dimensions asked of the same people) and customers
by segment, serving team and process together. The answer, per group, is an ``Outcome``: what
the engine released or suppressed, with the group's counts. Pure: numbers in, numbers out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from tenants.people.tree import TeamTree
from tenants.scoring.core.anonymity import (
    Breakdown,
    Cell,
    PartitionFigures,
    Released,
    Suppressed,
    TeamFigures,
    release,
)
from tenants.scoring.core.figures import Comments, GroupFigures, TrendPoint
from tenants.scoring.core.maturity import EMPLOYEE_DIMENSIONS, anchor_key
from tenants.scoring.core.reliability import Reliability
from tenants.scoring.core.stats import Moments

CUSTOMER_DIMENSION: Final = "felt_value"
#: Customer figures are released by these three splits together.
CUSTOMER_WAYS: Final = ("segment", "serving_team", "process")

DimOutcome = Released | Suppressed | None  # None: the dimension was not asked in the period


@dataclass(slots=True)
class Outcome:
    """One group in one period, after the engine."""

    respondents: int
    invited: int
    threshold: int
    released: bool
    needed: int | None  # when hidden
    reason: str | None  # when hidden: below_threshold | complementary
    dims: dict[str, DimOutcome] = field(default_factory=dict)

    def shown(self, anchors: bool = False) -> dict[str, Moments]:
        """Released moments of each shown dimension (nothing when the group is hidden); with
        ``anchors``, of each shown dimension's anchor item instead (where it was asked)."""
        if not self.released:
            return {}
        out: dict[str, Moments] = {}
        for key, o in self.dims.items():
            if isinstance(o, Released):
                m = o.moments.get(anchor_key(key) if anchors else key)
                if m is not None and m.n > 0:
                    out[key] = m
        return out


def _outcome(o: Released | Suppressed, respondents: int, invited: int, threshold: int) -> Outcome:
    if isinstance(o, Released):
        return Outcome(o.respondents, invited, o.threshold, True, None, None)
    return Outcome(respondents, invited, threshold, False, o.needed, o.reason)


@dataclass(slots=True)
class EmployeePeriod:
    """What SQL says about one period's employees, per team cell (None = no team)."""

    answered: dict[int | None, int] = field(default_factory=dict)
    invited: dict[int | None, int] = field(default_factory=dict)
    by_dimension: dict[str, dict[int | None, int]] = field(default_factory=dict)
    sums: dict[str, dict[int | None, Moments]] = field(default_factory=dict)


CustomerCell = tuple[str | None, int | None, int | None]  # segment, serving team, process


@dataclass(slots=True)
class CustomerPeriod:
    answered: dict[CustomerCell, int] = field(default_factory=dict)
    invited: dict[CustomerCell, int] = field(default_factory=dict)
    sums: dict[CustomerCell, Moments] = field(default_factory=dict)
    anchor_sums: dict[CustomerCell, Moments] = field(default_factory=dict)


def add_to(d: dict, key: object, value: object) -> None:
    """``d[key] += value``, starting from ``value`` (counts and Moments alike)."""
    d[key] = d[key] + value if key in d else value


def subtree_sums(tree: TeamTree, own: Mapping[int | None, int]) -> dict[int | None, int]:
    """Per team, the sum over its subtree; under None, the tenant's total."""
    out: dict[int | None, int] = {t: own.get(t, 0) for t in tree.order}
    for t in tree.bottom_up():  # children before their parents
        p = tree.parent[t]
        if p is not None:
            out[p] += out[t]
    out[None] = sum(own.values())
    return out


def release_employees(
    tree: TeamTree, data: EmployeePeriod, threshold: int
) -> dict[int | None, Outcome]:
    """The engine over the whole team tree for one period: one run for the group flags (people
    who answered anything) and one per set of dimensions asked of the same people."""
    answered = subtree_sums(tree, data.answered)
    invited = subtree_sums(tree, data.invited)
    engine_tree = {t: tree.parent[t] for t in tree.order}

    def run(counts: Mapping[int | None, int], dims: Sequence[str]) -> Breakdown:
        cells: dict[int, Cell] = {}
        unassigned = Cell(0, threshold)
        for team, n in counts.items():
            # A cell whose figures come only from people counted in another cell (they moved
            # team during the period) shows nothing: its figures would be nobody's.
            # Each dimension's anchor item rides along: asked in every round that asks the
            # dimension, so of the same people (methodology §6).
            sums = [*dims, *map(anchor_key, dims)]
            moments = {d: data.sums[d][team] for d in sums if n and team in data.sums.get(d, {})}
            cell = Cell(n, threshold, moments, data.invited.get(team, 0))
            if team is None:
                unassigned = cell
            else:
                cells[team] = cell
        return release(
            TeamFigures(engine_tree, cells, unassigned=unassigned, default_threshold=threshold)
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

    out: dict[int | None, Outcome] = {}
    for team in (None, *tree.order):
        group = flag.total if team is None else flag.groups[team]
        o = _outcome(group, answered[team], invited[team], threshold)
        for d in EMPLOYEE_DIMENSIONS:
            b = by_dim[d]
            o.dims[d] = None if b is None else (b.total if team is None else b.groups[team])
        out[team] = o
    return out


def release_customers(
    data: CustomerPeriod, threshold: int
) -> tuple[Outcome, dict[str, dict[object, Outcome]]]:
    """Customer felt value by segment, serving team and process, released together."""
    cells: dict[tuple, Cell] = {}
    for key in set(data.answered) | set(data.invited) | set(data.sums):
        n = data.answered.get(key, 0)
        moments = {CUSTOMER_DIMENSION: data.sums[key]} if n and key in data.sums else {}
        if moments and key in data.anchor_sums:
            moments[anchor_key(CUSTOMER_DIMENSION)] = data.anchor_sums[key]
        cells[key] = Cell(n, threshold, moments, data.invited.get(key, 0))
    result = release(PartitionFigures(cells, CUSTOMER_WAYS, default_threshold=threshold))

    def counts(way: int | None, part: object) -> tuple[int, int]:
        keys = [k for k in cells if way is None or k[way] == part]
        return sum(cells[k].respondents for k in keys), sum(cells[k].invited for k in keys)

    def outcome(o: Released | Suppressed, way: int | None, part: object) -> Outcome:
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


def with_customers(employees: Outcome, customers: Outcome | None) -> Outcome:
    """The tenant's employees plus the customers' felt value, for the six-dimension index."""
    merged = Outcome(
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


@dataclass(slots=True)
class PeriodOutcomes:
    """One period's released outcomes for every group of the tenant (what the cache keeps),
    with the figures built from them remembered as they are asked for."""

    period: str
    key: tuple | None  # None: not settled, not cached
    employees: dict[int | None, Outcome]
    customers: Outcome | None
    customer_parts: dict[str, dict[object, Outcome]]
    figures: dict[tuple, GroupFigures] = field(default_factory=dict)
    trend: dict[int | None, TrendPoint] = field(default_factory=dict)
    #: Set when the period was read from its release: the team tree of that moment, the
    #: participation per scope (``{team or None: (invited, answered)}``), the reliability and
    #: the comments shown per scope.
    tree: TeamTree | None = None
    participation: dict[int | None, tuple[int, int]] | None = None
    reliability: tuple[Reliability, ...] | None = None
    comments: dict[int | None, Comments] | None = None  # per scope, in no particular order
