"""What a company whose subscription lapsed can and cannot do: it reads everything and keeps its
data, but nothing new starts (rounds, reminders, interactions); above-plan features are refused
with a clear page or a 402 on the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from saas.db import tenant_context, utcnow
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.api import service as api_service
from tenants.pulses.models import Program, Round
from tenants.pulses.outbox import reminders
from tenants.pulses.processes import service as processes
from tenants.pulses.programs import scheduler
from tenants.pulses.rounds import launch
from tests.factories import login, make_tenant, make_user
from tests.factories.billing import billing_on, on_plan
from tests.factories.pulses import add_customer, add_employee, program_of
from tests.factories.rounds import deliver, employee_round


@pytest.fixture(autouse=True)
def _no_dispatch(monkeypatch):
    monkeypatch.setattr(launch, "enqueue_dispatch", lambda r: None)


@pytest.fixture
def company(app, ctx, client, monkeypatch):
    with billing_on(app, monkeypatch):
        tenant = make_tenant("Lapsed Co")
        login(client, make_user(tenant, "owner"))
        add_employee(tenant, "ana@lapsed.test", start_date=date(2024, 1, 1))
        add_customer(tenant, "carla@lapsed.test")
        with tenant_context(tenant.id):
            customer_program = program_of(tenant, "customer")
            processes.create_process(
                name="Birthday call",
                action="Call the customer on their birthday.",
                outcome="The customer feels valued.",
                program_id=customer_program.id,
            )
            _key, secret = api_service.create_key("crm")
            db.session.commit()
        yield tenant, {"Authorization": f"Bearer {secret}"}


def rounds_of(tenant) -> int:
    with tenant_context(tenant.id):
        return db.session.scalar(select(func.count(Round.id))) or 0


def lapse(tenant, status="canceled", **fields):
    with tenant_context(tenant.id):
        on_plan(db.session.get(Tenant, tenant.id), "growth", status, **fields)


def interaction(client, headers):
    return client.post(
        "/api/v1/interactions",
        headers=headers,
        json={
            "customer_email": "carla@lapsed.test",
            "process": "Birthday call",
            "occurred_at": utcnow().isoformat(),
        },
    )


@pytest.mark.parametrize(
    ("status", "fields"),
    [
        ("canceled", {"canceled_at": utcnow()}),
        ("unpaid", {}),
        ("past_due", {"past_due_since": utcnow() - timedelta(days=8)}),
        ("trialing", {"trial_ends_at": utcnow() - timedelta(hours=1)}),
    ],
)
def test_a_read_only_company_reads_everything_but_starts_nothing(client, company, status, fields):
    tenant, headers = company
    lapse(tenant, status, **fields)
    program = program_of(tenant)
    page = client.post(
        f"/t/{tenant.slug}/pulses/programs/{program.id}/launch", follow_redirects=True
    ).get_data(as_text=True)
    assert "no new round can start" in page
    api = client.post(f"/api/v1/programs/{program.id}/rounds", headers=headers, json={})
    assert api.status_code == 402 and api.get_json()["error"]["code"] == "payment_required"
    refused = interaction(client, headers)
    assert refused.status_code == 402
    assert refused.get_json()["error"]["code"] == "payment_required"
    assert rounds_of(tenant) == 0
    home = client.get(f"/t/{tenant.slug}/")
    assert home.status_code == 200
    assert "no new rounds, reminders or interactions start" in home.get_data(as_text=True)
    people = client.get(f"/t/{tenant.slug}/people/").get_data(as_text=True)
    assert "ana@lapsed.test" in people  # the data is kept


def test_in_the_first_seven_days_past_due_everything_still_runs(client, company):
    tenant, headers = company
    lapse(tenant, "past_due", past_due_since=utcnow() - timedelta(days=6))
    program = program_of(tenant)
    client.post(f"/t/{tenant.slug}/pulses/programs/{program.id}/launch")
    assert rounds_of(tenant) == 1
    assert interaction(client, headers).status_code == 202


def test_the_tick_launches_no_scheduled_round_for_a_read_only_company(client, company):
    tenant, _headers = company
    now = utcnow()
    with tenant_context(tenant.id):
        program = db.session.get(Program, program_of(tenant).id)
        program.started, program.next_send_at = True, now - timedelta(minutes=1)
        db.session.commit()
    lapse(tenant, "unpaid")
    scheduler.launch_due_rounds(now)
    assert rounds_of(tenant) == 0
    with tenant_context(tenant.id):  # the schedule moved on to the next send
        following = db.session.get(Program, program.id).next_send_at
    assert following > now
    lapse(tenant, "active")
    scheduler.launch_due_rounds(following + timedelta(minutes=1))
    assert rounds_of(tenant) == 1


def test_reminders_stop_while_read_only_and_open_rounds_close_on_schedule(client, company):
    tenant, _headers = company
    start = utcnow()
    made = employee_round(tenant, 2, now=start, reminder_days=(3,))
    deliver(tenant.id, clock=lambda: start)
    lapse(tenant, "canceled", canceled_at=start)
    with tenant_context(tenant.id):
        assert reminders.send_due_reminders(start + timedelta(days=3, minutes=1)) == 0
    scheduler.close_due_rounds(start + timedelta(days=11))
    with tenant_context(tenant.id):
        assert db.session.get(Round, made.round_id).status == "closed"


def test_a_starter_company_gets_402_from_the_api_and_a_message_for_processes(client, company):
    tenant, headers = company
    lapse(tenant, "active")
    with tenant_context(tenant.id):
        on_plan(db.session.get(Tenant, tenant.id), "starter")
    response = client.get("/api/v1/employees", headers=headers)
    assert response.status_code == 402
    error = response.get_json()["error"]
    assert error["code"] == "plan_required" and "Growth" in error["message"]


def test_pages_above_the_plan_say_which_plans_include_them(client, company):
    tenant, _headers = company
    with tenant_context(tenant.id):
        on_plan(db.session.get(Tenant, tenant.id), "starter")
    for path, feature in (
        ("/pulses/processes", "Processes"),
        ("/pulses/interactions", "Processes"),
        ("/questions/new", "Questions of your own"),
    ):
        response = client.get(f"/t/{tenant.slug}{path}")
        page = response.get_data(as_text=True)
        assert response.status_code == 402, path
        assert f"{feature}" in page and "part of the Growth / Scale plans" in page, path
        assert f"/t/{tenant.slug}/billing" in page
    with tenant_context(tenant.id):
        on_plan(db.session.get(Tenant, tenant.id), "growth")
    assert client.get(f"/t/{tenant.slug}/pulses/processes").status_code == 200


def test_a_starter_company_cannot_open_or_start_a_customer_program(client, company):
    tenant, _headers = company
    with tenant_context(tenant.id):
        on_plan(db.session.get(Tenant, tenant.id), "starter")
        customer_program = program_of(tenant, "customer")
    base = f"/t/{tenant.slug}/pulses/programs"
    for response in (
        client.get(f"{base}/{customer_program.id}"),
        client.get(f"{base}/new?kind=customer"),
        client.post(f"{base}/{customer_program.id}/start"),
    ):
        assert response.status_code == 402
        assert "Customer pulses" in response.get_data(as_text=True)
    with tenant_context(tenant.id):
        assert not db.session.get(Program, customer_program.id).started
    assert client.get(f"{base}/{program_of(tenant, 'employee').id}").status_code == 200
