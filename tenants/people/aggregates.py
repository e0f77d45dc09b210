"""Set-based SQL for bulk imports: the only raw SQL of the people area.

An import (a CSV or an API call) is streamed into a temporary *stage* table on the session's
connection, checked there with a few set-based statements (duplicates, unknown managers, what is
new, updated or unchanged) and written with one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE``.
The stage lives inside the caller's transaction: a preview rolls it back, a commit drops it before
committing. Every public function takes ``tenant_id`` explicitly and filters the tenant's tables
with it (the stage holds one import of one tenant).

Written with SQLAlchemy Core so the same code runs on SQLite (>= 3.24 for upserts) and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from saas.db import UTCDateTime
from saas.extensions import db
from tenants.people.models import Customer, Employee

STAGE_NAME = "op_people_stage"
_stage_metadata = MetaData()
stage = Table(
    STAGE_NAME,
    _stage_metadata,
    Column("line", Integer, nullable=False),
    Column("email", String(254)),  # normalised, NULL when the cell is not a valid address
    Column("shown_email", String(254)),  # as written in the file, for the problem list
    Column("name", String(120)),
    Column("team_key", String(120)),
    Column("team_id", Integer),
    Column("manager_email", String(254)),
    Column("locale", String(2)),
    Column("start_date", Date),
    Column("segment", String(60)),
    Column("consent", Boolean),
    Column("unsubscribed", Boolean),
    Column("active", Boolean, nullable=False),
    Column("error", String(30)),
    Column("error_field", String(30)),
    Column("error_value", String(254)),
    Column("target_id", Integer),
    Column("status", String(10)),
    Index(f"ix_{STAGE_NAME}_email", "email"),
    Index(f"ix_{STAGE_NAME}_team_key", "team_key"),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)

STAGE_FIELDS = tuple(c.name for c in stage.columns if c.name not in ("target_id", "status"))
_employees = Employee.__table__
_customers = Customer.__table__
# The columns an import writes, per kind (besides tenant_id, email and the timestamps).
_WRITTEN = {
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


def _target(kind: str) -> Table:
    return _employees if kind == "employees" else _customers


def _execute(statement: Any, params: Any = None) -> Any:
    return db.session.execute(statement, params)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _drop_stage() -> None:
    schema = "pg_temp" if _dialect() == "postgresql" else "temp"
    _execute(text(f"DROP TABLE IF EXISTS {schema}.{STAGE_NAME}"))


def create_stage(tenant_id: int) -> None:
    """An empty stage on the session's connection, inside its current transaction."""
    _drop_stage()
    connection = db.session.connection()
    stage.create(connection)


def drop_stage(tenant_id: int) -> None:
    _drop_stage()


