"""People on the API: bulk upsert by email (all or nothing), cursor listing, deactivation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import jsonify, request

from saas.extensions import db
from saas.tenancy.resolve import current_tenant
from tenants.api.errors import ApiError
from tenants.api.openapi import endpoint
from tenants.api.views import bp
from tenants.people import listing, service
from tenants.people.imports import checks, items
from tenants.people.models import Customer, Employee

MAX_ITEMS = 10_000
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

_TEXT = {"type": ["string", "null"]}
EMPLOYEE_IN = {
    "type": "object",
    "required": ["email"],
    "additionalProperties": False,
    "properties": {
        "email": {"type": "string", "description": "Matched case-insensitively."},
        "name": {**_TEXT, "description": "Required for a new employee."},
        "team": {
            **_TEXT,
            "description": "Team name; 'Sales > Inside Sales' for a sub-team. Created if missing.",
        },
        "manager_email": {
            **_TEXT,
            "description": "An employee in this call or already stored.",
        },
        "locale": {**_TEXT, "description": "en or es."},
        "start_date": {**_TEXT, "description": "YYYY-MM-DD."},
        "active": {"type": "boolean", "description": "Default true."},
    },
}
CUSTOMER_IN = {
    "type": "object",
    "required": ["email"],
    "additionalProperties": False,
    "properties": {
        "email": {"type": "string", "description": "Matched case-insensitively."},
        "name": _TEXT,
        "segment": _TEXT,
        "team": {**_TEXT, "description": "The serving team's name. Created if missing."},
        "locale": {**_TEXT, "description": "en or es."},
        "consent": {"type": ["boolean", "null"]},
        "unsubscribed": {
            "type": ["boolean", "null"],
            "description": "true unsubscribes; an unsubscribe is never undone by the API.",
        },
        "active": {"type": "boolean", "description": "Default true."},
    },
}
_NULLABLE_TEXT = {"type": ["string", "null"]}
EMPLOYEE_OUT = {
    "type": "object",
    "properties": {
        "email": {"type": "string"},
        "name": {"type": "string"},
        "team": _NULLABLE_TEXT,
        "manager_email": _NULLABLE_TEXT,
        "locale": {"type": "string"},
        "start_date": _NULLABLE_TEXT,
        "active": {"type": "boolean"},
    },
}
CUSTOMER_OUT = {
    "type": "object",
    "properties": {
        "email": {"type": "string"},
        "name": {"type": "string"},
        "segment": _NULLABLE_TEXT,
        "team": _NULLABLE_TEXT,
        "locale": {"type": "string"},
        "consent": {"type": "boolean"},
        "unsubscribed": {"type": "boolean"},
        "active": {"type": "boolean"},
    },
}
UPSERT_OUT = {
    "type": "object",
    "properties": {
        "created": {"type": "integer"},
        "updated": {"type": "integer"},
        "unchanged": {"type": "integer"},
        "teams_created": {"type": "array", "items": {"type": "string"}},
    },
}


def _page_schema(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": item},
            "next_cursor": {
                "type": ["string", "null"],
                "description": "Pass as ?cursor= for the next page; null on the last page.",
            },
        },
    }


LIST_QUERY = [
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$", "maxLength": 200},
        "description": "Opaque; from next_cursor (signed: an edited one is a 400).",
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100},
    },
    {
        "name": "active",
        "in": "query",
        "required": False,
        "schema": {"type": "boolean"},
        "description": "Only active (true) or inactive (false) people.",
    },
]


def _employee_json(employee: Employee) -> dict[str, Any]:
    return {
        "email": employee.email,
        "name": employee.name,
        "team": employee.team.name if employee.team else None,
        "manager_email": employee.manager_email,
        "locale": employee.locale,
        "start_date": employee.start_date.isoformat() if employee.start_date else None,
        "active": employee.active,
    }


def _customer_json(customer: Customer) -> dict[str, Any]:
    return {
        "email": customer.email,
        "name": customer.name,
        "segment": customer.segment,
        "team": customer.serving_team.name if customer.serving_team else None,
        "locale": customer.locale,
        "consent": customer.consent,
        "unsubscribed": customer.unsubscribed,
        "active": customer.active,
    }


def _decode_cursor(kind: str, cursor: str) -> int:
    try:
        return listing.read_cursor(kind, cursor)
    except listing.BadCursor as exc:
        raise ApiError(400, "invalid_cursor", "This cursor is not one we gave out.") from exc


def _list(model: Any, to_json: Any) -> Any:
    """One page after the cursor; the query was checked against LIST_QUERY already."""
    kind = model.__tablename__
    after = _decode_cursor(kind, request.args["cursor"]) if request.args.get("cursor") else 0
    limit = int(request.args.get("limit") or DEFAULT_LIMIT)
    active_arg = request.args.get("active")
    active = None if active_arg is None else active_arg.lower() in ("1", "true")
    rows = listing.after_id(model, after, limit + 1, active)
    more = len(rows) > limit
    rows = rows[:limit]
    return jsonify(
        items=[to_json(row) for row in rows],
        next_cursor=listing.make_cursor(kind, rows[-1].id) if more and rows else None,
    )


def _upsert(kind: str, body: list[dict[str, Any]]) -> Any:
    if len(body) > MAX_ITEMS:
        raise ApiError(
            422,
            "too_many_items",
            f"At most {MAX_ITEMS:,} items per call; this call has {len(body):,}. "
            "Split it into several calls.",
        )
    tenant = current_tenant()
    try:
        applied = items.upsert_items(tenant, kind, body)
    except items.ItemsInvalid as exc:
        details = [
            {
                "index": problem["line"],
                "email": problem["email"],
                "code": problem["code"],
                "field": problem["field"],
                "message": checks.problem_message(problem, where="index"),
            }
            for problem in exc.problems
        ]
        raise ApiError(
            422,
            "invalid_items",
            f"{len(details):,} of {len(body):,} items are not valid: nothing was written.",
            details,
        ) from exc
    except service.SeatLimitExceeded as exc:
        raise ApiError(403, "seat_limit", str(exc)) from exc
    except service.PeopleError as exc:
        raise ApiError(422, "refused", str(exc)) from exc
    db.session.commit()
    return jsonify(
        created=applied.created,
        updated=applied.updated,
        unchanged=applied.unchanged,
        teams_created=[team["name"] for team in applied.teams_created],
    )


def _deactivate(
    kind: str,
    person: Employee | Customer | None,
    deactivate: Callable[[Any], None],
    to_json: Callable[[Any], dict[str, Any]],
) -> Any:
    """Deactivate the ``kind`` ("employee" or "customer") found by email; none found is a 404."""
    if person is None:
        raise ApiError(404, "not_found", f"No {kind} has this email.")
    deactivate(person)
    db.session.commit()
    return jsonify({kind: to_json(person)})


_UPSERT_NOTE = (
    " Matched by email; all items are written or none (422 lists each bad item's index and "
    "reason). At most 10,000 items a call. A missing or null field keeps the stored value."
)


@endpoint(
    bp,
    "/employees",
    "PUT",
    summary="Create or update employees in bulk." + _UPSERT_NOTE,
    request_schema={"type": "array", "items": EMPLOYEE_IN},
    response_schema=UPSERT_OUT,
    tag="people",
    errors={403: "The plan's seats are all taken: nothing was written."},
)
def put_employees(body: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    return _upsert("employees", body)


@endpoint(
    bp,
    "/employees",
    "GET",
    summary="List employees in a stable order, a page at a time (cursor pagination).",
    response_schema=_page_schema(EMPLOYEE_OUT),
    query=LIST_QUERY,
    tag="people",
)
def list_employees():  # type: ignore[no-untyped-def]
    return _list(Employee, _employee_json)


@endpoint(
    bp,
    "/employees/<email>",
    "DELETE",
    summary="Deactivate an employee (kept with their history; frees a seat).",
    response_schema={"type": "object", "properties": {"employee": EMPLOYEE_OUT}},
    tag="people",
)
def deactivate_employee(email: str):  # type: ignore[no-untyped-def]
    return _deactivate(
        "employee",
        service.employee_by_email(email),
        service.deactivate_employee,
        _employee_json,
    )


@endpoint(
    bp,
    "/customers",
    "PUT",
    summary="Create or update customers in bulk." + _UPSERT_NOTE,
    request_schema={"type": "array", "items": CUSTOMER_IN},
    response_schema=UPSERT_OUT,
    tag="people",
    errors={403: "The plan's seats are all taken: nothing was written."},
)
def put_customers(body: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    return _upsert("customers", body)


@endpoint(
    bp,
    "/customers",
    "GET",
    summary="List customers in a stable order, a page at a time (cursor pagination).",
    response_schema=_page_schema(CUSTOMER_OUT),
    query=LIST_QUERY,
    tag="people",
)
def list_customers():  # type: ignore[no-untyped-def]
    return _list(Customer, _customer_json)


@endpoint(
    bp,
    "/customers/<email>",
    "DELETE",
    summary="Deactivate a customer (kept with their history; no longer surveyed).",
    response_schema={"type": "object", "properties": {"customer": CUSTOMER_OUT}},
    tag="people",
)
def deactivate_customer(email: str):  # type: ignore[no-untyped-def]
    return _deactivate(
        "customer",
        service.customer_by_email(email),
        service.deactivate_customer,
        _customer_json,
    )
