"""What scoring reads of a tenant's shape: its settings, its rounds, its process names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

from saas.extensions import db


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
