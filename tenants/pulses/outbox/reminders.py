"""Reminders: to people who have not answered an open round, at the round's reminder days.

Who gets one: invitations that were delivered (``sent``), are not answered, belong to an open
round that has not reached ``closes_at``, whose person is still active (an active employee; a
customer who is active and not unsubscribed) and whose address is not suppressed.

When: reminder *k* is due ``reminder_days[k-1]`` days after the round opened (employee rounds)
or after the invitation was sent (customer rounds, whose invitations go out one by one). At
most ``MAX_REMINDERS``. A person whose reminders fell behind (the worker was down) gets only the
latest due one.

Never twice: reminder *k* is claimed with a conditional ``UPDATE ... SET reminders_sent = k
WHERE reminders_sent < k RETURNING id`` and committed before anything is sent, so two runs can
never both send it. A temporary failure hands the claim back for the next tick; a dispatcher
killed mid-batch loses at most the unsent reminders of that batch (a reminder is better missed
than doubled).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from saas.billing.entitlements import entitlements
from saas.db import require_tenant_id, utcnow
from saas.extensions import db
from saas.mail import PermanentFailure, TemporaryFailure
from saas.tenancy.models import Tenant
from tenants.people.models import Customer, Employee
from tenants.pulses.models import Invitation, Round, Suppression
from tenants.pulses.outbox.claims import Clock
from tenants.pulses.outbox.invitation_mail import Templates
from tenants.pulses.outbox.smtp import Bounce, ConnectionTrouble, RawTransport
from tenants.pulses.outbox.suppressions import suppress
from tenants.pulses.outbox.tokens import token_for

log = logging.getLogger("outcome_pulse.reminders")

MAX_REMINDERS = 3


def reminder_days(round_: Round) -> list[int]:
    return sorted({int(day) for day in (round_.reminder_days or []) if int(day) > 0})[
        :MAX_REMINDERS
    ]


def _eligible(round_: Round) -> list[Any]:
    active_people = (
        Invitation.employee_id.in_(select(Employee.id).where(Employee.active.is_(True)))
        if round_.kind == "employee"
        else Invitation.customer_id.in_(
            select(Customer.id).where(Customer.active.is_(True), Customer.unsubscribed.is_(False))
        )
    )
    return [
        Invitation.round_id == round_.id,
        Invitation.status == "sent",
        Invitation.answered.is_(False),
        active_people,
        func.lower(Invitation.email).not_in(select(func.lower(Suppression.email))),
    ]


def _claim(round_: Round, number: int, extra: list[Any]) -> list[int]:
    statement = (
        update(Invitation)
        .where(*_eligible(round_), Invitation.reminders_sent < number, *extra)
        .values(reminders_sent=number)
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(db.session.scalars(statement).all())
    db.session.commit()
    return ids


def claim_due(round_: Round, now: datetime) -> dict[int, list[int]]:
    """Claim the reminders of ``round_`` due at ``now``: {reminder number: invitation ids}."""
    days = reminder_days(round_)
    claimed: dict[int, list[int]] = {}
    if round_.kind == "employee":
        number = sum(1 for day in days if round_.opens_at + timedelta(days=day) <= now)
        if number:
            claimed[number] = _claim(round_, number, [])
    else:
        # The latest due first, so someone who fell behind gets one reminder, not several.
        for number in range(len(days), 0, -1):
            cutoff = now - timedelta(days=days[number - 1])
            ids = _claim(round_, number, [Invitation.sent_at <= cutoff])
            if ids:
                claimed[number] = ids
    return {number: ids for number, ids in claimed.items() if ids}


def send_due_reminders(
    now: datetime,
    *,
    transport: RawTransport | None = None,
    clock: Clock = utcnow,
    templates: Templates | None = None,
) -> int:
    """Send the current tenant's due reminders; returns how many were sent (none when the
    tenant's subscription lets nothing new start)."""
    tenant = db.session.get(Tenant, require_tenant_id())
    if tenant is None or not entitlements(tenant, now).can_run:
        db.session.rollback()
        return 0
    rounds = db.session.scalars(
        select(Round).where(Round.status == "open", Round.closes_at > now).order_by(Round.id)
    ).all()
    rounds = [r for r in rounds if reminder_days(r)]
    for round_ in rounds:
        db.session.expunge(round_)
    if not rounds:
        db.session.rollback()
        return 0
    templates = templates or Templates()
    own_transport = transport is None
    mail = transport or RawTransport(current_app.config["SETTINGS"])
    sent = 0
    try:
        for round_ in rounds:
            for number, ids in claim_due(round_, now).items():
                sent += _send(round_, number, ids, mail, templates, clock)
    finally:
        if own_transport:
            mail.close()
    if sent:
        log.info("reminders", extra={"fields": {"tenant_id": require_tenant_id(), "sent": sent}})
    return sent


def _hand_back(ids: list[int], number: int) -> None:
    if ids:
        db.session.execute(
            update(Invitation)
            .where(Invitation.id.in_(ids), Invitation.reminders_sent == number)
            .values(reminders_sent=number - 1)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


def _send(
    round_: Round,
    number: int,
    ids: list[int],
    mail: RawTransport,
    templates: Templates,
    clock: Clock,
) -> int:
    rows = db.session.execute(
        select(Invitation.id, Invitation.email, Invitation.locale)
        .where(Invitation.id.in_(ids))
        .order_by(Invitation.id)
    ).all()
    sent = 0
    for position, (invitation_id, email, locale) in enumerate(rows):
        template = templates.get(round_, locale, "reminder")
        try:
            mail.send_raw(
                template.facts.mail_from, email, template.compose(email, token_for(invitation_id))
            )
        except ConnectionTrouble:
            _hand_back([row[0] for row in rows[position:]], number)
            log.warning("reminders stopped: the mail server cannot be reached")
            return sent
        except TemporaryFailure:
            _hand_back([invitation_id], number)
        except Bounce as exc:
            db.session.execute(
                update(Invitation)
                .where(Invitation.id == invitation_id)
                .values(status="bounced", last_error=str(exc)[:250])
                .execution_options(synchronize_session=False)
            )
            suppress(email, "bounced")
            db.session.commit()
        except PermanentFailure:
            pass  # this reminder is given up; the invitation keeps its status
        else:
            sent += 1
    return sent
