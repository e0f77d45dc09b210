"""Programs, rounds, invitations, processes, interactions and the suppression list."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.db import Base, TenantScoped, utcnow

PROGRAM_KINDS = ("employee", "customer")
ROUND_STATUSES = ("open", "closed")
INVITATION_STATUSES = ("queued", "sending", "sent", "bounced", "failed", "suppressed")


class Program(TenantScoped, Base):
    """A recurring plan of pulses, for employees or for customers."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    started: Mapped[bool] = mapped_column(default=False)  # sends on schedule once started
    cadence: Mapped[str] = mapped_column(String(10), default="monthly")
    weekday: Mapped[int] = mapped_column(default=1)  # 0 = Monday
    send_time: Mapped[time] = mapped_column(default=time(9, 0))
    anchor_date: Mapped[date | None]  # biweekly rhythm
    open_days: Mapped[int] = mapped_column(default=10)
    questions_per_round: Mapped[int] = mapped_column(default=5)
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [3, 5])
    grace_days: Mapped[int] = mapped_column(default=14)
    audience_team_ids: Mapped[list[int] | None] = mapped_column(JSON)  # None = everyone
    next_send_at: Mapped[datetime | None]
    # Customer programs.
    delay_days: Mapped[int] = mapped_column(default=1)
    cooldown_days: Mapped[int] = mapped_column(default=30)
    sample_share: Mapped[float] = mapped_column(Float, default=0.0)  # monthly random sample
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Round(TenantScoped, Base):
    """One send of a program. Questions, audience and thresholds are frozen at launch."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # quarter it started in: 2026-Q3
    month: Mapped[str] = mapped_column(String(7))  # 2026-08, for trend lines
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    threshold: Mapped[int]
    comment_threshold: Mapped[int]
    include_purpose_map: Mapped[bool] = mapped_column(default=False)
    audience_team_ids: Mapped[list[int] | None] = mapped_column(JSON)
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=list)
    change_note: Mapped[str | None] = mapped_column(Text)  # "what we changed since last time"
    # Customer rounds: when the monthly random sample was drawn (at most once per round).
    sampled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    program: Mapped[Program] = relationship()


class Invitation(TenantScoped, Base):
    """One person's ticket to one round. Holds the token's hash and answered yes/no: nothing
    that says when it was answered."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("round_id", "employee_id"),
        UniqueConstraint("round_id", "customer_id", "interaction_id"),
        Index("ix_invitations_dispatch", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(2), default="en")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]  # not before (customer delay, retry backoff)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(255))
    answered: Mapped[bool] = mapped_column(default=False)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()


class Process(TenantScoped, Base):
    """Something a tenant does for customers on purpose: an action and its intended outcome."""

    __tablename__ = "processes"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Interaction(TenantScoped, Base):
    """One action of a process, done for one customer."""

    __tablename__ = "interactions"
    __table_args__ = (UniqueConstraint("tenant_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime]
    external_id: Mapped[str | None] = mapped_column(String(120))
    # What logging it decided, so a retried API call answers the same:
    # {"scheduled_for": ISO time} or {"reason": "..."}.
    outcome: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Suppression(TenantScoped, Base):
    """Addresses that later rounds skip: bounced or unsubscribed."""

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("tenant_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(String(20))  # bounced | unsubscribed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
