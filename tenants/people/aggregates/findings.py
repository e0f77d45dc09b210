"""What the stage says: duplicates, unknown managers, missing names, new/updated/unchanged rows,
the problems to show and the teams an import would create."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, and_, case, cast, exists, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from saas.extensions import db
from tenants.people.aggregates.stage import EMPLOYEES, TARGETS, stage


def _same(stage_column: ColumnElement[Any], target_column: ColumnElement[Any]) -> Any:
    """A stage cell left empty keeps the stored value; otherwise it must equal it."""
    return or_(stage_column.is_(None), stage_column.is_not_distinct_from(target_column))


def _same_team(team_column: ColumnElement[Any]) -> Any:
    """A row naming no team keeps the stored one; one naming a team must name the stored one."""
    return or_(
        stage.c.team_key.is_(None),
        and_(stage.c.team_id.is_not(None), stage.c.team_id == team_column),
    )


def check_stage(tenant_id: int, kind: str) -> None:
    """Mark duplicates, unknown managers and missing names, then classify every good row."""
    target = TARGETS[kind]
    first = stage.alias("first")
    earliest = (
        select(func.min(first.c.line)).where(first.c.email == stage.c.email).scalar_subquery()
    )
    db.session.execute(
        update(stage)
        .where(stage.c.error.is_(None), stage.c.email.is_not(None), stage.c.line > earliest)
        .values(error="duplicate", error_field="email", error_value=cast(earliest, String))
    )
    if kind == "employees":
        other = stage.alias("other")
        db.session.execute(
            update(stage)
            .where(
                stage.c.error.is_(None),
                stage.c.manager_email.is_not(None),
                ~exists().where(other.c.email == stage.c.manager_email),
                ~exists().where(
                    EMPLOYEES.c.tenant_id == tenant_id,
                    EMPLOYEES.c.email == stage.c.manager_email,
                ),
            )
            .values(error="unknown_manager", error_field="manager_email")
        )
    if kind == "employees":
        same = and_(
            _same(stage.c.name, target.c.name),
            _same_team(target.c.team_id),
            _same(stage.c.manager_email, target.c.manager_email),
            _same(stage.c.locale, target.c.locale),
            _same(stage.c.start_date, target.c.start_date),
            stage.c.active == target.c.active,
        )
    else:
        same = and_(
            _same(stage.c.name, target.c.name),
            _same_team(target.c.serving_team_id),
            _same(stage.c.segment, target.c.segment),
            _same(stage.c.locale, target.c.locale),
            _same(stage.c.consent, target.c.consent),
            or_(stage.c.unsubscribed.is_not(True), target.c.unsubscribed.is_(True)),
            stage.c.active == target.c.active,
        )
    # Rows that match a stored person (UPDATE ... FROM: PostgreSQL, SQLite >= 3.33).
    db.session.execute(
        update(stage)
        .where(
            stage.c.error.is_(None),
            target.c.tenant_id == tenant_id,
            target.c.email == stage.c.email,
        )
        .values(target_id=target.c.id, status=case((same, "same"), else_="changed"))
    )
    if kind == "employees":
        db.session.execute(
            update(stage)
            .where(stage.c.error.is_(None), stage.c.status.is_(None), stage.c.name.is_(None))
            .values(error="missing_field", error_field="name", error_value="")
        )
    db.session.execute(
        update(stage).where(stage.c.error.is_(None), stage.c.status.is_(None)).values(status="new")
    )


def stage_counts(tenant_id: int, kind: str) -> dict[str, int]:
    """Rows per outcome (total, invalid, new, updated, unchanged), and how many good rows make
    someone active (new, or inactive and back in the file) or inactive (``active: false``)."""
    target = TARGETS[kind]
    counts = {"total": 0, "invalid": 0, "new": 0, "updated": 0, "unchanged": 0}
    rows = db.session.execute(
        select(stage.c.status, func.count()).where(stage.c.error.is_(None)).group_by(stage.c.status)
    ).all()
    rows.append(
        (
            "invalid",
            db.session.execute(select(func.count()).where(stage.c.error.is_not(None))).scalar_one(),
        )
    )
    names = {"new": "new", "changed": "updated", "same": "unchanged", "invalid": "invalid"}
    for status, count in rows:
        counts[names[status]] = count or 0
        counts["total"] += count or 0
    joined = stage.outerjoin(
        target, and_(target.c.id == stage.c.target_id, target.c.tenant_id == tenant_id)
    )
    activated, deactivated = db.session.execute(
        select(
            func.count(
                case(
                    (
                        and_(
                            stage.c.active.is_(True),
                            or_(target.c.id.is_(None), target.c.active.is_(False)),
                        ),
                        1,
                    )
                )
            ),
            func.count(case((and_(stage.c.active.is_(False), target.c.active.is_(True)), 1))),
        )
        .select_from(joined)
        .where(stage.c.error.is_(None))
    ).one()
    counts["activated"], counts["deactivated"] = activated or 0, deactivated or 0
    return counts


def stage_problems(tenant_id: int, limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` bad rows, in file order."""
    rows = db.session.execute(
        select(
            stage.c.line,
            stage.c.shown_email,
            stage.c.error,
            stage.c.error_field,
            stage.c.error_value,
            stage.c.manager_email,
        )
        .where(stage.c.error.is_not(None))
        .order_by(stage.c.line)
        .limit(limit)
    )
    return [
        {
            "line": line,
            "email": shown or "",
            "code": code,
            "field": field or "",
            "value": (manager if code == "unknown_manager" else value) or "",
        }
        for line, shown, code, field, value, manager in rows
    ]


def new_team_keys(tenant_id: int) -> list[str]:
    """Team keys used by good rows that match no existing team (teams the import will create)."""
    return list(
        db.session.execute(
            select(stage.c.team_key)
            .where(
                stage.c.error.is_(None),
                stage.c.team_key.is_not(None),
                stage.c.team_id.is_(None),
            )
            .distinct()
            .order_by(stage.c.team_key)
        ).scalars()
    )
