"""Programs: the recurring plans of pulses, their defaults and their timing.

An employee program sends on a cadence, on a weekday at a local time in the tenant's time zone;
``Program.next_send_at`` holds the next send in UTC while it is started (``None`` while paused)
and is recomputed whenever the program, or the tenant's time zone, changes. A customer program
sends a pulse after each interaction of its processes, plus a monthly random sample.

Every function works on the current tenant and leaves the commit to the caller.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from saas.db import utcnow
from saas.extensions import db
from saas.i18n import available_locales
from saas.tenancy.models import Tenant
from tenants.people.models import Employee
from tenants.pulses.models import Process, Program, Round
from tenants.pulses.programs import timing
from tenants.pulses.rounds.launch import check_teams, open_round

#: Rating items per round, anchors included: one anchor per employee dimension and at most three
#: rotating items (tenants/pulses/programs/rotation.py); customers have one dimension.
MAX_QUESTIONS_PER_ROUND = 8
CUSTOMER_MAX_QUESTIONS = 4
MAX_GRACE_DAYS = 365
MAX_DELAY_DAYS = 60
MAX_COOLDOWN_DAYS = 365
#: A round closes before the next one of its cadence opens.
MAX_OPEN_DAYS = {"weekly": 6, "biweekly": 13, "monthly": 27, "quarterly": 89}
CUSTOMER_MAX_OPEN_DAYS = 30

NAMES = {"employee": _l("Employee pulse"), "customer": _l("Customer pulse")}
EMPLOYEE_DEFAULTS: dict[str, Any] = {
    "cadence": "monthly",
    "weekday": 1,  # Tuesday
    "send_time": time(9, 0),
    "questions_per_round": MAX_QUESTIONS_PER_ROUND,
    "open_days": timing.open_days_default("monthly"),
    "reminder_days": list(timing.REMINDER_DAYS_DEFAULT),
    "grace_days": timing.GRACE_DAYS_DEFAULT,
    "audience_team_ids": None,
}
CUSTOMER_DEFAULTS: dict[str, Any] = {
    "cadence": "monthly",
    "questions_per_round": 4,
    "open_days": 10,
    "reminder_days": [3],
    "delay_days": 1,
    "cooldown_days": 30,
    "sample_share": 0.10,
}


class ProgramError(ValueError):
    """A setting the schedule cannot keep; the message is for the user."""


# -- defaults and onboarding ---------------------------------------------------------------


def default_name(kind: str, locale: str) -> str:
    """A new program's name in the company's language (English without a catalog for it)."""
    with force_locale(locale):
        return str(NAMES[kind])


def default_names(kind: str) -> set[str]:
    """The name a program of ``kind`` is created with, in each language the product speaks."""
    if kind not in NAMES:
        return set()
    return {default_name(kind, locale) for locale in available_locales()}


def draft_program(kind: str, tenant: Tenant, name: str | None = None) -> Program:
    """A program of ``kind`` made from the defaults, not added to the session."""
    if kind not in NAMES:
        raise ProgramError(f"Unknown kind of program {kind!r}.")
    defaults = EMPLOYEE_DEFAULTS if kind == "employee" else CUSTOMER_DEFAULTS
    label = default_name(kind, tenant.locale)
    values = {
        key: list(value) if isinstance(value, list) else value for key, value in defaults.items()
    }
    return Program(kind=kind, name=name or label, started=False, **values)


def new_program(kind: str, tenant: Tenant, name: str | None = None) -> Program:
    """A program of ``kind`` made from the defaults, not started."""
    program = draft_program(kind, tenant, name)
    db.session.add(program)
    db.session.flush()
    return program


def create_default_programs(tenant: Tenant) -> list[Program]:
    """One employee and one customer program, not started (the onboarding hook)."""
    have = set(db.session.scalars(select(Program.kind)))
    return [new_program(kind, tenant) for kind in ("employee", "customer") if kind not in have]


def programs(kind: str | None = None) -> list[Program]:
    query = select(Program).order_by(Program.kind.desc(), Program.id)
    if kind:
        query = query.where(Program.kind == kind)
    return list(db.session.scalars(query))


def find_program(program_id: int) -> Program | None:
    return db.session.get(Program, program_id)


def has_employees() -> bool:
    """Whether the tenant has anyone to pulse yet (the programs page says to add people)."""
    return db.session.scalar(select(Employee.id).limit(1)) is not None


# -- the schedule --------------------------------------------------------------------------


def _anchor(program: Program, tz: str, now: datetime) -> date | None:
    """The biweekly anchor, or the one starting now would set (a paused program may have none)."""
    if program.cadence != "biweekly" or program.anchor_date is not None:
        return program.anchor_date
    first = timing.next_send("weekly", program.weekday, program.send_time, tz, now)
    return timing.local_date(first, tz)


def _sends(program: Program, tz: str, now: datetime) -> Iterator[datetime]:
    """Every send of an employee program strictly after ``now`` (UTC), without end."""
    return timing.upcoming_sends(
        timing.check_cadence(program.cadence),
        program.weekday,
        program.send_time,
        tz,
        now,
        anchor=_anchor(program, tz, now),
    )


def compute_next_send(program: Program, tz: str, now: datetime) -> datetime | None:
    """The program's first send strictly after ``now`` (UTC), or None for a customer program."""
    if program.kind != "employee":
        return None
    return next(_sends(program, tz, now))


