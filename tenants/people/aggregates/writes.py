"""What a commit writes: the teams' ids on the stage, the one upsert, the deactivation of the
people missing from the file, and the seat count checked afterwards."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Table, and_, case, exists, func, literal, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from saas.db import UTCDateTime
from saas.extensions import db
from tenants.people.aggregates.stage import EMPLOYEES, TARGETS, stage

# The columns an import writes, per kind (besides tenant_id, email and the timestamps).
WRITTEN = {
    "employees": ("name", "team_id", "manager_email", "locale", "start_date", "active"),
    "customers": (
        "name",
        "segment",
        "serving_team_id",
        "locale",
        "consent",
        "unsubscribed",
        "active",
    ),
}


def assign_teams(tenant_id: int, team_ids: Mapping[str, int]) -> None:
    """Give staged rows the ids of the teams just created (one statement)."""
    if team_ids:
        db.session.execute(
            update(stage)
            .where(stage.c.team_key.in_(list(team_ids)))
            .values(team_id=case(dict(team_ids), value=stage.c.team_key))
        )


def _missing_clause(tenant_id: int, target: Table) -> Any:
    return and_(
        target.c.tenant_id == tenant_id,
        target.c.active.is_(True),
        ~exists().where(stage.c.email == target.c.email),
    )


def count_missing(tenant_id: int, kind: str) -> int:
    """Active people of this kind whom the file does not mention (deactivated on request)."""
    target = TARGETS[kind]
    return (
        db.session.execute(
            select(func.count()).select_from(target).where(_missing_clause(tenant_id, target))
        ).scalar_one()
        or 0
    )


def deactivate_missing(tenant_id: int, kind: str, now: datetime) -> int:
    target = TARGETS[kind]
    result = db.session.execute(
        update(target)
        .where(_missing_clause(tenant_id, target))
        .values(active=False, updated_at=literal(now, UTCDateTime()))
    )
    return result.rowcount or 0


def upsert(tenant_id: int, kind: str, now: datetime) -> None:
    """Write every new or changed good row with one INSERT ... SELECT ... ON CONFLICT.

    The SELECT merges each staged row with the stored one (an empty cell keeps the stored value;
    an unsubscribe is never undone by an import), so the conflict clause just applies it.
    """
    target = TARGETS[kind]
    existing = target.alias("existing")
    stamp = literal(now, UTCDateTime())
    if kind == "employees":
        values: dict[str, Any] = {
            "name": func.coalesce(stage.c.name, existing.c.name, ""),
            "team_id": case(
                (stage.c.team_key.is_(None), existing.c.team_id), else_=stage.c.team_id
            ),
            "manager_email": func.coalesce(stage.c.manager_email, existing.c.manager_email),
            "locale": func.coalesce(stage.c.locale, existing.c.locale, "en"),
            "start_date": func.coalesce(stage.c.start_date, existing.c.start_date),
            "active": stage.c.active,
        }
    else:
        values = {
            "name": func.coalesce(stage.c.name, existing.c.name, ""),
            "segment": func.coalesce(stage.c.segment, existing.c.segment),
            "serving_team_id": case(
                (stage.c.team_key.is_(None), existing.c.serving_team_id), else_=stage.c.team_id
            ),
            "locale": func.coalesce(stage.c.locale, existing.c.locale, "en"),
            "consent": func.coalesce(stage.c.consent, existing.c.consent, true()),
            "unsubscribed": or_(
                func.coalesce(stage.c.unsubscribed, False).is_(True),
                func.coalesce(existing.c.unsubscribed, False).is_(True),
            ),
            "active": stage.c.active,
        }
    source = (
        select(
            literal(tenant_id, Integer()).label("tenant_id"),
            stage.c.email,
            *(expression.label(name) for name, expression in values.items()),
            stamp.label("created_at"),
            stamp.label("updated_at"),
        )
        .select_from(
            stage.outerjoin(
                existing,
                and_(existing.c.tenant_id == tenant_id, existing.c.email == stage.c.email),
            )
        )
        .where(stage.c.error.is_(None), stage.c.status.in_(("new", "changed")))
        .order_by(stage.c.line)
    )
    columns = ["tenant_id", "email", *values, "created_at", "updated_at"]
    postgres = db.session.get_bind().dialect.name == "postgresql"
    insert = postgresql.insert if postgres else sqlite.insert
    statement = insert(target).from_select(columns, source)
    statement = statement.on_conflict_do_update(
        index_elements=["tenant_id", "email"],
        set_={name: statement.excluded[name] for name in [*WRITTEN[kind], "updated_at"]},
    )
    db.session.execute(statement)


def active_employee_count(tenant_id: int) -> int:
    """Seats in use: the tenant's active employees."""
    return (
        db.session.execute(
            select(func.count())
            .select_from(EMPLOYEES)
            .where(EMPLOYEES.c.tenant_id == tenant_id, EMPLOYEES.c.active.is_(True))
        ).scalar_one()
        or 0
    )
