"""Distinct people per cell: employees from invitations (each person in one cell per period and
measure), customers from their responses and invitations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import bindparam, text

from saas.extensions import db
from tenants.scoring.aggregates import SCORED_SCALES_SQL
from tenants.scoring.core.maturity import EMPLOYEE_DIMENSIONS

# A person's latest invitation is found with one MAX over round id * _SHIFT + team id: the
# round id orders, the team id rides along (team 0 = no team). Team ids stay below _SHIFT.
_SHIFT: Final = 1_000_000_000


def _key(condition: str) -> str:
    team_key = f"CAST(i.round_id AS BIGINT) * {_SHIFT} + COALESCE(i.team_id, 0)"
    return f"MAX(CASE WHEN {condition} THEN {team_key} END)"


# Constant names (dimensions, scales, measures) only: nothing here comes from input.
_ROUND_DIMENSIONS = (
    "SELECT rq.round_id AS round_id, "  # noqa: S608
    + ", ".join(
        f"MAX(CASE WHEN q.dimension = '{d}' THEN 1 ELSE 0 END) AS d_{d}"
        for d in EMPLOYEE_DIMENSIONS
    )
    + " FROM round_questions rq JOIN questions q ON q.id = rq.question_id"
    + " AND q.tenant_id = :tenant_id"
    + f" WHERE rq.tenant_id = :tenant_id AND q.scale IN ({SCORED_SCALES_SQL})"
    + " AND rq.round_id IN :round_ids GROUP BY rq.round_id"
)

_PER_PERSON = (
    "SELECT r.period AS period, i.employee_id AS employee_id, "  # noqa: S608
    + f"{_key('i.answered')} AS k_answered, "
    + "MAX(CAST(i.round_id AS BIGINT) * "
    + f"{_SHIFT} + COALESCE(i.team_id, 0)) AS k_invited, "
    + ", ".join(f"{_key(f'i.answered AND rd.d_{d} = 1')} AS k_{d}" for d in EMPLOYEE_DIMENSIONS)
    + " FROM invitations i"
    + " JOIN rounds r ON r.id = i.round_id AND r.tenant_id = :tenant_id"
    + f" LEFT JOIN ({_ROUND_DIMENSIONS}) rd ON rd.round_id = i.round_id"
    + " WHERE i.tenant_id = :tenant_id AND i.round_id IN :round_ids"
    + " AND r.kind = 'employee' AND r.status = 'closed' AND i.employee_id IS NOT NULL"
    + " GROUP BY r.period, i.employee_id"
)

_MEASURE_KEYS = {
    "answered": "pp.k_answered",
    # Invited where they answered, so that every cell's respondents are among its invited.
    "invited": "COALESCE(pp.k_answered, pp.k_invited)",
    **{d: f"pp.k_{d}" for d in EMPLOYEE_DIMENSIONS},
}


def _unpivot(source: str, keys: Mapping[str, str], *, by_period: bool) -> str:
    """Count people per measure and team from ``source``, one row per person (and period)
    holding one team key per measure."""
    inner = "pp.period AS period, " if by_period else ""
    outer = "period, " if by_period else ""
    return (
        f"SELECT {outer}measure, team, COUNT(*) FROM ("  # noqa: S608
        + f" SELECT {inner}m.measure AS measure, (CASE m.measure "
        + " ".join(f"WHEN '{name}' THEN {expr}" for name, expr in keys.items())
        + f" END) % {_SHIFT} AS team"
        + f" FROM ({source}) pp CROSS JOIN ("
        + " UNION ALL ".join(f"SELECT '{name}' AS measure" for name in keys)
        + f") m) x WHERE team IS NOT NULL GROUP BY {outer}measure, team"
    )


_EMPLOYEE_COUNTS = _unpivot(_PER_PERSON, _MEASURE_KEYS, by_period=True)

_LIVE_PER_PERSON = (
    "SELECT i.employee_id AS employee_id, "  # noqa: S608
    + f"{_key('i.answered')} AS k_answered, "
    + f"MAX(CAST(i.round_id AS BIGINT) * {_SHIFT} + COALESCE(i.team_id, 0)) AS k_invited"
    + " FROM invitations i WHERE i.tenant_id = :tenant_id AND i.round_id IN :round_ids"
    + " AND i.employee_id IS NOT NULL GROUP BY i.employee_id"
)
_LIVE_COUNTS = _unpivot(
    _LIVE_PER_PERSON,
    {"answered": "pp.k_answered", "invited": "COALESCE(pp.k_answered, pp.k_invited)"},
    by_period=False,
)


@dataclass(frozen=True, slots=True)
class CellCount:
    period: str
    measure: str  # answered | invited | <employee dimension>
    team_id: int | None  # None: people in no team
    people: int


def _roomy_sort() -> None:
    """On PostgreSQL, let the per-person grouping hash in memory (this transaction only)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT set_config('work_mem', '64MB', true)"))