def upcoming(program: Program, tz: str, now: datetime, count: int = 3) -> list[datetime]:
    """The next ``count`` sends after ``now`` (whether or not the program is started)."""
    if program.kind != "employee":
        return []
    return list(islice(_sends(program, tz, now), count))


def _fresh_anchor(program: Program, tz: str, now: datetime) -> None:
    """Biweekly weeks count from the next local ``weekday``: the first send is the coming one."""
    program.anchor_date = None
    program.anchor_date = _anchor(program, tz, now)


def reschedule(program: Program, tz: str, now: datetime) -> None:
    """Recompute ``next_send_at`` (after an edit, a start, or a change of time zone)."""
    if program.kind == "employee" and program.cadence == "biweekly" and program.anchor_date is None:
        _fresh_anchor(program, tz, now)
    program.next_send_at = compute_next_send(program, tz, now) if program.started else None


def reschedule_all(tenant: Tenant, now: datetime | None = None) -> int:
    """Recompute every started program's next send: call it when the tenant's time zone
    changes. Returns how many programs were rescheduled."""
    moment = now or utcnow()
    count = 0
    for program in programs("employee"):
        if program.started:
            reschedule(program, tenant.timezone, moment)
            count += 1
    db.session.flush()
    return count


def _check_reminders(days: Sequence[int], open_days: int) -> list[int]:
    wanted = sorted({int(day) for day in days})
    if len(wanted) > timing.MAX_REMINDERS:
        raise ProgramError(f"At most {timing.MAX_REMINDERS} reminders.")
    if wanted and wanted[0] < 1:
        raise ProgramError("Reminders come at least one day after the send.")
    if wanted and wanted[-1] >= open_days:
        raise ProgramError("Every reminder must come before the round closes.")
    return wanted


