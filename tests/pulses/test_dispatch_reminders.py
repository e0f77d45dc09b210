"""Reminders: only to people who have not answered and are still active, on the round's
reminder days, at most three, never twice for the same reminder."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from saas.db import tenant_context, utcnow
from saas.extensions import db
from saas.tasks import run_tick
from tenants.people.models import Customer, Employee
from tenants.pulses.models import Invitation, Round, Suppression
from tenants.pulses.outbox import reminders
from tests.factories import make_tenant, text_of
from tests.factories.rounds import (
    customer_round,
    deliver,
    employee_round,
    full_answers,
)

PEOPLE = [
    ("answered@r.test", "en"),
    ("left@r.test", "en"),
    ("suppressed@r.test", "en"),
    ("waiting@r.test", "es"),
]


def _remind(tenant_id, when) -> int:
    with tenant_context(tenant_id):
        return reminders.send_due_reminders(when)


def test_reminders_go_only_to_active_people_who_have_not_answered(client, ctx, outbox):
    tenant = make_tenant("Remind Co")
    start = utcnow()
    made = employee_round(tenant, PEOPLE, now=start, reminder_days=(3, 5))
    deliver(tenant.id, clock=lambda: start)
    token = made.tokens["answered@r.test"]
    client.post(f"/r/{token}/submit", data=full_answers(made.round_id, tenant.id), csrf=False)
    with tenant_context(tenant.id):
        db.session.scalars(
            select(Employee).where(Employee.email == "left@r.test")
        ).one().active = False
        db.session.add(Suppression(email="suppressed@r.test", reason="unsubscribed"))
        db.session.commit()
    outbox.clear()

    assert _remind(tenant.id, start + timedelta(days=2, hours=23)) == 0
    day3 = start + timedelta(days=3, minutes=1)
    assert _remind(tenant.id, day3) == 1
    assert _remind(tenant.id, day3 + timedelta(hours=1)) == 0  # never twice
    [message] = outbox.messages()
    assert message["To"] == "waiting@r.test"
    assert message["Subject"].startswith("Recordatorio: ")
    assert "sigue abierto" in text_of(message)
    assert made.tokens["waiting@r.test"] in text_of(message)

    assert _remind(tenant.id, start + timedelta(days=5, minutes=1)) == 1
    assert _remind(tenant.id, start + timedelta(days=6)) == 0
    assert [m["To"] for m in outbox.messages()] == ["waiting@r.test"] * 2
    with tenant_context(tenant.id):
        sent = {i.email: i.reminders_sent for i in db.session.scalars(select(Invitation))}
    assert sent == {
        "answered@r.test": 0,
        "left@r.test": 0,
        "suppressed@r.test": 0,
        "waiting@r.test": 2,
    }


def test_a_missed_reminder_is_not_sent_twice_and_never_more_than_three(ctx, outbox):
    tenant = make_tenant("Late Co")
    start = utcnow()
    employee_round(tenant, 1, now=start, reminder_days=(1, 2, 3, 4))
    deliver(tenant.id, clock=lambda: start)
    outbox.clear()
    # The worker was down for two days: one reminder, counted as the latest due.
    assert _remind(tenant.id, start + timedelta(days=2, minutes=1)) == 1
    assert _remind(tenant.id, start + timedelta(days=3, minutes=1)) == 1
    assert _remind(tenant.id, start + timedelta(days=4, minutes=1)) == 0  # the fourth: never
    assert len(outbox) == 2


def test_a_closed_round_sends_no_reminder(ctx, outbox):
    tenant = make_tenant("Shut Co")
    start = utcnow()
    made = employee_round(tenant, 2, now=start)
    deliver(tenant.id, clock=lambda: start)
    with tenant_context(tenant.id):
        db.session.get(Round, made.round_id).status = "closed"
        db.session.commit()
    outbox.clear()
    assert _remind(tenant.id, start + timedelta(days=4)) == 0
    assert len(outbox) == 0


def test_customer_reminders_count_from_their_own_email_and_skip_the_unsubscribed(ctx, outbox):
    tenant = make_tenant("Shop Co")
    start = utcnow()
    made = customer_round(
        tenant, [("keen@c.test", "en", "Retail"), ("bye@c.test", "en", "SMB")], now=start
    )
    deliver(tenant.id, clock=lambda: start)
    with tenant_context(tenant.id):
        db.session.scalars(
            select(Customer).where(Customer.email == "bye@c.test")
        ).one().unsubscribed = True
        db.session.commit()
    outbox.clear()
    assert _remind(tenant.id, start + timedelta(days=2)) == 0
    assert _remind(tenant.id, start + timedelta(days=3, minutes=1)) == 1
    [message] = outbox.messages()
    assert message["To"] == "keen@c.test"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert made.round_id


def test_the_tick_sends_due_invitations_and_reminders_for_every_tenant(ctx, outbox):
    start = utcnow()
    first, second = make_tenant("One Co"), make_tenant("Two Co")
    employee_round(first, 2, now=start)
    employee_round(second, 3, now=start)
    run_tick(start)
    assert len(outbox) == 5
    run_tick(start + timedelta(minutes=1))
    assert len(outbox) == 5
    run_tick(start + timedelta(days=3, minutes=1))
    assert len(outbox) == 10
    assert all(m["Subject"].startswith("Reminder: ") for m in outbox.messages()[5:])
