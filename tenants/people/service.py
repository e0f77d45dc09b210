"""Employees, customers, seats and the team tree: what the pages, the imports and the API do.

Plain functions on the current tenant (every ORM query is scoped centrally). No ``request``, no
``flash``: problems a person can fix are raised as ``PeopleError`` with a message to show.
Nothing is hard-deleted here: people are deactivated (their answers keep their history).
``team_tree()`` is the one query every area builds the team tree from; editing teams is in
``teams.py``, the pages' listings in ``listing.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select

from saas.billing.entitlements import entitlements
from saas.extensions import db
from saas.i18n import available_locales
from saas.tenancy.models import Tenant
from tenants.people.models import Customer, Employee, Team
from tenants.people.tree import TeamTree


class PeopleError(Exception):
    """Something the admin can fix; the message says what (and ``field`` which form field)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SeatLimitExceeded(PeopleError):
    """More active employees than the plan's seats."""


_NOT_IN_EMAIL = r"\s@\"(),:;<>\[\]\\"
_EMAIL = re.compile(rf"^[^{_NOT_IN_EMAIL}]+@[^{_NOT_IN_EMAIL}_]+\.[^{_NOT_IN_EMAIL}_.]{{2,}}$")


def normalize_email(value: str | None) -> str | None:
    """The address in lower case, or None when it is not a plausible email address.

    A pattern rather than a deliverability check: imports check 100,000 rows in seconds.
    """
    if not value:
        return None
    email = value.strip().removeprefix("mailto:").strip("<> ").lower()
    if len(email) > 254 or ".." in email or not _EMAIL.match(email):
        return None
    local = email.split("@", 1)[0]
    if local.startswith(".") or local.endswith(".") or len(local) > 64:
        return None
    return email


# -- seats -------------------------------------------------------------------------------------


def seats_used() -> int:
    return db.session.scalar(select(func.count(Employee.id)).where(Employee.active)) or 0


def seat_limit_message(tenant: Tenant, wanted: int) -> str:
    rights = entitlements(tenant)
    if rights.status == "trialing":
        return _(
            "Your trial includes %(limit)s seats (active employees); this would bring you to "
            "%(wanted)s. Deactivate people who have left or choose a plan in Billing.",
            limit=format_decimal(rights.seat_limit or 0),
            wanted=format_decimal(wanted),
        )
    return _(
        "Your %(plan)s plan includes %(limit)s seats (active employees); this would bring you "
        "to %(wanted)s. Deactivate people who have left or upgrade your plan.",
        plan=rights.plan.capitalize(),
        limit=format_decimal(rights.seat_limit or 0),
        wanted=format_decimal(wanted),
    )


def check_seats(tenant: Tenant, adding: int = 1) -> None:
    used = seats_used()
    limit = entitlements(tenant).seat_limit
    if limit is not None and used + adding > limit:
        raise SeatLimitExceeded(seat_limit_message(tenant, used + adding))


# -- the team tree -----------------------------------------------------------------------------


def team_tree() -> TeamTree:
    """THE team tree of the current tenant: every area's order, subtree, path, depth and cycle
    check come from this one query (``(id, name, parent_id)`` rows; no ORM objects)."""
    rows = db.session.execute(select(Team.id, Team.name, Team.parent_id)).tuples()
    return TeamTree.build(rows)


def subtree_ids(team_id: int) -> set[int]:
    """A team and every team below it."""
    return {team_id, *team_tree().subtree(team_id)}


def team_or_error(team_id: int | None, field: str = "parent_id") -> Team | None:
    """The team ``team_id`` names (None for none); a ``PeopleError`` when it does not exist."""
    if not team_id:
        return None
    team = db.session.get(Team, team_id)
    if team is None:
        raise PeopleError(_("That team does not exist."), field)
    return team


# -- employees -----------------------------------------------------------------------------------


