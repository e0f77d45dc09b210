"""Rounds for the invitation and respondent tests: launched through the real launch code
(``employee_round``, ``customer_round``), with their tokens, a complete answer form, and
delivery by the real dispatcher."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from unittest import mock

from saas.db import tenant_context, utcnow
from saas.extensions import db
from tenants.people.models import Customer, Employee, Team
from tenants.pulses.models import Interaction, Invitation, Process, Program, Round
from tenants.pulses.outbox import delivery, tasks
from tenants.pulses.outbox.tokens import token_for
from tenants.pulses.respondent.submit import survey_items
from tenants.pulses.rounds import customers, launch

# -- rounds -----------------------------------------------------------------------------------


@contextmanager
def held_dispatch() -> Iterator[None]:
    """Launch without sending: the dispatcher is not called (tests run it themselves)."""
    with mock.patch.object(tasks, "enqueue_round", lambda round_: None):
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
        round_ = customers.customer_round_for(program, now)
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
                customers.customer_invitation(
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


def deliver(tenant_id: int, **kwargs: Any) -> delivery.DispatchReport:
    with tenant_context(tenant_id):
        return delivery.deliver_due(**kwargs)
