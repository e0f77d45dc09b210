"""The per-tenant audit log of security-relevant events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Base, TenantScoped, utcnow

EVENTS = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "password_changed",
    "password_reset",
    "two_factor_enabled",
    "two_factor_disabled",
    "two_factor_failed",
    "recovery_code_used",
    "member_invited",
    "member_joined",
    "role_changed",
    "member_removed",
    "api_key_created",
    "api_key_revoked",
    "settings_changed",
    "subscription_changed",
)


class AuditEvent(TenantScoped, Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_email: Mapped[str | None] = mapped_column(String(254))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def record(
    action: str, *, actor: Any = None, actor_email: str | None = None, **detail: Any
) -> AuditEvent:
    """Add an audit event for the current tenant to the session (the caller commits)."""
    from saas.extensions import db

    assert action in EVENTS, action
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        actor_email=actor_email or getattr(actor, "email", None),
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class AuditPage:
    """One page of the current tenant's audit log, newest first."""

    events: list[AuditEvent]
    page: int
    pages: int
    total: int


def page_of_events(page: int, size: int) -> AuditPage:
    from saas.extensions import db

    page = max(page, 1)
    total = db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    events = db.session.scalars(
        select(AuditEvent)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    return AuditPage(list(events), page, max((total + size - 1) // size, 1), total)
