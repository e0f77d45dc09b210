"""Launching and closing rounds.

A round freezes, at launch, what it asks (``RoundQuestion`` rows chosen by rotation from the
program's history), who is asked (its audience and one ``Invitation`` per eligible person,
with email, locale and team copied), its anonymity thresholds and its reminder days. Later
changes to the program, the tenant's thresholds or the people do not change an open round.

Employee rounds are launched by the schedule (``tenants.pulses.scheduler``) or by hand. Customer
programs have one rolling round per calendar month (``customer_round_for``): interactions add
invitations to it (``tenants.pulses.processes``) and the monthly sample adds a random share
of customers (``sample_customers``).

All functions work on the current tenant.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, inspect, select

from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.people.models import Customer, Employee, Team
from tenants.pulses import schedule, tokens
from tenants.pulses.models import Invitation, Program, Round, Suppression
from tenants.pulses.rotation import PastRound, select_questions
from tenants.surveys import service as surveys
from tenants.surveys.models import Question, RoundQuestion

log = logging.getLogger("outcome_pulse.pulses")

#: Invitations that did not reach the person do not count for the customer cooldown.
NOT_DELIVERED = ("failed", "suppressed", "bounced")


class LaunchError(ValueError):
    """A round cannot be launched; the message is for the user, ``code`` for the API."""

    def __init__(self, message: str, code: str = "cannot_launch") -> None:
        super().__init__(message)
        self.code = code


# -- calendar helpers ----------------------------------------------------------------------


def tenant_of(program: Program) -> Tenant:
    tenant = db.session.get(Tenant, program.tenant_id)
    assert tenant is not None
    return tenant


def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(schedule.zone(tz)).date()


def period_of(day: date) -> str:
    """The quarter holding ``day``: ``2026-Q3``."""
    year, quarter = schedule.quarter_of(day)
    return f"{year}-Q{quarter}"


def month_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


# -- audiences ------------------------------------------------------------------------------


def team_subtree(team_ids: Iterable[int]) -> set[int]:
    """``team_ids`` and every team below them."""
    children: dict[int | None, list[int]] = {}
    for team_id, parent_id in db.session.execute(select(Team.id, Team.parent_id)):
        children.setdefault(parent_id, []).append(team_id)
    found: set[int] = set()
    stack = list(team_ids)
    while stack:
        team_id = stack.pop()
        if team_id in found:
            continue
        found.add(team_id)
        stack.extend(children.get(team_id, ()))
    return found


def check_teams(team_ids: Sequence[int] | None) -> list[int] | None:
    """``team_ids`` as a sorted list, or ``LaunchError`` when one is not the tenant's."""
    if team_ids is None:
        return None
    wanted = sorted(set(team_ids))
    known = set(db.session.scalars(select(Team.id).where(Team.id.in_(wanted))))
    unknown = [team_id for team_id in wanted if team_id not in known]
    if unknown:
        raise LaunchError(f"Unknown teams: {unknown}.", "unknown_teams")
    return wanted


def suppressed_emails() -> set[str]:
    return {email.lower() for email in db.session.scalars(select(Suppression.email))}


@dataclass(frozen=True, slots=True)
class Invitee:
    employee_id: int
    email: str
    locale: str
    team_id: int | None


def eligible_employees(
    audience_team_ids: Sequence[int] | None, round_start: date, grace_days: int
) -> list[Invitee]:
    """Active employees in the audience (teams and their sub-teams; ``None`` is everyone),
    past the grace period on ``round_start``, whose address is not suppressed."""
    query = select(
        Employee.id, Employee.email, Employee.locale, Employee.team_id, Employee.start_date
    ).where(Employee.active.is_(True))
    if audience_team_ids is not None:
        query = query.where(Employee.team_id.in_(team_subtree(audience_team_ids)))
    suppressed = suppressed_emails()
    return [
        Invitee(row.id, row.email, row.locale or "en", row.team_id)
        for row in db.session.execute(query.order_by(Employee.id))
        if schedule.eligible(row.start_date, round_start, grace_days)
        and row.email.lower() not in suppressed
    ]


# -- questions ------------------------------------------------------------------------------


