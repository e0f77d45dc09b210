"""Delivering claimed invitations, once each, over one reused SMTP connection.

Outbox pattern: ``rounds.launch`` writes the round and its queued invitations in one
transaction; this module delivers them. Every step is a small committed transaction, so a
dispatcher can be killed at any moment:

1. **Claim** a batch (``claims.claim``).
2. **Send** each claimed invitation and **record** its outcome in a committed transaction of
   its own before the next message can be delivered (``_Outcomes``: the write overlaps the mail
   server's reading of the next body, and is committed before that body's end-of-data dot):
   ``sent``; a temporary failure (4xx, connection) goes back to ``queued`` with exponential
   backoff in ``next_attempt_at`` until ``MAX_ATTEMPTS``, then ``failed``; a permanent refusal of
   the address (5xx to RCPT) is ``bounced`` and the address joins ``Suppression``; a 5xx to the
   message itself is ``failed`` (the address is not at fault); a suppressed address or a closed
   round is not sent (``suppressed`` / ``failed``). The run holds one database connection in
   autocommit (``connection.one_connection``): each statement is its own transaction anyway.
3. A dispatcher killed mid-batch leaves its unsent claims in ``sending``; after ``STALE_AFTER``
   any dispatcher reclaims them. Only the message in flight when it died can go out twice.

Nothing here logs a token or an address.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select, update

from saas.db import require_tenant_id, utcnow
from saas.extensions import db
from saas.mail import PermanentFailure, TemporaryFailure
from tenants.pulses.models import Invitation, Round
from tenants.pulses.outbox.claims import (
    BATCH_SIZE,
    CONNECTION_RETRY,
    Clock,
    claim,
    new_worker_id,
    release,
    retry,
)
from tenants.pulses.outbox.connection import one_connection
from tenants.pulses.outbox.invitation_mail import Templates
from tenants.pulses.outbox.smtp import Bounce, ConnectionTrouble, RawTransport
from tenants.pulses.outbox.suppressions import suppress, suppressed_among
from tenants.pulses.outbox.tokens import token_for

log = logging.getLogger("outcome_pulse.dispatch")


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
        with one_connection():
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
    suppressed = suppressed_among({item.email.strip().lower() for item in batch})
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
                outcomes.hold(item.id, **retry(item.attempts, now, str(exc), count=False))
                outcomes.flush()
                outcomes.close()
                release([i.id for i in batch if i.id not in outcomes.held], now + CONNECTION_RETRY)
                log.warning("dispatch stopped: the mail server cannot be reached")
                return True
            except TemporaryFailure as exc:
                values = retry(item.attempts, now, str(exc))
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
        release([i.id for i in batch if i.id not in outcomes.held and i.id != in_flight], clock())
        raise
    return False
