"""Launching and closing employee rounds.

A round freezes, at launch, what it asks (``RoundQuestion`` rows chosen by rotation from the
program's history: ``rounds.questions``), who is asked (its audience and one ``Invitation`` per
eligible person, with email, locale and team copied), its anonymity thresholds and its reminder
days. Later changes to the program, the tenant's thresholds or the people do not change an open
round.

Employee rounds are launched by the schedule (``tenants.pulses.programs.scheduler``) or by hand.
Customer programs have one rolling round per calendar month instead (``rounds.customers``).

All functions work on the current tenant.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, inspect, select

from saas.billing.entitlements import entitlements
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.people.models import Employee, Team
from tenants.people.service import team_tree
from tenants.pulses.models import Invitation, Program, Round
from tenants.pulses.outbox import tasks, tokens
from tenants.pulses.outbox.suppressions import suppressed_emails
from tenants.pulses.programs import timing
from tenants.pulses.rounds.errors import LaunchError
from tenants.pulses.rounds.questions import choose_questions, freeze_questions
from tenants.surveys.models import Question

log = logging.getLogger("outcome_pulse.pulses")


def tenant_of(program: Program) -> Tenant:
    tenant = db.session.get(Tenant, program.tenant_id)
    assert tenant is not None
    return tenant


# -- audiences ------------------------------------------------------------------------------


def team_subtree(team_ids: Sequence[int]) -> set[int]:
    """``team_ids`` and every team below them."""
    tree = team_tree()
    found = set(team_ids)
    for team_id in team_ids:
        found.update(tree.subtree(team_id))
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
        if timing.eligible(row.start_date, round_start, grace_days)
        and row.email.lower() not in suppressed
    ]


def audience_count(program: Program, now: datetime) -> int:
    """How many people a round of ``program`` launched now would email (what the launch
    confirmation names)."""
    team_ids = check_teams(program.audience_team_ids)
    round_start = timing.local_date(now, tenant_of(program).timezone)
    return len(eligible_employees(team_ids, round_start, program.grace_days))


# -- the round row --------------------------------------------------------------------------


def set_invitation_tokens(invitations: Sequence[Invitation]) -> None:
    """Flush ``invitations`` and give each its token hash (launches, samples, processes)."""
    db.session.flush()
    for invitation in invitations:
        invitation.token_hash = tokens.hash_token(tokens.token_for(invitation.id))
    db.session.flush()


def lock_program(program: Program) -> None:
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


def next_number(program: Program) -> int:
    count = db.session.scalar(select(func.count(Round.id)).where(Round.program_id == program.id))
    return (count or 0) + 1


def create_round(
    program: Program,
    tenant: Tenant,
    questions: Sequence[Question],
    *,
    round_start: date,
    opens_at: datetime,
    closes_at: datetime,
    include_purpose_map: bool,
    audience_team_ids: list[int] | None,
) -> Round:
    """A new open round of ``program`` with what it freezes: its questions, the tenant's
    thresholds and the program's reminder days. Flushes, does not commit."""
    round_ = Round(
        program_id=program.id,
        kind=program.kind,
        number=next_number(program),
        status="open",
        period=timing.period_of(round_start),
        month=timing.month_of(round_start),
        opens_at=opens_at,
        closes_at=closes_at,
        threshold=tenant.anonymity_threshold,
        comment_threshold=tenant.comment_threshold,
        include_purpose_map=include_purpose_map,
        audience_team_ids=audience_team_ids,
        reminder_days=sorted(set(program.reminder_days or [])),
    )
    db.session.add(round_)
    db.session.flush()
    freeze_questions(round_, questions)
    return round_


def enqueue_dispatch(round_: Round) -> None:
    """Hand the round to the dispatcher (``tenants.pulses.outbox.tasks``)."""
    try:
        # touch no attribute of the committed (expired) round before this
        tasks.enqueue_round(round_)
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
    if not entitlements(tenant).can_launch_rounds:
        raise LaunchError(
            _(
                "Your subscription is not active, so no new round can start; results stay "
                "readable and your data is kept. An owner can choose a plan in Billing."
            ),
            "payment_required",
        )
    tz = tenant.timezone
    lock_program(program)
    current = open_round(program)
    if current is not None:
        raise LaunchError(
            f"Round {current.number} of this program is still open: close it before launching "
            "another.",
            "round_open",
        )
    team_ids = check_teams(audience if audience is not None else program.audience_team_ids)
    round_start = timing.local_date(now, tz)
    invitees = eligible_employees(team_ids, round_start, program.grace_days)
    if not invitees:
        raise LaunchError(
            "Nobody to invite: add employees (or check the audience and the grace period "
            "for new people).",
            "no_audience",
        )
    questions, include_map = choose_questions(program, round_start, tz)
    round_ = create_round(
        program,
        tenant,
        questions,
        round_start=round_start,
        opens_at=now,
        closes_at=timing.closes_at(now, max(program.open_days, 1), tz),
        include_purpose_map=include_map,
        audience_team_ids=team_ids,
    )
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
    set_invitation_tokens(invitations)
    db.session.commit()
    enqueue_dispatch(round_)
    return round_


def close_round(round_: Round, now: datetime) -> Round:
    """Close an open round (no more answers, no more reminders). The caller commits."""
    if round_.status != "closed":
        round_.status = "closed"
        round_.closed_at = now
        db.session.flush()
    return round_


def due_to_close(now: datetime) -> list[Round]:
    """Open rounds of the current tenant due to close at ``now``."""
    return list(
        db.session.scalars(
            select(Round).where(Round.status == "open", Round.closes_at <= now).order_by(Round.id)
        )
    )
