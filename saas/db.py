"""The declarative base, the TenantScoped mixin and the one place that scopes every query.

How isolation works (see docs/decisions.md):
- ``current_tenant_id`` is a context variable, set once per request or unit of background work.
- A ``do_orm_execute`` listener adds ``with_loader_criteria(TenantScoped, tenant_id == current)``
  to every ORM select, update and delete (SQLAlchemy's "global WHERE criteria" recipe).
- ``before_flush`` stamps ``tenant_id`` on new rows and refuses rows of another tenant.
- With no tenant set, touching a tenant-scoped model raises ``TenantNotSet``; platform code
  opts out explicitly with ``with unscoped():``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    registry,
    with_loader_criteria,
)
from sqlalchemy.types import TypeDecorator

from saas.sqlite_writer import BUSY_TIMEOUT_SECONDS, QueuedWriterConnection

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class TenantNotSet(RuntimeError):
    """A tenant-scoped model was touched with no current tenant."""


class CrossTenantWrite(RuntimeError):
    """A row of another tenant was about to be written."""


_current_tenant: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "current_tenant_id", default=None
)
_unscoped: contextvars.ContextVar[bool] = contextvars.ContextVar("unscoped", default=False)
# SQLite only: whether this unit of work may write. Reads (GET pages) begin deferred and run
# concurrently under WAL; everything else begins immediately (see configure_sqlite).
_may_write: contextvars.ContextVar[bool] = contextvars.ContextVar("may_write", default=True)


def set_read_only(read_only: bool) -> contextvars.Token[bool]:
    return _may_write.set(not read_only)


def reset_read_only(token: contextvars.Token[bool]) -> None:
    _may_write.reset(token)


@contextmanager
def reading_only() -> Iterator[None]:
    """Transactions begun inside only read: on SQLite they begin deferred (no write lock). A view
    that reads a lot and then writes a little ends this transaction before it writes."""
    token = set_read_only(True)
    try:
        yield
    finally:
        reset_read_only(token)


def reads_only_on_get(view: Any) -> Any:
    """Mark a view whose GET never writes: on SQLite its transaction begins deferred."""
    view._reads_only_on_get = True
    return view


def utcnow() -> datetime:
    return datetime.now(UTC)


@overload
def iso_z(moment: datetime) -> str: ...
@overload
def iso_z(moment: None) -> None: ...
def iso_z(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 in UTC with a ``Z`` (how the API and JSON write times)."""
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TenantScoped:
    """Mixin for every table a tenant owns: it carries ``tenant_id`` and is scoped centrally."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(
            Integer, ForeignKey("tenants.id", ondelete="CASCADE"), index=True, nullable=False
        )


def current_tenant_id() -> int | None:
    return _current_tenant.get()


def require_tenant_id() -> int:
    tenant_id = _current_tenant.get()
    if tenant_id is None:
        raise TenantNotSet("no current tenant")
    return tenant_id


@contextmanager
def tenant_context(tenant_id: int) -> Iterator[None]:
    """Make ``tenant_id`` the current tenant for the block (background work, CLI, tests)."""
    token = _current_tenant.set(tenant_id)
    try:
        yield
    finally:
        _current_tenant.reset(token)


def set_current_tenant(tenant_id: int | None) -> contextvars.Token[int | None]:
    return _current_tenant.set(tenant_id)


def reset_current_tenant(token: contextvars.Token[int | None]) -> None:
    _current_tenant.reset(token)


@contextmanager
def unscoped() -> Iterator[None]:
    """Visible opt-out for platform look-ups (survey token, API key, webhook, CLI)."""
    token = _unscoped.set(True)
    try:
        yield
    finally:
        _unscoped.reset(token)


def _touches_tenant_data(state: ORMExecuteState) -> bool:
    return any(
        mapper.class_ is not None and issubclass(mapper.class_, TenantScoped)
        for mapper in state.all_mappers
    )


@event.listens_for(Session, "do_orm_execute")
def _scope_to_current_tenant(state: ORMExecuteState) -> None:
    if state.is_column_load or _unscoped.get():
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    tenant_id = _current_tenant.get()
    if tenant_id is None:
        if _touches_tenant_data(state):
            raise TenantNotSet("a tenant-scoped model was queried with no current tenant")
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id == tenant_id,
            include_aliases=True,
        )
    )


@event.listens_for(Session, "before_flush")
def _stamp_and_check_tenant(session: Session, flush_context: Any, instances: Any) -> None:
    if _unscoped.get():
        return
    tenant_id = _current_tenant.get()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, TenantScoped):
            continue
        if tenant_id is None:
            raise TenantNotSet(f"cannot write {type(obj).__name__} with no current tenant")
        if obj.tenant_id is None and obj in session.new:
            obj.tenant_id = tenant_id
        if obj.tenant_id != tenant_id:
            raise CrossTenantWrite(f"{type(obj).__name__} belongs to another tenant")


@event.listens_for(Session, "loaded_as_persistent")
def _refuse_foreign_rows(session: Session, instance: Any) -> None:
    """Last wall: an identity-map hit from another tenant (e.g. session.get) never escapes."""
    if _unscoped.get() or not isinstance(instance, TenantScoped):
        return
    tenant_id = _current_tenant.get()
    if tenant_id is not None and instance.tenant_id not in (None, tenant_id):
        raise CrossTenantWrite(f"{type(instance).__name__} of another tenant was loaded")


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and transactions that take the write lock at BEGIN.

    pysqlite's own transaction handling is switched off (isolation_level=None) so that BEGIN is
    ours: ``BEGIN IMMEDIATE`` waits on the busy timeout instead of failing with "database is
    locked" when a read transaction later needs to write. Requests that only read (GET pages,
    marked with ``set_read_only``) begin deferred, so they never queue behind writers. Writers of
    one process queue on a first-come-first-served lock before ``BEGIN IMMEDIATE``
    (``saas.sqlite_writer``) rather than sleeping in SQLite's busy handler.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "do_connect")
    def _queued_writers(dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        cparams.setdefault("factory", QueuedWriterConnection)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        dbapi_connection = connection.connection.dbapi_connection
        if isinstance(dbapi_connection, QueuedWriterConnection):
            dbapi_connection.begin(write=_may_write.get())
        else:  # connected before this was configured
            connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write.get() else "BEGIN")
