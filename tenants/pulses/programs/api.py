"""``/api/v1/programs``: the programs, and launching a round of one."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from saas.db import iso_z, utcnow
from saas.tenancy.resolve import current_tenant
from tenants.api.errors import ApiError
from tenants.api.openapi import endpoint
from tenants.api.views import bp
from tenants.pulses.models import Program, Round
from tenants.pulses.programs import service as programs
from tenants.pulses.programs import timing
from tenants.pulses.rounds import launch
from tenants.pulses.rounds.errors import LaunchError
from tenants.pulses.rounds.service import invitation_count, question_refs

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
        "cadence": {"type": "string", "enum": list(timing.CADENCES)},
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
        "next_send_at": iso_z(program.next_send_at),
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
    return {
        "id": round_.id,
        "program_id": round_.program_id,
        "number": round_.number,
        "kind": round_.kind,
        "status": round_.status,
        "period": round_.period,
        "month": round_.month,
        "opens_at": iso_z(round_.opens_at),
        "closes_at": iso_z(round_.closes_at),
        "threshold": round_.threshold,
        "comment_threshold": round_.comment_threshold,
        "include_purpose_map": round_.include_purpose_map,
        "audience_team_ids": round_.audience_team_ids,
        "reminder_days": list(round_.reminder_days or []),
        "invited": invitation_count(round_),
        "questions": question_refs(round_),
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
    tz = current_tenant().timezone
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
    errors={409: "A round of this program is open, or it is a customer program."},
)
def launch_program_round(program_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    program = programs.find_program(program_id)
    if program is None:
        raise ApiError(404, "not_found", "No program with this id.")
    try:
        round_ = launch.launch_round(program, utcnow(), audience=body.get("audience_team_ids"))
    except LaunchError as exc:
        status = 409 if exc.code in {"round_open", "customer_program"} else 422
        status = 402 if exc.code == "payment_required" else status
        raise ApiError(status, exc.code, str(exc)) from exc
    return jsonify(round=round_json(round_)), 201
