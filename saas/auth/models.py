"""Users are global; a membership places a user in one tenant with one role."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.db import Base, TenantScoped, utcnow

ROLES = ("owner", "admin", "executive", "team_lead")
MANAGER_ROLES = ("owner", "admin")
RESULT_ROLES = ("owner", "admin", "executive", "team_lead")


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(2), default="en")
    email_verified_at: Mapped[datetime | None]
    # Bumped on password change: every other session and remember-me cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    is_operator: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Two-factor sign-in (TOTP, RFC 6238): the shared secret, when it was turned on, and the
    # last time step used (a code is accepted once). See saas.auth.two_factor.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int] = mapped_column(default=0)

    # The sign-in session this object was loaded for (not a column): see saas.auth.sessions.
    session_key: ClassVar[str | None] = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: the user, the
        password generation and the server-side session's key (ended on sign-out)."""
        return f"{self.id}:{self.session_version}:{self.session_key or ''}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


class Membership(TenantScoped, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # For team leads: the team whose subtree they may read.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class MemberInvite(TenantScoped, Base):
    """An invitation of a colleague to join a tenant (not a survey invitation)."""

    __tablename__ = "member_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    # For a team lead: the team chosen on the invitation, kept on the membership it becomes.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserSession(Base):
    """One signed-in browser: its key lives in the session and remember-me cookies, its SHA-256
    hash here; signing out deletes the row, so a copied cookie opens nothing afterwards."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryCode(Base):
    """A single-use two-factor recovery code, stored as its SHA-256 hash."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
