"""Which tenants have outbox work, and a fresh context to do one tenant's work in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import distinct, or_, select

from saas.db import tenant_context, unscoped
from saas.extensions import db
from saas.tasks import task_app_context
from saas.tenancy.models import Tenant
from tenants.pulses.models import Invitation, Round
from tenants.pulses.outbox.claims import due


def tenants_with_due_invitations(now: datetime) -> list[int]:
    with unscoped():
        tenant_ids = sorted(
            db.session.scalars(select(distinct(Invitation.tenant_id)).where(due(now)))
        )
    db.session.rollback()  # end the read: each tenant is served in a session of its own
    return tenant_ids


@contextmanager
def tenant_work(tenant_id: int) -> Iterator[Tenant | None]:
    """A fresh app context and session with ``tenant_id`` current and its locale."""
    with task_app_context(), tenant_context(tenant_id):
        with unscoped():
            tenant = db.session.get(Tenant, tenant_id)
        if tenant is None:
            yield None
            return
        with force_locale(tenant.locale):
            db.session.commit()  # end the read: the work starts with no transaction open
            yield tenant


def tenants_with_open_rounds(now: datetime) -> list[int]:
    """Tenants with a round still open, or closed within the hour."""
    with unscoped():
        tenant_ids = sorted(
            db.session.scalars(
                select(distinct(Round.tenant_id)).where(
                    or_(Round.status == "open", Round.closed_at >= now - timedelta(hours=1))
                )
            )
        )
    db.session.rollback()
    return tenant_ids
