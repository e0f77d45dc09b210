"""The SQL that feeds the scoring service: the one place in scoring that writes raw SQL.

Every public function takes ``tenant_id`` explicitly and filters every tenant table by it
(the ORM's central scoping does not apply to ``text()``). Nothing here decides what may be
shown: it returns counts and sums per *cell* (a team's direct members, a customer's crossed
segment × serving team × process), and ``service`` hands them to the anonymity engine.

Two sources, never mixed up:

* **rollups** (scores): n, Σx, Σx², favourable per round × cell × dimension, kept by
  ``add_to_rollups`` (one atomic upsert per response) and rebuilt by ``rebuild_rollups``;
* **invitations** (employee counts): who answered, from ``invitations.answered``, because an
  employee's response carries no person. Customers are counted from their responses, which
  name the customer and hold the segment, process and serving team the figures use.

Each person is counted in **one cell per period** (the anonymity engine needs it): the team of
their latest answered invitation (latest round, by id, i.e. launch order), and per dimension
the latest answered round that asked it. See ``employee_counts``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import TextClause, bindparam, text

from saas.extensions import db
from tenants.scoring.model import DIMENSIONS
from tenants.scoring.stats import FAVOURABLE_CUT, Moments

EMPLOYEE_DIMENSIONS: Final = tuple(d.key for d in DIMENSIONS if d.audience == "employee")
CUSTOMER_DIMENSIONS: Final = tuple(d.key for d in DIMENSIONS if d.audience == "customer")
#: Scales whose answers are scored (converted to 0-100); the others carry free text.
SCORED_SCALES: Final = ("agree5", "achievement", "ten", "yes_no")
TEXT_SCALES: Final = ("comment", "text")

# A person's latest invitation is found with one MAX over round id * _SHIFT + team id: the
# round id orders, the team id rides along (team 0 = no team). Team ids stay below _SHIFT.
_SHIFT: Final = 1_000_000_000
_FAVOURABLE_SQL: Final = FAVOURABLE_CUT - 1e-9  # as stats.is_favourable


def _sql_list(values: Iterable[str]) -> str:
    """Constant names (scales, dimensions) as an SQL list; never user input."""
    return ", ".join(f"'{v}'" for v in values)


# --------------------------------------------------------------------------- rollups (write)


@functools.cache
def _upsert(rows: int) -> TextClause:
    """The rollups upsert for ``rows`` dimensions, as one multi-row statement: one step for the
    database (and one release of Python's GIL) however many dimensions a response touched."""
    values = ", ".join(
        f"(:tenant_id, :round_id, :scope, :scope_key, :dimension_{i}, 1, :v_{i}, :v2_{i}, :fav_{i})"
        for i in range(rows)
    )
    # Only placeholders are formatted in: the values are bound parameters.
    return text(
        f"""
        INSERT INTO rollups (tenant_id, round_id, scope, scope_key, dimension,
                             n, total, total_sq, favourable)
        VALUES {values}
        ON CONFLICT (round_id, scope, scope_key, dimension) DO UPDATE SET
            n = rollups.n + excluded.n,
            total = rollups.total + excluded.total,
            total_sq = rollups.total_sq + excluded.total_sq,
            favourable = rollups.favourable + excluded.favourable
        WHERE rollups.tenant_id = excluded.tenant_id
        """  # noqa: S608
    )


def add_to_rollups(
    tenant_id: int, round_id: int, scope: str, scope_key: str, values: Mapping[str, float]
) -> None:
    """Add one response (its 0-100 value per dimension) to a cell's rollups, atomically.

    ``INSERT ... ON CONFLICT DO UPDATE SET n = rollups.n + 1, ...``: the database adds to the
    stored row under its own row lock (PostgreSQL) or write lock (SQLite), so concurrent
    responses never lose an increment and never collide creating a row. Runs in the caller's
    transaction.
    """
    if not values:
        return
    params: dict[str, object] = {
        "tenant_id": tenant_id,
        "round_id": round_id,
        "scope": scope,
        "scope_key": scope_key,
    }
    for i, (dimension, value) in enumerate(sorted(values.items())):
        params[f"dimension_{i}"] = dimension
        params[f"v_{i}"] = value
        params[f"v2_{i}"] = value * value
        params[f"fav_{i}"] = 1 if value >= _FAVOURABLE_SQL else 0
    db.session.execute(_upsert(len(values)), params)


# One response's value per dimension: the mean of its scored answers on 0-100, converted
# exactly as tenants.scoring.rollups.answer_to_100 does.
_RESPONSE_VALUES = f"""
    SELECT resp.id AS response_id, resp.round_id AS round_id, resp.audience AS audience,
           resp.team_id AS team_id, resp.process_id AS process_id, resp.segment AS segment,
           q.dimension AS dimension,
           AVG(CASE
                 WHEN q.scale IN ('agree5', 'achievement') THEN (a.value - 1) * 25.0
                 WHEN q.scale = 'ten' THEN a.value * 10.0
                 WHEN a.value > 0 THEN 100.0 ELSE 0.0
               END) AS v
    FROM answers a
    JOIN responses resp ON resp.id = a.response_id AND resp.tenant_id = :tenant_id
    JOIN questions q ON q.id = a.question_id AND q.tenant_id = :tenant_id
    WHERE a.tenant_id = :tenant_id AND a.value IS NOT NULL AND q.dimension IS NOT NULL
      AND q.scale IN ({_sql_list(SCORED_SCALES)}) {{round_filter}}
    GROUP BY resp.id, resp.round_id, resp.audience, resp.team_id, resp.process_id,
             resp.segment, q.dimension
"""  # noqa: S608 -- constant scale names only

_KEY = """
    CASE WHEN rv.audience = 'customer'
         THEN COALESCE(CAST(rv.team_id AS VARCHAR(20)), '') || '|'
              || COALESCE(CAST(rv.process_id AS VARCHAR(20)), '') || '|'
              || COALESCE(rv.segment, '')
         ELSE COALESCE(CAST(rv.team_id AS VARCHAR(20)), '')
    END
"""

_REBUILD = f"""
    INSERT INTO rollups (tenant_id, round_id, scope, scope_key, dimension,
                         n, total, total_sq, favourable)
    SELECT :tenant_id, rv.round_id,
           CASE WHEN rv.audience = 'customer' THEN 'customer' ELSE 'team' END,
           {_KEY}, rv.dimension,
           COUNT(*), SUM(rv.v), SUM(rv.v * rv.v),
           SUM(CASE WHEN rv.v >= {_FAVOURABLE_SQL!r} THEN 1 ELSE 0 END)
    FROM ({_RESPONSE_VALUES}) rv
    GROUP BY rv.round_id, CASE WHEN rv.audience = 'customer' THEN 'customer' ELSE 'team' END,
             {_KEY}, rv.dimension
"""  # noqa: S608 -- constants only


#: Rebuilds per tenant in this process: part of the service's cache key, so figures computed
#: before a rebuild are not served after it.
REBUILDS: dict[int, int] = {}


def rebuild_rollups(tenant_id: int, round_ids: Sequence[int] | None = None) -> None:
    """Recompute the rollups of ``round_ids`` (all the tenant's rounds when None) from the
    stored answers, set-based, exactly as ``add_response`` builds them one by one. For
    imports, repairs and the benchmark; the caller commits."""
    params: dict[str, object] = {"tenant_id": tenant_id}
    if round_ids is None:
        delete = text("DELETE FROM rollups WHERE tenant_id = :tenant_id")
        insert = text(_REBUILD.format(round_filter=""))
    else:
        ids = sorted(set(round_ids))
        if not ids:
            return
        params["round_ids"] = ids
        delete = text(
            "DELETE FROM rollups WHERE tenant_id = :tenant_id AND round_id IN :round_ids"
        ).bindparams(bindparam("round_ids", expanding=True))
        insert = text(_REBUILD.format(round_filter="AND resp.round_id IN :round_ids")).bindparams(
            bindparam("round_ids", expanding=True)
        )
    db.session.execute(delete, params)
    db.session.execute(insert, params)
    REBUILDS[tenant_id] = REBUILDS.get(tenant_id, 0) + 1
    forget_outcomes(tenant_id)


# --------------------------------------------------------------------------- tenant shape


@dataclass(frozen=True, slots=True)
class TenantSettings:
    name: str
    timezone: str
    threshold: int
    comment_threshold: int


def tenant_settings(tenant_id: int) -> TenantSettings | None:
    row = db.session.execute(
        text(
            "SELECT name, timezone, anonymity_threshold, comment_threshold "
            "FROM tenants WHERE id = :tenant_id"
        ),
        {"tenant_id": tenant_id},
    ).first()
    return None if row is None else TenantSettings(row[0], row[1], int(row[2]), int(row[3]))


@dataclass(frozen=True, slots=True)
class TeamRow:
    id: int
    parent_id: int | None
    name: str


def teams(tenant_id: int) -> list[TeamRow]:
    rows = db.session.execute(
        text("SELECT id, parent_id, name FROM teams WHERE tenant_id = :tenant_id ORDER BY id"),
        {"tenant_id": tenant_id},
    )
    return [TeamRow(int(r[0]), None if r[1] is None else int(r[1]), r[2]) for r in rows]


def process_names(tenant_id: int) -> dict[int, str]:
    rows = db.session.execute(
        text("SELECT id, name FROM processes WHERE tenant_id = :tenant_id"),
        {"tenant_id": tenant_id},
    )
    return {int(r[0]): r[1] for r in rows}


@dataclass(frozen=True, slots=True)
class RoundRow:
    """What scoring needs of a round: its period, kind, status and frozen thresholds, and
    when it was created and closed (which tell a settled period's figures apart)."""

    id: int
    period: str
    kind: str
    status: str
    threshold: int
    comment_threshold: int
    created_at: datetime | None
    closed_at: datetime | None


def _aware(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back raw SQL datetimes as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def rounds(tenant_id: int) -> list[RoundRow]:
    rows = db.session.execute(
        text(
            "SELECT id, period, kind, status, threshold, comment_threshold, created_at,"
            " closed_at FROM rounds WHERE tenant_id = :tenant_id ORDER BY id"
        ),
        {"tenant_id": tenant_id},
    )
    return [
        RoundRow(int(r[0]), r[1], r[2], r[3], int(r[4]), int(r[5]), _aware(r[6]), _aware(r[7]))
        for r in rows
    ]


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True, slots=True)
class RollupSum:
    period: str
    scope: str
    scope_key: str
    dimension: str
    moments: Moments


def rollup_sums(tenant_id: int, round_ids: Sequence[int]) -> list[RollupSum]:
    """The rollups of the *closed* rounds among ``round_ids``, summed per period × cell ×
    dimension.

    Open rounds never feed a score: watching a figure move as answers arrive would reveal
    each new answer."""
    if not round_ids:
        return []
    rows = db.session.execute(
        text(
            """
            SELECT r.period, ro.scope, ro.scope_key, ro.dimension,
                   SUM(ro.n), SUM(ro.total), SUM(ro.total_sq), SUM(ro.favourable)
            FROM rollups ro
            JOIN rounds r ON r.id = ro.round_id AND r.tenant_id = :tenant_id
            WHERE ro.tenant_id = :tenant_id AND r.status = 'closed'
              AND ro.round_id IN :round_ids
            GROUP BY r.period, ro.scope, ro.scope_key, ro.dimension
            """
        ).bindparams(bindparam("round_ids", expanding=True)),
        {"tenant_id": tenant_id, "round_ids": sorted(set(round_ids))},
    ).all()
    return [
        RollupSum(r[0], r[1], r[2], r[3], Moments(int(r[4]), float(r[5]), float(r[6]), int(r[7])))
        for r in rows
        if r[4]
    ]


# --------------------------------------------------------------------------- employee counts


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
    + f" WHERE rq.tenant_id = :tenant_id AND q.scale IN ({_sql_list(SCORED_SCALES)})"
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


# --------------------------------------------------------------------------- customer counts


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


# --------------------------------------------------------------------------- comments


@dataclass(frozen=True, slots=True)
class CommentRow:
    text: str
    topic: str  # the question's key: pm_purpose, pm_small_change, a comment item's key...
    team_id: int | None


def employee_comments(tenant_id: int, period: str) -> list[CommentRow]:
    """Free-text answers (comment items and purpose-map text) of the closed employee rounds
    of ``period``, with the team the response is filed under. No time, no order that means
    anything: the anonymity engine shuffles them."""
    rows = db.session.execute(
        text(
            f"""
            SELECT a.text, q.key, resp.team_id
            FROM answers a
            JOIN responses resp ON resp.id = a.response_id AND resp.tenant_id = :tenant_id
            JOIN rounds r ON r.id = resp.round_id AND r.tenant_id = :tenant_id
            JOIN questions q ON q.id = a.question_id AND q.tenant_id = :tenant_id
            WHERE a.tenant_id = :tenant_id AND r.period = :period AND r.status = 'closed'
              AND r.kind = 'employee' AND q.scale IN ({_sql_list(TEXT_SCALES)})
              AND a.text IS NOT NULL AND a.text <> ''
            """  # noqa: S608 -- constant scale names only
        ),
        {"tenant_id": tenant_id, "period": period},
    )
    return [CommentRow(r[0], r[1], None if r[2] is None else int(r[2])) for r in rows]


# --------------------------------------------------------------------------- stored counts


def stored_employee_counts(tenant_id: int, periods: Sequence[str]) -> list[CellCount]:
    """The counts stored for complete ``periods`` (those not stored yet are simply absent)."""
    if not periods:
        return []
    rows = db.session.execute(
        text(
            "SELECT period, measure, team_id, people FROM period_counts"
            " WHERE tenant_id = :tenant_id AND period IN :periods"
        ).bindparams(bindparam("periods", expanding=True)),
        {"tenant_id": tenant_id, "periods": sorted(set(periods))},
    ).all()
    return [CellCount(r[0], r[1], int(r[2]) or None, int(r[3])) for r in rows]


def store_employee_counts(tenant_id: int, period: str, counts: Sequence[CellCount]) -> None:
    """Replace the stored counts of one complete period."""
    db.session.execute(
        text("DELETE FROM period_counts WHERE tenant_id = :tenant_id AND period = :period"),
        {"tenant_id": tenant_id, "period": period},
    )
    if counts:
        db.session.execute(
            text(
                "INSERT INTO period_counts (tenant_id, period, measure, team_id, people)"
                " VALUES (:tenant_id, :period, :measure, :team_id, :people)"
            ),
            [
                {
                    "tenant_id": tenant_id,
                    "period": period,
                    "measure": c.measure,
                    "team_id": c.team_id or 0,
                    "people": c.people,
                }
                for c in counts
                if c.period == period
            ],
        )


def stored_outcomes(tenant_id: int, periods: Sequence[str]) -> dict[str, tuple[str, str]]:
    """``{period: (key_hash, json)}`` of the stored outcomes of ``periods``."""
    if not periods:
        return {}
    rows = db.session.execute(
        text(
            "SELECT period, key_hash, data FROM period_outcomes"
            " WHERE tenant_id = :tenant_id AND period IN :periods"
        ).bindparams(bindparam("periods", expanding=True)),
        {"tenant_id": tenant_id, "periods": sorted(set(periods))},
    ).all()
    return {r[0]: (r[1], r[2]) for r in rows}


def store_outcome(tenant_id: int, period: str, key_hash: str, data: str) -> None:
    db.session.execute(
        text("DELETE FROM period_outcomes WHERE tenant_id = :tenant_id AND period = :period"),
        {"tenant_id": tenant_id, "period": period},
    )
    db.session.execute(
        text(
            "INSERT INTO period_outcomes (tenant_id, period, key_hash, data)"
            " VALUES (:tenant_id, :period, :key_hash, :data)"
        ),
        {"tenant_id": tenant_id, "period": period, "key_hash": key_hash, "data": data},
    )


def forget_outcomes(tenant_id: int) -> None:
    """After rollups are rebuilt, stored outcomes may be stale: drop them."""
    db.session.execute(
        text("DELETE FROM period_outcomes WHERE tenant_id = :tenant_id"), {"tenant_id": tenant_id}
    )
