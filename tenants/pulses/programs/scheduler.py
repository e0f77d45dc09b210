"""What the periodic tick does for pulses: close expired rounds, launch due rounds, draw the
monthly customer samples.

The tenants with work are listed with one unscoped query each; the work itself runs per tenant,
inside its ``tenant_context`` and a fresh session, and commits per program. It is idempotent:
a due program is claimed by moving its ``next_send_at`` with a conditional UPDATE before its
round is launched, a round closes once, a month's sample is drawn once (``Round.sampled_at``),
so a tick run twice (or by two workers) does nothing twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select, update

from saas.billing.entitlements import entitlements
from saas.billing.plans import CUSTOMER_PULSES
from saas.db import tenant_context, unscoped
from saas.extensions import db
from saas.tasks import task_app_context
from saas.tenancy.models import Tenant
from tenants.pulses.models import Program, Round
from tenants.pulses.programs import service as programs
from tenants.pulses.rounds import customers, launch

log = logging.getLogger("outcome_pulse.pulses")


def _by_tenant(rows: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for tenant_id, object_id in rows:
        grouped[tenant_id].append(object_id)
    return grouped


def _for_each_tenant(
    listing: Select[tuple[int, int]], do: Callable[[Tenant, list[int]], int]
) -> int:
    """``do(tenant, ids)`` for each tenant of the ``(tenant_id, id)`` rows that ``listing``
    finds across tenants; returns the sum."""
    with unscoped():
        work = _by_tenant(db.session.execute(listing).all())
    # End the listing's read first: on SQLite it would hold the write lock (BEGIN IMMEDIATE)
    # that each tenant's own session is about to take.
    db.session.rollback()
    done = 0
    for tenant_id, ids in sorted(work.items()):
        with task_app_context(), tenant_context(tenant_id):
            tenant = db.session.get(Tenant, tenant_id)
            if tenant is None:
                continue
            try:
                done += do(tenant, ids)
            except Exception:
                db.session.rollback()
                log.exception("pulses tick failed for tenant %s", tenant_id)
    return done


def _started_programs(kind: str, condition: ColumnElement[bool]) -> Select[tuple[int, int]]:
    return select(Program.tenant_id, Program.id).where(
        Program.kind == kind, Program.started.is_(True), condition
    )


def close_due_rounds(now: datetime) -> int:
    """Close every open round whose ``closes_at`` has passed. Returns how many closed."""

    def close(tenant: Tenant, ids: list[int]) -> int:
        rounds = launch.due_to_close(now)
        for round_ in rounds:
            launch.close_round(round_, now)
        db.session.commit()
        return len(rounds)

    due = select(Round.tenant_id, Round.id).where(Round.status == "open", Round.closes_at <= now)
    return _for_each_tenant(due, close)


def _launch_one(tenant: Tenant, program_id: int, now: datetime) -> bool:
    program = db.session.get(Program, program_id)
    if program is None or not program.started or program.kind != "employee":
        return False
    due = program.next_send_at
    if due is None or due > now:
        return False
    following = programs.compute_next_send(program, tenant.timezone, now)
    claimed = db.session.execute(
        update(Program)
        .where(Program.id == program.id, Program.next_send_at == due, Program.started.is_(True))
        .values(next_send_at=following)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:  # another worker took it
        db.session.rollback()
        return False
    db.session.refresh(program)
    try:
        launch.launch_round(program, now)  # commits the claim with the round
    except launch.LaunchError as exc:
        log.info("program %s: scheduled round skipped: %s", program.id, exc)
        db.session.commit()  # the schedule moves on; nothing was launched
        return False
    return True


def launch_due_rounds(now: datetime) -> int:
    """Launch a round of every started employee program whose next send is due."""

    def launch_all(tenant: Tenant, ids: list[int]) -> int:
        return sum(_launch_one(tenant, program_id, now) for program_id in sorted(ids))

    return _for_each_tenant(_started_programs("employee", Program.next_send_at <= now), launch_all)


def sample_customers(now: datetime) -> int:
    """Draw each started customer program's monthly sample on the month's first tick."""

    def sample(tenant: Tenant, ids: list[int]) -> int:
        rights = entitlements(tenant, now)
        if not (rights.can_run and rights.allows(CUSTOMER_PULSES)):
            return 0  # nothing new starts; the data is kept
        invited = 0
        for program_id in sorted(ids):
            program = db.session.get(Program, program_id)
            if program is None:
                continue
            count = customers.sample_customers(program, now)
            round_ = customers.customer_round_for(program, now) if count else None
            db.session.commit()
            if round_ is not None:
                invited += count
                launch.enqueue_dispatch(round_)
        return invited

    return _for_each_tenant(_started_programs("customer", Program.sample_share > 0), sample)


def tick(now: datetime) -> None:
    """The pulses' share of the periodic tick (registered with ``saas.tasks``)."""
    close_due_rounds(now)
    launch_due_rounds(now)
    sample_customers(now)