@dataclass
class EmployeeData:
    email: str
    name: str
    team_id: int | None = None
    manager_email: str | None = None
    locale: str = "en"
    start_date: date | None = None


def _unique_email(model: Any, email: str, own_id: int | None = None) -> str:
    clean = normalize_email(email)
    if clean is None:
        raise PeopleError(_("Enter a valid email address."))
    other = db.session.scalar(select(model).where(model.email == clean))
    if other is not None and other.id != own_id:
        raise PeopleError(
            _("%(email)s is already on the list (%(name)s).", email=clean, name=other.name)
        )
    return clean


def _fill_employee(employee: Employee, data: EmployeeData) -> None:
    employee.email = _unique_email(Employee, data.email, employee.id)
    employee.name = " ".join(data.name.split())
    if not employee.name:
        raise PeopleError(_("Enter a name."), "name")
    team = team_or_error(data.team_id)
    employee.team_id = team.id if team else None
    manager = None
    if data.manager_email:
        manager = normalize_email(data.manager_email)
        if manager is None:
            raise PeopleError(_("The manager must be an email address."), "manager_email")
        if manager == employee.email:
            raise PeopleError(_("An employee cannot be their own manager."), "manager_email")
        if db.session.scalar(select(Employee.id).where(Employee.email == manager)) is None:
            raise PeopleError(
                _("No employee has the email %(email)s.", email=manager), "manager_email"
            )
    employee.manager_email = manager
    if data.locale not in available_locales():
        raise PeopleError(_("Choose English or Spanish."))
    employee.locale = data.locale
    employee.start_date = data.start_date


def create_employee(tenant: Tenant, data: EmployeeData) -> Employee:
    check_seats(tenant, 1)
    employee = Employee(active=True)
    _fill_employee(employee, data)
    db.session.add(employee)
    db.session.flush()
    return employee


def update_employee(employee: Employee, data: EmployeeData) -> None:
    _fill_employee(employee, data)


def deactivate_employee(employee: Employee) -> None:
    """Keeps the row (and every answer linked to it); frees a seat."""
    employee.active = False


def reactivate_employee(tenant: Tenant, employee: Employee) -> None:
    if not employee.active:
        check_seats(tenant, 1)
        employee.active = True


def employee_by_email(email: str) -> Employee | None:
    clean = normalize_email(email)
    if clean is None:
        return None
    return db.session.scalar(select(Employee).where(Employee.email == clean))


# -- customers -----------------------------------------------------------------------------------


@dataclass
class CustomerData:
    email: str
    name: str = ""
    segment: str | None = None
    serving_team_id: int | None = None
    locale: str = "en"
    consent: bool = True
    unsubscribed: bool = False


def _fill_customer(customer: Customer, data: CustomerData) -> None:
    customer.email = _unique_email(Customer, data.email, customer.id)
    customer.name = " ".join((data.name or "").split())[:120]
    segment = " ".join((data.segment or "").split())
    if len(segment) > 60:
        raise PeopleError(_("A segment has at most 60 characters."), "segment")
    customer.segment = segment or None
    team = team_or_error(data.serving_team_id)
    customer.serving_team_id = team.id if team else None
    if data.locale not in available_locales():
        raise PeopleError(_("Choose English or Spanish."))
    customer.locale = data.locale
    customer.consent = data.consent
    customer.unsubscribed = data.unsubscribed


def create_customer(data: CustomerData) -> Customer:
    customer = Customer(active=True)
    _fill_customer(customer, data)
    db.session.add(customer)
    db.session.flush()
    return customer


def update_customer(customer: Customer, data: CustomerData) -> None:
    _fill_customer(customer, data)


def deactivate_customer(customer: Customer) -> None:
    customer.active = False


def reactivate_customer(customer: Customer) -> None:
    customer.active = True


def customer_by_email(email: str) -> Customer | None:
    clean = normalize_email(email)
    if clean is None:
        return None
    return db.session.scalar(select(Customer).where(Customer.email == clean))
