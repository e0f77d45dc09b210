"""Undoing an import: what it is about to change, read from the stage before the upsert, and
putting it back.

The snapshot holds, for the people the file updates, the columns an import writes as they
were; the emails it creates; and the people it deactivates. Undoing restores those columns,
reactivates those people and removes the created ones (a created person already invited or
linked to an interaction or an answer is deactivated instead, so no history is lost). Teams
the import created stay.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, and_, delete, exists, literal, or_, select, update

from saas.db import Base, UTCDateTime
from saas.extensions import db
from tenants.people.aggregates.stage import TARGETS, stage
from tenants.people.aggregates.writes import WRITTEN, _missing_clause


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def snapshot(tenant_id: int, kind: str, deactivate_missing: bool) -> dict[str, Any]:
    """What the commit about to run will change (call it with the stage filled)."""
    target = TARGETS[kind]
    columns = [target.c[name] for name in WRITTEN[kind]]
    good = and_(stage.c.error.is_(None), stage.c.email.is_not(None))
    existing = db.session.execute(
        select(target.c.id, *columns).where(
            target.c.tenant_id == tenant_id,
            target.c.id.in_(select(stage.c.target_id).where(good)),
        )
    )
    created = db.session.scalars(select(stage.c.email).where(good, stage.c.target_id.is_(None)))
    missing: list[int] = []
    if deactivate_missing:
        missing = list(
            db.session.scalars(select(target.c.id).where(_missing_clause(tenant_id, target)))
        )
    return {
        "kind": kind,
        "existing": [{k: _plain(v) for k, v in row._mapping.items()} for row in existing],
        "created": sorted(set(created)),
        "deactivated": missing,
    }


def _referenced(kind: str, target: Any) -> Any:
    """A person something else points to (an invitation, an interaction, an answer). The
    tables are the pulses' and surveys' (by name: people imports neither area)."""
    tables = Base.metadata.tables
    invitations = tables["invitations"]
    if kind == "employees":
        return exists().where(invitations.c.employee_id == target.c.id)
    return or_(
        exists().where(invitations.c.customer_id == target.c.id),
        exists().where(tables["interactions"].c.customer_id == target.c.id),
        exists().where(tables["responses"].c.customer_id == target.c.id),
    )


def restore(tenant_id: int, data: dict[str, Any], now: datetime) -> dict[str, int]:
    """Put the people back as ``snapshot`` found them. Returns what it did, by kind of change."""
    kind = data["kind"]
    target = TARGETS[kind]
    stamp = literal(now, UTCDateTime())
    mine = target.c.tenant_id == tenant_id
    for row in data["existing"]:
        values = {
            name: date.fromisoformat(value)
            if value is not None and isinstance(target.c[name].type, Date)
            else value
            for name, value in row.items()
            if name in WRITTEN[kind]
        }
        db.session.execute(
            update(target).where(mine, target.c.id == row["id"]).values(**values, updated_at=stamp)
        )
    reactivated = 0
    if data["deactivated"]:
        reactivated = (
            db.session.execute(
                update(target)
                .where(mine, target.c.id.in_(data["deactivated"]))
                .values(active=True, updated_at=stamp)
            ).rowcount
            or 0
        )
    created = target.c.email.in_(data["created"]) if data["created"] else None
    kept = removed = 0
    if created is not None:
        kept = (
            db.session.execute(
                update(target)
                .where(mine, created, _referenced(kind, target))
                .values(active=False, updated_at=stamp)
            ).rowcount
            or 0
        )
        removed = (
            db.session.execute(
                delete(target).where(mine, created, ~_referenced(kind, target))
            ).rowcount
            or 0
        )
    return {
        "restored": len(data["existing"]),
        "reactivated": reactivated,
        "removed": removed,
        "kept_inactive": kept,
    }
