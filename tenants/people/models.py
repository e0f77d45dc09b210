"""The people a tenant surveys. They never log in."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.db import Base, TenantScoped, utcnow


class Team(TenantScoped, Base):
    """A team; teams form a tree through ``parent_id``."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Team | None] = relationship(remote_side="Team.id")


class Employee(TenantScoped, Base):
    __tablename__ = "employees"
    __table_args__ = (UniqueConstraint("tenant_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="")
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    manager_email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(2), default="en")
    start_date: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    team: Mapped[Team | None] = relationship()


class Customer(TenantScoped, Base):
    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("tenant_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="")
    segment: Mapped[str | None] = mapped_column(String(60), index=True)
    serving_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str] = mapped_column(String(2), default="en")
    consent: Mapped[bool] = mapped_column(default=True)
    unsubscribed: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    serving_team: Mapped[Team | None] = relationship()


IMPORT_KINDS = ("employees", "customers")
# queued → checking → ready → importing → done; any step may end in failed. discarded: dropped
# by the admin after the preview.
IMPORT_STATUSES = ("queued", "checking", "ready", "importing", "done", "failed", "discarded")


class ImportJob(TenantScoped, Base):
    """One uploaded CSV: its preview, the admin's confirmation and the outcome of the commit.

    The file itself is kept in the instance folder (``imports/<tenant_id>/<stored_name>.csv``)
    until the import is done or discarded; the preview is recomputed from it at commit time.
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255), default="")
    stored_name: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    deactivate_missing: Mapped[bool] = mapped_column(default=False)
    skip_invalid: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The preview.
    columns: Mapped[dict | None] = mapped_column(JSON)
    total_rows: Mapped[int] = mapped_column(default=0)
    invalid_rows: Mapped[int] = mapped_column(default=0)
    new_rows: Mapped[int] = mapped_column(default=0)
    updated_rows: Mapped[int] = mapped_column(default=0)
    unchanged_rows: Mapped[int] = mapped_column(default=0)
    deactivate_rows: Mapped[int] = mapped_column(default=0)
    teams_to_create: Mapped[list | None] = mapped_column(JSON)
    problems: Mapped[list | None] = mapped_column(JSON)
    seat_problem: Mapped[str | None] = mapped_column(Text)
    # The outcome.
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    deactivated_count: Mapped[int] = mapped_column(default=0)
    skipped_count: Mapped[int] = mapped_column(default=0)
    teams_created: Mapped[list | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    previewed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def valid_rows(self) -> int:
        return self.total_rows - self.invalid_rows

    @property
    def running(self) -> bool:
        return self.status in ("queued", "checking", "importing")
