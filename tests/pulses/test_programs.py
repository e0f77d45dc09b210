"""Programs: what a new tenant starts with, editing the schedule, start/pause/launch, the API."""

from __future__ import annotations

from datetime import date, time

import time_machine
from sqlalchemy import func, select

from saas.db import tenant_context
from saas.extensions import db
from tenants.api import service as api_service
from tenants.pulses.models import Invitation, Program, Round
from tenants.pulses.programs import service as programs
from tenants.surveys import bank
from tenants.surveys.models import Question
from tests.factories import login
from tests.factories.pulses import (
    add_employee,
    at,
    madrid_tenant,
    owner_of,
    program_of,
)


def _form(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Employee pulse",
        "cadence": "biweekly",
        "weekday": "1",
        "send_time": "09:00",
        "open_days": "",
        "questions_per_round": "5",
        "grace_days": "14",
        "reminder_1": "3",
        "reminder_2": "5",
        "reminder_3": "",
    }
    values.update(overrides)
    return values


def _api_key(tenant) -> str:  # type: ignore[no-untyped-def]
    with tenant_context(tenant.id):
        _key, secret = api_service.create_key("tests")
        db.session.commit()
    return secret


def test_a_new_tenant_starts_with_both_programs_not_started_and_the_bank(ctx):
    tenant = madrid_tenant()
    with tenant_context(tenant.id):
        rows = db.session.scalars(select(Program).order_by(Program.kind)).all()
        assert [(p.kind, p.started, p.next_send_at) for p in rows] == [
            ("customer", False, None),
            ("employee", False, None),
        ]
        customer, employee = rows
        assert (employee.cadence, employee.questions_per_round, employee.open_days) == (
            "monthly",
            8,  # five anchors and three rotating items
            10,
        )
        assert (employee.reminder_days, employee.grace_days) == ([3, 5], 14)
        assert (customer.delay_days, customer.cooldown_days) == (1, 30)
        questions = db.session.scalars(select(Question)).all()
        expected = (
            len(bank.employee_bank()) + len(bank.customer_bank()) + len(bank.PURPOSE_MAP_FIELDS)
        )
        assert len(questions) == expected
        purpose_map = {q.key: q.scale for q in questions if q.purpose_map}
        assert purpose_map["pm_achievement"] == "achievement"
        assert purpose_map["pm_responsibility"] == "text"
        assert all(q.builtin and q.text_es for q in questions)


def test_a_spanish_tenant_gets_spanish_program_names(ctx):
    tenant = madrid_tenant(locale="es")
    with tenant_context(tenant.id):
        names = set(db.session.scalars(select(Program.name)))
    assert names == {"Pulso de las personas", "Pulso de clientes"}


def test_biweekly_tuesday_9_in_madrid_shows_the_right_next_send_across_dst(client, ctx):
    tenant = madrid_tenant()
    owner = owner_of(tenant)
    program = program_of(tenant)
    page = f"/t/{tenant.slug}/pulses/programs/{program.id}"
    # Wednesday 18 March 2026, 13:00 in Madrid (CET, UTC+1). Summer time starts on 29 March.
    with time_machine.travel(at("2026-03-18 12:00"), tick=False):
        login(client, owner)  # signed at the travelled time
        response = client.post(page, data=_form())
        assert response.status_code == 302
        shown = client.get(page).get_data(as_text=True)
        assert "Started now, the first pulse would go out Tuesday, March 24, 2026 at 09:00" in shown
        assert client.post(page + "/start").status_code == 302
    db.session.expire_all()
    with tenant_context(tenant.id):
        program = db.session.get(Program, program.id)
        assert program.started
        assert program.next_send_at == at("2026-03-24 08:00")  # 09:00 CET
        assert programs.upcoming(program, "Europe/Madrid", at("2026-03-18 12:00")) == [
            at("2026-03-24 08:00"),
            at("2026-04-07 07:00"),  # 09:00 CEST: the clocks moved on 29 March
            at("2026-04-21 07:00"),
        ]
    with time_machine.travel(at("2026-03-18 12:05"), tick=False):
        shown = client.get(page).get_data(as_text=True)
    assert "Next pulse" in shown and "Tuesday, March 24, 2026 at 09:00" in shown
    assert "Apr 7, 2026 09:00" in shown  # the send after it, still 09:00 on the local clock


def test_the_biweekly_rhythm_survives_the_autumn_change_and_the_year_end(ctx):
    tenant = madrid_tenant()
    program = program_of(tenant)
    with tenant_context(tenant.id):
        program = db.session.get(Program, program.id)
        programs.update_employee_program(
            program,
            tenant,
            at("2026-03-18 12:00"),
            name="Pulse",
            cadence="biweekly",
            weekday=1,
            send_time=time(9, 0),
            open_days=None,
            questions_per_round=5,
            reminder_days=[3, 5],
            grace_days=14,
            audience_team_ids=None,
        )
        assert program.anchor_date == date(2026, 3, 24)
        assert program.open_days == 7  # the biweekly default
        tz = "Europe/Madrid"
        assert programs.upcoming(program, tz, at("2026-10-14 00:00"), 2) == [
            at("2026-10-20 07:00"),  # CEST
            at("2026-11-03 08:00"),  # CET since 25 October
        ]
        assert programs.upcoming(program, tz, at("2026-12-20 00:00"), 2) == [
            at("2026-12-29 08:00"),
            at("2027-01-12 08:00"),
        ]


