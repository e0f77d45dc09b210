"""The suppression list: addresses that get no more mail (bounced, unsubscribed). The
dispatcher, reminders, launches and the respondent's unsubscribe page all use it."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from saas.db import require_tenant_id, utcnow
from saas.extensions import db
from tenants.people.models import Customer
from tenants.pulses.models import Invitation, Suppression


def suppress(email: str, reason: str) -> None:
    """Add ``email`` to the current tenant's suppression list (idempotent and race-safe: one
    ``INSERT ... ON CONFLICT DO NOTHING``, which needs no savepoint). The caller commits."""
    tenant_id = require_tenant_id()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(Suppression)
        .values(
            tenant_id=tenant_id, email=email.strip().lower(), reason=reason, created_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "email"])
    )


def suppressed_emails() -> set[str]:
    """Every suppressed address of the current tenant, lower-cased."""
    return {email.lower() for email in db.session.scalars(select(Suppression.email))}


def suppressed_among(emails: set[str]) -> set[str]:
    """Those of ``emails`` (already lower-cased) that are suppressed."""
    if not emails:
        return set()
    return set(
        db.session.scalars(select(Suppression.email).where(Suppression.email.in_(sorted(emails))))
    )


def unsubscribe_customer(customer_id: int, email: str) -> None:
    """A customer unsubscribes (one-click, from a pulse): marked unsubscribed, the address
    suppressed, and their queued invitations not sent. The caller commits."""
    db.session.execute(
        update(Customer)
        .where(Customer.id == customer_id)
        .values(unsubscribed=True)
        .execution_options(synchronize_session=False)
    )
    suppress(email, "unsubscribed")
    db.session.execute(
        update(Invitation)
        .where(Invitation.customer_id == customer_id, Invitation.status == "queued")
        .values(status="suppressed", last_error="unsubscribed")
        .execution_options(synchronize_session=False)
    )
