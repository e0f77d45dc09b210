"""Employees, customers and teams: what the pages, the imports and the API do with them.

Plain functions on the current tenant (every ORM query is scoped centrally). No ``request``, no
``flash``: problems a person can fix are raised as ``PeopleError`` with a message to show.
Nothing is hard-deleted here: people are deactivated (their answers keep their history).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from saas.billing.entitlements import entitlements
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.people.models import Customer, Employee, Team

PAGE_SIZE = 50
LOCALES = ("en", "es")


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
    return _(
        "Your %(plan)s plan includes %(limit)s seats (active employees); this would bring you "
        "to %(wanted)s. Deactivate people who have left or upgrade your plan.",
        plan=rights.plan.capitalize(),
        limit=format_decimal(rights.seat_limit),
        wanted=format_decimal(wanted),
    )


def check_seats(tenant: Tenant, adding: int = 1) -> None:
    used = seats_used()
    if used + adding > entitlements(tenant).seat_limit:
        raise SeatLimitExceeded(seat_limit_message(tenant, used + adding))


# -- teams ---------------------------------------------------------------------------------------


def team_key(name: str) -> str:
    """Team names are unique per tenant regardless of case and spacing."""
    return " ".join(name.split()).casefold()


def all_teams() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(Team.name)))


def team_tree(teams: list[Team] | None = None) -> list[tuple[Team, int]]:
    """Every team with its depth, parents before children, siblings by name."""
    teams = all_teams() if teams is None else teams
    ids = {t.id for t in teams}
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        parent = team.parent_id if team.parent_id in ids else None
        children.setdefault(parent, []).append(team)
    ordered: list[tuple[Team, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for team in sorted(children.get(parent, []), key=lambda t: t.name.casefold()):
            if team.id in seen:
                continue
            seen.add(team.id)
            ordered.append((team, depth))
            walk(team.id, depth + 1)

    walk(None, 0)
    return ordered


@dataclass
class TeamNode:
    team: Team
    children: list[TeamNode]


def team_forest(teams: list[Team] | None = None) -> list[TeamNode]:
    """The team tree as nested nodes (for the teams page)."""
    roots: list[TeamNode] = []
    stack: list[TeamNode] = []
    for team, depth in team_tree(teams):
        node = TeamNode(team, [])
        del stack[depth:]
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def team_choices(blank: str | None = "—", exclude: int | None = None) -> list[tuple[int, str]]:
    """Select options, indented by depth; ``exclude`` drops a team and its subtree."""
    skip = subtree_ids(exclude) if exclude else set()
    options = [(team.id, "\u00a0\u00a0" * depth + team.name) for team, depth in team_tree()]
    options = [option for option in options if option[0] not in skip]
    return ([(0, blank)] if blank is not None else []) + options


def subtree_ids(team_id: int) -> set[int]:
    """A team and every team below it."""
    parents = dict(db.session.execute(select(Team.id, Team.parent_id)).tuples().all())
    found = {team_id}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                changed = True
    return found


def team_path(team: Team | None) -> str:
    names: list[str] = []
    seen: set[int] = set()
    while team is not None and team.id not in seen:
        seen.add(team.id)
        names.append(team.name)
        team = team.parent
    return " › ".join(reversed(names))


def _clean_team_name(name: str) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise PeopleError(_("Give the team a name."), "name")
    if len(clean) > 120 or ">" in clean:
        raise PeopleError(_("A team name has at most 120 characters and no “>”."), "name")
    return clean


def _check_team_name_free(name: str, team_id: int | None = None) -> None:
    for other in db.session.scalars(select(Team)):
        if other.id != team_id and team_key(other.name) == team_key(name):
            raise PeopleError(
                _("There is already a team called %(name)s.", name=other.name), "name"
            )


def _parent(parent_id: int | None) -> Team | None:
    if not parent_id:
        return None
    parent = db.session.get(Team, parent_id)
    if parent is None:
        raise PeopleError(_("That team does not exist."), "parent_id")
    return parent


def create_team(name: str, parent_id: int | None = None) -> Team:
    clean = _clean_team_name(name)
    _check_team_name_free(clean)
    parent = _parent(parent_id)
    team = Team(name=clean, parent_id=parent.id if parent else None)
    db.session.add(team)
    db.session.flush()
    return team


def rename_team(team: Team, name: str) -> None:
    clean = _clean_team_name(name)
    _check_team_name_free(clean, team.id)
    team.name = clean


def move_team(team: Team, parent_id: int | None) -> None:
    """Put ``team`` under ``parent_id`` (or at the top); refuses to make a cycle."""
    parent = _parent(parent_id)
    if parent is not None and parent.id in subtree_ids(team.id):
        raise PeopleError(
            _(
                "%(team)s cannot go under %(parent)s: %(parent)s is inside %(team)s.",
                team=team.name,
                parent=parent.name,
            )
            if parent.id != team.id
            else _("A team cannot be its own parent."),
            "parent_id",
        )
    team.parent_id = parent.id if parent else None


def team_member_counts() -> dict[int, int]:
    """Active employees directly in each team."""
    rows = db.session.execute(
        select(Employee.team_id, func.count(Employee.id))
        .where(Employee.active, Employee.team_id.is_not(None))
        .group_by(Employee.team_id)
    )
    return dict(rows.tuples().all())


# -- listing -------------------------------------------------------------------------------------


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    pages: int


def _paginate(statement: Select[Any], page: int, per_page: int = PAGE_SIZE) -> Page:
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    pages = max(math.ceil(total / per_page), 1)
    page = min(max(page, 1), pages)
    items = list(db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, pages=pages)


def _search(statement: Select[Any], model: Any, query: str) -> Select[Any]:
    words = query.split()
    for word in words[:5]:
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        statement = statement.where(or_(model.name.ilike(pattern), model.email.ilike(pattern)))
    return statement


def list_employees(
    query: str = "", team_id: int | None = None, status: str = "active", page: int = 1
) -> Page:
    statement = select(Employee).options(joinedload(Employee.team))
    statement = _search(statement, Employee, query)
    if team_id:
        statement = statement.where(Employee.team_id.in_(subtree_ids(team_id)))
    if status == "active":
        statement = statement.where(Employee.active)
    elif status == "inactive":
        statement = statement.where(~Employee.active)
    return _paginate(statement.order_by(Employee.name, Employee.id), page)


def list_customers(
    query: str = "",
    team_id: int | None = None,
    segment: str = "",
    status: str = "active",
    page: int = 1,
) -> Page:
    statement = select(Customer).options(joinedload(Customer.serving_team))
    statement = _search(statement, Customer, query)
    if team_id:
        statement = statement.where(Customer.serving_team_id.in_(subtree_ids(team_id)))
    if segment:
        statement = statement.where(Customer.segment == segment)
    if status == "active":
        statement = statement.where(Customer.active)
    elif status == "inactive":
        statement = statement.where(~Customer.active)
    return _paginate(statement.order_by(Customer.name, Customer.id), page)


def names_by_email(emails: set[str]) -> dict[str, str]:
    """Employees' names for a page's manager emails (one query)."""
    if not emails:
        return {}
    rows = db.session.execute(
        select(Employee.email, Employee.name).where(Employee.email.in_(sorted(emails)))
    )
    return {email: name or email for email, name in rows.tuples()}


def segments() -> list[str]:
    return list(
        db.session.scalars(
            select(Customer.segment)
            .where(Customer.segment.is_not(None))
            .distinct()
            .order_by(Customer.segment)
        )
    )


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
    employee.team_id = _parent(data.team_id).id if data.team_id else None  # type: ignore[union-attr]
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
    if data.locale not in LOCALES:
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
    team = _parent(data.serving_team_id) if data.serving_team_id else None
    customer.serving_team_id = team.id if team else None
    if data.locale not in LOCALES:
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


# -- the API's cursor listing --------------------------------------------------------------------


def after_id(model: Any, last_id: int, limit: int, active: bool | None = None) -> list[Any]:
    """Rows in id order after ``last_id`` (keyset pagination: stable under inserts)."""
    statement = select(model).where(model.id > last_id)
    if active is not None:
        statement = statement.where(model.active.is_(active))
    if model is Employee:
        statement = statement.options(joinedload(Employee.team))
    else:
        statement = statement.options(joinedload(Customer.serving_team))
    return list(db.session.scalars(statement.order_by(model.id).limit(limit)))
