"""Counts of a complete quarter are stored once, and the dashboard reads the same figures."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update

from saas.db import tenant_context
from saas.extensions import db
from tenants.pulses.models import Invitation
from tenants.scoring import service
from tenants.scoring.models import PeriodCount
from tests.scoring.test_service import build_sales_and_ops, make_world

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