def employee_counts(tenant_id: int, round_ids: Sequence[int]) -> list[CellCount]:
    """Distinct employees per period × team cell over the *closed* employee rounds among
    ``round_ids``, from invitations (one query).

    Measures: ``answered`` (the people behind the scores), ``invited`` (whom they were asked
    of), and per employee dimension the people who answered a round that asked it (questions
    rotate, so a dimension can rest on fewer people than the period: the engine runs once per
    dimension with these).

    Each person is counted once per period and measure, in the team of their latest
    qualifying invitation (``Invitation.team_id``, frozen at launch and copied onto the
    response): the latest answered one, and for ``invited`` the latest answered else the
    latest. Latest is by round id, i.e. launch order.
    """
    if not round_ids:
        return []
    _roomy_sort()
    statement = text(_EMPLOYEE_COUNTS).bindparams(bindparam("round_ids", expanding=True))
    rows = db.session.execute(
        statement, {"tenant_id": tenant_id, "round_ids": sorted(set(round_ids))}
    ).all()
    return [CellCount(r[0], r[1], int(r[2]) or None, int(r[3])) for r in rows]


def live_counts(tenant_id: int, round_ids: Sequence[int]) -> dict[str, dict[int | None, int]]:
    """Distinct employees who answered and were invited over ``round_ids`` (open rounds
    included), per team cell attributed as in ``employee_counts``: ``{"answered": {team:
    people}, "invited": {...}}``. For participation, which is not secret."""
    out: dict[str, dict[int | None, int]] = {"answered": {}, "invited": {}}
    if not round_ids:
        return out
    statement = text(_LIVE_COUNTS).bindparams(bindparam("round_ids", expanding=True))
    rows = db.session.execute(
        statement, {"tenant_id": tenant_id, "round_ids": sorted(set(round_ids))}
    )
    for measure, team, people in rows:
        out[measure][int(team) or None] = int(people)
    return out


@dataclass(frozen=True, slots=True)
class CustomerCount:
    period: str
    measure: str  # answered | invited
    team_id: int | None  # serving team
    process_id: int | None
    segment: str | None
    people: int


_CUSTOMER_ANSWERED = """
    SELECT period, team_id, process_id, segment, COUNT(*) FROM (
        SELECT r.period AS period, resp.team_id AS team_id, resp.process_id AS process_id,
               resp.segment AS segment,
               ROW_NUMBER() OVER (PARTITION BY r.period, resp.customer_id
                                  ORDER BY r.id DESC, resp.submitted_at DESC, resp.id DESC) AS rn
        FROM responses resp
        JOIN rounds r ON r.id = resp.round_id AND r.tenant_id = :tenant_id
        WHERE resp.tenant_id = :tenant_id AND resp.audience = 'customer'
          AND resp.customer_id IS NOT NULL AND r.status = 'closed'
          AND resp.round_id IN :round_ids
    ) x WHERE rn = 1 GROUP BY period, team_id, process_id, segment
"""

_CUSTOMER_INVITED = """
    SELECT period, team_id, process_id, segment, COUNT(*) FROM (
        SELECT r.period AS period, i.team_id AS team_id, it.process_id AS process_id,
               c.segment AS segment,
               ROW_NUMBER() OVER (PARTITION BY r.period, i.customer_id
                                  ORDER BY r.id DESC, i.id DESC) AS rn
        FROM invitations i
        JOIN rounds r ON r.id = i.round_id AND r.tenant_id = :tenant_id
        LEFT JOIN interactions it ON it.id = i.interaction_id AND it.tenant_id = :tenant_id
        LEFT JOIN customers c ON c.id = i.customer_id AND c.tenant_id = :tenant_id
        WHERE i.tenant_id = :tenant_id AND r.kind = 'customer'
          AND i.customer_id IS NOT NULL AND r.status = 'closed' AND i.round_id IN :round_ids
    ) x WHERE rn = 1 GROUP BY period, team_id, process_id, segment
"""


def customer_counts(tenant_id: int, round_ids: Sequence[int]) -> list[CustomerCount]:
    """Distinct customers per period × crossed cell (serving team, process, segment), over
    the closed rounds among ``round_ids``. ``answered`` is counted from responses (a customer
    response names its customer and holds the cell its figures are filed under), each
    customer in the cell of their latest response; ``invited`` from invitations (serving team
    frozen on the invitation, process of its interaction, the customer's segment)."""
    if not round_ids:
        return []
    params = {"tenant_id": tenant_id, "round_ids": sorted(set(round_ids))}
    out: list[CustomerCount] = []
    for measure, sql in (("answered", _CUSTOMER_ANSWERED), ("invited", _CUSTOMER_INVITED)):
        statement = text(sql).bindparams(bindparam("round_ids", expanding=True))
        for r in db.session.execute(statement, params):
            out.append(
                CustomerCount(
                    r[0],
                    measure,
                    None if r[1] is None else int(r[1]),
                    None if r[2] is None else int(r[2]),
                    r[3] or None,
                    int(r[4]),
                )
            )
    return out
