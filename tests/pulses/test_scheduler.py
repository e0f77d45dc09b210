"""The tick: due rounds launch once, expired rounds close, the monthly sample is drawn once."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from saas import hooks
from saas.db import tenant_context, unscoped
from saas.extensions import db
from saas.tasks import run_tick
from tenants.pulses.models import Invitation, Program, Round
from tenants.pulses.programs import scheduler
from tenants.pulses.programs import service as programs
from tenants.pulses.rounds import launch
from tests.factories.pulses import add_customer, add_employee, at, madrid_tenant, program_of

DUE = at("2026-03-24 08:00")  # Tuesday 24 March 2026, 09:00 in Madrid (CET)


@pytest.fixture(autouse=True)
def _no_dispatch(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(launch, "enqueue_dispatch", lambda r: None)


def _biweekly_started(tenant):  # type: ignore[no-untyped-def]
    with tenant_context(tenant.id):
        program = db.session.get(Program, program_of(tenant).id)
        programs.update_employee_program(
            program, tenant, at("2026-03-18 12:00"), name="Pulse", cadence="biweekly",
            weekday=1, send_time=time(9, 0), open_days=None, questions_per_round=5,
            reminder_days=[3, 5], grace_days=14, audience_team_ids=None,
        )  # fmt: skip
        programs.start_program(program, tenant, at("2026-03-18 12:00"))
        db.session.commit()
        assert program.next_send_at == DUE
        return program.id


def _rounds(tenant) -> list[Round]:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    with tenant_context(tenant.id):
        return list(db.session.scalars(select(Round).order_by(Round.id)))


def test_the_tick_is_registered(ctx):
    assert scheduler.tick in hooks.of("tick")


def test_a_due_round_launches_once_and_the_schedule_moves_across_dst(ctx):
    tenant = madrid_tenant()
    add_employee(tenant, "ana@x.test")
    program_id = _biweekly_started(tenant)
    scheduler.tick(DUE - timedelta(minutes=1))
    assert _rounds(tenant) == []
    run_tick(DUE + timedelta(seconds=30))  # the worker's tick, every hook
    run_tick(DUE + timedelta(seconds=30))  # run twice: nothing twice
    scheduler.tick(DUE + timedelta(minutes=1))
    rounds = _rounds(tenant)
    assert len(rounds) == 1
    assert rounds[0].opens_at == DUE + timedelta(seconds=30)
    with tenant_context(tenant.id):
        program = db.session.get(Program, program_id)
        assert program.next_send_at == at("2026-04-07 07:00")  # 09:00 CEST
        invited = db.session.scalar(select(func.count(Invitation.id)))
        assert invited == 1


def test_expired_rounds_close_and_the_next_one_launches(ctx):
    tenant = madrid_tenant()
    add_employee(tenant)
    _biweekly_started(tenant)
    scheduler.tick(DUE)
    (first,) = _rounds(tenant)
    assert first.closes_at == at("2026-03-31 07:00")  # 7 local days: 09:00 CEST on 31 March
    scheduler.tick(first.closes_at - timedelta(minutes=1))
    assert _rounds(tenant)[0].status == "open"
    scheduler.tick(first.closes_at)
    scheduler.tick(first.closes_at + timedelta(minutes=1))
    (first,) = _rounds(tenant)
    assert (first.status, first.closed_at) == ("closed", at("2026-03-31 07:00"))
    scheduler.tick(at("2026-04-07 07:00"))
    rounds = _rounds(tenant)
    assert [r.number for r in rounds] == [1, 2]
    assert rounds[1].status == "open"


def test_a_paused_program_is_not_launched(ctx):
    tenant = madrid_tenant()
    add_employee(tenant)
    program_id = _biweekly_started(tenant)
    with tenant_context(tenant.id):
        program = db.session.get(Program, program_id)
        program.started = False  # paused by hand, next_send_at left behind
        db.session.commit()
    scheduler.tick(DUE + timedelta(days=1))
    assert _rounds(tenant) == []


def test_a_scheduled_send_while_a_round_is_open_is_skipped_not_doubled(ctx):
    tenant = madrid_tenant()
    add_employee(tenant)
    program_id = _biweekly_started(tenant)
    with tenant_context(tenant.id):
        launch.launch_round(db.session.get(Program, program_id), DUE - timedelta(days=1))
    scheduler.tick(DUE)
    assert len(_rounds(tenant)) == 1
    with tenant_context(tenant.id):
        assert db.session.get(Program, program_id).next_send_at == at("2026-04-07 07:00")


def test_each_tenant_is_launched_in_its_own_tenant(ctx):
    alpha, beta = madrid_tenant(), madrid_tenant(timezone="America/Mexico_City")
    add_employee(alpha, "a@x.test")
    add_employee(beta, "b@x.test")
    _biweekly_started(alpha)
    with tenant_context(beta.id):
        program = db.session.get(Program, program_of(beta).id)
        programs.start_program(program, beta, at("2026-03-18 12:00"))  # monthly, 1st Tuesday
        db.session.commit()
        beta_due = program.next_send_at
    assert beta_due == at("2026-04-07 15:00")  # 09:00 in Mexico City (UTC-6, no DST)
    scheduler.tick(beta_due)
    with unscoped():
        rows = db.session.execute(select(Invitation.tenant_id, Invitation.email)).all()
    assert sorted(rows) == sorted([(alpha.id, "a@x.test"), (beta.id, "b@x.test")])


def test_the_monthly_sample_is_drawn_on_the_first_tick_of_the_month_only(ctx):
    tenant = madrid_tenant()
    for i in range(10):
        add_customer(tenant, f"c{i}@x.test")
    with tenant_context(tenant.id):
        program = db.session.get(Program, program_of(tenant, "customer").id)
        program.sample_share = 0.3
        db.session.commit()
    scheduler.tick(at("2026-04-01 00:00"))
    assert _rounds(tenant) == []  # not started: no sample
    with tenant_context(tenant.id):
        programs.start_program(db.session.get(Program, program.id), tenant, at("2026-04-01 00:00"))
        db.session.commit()
    scheduler.tick(at("2026-04-01 00:01"))
    scheduler.tick(at("2026-04-01 00:02"))
    scheduler.tick(at("2026-04-20 00:00"))
    (april,) = _rounds(tenant)
    with tenant_context(tenant.id):
        sent = db.session.scalars(select(Invitation).where(Invitation.round_id == april.id)).all()
        assert len(sent) == 3
        assert {i.interaction_id for i in sent} == {None}
        assert april.sampled_at == at("2026-04-01 00:01")
        assert {i.next_attempt_at for i in sent} == {at("2026-04-01 00:01")}
