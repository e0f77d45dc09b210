"""Processes (what a tenant does for customers on purpose) and their interactions.

Logging an interaction decides at once whether the customer gets a pulse, and when: the
process's customer program must be started; the customer must be active, consenting, subscribed
and not suppressed, and not invited by that program within its cooldown. The pulse is an
invitation in the program's rolling round of the month it is sent, ``delay_days`` after the
interaction (or now, when that is already past). The decision is stored on the interaction, so
a retried API call with the same ``external_id`` logs nothing twice and answers the same.

Every function works on the current tenant and leaves the commit to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from saas.billing.entitlements import entitlements
from saas.billing.plans import PROCESSES
from saas.db import iso_z, require_tenant_id
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.people.models import Customer, Team
from tenants.pulses.models import Interaction, Process, Program
from tenants.pulses.outbox.suppressions import suppressed_emails
from tenants.pulses.rounds import customers
from tenants.pulses.rounds.launch import set_invitation_tokens

#: How far in the future an interaction's time may be (clock skew), before it is refused.
FUTURE_TOLERANCE = timedelta(hours=1)


class ProcessError(ValueError):
    """Bad input for a process or an interaction; ``code`` is for the API, the message for
    people."""

    def __init__(self, message: str, code: str = "invalid", status: int = 422) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def refuse_unless_entitled(now: datetime) -> None:
    """Interactions need a plan with processes and a subscription that lets work start."""
    rights = entitlements(db.session.get(Tenant, require_tenant_id()), now)  # type: ignore[arg-type]
    if not rights.allows(PROCESSES):
        raise ProcessError(
            _("Processes are part of the Growth and Scale plans: an owner can upgrade in Billing."),
            "plan_required",
            402,
        )
    if not rights.can_run:
        raise ProcessError(
            _(
                "Your subscription is not active, so no interaction is logged and no pulse "
                "starts; your data is kept. An owner can choose a plan in Billing."
            ),
            "payment_required",
            402,
        )


# -- processes -----------------------------------------------------------------------------


def processes() -> list[Process]:
    return list(db.session.scalars(select(Process).order_by(Process.name)))


def processes_of(program: Program) -> list[Process]:
    """The processes measured by ``program``, by name."""
    return list(
        db.session.scalars(
            select(Process).where(Process.program_id == program.id).order_by(Process.name)
        )
    )


def _get(model: Any, object_id: int) -> Any:
    """``session.get`` that never hands back another tenant's row from the identity map."""
    found = db.session.get(model, object_id)
    if found is None or found.tenant_id != require_tenant_id():
        return None
    return found


def _check_links(team_id: int | None, program_id: int | None) -> None:
    if team_id is not None and _get(Team, team_id) is None:
        raise ProcessError("Unknown team.", "unknown_team")
    if program_id is not None:
        program = _get(Program, program_id)
        if program is None or program.kind != "customer":
            raise ProcessError("Choose a customer program.", "unknown_program")


def _check_name(name: str, process: Process | None = None) -> str:
    clean = name.strip()
    if not clean:
        raise ProcessError("A process needs a name.", "invalid_name")
    clash = db.session.scalar(select(Process).where(func.lower(Process.name) == clean.lower()))
    if clash is not None and clash is not process:
        raise ProcessError(f"There is already a process called {clash.name!r}.", "duplicate_name")
    return clean


def create_process(
    *,
    name: str,
    action: str,
    outcome: str,
    team_id: int | None = None,
    program_id: int | None = None,
) -> Process:
    """A process: its action ("call on their birthday"), its intended outcome ("feels
    valued"), the team that owns it and the customer program that measures it."""
    _check_links(team_id, program_id)
    process = Process(
        name=_check_name(name),
        action=action.strip(),
        outcome=outcome.strip(),
        team_id=team_id,
        program_id=program_id,
        active=True,
    )
    db.session.add(process)
    db.session.flush()
    return process


def update_process(
    process: Process,
    *,
    name: str,
    action: str,
    outcome: str,
    team_id: int | None,
    program_id: int | None,
    active: bool,
) -> Process:
    _check_links(team_id, program_id)
    process.name = _check_name(name, process)
    process.action = action.strip()
    process.outcome = outcome.strip()
    process.team_id = team_id
    process.program_id = program_id
    process.active = active
    db.session.flush()
    return process


def find_process(reference: str | int) -> Process | None:
    """A process by id (a number) or by name (case-insensitive)."""
    if isinstance(reference, int):
        return _get(Process, reference)
    name = reference.strip()
    found = db.session.scalar(select(Process).where(func.lower(Process.name) == name.lower()))
    if found is None and name.isdigit():
        found = _get(Process, int(name))
    return found


def find_customer(email: str) -> Customer | None:
    return db.session.scalar(
        select(Customer).where(func.lower(Customer.email) == email.strip().lower())
    )


# -- interactions --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Logged:
    """What logging an interaction did."""

    interaction: Interaction
    scheduled_for: datetime | None  # when the pulse goes out (UTC), or None
    reason: str | None  # why there is no pulse
    code: str | None  # the reason as a code: cooldown, program_paused, ...
    replayed: bool = False  # an earlier call with the same external_id did the work

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"interaction_id": self.interaction.id}
        if self.scheduled_for is not None:
            body["pulse"] = {"scheduled_for": iso_z(self.scheduled_for)}
        else:
            body["pulse"] = None
            body["reason"] = self.reason
            body["reason_code"] = self.code
        return body


