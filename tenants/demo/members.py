"""Who signs in to the demo: its users, their shared public password, and the team lead."""

from __future__ import annotations

from sqlalchemy import select

from saas.auth.models import Membership, User
from saas.db import utcnow
from saas.extensions import db
from saas.security import hash_password

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-pulse-2026"  # noqa: S105 (the public demo login)
DEMO_USERS = (
    ("owner@demo.example", "Olivia Owner", "owner"),
    ("admin@demo.example", "Adam Admin", "admin"),
    ("exec@demo.example", "Eva Executive", "executive"),
)
LEAD_EMAIL = "lead@demo.example"
LEAD_NAME = "Lena Lead"


def ensure_demo_member(email: str, name: str, role: str, team_id: int | None = None) -> User:
    """The demo user ``email`` with a membership of the current tenant (idempotent)."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            name=name,
            password_hash=hash_password(DEMO_PASSWORD),
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
    if db.session.scalar(select(Membership).where(Membership.user_id == user.id)) is None:
        db.session.add(Membership(user_id=user.id, role=role, team_id=team_id))
    return user


def ensure_demo_users() -> None:
    """The owner, the admin and the executive of the demo (idempotent)."""
    for email, name, role in DEMO_USERS:
        ensure_demo_member(email, name, role)


def ensure_team_lead(team_id: int | None) -> None:
    """A demo team lead (``LEAD_EMAIL``, same password) for ``team_id``'s subtree."""
    if team_id is None:
        return
    ensure_demo_member(LEAD_EMAIL, LEAD_NAME, "team_lead", team_id)
