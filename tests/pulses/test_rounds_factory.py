"""Factories for the invitation and respondent tests: rounds launched through ``launch.py``, a
real SMTP server on loopback (aiosmtpd), and a real committed database (a fresh SQLite file,
and PostgreSQL when it answers) for the tests that need several sessions at once.

Other test modules import what they need from here (fixtures included).
"""

from __future__ import annotations

import asyncio
import email
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from saas import create_app
from saas.db import tenant_context, utcnow
from saas.extensions import db
from tenants.people.models import Customer, Employee, Team
from tenants.pulses import dispatch, launch
from tenants.pulses.models import Interaction, Invitation, Process, Program, Round
from tenants.pulses.submit import survey_items
from tenants.pulses.tokens import token_for
from tests.conftest import FormClient, make_settings, reset_schema

# -- rounds -----------------------------------------------------------------------------------


@contextmanager
def held_dispatch() -> Iterator[None]:
    """Launch without sending: the dispatcher is not called (tests run it themselves)."""
    with mock.patch.object(dispatch, "enqueue_round", lambda round_: None):
        yield


@dataclass
class Made:
    round_id: int
    tenant_id: int
    tokens: dict[str, str]  # email -> token
    invitation_ids: dict[str, int]  # email -> invitation id


def employee_round(
    tenant: Any,
    people: list[tuple[str, str]] | int = 3,
    *,
    now: datetime | None = None,
    send: bool = False,
    reminder_days: tuple[int, ...] = (3, 5),
    team_name: str = "Support",
    change_note: str | None = None,
) -> Made:
    """Employees (``(email, locale)`` pairs, or how many) and a round launched for them."""
    now = now or utcnow()
    if isinstance(people, int):
        people = [(f"person{i}@{tenant.slug}.test", "en") for i in range(people)]
    with tenant_context(tenant.id):
        team = db.session.query(Team).filter_by(name=team_name).one_or_none()
        if team is None:
            team = Team(name=team_name)
            db.session.add(team)
            db.session.flush()
        existing = {e.email for e in db.session.query(Employee)}
        for address, locale in people:
            if address not in existing:
                db.session.add(
                    Employee(
                        email=address, name=address.split("@")[0], locale=locale, team_id=team.id
                    )
                )
        program = db.session.query(Program).filter_by(kind="employee").first()
        if program is None:  # (new tenants usually start with one)
            program = Program(kind="employee", name="Team pulse")
            db.session.add(program)
        program.open_days, program.reminder_days = 10, list(reminder_days)
        db.session.commit()
        if send:
            round_ = launch.launch_round(program, now)
        else:
            with held_dispatch():
                round_ = launch.launch_round(program, now)
        if change_note is not None:
            round_.change_note = change_note
            db.session.commit()
        return _made(round_)


def customer_round(
    tenant: Any,
    people: list[tuple[str, str, str]] | int = 2,
    *,
    now: datetime | None = None,
) -> Made:
    """Customers (``(email, locale, segment)``), one interaction each, and their invitations."""
    now = now or utcnow()
    if isinstance(people, int):
        people = [(f"client{i}@{tenant.slug}.test", "en", "Retail") for i in range(people)]
    with tenant_context(tenant.id):
        program = Program(kind="customer", name="Customer pulse", started=True, reminder_days=[3])
        db.session.add(program)
        db.session.flush()
        process = Process(
            name=f"Welcome call {uuid.uuid4().hex[:6]}",
            action="Call them",
            outcome="They feel welcome",
            program_id=program.id,
        )
        db.session.add(process)
        db.session.flush()
        round_ = launch.customer_round_for(program, now)
        invitations = []
        for address, locale, segment in people:
            customer = Customer(
                email=address, name=address.split("@")[0], locale=locale, segment=segment
            )
            db.session.add(customer)
            db.session.flush()
            interaction = Interaction(
                process_id=process.id, customer_id=customer.id, occurred_at=now
            )
            db.session.add(interaction)
            db.session.flush()
            invitations.append(
                launch.customer_invitation(
                    round_, customer, send_at=now, interaction_id=interaction.id
                )
            )
        launch.set_invitation_tokens(invitations)
        db.session.commit()
        return _made(round_)


