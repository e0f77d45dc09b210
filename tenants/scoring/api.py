"""``GET /api/v1/scores``: the released figures of one period, for the tenant or a team subtree.

The same ``service.dashboard`` the dashboard page uses, so the API can never show more than
the page: a hidden group is ``{"hidden": true, "needed": k}`` with its counts, never a score.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from saas.tenancy.resolve import current_tenant
from tenants.api.errors import ApiError
from tenants.api.openapi import endpoint
from tenants.api.views import bp
from tenants.scoring import service
from tenants.scoring.core.figures import Dashboard, DimensionFigure, GroupFigures, TrendPoint
from tenants.scoring.core.maturity import DIMENSIONS
from tenants.scoring.core.stats import Interval

NUMBER_OR_NULL = {"type": ["number", "null"]}
INTERVAL = {
    "type": ["object", "null"],
    "required": ["low", "high"],
    "properties": {"low": {"type": "number"}, "high": {"type": "number"}},
    "description": "95% confidence interval (Student's t), clipped to 0-100.",
}
CHANGE = {
    "type": ["string", "null"],
    "enum": ["up", "down", "no_clear_change", None],
    "description": "Against the previous quarter: Welch's t-test on the anchor item, called "
    "only when the Benjamini-Hochberg adjusted p over every test of the release is below 0.05 "
    "and the change is at least 3 points; null when either quarter is hidden or has no figure.",
}
DIMENSION = {
    "type": "object",
    "required": ["key", "hidden", "score", "ci", "favourable_share", "change", "responses"],
    "properties": {
        "key": {"type": "string", "enum": [d.key for d in DIMENSIONS]},
        "hidden": {"type": "boolean"},
        "needed": {"type": ["integer", "null"]},
        "score": {**NUMBER_OR_NULL, "description": "Mean on 0-100."},
        "ci": INTERVAL,
        "favourable_share": {**NUMBER_OR_NULL, "description": "Share (0-1) at or above 75."},
        "change": CHANGE,
        "responses": {"type": "integer", "description": "Responses behind the score."},
    },
}
LEVEL = {
    "type": ["object", "null"],
    "required": ["number", "key", "name"],
    "properties": {
        "number": {"type": "integer", "minimum": 1, "maximum": 5},
        "key": {"type": "string"},
        "name": {"type": "string"},
    },
}
COUNTS = {
    "n": {"type": "integer", "description": "Distinct people who answered (from invitations)."},
    "invited": {"type": "integer"},
    "participation": NUMBER_OR_NULL,
}
GROUP = {
    "type": "object",
    "description": "A released group carries its figures; a hidden one only its counts and "
    "how many more answers it needs.",
    "oneOf": [
        {
            "required": ["key", "name", "hidden", "n", "index", "level", "dimensions"],
            "properties": {
                "key": {"type": "string"},
                "name": {"type": "string"},
                "team_id": {"type": ["integer", "null"]},
                "depth": {"type": "integer"},
                "hidden": {"const": False},
                **COUNTS,
                "threshold": {"type": "integer"},
                "index": NUMBER_OR_NULL,
                "index_ci": INTERVAL,
                "level": LEVEL,
                "change": CHANGE,
                "dimensions": {"type": "array", "items": DIMENSION},
            },
        },
        {
            "required": ["key", "name", "hidden", "needed", "reason"],
            "properties": {
                "key": {"type": "string"},
                "name": {"type": "string"},
                "team_id": {"type": ["integer", "null"]},
                "depth": {"type": "integer"},
                "hidden": {"const": True},
                "needed": {"type": "integer"},
                "reason": {"type": "string", "enum": ["below_threshold", "complementary"]},
                **COUNTS,
                "threshold": {"type": "integer"},
            },
            "not": {"anyOf": [{"required": ["index"]}, {"required": ["dimensions"]}]},
        },
    ],
}
GROUPS = {"type": "array", "items": GROUP}
SCORES = {
    "type": "object",
    "required": [
        "period",
        "periods",
        "team_id",
        "overall",
        "teams",
        "trend",
        "participation",
        "reliability",
    ],
    "properties": {
        "period": {"type": "string", "examples": ["2026-Q3"]},
        "periods": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Quarters with closed rounds, oldest first.",
        },
        "team_id": {"type": ["integer", "null"]},
        "overall": GROUP,
        "teams": {**GROUPS, "description": "The team and its subtree, in tree order."},
        "customers": {"oneOf": [GROUP, {"type": "null"}]},
        "segments": GROUPS,
        "processes": GROUPS,
        "serving_teams": GROUPS,
        "trend": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["period", "hidden", "index", "ci"],
                "properties": {
                    "period": {"type": "string"},
                    "hidden": {"type": "boolean"},
                    "needed": {"type": ["integer", "null"]},
                    "index": NUMBER_OR_NULL,
                    "ci": INTERVAL,
                },
            },
        },
        "reliability": {
            "type": "array",
            "description": "Cronbach's alpha of each employee dimension's items in the "
            "quarter's purpose-map round (which asks at least 3 items of each), over the whole "
            "tenant; empty while the tenant's figures are hidden. Below 0.7 a dimension is "
            "marked low reliability.",
            "items": {
                "type": "object",
                "required": ["dimension", "alpha", "items", "responses", "low_reliability"],
                "properties": {
                    "dimension": {"type": "string", "enum": [d.key for d in DIMENSIONS]},
                    "alpha": {"type": "number", "maximum": 1},
                    "items": {"type": "integer", "minimum": 2},
                    "responses": {"type": "integer"},
                    "low_reliability": {"type": "boolean"},
                },
            },
        },
        "participation": {
            "type": "object",
            "description": "Live counts of the period, open rounds included.",
            "required": ["invited", "answered", "rate", "open_rounds"],
            "properties": {
                "invited": {"type": "integer"},
                "answered": {"type": "integer"},
                "rate": NUMBER_OR_NULL,
                "open_rounds": {"type": "integer"},
            },
        },
    },
}
QUERY = [
    {
        "name": "period",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "pattern": r"^\d{4}-Q[1-4]$"},
        "description": "A quarter such as 2026-Q3; the latest with a closed round by default.",
    },
    {
        "name": "team",
        "in": "query",
        "required": False,
        "schema": {"type": "integer"},
        "description": "A team id: that team with its sub-teams. The whole tenant by default.",
    },
]


def _interval(ci: Interval | None) -> dict[str, float] | None:
    return None if ci is None else {"low": ci.low, "high": ci.high}


def _dimension(f: DimensionFigure) -> dict[str, Any]:
    return {
        "key": f.key,
        "hidden": f.score is None,
        "needed": f.needed,
        "score": f.score,
        "ci": _interval(f.ci),
        "favourable_share": f.favourable_share,
        "change": f.change,
        "responses": f.responses,
    }


def group_json(group: GroupFigures) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": group.key,
        "name": group.name,
        "team_id": group.team_id,
        "depth": group.depth,
        "hidden": not group.released,
        "n": group.respondents,
        "invited": group.invited,
        "participation": group.participation,
        "threshold": group.threshold,
    }
    if not group.released:
        out["needed"] = group.needed or 0
        out["reason"] = group.hidden_reason or "below_threshold"
        return out
    level = group.level
    out.update(
        index=group.index,
        index_ci=_interval(group.index_ci),
        level=None
        if level is None
        else {"number": level.number, "key": level.key, "name": level.name_en},
        change=group.change,
        dimensions=[_dimension(f) for f in group.dimensions],
    )
    return out


def _trend(p: TrendPoint) -> dict[str, Any]:
    return {
        "period": p.period,
        "hidden": p.hidden,
        "needed": p.needed,
        "index": p.index,
        "ci": _interval(p.ci),
    }


def dashboard_json(board: Dashboard) -> dict[str, Any]:
    live = board.participation
    return {
        "period": board.period,
        "periods": list(board.periods),
        "team_id": board.team_id,
        "overall": group_json(board.overall),
        "teams": [group_json(t) for t in board.teams],
        "customers": None if board.customers is None else group_json(board.customers),
        "segments": [group_json(s) for s in board.segments],
        "processes": [group_json(p) for p in board.processes],
        "serving_teams": [group_json(s) for s in board.serving_teams],
        "trend": [_trend(p) for p in board.trend],
        "reliability": [
            {
                "dimension": r.dimension,
                "alpha": r.alpha,
                "items": r.items,
                "responses": r.responses,
                "low_reliability": r.low,
            }
            for r in board.reliability
        ],
        "participation": {
            "invited": live.invited,
            "answered": live.answered,
            "rate": live.rate,
            "open_rounds": live.open_rounds,
        },
    }


@endpoint(
    bp,
    "/scores",
    "GET",
    summary="Outcome Culture Index, level and dimension scores of a quarter, with intervals, "
    "changes and participation; groups below the anonymity threshold are hidden.",
    response_schema=SCORES,
    query=QUERY,
    tag="scores",
    errors={404: "No team with this id in this tenant."},
)
def scores():  # type: ignore[no-untyped-def]
    # Both parameters were checked against QUERY (tenants.api.inputs): a bad one is a 400.
    period = request.args.get("period") or None
    team_arg = request.args.get("team") or None
    team_id = None if team_arg is None else int(team_arg)  # any integer; not ours is a 404
    try:
        board = service.dashboard(current_tenant().id, period, team_id)
    except service.PeriodError as exc:
        raise ApiError(400, "invalid_parameter", str(exc), [{"parameter": "period"}]) from exc
    except service.UnknownTeam:
        raise ApiError(404, "not_found", "No such team.") from None
    return jsonify(dashboard_json(board))