def program_history(program: Program, tz: str) -> list[PastRound]:
    """The program's earlier rounds as rotation sees them (purpose-map fields left out)."""
    rounds = db.session.scalars(
        select(Round).where(Round.program_id == program.id).order_by(Round.opens_at, Round.id)
    ).all()
    if not rounds:
        return []
    keys: dict[int, list[str]] = {r.id: [] for r in rounds}
    rows = db.session.execute(
        select(RoundQuestion.round_id, Question.key)
        .join(Question, Question.id == RoundQuestion.question_id)
        .where(RoundQuestion.round_id.in_(keys), Question.purpose_map.is_(False))
        .order_by(RoundQuestion.round_id, RoundQuestion.position)
    )
    for round_id, key in rows:
        keys[round_id].append(key)
    return [
        PastRound(local_date(r.opens_at, tz), tuple(keys[r.id]), r.include_purpose_map)
        for r in rounds
    ]


def choose_questions(program: Program, round_start: date, tz: str) -> tuple[list[Question], bool]:
    """The questions of the program's next round (rotation) and whether it holds the map."""
    pool = surveys.active_questions(program.kind)
    if not any(q.scale != "comment" for q in pool):
        raise LaunchError(
            "There are no active questions to ask: restore some in the library.", "no_questions"
        )
    cadence = schedule.check_cadence(program.cadence) if program.kind == "employee" else "monthly"
    selection = select_questions(
        pool,
        cadence,
        round_start,
        per_round=max(program.questions_per_round, 1),
        history=program_history(program, tz),
        seed=program.id,
        purpose_map=program.kind == "employee",
    )
    by_key = {q.key: q for q in pool}
    chosen = [by_key[key] for key in selection.keys]
    include_map = selection.include_purpose_map
    if include_map:
        fields = surveys.active_questions("employee", purpose_map=True)
        chosen.extend(fields)
        include_map = bool(fields)
    return chosen, include_map


def _freeze_questions(round_: Round, questions: Sequence[Question]) -> None:
    db.session.add_all(
        RoundQuestion(round_id=round_.id, question_id=q.id, position=position)
        for position, q in enumerate(questions)
    )


def _set_tokens(invitations: Sequence[Invitation]) -> None:
    db.session.flush()
    for invitation in invitations:
        invitation.token_hash = tokens.hash_token(tokens.token_for(invitation.id))
    db.session.flush()


def _lock_program(program: Program) -> None:
    """Serialise launches of one program (a row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE
    already serialises writers)."""
    db.session.execute(select(Program.id).where(Program.id == program.id).with_for_update())


def open_round(program: Program) -> Round | None:
    return db.session.scalar(
        select(Round)
        .where(Round.program_id == program.id, Round.status == "open")
        .order_by(Round.opens_at.desc())
        .limit(1)
    )


def _next_number(program: Program) -> int:
    count = db.session.scalar(select(func.count(Round.id)).where(Round.program_id == program.id))
    return (count or 0) + 1


def enqueue_dispatch(round_: Round) -> None:
    """Hand the round to the dispatcher (``tenants.pulses.dispatch``)."""
    from tenants.pulses import dispatch  # dispatch imports launch: import at call time

    try:
        # touch no attribute of the committed (expired) round before this
        dispatch.enqueue_round(round_)
    except Exception:  # the round is launched; the dispatcher's own tick picks it up later
        log.exception("could not enqueue the dispatch of round %s", inspect(round_).identity)


# -- employee rounds ------------------------------------------------------------------------