def _made(round_: Round) -> Made:
    rows = db.session.query(Invitation.id, Invitation.email).filter_by(round_id=round_.id).all()
    return Made(
        round_id=round_.id,
        tenant_id=round_.tenant_id,
        tokens={address: token_for(invitation_id) for invitation_id, address in rows},
        invitation_ids={address: invitation_id for invitation_id, address in rows},
    )


def full_answers(round_id: int, tenant_id: int, lang: str = "en") -> dict[str, str]:
    """A complete, valid form for the round: the middle of every scale, words in every box."""
    with tenant_context(tenant_id):
        round_ = db.session.get(Round, round_id)
        survey = survey_items(round_, lang)
    form = {}
    for item in survey.all_items:
        if item.is_choice:
            form[item.name] = item.options[len(item.options) // 2].value
        else:
            form[item.name] = f"words for {item.name}"
    return form


def deliver(tenant_id: int, **kwargs: Any) -> dispatch.DispatchReport:
    with tenant_context(tenant_id):
        return dispatch.deliver_due(**kwargs)


# -- a real SMTP server on loopback -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """Accepts everything except the addresses given a reply code in ``codes``."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []
        self.codes: dict[str, str] = {}
        self.delay = 0.0
        self.lock = threading.Lock()
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.codes.get(address.lower())
        if code:
            return code
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((rcpt, envelope.content))
        return "250 Message accepted for delivery"

    def messages(self, address: str | None = None) -> list[EmailMessage]:
        with self.lock:
            items = list(self.received)
        return [
            email.message_from_bytes(data, policy=policy.default)  # type: ignore[misc]
            for rcpt, data in items
            if address is None or rcpt == address
        ]

    def count_by_recipient(self) -> dict[str, int]:
        with self.lock:
            counts: dict[str, int] = {}
            for rcpt, _data in self.received:
                counts[rcpt] = counts.get(rcpt, 0) + 1
        return counts


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def smtp_settings(app: Flask, sink: SmtpSink):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(app.config["SETTINGS"], smtp_host="127.0.0.1", smtp_port=sink.port)


# -- a real, committed database ---------------------------------------------------------------


def postgres_server() -> str | None:
    """The PostgreSQL server to create throw-away databases on, if one answers."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.rsplit("/", 1)[0]
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return None
    return "postgresql://postgres@127.0.0.1:5432"


@contextmanager
def live_database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        path = folder / f"live-{uuid.uuid4().hex[:8]}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    server = postgres_server()
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not reachable")
        pytest.skip("PostgreSQL is not reachable")
    import psycopg

    name = f"op_live_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def live_app(
    request: pytest.FixtureRequest, tmp_path: Path, smtp_sink: SmtpSink
) -> Iterator[Flask]:
    """An app on its own database whose commits are real (several sessions see each other)."""
    with live_database(request.param, tmp_path) as url:
        settings = make_settings(
            url, instance=tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_sink.port)
        )
        application = create_app(
            {
                "SETTINGS": settings,
                "TESTING": True,
                "SQLALCHEMY_ENGINE_OPTIONS": {
                    "pool_pre_ping": True,
                    "pool_size": 20,
                    "max_overflow": 5,
                    "pool_timeout": 60,
                },
            }
        )
        application.test_client_class = FormClient
        reset_schema(application)
        application.smtp_sink = smtp_sink  # type: ignore[attr-defined]
        try:
            yield application
        finally:
            with application.app_context():
                db.session.remove()
                db.engine.dispose()


def live_tenant(name: str = "Acme") -> Any:
    """A committed tenant, as plain values (usable in any session or thread)."""
    from types import SimpleNamespace

    from tests.helpers import make_tenant

    tenant = make_tenant(name, contact_email="people@acme.test")
    return SimpleNamespace(id=tenant.id, slug=tenant.slug, name=tenant.name)


# -- the factory itself ------------------------------------------------------------------------


def test_a_launched_round_has_one_token_per_person_and_a_complete_form(ctx):
    from tests.helpers import make_tenant

    tenant = make_tenant("Factory Co")
    made = employee_round(tenant, [("a@f.test", "en"), ("b@f.test", "es")])
    assert set(made.tokens) == {"a@f.test", "b@f.test"}
    assert len(set(made.tokens.values())) == 2
    form = full_answers(made.round_id, made.tenant_id)
    assert form and all(form.values())
    now = utcnow()
    customers = customer_round(make_tenant("Client Co"), 2, now=now + timedelta(seconds=1))
    assert len(customers.tokens) == 2