def stage_rows(tenant_id: int, rows: list[Mapping[str, Any]]) -> None:
    """Add a batch of checked rows (dicts with every name in STAGE_FIELDS) to the stage.

    PostgreSQL: COPY on the session's own connection (several times faster than executemany);
    SQLite: executemany, which is already fast in-process.
    """
    if not rows:
        return
    if _dialect() != "postgresql":
        _execute(stage.insert(), rows)
        return
    cursor = db.session.connection().connection.cursor()
    try:
        columns = ", ".join(STAGE_FIELDS)
        with cursor.copy(f"COPY {STAGE_NAME} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(row[name] for name in STAGE_FIELDS))
    finally:
        cursor.close()


def _same(stage_column: ColumnElement[Any], target_column: ColumnElement[Any]) -> Any:
    """A stage cell left empty keeps the stored value; otherwise it must equal it."""
    return or_(stage_column.is_(None), stage_column.is_not_distinct_from(target_column))


def check_stage(tenant_id: int, kind: str) -> None:
    """Mark duplicates, unknown managers and missing names, then classify every good row."""
    target = _target(kind)
    first = stage.alias("first")
    earliest = (
        select(func.min(first.c.line)).where(first.c.email == stage.c.email).scalar_subquery()
    )
    _execute(
        update(stage)
        .where(stage.c.error.is_(None), stage.c.email.is_not(None), stage.c.line > earliest)
        .values(error="duplicate", error_field="email", error_value=cast(earliest, String))
    )
    if kind == "employees":
        other = stage.alias("other")
        _execute(
            update(stage)
            .where(
                stage.c.error.is_(None),
                stage.c.manager_email.is_not(None),
                ~exists().where(other.c.email == stage.c.manager_email),
                ~exists().where(
                    _employees.c.tenant_id == tenant_id,
                    _employees.c.email == stage.c.manager_email,
                ),
            )
            .values(error="unknown_manager", error_field="manager_email")
        )
    if kind == "employees":
        same = and_(
            _same(stage.c.name, target.c.name),
            or_(
                stage.c.team_key.is_(None),
                and_(stage.c.team_id.is_not(None), stage.c.team_id == target.c.team_id),
            ),
            _same(stage.c.manager_email, target.c.manager_email),
            _same(stage.c.locale, target.c.locale),
            _same(stage.c.start_date, target.c.start_date),
            stage.c.active == target.c.active,
        )
    else:
        same = and_(
            _same(stage.c.name, target.c.name),
            or_(
                stage.c.team_key.is_(None),
                and_(stage.c.team_id.is_not(None), stage.c.team_id == target.c.serving_team_id),
            ),
            _same(stage.c.segment, target.c.segment),
            _same(stage.c.locale, target.c.locale),
            _same(stage.c.consent, target.c.consent),
            or_(stage.c.unsubscribed.is_not(True), target.c.unsubscribed.is_(True)),
            stage.c.active == target.c.active,
        )
    # Rows that match a stored person (UPDATE ... FROM: PostgreSQL, SQLite >= 3.33).
    _execute(
        update(stage)
        .where(
            stage.c.error.is_(None),
            target.c.tenant_id == tenant_id,
            target.c.email == stage.c.email,
        )
        .values(target_id=target.c.id, status=case((same, "same"), else_="changed"))
    )
    if kind == "employees":
        _execute(
            update(stage)
            .where(stage.c.error.is_(None), stage.c.status.is_(None), stage.c.name.is_(None))
            .values(error="missing_field", error_field="name", error_value="")
        )
    _execute(
        update(stage).where(stage.c.error.is_(None), stage.c.status.is_(None)).values(status="new")
    )


def stage_counts(tenant_id: int, kind: str) -> dict[str, int]:
    """Rows per outcome (total, invalid, new, updated, unchanged), and how many good rows make
    someone active (new, or inactive and back in the file) or inactive (``active: false``)."""
    target = _target(kind)
    counts = {"total": 0, "invalid": 0, "new": 0, "updated": 0, "unchanged": 0}
    rows = _execute(
        select(stage.c.status, func.count()).where(stage.c.error.is_(None)).group_by(stage.c.status)
    ).all()
    rows.append(
        ("invalid", _execute(select(func.count()).where(stage.c.error.is_not(None))).scalar_one())
    )
    names = {"new": "new", "changed": "updated", "same": "unchanged", "invalid": "invalid"}
    for status, count in rows:
        counts[names[status]] = count or 0
        counts["total"] += count or 0
    joined = stage.outerjoin(
        target, and_(target.c.id == stage.c.target_id, target.c.tenant_id == tenant_id)
    )
    activated, deactivated = _execute(
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
    rows = _execute(
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
        _execute(
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


def assign_teams(tenant_id: int, team_ids: Mapping[str, int]) -> None:
    """Give staged rows the ids of the teams just created (one statement)."""
    if team_ids:
        _execute(
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
    target = _target(kind)
    return (
        _execute(
            select(func.count()).select_from(target).where(_missing_clause(tenant_id, target))
        ).scalar_one()
        or 0
    )


def deactivate_missing(tenant_id: int, kind: str, now: datetime) -> int:
    target = _target(kind)
    result = _execute(
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
    target = _target(kind)
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
    insert = postgresql.insert if _dialect() == "postgresql" else sqlite.insert
    statement = insert(target).from_select(columns, source)
    statement = statement.on_conflict_do_update(
        index_elements=["tenant_id", "email"],
        set_={name: statement.excluded[name] for name in [*_WRITTEN[kind], "updated_at"]},
    )
    _execute(statement)


def active_employee_count(tenant_id: int) -> int:
    """Seats in use: the tenant's active employees."""
    return (
        _execute(
            select(func.count())
            .select_from(_employees)
            .where(_employees.c.tenant_id == tenant_id, _employees.c.active.is_(True))
        ).scalar_one()
        or 0
    )