def launch_round(
    program: Program, now: datetime, *, audience: Sequence[int] | None = None
) -> Round:
    """Launch a round of an employee program now, and commit it.

    Freezes the questions (rotation over the program's history), the audience (``audience``
    team ids, else the program's; sub-teams included), the tenant's thresholds and the
    program's reminder days; creates a queued ``Invitation`` per eligible person in the same
    transaction, commits, then enqueues the dispatch. Raises ``LaunchError`` (nothing written)
    when the program is a customer program, a round of it is still open, or nobody is eligible.
    """
    if program.kind != "employee":
        raise LaunchError(
            "Customer programs run one rolling round a month; they are not launched.",
            "customer_program",
        )
    tenant = tenant_of(program)
    tz = tenant.timezone
    _lock_program(program)
    current = open_round(program)
    if current is not None:
        raise LaunchError(
            f"Round {current.number} of this program is still open: close it before launching "
            "another.",
            "round_open",
        )
    team_ids = check_teams(audience if audience is not None else program.audience_team_ids)
    round_start = local_date(now, tz)
    invitees = eligible_employees(team_ids, round_start, program.grace_days)
    if not invitees:
        raise LaunchError(
            "Nobody to invite: add employees (or check the audience and the grace period "
            "for new people).",
            "no_audience",
        )
    questions, include_map = choose_questions(program, round_start, tz)
    closes = schedule.closes_at(now, max(program.open_days, 1), tz)
    round_ = Round(
        program_id=program.id,
        kind="employee",
        number=_next_number(program),
        status="open",
        period=period_of(round_start),
        month=month_of(round_start),
        opens_at=now,
        closes_at=closes,
        threshold=tenant.anonymity_threshold,
        comment_threshold=tenant.comment_threshold,
        include_purpose_map=include_map,
        audience_team_ids=team_ids,
        reminder_days=sorted(set(program.reminder_days or [])),
    )
    db.session.add(round_)
    db.session.flush()
    _freeze_questions(round_, questions)
    invitations = [
        Invitation(
            round_id=round_.id,
            employee_id=person.employee_id,
            email=person.email,
            locale=person.locale,
            team_id=person.team_id,
            status="queued",
            next_attempt_at=now,
        )
        for person in invitees
    ]
    db.session.add_all(invitations)
    _set_tokens(invitations)
    db.session.commit()
    enqueue_dispatch(round_)
    return round_


def invitation_count(round_: Round) -> int:
    return (
        db.session.scalar(select(func.count(Invitation.id)).where(Invitation.round_id == round_.id))
        or 0
    )


def close_round(round_: Round, now: datetime) -> Round:
    """Close an open round (no more answers, no more reminders). The caller commits."""
    if round_.status != "closed":
        round_.status = "closed"
        round_.closed_at = now
        db.session.flush()
    return round_


# -- customer rounds ------------------------------------------------------------------------


def _month_bounds(when: datetime, tz: str) -> tuple[date, datetime, datetime]:
    place = schedule.zone(tz)
    day = local_date(when, tz)
    first = date(day.year, day.month, 1)
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    opens = schedule.local_to_utc(first, time(0, 0), place)
    ends = schedule.local_to_utc(following, time(0, 0), place)
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
    month = month_of(first)
    _lock_program(program)
    existing = db.session.scalar(
        select(Round)
        .where(Round.program_id == program.id, Round.month == month)
        .order_by(Round.id)
        .limit(1)
    )
    if existing is not None:
        return existing
    questions, _ = choose_questions(program, first, tz)
    round_ = Round(
        program_id=program.id,
        kind="customer",
        number=_next_number(program),
        status="open",
        period=period_of(first),
        month=month,
        opens_at=opens,
        closes_at=schedule.closes_at(month_end, max(program.open_days, 1), tz),
        threshold=tenant.anonymity_threshold,
        comment_threshold=tenant.comment_threshold,
        include_purpose_map=False,
        audience_team_ids=None,
        reminder_days=sorted(set(program.reminder_days or [])),
    )
    db.session.add(round_)
    db.session.flush()
    _freeze_questions(round_, questions)
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
    _set_tokens(invitations)
    round_.sampled_at = now
    db.session.flush()
    return len(invitations)


def set_invitation_tokens(invitations: Sequence[Invitation]) -> None:
    """Flush ``invitations`` and give each its token hash (used by processes too)."""
    _set_tokens(invitations)


def due_to_close(now: datetime) -> list[Round]:
    """Open rounds of the current tenant due to close at ``now``."""
    return list(
        db.session.scalars(
            select(Round).where(Round.status == "open", Round.closes_at <= now).order_by(Round.id)
        )
    )


def sample_size(share: float, pool: int) -> int:
    """How many of ``pool`` customers a monthly share samples (for display)."""
    if share <= 0 or pool <= 0:
        return 0
    return min(pool, max(1, math.floor(share * pool + 0.5)))
