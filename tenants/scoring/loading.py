"""Loading one tenant's outcomes, period by period: released quarters from their snapshots
(``releases``), settled periods from the cache, the others counted and summed in SQL
(``aggregates``) and put through the engine (``core.outcomes``), and remembered once settled."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime

from saas.db import tenant_context
from tenants.people import service as people_service
from tenants.people.tree import TeamTree
from tenants.scoring import cache, stored
from tenants.scoring.aggregates import people_counts, rollup_rows, stored_rows, tenant_rows
from tenants.scoring.aggregates.people_counts import CellCount
from tenants.scoring.aggregates.tenant_rows import TenantSettings
from tenants.scoring.core.maturity import EMPLOYEE_DIMENSIONS, anchor_key
from tenants.scoring.core.outcomes import (
    CUSTOMER_DIMENSION,
    CustomerCell,
    CustomerPeriod,
    EmployeePeriod,
    PeriodOutcomes,
    add_to,
    release_customers,
    release_employees,
)
from tenants.scoring.periods import Calendar

#: What the rollups sum per dimension: its responses' values and its anchor item's answers.
_EMPLOYEE_SUMS = frozenset((*EMPLOYEE_DIMENSIONS, *map(anchor_key, EMPLOYEE_DIMENSIONS)))
_CUSTOMER_SUMS = frozenset((CUSTOMER_DIMENSION, anchor_key(CUSTOMER_DIMENSION)))


class UnknownTeam(LookupError):
    """A team id that is not one of the tenant's teams (a 404 for the caller)."""


class UnknownTenant(LookupError):
    pass


def settings_of(tenant_id: int) -> TenantSettings:
    settings = tenant_rows.tenant_settings(tenant_id)
    if settings is None:
        raise UnknownTenant(tenant_id)
    return settings


def calendar_of(tenant_id: int, now: datetime | None, settings: TenantSettings) -> Calendar:
    return Calendar(tenant_rows.rounds(tenant_id), now, settings.timezone)


def tree_of(tenant_id: int, team_id: int | None = None) -> TeamTree:
    """The tenant's team tree (the one query, ``people.service.team_tree``); ``UnknownTeam``
    when ``team_id`` is given and is not one of its teams."""
    with tenant_context(tenant_id):
        tree = people_service.team_tree()
    if team_id is not None and team_id not in tree:
        raise UnknownTeam(team_id)
    return tree


def known(tree: TeamTree, team_id: int | None) -> int | None:
    """A team id of the tree, or None (no team, or a team since deleted)."""
    return team_id if team_id in tree else None


def _team_key(tree: TeamTree, key: str) -> int | None:
    return known(tree, int(key)) if key.isdigit() else None


def _customer_key(key: str) -> CustomerCell:
    team, _, rest = key.partition("|")
    process, _, segment = rest.partition("|")
    return (
        segment or None,
        int(team) if team.isdigit() else None,
        int(process) if process.isdigit() else None,
    )


def load(
    tenant_id: int,
    tree: TeamTree,
    employee_rounds: Sequence[int],
    customer_rounds: Sequence[int],
    *,
    count_rounds: Sequence[int] | None = None,
    stored_counts: Sequence[CellCount] = (),
) -> tuple[dict[str, EmployeePeriod], dict[str, CustomerPeriod]]:
    """Counts and rollup sums of the given closed rounds, per period (a few queries).

    Employee counts come from ``stored_counts`` (complete periods, counted once) plus a count
    over the invitations of ``count_rounds`` (by default every employee round given)."""
    employees: dict[str, EmployeePeriod] = {}
    customers: dict[str, CustomerPeriod] = {}
    counted = people_counts.employee_counts(
        tenant_id, employee_rounds if count_rounds is None else count_rounds
    )
    for c in [*counted, *stored_counts]:
        data = employees.setdefault(c.period, EmployeePeriod())
        team = known(tree, c.team_id)
        if c.measure in ("answered", "invited"):
            add_to(getattr(data, c.measure), team, c.people)
        else:
            add_to(data.by_dimension.setdefault(c.measure, {}), team, c.people)
    for s in rollup_rows.rollup_sums(tenant_id, [*employee_rounds, *customer_rounds]):
        if s.scope == "team" and s.dimension in _EMPLOYEE_SUMS:
            sums = employees.setdefault(s.period, EmployeePeriod()).sums
            add_to(sums.setdefault(s.dimension, {}), _team_key(tree, s.scope_key), s.moments)
        elif s.scope == "customer" and s.dimension in _CUSTOMER_SUMS:
            segment, team, process = _customer_key(s.scope_key)
            period = customers.setdefault(s.period, CustomerPeriod())
            cells = period.sums if s.dimension == CUSTOMER_DIMENSION else period.anchor_sums
            add_to(cells, (segment, known(tree, team), process), s.moments)
    for c in people_counts.customer_counts(tenant_id, customer_rounds):
        data_c = customers.setdefault(c.period, CustomerPeriod())
        target = data_c.answered if c.measure == "answered" else data_c.invited
        add_to(target, (c.segment, known(tree, c.team_id), c.process_id), c.people)
    return employees, customers


