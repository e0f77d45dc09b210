"""The Huey task that delivers one round's invitations right after its launch."""

from __future__ import annotations

from sqlalchemy import inspect

from saas.db import require_tenant_id
from saas.extensions import db
from saas.tasks import tenant_task
from tenants.pulses.models import Round
from tenants.pulses.outbox.delivery import deliver_due


@tenant_task()
def dispatch_round_task(round_id: int) -> int:
    """Deliver one round's invitations now (the round's own tenant is current)."""
    db.session.commit()  # end the read of the tenant: the dispatcher runs on its own connection
    return deliver_due(round_id=round_id).sent


def enqueue_round(round_: Round) -> None:
    """Called by ``launch_round`` after its commit: send the round's invitations now.

    Reads no attribute of the (expired) round, so the caller's session starts no transaction
    that would hold SQLite's write lock while an immediate-mode task runs."""
    round_id = inspect(round_).identity[0]
    dispatch_round_task(require_tenant_id(), round_id)
