"""Counts of a complete quarter are stored once, and the dashboard reads the same figures."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update

from saas.db import tenant_context
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.pulses.models import Invitation, Round
from tenants.scoring import service
from tenants.scoring.core import METHODOLOGY_VERSION
from tenants.scoring.models import PeriodCount, Release, Rollup
from tests.factories.scoring import build_sales_and_ops, make_world

AFTER = datetime(2026, 10, 5, tzinfo=UTC)


def test_stored_counts_give_exactly_the_figures_counted_from_invitations(ctx):
    world = make_world()
    build_sales_and_ops(world)
    service.clear_cache()
    counted = world.dashboard("2026-Q3", now=AFTER)
    with tenant_context(world.tenant_id):
        # Not complete yet in September: nothing is stored.
        assert (
            service.store_complete_periods(world.tenant_id, datetime(2026, 9, 1, tzinfo=UTC)) == []
        )
        assert service.store_complete_periods(world.tenant_id, AFTER) == ["2026-Q3"]
        assert service.store_complete_periods(world.tenant_id, AFTER) == []  # once
        rows = db.session.scalar(select(func.count()).select_from(PeriodCount))
    assert rows > 0
    with tenant_context(world.tenant_id):
        # The stored counts are what is read now: invitations are no longer counted.
        db.session.execute(update(Invitation).values(answered=False))
        db.session.commit()
    service.clear_cache()
    from_store = world.dashboard("2026-Q3", now=AFTER)
    # Everything but the live participation (which counts invitations as they are now).
    assert from_store.overall == counted.overall and from_store.teams == counted.teams
    assert from_store.trend == counted.trend
    assert (
        from_store.overall.released
        and from_store.overall.respondents == counted.overall.respondents
    )


def test_a_released_quarter_gives_exactly_the_computed_figures_and_never_moves_again(ctx):
    world = make_world()
    build_sales_and_ops(world)
    with tenant_context(world.tenant_id):
        # Closed well before AFTER: settled, so the quarter may be released.
        db.session.execute(update(Round).values(closed_at=datetime(2026, 9, 30, tzinfo=UTC)))
        db.session.commit()
    service.clear_cache()
    computed = world.dashboard("2026-Q3", now=AFTER)
    team_view = world.dashboard("2026-Q3", "Ops", now=AFTER)
    with tenant_context(world.tenant_id):
        service.store_complete_periods(world.tenant_id, AFTER)
        service.store_complete_periods(world.tenant_id, AFTER)  # released once, not again
        releases = db.session.scalars(select(Release)).all()
        assert [(r.period, r.kind, r.methodology) for r in releases] == [
            ("2026-Q3", "quarter", METHODOLOGY_VERSION)
        ]
        # Prove the snapshot is what is read: rollups are emptied, the figures stay.
        db.session.execute(update(Rollup).values(n=0, total=0, total_sq=0, favourable=0))
        db.session.commit()
    service.clear_cache()
    assert world.dashboard("2026-Q3", now=AFTER) == computed
    assert world.dashboard("2026-Q3", "Ops", now=AFTER) == team_view
    # A change made after the release (another threshold) does not reach it either.
    with tenant_context(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        tenant.anonymity_threshold = 6
        db.session.commit()
    service.clear_cache()
    assert world.dashboard("2026-Q3", now=AFTER) == computed