def _days(count: int) -> str:
    return "today" if count == 0 else ("1 day ago" if count == 1 else f"{count} days ago")


def _decide(
    customer: Customer, process: Process, scheduled_for: datetime, now: datetime
) -> tuple[Program | None, str | None, str | None]:
    """The program to pulse with, or (None, code, reason) when there is no pulse."""
    program = db.session.get(Program, process.program_id) if process.program_id else None
    if not process.active:
        return None, "process_inactive", f"the process {process.name!r} is not active"
    if program is None:
        return None, "no_program", f"the process {process.name!r} has no customer program"
    if not program.started:
        return None, "program_paused", f"the customer program {program.name!r} is paused"
    if not customer.active:
        return None, "customer_inactive", "the customer is inactive"
    if not customer.consent:
        return None, "no_consent", "the customer has not consented to surveys"
    if customer.unsubscribed:
        return None, "unsubscribed", "the customer unsubscribed from surveys"
    if customer.email.lower() in suppressed_emails():
        return None, "suppressed", "the customer's address is on the suppression list"
    last = customers.last_invited(program, [customer.id]).get(customer.id)
    cooldown = program.cooldown_days
    if last is not None and scheduled_for - last < timedelta(days=cooldown):
        if last > now:
            return (
                None,
                "cooldown",
                (
                    f"the customer already has a pulse scheduled for {iso_z(last)} "
                    f"(cooldown {cooldown} days)"
                ),
            )
        ago = (now - last).days
        return None, "cooldown", f"customer was surveyed {_days(ago)} (cooldown {cooldown} days)"
    return program, None, None


def _replay(interaction: Interaction, customer: Customer, process: Process) -> Logged:
    if interaction.customer_id != customer.id or interaction.process_id != process.id:
        raise ProcessError(
            "This external_id was already used for another customer or process.",
            "external_id_conflict",
            409,
        )
    outcome = interaction.outcome or {}
    scheduled = outcome.get("scheduled_for")
    return Logged(
        interaction,
        datetime.fromisoformat(scheduled.replace("Z", "+00:00")) if scheduled else None,
        outcome.get("reason"),
        outcome.get("code"),
        replayed=True,
    )


def log_interaction(
    customer: Customer,
    process: Process,
    occurred_at: datetime,
    *,
    now: datetime,
    external_id: str | None = None,
) -> Logged:
    """Log that ``process``'s action was done for ``customer`` and decide the pulse."""
    refuse_unless_entitled(now)
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be aware")
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ProcessError(
            "The interaction's time is in the future: log it once it has happened.",
            "occurred_at_in_future",
        )
    external_id = (external_id or "").strip() or None
    if external_id is not None:
        existing = db.session.scalar(
            select(Interaction).where(Interaction.external_id == external_id)
        )
        if existing is not None:
            return _replay(existing, customer, process)

    interaction = Interaction(
        process_id=process.id,
        customer_id=customer.id,
        occurred_at=occurred_at,
        external_id=external_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(interaction)
            db.session.flush()
    except IntegrityError:  # the same external_id, logged by a concurrent call
        existing = db.session.scalar(
            select(Interaction).where(Interaction.external_id == external_id)
        )
        if existing is None:
            raise
        return _replay(existing, customer, process)

    delay = timedelta(days=process_delay(process))
    scheduled_for = max(occurred_at + delay, now)
    program, code, reason = _decide(customer, process, scheduled_for, now)
    if program is not None:
        round_ = customers.customer_round_for(program, scheduled_for)
        if round_.status != "open":
            program, code = None, "round_closed"
            reason = f"the customer program's round for {round_.month} is closed"
        else:
            invitation = customers.customer_invitation(
                round_, customer, send_at=scheduled_for, interaction_id=interaction.id
            )
            set_invitation_tokens([invitation])
    if program is None:
        interaction.outcome = {"reason": reason, "code": code}
        db.session.flush()
        return Logged(interaction, None, reason, code)
    interaction.outcome = {"scheduled_for": iso_z(scheduled_for)}
    db.session.flush()
    return Logged(interaction, scheduled_for, None, None)


def process_delay(process: Process) -> int:
    program = db.session.get(Program, process.program_id) if process.program_id else None
    return program.delay_days if program is not None else 0


def recent_interactions(
    limit: int = 50, offset: int = 0, process_id: int | None = None
) -> list[Interaction]:
    query = select(Interaction)
    if process_id:
        query = query.where(Interaction.process_id == process_id)
    return list(
        db.session.scalars(
            query.order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def count_interactions(process_id: int | None = None) -> int:
    query = select(func.count(Interaction.id))
    if process_id:
        query = query.where(Interaction.process_id == process_id)
    return db.session.scalar(query) or 0


def interaction_counts() -> dict[int, int]:
    """Interactions logged per process id."""
    rows = db.session.execute(
        select(Interaction.process_id, func.count(Interaction.id)).group_by(Interaction.process_id)
    )
    return {process_id: count for process_id, count in rows}


def customers_by_id(ids: set[int]) -> dict[int, Customer]:
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Customer).where(Customer.id.in_(ids)))}
