"""``/api/v1/interactions``: logging an interaction of a process with a customer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import jsonify

from saas.db import utcnow
from saas.extensions import db
from saas.tenancy.resolve import current_tenant
from tenants.api.errors import ApiError
from tenants.api.openapi import endpoint
from tenants.api.views import bp
from tenants.pulses.processes import service as processes
from tenants.pulses.programs import timing
from tenants.pulses.programs.api import DATE_TIME

INTERACTION_REQUEST = {
    "type": "object",
    "required": ["customer_email", "process", "occurred_at"],
    "additionalProperties": False,
    "properties": {
        "customer_email": {"type": "string", "minLength": 3, "maxLength": 254},
        "process": {
            "description": "The process's name or id.",
            "oneOf": [
                {"type": "string", "minLength": 1, "maxLength": 120},
                {"type": "integer", "minimum": 1},
            ],
        },
        "occurred_at": {
            "type": "string",
            "minLength": 10,
            "maxLength": 40,
            "description": "ISO-8601; without an offset it is read in the tenant's time zone.",
        },
        "external_id": {
            "type": ["string", "null"],
            "maxLength": 120,
            "description": "Your id for the interaction: a retried call with it logs nothing "
            "twice and answers the same.",
        },
    },
}
INTERACTION_RESPONSE = {
    "type": "object",
    "required": ["interaction_id", "pulse"],
    "properties": {
        "interaction_id": {"type": "integer"},
        "pulse": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["scheduled_for"],
                    "properties": {"scheduled_for": DATE_TIME},
                },
                {"type": "null"},
            ]
        },
        "reason": {"type": "string", "description": "Why there is no pulse."},
        "reason_code": {
            "type": "string",
            "enum": [
                "process_inactive",
                "no_program",
                "program_paused",
                "customer_inactive",
                "no_consent",
                "unsubscribed",
                "suppressed",
                "cooldown",
                "round_closed",
            ],
        },
    },
}


def _parse_time(value: str, tz: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ApiError(
            422,
            "invalid_occurred_at",
            "occurred_at must be an ISO-8601 date and time, e.g. 2026-08-03T10:30:00+02:00.",
            [{"path": "/occurred_at", "message": f"{value!r} is not an ISO-8601 date-time"}],
        ) from exc
    if moment.tzinfo is None:
        return timing.local_to_utc(moment.date(), moment.time(), timing.zone(tz))
    return moment


@endpoint(
    bp,
    "/interactions",
    "POST",
    summary="Log an interaction of a process with a customer; answers whether and when the "
    "customer gets a pulse.",
    request_schema=INTERACTION_REQUEST,
    response_schema=INTERACTION_RESPONSE,
    status=202,
    tag="pulses",
    errors={409: "This external_id was already used for another customer or process."},
)
def log_interaction(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    email = body["customer_email"].strip()
    customer = processes.find_customer(email)
    if customer is None:
        raise ApiError(
            422,
            "unknown_customer",
            f"No customer with the email {email}: add the customer first.",
            [{"path": "/customer_email", "message": "unknown customer"}],
        )
    process = processes.find_process(body["process"])
    if process is None:
        raise ApiError(
            422,
            "unknown_process",
            f"No process named or numbered {body['process']!r}.",
            [{"path": "/process", "message": "unknown process"}],
        )
    occurred = _parse_time(body["occurred_at"], current_tenant().timezone)
    try:
        logged = processes.log_interaction(
            customer, process, occurred, now=utcnow(), external_id=body.get("external_id")
        )
    except processes.ProcessError as exc:
        raise ApiError(exc.status, exc.code, str(exc)) from exc
    db.session.commit()
    response = jsonify(logged.as_json())
    if logged.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 202
