"""Pulses factories: tenants in Madrid, teams, employees, customers and programs for the
programs, launch, scheduler and processes tests.

People are made straight from the models so these tests do not depend on the imports area.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy import select

from saas.db import tenant_context
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.people.models import Customer, Employee, Team
from tenants.pulses.models import Program
from tests.factories.accounts import make_tenant, make_user

_n = itertools.count(1)


def at(text: str) -> datetime:
    """An aware UTC datetime from ``2026-03-24 08:00``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def madrid_tenant(**kwargs: object) -> Tenant:
    kwargs.setdefault("timezone", "Europe/Madrid")
    kwargs.setdefault("country", "ES")
    return make_tenant(**kwargs)  # type: ignore[arg-type]


def owner_of(tenant: Tenant):  # type: ignore[no-untyped-def]
    return make_user(tenant, "owner")


def add_team(tenant: Tenant, name: str, parent: Team | None = None) -> Team:
    with tenant_context(tenant.id):
        team = Team(name=name, parent_id=parent.id if parent else None)
        db.session.add(team)
        db.session.commit()
        return team


def add_employee(
    tenant: Tenant,
    email: str | None = None,
    *,
    team: Team | None = None,
    start_date: date | None = None,
    active: bool = True,
    locale: str = "en",
) -> Employee:
    with tenant_context(tenant.id):
        person = Employee(
            email=email or f"person{next(_n)}@example.test",
            name="Someone",
            team_id=team.id if team else None,
            start_date=start_date,
            active=active,
            locale=locale,
        )
        db.session.add(person)
        db.session.commit()
        return person


def add_customer(tenant: Tenant, email: str | None = None, **kwargs: object) -> Customer:
    with tenant_context(tenant.id):
        customer = Customer(
            email=email or f"customer{next(_n)}@example.test", name="Client", **kwargs
        )
        db.session.add(customer)
        db.session.commit()
        return customer


def program_of(tenant: Tenant, kind: str = "employee") -> Program:
    """The tenant's first program of ``kind`` (onboarding made one of each)."""
    with tenant_context(tenant.id):
        return db.session.scalars(
            select(Program).where(Program.kind == kind).order_by(Program.id)
        ).first()
