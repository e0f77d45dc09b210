"""Claiming due invitations: one conditional ``UPDATE ... RETURNING id`` per batch, so two
dispatchers never hold the same invitation, and what a failed try does to a claim (backoff,
retry, hand back).

The claim is an ORM statement, so the central tenant scoping applies to it and to its
sub-select: due invitations (``queued`` and ``next_attempt_at`` reached, or ``sending`` with a
claim older than ``STALE_AFTER``) become ``sending``, stamped with the dispatcher's id and the
time. On PostgreSQL the sub-select takes ``FOR UPDATE SKIP LOCKED``, so concurrent dispatchers
pass each other's rows by; on SQLite the single UPDATE runs under ``BEGIN IMMEDIATE``, which
serialises writers. (No raw SQL: the statement is the same on both, only the lock clause
differs.) A dispatcher killed mid-batch leaves its unsent claims in ``sending``; after
``STALE_AFTER`` any dispatcher reclaims them.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update

from saas.db import require_tenant_id
from saas.extensions import db
from tenants.pulses.models import Invitation

log = logging.getLogger("outcome_pulse.dispatch")

BATCH_SIZE = 200
STALE_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 5
BACKOFF_FIRST = timedelta(minutes=2)
BACKOFF_MAX = timedelta(hours=6)
CONNECTION_RETRY = timedelta(minutes=1)

Clock = Callable[[], datetime]


def new_worker_id() -> str:
    return f"{socket.gethostname()[:16]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 2, 4, 8, 16 minutes ..., at most 6 hours."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def due(now: datetime) -> Any:
    """The condition of an invitation due at ``now``: queued and its time reached, or claimed
    longer ago than ``STALE_AFTER``."""
    return or_(
        and_(
            Invitation.status == "queued",
            or_(Invitation.next_attempt_at.is_(None), Invitation.next_attempt_at <= now),
        ),
        and_(Invitation.status == "sending", Invitation.claimed_at < now - STALE_AFTER),
    )


def claim(
    now: datetime, worker: str, limit: int = BATCH_SIZE, round_id: int | None = None
) -> list[int]:
    """Claim up to ``limit`` due invitations of the current tenant for ``worker``; commit."""
    require_tenant_id()
    due_now = due(now)
    candidates = select(Invitation.id).where(due_now).order_by(Invitation.id).limit(limit)
    if round_id is not None:
        candidates = candidates.where(Invitation.round_id == round_id)
    if db.session.get_bind().dialect.name == "postgresql":
        # Materialised, so the locked pick runs once: as a plain IN (sub-select) the planner
        # may run it again per row and claim far more than ``limit``.
        picked = candidates.with_for_update(skip_locked=True).cte("picked")
        picked = picked.prefix_with("MATERIALIZED")
    else:
        picked = candidates.cte("picked")
    statement = (
        update(Invitation)
        .where(Invitation.id.in_(select(picked.c.id)), due_now)
        .values(status="sending", claimed_by=worker, claimed_at=now)
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(db.session.scalars(statement).all())
    db.session.commit()
    return ids


def retry(attempts_before: int, now: datetime, error: str, count: bool = True) -> dict[str, Any]:
    """The outcome of a temporary failure: queued again with backoff, or failed for good once
    ``MAX_ATTEMPTS`` are used up. (``count=False``: the server was not reached at all.)"""
    attempts = attempts_before + (1 if count else 0)
    if attempts >= MAX_ATTEMPTS:
        return {"new_status": "failed", "new_attempts": attempts, "new_error": error[:250]}
    wait = backoff(attempts) if count else CONNECTION_RETRY
    return {
        "new_status": "queued",
        "new_attempts": attempts,
        "new_error": error[:250],
        "new_next_attempt_at": now + wait,
    }


def release(ids: list[int], when: datetime) -> None:
    """Hand claimed invitations that were not tried back to the queue, due at ``when``."""
    if not ids:
        return
    try:
        db.session.execute(
            update(Invitation)
            .where(Invitation.id.in_(ids), Invitation.status == "sending")
            .values(status="queued", claimed_by=None, claimed_at=None, next_attempt_at=when)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except Exception:  # the stale-claim rule hands them back later anyway
        db.session.rollback()
        log.exception("could not release claimed invitations")
