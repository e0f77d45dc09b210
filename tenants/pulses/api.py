"""Programs, launching a round, and logging interactions over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import g, jsonify
from sqlalchemy import select

from saas.db import utcnow
from saas.extensions import db
from tenants.api.errors import ApiError
from tenants.api.openapi import endpoint
from tenants.api.views import bp
from tenants.pulses import launch, processes, programs, schedule
from tenants.pulses.models import Program, Round
from tenants.surveys.models import Question, RoundQuestion

DATE_TIME = {"type": "string", "format": "date-time"}
NULLABLE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
INT_LIST = {"type": "array", "items": {"type": "integer"}}

PROGRAM = {
    "type": "object",
    "required": ["id", "kind", "name", "started", "next_send_at"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["employee", "customer"]},
        "name": {"type": "string"},
        "started": {"type": "boolean"},
        "cadence": {"type": "string", "enum": list(schedule.CADENCES)},
        "weekday": {"type": "integer", "minimum": 0, "maximum": 6, "description": "0 = Monday"},
        "send_time": {"type": "string", "description": "Local time of day, HH:MM"},
        "timezone": {"type": "string"},
        "next_send_at": NULLABLE_DATE_TIME,
        "open_days": {"type": "integer"},
        "questions_per_round": {"type": "integer"},
        "reminder_days": INT_LIST,
        "grace_days": {"type": "integer"},
        "audience_team_ids": {"type": ["array", "null"], "items": {"type": "integer"}},
        "delay_days": {"type": "integer"},
        "cooldown_days": {"type": "integer"},
        "sample_share": {"type": "number"},
    },
}
ROUND = {
    "type": "object",
    "required": ["id", "program_id", "number", "status", "period", "opens_at", "closes_at"],
    "properties": {
        "id": {"type": "integer"},
        "program_id": {"type": "integer"},
        "number": {"type": "integer"},
        "kind": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "period": {"type": "string", "examples": ["2026-Q3"]},
        "month": {"type": "string", "examples": ["2026-08"]},
        "opens_at": DATE_TIME,
        "closes_at": DATE_TIME,
        "threshold": {"type": "integer"},
        "comment_threshold": {"type": "integer"},
        "include_purpose_map": {"type": "boolean"},
        "audience_team_ids": {"type": ["array", "null"], "items": {"type": "integer"}},
        "reminder_days": INT_LIST,
        "invited": {"type": "integer"},
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "key": {"type": "string"},
                    "version": {"type": "integer"},
                    "dimension": {"type": ["string", "null"]},
                    "scale": {"type": "string"},
                },
            },
        },
    },
}
LAUNCH_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "audience_team_ids": {
            "type": ["array", "null"],
            "items": {"type": "integer"},
            "description": "Teams to ask (sub-teams included) instead of the program's audience.",
        }
    },
}
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


def _iso(moment: datetime | None) -> str | None:
    return processes.iso(moment) if moment is not None else None


def program_json(program: Program, tz: str) -> dict[str, Any]:
    return {
        "id": program.id,
        "kind": program.kind,
        "name": program.name,
        "started": program.started,
        "cadence": program.cadence,
        "weekday": program.weekday,
        "send_time": program.send_time.strftime("%H:%M"),
        "timezone": tz,
        "next_send_at": _iso(program.next_send_at),
        "open_days": program.open_days,
        "questions_per_round": program.questions_per_round,
        "reminder_days": list(program.reminder_days or []),
        "grace_days": program.grace_days,
        "audience_team_ids": program.audience_team_ids,
        "delay_days": program.delay_days,
        "cooldown_days": program.cooldown_days,
        "sample_share": program.sample_share,
    }


def round_json(round_: Round) -> dict[str, Any]:
    questions = db.session.execute(
        select(Question.id, Question.key, Question.version, Question.dimension, Question.scale)
        .join(RoundQuestion, RoundQuestion.question_id == Question.id)
        .where(RoundQuestion.round_id == round_.id)
        .order_by(RoundQuestion.position)
    )
    return {
        "id": round_.id,
        "program_id": round_.program_id,
        "number": round_.number,
        "kind": round_.kind,
        "status": round_.status,
        "period": round_.period,
        "month": round_.month,
        "opens_at": _iso(round_.opens_at),
        "closes_at": _iso(round_.closes_at),
        "threshold": round_.threshold,
        "comment_threshold": round_.comment_threshold,
        "include_purpose_map": round_.include_purpose_map,
        "audience_team_ids": round_.audience_team_ids,
        "reminder_days": list(round_.reminder_days or []),
        "invited": launch.invitation_count(round_),
        "questions": [
            {"id": i, "key": k, "version": v, "dimension": d, "scale": s}
            for i, k, v, d, s in questions
        ],
    }


@endpoint(
    bp,
    "/programs",
    "GET",
    summary="The tenant's pulse programs, with their schedule and next send.",
    response_schema={
        "type": "object",
        "required": ["programs"],
        "properties": {"programs": {"type": "array", "items": PROGRAM}},
    },
    tag="pulses",
)
def list_programs():  # type: ignore[no-untyped-def]
    tz = g.tenant.timezone
    return jsonify(programs=[program_json(p, tz) for p in programs.programs()])


@endpoint(
    bp,
    "/programs/<int:program_id>/rounds",
    "POST",
    summary="Launch a round of an employee program now (send an empty object for its audience).",
    request_schema=LAUNCH_REQUEST,
    response_schema={"type": "object", "required": ["round"], "properties": {"round": ROUND}},
    status=201,
    tag="pulses",
)
def launch_program_round(program_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    program = db.session.get(Program, program_id)
    if program is None:
        raise ApiError(404, "not_found", "No program with this id.")
    try:
        round_ = launch.launch_round(program, utcnow(), audience=body.get("audience_team_ids"))
    except launch.LaunchError as exc:
        status = 409 if exc.code in {"round_open", "customer_program"} else 422
        raise ApiError(status, exc.code, str(exc)) from exc
    return jsonify(round=round_json(round_)), 201


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
        return schedule.local_to_utc(moment.date(), moment.time(), schedule.zone(tz))
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
    occurred = _parse_time(body["occurred_at"], g.tenant.timezone)
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
