"""What Cronbach's alpha needs from the stored answers of a quarter's purpose-map round: per
dimension, the sums of each item over the responses that answered all the dimension's items,
and of those responses' totals. Responses carry a random id and answers, nothing about a
person; only sums leave the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text

from saas.extensions import db
from tenants.scoring.core.stats import Moments

# Each answer to a 1-5 agreement item of a dimension, on 0-100, with how many of the
# dimension's items its response answered.
_ITEMS = """
    WITH item AS (
        SELECT a.response_id AS response_id, q.dimension AS dimension,
               a.question_id AS question_id, (a.value - 1) * 25.0 AS v
        FROM answers a
        JOIN responses r ON r.id = a.response_id AND r.tenant_id = :tenant_id
        JOIN questions q ON q.id = a.question_id AND q.tenant_id = :tenant_id
        WHERE a.tenant_id = :tenant_id AND r.round_id IN :round_ids
          AND a.value IS NOT NULL AND q.dimension IS NOT NULL AND q.scale = 'agree5'
    ),
    per_response AS (
        SELECT response_id, dimension, COUNT(*) AS items, SUM(v) AS total
        FROM item GROUP BY response_id, dimension
    )
"""

_BY_ITEM = text(
    f"""{_ITEMS}
    SELECT i.dimension, p.items, i.question_id, COUNT(*), SUM(i.v), SUM(i.v * i.v)
    FROM item i
    JOIN per_response p ON p.response_id = i.response_id AND p.dimension = i.dimension
    GROUP BY i.dimension, p.items, i.question_id
"""  # noqa: S608 -- constant SQL only
).bindparams(bindparam("round_ids", expanding=True))

_BY_TOTAL = text(
    f"""{_ITEMS}
    SELECT dimension, items, COUNT(*), SUM(total), SUM(total * total)
    FROM per_response GROUP BY dimension, items
"""  # noqa: S608 -- constant SQL only
).bindparams(bindparam("round_ids", expanding=True))


@dataclass(frozen=True, slots=True)
class ItemSums:
    dimension: str
    items: tuple[Moments, ...]  # one per item
    total: Moments  # of the per-response totals


def item_sums(tenant_id: int, round_ids: Sequence[int]) -> list[ItemSums]:
    """Per dimension, over the responses of ``round_ids`` that answered the most items of it
    (all the dimension's items of the round): each item's sums and the totals' sums."""
    if not round_ids:
        return []
    params = {"tenant_id": tenant_id, "round_ids": sorted(set(round_ids))}
    totals: dict[str, tuple[int, Moments]] = {}
    for dimension, items, n, total, total_sq in db.session.execute(_BY_TOTAL, params):
        if dimension not in totals or int(items) > totals[dimension][0]:
            totals[dimension] = (int(items), Moments(int(n), float(total), float(total_sq)))
    per_item: dict[str, list[Moments]] = {}
    for dimension, items, _question, n, total, total_sq in db.session.execute(_BY_ITEM, params):
        if dimension in totals and int(items) == totals[dimension][0]:
            per_item.setdefault(dimension, []).append(
                Moments(int(n), float(total), float(total_sq))
            )
    return [
        ItemSums(dimension, tuple(per_item.get(dimension, ())), total)
        for dimension, (_k, total) in sorted(totals.items())
    ]


def map_rounds(tenant_id: int, round_ids: Sequence[int]) -> list[int]:
    """Those of ``round_ids`` that carried the purpose map (the quarter's long round)."""
    if not round_ids:
        return []
    rows = db.session.execute(
        text(
            "SELECT id FROM rounds WHERE tenant_id = :tenant_id AND id IN :round_ids"
            " AND include_purpose_map = :yes"
        ).bindparams(bindparam("round_ids", expanding=True)),
        {"tenant_id": tenant_id, "round_ids": sorted(set(round_ids)), "yes": True},
    )
    return [int(r[0]) for r in rows]
