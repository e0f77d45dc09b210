"""Figures for the dashboard, the CSV export, the API and the reports: the scoring area's public
API. Every entry point takes ``tenant_id`` explicitly; no Flask, no request.

One path for every output: the rollups and invitation counts of a period (``aggregates``, a
handful of SQL queries; ``loading``) → the anonymity engine over the **whole tenant**
(``core.outcomes``: employees by team sub-tree, once per group of dimensions asked of the same
people; customers by segment, serving team and process together) → the figures of the released
groups only (``core.scores``; ``computation`` cuts out each scope). A team lead's view is a
slice of the whole-tenant result, so it is never finer than anyone else's.

Only closed rounds feed scores; open rounds feed the live counts (``Participation``) and
nothing else. Free-text comments go through the engine with the stricter comment threshold
(``comments``). Settled periods are remembered (``cache``); complete quarters are released by
the tick (``store_complete_periods`` → ``releases``) and read from their snapshots ever after.

* ``dashboard(tenant_id, period=None, team_id=None)`` → ``figures.Dashboard``
* ``dashboards(tenant_id, period=None)`` → every scope's ``Dashboard`` in one pass
* ``comments(tenant_id, period=None, team_id=None, rng=None)`` → ``figures.Comments``
* ``participation(tenant_id, period=None, team_id=None)`` → ``figures.Participation``
* ``periods(tenant_id)``, ``check_period(text)``, ``shift_period(period, quarters)``

How the figures are computed, and why, is in docs/methodology.md §9.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime

from saas.db import utcnow
from saas.extensions import db
from tenants.scoring import loading, releases
from tenants.scoring.aggregates import people_counts, stored_rows, tenant_rows
from tenants.scoring.cache import clear_cache
from tenants.scoring.comment_scopes import comment_scopes
from tenants.scoring.computation import Computation
from tenants.scoring.core.anonymity import MIN_THRESHOLD
from tenants.scoring.core.figures import Comments, Dashboard, Participation
from tenants.scoring.loading import UnknownTeam, UnknownTenant
from tenants.scoring.periods import (
    PERIOD_RE,
    Calendar,
    PeriodError,
    check_period,
    quarter_of,
    shift_period,
)

__all__ = [
    "PERIOD_RE",
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
    "store_complete_periods",
]


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
    return Computation(tenant_id, period, now).dashboard(team_id)


def dashboards(
    tenant_id: int, period: str | None = None, *, now: datetime | None = None
) -> dict[int | None, Dashboard]:
    """Every scope's dashboard of one period in one pass: the tenant (key None) and each team
    (of the period's release and of today). Same figures as ``dashboard`` for each scope, for
    reports and exports of many teams."""
    computation = Computation(tenant_id, period, now)
    out: dict[int | None, Dashboard] = {None: computation.dashboard(None)}
    # A released period's teams (its frozen tree), then any team created since (no figures).
    for team_id in (*computation.tree.order, *computation.today.order):
        if team_id not in out:
            out[team_id] = computation.dashboard(team_id)
    return out


def periods(tenant_id: int, *, now: datetime | None = None) -> tuple[str, ...]:
    """Complete periods (quarter over, every round closed), oldest first: those with figures."""
    settings = loading.settings_of(tenant_id)
    return loading.calendar_of(tenant_id, now, settings).closed


def participation(
    tenant_id: int,
    period: str | None = None,
    team_id: int | None = None,
    *,
    now: datetime | None = None,
) -> Participation:
    """Live counts (open rounds included) for a period: by default the latest period with any
    round, so a first round in progress shows its participation before anything closes."""
    settings = loading.settings_of(tenant_id)
    calendar = Calendar(tenant_rows.rounds(tenant_id))
    if period is None:
        period = (
            calendar.any[-1] if calendar.any else quarter_of(now or utcnow(), settings.timezone)
        )
    period = check_period(period)
    tree = loading.tree_of(tenant_id, team_id)
    live = loading.live_counts(tenant_id, calendar, period)
    return Participation(
        loading.in_scope(tree, live["invited"], team_id),
        loading.in_scope(tree, live["answered"], team_id),
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
    settings = loading.settings_of(tenant_id)
    calendar = loading.calendar_of(tenant_id, None, settings)
    tree = loading.tree_of(tenant_id, team_id)
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
    rng = rng or random.SystemRandom()
    released = loading.released_of(tenant_id, [period]).get(period)
    if released is None or released.comments is None:
        return comment_scopes(tenant_id, period, calendar, settings, tree, rng)[team_id]
    # Released: the comments and the groups they name are those of the release.
    found = released.comments.get(team_id)
    if found is None:  # a team created since the release: it holds none of them
        threshold = max(settings.comment_threshold, default_threshold)
        return Comments(period, team_id, False, 0, threshold, threshold, "below_threshold", ())
    shown = list(found.comments)
    rng.shuffle(shown)
    return dataclasses.replace(found, comments=tuple(shown))


def store_complete_periods(tenant_id: int, now: datetime | None = None) -> list[str]:
    """What the tick does for each tenant: count and store the employees of every complete
    period not stored yet (afterwards a dashboard reads a few rows instead of counting every
    invitation), then release every complete quarter not released yet (``releases``).
    Returns the periods whose counts were stored; the caller commits."""
    settings = loading.settings_of(tenant_id)
    calendar = loading.calendar_of(tenant_id, now, settings)
    complete = calendar.employee_periods()
    have = {c.period for c in stored_rows.stored_employee_counts(tenant_id, complete)}
    done = []
    for period in complete:
        if period in have:
            continue
        round_ids = [r.id for r in calendar.rounds(period, "employee", "closed")]
        stored_rows.store_employee_counts(
            tenant_id, period, people_counts.employee_counts(tenant_id, round_ids)
        )
        done.append(period)
    db.session.flush()
    releases.release_complete_quarters(tenant_id, now or utcnow())
    return done
