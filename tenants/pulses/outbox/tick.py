"""The outbox's periodic tick: deliver every tenant's due invitations (customer invitations
whose delay has passed, retries, reclaims), then send the reminders that are due."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from saas.db import utcnow
from tenants.pulses.outbox.claims import Clock
from tenants.pulses.outbox.delivery import DispatchReport, deliver_due
from tenants.pulses.outbox.reminders import send_due_reminders
from tenants.pulses.outbox.work import (
    tenant_work,
    tenants_with_due_invitations,
    tenants_with_open_rounds,
)
from tenants.pulses.respondent.submit import blur_answer_order

log = logging.getLogger("outcome_pulse.dispatch")

TICK_BUDGET = timedelta(seconds=40)  # per tick, shared by every tenant


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


def dispatch_tick(now: datetime) -> None:
    """Every minute: deliver what is due; then, per tenant with open rounds, send the reminders
    that are due and blur the order of answers (``respondent.submit.blur_answer_order``)."""
    sweep(now)
    for tenant_id in tenants_with_open_rounds(now):
        try:
            with tenant_work(tenant_id) as tenant:
                if tenant is not None:
                    send_due_reminders(now)
                    blur_answer_order(now)
        except Exception:
            log.exception("reminders failed for tenant %s", tenant_id)
