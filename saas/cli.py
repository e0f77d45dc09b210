"""Platform CLI: the demo and tenant administration. Area commands live with their areas."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from saas import hooks
from saas.auth.models import Membership, User
from saas.db import tenant_context, unscoped, utcnow
from saas.extensions import db
from saas.security import hash_password
from saas.tenancy.models import Tenant
from saas.tenancy.service import create_tenant

demo_cli = AppGroup("demo", help="The demo tenant.")
tenants_cli = AppGroup("tenants", help="Platform administration of tenants.")

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-pulse-2026"  # noqa: S105 (the public demo login)
DEMO_USERS = (
    ("owner@demo.example", "Olivia Owner", "owner"),
    ("admin@demo.example", "Adam Admin", "admin"),
    ("exec@demo.example", "Eva Executive", "executive"),
)


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


def seed_demo() -> Tenant:
    with unscoped():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == DEMO_SLUG))
    if tenant is None:
        tenant = create_tenant(
            "Acme Outcomes (demo)",
            slug=DEMO_SLUG,
            country="ES",
            timezone="Europe/Madrid",
            locale="en",
            contact_email="people@demo.example",
        )
    with tenant_context(tenant.id):
        for email, name, role in DEMO_USERS:
            ensure_demo_member(email, name, role)
        db.session.flush()
        # Areas extend the demo: each hook gets the demo tenant (current) and is idempotent.
        hooks.run("demo", tenant)
        db.session.commit()
    return tenant


@demo_cli.command("seed")
def seed() -> None:
    """Create (or bring up to date) the demo tenant and its users. Idempotent."""
    seed_demo()
    click.echo(f"Demo ready: sign in as {DEMO_USERS[0][0]} with password {DEMO_PASSWORD}")


@tenants_cli.command("list")
def list_tenants() -> None:
    with unscoped():
        for tenant in db.session.scalars(select(Tenant).order_by(Tenant.id)):
            click.echo(f"{tenant.id}\t{tenant.slug}\t{tenant.name}\t{tenant.plan}/{tenant.status}")
