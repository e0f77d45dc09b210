"""The people pages' and the API's listings: search, filters, pages and keyset cursors."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from saas.db import current_tenant_id
from saas.extensions import db
from saas.security import make_token, read_token
from tenants.people.models import Customer, Employee
from tenants.people.service import subtree_ids

PAGE_SIZE = 50


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


# -- the API's cursor listing --------------------------------------------------------------------

MAX_ID = 2**63 - 1  # the largest id any database here stores


class BadCursor(ValueError):
    """A cursor we did not give out (edited, forged, of another listing or tenant)."""


def make_cursor(kind: str, last_id: int) -> str:
    """An opaque cursor after ``last_id``: signed with the app's secret, bound to the listing
    and the tenant, so an edited one is refused instead of reaching the database."""
    return make_token("cursor", {"k": kind, "t": current_tenant_id(), "after": last_id})


def read_cursor(kind: str, cursor: str) -> int:
    """The id a cursor from :func:`make_cursor` points after; raises :class:`BadCursor`."""
    data = read_token("cursor", cursor[:200], max_age=None)
    after = None if data is None else data.get("after")
    if (
        data is None
        or data.get("k") != kind
        or data.get("t") != current_tenant_id()
        or not isinstance(after, int)
        or not 0 <= after <= MAX_ID
    ):
        raise BadCursor(cursor)
    return after


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