def _in_range(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ProgramError(f"{name} must be between {low} and {high}.")
    return value


def update_employee_program(
    program: Program,
    tenant: Tenant,
    now: datetime,
    *,
    name: str,
    cadence: str,
    weekday: int,
    send_time: time,
    open_days: int | None,
    questions_per_round: int,
    reminder_days: Sequence[int],
    grace_days: int,
    audience_team_ids: Sequence[int] | None,
) -> Program:
    """Change an employee program's settings and recompute its next send.

    ``open_days=None`` takes the cadence's default. Changing the cadence or the weekday
    restarts a biweekly rhythm from the coming weekday. Open rounds keep what they froze.
    """
    if program.kind != "employee":
        raise ProgramError("This is not an employee program.")
    cadence = timing.check_cadence(cadence)
    if not 0 <= weekday <= 6:
        raise ProgramError("Choose a day of the week.")
    days = timing.open_days_default(cadence) if open_days is None else open_days
    _in_range("Open days", days, 1, MAX_OPEN_DAYS[cadence])
    rhythm_changed = cadence != program.cadence or weekday != program.weekday
    program.name = name.strip() or program.name
    program.cadence = cadence
    program.weekday = weekday
    program.send_time = send_time.replace(second=0, microsecond=0, tzinfo=None)
    program.open_days = days
    program.questions_per_round = _in_range(
        "Questions per round", questions_per_round, 1, MAX_QUESTIONS_PER_ROUND
    )
    program.reminder_days = _check_reminders(reminder_days, days)
    program.grace_days = _in_range("The grace period", grace_days, 0, MAX_GRACE_DAYS)
    program.audience_team_ids = check_teams(audience_team_ids) or None
    if cadence == "biweekly" and (rhythm_changed or program.anchor_date is None):
        _fresh_anchor(program, tenant.timezone, now)
    elif cadence != "biweekly":
        program.anchor_date = None
    reschedule(program, tenant.timezone, now)
    db.session.flush()
    return program


def update_customer_program(
    program: Program,
    *,
    name: str,
    delay_days: int,
    cooldown_days: int,
    sample_share: float,
    open_days: int,
    questions_per_round: int,
    reminder_days: Sequence[int],
) -> Program:
    """Change a customer program's settings (later pulses use them; open rounds keep theirs)."""
    if program.kind != "customer":
        raise ProgramError("This is not a customer program.")
    program.name = name.strip() or program.name
    program.delay_days = _in_range("The delay", delay_days, 0, MAX_DELAY_DAYS)
    program.cooldown_days = _in_range("The cooldown", cooldown_days, 0, MAX_COOLDOWN_DAYS)
    if not 0 <= sample_share <= 1:
        raise ProgramError("The monthly sample is a share between 0% and 100%.")
    program.sample_share = sample_share
    program.open_days = _in_range("Open days", open_days, 1, CUSTOMER_MAX_OPEN_DAYS)
    program.questions_per_round = _in_range(
        "Questions per round", questions_per_round, 1, CUSTOMER_MAX_QUESTIONS
    )
    program.reminder_days = _check_reminders(reminder_days, open_days)
    db.session.flush()
    return program


def start_program(program: Program, tenant: Tenant, now: datetime) -> None:
    """Send on schedule from now on (employee) or pulse after interactions (customer)."""
    program.started = True
    reschedule(program, tenant.timezone, now)
    db.session.flush()


def pause_program(program: Program) -> None:
    """No more scheduled rounds or interaction pulses; open rounds run to their close."""
    program.started = False
    program.next_send_at = None
    db.session.flush()


# -- what the pages show -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgramSummary:
    program: Program
    next_send: datetime | None  # scheduled (started) or what starting now would give (paused)
    open_round: Round | None
    rounds: int
    processes: int


def summary(program: Program, tz: str, now: datetime) -> ProgramSummary:
    next_send = program.next_send_at if program.started else compute_next_send(program, tz, now)
    rounds = db.session.scalar(select(func.count(Round.id)).where(Round.program_id == program.id))
    processes = db.session.scalar(
        select(func.count(Process.id)).where(Process.program_id == program.id)
    )
    return ProgramSummary(program, next_send, open_round(program), rounds or 0, processes or 0)


def recent_rounds(program: Program, limit: int = 6) -> list[Round]:
    return list(
        db.session.scalars(
            select(Round)
            .where(Round.program_id == program.id)
            .order_by(Round.opens_at.desc(), Round.id.desc())
            .limit(limit)
        )
    )
