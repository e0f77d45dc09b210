"""``/api/v1/rounds/{round_id}``: a round's status and counts (never who), and closing it."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from saas.db import iso_z
from saas.extensions import db
from tenants.api.errors import ApiError
from tenants.api.openapi import endpoint
from tenants.api.views import bp
from tenants.pulses.models import Round
from tenants.pulses.rounds import service
from tenants.pulses.rounds.counts import round_counts

_COUNT = {"type": "integer", "minimum": 0}
_TIME = {"type": "string", "format": "date-time"}

ROUND_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["round"],
    "properties": {
        "round": {
            "type": "object",
            "required": [
                "id",
                "program_id",
                "kind",
                "number",
                "status",
                "period",
                "opens_at",
                "closes_at",
                "closed_at",
                "invited",
                "queued",
                "sent",
                "bounced",
                "failed",
                "suppressed",
                "answered",
                "participation",
            ],
            "properties": {
                "id": {"type": "integer"},
                "program_id": {"type": "integer"},
                "kind": {"type": "string", "enum": ["employee", "customer"]},
                "number": {"type": "integer"},
                "status": {"type": "string", "enum": ["open", "closed"]},
                "period": {"type": "string", "examples": ["2026-Q3"]},
                "opens_at": _TIME,
                "closes_at": _TIME,
                "closed_at": {"type": ["string", "null"], "format": "date-time"},
                "invited": _COUNT,
                "queued": {**_COUNT, "description": "Not sent yet (waiting, retrying, sending)."},
                "sent": _COUNT,
                "bounced": _COUNT,
                "failed": _COUNT,
                "suppressed": {**_COUNT, "description": "Skipped: the address is suppressed."},
                "answered": _COUNT,
                "participation": {
                    "type": ["number", "null"],
                    "description": "answered / invited, from 0 to 1; null with no invitation.",
                },
            },
        }
    },
}


def round_json(round_: Round) -> dict[str, Any]:
    counts = round_counts([round_.id])[round_.id]
    return {
        "id": round_.id,
        "program_id": round_.program_id,
        "kind": round_.kind,
        "number": round_.number,
        "status": round_.status,
        "period": round_.period,
        "opens_at": iso_z(round_.opens_at),
        "closes_at": iso_z(round_.closes_at),
        "closed_at": iso_z(round_.closed_at),
        **counts.as_dict(),
    }


def _round_or_404(round_id: int) -> Round:
    round_ = service.find_round(round_id)
    if round_ is None:
        raise ApiError(404, "not_found", "There is no round with this id.")
    return round_


@endpoint(
    bp,
    "/rounds/<int:round_id>",
    "GET",
    summary="A round's status, delivery counts and participation (counts only, never who).",
    response_schema=ROUND_SCHEMA,
    tag="rounds",
)
def get_round(round_id: int):  # type: ignore[no-untyped-def]
    return jsonify(round=round_json(_round_or_404(round_id)))


@endpoint(
    bp,
    "/rounds/<int:round_id>/close",
    "POST",
    summary="Close a round now: no more answers or reminders. Closing a closed round is a no-op.",
    response_schema=ROUND_SCHEMA,
    tag="rounds",
)
def close_round(round_id: int):  # type: ignore[no-untyped-def]
    round_ = _round_or_404(round_id)
    service.close(round_)
    db.session.commit()
    return jsonify(round=round_json(round_))
