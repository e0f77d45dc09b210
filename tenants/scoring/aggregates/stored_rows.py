"""What the tick stores for complete quarters: distinct-people counts (``period_counts``) and
releases (``releases``: each quarter's snapshot, written once and never updated)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, bindparam, text

from saas.extensions import db
from tenants.scoring.aggregates.people_counts import CellCount


def _rows_of_periods(tenant_id: int, sql: str, periods: Sequence[str]) -> Sequence[Row[Any]]:
    """The rows of ``sql`` (a SELECT on ``:tenant_id`` and ``period IN :periods``)."""
    return db.session.execute(
        text(sql).bindparams(bindparam("periods", expanding=True)),
        {"tenant_id": tenant_id, "periods": sorted(set(periods))},
    ).all()


def stored_employee_counts(tenant_id: int, periods: Sequence[str]) -> list[CellCount]:
    """The counts stored for complete ``periods`` (those not stored yet are simply absent)."""
    if not periods:
        return []
    rows = _rows_of_periods(
        tenant_id,
        "SELECT period, measure, team_id, people FROM period_counts"
        " WHERE tenant_id = :tenant_id AND period IN :periods",
        periods,
    )
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


def released_periods(tenant_id: int, periods: Sequence[str]) -> set[str]:
    """Which of ``periods`` have a complete-quarter release (without reading the snapshots)."""
    if not periods:
        return set()
    rows = _rows_of_periods(
        tenant_id,
        "SELECT period FROM releases"
        " WHERE tenant_id = :tenant_id AND kind = 'quarter' AND period IN :periods",
        periods,
    )
    return {r[0] for r in rows}


def releases(tenant_id: int, periods: Sequence[str]) -> dict[str, str]:
    """``{period: snapshot json}`` of the complete-quarter releases of ``periods``."""
    if not periods:
        return {}
    rows = _rows_of_periods(
        tenant_id,
        "SELECT period, data FROM releases"
        " WHERE tenant_id = :tenant_id AND kind = 'quarter' AND period IN :periods",
        periods,
    )
    return {r[0]: r[1] for r in rows}
