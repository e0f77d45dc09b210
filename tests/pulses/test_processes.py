"""Processes and interactions: the pages, the API, idempotency, cooldown and clear errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from saas.db import tenant_context
from saas.extensions import db
from tenants.api import service as api_service
from tenants.pulses.models import Interaction, Invitation, Process, Program, Round, Suppression
from tenants.pulses.processes import service as processes
from tenants.pulses.rounds import launch
from tests.factories import login
from tests.factories.pulses import (
    add_customer,
    add_team,
    at,
    madrid_tenant,
    owner_of,
    program_of,
)

NOW = at("2026-05-04 10:00")  # Monday 4 May 2026, 12:00 in Madrid


@pytest.fixture(autouse=True)
def _no_dispatch(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(launch, "enqueue_dispatch", lambda r: None)


@pytest.fixture
def shop(ctx):  # type: ignore[no-untyped-def]
    """A tenant with a started customer program, a "Birthday call" process and an API key."""
    tenant = madrid_tenant()
    customer_program = program_of(tenant, "customer")
    with tenant_context(tenant.id):
        program = db.session.get(Program, customer_program.id)
        program.started = True
        process = processes.create_process(
            name="Birthday call",
            action="Call the customer on their birthday.",
            outcome="The customer feels valued.",
            program_id=program.id,
        )
        _key, secret = api_service.create_key("crm")
        db.session.commit()
        process_id = process.id
    add_customer(tenant, "carla@x.test", locale="es")
    return tenant, process_id, {"Authorization": f"Bearer {secret}"}


def _post(client, headers, **body):  # type: ignore[no-untyped-def]
    payload = {"customer_email": "carla@x.test", "process": "Birthday call"}
    payload.update(body)
    return client.post("/api/v1/interactions", headers=headers, json=payload)


def test_an_interaction_schedules_a_pulse_a_day_later(client, shop):
    tenant, _process_id, headers = shop
    with time_machine.travel(NOW, tick=False):
        response = _post(client, headers, occurred_at="2026-05-04T11:30:00+02:00")
    assert response.status_code == 202
    body = response.get_json()
    assert body["pulse"] == {"scheduled_for": "2026-05-05T09:30:00Z"}
    with tenant_context(tenant.id):
        invitation = db.session.scalar(select(Invitation))
        round_ = db.session.get(Round, invitation.round_id)
        assert invitation.interaction_id == body["interaction_id"]
        assert invitation.next_attempt_at == at("2026-05-05 09:30")
        assert (invitation.email, invitation.locale, invitation.status) == (
            "carla@x.test",
            "es",
            "queued",
        )
        assert invitation.token_hash
        assert (round_.kind, round_.month, round_.period) == ("customer", "2026-05", "2026-Q2")


def test_a_retried_call_with_the_same_external_id_logs_nothing_twice(client, shop):
    tenant, process_id, headers = shop
    with time_machine.travel(NOW, tick=False):
        first = _post(client, headers, occurred_at="2026-05-04T10:00:00Z", external_id="crm-1")
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        again = _post(client, headers, occurred_at="2026-05-04T10:00:00Z", external_id="crm-1")
        by_id = _post(client, headers, occurred_at="2026-05-04T10:00:00Z", external_id="crm-1",
                      process=process_id)  # fmt: skip
        clash = _post(client, headers, occurred_at="2026-05-04T10:00:00Z", external_id="crm-1",
                      process="Other")  # fmt: skip
    assert (first.status_code, again.status_code, by_id.status_code) == (202, 202, 202)
    assert again.get_json() == first.get_json() == by_id.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert clash.status_code == 422  # an unknown process is checked first
    with tenant_context(tenant.id):
        assert db.session.scalar(select(func.count(Interaction.id))) == 1
        assert db.session.scalar(select(func.count(Invitation.id))) == 1
        other = processes.create_process(name="Other", action="a", outcome="b")
        db.session.commit()
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        clash = _post(client, headers, occurred_at="2026-05-04T10:00:00Z", external_id="crm-1",
                      process=other.id)  # fmt: skip
    assert clash.status_code == 409
    assert clash.get_json()["error"]["code"] == "external_id_conflict"


def test_the_cooldown_says_when_the_customer_was_last_surveyed(client, shop):
    tenant, _process_id, headers = shop
    with time_machine.travel(NOW, tick=False):
        _post(client, headers, occurred_at="2026-05-04T09:00:00Z")  # pulse on 5 May, 09:00 UTC
    with time_machine.travel(at("2026-05-17 10:00"), tick=False):
        response = _post(client, headers, occurred_at="2026-05-17T09:00:00Z")
        soon = _post(client, headers, occurred_at="2026-05-17T09:00:00Z", external_id="x")
    assert response.status_code == 202
    body = response.get_json()
    assert body["pulse"] is None
    assert body["reason"] == "customer was surveyed 12 days ago (cooldown 30 days)"
    assert body["reason_code"] == "cooldown"
    assert soon.get_json()["pulse"] is None
    with time_machine.travel(at("2026-06-04 10:00"), tick=False):  # 30 days after the pulse
        later = _post(client, headers, occurred_at="2026-06-04T09:00:00Z")
    assert later.get_json()["pulse"] == {"scheduled_for": "2026-06-05T09:00:00Z"}
    with tenant_context(tenant.id):
        months = db.session.scalars(select(Round.month).order_by(Round.id)).all()
        assert months == ["2026-05", "2026-06"]
        stored = db.session.scalars(select(Interaction.outcome).order_by(Interaction.id)).all()
        assert stored[1] == {"reason": body["reason"], "code": "cooldown"}


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"unsubscribed": True}, "unsubscribed", "unsubscribed"),
        ({"consent": False}, "no_consent", "not consented"),
        ({"active": False}, "customer_inactive", "inactive"),
        ({"suppressed": True}, "suppressed", "suppression list"),
        ({"paused": True}, "program_paused", "is paused"),
    ],
)
def test_customers_who_may_not_be_surveyed_get_no_pulse(client, shop, change, code, words):
    tenant, process_id, headers = shop
    with tenant_context(tenant.id):
        customer = processes.find_customer("carla@x.test")
        if change.pop("suppressed", False):
            db.session.add(Suppression(email="carla@x.test", reason="unsubscribed"))
        if change.pop("paused", False):
            db.session.get(Program, db.session.get(Process, process_id).program_id).started = False
        for name, value in change.items():
            setattr(customer, name, value)
        db.session.commit()
    with time_machine.travel(NOW, tick=False):
        body = _post(client, headers, occurred_at="2026-05-04T09:00:00Z").get_json()
    assert body["pulse"] is None and body["reason_code"] == code and words in body["reason"]
    with tenant_context(tenant.id):
        assert db.session.scalar(select(func.count(Interaction.id))) == 1  # still logged
        assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_bad_input_answers_a_clear_4xx(client, shop):
    _tenant, _process_id, headers = shop
    with time_machine.travel(NOW, tick=False):
        unknown = _post(client, headers, customer_email="nobody@x.test", occurred_at="2026-05-04")
        process = _post(client, headers, process="Nope", occurred_at="2026-05-04T10:00:00Z")
        when = _post(client, headers, occurred_at="yesterday at noon")
        future = _post(client, headers, occurred_at="2026-05-09T10:00:00Z")
        missing = client.post("/api/v1/interactions", headers=headers, json={"process": 1})
        not_json = client.post("/api/v1/interactions", headers=headers, data="hello")
        no_key = client.post("/api/v1/interactions", json={})
    assert unknown.status_code == 422
    error = unknown.get_json()["error"]
    assert error["code"] == "unknown_customer"
    assert error["message"] == "No customer with the email nobody@x.test: add the customer first."
    assert (process.status_code, process.get_json()["error"]["code"]) == (422, "unknown_process")
    assert (when.status_code, when.get_json()["error"]["code"]) == (422, "invalid_occurred_at")
    assert (future.status_code, future.get_json()["error"]["code"]) == (
        422,
        "occurred_at_in_future",
    )
    assert missing.status_code == 422
    paths = {d["path"] for d in missing.get_json()["error"]["details"]}
    assert paths == {"/"}  # the missing required fields are reported at the root
    assert not_json.status_code == 400
    assert no_key.status_code == 401


def test_a_time_without_an_offset_is_read_on_the_tenants_clock(client, shop):
    _tenant, _process_id, headers = shop
    with time_machine.travel(NOW, tick=False):
        body = _post(client, headers, occurred_at="2026-05-04T11:00:00").get_json()
    assert body["pulse"] == {"scheduled_for": "2026-05-05T09:00:00Z"}  # 11:00 CEST + 1 day


def test_processes_are_added_and_edited_in_the_pages(client, shop):
    tenant, process_id, _headers = shop
    login(client, owner_of(tenant))
    team = add_team(tenant, "Customer care")
    base = f"/t/{tenant.slug}/pulses/processes"
    page = client.get(base).get_data(as_text=True)
    assert "Birthday call" in page and "Customer pulse" in page
    response = client.post(
        base,
        data={
            "name": "Welcome pack",
            "action": "Send a welcome pack.",
            "outcome": "The customer feels expected.",
            "team_id": str(team.id),
            "program_id": str(program_of(tenant, "customer").id),
        },
    )
    assert response.status_code == 302
    duplicate = client.post(
        base, data={"name": "birthday CALL", "action": "x", "outcome": "y", "team_id": "0",
                    "program_id": "0"},
    )  # fmt: skip
    assert duplicate.status_code == 400
    assert "There is already a process called" in duplicate.get_data(as_text=True)
    empty = client.post(base, data={"name": "", "action": "", "outcome": "", "team_id": "0",
                                    "program_id": "0"})  # fmt: skip
    assert empty.status_code == 400
    edit = client.post(
        f"{base}/{process_id}",
        data={"name": "Birthday call", "action": "Call on the birthday.", "outcome": "Valued.",
              "team_id": str(team.id), "program_id": "0"},
    )  # fmt: skip
    assert edit.status_code == 302
    db.session.expire_all()
    with tenant_context(tenant.id):
        welcome = db.session.scalar(select(Process).where(Process.name == "Welcome pack"))
        assert welcome.team_id == team.id and welcome.program_id is not None
        birthday = db.session.get(Process, process_id)
        assert (birthday.action, birthday.program_id, birthday.active) == (
            "Call on the birthday.",
            None,
            False,  # the box was not ticked
        )
    detail = client.get(f"{base}/{process_id}").get_data(as_text=True)
    assert "No customer program measures this process" in detail


def test_an_interaction_is_logged_in_the_page(client, shop):
    tenant, process_id, _headers = shop
    owner = owner_of(tenant)
    page = f"/t/{tenant.slug}/pulses/interactions"
    with time_machine.travel(NOW, tick=False):
        login(client, owner)
        assert "Log an interaction" in client.get(page).get_data(as_text=True)
        response = client.post(
            page,
            data={"customer_email": "carla@x.test", "process_id": str(process_id),
                  "occurred_at": "2026-05-04T11:30"},
            follow_redirects=True,
        )  # fmt: skip
        text = response.get_data(as_text=True)
        assert "Logged. carla@x.test gets a pulse Tuesday, May 5, 2026 at 11:30." in text
        assert "Pulse May 5, 2026 11:30" in text  # the list, on the tenant's clock
        unknown = client.post(
            page,
            data={"customer_email": "ghost@x.test", "process_id": str(process_id),
                  "occurred_at": "2026-05-04T11:30"},
        )  # fmt: skip
        assert unknown.status_code == 400
        assert "No customer has this email" in unknown.get_data(as_text=True)
        again = client.post(
            page,
            data={"customer_email": "carla@x.test", "process_id": str(process_id),
                  "occurred_at": "2026-05-04T12:00"},
            follow_redirects=True,
        )  # fmt: skip
        assert "already has a pulse scheduled" in again.get_data(as_text=True)


def test_foreign_processes_are_404(client, shop, ctx):
    tenant, _process_id, _headers = shop
    other = madrid_tenant()
    with tenant_context(other.id):
        foreign = processes.create_process(name="Theirs", action="a", outcome="b")
        db.session.commit()
        foreign_id = foreign.id
    login(client, owner_of(tenant))
    assert client.get(f"/t/{tenant.slug}/pulses/processes/{foreign_id}").status_code == 404
    with tenant_context(tenant.id):
        assert processes.find_process(foreign_id) is None
        assert processes.find_process("Theirs") is None
