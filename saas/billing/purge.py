"""The purge: 90 days after a cancellation, and at least 7 days after the last warning (30 and
7 days before), a company's data is deleted: its row in ``tenants``, and with it, through the
database's ``ON DELETE CASCADE`` on every tenant-scoped table, everything it owned. Users stay
(they may belong to other companies); their memberships of it go."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, select

from saas.billing.entitlements import PURGE_AFTER
from saas.billing.notices import PURGE_WARNINGS
from saas.db import unscoped
from saas.extensions import db
from saas.tasks import task_app_context
from saas.tenancy.models import Tenant

log = logging.getLogger("outcome_pulse.billing")


def purge_due(now: datetime) -> list[str]:
    """Delete every company canceled 90 days ago or more whose owners were warned twice.

    Returns the slugs purged (each logged).
    """
    due = (
        (Tenant.status == "canceled")
        & Tenant.canceled_at.is_not(None)
        & (Tenant.canceled_at <= now - PURGE_AFTER)
        & (Tenant.billing_notice == "purge_7")
        & (Tenant.billing_notice_at <= now - PURGE_WARNINGS[1][1])
        & ~Tenant.comped
    )
    purged = []
    with task_app_context(), unscoped():
        for tenant_id, slug, canceled_at in db.session.execute(
            select(Tenant.id, Tenant.slug, Tenant.canceled_at).where(due)
        ).all():
            # The condition again in the DELETE: a company that subscribed again meanwhile stays.
            if db.session.execute(delete(Tenant).where(Tenant.id == tenant_id, due)).rowcount:
                db.session.commit()
                purged.append(slug)
                log.warning("billing: purged %s (canceled at %s)", slug, canceled_at)
            else:
                db.session.rollback()
    return purged
