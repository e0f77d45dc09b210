"""Customer rounds: a customer program has one rolling round per calendar month
(``customer_round_for``). Interactions add invitations to it (``tenants.pulses.processes``) and
the monthly sample adds a random share of customers (``sample_customers``).

All functions work on the current tenant.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from saas.extensions import db
from tenants.people.models import Customer
from tenants.pulses.models import Invitation, Program, Round
from tenants.pulses.outbox.suppressions import suppressed_emails
from tenants.pulses.programs import timing
from tenants.pulses.rounds.errors import LaunchError
from tenants.pulses.rounds.launch import (
    create_round,
    lock_program,
    set_invitation_tokens,
    tenant_of,
)
from tenants.pulses.rounds.questions import choose_questions

#: Invitations that did not reach the person do not count for the customer cooldown.
NOT_DELIVERED = ("failed", "suppressed", "bounced")


def _month_bounds(when: datetime, tz: str) -> tuple[date, datetime, datetime]:
    place = timing.zone(tz)
    day = timing.local_date(when, tz)
    first = date(day.year, day.month, 1)
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    opens = timing.local_to_utc(first, time(0, 0), place)
    ends = timing.local_to_utc(following, time(0, 0), place)
    return first, opens, ends


def customer_round_for(program: Program, when: datetime) -> Round:
    """The customer program's rolling round for the calendar month (tenant time) holding
    ``when``, created on demand with its questions and thresholds frozen. It closes
    ``open_days`` after the month ends, so a pulse sent on the last day can still be answered.
    Flushes, does not commit."""
    if program.kind != "customer":
        raise LaunchError("Only customer programs have rolling monthly rounds.", "employee_program")
    tenant = tenant_of(program)
    tz = tenant.timezone
    first, opens, month_end = _month_bounds(when, tz)
    month = timing.month_of(first)
    lock_program(program)
    existing = db.session.scalar(
        select(Round)
        .where(Round.program_id == program.id, Round.month == month)
        .order_by(Round.id)
        .limit(1)
    )
    if existing is not None:
        return existing
    questions, _ = choose_questions(program, first, tz)
    round_ = create_round(
        program,
        tenant,
        questions,
        round_start=first,
        opens_at=opens,
        closes_at=timing.closes_at(month_end, max(program.open_days, 1), tz),
        include_purpose_map=False,
        audience_team_ids=None,
    )
    db.session.flush()
    return round_


def last_invited(program: Program, customer_ids: Iterable[int]) -> dict[int, datetime]:
    """When each customer was last invited by ``program`` (sent, else scheduled)."""
    ids = list(customer_ids)
    if not ids:
        return {}
    moment = func.max(
        func.coalesce(Invitation.sent_at, Invitation.next_attempt_at, Invitation.created_at)
    )
    rows = db.session.execute(
        select(Invitation.customer_id, moment)
        .join(Round, Round.id == Invitation.round_id)
        .where(
            Round.program_id == program.id,
            Invitation.customer_id.in_(ids),
            Invitation.status.not_in(NOT_DELIVERED),
        )
        .group_by(Invitation.customer_id)
    )
    return {customer_id: _aware(at) for customer_id, at in rows if at is not None}


def _aware(moment: datetime | str) -> datetime:
    if isinstance(moment, str):  # SQLite hands back coalesce()/max() of datetimes as text
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def customer_invitation(
    round_: Round,
    customer: Customer,
    *,
    send_at: datetime,
    interaction_id: int | None = None,
) -> Invitation:
    invitation = Invitation(
        round_id=round_.id,
        customer_id=customer.id,
        interaction_id=interaction_id,
        email=customer.email,
        locale=customer.locale or "en",
        team_id=customer.serving_team_id,
        status="queued",
        next_attempt_at=send_at,
    )
    db.session.add(invitation)
    return invitation


def reachable_customers() -> list[Customer]:
    """Customers who may get a pulse at all: active, consenting, subscribed, not suppressed."""
    suppressed = suppressed_emails()
    customers = db.session.scalars(
        select(Customer)
        .where(
            Customer.active.is_(True),
            Customer.consent.is_(True),
            Customer.unsubscribed.is_(False),
        )
        .order_by(Customer.id)
    )
    return [c for c in customers if c.email.lower() not in suppressed]


def sample_customers(program: Program, now: datetime, rng: random.Random | None = None) -> int:
    """Draw the month's random sample of a started customer program, once per month.

    ``program.sample_share`` of the reachable customers (at least one when the share is above
    zero), whether or not they got a process's action, minus those invited by this program
    within its cooldown. Their invitations go out now. Returns how many were invited; flushes.
    """
    if program.kind != "customer" or not program.started or program.sample_share <= 0:
        return 0
    round_ = customer_round_for(program, now)
    if round_.sampled_at is not None or round_.status != "open":
        return 0
    customers = reachable_customers()
    last = last_invited(program, (c.id for c in customers))
    cooldown = program.cooldown_days
    pool = [
        c
        for c in customers
        if c.id not in last or (now - last[c.id]).total_seconds() >= cooldown * 86400
    ]
    wanted = sample_size(program.sample_share, len(pool))
    chooser = rng or random.Random(f"{program.id}:{round_.month}")
    chosen = sorted(chooser.sample(pool, wanted), key=lambda c: c.id)
    invitations = [customer_invitation(round_, c, send_at=now) for c in chosen]
    set_invitation_tokens(invitations)
    round_.sampled_at = now
    db.session.flush()
    return len(invitations)


def sample_size(share: float, pool: int) -> int:
    """How many of ``pool`` customers a monthly share samples (for display)."""
    if share <= 0 or pool <= 0:
        return 0
    return min(pool, max(1, math.floor(share * pool + 0.5)))
