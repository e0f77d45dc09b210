"""The scoring work the tick does: store the counts of quarters that have just completed and
release them (``releases``); at its first run after deploy, every past quarter of each company."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from saas.db import tenant_context, unscoped
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.scoring import service

log = logging.getLogger("outcome_pulse.scoring")


def release_complete_quarters(now: datetime) -> None:
    with unscoped():
        tenant_ids = list(db.session.scalars(select(Tenant.id).order_by(Tenant.id)))
    db.session.commit()  # end the listing's transaction before each tenant's own
    for tenant_id in tenant_ids:
        with tenant_context(tenant_id):
            stored = service.store_complete_periods(tenant_id, now)
            db.session.commit()
        if stored:
            log.info("stored counts", extra={"fields": {"tenant_id": tenant_id, "periods": stored}})
