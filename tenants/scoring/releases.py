"""Releases: the event that publishes a complete quarter once and freezes it.

When a quarter completes (it is over in the tenant's time zone and every round of it is closed,
and the last close has settled), the tick runs the anonymity engine over the whole tenant on the
team tree of that moment and writes what it shows as a snapshot (``models.Release``,
``stored``): the tree (ids, names, parents), every group's released or suppressed outcome with
its counts, thresholds and moments, the participation per scope, the reliability, the comments
each scope shows (through the comment threshold, naming the groups of that moment) and the
methodology version. Every later read of the quarter (dashboard, CSV, API) comes from the
snapshot, whatever happens afterwards to teams, people or answers; a released quarter is never
released again. At the first tick after deploy, each company's past quarters are released this
way, on that day's tree.

Why: a quarter recomputed on a later tree lets anyone subtract two reads (before and after a
reorg) and recover a group below the threshold (issue 13; docs/methodology.md §9).
"""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime

from saas.db import tenant_context, utcnow
from saas.extensions import db
from tenants.scoring import cache, loading, stored
from tenants.scoring.aggregates import stored_rows
from tenants.scoring.comment_scopes import comment_scopes
from tenants.scoring.computation import Computation
from tenants.scoring.core import METHODOLOGY_VERSION
from tenants.scoring.models import Release


def release_complete_quarters(tenant_id: int, now: datetime | None = None) -> list[str]:
    """Release every complete, settled quarter of the tenant not released yet, oldest first.
    Returns the periods released; the caller commits."""
    now = now or utcnow()
    settings = loading.settings_of(tenant_id)
    calendar = loading.calendar_of(tenant_id, now, settings)
    done = stored_rows.released_periods(tenant_id, list(calendar.closed))
    out = []
    for period in calendar.closed:
        if period in done:
            continue
        closed = calendar.rounds(period, status="closed")
        if any(r.closed_at is None or r.closed_at > now - cache.SETTLE_AFTER for r in closed):
            continue  # a submission may still be committing: release at a later tick
        _release(tenant_id, period, now)
        out.append(period)
    return out


def _release(tenant_id: int, period: str, now: datetime) -> None:
    computation = Computation(tenant_id, period, now)
    tree = computation.tree
    outcomes = computation.by_period[period]
    participation = {}
    for scope in (None, *tree.order):
        p = computation.participation(scope)
        participation[scope] = (p.invited, p.answered)
    snapshot = dataclasses.replace(
        outcomes,
        figures={},
        trend={},
        tree=tree,
        participation=participation,
        reliability=computation.reliability(),
        comments=comment_scopes(
            tenant_id,
            period,
            computation.calendar,
            computation.settings,
            tree,
            random.SystemRandom(),
        ),
    )
    with tenant_context(tenant_id):  # callers pass tenant_id and need not have entered it
        db.session.add(
            Release(
                period=period,
                kind="quarter",
                released_at=now,
                methodology=METHODOLOGY_VERSION,
                data=stored.encode(snapshot),
            )
        )
        db.session.flush()
