"""The dispatcher: sends queued invitations, once each, over one reused SMTP connection.

Outbox pattern: ``launch.py`` writes the round and its queued invitations in one transaction;
this module delivers them. Every step is a small committed transaction, so a dispatcher can be
killed at any moment:

1. **Claim** a batch with one conditional ``UPDATE ... RETURNING id`` (ORM, so the central
   tenant scoping applies to it and to its sub-select): due invitations (``queued`` and
   ``next_attempt_at`` reached, or ``sending`` with a claim older than ``STALE_AFTER``) become
   ``sending``, stamped with this dispatcher's id and the time. On PostgreSQL the sub-select
   takes ``FOR UPDATE SKIP LOCKED``, so concurrent dispatchers pass each other's rows by; on
   SQLite the single UPDATE runs under ``BEGIN IMMEDIATE``, which serialises writers. Either
   way two dispatchers never hold the same invitation. (No raw SQL: the ORM statement is the
   same on both, only the lock clause differs.)
2. **Send** each claimed invitation and **record** its outcome in a committed transaction of
   its own before the next message can be delivered (``_Outcomes``: the write overlaps the mail
   server's reading of the next body, and is committed before that body's end-of-data dot):
   ``sent``; a temporary failure (4xx, connection) goes back to ``queued`` with exponential
   backoff in ``next_attempt_at`` until ``MAX_ATTEMPTS``, then ``failed``; a permanent refusal of
   the address (5xx to RCPT) is ``bounced`` and the address joins ``Suppression``; a 5xx to the
   message itself is ``failed`` (the address is not at fault); a suppressed address or a closed
   round is not sent (``suppressed`` / ``failed``). The run holds one connection in autocommit
   (``_one_connection``): each statement is its own transaction anyway.
3. A dispatcher killed mid-batch leaves its unsent claims in ``sending``; after ``STALE_AFTER``
   any dispatcher reclaims them. Only the message in flight when it died can go out twice.

``enqueue_round`` runs a Huey task per round right after launch; the tick hook sweeps every
tenant's due invitations (customer invitations whose delay has passed, retries, reclaims) and
sends reminders (``reminders.py``). Nothing here logs a token or an address.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import and_, bindparam, case, distinct, func, inspect, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saas.db import require_tenant_id, tenant_context, unscoped, utcnow
from saas.extensions import db
from saas.mail import PermanentFailure, TemporaryFailure
from saas.tasks import task_app_context, tenant_task
from saas.tenancy.models import Tenant
from tenants.pulses.invitation_mail import (
    Bounce,
    ConnectionTrouble,
    RawTransport,
    Templates,
)
from tenants.pulses.models import Invitation, Round, Suppression
from tenants.pulses.tokens import token_for

log = logging.getLogger("outcome_pulse.dispatch")

BATCH_SIZE = 200
STALE_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 5
BACKOFF_FIRST = timedelta(minutes=2)
BACKOFF_MAX = timedelta(hours=6)
CONNECTION_RETRY = timedelta(minutes=1)
TICK_BUDGET = timedelta(seconds=40)  # per tick, shared by every tenant

Clock = Callable[[], datetime]


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    bounced: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0

    def add(self, other: DispatchReport) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def new_worker_id() -> str:
    return f"{socket.gethostname()[:16]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 2, 4, 8, 16 minutes ..., at most 6 hours."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _due(now: datetime) -> Any:
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
    due = _due(now)
    candidates = select(Invitation.id).where(due).order_by(Invitation.id).limit(limit)
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
        .where(Invitation.id.in_(select(picked.c.id)), due)
        .values(status="sending", claimed_by=worker, claimed_at=now)
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(db.session.scalars(statement).all())
    db.session.commit()
    return ids


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


def _suppressed_among(emails: set[str]) -> set[str]:
    if not emails:
        return set()
    return set(
        db.session.scalars(select(Suppression.email).where(Suppression.email.in_(sorted(emails))))
    )


@dataclass(frozen=True)
class _Claimed:
    id: int
    round_id: int
    email: str
    locale: str
    attempts: int


def _load(ids: list[int]) -> list[_Claimed]:
    rows = db.session.execute(
        select(
            Invitation.id,
            Invitation.round_id,
            Invitation.email,
            Invitation.locale,
            Invitation.attempts,
        )
        .where(Invitation.id.in_(ids))
        .order_by(Invitation.id)
    )
    return [_Claimed(*row) for row in rows]


def deliver_due(
    *,
    round_id: int | None = None,
    transport: RawTransport | None = None,
    clock: Clock = utcnow,
    batch_size: int = BATCH_SIZE,
    worker: str | None = None,
    until: datetime | None = None,
    templates: Templates | None = None,
) -> DispatchReport:
    """Send the current tenant's due invitations (of one round, or all), batch after batch,
    until none is due (or the clock passes ``until``). Commits as it goes."""
    require_tenant_id()
    worker = worker or new_worker_id()
    report = DispatchReport()
    templates = templates or Templates()
    own_transport = transport is None
    mail = transport or RawTransport(current_app.config["SETTINGS"])
    rounds: dict[int, Round | None] = {}
    try:
        with _one_connection():
            report = _deliver_batches(
                round_id, mail, templates, rounds, clock, batch_size, worker, until, report
            )
    finally:
        if own_transport:
            mail.close()
    if report.claimed:
        log.info(
            "dispatch",
            extra={
                "fields": {
                    "tenant_id": require_tenant_id(),
                    "round_id": round_id,
                    **{f.name: getattr(report, f.name) for f in fields(report)},
                }
            },
        )
    return report


def _deliver_batches(
    round_id: int | None,
    mail: RawTransport,
    templates: Templates,
    rounds: dict[int, Round | None],
    clock: Clock,
    batch_size: int,
    worker: str,
    until: datetime | None,
    report: DispatchReport,
) -> DispatchReport:
    while until is None or clock() < until:
        ids = claim(clock(), worker, batch_size, round_id)
        if not ids:
            break
        report.claimed += len(ids)
        if _send_batch(_load(ids), mail, templates, rounds, clock, report):
            break
    return report


@contextmanager
def _one_connection() -> Iterator[None]:
    """Run the block on one connection, held throughout and in autocommit, through a plain ORM
    session (scoped by the same central listeners).

    Every statement of the dispatcher is a transaction of its own already (one claiming UPDATE,
    one UPDATE per outcome, an idempotent insert into the suppression list), so autocommit
    changes no outcome; it saves the BEGIN and COMMIT round trips, and holding the connection
    saves the pool checkout and its ping that Flask-SQLAlchemy's session pays at every commit
    (and on PostgreSQL commits do not wait for the disk: ``_SYNCHRONOUS_COMMIT``).
    With a commit per message, those cost more than the mark itself. (SQLite still wraps each
    statement in ``BEGIN IMMEDIATE``: ``saas.db.configure_sqlite``.) Not done when the session
    is inside a transaction or bound to a connection (the tests' rolled-back transaction)."""
    bind = db.engine
    previous = db.session.registry()
    if not isinstance(bind, Engine) or previous.in_transaction():
        yield
        return
    with bind.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        session = Session(bind=connection)
        db.session.registry.set(session)
        before = None
        try:
            if bind.dialect.name == "postgresql":
                before = session.scalar(select(func.current_setting("synchronous_commit")))
                session.execute(_SYNCHRONOUS_COMMIT, {"value": "off"})
            yield
        finally:
            if before is not None:
                session.execute(_SYNCHRONOUS_COMMIT, {"value": before})
            session.close()
            db.session.registry.set(previous)


# PostgreSQL: an outcome's commit does not wait for the disk. A crash of the database server
# (not of the dispatcher) may lose the last fraction of a second of marks; those few messages
# are then sent again. Set for this connection only, and put back before it returns to the pool.
_SYNCHRONOUS_COMMIT = select(func.set_config("synchronous_commit", bindparam("value"), False))


def _round(rounds: dict[int, Round | None], round_id: int) -> Round | None:
    if round_id not in rounds:
        round_ = db.session.get(Round, round_id)
        if round_ is not None:
            db.session.expunge(round_)  # plain values from here on: commits do not reload it
        rounds[round_id] = round_
    return rounds[round_id]


class _Outcomes:
    """Records each message's outcome in its own committed transaction, one message late.

    The outcome of message *n* is written and committed while message *n+1*'s body is with the
    server, before its end-of-data dot (``RawTransport.send_raw(before_end=...)``): the
    database work overlaps the server's reading, and still every outcome is durable before the
    next message can be delivered. A dispatcher killed at any point leaves at most the message
    in flight delivered but not marked. (A recorder thread was tried: the GIL handoffs cost
    more than the overlap they bought.)"""

    def __init__(self) -> None:
        self.pending: tuple[int, dict[str, Any]] | None = None
        self.done: set[int] = set()
        self.held: set[int] = set()

    def hold(self, invitation_id: int, **values: Any) -> None:
        self.flush()
        self.held.add(invitation_id)
        self.pending = (invitation_id, values)

    def flush(self) -> None:
        if self.pending is None:
            return
        invitation_id, values = self.pending
        self.pending = None
        bounced = values.pop("suppress", None)
        db.session.execute(_MARK, {"invitation_id": invitation_id, **_MARK_DEFAULTS, **values})
        if bounced:
            suppress(bounced, "bounced")
        db.session.commit()
        self.done.add(invitation_id)

    def close(self) -> None:
        self.flush()


_MARK = (
    update(Invitation)
    .where(Invitation.id == bindparam("invitation_id"), Invitation.status == "sending")
    .values(
        status=bindparam("new_status"),
        attempts=bindparam("new_attempts"),
        last_error=bindparam("new_error"),
        sent_at=bindparam("new_sent_at"),
        next_attempt_at=bindparam("new_next_attempt_at"),
        claimed_by=None,
        claimed_at=None,
    )
    .execution_options(synchronize_session=False)
)
_MARK_DEFAULTS = {"new_error": None, "new_sent_at": None, "new_next_attempt_at": None}


def _send_batch(
    batch: list[_Claimed],
    mail: RawTransport,
    templates: Templates,
    rounds: dict[int, Round | None],
    clock: Clock,
    report: DispatchReport,
) -> bool:
    """Send one claimed batch; True when the mail server cannot be reached (stop for now)."""
    suppressed = _suppressed_among({item.email.strip().lower() for item in batch})
    for item in batch:  # every template is built now: no database work while sending
        round_ = _round(rounds, item.round_id)
        if round_ is not None:
            templates.get(round_, item.locale)
    db.session.commit()
    outcomes = _Outcomes()
    in_flight: int | None = None
    try:
        for item in batch:
            now = clock()
            round_ = _round(rounds, item.round_id)
            if item.email.strip().lower() in suppressed:
                outcomes.hold(
                    item.id,
                    new_status="suppressed",
                    new_attempts=item.attempts,
                    new_error="address suppressed",
                )
                report.suppressed += 1
                continue
            if round_ is None or round_.status != "open" or round_.closes_at <= now:
                outcomes.hold(
                    item.id,
                    new_status="failed",
                    new_attempts=item.attempts,
                    new_error="the round closed before sending",
                )
                report.failed += 1
                continue
            in_flight = item.id
            try:
                template = templates.get(round_, item.locale)
                data = template.compose(item.email, token_for(item.id))
                mail.send_raw(template.facts.mail_from, item.email, data, before_end=outcomes.flush)
            except ConnectionTrouble as exc:
                outcomes.hold(item.id, **_retry(item, now, str(exc), count=False))
                outcomes.flush()
                outcomes.close()
                _release([i.id for i in batch if i.id not in outcomes.held], now + CONNECTION_RETRY)
                log.warning("dispatch stopped: the mail server cannot be reached")
                return True
            except TemporaryFailure as exc:
                values = _retry(item, now, str(exc))
                outcomes.hold(item.id, **values)
                if values["new_status"] == "failed":
                    report.failed += 1
                else:
                    report.retried += 1
            except Bounce as exc:
                outcomes.hold(
                    item.id,
                    new_status="bounced",
                    new_attempts=item.attempts + 1,
                    new_error=str(exc)[:250],
                    suppress=item.email,
                )
                report.bounced += 1
            except PermanentFailure as exc:
                outcomes.hold(
                    item.id,
                    new_status="failed",
                    new_attempts=item.attempts + 1,
                    new_error=str(exc)[:250],
                )
                report.failed += 1
            else:
                outcomes.hold(
                    item.id, new_status="sent", new_attempts=item.attempts + 1, new_sent_at=now
                )
                report.sent += 1
            in_flight = None
        outcomes.flush()
        outcomes.close()
    except BaseException:
        db.session.rollback()
        # Hand back what was not tried. The one in flight, and outcomes held but not recorded,
        # stay claimed (they may have gone out): they are taken over once the claim is stale.
        _release([i.id for i in batch if i.id not in outcomes.held and i.id != in_flight], clock())
        raise
    return False


def _retry(item: _Claimed, now: datetime, error: str, count: bool = True) -> dict[str, Any]:
    """The outcome of a temporary failure: queued again with backoff, or failed for good once
    ``MAX_ATTEMPTS`` are used up. (``count=False``: the server was not reached at all.)"""
    attempts = item.attempts + (1 if count else 0)
    if attempts >= MAX_ATTEMPTS:
        return {"new_status": "failed", "new_attempts": attempts, "new_error": error[:250]}
    wait = backoff(attempts) if count else CONNECTION_RETRY
    return {
        "new_status": "queued",
        "new_attempts": attempts,
        "new_error": error[:250],
        "new_next_attempt_at": now + wait,
    }


def _release(ids: list[int], when: datetime) -> None:
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


# -- the Huey task and the tick ---------------------------------------------------------------


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


def tenants_with_due_invitations(now: datetime) -> list[int]:
    with unscoped():
        tenant_ids = sorted(
            db.session.scalars(select(distinct(Invitation.tenant_id)).where(_due(now)))
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


def sweep(now: datetime, *, clock: Clock = utcnow) -> DispatchReport:
    """Deliver every tenant's due invitations, a fresh session per tenant, within the budget."""
    report = DispatchReport()
    until = now + TICK_BUDGET
    for tenant_id in tenants_with_due_invitations(now):
        if clock() >= until:
            break
        try:
            with tenant_work(tenant_id) as tenant:
                if tenant is not None:
                    report.add(deliver_due(clock=clock, until=until))
        except Exception:
            log.exception("dispatch sweep failed for tenant %s", tenant_id)
    return report


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


def dispatch_tick(now: datetime) -> None:
    """Every minute: deliver what is due; then, per tenant with open rounds, send the reminders
    that are due and blur the order of answers (``submit.blur_answer_order``)."""
    from tenants.pulses import reminders, submit

    sweep(now)
    for tenant_id in tenants_with_open_rounds(now):
        try:
            with tenant_work(tenant_id) as tenant:
                if tenant is not None:
                    reminders.send_due_reminders(now)
                    submit.blur_answer_order(now)
        except Exception:
            log.exception("reminders failed for tenant %s", tenant_id)


# -- counts per round (for the round page and the API: how many, never who) --------------------


@dataclass
class RoundCounts:
    invited: int = 0
    queued: int = 0  # queued or being sent
    sent: int = 0
    bounced: int = 0
    failed: int = 0
    suppressed: int = 0
    answered: int = 0

    @property
    def participation(self) -> float | None:
        """Answered ÷ invited (the glossary's participation), None before anyone is invited."""
        return self.answered / self.invited if self.invited else None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["participation"] = (
            round(self.participation, 4) if self.participation is not None else None
        )
        return data


def round_counts(round_ids: list[int]) -> dict[int, RoundCounts]:
    """Invitation counts by status, and answered, for each of the current tenant's rounds."""
    counts = {round_id: RoundCounts() for round_id in round_ids}
    if not round_ids:
        return counts
    rows = db.session.execute(
        select(
            Invitation.round_id,
            Invitation.status,
            func.count(),
            func.sum(case((Invitation.answered.is_(True), 1), else_=0)),
        )
        .where(Invitation.round_id.in_(round_ids))
        .group_by(Invitation.round_id, Invitation.status)
    )
    for round_id, status, count, answered in rows:
        item = counts[round_id]
        item.invited += count
        item.answered += int(answered or 0)
        if status in ("queued", "sending"):
            item.queued += count
        elif status in ("sent", "bounced", "failed", "suppressed"):
            setattr(item, status, getattr(item, status) + count)
    return counts