def released_of(tenant_id: int, periods: Sequence[str]) -> dict[str, PeriodOutcomes]:
    """The periods of ``periods`` that have been released, read from their snapshots (decoded
    once per process: a snapshot never changes, so its text is its key)."""
    out: dict[str, PeriodOutcomes] = {}
    for p, data in stored_rows.releases(tenant_id, periods).items():
        key = (tenant_id, p, "release", hashlib.sha256(data.encode()).hexdigest())
        found = cache.cached(key)
        if found is None:
            found = stored.decode(p, key, data)
            cache.remember(key, found)
        out[p] = found
    return out


def outcomes_of(
    tenant_id: int,
    wanted: Sequence[str],
    calendar: Calendar,
    tree: TeamTree,
    settings: TenantSettings,
    now: datetime,
) -> dict[str, PeriodOutcomes]:
    """The outcomes of ``wanted`` periods (those with closed rounds): released ones from their
    snapshots (never recomputed), settled ones from the cache, the others computed together
    on ``tree`` and remembered when settled."""
    out = released_of(tenant_id, wanted)
    missing: dict[str, tuple | None] = {}
    structure = tuple(tree.parent.items())  # the tree's shape, in tree order
    for p in wanted:
        if p in out:
            continue
        closed = calendar.rounds(p, status="closed")
        settled = all(
            r.closed_at is not None and r.closed_at <= now - cache.SETTLE_AFTER for r in closed
        )
        key = (
            tenant_id,
            p,
            settings.threshold,
            rollup_rows.REBUILDS.get(tenant_id, 0),
            structure,
            tuple((r.id, r.kind, r.threshold, r.created_at, r.closed_at) for r in closed),
        )
        found = cache.cached(key) if settled else None
        if found is not None:
            out[p] = found
        else:
            missing[p] = key if settled else None
    if not missing:
        return out
    employee_rounds = [r.id for p in missing for r in calendar.rounds(p, "employee", "closed")]
    customer_rounds = [r.id for p in missing for r in calendar.rounds(p, "customer", "closed")]
    stored_counts = stored_rows.stored_employee_counts(
        tenant_id, [p for p in missing if calendar.complete(p)]
    )
    stored_periods = {c.period for c in stored_counts}
    count_rounds = [
        r.id
        for p in missing
        if p not in stored_periods
        for r in calendar.rounds(p, "employee", "closed")
    ]
    employees, customers = load(
        tenant_id,
        tree,
        employee_rounds,
        customer_rounds,
        count_rounds=count_rounds,
        stored_counts=stored_counts,
    )
    for p, key in missing.items():
        threshold = calendar.threshold(p, "employee", settings.threshold)
        emp = release_employees(tree, employees.get(p, EmployeePeriod()), threshold)
        cust, parts = None, {}
        if calendar.rounds(p, "customer", "closed"):
            c_threshold = calendar.threshold(p, "customer", settings.threshold)
            cust, parts = release_customers(customers.get(p, CustomerPeriod()), c_threshold)
        out[p] = PeriodOutcomes(p, key, emp, cust, parts)
        if key is not None:
            cache.remember(key, out[p])
    return out


def live_counts(
    tenant_id: int, calendar: Calendar, period: str
) -> dict[str, dict[int | None, int]]:
    """Who answered and was invited in the period's employee rounds, open ones included."""
    round_ids = [r.id for r in calendar.rounds(period, "employee")]
    return people_counts.live_counts(tenant_id, round_ids)


def in_scope(tree: TeamTree, counts: Mapping[int | None, int], team_id: int | None) -> int:
    """The sum of ``counts`` over the tenant (``team_id`` None) or one team's subtree."""
    if team_id is None:
        return sum(counts.values())
    teams = set(tree.subtree(team_id))
    return sum(n for t, n in counts.items() if t in teams)