def test_bad_settings_re_render_the_form_with_messages(client, ctx):
    tenant = madrid_tenant()
    login(client, owner_of(tenant))
    program = program_of(tenant)
    page = f"/t/{tenant.slug}/pulses/programs/{program.id}"
    response = client.post(
        page, data=_form(cadence="weekly", open_days="9", reminder_1="2", reminder_2="2")
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Please correct the highlighted fields." in text
    assert "at most 6 days for this cadence" in text
    assert "Two reminders on the same day" in text
    response = client.post(page, data=_form(send_time="", questions_per_round="0"))
    assert response.status_code == 400
    assert "Say at what time, like 09:00." in response.get_data(as_text=True)
    # A wrong time says what is wrong, once, and not that the field is empty.
    text = client.post(page, data=_form(send_time="25:99")).get_data(as_text=True)
    assert text.count("“25:99” is not a time: use hours 00–23 and minutes 00–59") == 1
    assert "This field is required" not in text
    # One limit on a field, not two that disagree ("at most 6" and "at most 89").
    text = client.post(page, data=_form(cadence="weekly", open_days="120")).get_data(as_text=True)
    assert "at most 6 days for this cadence" in text and "between 1 and 89" not in text
    response = client.post(page, data=_form(open_days="5", reminder_1="6"))
    assert "The round closes after 5 days: remind before that." in response.get_data(as_text=True)
    db.session.expire_all()
    with tenant_context(tenant.id):
        assert db.session.get(Program, program.id).cadence == "monthly"  # nothing saved


def test_an_open_days_left_at_the_old_default_follows_the_new_cadence(client, ctx):
    tenant = madrid_tenant()
    login(client, owner_of(tenant))
    program = program_of(tenant)
    page = f"/t/{tenant.slug}/pulses/programs/{program.id}"
    response = client.post(
        page, data=_form(cadence="weekly", open_days="10", reminder_1="2", reminder_2="3")
    )
    assert response.status_code == 302
    db.session.expire_all()
    with tenant_context(tenant.id):
        assert db.session.get(Program, program.id).open_days == 4


def test_audience_teams_are_saved_and_foreign_programs_are_404(client, ctx):
    from tests.factories.pulses import add_team

    tenant = madrid_tenant()
    other = madrid_tenant()
    login(client, owner_of(tenant))
    sales = add_team(tenant, "Sales")
    program = program_of(tenant)
    page = f"/t/{tenant.slug}/pulses/programs/{program.id}"
    assert client.post(page, data=_form(teams=[str(sales.id)])).status_code == 302
    db.session.expire_all()
    with tenant_context(tenant.id):
        assert db.session.get(Program, program.id).audience_team_ids == [sales.id]
    foreign = program_of(other)
    assert client.get(f"/t/{tenant.slug}/pulses/programs/{foreign.id}").status_code == 404
    assert client.post(f"/t/{tenant.slug}/pulses/programs/{foreign.id}/launch").status_code == 404


def test_start_pause_and_launch_a_round_now_from_the_pages(client, ctx):
    tenant = madrid_tenant()
    login(client, owner_of(tenant))
    add_employee(tenant, "ana@example.test", start_date=date(2024, 1, 1))
    program = program_of(tenant)
    base = f"/t/{tenant.slug}/pulses/programs/{program.id}"
    listing = client.get(f"/t/{tenant.slug}/pulses").get_data(as_text=True)
    assert "Employee pulse" in listing and "Customer pulse" in listing
    assert "Paused" in listing
    response = client.post(base + "/start", follow_redirects=True)
    assert "Started. The first pulse goes out" in response.get_data(as_text=True)
    add_employee(tenant, "bo@example.test", start_date=date(2024, 1, 1))
    page = client.get(base).get_data(as_text=True)
    assert f'href="{base}/launch"' in page and f'action="{base}/launch"' not in page
    confirm = client.get(base + "/launch").get_data(as_text=True)
    assert "This emails 2 people now." in confirm and "Yes, email 2 people now" in confirm
    db.session.expire_all()
    with tenant_context(tenant.id):  # asking sent nothing
        assert db.session.scalar(select(Round).where(Round.program_id == program.id)) is None
    response = client.post(base + "/launch", follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    with tenant_context(tenant.id):
        round_ = db.session.scalar(select(Round).where(Round.program_id == program.id))
        assert round_ is not None and round_.status == "open"
        invited = db.session.scalars(select(Invitation.email)).all()
        assert sorted(invited) == ["ana@example.test", "bo@example.test"]
    again = client.post(base + "/launch", follow_redirects=True).get_data(as_text=True)
    assert "is still open: close it before launching another" in again
    client.post(base + "/pause")
    db.session.expire_all()
    with tenant_context(tenant.id):
        program = db.session.get(Program, program.id)
        assert not program.started and program.next_send_at is None
        assert db.session.scalar(select(func.count(Round.id))) == 1


def test_a_new_program_can_be_added(client, ctx):
    tenant = madrid_tenant()
    login(client, owner_of(tenant))
    assert client.get(f"/t/{tenant.slug}/pulses/programs/new?kind=customer").status_code == 200
    response = client.post(
        f"/t/{tenant.slug}/pulses/programs/new?kind=customer",
        data={
            "name": "VIP pulse",
            "delay_days": "2",
            "cooldown_days": "60",
            "sample_percent": "0",
            "open_days": "7",
            "questions_per_round": "3",
            "reminder_1": "3",
        },
    )
    assert response.status_code == 302
    bad = client.post(f"/t/{tenant.slug}/pulses/programs/new?kind=employee", data=_form(name=""))
    assert bad.status_code == 400
    db.session.expire_all()
    with tenant_context(tenant.id):
        vip = db.session.scalar(select(Program).where(Program.name == "VIP pulse"))
        assert (vip.kind, vip.delay_days, vip.cooldown_days, vip.sample_share) == (
            "customer",
            2,
            60,
            0.0,
        )
        assert db.session.scalar(select(func.count(Program.id))) == 3


def test_the_programs_api_lists_and_launches(client, ctx):
    tenant = madrid_tenant()
    add_employee(tenant, "ana@example.test")
    headers = {"Authorization": f"Bearer {_api_key(tenant)}"}
    employee, customer = program_of(tenant), program_of(tenant, "customer")
    with time_machine.travel(at("2026-03-18 12:00"), tick=False):
        with tenant_context(tenant.id):
            program = db.session.get(Program, employee.id)
            programs.update_employee_program(
                program, tenant, at("2026-03-18 12:00"), name="Pulse", cadence="biweekly",
                weekday=1, send_time=time(9, 0), open_days=None, questions_per_round=5,
                reminder_days=[3], grace_days=14, audience_team_ids=None,
            )  # fmt: skip
            programs.start_program(program, tenant, at("2026-03-18 12:00"))
            db.session.commit()
        listing = client.get("/api/v1/programs", headers=headers).get_json()
        by_kind = {p["kind"]: p for p in listing["programs"]}
        assert by_kind["employee"]["next_send_at"] == "2026-03-24T08:00:00Z"
        assert by_kind["employee"]["send_time"] == "09:00"
        assert by_kind["employee"]["timezone"] == "Europe/Madrid"
        assert by_kind["customer"]["cooldown_days"] == 30

        launched = client.post(f"/api/v1/programs/{employee.id}/rounds", headers=headers, json={})
        assert launched.status_code == 201, launched.get_json()
        body = launched.get_json()["round"]
        assert (body["status"], body["period"], body["month"], body["invited"]) == (
            "open",
            "2026-Q1",
            "2026-03",
            1,
        )
        assert body["threshold"] == 5 and len(body["questions"]) >= 10
        again = client.post(f"/api/v1/programs/{employee.id}/rounds", headers=headers, json={})
        assert again.status_code == 409
        assert again.get_json()["error"]["code"] == "round_open"
        rolling = client.post(f"/api/v1/programs/{customer.id}/rounds", headers=headers, json={})
        assert rolling.status_code == 409
        missing = client.post("/api/v1/programs/999999/rounds", headers=headers, json={})
        assert missing.status_code == 404
        assert missing.get_json()["error"]["code"] == "not_found"
        bad = client.post(
            f"/api/v1/programs/{employee.id}/rounds", headers=headers, json={"teams": [1]}
        )
        assert bad.status_code == 422
        assert bad.get_json()["error"]["code"] == "validation_failed"


def test_launching_with_nobody_to_invite_is_a_clear_422(client, ctx):
    tenant = madrid_tenant()
    headers = {"Authorization": f"Bearer {_api_key(tenant)}"}
    employee = program_of(tenant)
    response = client.post(f"/api/v1/programs/{employee.id}/rounds", headers=headers, json={})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "no_audience" and "Nobody to invite" in error["message"]


def test_the_openapi_document_declares_the_pulse_endpoints(client, ctx):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/programs"]
    assert paths["/programs/{program_id}/rounds"]["post"]["responses"]["201"]
    interactions = paths["/interactions"]["post"]
    assert "202" in interactions["responses"]
    schema = interactions["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) == {"customer_email", "process", "occurred_at"}
