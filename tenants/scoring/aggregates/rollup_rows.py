"""The rollups in SQL: one response added atomically (``add_to_rollups``), every row rebuilt
from the stored answers (``rebuild_rollups``), and summed per period × cell × dimension
(``rollup_sums``)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import TextClause, bindparam, text

from saas.extensions import db
from tenants.scoring.aggregates import FAVOURABLE_SQL, SCORED_SCALES_SQL
from tenants.scoring.core.maturity import ANCHOR_SUFFIX
from tenants.scoring.core.stats import Moments
from tenants.surveys.bank import ANCHOR_KEYS


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
        params[f"fav_{i}"] = 1 if value >= FAVOURABLE_SQL else 0
    db.session.execute(_upsert(len(values)), params)


# The built-in anchor keys: constants of the bank (letters and underscores only).
_ANCHORS_SQL = ", ".join(f"'{key}'" for key in sorted(ANCHOR_KEYS))
assert all(key.replace("_", "").isalnum() for key in ANCHOR_KEYS)

# One response's value per dimension (and its anchor answer): the mean of its scored answers
# on 0-100, converted exactly as tenants.scoring.rollups.answer_to_100 does.
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
      AND q.scale IN ({SCORED_SCALES_SQL}) {{round_filter}}
    GROUP BY resp.id, resp.round_id, resp.audience, resp.team_id, resp.process_id,
             resp.segment, q.dimension
    UNION ALL
    SELECT resp.id, resp.round_id, resp.audience, resp.team_id, resp.process_id, resp.segment,
           q.dimension || '\\{ANCHOR_SUFFIX}',  -- the backslash keeps text() from a bind
           CASE
             WHEN q.scale IN ('agree5', 'achievement') THEN (a.value - 1) * 25.0
             WHEN q.scale = 'ten' THEN a.value * 10.0
             WHEN a.value > 0 THEN 100.0 ELSE 0.0
           END
    FROM answers a
    JOIN responses resp ON resp.id = a.response_id AND resp.tenant_id = :tenant_id
    JOIN questions q ON q.id = a.question_id AND q.tenant_id = :tenant_id
    WHERE a.tenant_id = :tenant_id AND a.value IS NOT NULL AND q.dimension IS NOT NULL
      AND q.scale IN ({SCORED_SCALES_SQL}) AND q.key IN ({_ANCHORS_SQL}) {{round_filter}}
"""  # noqa: S608 -- constant scale names and anchor keys only

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
           SUM(CASE WHEN rv.v >= {FAVOURABLE_SQL!r} THEN 1 ELSE 0 END)
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
